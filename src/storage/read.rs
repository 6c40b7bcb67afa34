//! The one way lists are read: keyset pagination ("rows after this key"), never
//! OFFSET, with counts and facets under the same conditions; each statement can
//! also be explained (`EXPLAIN QUERY PLAN`).

use rusqlite::Connection;
use rusqlite::types::Value;

use super::row::{self, NamedRow};

use super::Result;
use super::query::{
    Cursor, FACET_VALUES, Facet, FacetCount, Listing, Page, PageRequest, Sort, SortValue, Where,
};

/// An SQL statement and its parameters.
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
}

/// The statement that reads one page: `limit + 1` rows, to know whether more follow.
pub fn page_statement(
    listing: &Listing,
    filter: &Where,
    sort: &Sort,
    request: &PageRequest,
) -> Statement {
    let (cmp, dir) = if sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let (key, id) = (sort.key, listing.id);
    let mut filter = filter.clone();
    if let Some(after) = &request.after {
        filter.and(
            format!("({key}, {id}) {cmp} (?, ?)"),
            [after.key.to_sql(), Value::Text(after.id.clone())],
        );
    }
    let from = listing.from;
    let limit = request.limit + 1;
    let sql = if listing.deferred {
        // Joined back by rowid: one search of the table per row, where the id would
        // take one of its index too.
        let row = listing.rowid();
        let keys = format!(
            "SELECT {key} AS sort_key, {id} AS sort_id, {row} AS sort_row FROM {from}{} \
             ORDER BY {key} {dir}, {id} {dir} LIMIT {limit}",
            filter.sql("")
        );
        format!(
            "SELECT k.sort_key, k.sort_id, {} FROM ({keys}) k JOIN {from} ON {row} = k.sort_row \
             ORDER BY k.sort_key {dir}, k.sort_id {dir}",
            listing.columns
        )
    } else {
        format!(
            "SELECT {key} AS sort_key, {id} AS sort_id, {} FROM {from}{} ORDER BY {key} {dir}, {id} {dir} LIMIT {limit}",
            listing.columns,
            filter.sql("")
        )
    };
    Statement {
        sql,
        params: filter.all_params(),
    }
}

/// Reads one page of `listing` under `filter` in `sort` order.
pub fn page<T>(
    conn: &Connection,
    listing: &Listing,
    filter: &Where,
    sort: &Sort,
    request: &PageRequest,
    map: impl Fn(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let statement = page_statement(listing, filter, sort, request);
    let mut rows = all_rows(conn, &statement, |row| {
        let cursor = Cursor {
            key: SortValue::from_sql(row.get("sort_key")?),
            id: row.get("sort_id")?,
        };
        Ok((map(row)?, cursor))
    })?;
    let next = if rows.len() > request.limit as usize {
        rows.truncate(request.limit as usize);
        rows.last().map(|(_, cursor)| cursor.clone())
    } else {
        None
    };
    let items = rows.into_iter().map(|(item, _)| item).collect();
    Ok(Page {
        items,
        next,
        ranked_by_all_text: sort.relevance,
        floor: None,
    })
}

/// The statement that counts the items of `listing` under `filter`.
pub fn count_statement(listing: &Listing, filter: &Where) -> Statement {
    Statement {
        sql: format!("SELECT count(*) FROM {}{}", listing.from, filter.sql("")),
        params: filter.all_params(),
    }
}

pub fn count(conn: &Connection, listing: &Listing, filter: &Where) -> Result<u64> {
    let statement = count_statement(listing, filter);
    let counts = all_rows(conn, &statement, |row| row.get::<_, i64>(0))?;
    Ok(counts.first().copied().unwrap_or(0).max(0) as u64)
}

/// The statement that counts the items of `listing` under `filter` per value of `facet`.
pub fn facet_statement(listing: &Listing, filter: &Where, facet: &Facet) -> Statement {
    let mut filter = filter.clone();
    filter.and(format!("{} IS NOT NULL", facet.value), []);
    let counted = if facet.distinct {
        format!("count(DISTINCT {})", listing.id)
    } else {
        "count(*)".to_owned()
    };
    Statement {
        sql: format!(
            "SELECT {value} AS value, {label} AS label, {counted} AS n FROM {}{} \
             GROUP BY {value} ORDER BY n DESC, value LIMIT {FACET_VALUES}",
            listing.from,
            filter.sql(facet.join),
            value = facet.value,
            label = facet.label,
        ),
        params: filter.all_params(),
    }
}

pub fn facet(
    conn: &Connection,
    listing: &Listing,
    filter: &Where,
    facet: &Facet,
) -> Result<Vec<FacetCount>> {
    let statement = facet_statement(listing, filter, facet);
    all_rows(conn, &statement, |row| {
        let value: String = row.get("value")?;
        let label: Option<String> = row.get("label")?;
        Ok(FacetCount {
            label: label.unwrap_or_else(|| value.clone()),
            value,
            count: row.get::<_, i64>("n")?.max(0) as u64,
        })
    })
}

/// Every row of `listing` under `filter`, in `order`.
pub fn all<T>(
    conn: &Connection,
    listing: &Listing,
    filter: Where,
    order: &str,
    map: impl Fn(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let statement = Statement {
        sql: format!(
            "SELECT {} FROM {}{} ORDER BY {order}",
            listing.columns,
            listing.from,
            filter.sql("")
        ),
        params: filter.all_params(),
    };
    all_rows(conn, &statement, map)
}

/// The lines of SQLite's `EXPLAIN QUERY PLAN` for `statement`.
pub fn plan(conn: &Connection, statement: &Statement) -> Result<Vec<String>> {
    let explain = Statement {
        sql: format!("EXPLAIN QUERY PLAN {}", statement.sql),
        params: statement.params.clone(),
    };
    all_rows(conn, &explain, |row| row.get::<_, String>(3))
}

pub(super) fn all_rows<T>(
    conn: &Connection,
    statement: &Statement,
    map: impl Fn(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(&statement.sql)?;
    Ok(row::all(
        &mut stmt,
        rusqlite::params_from_iter(statement.params.iter()),
        map,
    )?)
}
