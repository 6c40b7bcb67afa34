//! Topics: the subjects articles and quotes are filed under.

use rusqlite::{Connection, Row, params};

use super::Result;
use super::query::{self, Cursor, Page, PageRequest, Sort, SortValue, Where, time_column};
use crate::domain::{Links, NewTopic, Topic, TopicId};

#[derive(Debug, Default, Clone)]
pub struct TopicFilter {
    pub ids: Vec<TopicId>,
}

const SELECT: &str = "SELECT t.id, t.name, t.description, t.updated_at FROM topics t";

/// Alphabetical by id, which is stable and readable.
const SORT: Sort = Sort {
    key: "t.id",
    id: "t.id",
    descending: false,
};

fn conditions(filter: &TopicFilter) -> Where {
    let mut w = Where::default();
    w.any_of("t.id IN ({})", &filter.ids);
    w
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Topic> {
    let id: TopicId = row.get("id")?;
    Ok(Topic {
        links: Links::to("topics", id.as_str()),
        id,
        name: row.get("name")?,
        description: row.get("description")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

fn cursor_of(t: &Topic) -> Cursor {
    Cursor {
        key: SortValue::Text(t.id.to_string()),
        id: t.id.to_string(),
    }
}

pub fn list(conn: &Connection, filter: &TopicFilter, page: &PageRequest) -> Result<Page<Topic>> {
    query::page(
        conn,
        SELECT,
        conditions(filter),
        SORT,
        page,
        from_row,
        cursor_of,
    )
}

pub fn get(conn: &Connection, id: &TopicId) -> Result<Option<Topic>> {
    let filter = TopicFilter {
        ids: vec![id.clone()],
    };
    Ok(list(conn, &filter, &PageRequest::first(1))?.items.pop())
}

pub fn get_many(conn: &Connection, ids: &[TopicId]) -> Result<Vec<Topic>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = TopicFilter { ids: ids.to_vec() };
    query::all(conn, SELECT, conditions(&filter), "t.id", from_row)
}

pub fn insert(conn: &Connection, t: &NewTopic, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO topics (id, name, description, updated_at) VALUES (?1, ?2, ?3, ?4)",
        params![t.id, t.name, t.description, now],
    )?;
    Ok(())
}
