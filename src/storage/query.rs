//! The one way lists are read: conditions, a sort key with the id as tiebreaker, and
//! keyset pagination ("rows after this key"), never OFFSET.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

use super::Result;

/// The value of a row's sort key, as carried in a cursor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

impl SortValue {
    fn to_sql(&self) -> Value {
        match self {
            Self::Int(i) => Value::Integer(*i),
            Self::Text(s) => Value::Text(s.clone()),
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

/// How a list is ordered: one SQL expression, then the id in the same direction.
#[derive(Debug, Clone, Copy)]
pub struct Sort {
    pub key: &'static str,
    pub id: &'static str,
    pub descending: bool,
}

/// The conditions of a list query, with their parameters in placeholder order.
#[derive(Default)]
pub struct Where {
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

    fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// Reads one page of `select` (a `SELECT … FROM …` without WHERE) under `filter`.
/// `key_of` returns the sort key and id of an item, to build the next cursor.
pub fn page<T>(
    conn: &Connection,
    select: &str,
    mut filter: Where,
    sort: Sort,
    request: &PageRequest,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    key_of: impl Fn(&T) -> Cursor,
) -> Result<Page<T>> {
    let (cmp, dir) = if sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(after) = &request.after {
        filter.and(
            format!("({}, {}) {cmp} (?, ?)", sort.key, sort.id),
            [after.key.to_sql(), Value::Text(after.id.clone())],
        );
    }
    let sql = format!(
        "{select}{} ORDER BY {} {dir}, {} {dir} LIMIT {}",
        filter.sql(),
        sort.key,
        sort.id,
        request.limit + 1
    );
    let mut items = all_rows(conn, &sql, &filter.params, map)?;
    let next = if items.len() > request.limit as usize {
        items.truncate(request.limit as usize);
        items.last().map(key_of)
    } else {
        None
    };
    Ok(Page { items, next })
}

/// Every row of `select` under `filter`, in `order`.
pub fn all<T>(
    conn: &Connection,
    select: &str,
    filter: Where,
    order: &str,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let sql = format!("{select}{} ORDER BY {order}", filter.sql());
    all_rows(conn, &sql, &filter.params, map)
}

fn all_rows<T>(
    conn: &Connection,
    sql: &str,
    params: &[Value],
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |row| map(row))?;
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
