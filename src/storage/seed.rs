//! Loading `fixtures/` into a database that has never been seeded.
//!
//! The fixtures are compiled into the binary, so a release build serves the seed
//! content from any working directory.

use rusqlite::Connection;
use serde::de::DeserializeOwned;

use super::{Result, StorageError, articles, events, participants, quotes, topics};
use crate::domain::{NewArticle, NewEvent, NewParticipant, NewQuote, NewTopic};

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
    let now = FIXTURE_TIME;
    for t in parse::<NewTopic>("topics.json", TOPICS)? {
        topics::insert(&tx, &t, now)?;
    }
    // Affiliations point at other participants: insert all, then check references at commit.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    for p in parse::<NewParticipant>("participants.json", PARTICIPANTS)? {
        participants::insert(&tx, &p, now)?;
    }
    for e in parse::<NewEvent>("events.json", EVENTS)? {
        events::insert(&tx, &e, now)?;
    }
    for a in parse::<NewArticle>("articles.json", ARTICLES)? {
        articles::insert(&tx, &a, now)?;
    }
    for q in parse::<NewQuote>("quotes.json", QUOTES)? {
        quotes::insert(&tx, &q, now)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('seeded_at', ?1)",
        [chrono::Utc::now().to_rfc3339()],
    )?;
    tx.commit()?;
    Ok(())
}
