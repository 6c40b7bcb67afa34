//! Loading `fixtures/` into a database that has never been seeded.
//!
//! The fixtures are compiled into the binary, so a release build serves the seed
//! content from any working directory.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::edit::{self, Ctx, EditError, Editable};
use super::{Result, StorageError, topics};
use crate::domain::{Article, Event, NewTopic, Participant, Quote};

const TOPICS: &str = include_str!("../../fixtures/topics.json");
const PARTICIPANTS: &str = include_str!("../../fixtures/participants.json");
const EVENTS: &str = include_str!("../../fixtures/events.json");
const ARTICLES: &str = include_str!("../../fixtures/articles.json");
const QUOTES: &str = include_str!("../../fixtures/quotes.json");

/// The time the fixtures are stamped with (`updated_at`): the day of the last article.
/// A fixed time keeps representations, and so ETags, identical across databases.
pub const FIXTURE_TIME: i64 = 1_720_162_800; // 2024-07-05T07:00:00Z

fn parse<T: DeserializeOwned>(name: &str, text: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| StorageError::Fixtures(format!("{name}: {e}")))
}

/// Creates each resource of a fixture file the way the write API would, so the
/// fixtures pass the same validation and appear in the change log.
fn create_all<R: Editable>(conn: &Connection, name: &str, text: &str, ctx: &Ctx) -> Result<()> {
    for (i, value) in parse::<Value>(name, text)?.into_iter().enumerate() {
        let new = R::parse(value, Utc::now())
            .map_err(|e| StorageError::Fixtures(format!("{name}[{i}]: {:?}", e.0)))?;
        edit::create::<R>(conn, new, ctx).map_err(|e| match e {
            EditError::Storage(e) => e,
            other => StorageError::Fixtures(format!("{name}[{i}]: {other:?}")),
        })?;
    }
    Ok(())
}

/// Loads the fixtures unless this database was seeded before, in one transaction.
pub fn load_if_unseeded(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    let seeded: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'seeded_at')",
        [],
        |r| r.get(0),
    )?;
    if seeded {
        return Ok(());
    }
    for t in parse::<NewTopic>("topics.json", TOPICS)? {
        topics::insert(&tx, &t, FIXTURE_TIME)?;
    }
    let ctx = Ctx {
        now: DateTime::from_timestamp(FIXTURE_TIME, 0).unwrap_or_default(),
        by: None,
        seeding: true,
    };
    // Affiliations point at other participants: insert all, then check references at commit.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    create_all::<Participant>(&tx, "participants.json", PARTICIPANTS, &ctx)?;
    create_all::<Event>(&tx, "events.json", EVENTS, &ctx)?;
    create_all::<Article>(&tx, "articles.json", ARTICLES, &ctx)?;
    create_all::<Quote>(&tx, "quotes.json", QUOTES, &ctx)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('seeded_at', ?1)",
        [chrono::Utc::now().to_rfc3339()],
    )?;
    tx.commit()?;
    Ok(())
}
