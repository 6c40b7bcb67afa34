//! The other resources whose representation names a resource, and the filtered
//! lists it is a member of: what a change to it may alter besides itself. Spelled
//! as surrogate keys (`article:ID`, `articles:topic=ID`), the form the change log
//! keeps them in and the HTTP layer purges.

use rusqlite::Connection;

use super::Result;
use crate::domain::ResourceKind;

/// For each kind, the queries yielding the ids of what names the resource `?1`,
/// each with the prefix that makes an id a key.
fn queries(kind: ResourceKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        // An article lists its quotes; an article's body may carry a quote block.
        ResourceKind::Quote => &[
            ("article:", "SELECT article FROM quotes WHERE id = ?1"),
            (
                "article:",
                "SELECT a.id FROM articles a, json_each(a.body) j
                 WHERE json_extract(j.value, '$.quote_id') = ?1",
            ),
        ],
        // A quote is visible only while its article is. The lists filtered on one
        // of its topics, participants or events list it.
        ResourceKind::Article => &[
            ("quote:", "SELECT id FROM quotes WHERE article = ?1"),
            (
                "articles:topic=",
                "SELECT topic FROM article_topics WHERE article = ?1",
            ),
            (
                "articles:participant=",
                "SELECT participant FROM article_participants WHERE article = ?1",
            ),
            (
                "articles:event=",
                "SELECT event FROM article_events WHERE article = ?1",
            ),
        ],
        // An event lists its subevents.
        ResourceKind::Event => &[(
            "event:",
            "SELECT parent FROM events WHERE id = ?1 AND parent IS NOT NULL",
        )],
        ResourceKind::Participant => &[],
    }
}

/// True for the key of a list narrowed by a relation (`articles:topic=ID`), which a
/// change in place leaves as it was.
pub fn is_list(key: &str) -> bool {
    key.starts_with("articles:")
}

/// The keys of what names `kind` `id` as the database stands now, sorted.
pub fn of(conn: &Connection, kind: ResourceKind, id: &str) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for (prefix, sql) in queries(kind) {
        let ids = conn
            .prepare_cached(sql)?
            .query_map([id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        keys.extend(ids.into_iter().map(|i| format!("{prefix}{i}")));
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}
