//! The relation lists of a page (an article's topics, an event's participants, …),
//! read with one query per relation for the whole page: never a query per item, and
//! never JSON built in SQL only to be parsed again.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::Result;
use super::read::{Statement, all_rows};
use super::row::NamedRow;

/// The rows of `sql` for the owners `ids`, grouped by owner in the order `sql`
/// returns them. `sql` selects the owner's id first and has `{}` where the list
/// of placeholders for `ids` goes, e.g.
/// `SELECT article, topic FROM article_topics WHERE article IN ({}) ORDER BY article, ord`.
pub fn by_owner<T>(
    conn: &Connection,
    sql: &str,
    ids: &[&str],
    map: impl Fn(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> Result<HashMap<String, Vec<T>>> {
    let mut grouped: HashMap<String, Vec<T>> = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(grouped);
    }
    let statement = Statement {
        sql: sql.replace("{}", &placeholders(ids.len())),
        params: ids.iter().map(|id| Value::Text((*id).to_owned())).collect(),
    };
    for (owner, value) in all_rows(conn, &statement, |row| Ok((row.get(0)?, map(row)?)))? {
        grouped.entry(owner).or_default().push(value);
    }
    Ok(grouped)
}

/// `?, ?, …` for `n` values. Pages have few sizes, so the statements stay few
/// and are prepared once each (`prepare_cached`).
fn placeholders(n: usize) -> String {
    let mut marks = String::with_capacity(n * 3);
    for i in 0..n {
        if i > 0 {
            marks.push_str(", ");
        }
        marks.push('?');
    }
    marks
}

/// Fills one relation list of each item from `grouped`; items without rows get an
/// empty list.
pub fn fill<I, T>(
    items: &mut [I],
    mut grouped: HashMap<String, Vec<T>>,
    id: fn(&I) -> &str,
    mut set: impl FnMut(&mut I, Vec<T>),
) {
    for item in items {
        let values = grouped.remove(id(item)).unwrap_or_default();
        set(item, values);
    }
}
