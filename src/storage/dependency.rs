//! What a response depends on, and what a write changed, in one vocabulary of keys,
//! so that a cache drops exactly the responses a write made stale:
//!
//! - `articles/ID` (likewise `quotes/ID`, `participants/ID`, `events/ID`,
//!   `topics/ID`): one resource as it reads, with its relation lists;
//! - `articles` (likewise for each type): the membership and order of the lists of
//!   that type that no narrower key covers (unfiltered lists, searches, feeds);
//! - `topics/ID/articles` (likewise `participants/ID/articles`,
//!   `events/ID/articles`): the article lists filtered by that topic;
//! - [`ANY`]: a response that names no keys depends on every write.
//!
//! The keys a write touches are gathered by the database itself: temporary triggers
//! on the writer's connection record every changed row, before and after, in
//! `temp.touched`, in the write's own transaction ([`install`], [`drain`]).
//! [`Generation`](super::Generation) keeps, per key, when it last changed.

use rusqlite::Connection;

use super::Result;

/// The key of responses that name no keys of their own: every write touches it.
pub const ANY: &str = "*";

/// One resource's key, e.g. `articles/some-id`.
pub fn resource(collection: &str, id: &str) -> String {
    format!("{collection}/{id}")
}

/// The key of the article lists filtered by one related resource, e.g.
/// `topics/food-security/articles`.
pub fn articles_of(collection: &str, id: &str) -> String {
    format!("{collection}/{id}/articles")
}

/// Per table: the key expressions a changed row touches, written with `R.` for
/// the row (`OLD` and `NEW` in the triggers).
const TOUCHES: &[(&str, &[&str])] = &[
    ("articles", &["'articles/' || R.id", "'articles'"]),
    (
        "article_topics",
        &[
            "'articles/' || R.article",
            "'topics/' || R.topic || '/articles'",
        ],
    ),
    (
        "article_events",
        &[
            "'articles/' || R.article",
            "'events/' || R.event || '/articles'",
        ],
    ),
    (
        "article_participants",
        &[
            "'articles/' || R.article",
            "'participants/' || R.participant || '/articles'",
        ],
    ),
    ("article_corrections", &["'articles/' || R.article"]),
    (
        "quotes",
        &["'quotes/' || R.id", "'quotes'", "'articles/' || R.article"],
    ),
    (
        "participants",
        &["'participants/' || R.id", "'participants'"],
    ),
    (
        "events",
        &["'events/' || R.id", "'events'", "'events/' || R.parent"],
    ),
    ("event_participants", &["'events/' || R.event"]),
    ("topics", &["'topics/' || R.id", "'topics'"]),
];

/// Creates `temp.touched` and the triggers that fill it, once per connection; only
/// on a migrated database (the triggers name its tables).
pub fn install(conn: &Connection) -> Result<()> {
    let installed: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sqlite_temp_master WHERE name = 'touch_changes')",
        )?
        .query_row([], |r| r.get(0))?;
    if installed {
        return Ok(());
    }
    let mut sql = String::from("CREATE TEMP TABLE IF NOT EXISTS touched (key TEXT NOT NULL);\n");
    for (table, keys) in TOUCHES {
        for (event, rows) in [
            ("INSERT", &["NEW"][..]),
            ("DELETE", &["OLD"][..]),
            ("UPDATE", &["OLD", "NEW"][..]),
        ] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS touch_{table}_{event} AFTER {event} ON main.{table} BEGIN\n"
            ));
            for row in rows {
                for key in *keys {
                    let key = key.replace("R.", &format!("{row}."));
                    // A NULL key (an event without a parent) touches nothing. No
                    // constraint on `touched`: a trigger's conflict clause gives way
                    // to the outer statement's (an upsert would fail on a repeat).
                    sql.push_str(&format!(
                        "INSERT INTO touched SELECT {key} WHERE {key} IS NOT NULL;\n"
                    ));
                }
            }
            sql.push_str("END;\n");
        }
    }
    // A scheduled article made public changes no row of its own, only the log: it
    // joins its lists then.
    sql.push_str(
        "CREATE TEMP TRIGGER IF NOT EXISTS touch_changes AFTER INSERT ON main.changes
         WHEN NEW.resource_type = 'article' BEGIN
           INSERT INTO touched VALUES ('articles/' || NEW.resource_id), ('articles');
           INSERT INTO touched SELECT 'topics/' || topic || '/articles'
             FROM main.article_topics WHERE article = NEW.resource_id;
           INSERT INTO touched SELECT 'events/' || event || '/articles'
             FROM main.article_events WHERE article = NEW.resource_id;
           INSERT INTO touched SELECT 'participants/' || participant || '/articles'
             FROM main.article_participants WHERE article = NEW.resource_id;
         END;\n",
    );
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The keys touched since the last drain, and forgets them. A write always touches
/// [`ANY`].
pub fn drain(conn: &Connection) -> Result<Vec<String>> {
    let mut keys: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT key FROM temp.touched")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    conn.prepare_cached("DELETE FROM temp.touched")?
        .execute([])?;
    keys.push(ANY.to_owned());
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Db;

    #[test]
    fn a_changed_article_touches_itself_its_lists_and_its_old_and_new_topics() {
        let db = Db::open_in_memory().unwrap();
        let keys = db
            .write_blocking(|conn| {
                install(conn)?;
                drain(conn)?;
                let old: String = conn.query_row(
                    "SELECT article || ' ' || topic FROM article_topics LIMIT 1",
                    [],
                    |r| r.get(0),
                )?;
                let (article, topic) = old.split_once(' ').unwrap();
                let new: String = conn.query_row(
                    "SELECT id FROM topics WHERE id NOT IN
                       (SELECT topic FROM article_topics WHERE article = ?1) LIMIT 1",
                    [article],
                    |r| r.get(0),
                )?;
                conn.execute(
                    "UPDATE article_topics SET topic = ?3 WHERE article = ?1 AND topic = ?2",
                    [article, topic, &new],
                )?;
                conn.execute("UPDATE articles SET summary = 'x' WHERE id = ?1", [article])?;
                let keys = drain(conn)?;
                assert!(keys.contains(&resource("articles", article)));
                assert!(keys.contains(&"articles".to_owned()));
                assert!(keys.contains(&articles_of("topics", topic)));
                assert!(keys.contains(&articles_of("topics", &new)));
                Ok(keys)
            })
            .unwrap();
        assert!(keys.contains(&ANY.to_owned()));
        // Drained: the next write starts afresh.
        let again = db.write_blocking(|conn| drain(conn)).unwrap();
        assert_eq!(again, vec![ANY.to_owned()]);
    }
}
