//! Topics: the subjects articles and quotes are filed under.

use rusqlite::{Connection, params};

use serde_json::Value;

use super::Result;
use super::edit::Ctx;
use super::seed::Fixture;
use super::by_id::Keyed;
use super::list::Resource;
use super::query::{Facet, Listing, Sort, Where, json_column, time_column};
use super::row::NamedRow;
use super::visibility::Visibility;
use crate::domain::{Links, NewTopic, Topic, TopicId};

#[derive(Debug, Default, Clone)]
pub struct TopicFilter {
    pub ids: Vec<TopicId>,
}

impl Resource for Topic {
    type Filter = TopicFilter;
    const LISTING: Listing = Listing {
        from: "topics t",
        id: "t.id",
        columns: std::borrow::Cow::Borrowed("t.id, t.name, t.description, t.media_topics, t.updated_at"),
        deferred: false,
    };
    /// Alphabetical by id, which is stable and readable.
    const SORTS: &'static [Sort] = &[Sort::asc("id", "t.id")];
    const FACETS: &'static [Facet] = &[];

    fn conditions(filter: &TopicFilter) -> Where {
        let mut w = Where::default();
        w.any_of("t.id IN ({})", &filter.ids);
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }
}

impl Keyed for Topic {
    type Id = TopicId;
    const TABLE: &'static str = "topics";

    fn with_ids(ids: &[TopicId], _: Visibility) -> TopicFilter {
        TopicFilter { ids: ids.to_vec() }
    }

    fn id_str(id: &TopicId) -> &str {
        id.as_str()
    }
}

fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Topic> {
    let id: TopicId = row.get("id")?;
    Ok(Topic {
        links: Links::to("topics", id.as_str()),
        id,
        name: row.get("name")?,
        description: row.get("description")?,
        media_topics: json_column(row, "media_topics")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

/// Topics are not written through the API: a fixture is inserted as it is.
impl Fixture for Topic {
    fn load(conn: &Connection, value: Value, ctx: &Ctx) -> std::result::Result<(), String> {
        let topic: NewTopic = serde_json::from_value(value).map_err(|e| e.to_string())?;
        insert(conn, &topic, ctx.now.timestamp()).map_err(|e| e.to_string())
    }
}

pub fn insert(conn: &Connection, t: &NewTopic, now: i64) -> Result<()> {
    let media_topics =
        serde_json::to_string(&t.media_topics).map_err(|source| super::StorageError::Json {
            what: "media topics".into(),
            source,
        })?;
    conn.execute(
        "INSERT INTO topics (id, name, description, media_topics, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![t.id, t.name, t.description, media_topics, now],
    )?;
    Ok(())
}
