//! `newsdesk check`: integrity checks of a database file, for cron and deep health
//! checks. Each check reports the problems it found; none means sound.
//!
//! What newsdesk adds on top of SQLite is checked as well as SQLite itself: the
//! full-text indexes against their tables, the change log's continuity and its
//! agreement with the content, the webhook outbox positions, and the stored article
//! documents against the articles read without them.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Result, schema};
use crate::domain::Rights;

/// One check and what it found wrong (nothing when sound).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub problems: Vec<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// At most this many problems are listed per check; a broken file has thousands.
const MAX_LISTED: usize = 20;

/// The resources the change log records, with their tables.
const LOGGED: &[(&str, &str)] = &[
    ("participant", "participants"),
    ("event", "events"),
    ("article", "articles"),
    ("quote", "quotes"),
];

/// Opens the existing file `path` (never creating it) and runs every check. The
/// full-text check takes the write lock for a moment (FTS5 runs it as an `INSERT`,
/// rolled back here), so it waits for a running server's write in progress.
pub fn check_file(path: &Path, rights: &Rights) -> Result<Vec<Outcome>> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    schema::refuse_newer(&conn, path)?;
    // Articles read the long way fill unset rights from these, as the server's do.
    super::connection::init_with_rights(&mut conn, rights)?;
    run(&conn, rights)
}

/// Every check of a database of any schema version up to the current one;
/// `rights`: the newsroom's default rights, which stored articles carry.
pub fn run(conn: &Connection, rights: &Rights) -> Result<Vec<Outcome>> {
    let mut outcomes = vec![
        outcome("SQLite integrity", sqlite_integrity(conn)?),
        outcome("references", references(conn)?),
    ];
    let version = schema::version(conn)?;
    if version < schema::latest() {
        outcomes.push(outcome(
            "schema version",
            vec![format!(
                "at version {version}, not {}: run `newsdesk migrate` (the checks of \
                 the change log and full-text indexes need the current schema)",
                schema::latest()
            )],
        ));
        return Ok(outcomes);
    }
    for table in fts_tables(conn)? {
        let problems = fts_integrity(conn, &table)?;
        outcomes.push(outcome(&format!("full-text index {table}"), problems));
    }
    outcomes.push(outcome("change log continuity", log_continuity(conn)?));
    outcomes.push(outcome(
        "change log covers the content",
        log_coverage(conn)?,
    ));
    outcomes.push(outcome("webhook outbox positions", outbox(conn)?));
    outcomes.push(outcome(
        "article links in publication order",
        link_order(conn)?,
    ));
    let documents = super::documents::verify(conn, super::documents::Stamp::of(rights))?;
    outcomes.push(outcome(
        &format!(
            "stored article documents ({} compared, {} of another build or other rights)",
            documents.compared, documents.other
        ),
        documents.problems,
    ));
    Ok(outcomes)
}

fn outcome(name: &str, mut problems: Vec<String>) -> Outcome {
    if problems.len() > MAX_LISTED {
        let more = problems.len() - MAX_LISTED;
        problems.truncate(MAX_LISTED);
        problems.push(format!("… and {more} more"));
    }
    Outcome {
        name: name.to_owned(),
        problems,
    }
}

fn strings(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn sqlite_integrity(conn: &Connection) -> Result<Vec<String>> {
    let rows = strings(conn, "PRAGMA integrity_check")?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}

fn references(conn: &Connection) -> Result<Vec<String>> {
    strings(
        conn,
        "SELECT format('%s row %d points at a missing %s', \"table\", rowid, parent)
         FROM pragma_foreign_key_check",
    )
}

fn fts_tables(conn: &Connection) -> Result<Vec<String>> {
    strings(
        conn,
        "SELECT name FROM sqlite_schema
         WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY name",
    )
}

/// FTS5's own check, comparing the index with the table it indexes (`rank` = 1).
fn fts_integrity(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    conn.execute_batch("SAVEPOINT fts_check")?;
    let result = conn.execute(
        &format!("INSERT INTO {quoted} ({quoted}, rank) VALUES ('integrity-check', 1)"),
        [],
    );
    conn.execute_batch("ROLLBACK TO fts_check; RELEASE fts_check")?;
    match result {
        Ok(_) => Ok(Vec::new()),
        Err(rusqlite::Error::SqliteFailure(e, message))
            if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            Ok(vec![format!(
                "the index disagrees with its table ({}); rebuild it with \
                 INSERT INTO {table} ({table}) VALUES ('rebuild')",
                message.unwrap_or_else(|| e.to_string())
            )])
        }
        Err(e) => Err(e.into()),
    }
}

/// Each link of an article carries the article's `published_at` (migration 0012),
/// which lists filtered by a topic, participant or event are ordered by.
fn link_order(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (table, column) in [
        ("article_topics", "topic"),
        ("article_events", "event"),
        ("article_participants", "participant"),
    ] {
        problems.extend(strings(
            conn,
            &format!(
                "SELECT format('{table}: the link of `%s` to `%s` is out of publication order', \
                        l.article, l.{column})
                 FROM {table} l JOIN articles a ON a.id = l.article
                 WHERE l.published_at IS NOT a.published_at"
            ),
        )?);
    }
    Ok(problems)
}

/// Sequence numbers run from 1 without a gap: nothing committed was lost.
fn log_continuity(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = strings(
        conn,
        "SELECT format('seqs %d to %d are missing', seq + 1, next - 1)
         FROM (SELECT seq, lead(seq) OVER (ORDER BY seq) AS next FROM changes)
         WHERE next > seq + 1
         UNION ALL
         SELECT format('seqs 1 to %d are missing', min(seq) - 1) FROM changes HAVING min(seq) > 1",
    )?;
    // AUTOINCREMENT's high-water mark never falls below what was handed out.
    problems.extend(strings(
        conn,
        "SELECT format('the sequence counter (%d) is behind the log (%d)', s.seq, m.top)
         FROM sqlite_sequence s, (SELECT max(seq) AS top FROM changes) m
         WHERE s.name = 'changes' AND s.seq < m.top",
    )?);
    Ok(problems)
}

/// Every resource in the tables was last logged as present, and every resource last
/// logged as present is in its table.
fn log_coverage(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (kind, table) in LOGGED {
        let sql = format!(
            "WITH last AS (
                 SELECT resource_id AS id, operation FROM changes c
                 WHERE resource_type = '{kind}' AND seq =
                     (SELECT max(seq) FROM changes d
                      WHERE d.resource_type = c.resource_type AND d.resource_id = c.resource_id))
             SELECT format('{kind} `%s` is stored but the log never created it', t.id)
             FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM last WHERE last.id = t.id)
             UNION ALL
             SELECT format('{kind} `%s` is stored but the log deleted it', t.id)
             FROM {table} t JOIN last ON last.id = t.id WHERE last.operation = 'delete'
             UNION ALL
             SELECT format('{kind} `%s` is in the log but not stored', last.id)
             FROM last WHERE last.operation <> 'delete'
                 AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = last.id)"
        );
        problems.extend(strings(conn, &sql)?);
    }
    Ok(problems)
}

/// Each webhook's next position is within the log (at most one past its end).
fn outbox(conn: &Connection) -> Result<Vec<String>> {
    strings(
        conn,
        "SELECT format('webhook `%s` waits at seq %d, outside 1 to %d', w.id, w.next_seq, m.top + 1)
         FROM webhooks w, (SELECT coalesce(max(seq), 0) AS top FROM changes) m
         WHERE w.next_seq < 1 OR w.next_seq > m.top + 1",
    )
}
