//! The clock's changes to who sees an article: a scheduled article falling due, an
//! embargo lifting, an article expiring. Nothing writes at that moment, so the
//! announcer (`crate::publication`) logs them here, in the change log, for the
//! feeds, the mirrors and the webhooks to see.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::changes::{Operation, Reason, append, last_audience};
use super::visibility;
use crate::domain::ResourceKind;

/// The articles whose audience the clock changed since the last announcement, by
/// time: scheduled ones that fell due and embargoes that lifted (`published`), and
/// articles that expired (`expired`). Each is listed only when the log does not
/// already say so, so a round that finds nothing only reads.
pub fn due(conn: &Connection, now: i64) -> Result<Vec<(String, Reason)>> {
    let last: i64 = conn
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'due_announced_until'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let times: Vec<(String, i64, bool)> = conn
        .prepare_cached(
            "SELECT id, published_at AS at, 0 FROM articles WHERE status = 'published'
                AND published_at > ?1 AND published_at <= ?2 AND updated_at < published_at
             UNION ALL SELECT id, embargoed_until, 0 FROM articles
                WHERE embargoed_until > ?1 AND embargoed_until <= ?2
             UNION ALL SELECT id, expires_at, 1 FROM articles
                WHERE expires_at > ?1 AND expires_at <= ?2
             ORDER BY at, id",
        )?
        .query_map(params![last, now], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut due = Vec::new();
    for (id, _, expired) in times {
        let logged = last_audience(conn, ResourceKind::Article, &id)?;
        let current = (
            visibility::is_public(conn, ResourceKind::Article, &id)?,
            visibility::is_early(conn, ResourceKind::Article, &id)?,
        );
        if logged == current || due.iter().any(|(d, _)| *d == id) {
            continue;
        }
        let gained = (current.0 && !logged.0) || (current.1 && !logged.1);
        due.push((
            id,
            if expired && !gained {
                Reason::Expired
            } else {
                Reason::Published
            },
        ));
    }
    Ok(due)
}

/// Logs what [`due`] finds (each article and its quotes), so the feed and the
/// webhooks see articles appear when their time comes or their embargo lifts, and
/// disappear when they expire. Returns how many; when none, it writes nothing.
pub fn announce_due(conn: &Connection, now: i64) -> Result<usize> {
    let due = due(conn, now)?;
    if due.is_empty() {
        return Ok(0);
    }
    for (article, reason) in &due {
        let quotes: Vec<String> = conn
            .prepare_cached("SELECT id FROM quotes WHERE article = ?1 ORDER BY id")?
            .query_map([article], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for quote in quotes {
            append(
                conn,
                ResourceKind::Quote,
                &quote,
                Operation::Update,
                *reason,
                now,
                None,
                &[],
                None,
            )?;
        }
        append(
            conn,
            ResourceKind::Article,
            article,
            Operation::Update,
            *reason,
            now,
            None,
            &[],
            None,
        )?;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('due_announced_until', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [now.to_string()],
    )?;
    Ok(due.len())
}
