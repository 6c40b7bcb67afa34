//! Rows read by column name, the names looked up once per statement.
//!
//! rusqlite finds a column by name by asking SQLite for every column's name and
//! comparing it, on every `get`: for a page of 20 articles of 25 columns that was a
//! fifth of the time a list took. Here the first lookup by name copies the
//! statement's column names, and every later one, in any row of the statement,
//! compares in memory, starting after the column found last: `from_row` functions
//! mostly read the columns in the order they are selected.

use std::cell::{Cell, OnceCell};

use rusqlite::types::FromSql;
use rusqlite::{Params, Statement};

/// A column of a row: its name, or its position (for queries whose columns are
/// positional by contract, such as `relations::by_owner`'s owner first).
pub trait Column: Copy {
    fn index(self, names: &Names, row: &rusqlite::Row<'_>) -> rusqlite::Result<usize>;
}

impl Column for &str {
    fn index(self, names: &Names, row: &rusqlite::Row<'_>) -> rusqlite::Result<usize> {
        let found = names.of(row).position(self, names.next.get());
        let index = found.ok_or_else(|| rusqlite::Error::InvalidColumnName(self.to_owned()))?;
        names.next.set(index + 1);
        Ok(index)
    }
}

impl Column for usize {
    fn index(self, _: &Names, _: &rusqlite::Row<'_>) -> rusqlite::Result<usize> {
        // rusqlite checks the range.
        Ok(self)
    }
}

/// The column names of one statement, copied on the first lookup by name.
#[derive(Debug, Default)]
pub struct Names {
    copied: OnceCell<Copied>,
    /// Where the next lookup starts: after the column found last.
    next: Cell<usize>,
}

#[derive(Debug)]
struct Copied {
    /// Every name, one after the other.
    text: String,
    /// Where each name starts and ends in `text`.
    spans: Vec<(usize, usize)>,
}

impl Names {
    fn of(&self, row: &rusqlite::Row<'_>) -> &Copied {
        self.copied.get_or_init(|| Copied::of(row.as_ref()))
    }
}

impl Copied {
    fn of(stmt: &Statement<'_>) -> Self {
        let names = stmt.column_names();
        let mut text = String::with_capacity(names.iter().map(|n| n.len()).sum());
        let mut spans = Vec::with_capacity(names.len());
        for name in names {
            let start = text.len();
            text.push_str(name);
            spans.push((start, text.len()));
        }
        Self { text, spans }
    }

    /// The index of the column `name`, ignoring ASCII case as SQLite does; the
    /// search starts at `from` and wraps around.
    fn position(&self, name: &str, from: usize) -> Option<usize> {
        let n = self.spans.len();
        let from = from.min(n);
        (from..n).chain(0..from).find(|&i| {
            let (start, end) = self.spans[i];
            self.text[start..end].eq_ignore_ascii_case(name)
        })
    }
}

/// A row of a statement whose columns are read by name (or position).
pub struct NamedRow<'a> {
    row: &'a rusqlite::Row<'a>,
    names: &'a Names,
}

impl<'a> NamedRow<'a> {
    pub fn new(row: &'a rusqlite::Row<'a>, names: &'a Names) -> Self {
        Self { row, names }
    }

    /// The value of `column`; an error, never a panic, when there is no such column
    /// or its value does not convert.
    pub fn get<I: Column, T: FromSql>(&self, column: I) -> rusqlite::Result<T> {
        self.row.get(column.index(self.names, self.row)?)
    }
}

/// Every row `stmt` returns for `params`, mapped by `map`.
pub fn all<T>(
    stmt: &mut Statement<'_>,
    params: impl Params,
    mut map: impl FnMut(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let names = Names::default();
    let mut rows = stmt.query(params)?;
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        items.push(map(&NamedRow::new(row, &names))?);
    }
    Ok(items)
}

/// The first row `stmt` returns for `params`, mapped by `map`; `None` without rows.
pub fn first<T>(
    stmt: &mut Statement<'_>,
    params: impl Params,
    map: impl FnOnce(&NamedRow<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let names = Names::default();
    let mut rows = stmt.query(params)?;
    match rows.next()? {
        Some(row) => map(&NamedRow::new(row, &names)).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(sql: &str) -> rusqlite::Result<Vec<(i64, String)>> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let mut stmt = conn.prepare(sql)?;
        all(&mut stmt, [], |row| Ok((row.get("n")?, row.get("Name")?)))
    }

    #[test]
    fn columns_are_found_by_name_in_every_row() {
        let got = rows("SELECT 'a' AS name, 1 AS n UNION ALL SELECT 'b', 2").unwrap();
        assert_eq!(got, vec![(1, "a".to_owned()), (2, "b".to_owned())]);
    }

    #[test]
    fn columns_are_found_in_any_order() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("SELECT 1 AS a, 2 AS b, 3 AS c").unwrap();
        let read = |row: &NamedRow<'_>| -> rusqlite::Result<Vec<i64>> {
            ["c", "a", "b", "b", "c", "a"]
                .iter()
                .map(|&n| row.get(n))
                .collect()
        };
        assert_eq!(
            all(&mut stmt, [], read).unwrap(),
            vec![vec![3, 1, 2, 2, 3, 1]]
        );
    }

    #[test]
    fn a_missing_column_is_an_error() {
        let err = rows("SELECT 1 AS n, 'a' AS other").unwrap_err();
        assert!(
            matches!(&err, rusqlite::Error::InvalidColumnName(name) if name == "Name"),
            "{err:?}"
        );
    }

    #[test]
    fn a_position_out_of_range_is_an_error() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("SELECT 1").unwrap();
        let err = first(&mut stmt, [], |row| row.get::<_, i64>(3)).unwrap_err();
        assert!(
            matches!(err, rusqlite::Error::InvalidColumnIndex(3)),
            "{err:?}"
        );
        assert_eq!(
            first(&mut stmt, [], |row| row.get::<_, i64>(0)).unwrap(),
            Some(1)
        );
    }
}
