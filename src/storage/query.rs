//! The one way lists are read: conditions, a sort key with the id as tiebreaker, and
//! keyset pagination ("rows after this key"), never OFFSET; counts and facets under
//! the same conditions.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

use super::Result;

/// The value of a row's sort key, as carried in a cursor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Int(i64),
    Text(String),
    /// A float (a search rank) travels as its bits, `{"f": …}`: a decimal might not
    /// parse back to the very same value, and the page after would repeat a row.
    Float(#[serde(with = "float_bits")] f64),
}

mod float_bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Bits {
        f: u64,
    }

    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        Bits { f: value.to_bits() }.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Bits::deserialize(d).map(|b| f64::from_bits(b.f))
    }
}

impl SortValue {
    fn to_sql(&self) -> Value {
        match self {
            Self::Int(i) => Value::Integer(*i),
            Self::Float(f) => Value::Real(*f),
            Self::Text(s) => Value::Text(s.clone()),
        }
    }

    fn from_sql(value: Value) -> Self {
        match value {
            Value::Integer(i) => Self::Int(i),
            Value::Real(f) => Self::Float(f),
            Value::Text(s) => Self::Text(s),
            // Sort keys are NOT NULL columns; anything else sorts as the empty text.
            Value::Null | Value::Blob(_) => Self::Text(String::new()),
        }
    }
}

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: SortValue,
    pub id: String,
}

/// Which page to read.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self { limit, after: None }
    }
}

/// One page of a list, and where the next one starts.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

/// What a list reads: where its items come from, their id, their columns.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// The `FROM` clause, e.g. `articles a`. It may hold `?` placeholders, bound with
    /// [`Where::bind_source`], unless the listing is `deferred`.
    pub from: &'static str,
    /// The unique id expression, the tiebreaker of every sort.
    pub id: &'static str,
    /// The columns `from_row` reads.
    pub columns: &'static str,
    /// Read the columns only for the rows of the page, joined back by id once the
    /// page's keys are known: for costly columns (bodies, relation lists) on lists
    /// that may need sorting.
    pub deferred: bool,
}

/// One way to order a list: its name in the API, an SQL expression, a direction.
/// The listing's id breaks ties in the same direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sort {
    pub name: &'static str,
    pub key: &'static str,
    pub descending: bool,
    /// Orders by full-text rank: only for lists filtered by a full-text query.
    pub relevance: bool,
}

impl Sort {
    pub const fn asc(name: &'static str, key: &'static str) -> Self {
        Self {
            name,
            key,
            descending: false,
            relevance: false,
        }
    }

    pub const fn desc(name: &'static str, key: &'static str) -> Self {
        Self {
            descending: true,
            ..Self::asc(name, key)
        }
    }

    /// Best match first: `key` is a bm25 rank, lower is better.
    pub const fn relevance(key: &'static str) -> Self {
        Self {
            relevance: true,
            ..Self::asc("relevance", key)
        }
    }
}

/// A facet: how many items of a list have each value of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facet {
    pub name: &'static str,
    /// Joins that reach the value from the listing (empty for a column of the item).
    pub join: &'static str,
    pub value: &'static str,
    pub label: &'static str,
    /// Count distinct items, for joins that can reach one value twice from an item.
    pub distinct: bool,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// How many values a facet lists at most, the most frequent first.
pub const FACET_VALUES: u32 = 100;

/// The conditions of a list query, with their parameters in placeholder order.
#[derive(Debug, Default, Clone)]
pub struct Where {
    source_params: Vec<Value>,
    joins: Vec<String>,
    conditions: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    /// Adds `condition`, whose `?` placeholders take `params` in order.
    pub fn and(&mut self, condition: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.conditions.push(condition.into());
        self.params.extend(params);
    }

    /// Adds `template` with `{}` replaced by a placeholder list for `values`; nothing
    /// when `values` is empty (an absent filter). Repeated values mean OR.
    pub fn any_of<S: ToString>(&mut self, template: &str, values: &[S]) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.and(
            template.replace("{}", &marks),
            values.iter().map(|v| Value::Text(v.to_string())),
        );
    }

    /// Adds `column op ?` when `value` is given (a range bound).
    pub fn bound(&mut self, column: &str, op: &str, value: Option<Value>) {
        if let Some(value) = value {
            self.and(format!("{column} {op} ?"), [value]);
        }
    }

    /// Joins another table, such as a full-text index, to the listing.
    pub fn join(&mut self, clause: impl Into<String>) {
        self.joins.push(clause.into());
    }

    /// Binds the placeholders of the listing's `FROM` clause.
    pub fn bind_source(&mut self, params: impl IntoIterator<Item = Value>) {
        self.source_params.extend(params);
    }

    /// ` JOIN … WHERE …` after the listing's `FROM`, with `extra_join` last of the joins.
    fn sql(&self, extra_join: &str) -> String {
        let mut sql = String::new();
        for join in self.joins.iter().map(String::as_str).chain([extra_join]) {
            if !join.is_empty() {
                sql.push(' ');
                sql.push_str(join);
            }
        }
        if !self.conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.conditions.join(" AND "));
        }
        sql
    }

    fn all_params(&self) -> Vec<Value> {
        self.source_params
            .iter()
            .chain(&self.params)
            .cloned()
            .collect()
    }
}

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
    let keys = format!(
        "SELECT {key} AS sort_key, {id} AS sort_id FROM {from}{} ORDER BY {key} {dir}, {id} {dir} LIMIT {limit}",
        filter.sql("")
    );
    let sql = if listing.deferred {
        format!(
            "SELECT k.sort_key, k.sort_id, {} FROM ({keys}) k JOIN {from} ON {id} = k.sort_id \
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
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
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
    Ok(Page { items, next })
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
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
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
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(&statement.sql)?;
    let rows = stmt.query_map(params_from_iter(statement.params.iter()), |row| map(row))?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

/// Reads a JSON array column into a vector, for the relation lists built with
/// `json_group_array` in the same query as the row (no query per item).
pub fn json_column<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: &str,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Unix seconds to a UTC time.
pub fn time_column(row: &Row<'_>, idx: &str) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    let secs: i64 = row.get(idx)?;
    chrono::DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| rusqlite::Error::IntegralValueOutOfRange(0, secs))
}
