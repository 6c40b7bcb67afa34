//! `newsdesk generate`: fills a database with a synthetic corpus for benchmarks,
//! the same for the same seed. Three threads: one makes the articles, one writes
//! them in one transaction with prepared statements, one builds their full-text
//! index aside (see `side`). For the bulk load the secondary indexes are dropped
//! and built again at the end (a sort instead of a million random inserts), and
//! the full-text insert triggers of articles and quotes are set aside.

mod content;
mod side;
mod text;
mod write;

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, SyncSender};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::storage::{Result, StorageError};
use content::{Event, Sizes};
use write::{ArticleWriter, Rows};

/// What was written, and how long it took.
#[derive(Debug, Clone)]
pub struct Generated {
    pub articles: u64,
    pub quotes: u64,
    pub participants: u64,
    pub events: u64,
    pub elapsed: Duration,
    /// How long each step took, in order.
    pub steps: Vec<(&'static str, Duration)>,
}

/// How many articles travel from the maker to the writers at once.
const BATCH: u64 = 2_000;

/// Adds `articles` generated articles, with their participants, events, topics and
/// quotes, to the database at `path` (created, migrated and seeded if needed).
pub fn generate(path: &Path, articles: u64, seed: u64) -> Result<Generated> {
    let started = Instant::now();
    let mut conn = crate::storage::open_file(path)?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'generated')",
        [],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StorageError::File(format!(
            "{} already holds a generated corpus; generate into a new file",
            path.display()
        )));
    }
    // A new file needs no rollback journal for pages it appends, and a crash midway
    // leaves a file to delete anyway.
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -512_000)?;
    // Statement journals (each insert fires index triggers) stay in memory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The indexes are built at the end by sorting, which may use a second core.
    conn.pragma_update(None, "threads", 2)?;
    // Every reference is made valid by construction; checking each costs lookups.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let side = side::Side::create(&conn, path)?;
    let (first_article, first_quote): (i64, i64) = conn.query_row(
        "SELECT (SELECT coalesce(max(rowid), 0) FROM articles),
                (SELECT coalesce(max(rowid), 0) FROM quotes)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let sizes = Sizes::for_articles(articles);
    let events = content::events(seed, &sizes);
    let tx = conn.transaction()?;
    let participants = write::write_entities(&tx, &sizes, &events)?;
    let set_aside = set_aside(&tx)?;
    let quotes = std::thread::scope(|scope| {
        let (to_writer, written) = mpsc::sync_channel(4);
        let (to_index, indexed) = mpsc::sync_channel(4);
        let maker = Maker {
            seed,
            articles,
            sizes,
            events: &events,
            first_article,
            first_quote,
        };
        let thread = |name: &str| std::thread::Builder::new().name(name.to_owned());
        let spawned = |e: std::io::Error| StorageError::Blocking(e.to_string());
        thread("generate-make")
            .spawn_scoped(scope, move || maker.run([to_writer, to_index]))
            .map_err(spawned)?;
        let indexing = thread("generate-index")
            .spawn_scoped(scope, || side.index(indexed))
            .map_err(spawned)?;
        let mut writer = ArticleWriter::new(&tx)?;
        let mut quotes = 0;
        for batch in written {
            for article in batch.iter() {
                quotes += writer.write(article)?;
            }
        }
        let indexing = indexing.join();
        indexing.map_err(|_| StorageError::Blocking("the indexing thread failed".into()))??;
        Ok::<u64, StorageError>(quotes)
    })?;
    let mut steps = vec![("written", started.elapsed())];
    tx.execute_batch(&set_aside)?;
    // The search log did not see the bulk load: a search engine that indexed this
    // file before must index it again.
    tx.execute(
        "UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'search_log_id'",
        [],
    )?;
    // Mirrors and webhooks learn of content from the change log: log the corpus too.
    crate::storage::schema::log_unlogged_content(&tx)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('generated', ?1)",
        [format!("articles={articles} seed={seed}")],
    )?;
    tx.commit()?;
    steps.push(("indexes built", started.elapsed()));
    side.install(&mut conn)?;
    steps.push(("full-text index installed", started.elapsed()));
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    // Statistics for the query planner, from a sample of each index.
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    steps.push(("analyzed", started.elapsed()));
    drop(conn);
    // What a read of one article serves, written now rather than by the first
    // server started on the file while it answers.
    crate::storage::Db::open(path, 1)?.fill_documents()?;
    steps.push(("article documents written", started.elapsed()));
    Ok(Generated {
        articles,
        quotes,
        participants,
        events: events.len() as u64,
        elapsed: started.elapsed(),
        steps,
    })
}

/// The secondary indexes of the bulk-loaded tables and the full-text and search log
/// insert triggers of articles and quotes: drops them and returns the SQL that makes them again.
fn set_aside(tx: &Connection) -> Result<String> {
    let found: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE (type = 'index' AND sql IS NOT NULL AND tbl_name IN
                    ('articles', 'quotes', 'article_topics', 'article_events', 'article_participants'))
                OR (type = 'trigger' AND name IN ('articles_search_insert', 'quotes_search_insert',
                    'articles_log_insert', 'quotes_log_insert'))",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut again = String::new();
    for (kind, name, sql) in found {
        tx.execute_batch(&format!("DROP {} \"{name}\";", kind.to_uppercase()))?;
        again.push_str(&sql);
        again.push_str(";\n");
    }
    Ok(again)
}

/// Makes the articles, numbered from 1, with their rowids after the existing ones.
struct Maker<'e> {
    seed: u64,
    articles: u64,
    sizes: Sizes,
    events: &'e [Event],
    first_article: i64,
    first_quote: i64,
}

impl Maker<'_> {
    /// Sends each batch to every writer; stops when one of them has stopped.
    fn run(self, writers: [SyncSender<Arc<Vec<Rows>>>; 2]) {
        let mut quote_rowid = self.first_quote;
        let mut n = 1;
        while n <= self.articles {
            let end = (n + BATCH).min(self.articles + 1);
            let batch: Vec<Rows> = (n..end)
                .map(|i| {
                    let article = content::article(self.seed, i, &self.sizes, self.events);
                    let rowid = self.first_article + i as i64;
                    Rows::of(article, rowid, &mut quote_rowid, self.events)
                })
                .collect();
            let batch = Arc::new(batch);
            if writers.iter().any(|w| w.send(Arc::clone(&batch)).is_err()) {
                return;
            }
            n = end;
        }
    }
}
