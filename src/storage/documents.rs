//! Each article's JSON as `GET /v1/articles/{id}` serves it, stored beside it.
//!
//! Read the long way, one article is six queries (its row, its corrections and four
//! relation lists), a parse of its body's JSON, a serialization and a hash for its
//! entity tag: most of what a read of one article costs. The stored document is all
//! of that done once, by the transaction that changed the article, so a read is one
//! row. The tables' triggers (migration 0015) drop an article's document whenever
//! one of its parts changes, by whatever path; [`after_write`] writes it again
//! before the same transaction commits, and [`fill`] writes those a bulk load or
//! another build left missing. A read that finds no current document takes the long
//! way, which is always right.

use std::fmt::Write;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Result;
use super::by_id;
use super::changes::Change;
use super::visibility::{Visibility, visible};
use crate::domain::{Article, ArticleId, ArticleStatus, ResourceKind, Rights};

/// An article's stored representation.
#[derive(Debug, Clone)]
pub struct Document {
    /// The bytes of the response body.
    pub json: Vec<u8>,
    /// Its strong entity tag, [`entity_tag`] of `json`.
    pub etag: String,
    /// The article's `updated_at`, its `Last-Modified`.
    pub updated_at: DateTime<Utc>,
}

/// The bytes of a single resource as `GET` serves it, without `include`: what its
/// `ETag` hashes and what a document stores.
pub fn representation<R: Serialize>(item: &R) -> Vec<u8> {
    #[derive(Serialize)]
    struct Single<'a, R> {
        data: &'a R,
    }
    serde_json::to_vec(&Single { data: item }).unwrap_or_default()
}

/// The strong entity tag of a representation: a hash of its bytes before
/// compression, so the same content has the same tag on every replica, after every
/// restart, and whether it was stored or built for the request.
pub fn entity_tag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut tag = String::with_capacity(34);
    tag.push('"');
    for byte in &digest[..16] {
        let _ = write!(tag, "{byte:02x}");
    }
    tag.push('"');
    tag
}

/// The code that shapes an article's JSON: the types it serializes (`Links` is in
/// the domain's root) and the reads that fill them.
const SHAPED_BY: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("../domain/mod.rs"),
    include_str!("../domain/article.rs"),
    include_str!("../domain/ids.rs"),
    include_str!("../domain/rights.rs"),
    include_str!("../domain/checked.rs"),
    include_str!("articles.rs"),
    include_str!("articles/complete.rs"),
    include_str!("documents.rs"),
];

/// What the documents a server reads and writes were shaped by: this build's code,
/// and the newsroom's default rights that articles without their own show. A
/// document of another stamp (another build, or a server started with other
/// rights) is not read, and is written again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp(i64);

impl Stamp {
    pub fn of(rights: &Rights) -> Self {
        let mut hash = Sha256::new();
        for source in SHAPED_BY {
            hash.update(source.as_bytes());
            hash.update([0]);
        }
        hash.update(serde_json::to_vec(rights).unwrap_or_default());
        let digest = hash.finalize();
        Self(i64::from_le_bytes(
            digest[..8].try_into().expect("eight bytes"),
        ))
    }
}

/// The current document of article `id`, if `visibility` may see the article; `None`
/// when it may not, when there is no such article, or when its document is missing
/// or of another build (the long way then answers).
pub fn find(
    conn: &Connection,
    stamp: Stamp,
    id: &ArticleId,
    visibility: Visibility,
) -> Result<Option<Document>> {
    let found = conn
        .prepare_cached(find_sql(visibility))?
        .query_row(params![id.as_str(), stamp.0], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)?))
        })
        .optional()?;
    Ok(found.and_then(|(json, etag, updated_at)| {
        Some(Document {
            json,
            etag,
            updated_at: DateTime::from_timestamp(updated_at, 0)?,
        })
    }))
}

/// The statement of [`find`] for `visibility`, written once per visibility: it is
/// on the path of every read of one article.
fn find_sql(visibility: Visibility) -> &'static str {
    static SQL: LazyLock<Vec<(Visibility, String)>> = LazyLock::new(|| {
        let all = [
            Visibility::Public,
            Visibility::Early,
            Visibility::Everything,
        ];
        // Aliased `a`, as the rule's condition names an article's row: the
        // document carries the columns it reads.
        all.map(|v| {
            let sql = format!(
                "SELECT a.json, a.etag, a.last_modified FROM article_documents a
                 WHERE a.id = ?1 AND a.stamp = ?2 AND {}",
                visible(v)
            );
            (v, sql)
        })
        .into()
    });
    let (_, sql) = SQL
        .iter()
        .find(|(v, _)| *v == visibility)
        .expect("every visibility");
    sql
}

/// Writes the documents of the articles `ids` that exist, replacing what was there.
/// A scheduled article gets none: its JSON says `scheduled` only until its time
/// comes, and a document does not know the time. It is read the long way until it
/// is published, and written once a change names it. Returns how many were written.
pub(crate) fn write(conn: &Connection, stamp: Stamp, ids: &[ArticleId]) -> Result<usize> {
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO article_documents (id, stamp, status, published_at,
            embargoed_until, expires_at, last_modified, etag, json)
         SELECT id, ?2, status, published_at, embargoed_until, expires_at, updated_at, ?3, ?4
         FROM articles WHERE id = ?1",
    )?;
    let mut written = 0;
    for chunk in ids.chunks(100) {
        let articles = by_id::find_many::<Article>(conn, chunk, Visibility::Everything)?;
        for article in articles {
            if article.status == ArticleStatus::Scheduled {
                conn.prepare_cached("DELETE FROM article_documents WHERE id = ?1")?
                    .execute([article.id.as_str()])?;
                continue;
            }
            let json = representation(&article);
            insert.execute(params![
                article.id.as_str(),
                stamp.0,
                entity_tag(&json),
                json
            ])?;
            written += 1;
        }
    }
    Ok(written)
}

/// Writes again the documents of the articles that `logged` (a write's entries in
/// the change log) changed or named, inside the write's transaction: what the
/// triggers dropped comes back before anyone can read its absence.
pub(crate) fn after_write(conn: &Connection, stamp: Stamp, logged: &[Change]) -> Result<()> {
    let mut ids: Vec<ArticleId> = Vec::new();
    for change in logged {
        if change.resource_type == ResourceKind::Article {
            ids.extend(ArticleId::parse(&change.resource_id).ok());
        }
        for key in &change.touches {
            if let Some(id) = key.strip_prefix("article:") {
                ids.extend(ArticleId::parse(id).ok());
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids.retain(|id| !is_current(conn, stamp, id).unwrap_or(false));
    write(conn, stamp, &ids).map(drop)
}

fn is_current(conn: &Connection, stamp: Stamp, id: &ArticleId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM article_documents WHERE id = ?1 AND stamp = ?2)",
        )?
        .query_row(params![id.as_str(), stamp.0], |r| r.get(0))?)
}

/// Whether every article that has a document (all but the scheduled ones) has a
/// current one: two counts over indexes, where [`missing`] reads every article.
pub(crate) fn all_current(conn: &Connection, stamp: Stamp) -> Result<bool> {
    let current: i64 = conn.query_row(
        "SELECT count(*) FROM article_documents WHERE stamp = ?1",
        [stamp.0],
        |r| r.get(0),
    )?;
    let due: i64 = conn.query_row(
        "SELECT count(*) FROM articles a
         WHERE NOT (a.status = 'published' AND a.published_at > unixepoch())",
        [],
        |r| r.get(0),
    )?;
    Ok(current == due)
}

/// Up to `limit` articles after rowid `after` that have no current document, with
/// the rowid of the last one looked at: where the next batch starts (`None` at the
/// end of the table).
pub(crate) fn missing(
    conn: &Connection,
    stamp: Stamp,
    after: i64,
    limit: usize,
) -> Result<(Vec<ArticleId>, Option<i64>)> {
    let mut statement = conn.prepare_cached(
        "SELECT a.rowid, a.id, d.stamp = ?2 FROM articles a
         LEFT JOIN article_documents d ON d.id = a.id
         WHERE a.rowid > ?1 ORDER BY a.rowid LIMIT ?3",
    )?;
    let rows = statement.query_map(params![after, stamp.0, limit as i64], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<bool>>(2)?,
        ))
    })?;
    let (mut ids, mut last, mut seen) = (Vec::new(), None, 0);
    for row in rows {
        let (rowid, id, current) = row?;
        seen += 1;
        last = Some(rowid);
        if current != Some(true) {
            ids.extend(ArticleId::parse(&id).ok());
        }
    }
    Ok((ids, if seen < limit { None } else { last }))
}

/// What [`verify`] found.
#[derive(Debug, Default)]
pub struct Verified {
    /// Documents of this build and these rights, each compared with the long way.
    pub compared: u64,
    /// Documents of another build or other default rights, not compared: a server
    /// of this build and these rights writes them again when it starts.
    pub other: u64,
    /// What differs, one line per document.
    pub problems: Vec<String>,
}

/// Compares every current document under `stamp` with the article read the long
/// way: the same bytes and the same entity tag. One long read per article, so a
/// million articles take minutes.
pub fn verify(conn: &Connection, stamp: Stamp) -> Result<Verified> {
    let mut verified = Verified::default();
    let mut statement = conn.prepare("SELECT id, stamp = ?1 FROM article_documents ORDER BY id")?;
    let rows = statement.query_map([stamp.0], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    for row in rows {
        let (id, current): (String, bool) = row?;
        if !current {
            verified.other += 1;
            continue;
        }
        verified.compared += 1;
        let Ok(id) = ArticleId::parse(&id) else {
            verified
                .problems
                .push(format!("`{id}` is not an article id"));
            continue;
        };
        let stored = find(conn, stamp, &id, Visibility::Everything)?;
        let long = by_id::find::<Article>(conn, &id, Visibility::Everything)?;
        let problem = match (stored, long) {
            (_, None) => "is stored, but there is no such article",
            (None, Some(_)) => "could not be read back",
            (Some(d), Some(a)) => {
                let json = representation(&a);
                if d.json != json {
                    "differs from the article read without it"
                } else if d.etag != entity_tag(&json) {
                    "has another entity tag than its bytes"
                } else {
                    continue;
                }
            }
        };
        verified
            .problems
            .push(format!("{id}: the stored document {problem}"));
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Db;

    const ARTICLE: &str = "lukashenko-meets-xi-jinping-astana";

    fn id(s: &str) -> ArticleId {
        ArticleId::parse(s).unwrap()
    }

    fn stored(db: &Db, article: &str, visibility: Visibility) -> Option<Document> {
        let stamp = db.documents;
        db.read_blocking(|c| find(c, stamp, &id(article), visibility))
            .unwrap()
    }

    /// The article as a read without documents serves it.
    fn long_way(db: &Db, article: &str) -> Vec<u8> {
        let read =
            db.read_blocking(|c| by_id::find::<Article>(c, &id(article), Visibility::Everything));
        representation(&read.unwrap().expect("the article exists"))
    }

    fn assert_current(db: &Db, article: &str) {
        let document = stored(db, article, Visibility::Everything).expect("a current document");
        let expected = long_way(db, article);
        assert_eq!(
            String::from_utf8_lossy(&document.json),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(document.etag, entity_tag(&expected));
    }

    fn articles(db: &Db) -> Vec<String> {
        db.read_blocking(|c| {
            let mut s = c.prepare("SELECT id FROM articles ORDER BY id")?;
            let ids = s
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .unwrap()
    }

    #[test]
    fn every_article_has_the_document_the_long_way_reads() {
        let db = Db::open_in_memory().unwrap();
        let ids = articles(&db);
        assert_eq!(ids.len(), 3);
        for article in &ids {
            assert_current(&db, article);
        }
        assert_eq!(db.fill_documents().unwrap(), 0, "nothing is left to write");
    }

    /// The counts that spare a start the scan of every article: equal only when
    /// every article but the scheduled ones has a document of this stamp.
    #[test]
    fn all_current_counts_documents_of_this_stamp_only() {
        let db = Db::open_in_memory().unwrap();
        let current = |stamp: Stamp| db.read_blocking(|c| all_current(c, stamp)).unwrap();
        assert!(current(db.documents));
        assert!(!current(Stamp(db.documents.0 ^ 1)), "another build's stamp");
        db.write_derived(|c| {
            c.execute(
                "UPDATE articles SET published_at = unixepoch() + 3600 WHERE id = ?1",
                [ARTICLE],
            )?;
            Ok(())
        })
        .unwrap();
        assert!(
            current(db.documents),
            "a scheduled article has none to miss"
        );
        db.write_derived(|c| {
            c.execute("DELETE FROM article_documents WHERE id <> ?1", [ARTICLE])?;
            Ok(())
        })
        .unwrap();
        assert!(!current(db.documents));
        assert_eq!(
            db.fill_documents().unwrap(),
            2,
            "the scheduled one is not written"
        );
        assert!(current(db.documents));
    }

    #[test]
    fn a_change_to_any_part_drops_the_document_until_it_is_written_again() {
        let db = Db::open_in_memory().unwrap();
        // Each statement changes what the article's JSON shows, outside the
        // change log, as a bulk load or a hand-made fix would.
        let changes = [
            "UPDATE articles SET headline = 'Another headline' WHERE id = ?1",
            "INSERT INTO article_corrections (article, version, note, at) VALUES (?1, 1, 'A note.', 0)",
            "UPDATE article_corrections SET note = 'Another note.' WHERE article = ?1",
            "DELETE FROM article_corrections WHERE article = ?1",
            "DELETE FROM article_topics WHERE article = ?1 AND ord = (SELECT max(ord) FROM article_topics WHERE article = ?1)",
            "UPDATE article_events SET ord = ord + 10 WHERE article = ?1",
            "DELETE FROM article_participants WHERE article = ?1 AND ord = (SELECT max(ord) FROM article_participants WHERE article = ?1)",
            "INSERT INTO quotes (id, text, speaker, article, said_on, updated_at)
             SELECT 'a-new-quote', 'Words.', speaker, article, said_on, 0 FROM quotes WHERE article = ?1 LIMIT 1",
            "UPDATE quotes SET id = 'a-renamed-quote' WHERE id = 'a-new-quote' AND article = ?1",
            "DELETE FROM quotes WHERE id = 'a-renamed-quote' AND article = ?1",
        ];
        for sql in changes {
            let before = stored(&db, ARTICLE, Visibility::Everything).expect("current before");
            db.write_derived(|c| Ok(c.execute(sql, [ARTICLE]).map(drop)?))
                .unwrap();
            assert!(
                stored(&db, ARTICLE, Visibility::Everything).is_none(),
                "dropped by: {sql}"
            );
            assert_eq!(
                db.fill_documents().unwrap(),
                1,
                "written again after: {sql}"
            );
            assert_current(&db, ARTICLE);
            let after = stored(&db, ARTICLE, Visibility::Everything).unwrap();
            if !sql.starts_with("UPDATE article_events") {
                assert_ne!(before.etag, after.etag, "{sql} shows");
            }
        }
        let others = articles(&db).into_iter().filter(|a| a != ARTICLE);
        for article in others {
            assert_current(&db, &article);
        }
    }

    #[test]
    fn a_logged_write_leaves_the_documents_it_touched_current() {
        use crate::domain::{Quote, QuoteId};
        use crate::storage::edit::{self, Ctx, EditError};
        let db = Db::open_in_memory().unwrap();
        let ctx = Ctx {
            now: chrono::Utc::now(),
            by: None,
            seeding: false,
            engine: None,
        };
        let quote = QuoteId::parse("lukashenko-thanks-kazakhstan-sco-chair").unwrap();
        let before = stored(&db, ARTICLE, Visibility::Public).unwrap();
        db.write_blocking(|c| -> Result<(), EditError> {
            // The quote's row is written again, which drops its article's document.
            let text = serde_json::json!({"text": "Other words."});
            edit::patch::<Quote>(c, &quote, text, None, &ctx)?;
            let headline = serde_json::json!({"headline": "Another headline"});
            edit::patch::<Article>(c, &id(ARTICLE), headline, None, &ctx)?;
            Ok(())
        })
        .unwrap();
        // Written by the write itself: no fill ran.
        assert_current(&db, "lukashenko-at-sco-summit-astana");
        assert_current(&db, ARTICLE);
        let after = stored(&db, ARTICLE, Visibility::Public).unwrap();
        assert_ne!(before.etag, after.etag);
        assert_eq!(db.fill_documents().unwrap(), 0);
    }

    #[test]
    fn the_one_rule_decides_who_reads_a_document() {
        let db = Db::open_in_memory().unwrap();
        assert!(stored(&db, ARTICLE, Visibility::Public).is_some());
        db.write_derived(|c| {
            c.execute(
                "UPDATE articles SET status = 'draft' WHERE id = ?1",
                [ARTICLE],
            )?;
            Ok(())
        })
        .unwrap();
        db.fill_documents().unwrap();
        assert!(stored(&db, ARTICLE, Visibility::Public).is_none());
        assert!(stored(&db, ARTICLE, Visibility::Early).is_none());
        assert_current(&db, ARTICLE);
    }

    #[test]
    fn a_scheduled_article_is_read_the_long_way_until_its_time_comes() {
        let db = Db::open_in_memory().unwrap();
        let set = |sql: &'static str| {
            db.write_derived(|c| Ok(c.execute(sql, [ARTICLE]).map(drop)?))
                .unwrap();
            db.fill_documents().unwrap();
        };
        set("UPDATE articles SET published_at = unixepoch() + 3600 WHERE id = ?1");
        assert!(stored(&db, ARTICLE, Visibility::Everything).is_none());
        set("UPDATE articles SET published_at = unixepoch() - 1 WHERE id = ?1");
        assert_current(&db, ARTICLE);
        let json = stored(&db, ARTICLE, Visibility::Public).unwrap().json;
        assert!(String::from_utf8_lossy(&json).contains(r#""status":"published""#));
    }

    #[test]
    fn a_document_of_another_stamp_is_not_read() {
        let db = Db::open_in_memory().unwrap();
        let rights = Rights {
            copyright_holder: Some("Another newsroom".into()),
            ..Rights::default()
        };
        let other = Stamp::of(&rights);
        assert_ne!(other, db.documents);
        let found = db.read_blocking(|c| find(c, other, &id(ARTICLE), Visibility::Everything));
        assert!(found.unwrap().is_none());
    }
}
