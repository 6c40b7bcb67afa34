//! The full-text indexes of articles and quotes, built on a thread of their own while
//! the content is written: in a side database (SQLite writes one database from one
//! connection at a time) whose indexes have the same columns and tokenizer but no
//! content table, then copied over the main database's. An FTS5 index is its shadow
//! tables (`_data`, `_idx`, `_docsize`); the copy is checked by the tests with
//! FTS5's integrity-check against the main database's views.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use rusqlite::{Connection, params};

use super::write::Rows;
use crate::storage::{Result, StorageError};

/// The indexes built aside, their columns and the views that give their text.
const INDEXES: [(&str, &str, &str); 2] = [
    ("articles_fts", "headline, summary, body", "articles_search"),
    ("quotes_fts", "text, speaker, topic", "quotes_search"),
];
const SHADOWS: [&str; 3] = ["data", "idx", "docsize"];
/// The memory each index gathers terms in before it writes them (FTS5's default is 1 MiB).
const HASH_BYTES: i64 = 256 << 20;

pub(super) struct Side {
    path: PathBuf,
}

impl Side {
    /// Creates the side database next to `path`, with the indexes of `main` as they
    /// are defined and as full as they are now. `main` must be outside a transaction.
    pub(super) fn create(main: &Connection, path: &Path) -> Result<Self> {
        let mut name = path.as_os_str().to_owned();
        name.push(".fts-build");
        let side = Self { path: name.into() };
        side.remove()?;
        main.execute("ATTACH ?1 AS side", [side.path.to_string_lossy()])?;
        for (table, columns, view) in INDEXES {
            let sql: String = main.query_row(
                "SELECT sql FROM main.sqlite_master WHERE name = ?1",
                [table],
                |r| r.get(0),
            )?;
            main.execute_batch(&without_content(&sql, table)?)?;
            main.execute_batch(&format!(
                "INSERT INTO side.{table} (rowid, {columns}) SELECT doc, {columns} FROM main.{view}"
            ))?;
        }
        main.execute_batch("DETACH side")?;
        Ok(side)
    }

    /// Indexes every batch received, then commits.
    pub(super) fn index(&self, batches: Receiver<Arc<Vec<Rows>>>) -> Result<()> {
        let conn = Connection::open(&self.path)?;
        conn.pragma_update_and_check(None, "journal_mode", "OFF", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        // Gather more terms in memory before each flush to a segment: fewer segments
        // to merge. A setting of the side database only (its `_config` stays there).
        for (table, _, _) in INDEXES {
            conn.execute(
                &format!("INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?1)"),
                [HASH_BYTES],
            )?;
        }
        conn.execute_batch("BEGIN")?;
        {
            let mut article = conn.prepare(
                "INSERT INTO articles_fts (rowid, headline, summary, body) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut quote = conn.prepare(
                "INSERT INTO quotes_fts (rowid, text, speaker, topic) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for batch in batches {
                for a in batch.iter() {
                    article.execute(params![a.rowid, a.headline, a.summary, a.text])?;
                    for q in &a.quotes {
                        quote.execute(params![q.rowid, q.text, q.speaker_name, q.topic_name])?;
                    }
                }
            }
        }
        conn.execute_batch("COMMIT")?;
        // FTS5 writes each flush as a segment of the lowest level, where the first
        // few writes after the load would merge it with theirs: one write would then
        // rewrite the whole index. Optimized, it is one segment of a level of its own.
        for (table, _, _) in INDEXES {
            conn.execute(
                &format!("INSERT INTO {table} ({table}) VALUES ('optimize')"),
                [],
            )?;
        }
        Ok(())
    }

    /// Replaces the indexes of `main` with the ones built aside, in one transaction,
    /// and removes the side database.
    pub(super) fn install(self, main: &mut Connection) -> Result<()> {
        main.execute("ATTACH ?1 AS side", [self.path.to_string_lossy()])?;
        let tx = main.transaction()?;
        for (table, _, _) in INDEXES {
            for shadow in SHADOWS {
                tx.execute_batch(&format!(
                    "DELETE FROM main.{table}_{shadow};
                     INSERT INTO main.{table}_{shadow} SELECT * FROM side.{table}_{shadow};"
                ))?;
            }
        }
        tx.commit()?;
        main.execute_batch("DETACH side")?;
        self.remove()
    }

    fn remove(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StorageError::Io {
                what: format!("cannot remove {}", self.path.display()),
                source: e,
            }),
            _ => Ok(()),
        }
    }
}

/// `CREATE VIRTUAL TABLE t USING fts5(cols, content=…, content_rowid=…, options)` as
/// a table `side.t` with the same columns and options but no content table.
fn without_content(sql: &str, table: &str) -> Result<String> {
    let bad = || StorageError::Corrupt(format!("unexpected definition of {table}: {sql}"));
    let open = sql.find('(').ok_or_else(bad)?;
    let close = sql.rfind(')').ok_or_else(bad)?;
    let mut args: Vec<&str> = sql[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|a| !a.starts_with("content"))
        .collect();
    args.push("content = ''");
    Ok(format!(
        "CREATE VIRTUAL TABLE side.{table} USING fts5({})",
        args.join(", ")
    ))
}
