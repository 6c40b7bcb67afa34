//! Loading `fixtures/` into a database that has never been seeded.
//!
//! The fixtures are compiled into the binary, so a release build serves the seed
//! content from any working directory.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::edit::{self, Ctx, EditError, Editable};
use super::{Result, StorageError};
use crate::domain::kind::resources;

/// A resource the fixtures hold, one item at a time.
pub(crate) trait Fixture {
    /// Stores the fixture `value`.
    fn load(conn: &Connection, value: Value, ctx: &Ctx) -> std::result::Result<(), String>;
}

/// Written resources are created the way the write API would, so the fixtures pass
/// the same validation and appear in the change log.
impl<R: Editable> Fixture for R {
    fn load(conn: &Connection, value: Value, ctx: &Ctx) -> std::result::Result<(), String> {
        let new = R::parse(value, Utc::now()).map_err(|e| format!("{:?}", e.0))?;
        edit::create::<R>(conn, new, ctx)
            .map(drop)
            .map_err(|e| match e {
                EditError::Storage(e) => e.to_string(),
                other => format!("{other:?}"),
            })
    }
}

/// A fixture file: the collection it fills, its text, and how to store one item.
struct File {
    collection: &'static str,
    text: &'static str,
    load: fn(&Connection, Value, &Ctx) -> std::result::Result<(), String>,
}

/// `fixtures/{collection}.json` of each resource, compiled in.
macro_rules! files {
    ($($name:ident $collection:ident $type:ident $id:ident;)*) => {
        &[$(File {
            collection: stringify!($collection),
            text: include_str!(concat!("../../fixtures/", stringify!($collection), ".json")),
            load: <crate::domain::$type as Fixture>::load,
        }),*]
    };
}

const FILES: &[File] = resources!(files);

/// The time the fixtures are stamped with (`updated_at`): the day of the last article.
/// A fixed time keeps representations, and so ETags, identical across databases.
pub const FIXTURE_TIME: i64 = 1_720_162_800; // 2024-07-05T07:00:00Z

fn parse<T: DeserializeOwned>(name: &str, text: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| StorageError::Fixtures(format!("{name}: {e}")))
}

/// Stores each item of a fixture file.
fn load_all(conn: &Connection, file: &File, ctx: &Ctx) -> Result<()> {
    let name = format!("{}.json", file.collection);
    for (i, value) in parse::<Value>(&name, file.text)?.into_iter().enumerate() {
        (file.load)(conn, value, ctx)
            .map_err(|e| StorageError::Fixtures(format!("{name}[{i}]: {e}")))?;
    }
    Ok(())
}

/// The fixture files in an order where each comes after those of the resources it
/// points at (the order of [`resources!`] among those that do not depend on each
/// other), read from the schema: a resource points at the targets of its table's
/// foreign keys and of those of the tables it owns (whose rows go with its own,
/// `ON DELETE CASCADE`: an article's topics, an event's participants).
fn in_reference_order(conn: &Connection) -> Result<Vec<&'static File>> {
    let mut needs: Vec<(&File, Vec<String>)> = Vec::new();
    for file in FILES {
        let mut statement = conn.prepare(
            "SELECT f.\"table\" FROM pragma_foreign_key_list(?1) f
             UNION
             SELECT target.\"table\" FROM sqlite_schema m,
                 pragma_foreign_key_list(m.name) owner, pragma_foreign_key_list(m.name) target
             WHERE m.type = 'table' AND owner.\"table\" = ?1 AND owner.on_delete = 'CASCADE'",
        )?;
        let targets = statement
            .query_map([file.collection], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let targets = targets
            .into_iter()
            .filter(|t| t != file.collection && FILES.iter().any(|f| f.collection == t))
            .collect();
        needs.push((file, targets));
    }
    let mut order: Vec<&File> = Vec::new();
    while !needs.is_empty() {
        let ready = needs
            .iter()
            .position(|(_, targets)| {
                targets
                    .iter()
                    .all(|t| order.iter().any(|f| f.collection == t))
            })
            .ok_or_else(|| {
                StorageError::Fixtures(format!(
                    "the resources point at each other in a circle: {:?}",
                    needs.iter().map(|(f, _)| f.collection).collect::<Vec<_>>()
                ))
            })?;
        order.push(needs.remove(ready).0);
    }
    Ok(order)
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
    let ctx = Ctx {
        now: DateTime::from_timestamp(FIXTURE_TIME, 0).unwrap_or_default(),
        by: None,
        seeding: true,
        engine: None,
    };
    // Affiliations point at other participants: insert all, then check references at commit.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    for file in in_reference_order(&tx)? {
        load_all(&tx, file, &ctx)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('seeded_at', ?1)",
        [chrono::Utc::now().to_rfc3339()],
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_load_after_what_they_point_at() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::schema::migrations()
            .to_latest(&mut conn)
            .unwrap();
        let order: Vec<&str> = in_reference_order(&conn)
            .unwrap()
            .iter()
            .map(|f| f.collection)
            .collect();
        assert_eq!(
            order,
            ["participants", "events", "topics", "articles", "quotes"]
        );
    }
}
