//! The search engine beside the database: a tantivy index of the searchable text
//! of every article, quote, participant and event, which finds the best k hits of a
//! search without ranking every match (FTS5's bm25 must score them all).
//!
//! SQLite stays the source of truth. Triggers log every change to searchable text in
//! `search_log` (migration 0013); the index records, in its commit, which file it
//! was built from and the last log entry it applied. Before a search it applies
//! the entries past that one, so no search answers from text older than a
//! committed write. A file it was not built from, or one behind it (a restored
//! backup), is indexed again from the tables. The index holds every resource
//! whatever its status: who may see a hit is decided in SQL, by the one rule of
//! `storage::visibility`, for the hits of the page only.

mod docs;
mod estimate;
mod keys;
mod relevance;
mod score;
mod stats;
mod top;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{Connection, OpenFlags};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

pub(crate) use docs::words;
pub(crate) use relevance::articles_by_relevance;
pub(crate) use score::ArticleScores;
pub(crate) use top::Ranked;

use self::docs::Fields;
use super::fts::FtsQuery;
use super::{Result, StorageError};
use crate::domain::ResourceKind;

/// Indexes of at most this many resources are built on the spot when missing; larger
/// ones in the background, while searches are answered by FTS5.
const BUILD_INLINE: i64 = 50_000;
/// The memory the indexer may fill before it writes a segment.
const CATCH_UP_BUDGET: usize = 15_000_000;
const BUILD_BUDGET: usize = 100_000_000;
/// What is reserved up front for the hits of a page.
const PAGE_CAPACITY: usize = 256;

/// The engine: cheap to clone.
#[derive(Clone)]
pub struct Engine(Arc<Inner>);

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Where the database is, for a build in the background; `None` in memory.
    db: Option<PathBuf>,
    state: Mutex<State>,
    /// Where the index stands: `None` until it holds a whole build. Written only
    /// with `state` locked, read without waiting for a catch-up in progress.
    held: RwLock<Option<Position>>,
    /// Held by a build, so that two never run at once.
    build: Mutex<()>,
    /// A build runs in the background.
    building: AtomicBool,
    /// A catch-up after a write is on its way ([`Engine::catch_up_soon`]).
    nudged: AtomicBool,
    /// The keys of the segments searched lately.
    keys: keys::KeyTables,
}

/// What the index holds: the log it follows (`search_log_id`) and how far.
#[derive(Debug, Clone, Default, PartialEq)]
struct Position {
    log: String,
    seq: i64,
}

impl Position {
    fn parse(payload: &str) -> Option<Self> {
        let (log, seq) = payload.split_once(' ')?;
        Some(Self {
            log: log.to_owned(),
            seq: seq.parse().ok()?,
        })
    }

    fn payload(&self) -> String {
        format!("{} {}", self.log, self.seq)
    }

    /// Where the database's log stands now.
    fn of(conn: &Connection) -> Result<Self> {
        Ok(conn
            .prepare_cached(
                "SELECT (SELECT value FROM meta WHERE key = 'search_log_id'),
                        (SELECT coalesce(max(seq), 0) FROM search_log)",
            )?
            .query_row([], |r| {
                Ok(Self {
                    log: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    seq: r.get(1)?,
                })
            })?)
    }
}

struct State {
    /// Kept between catch-ups, so its merges of small segments run on.
    writer: Option<IndexWriter>,
}

impl Engine {
    /// The engine of the database at `db`, with its index in `<db>.search/`; in
    /// memory for an in-memory database, or when that directory cannot be used.
    pub(crate) fn open(db: Option<&Path>) -> Result<Self> {
        let (schema, fields) = docs::schema();
        let index = match db {
            Some(path) => match on_disk(path, &schema) {
                Ok(index) => index,
                Err(e) => {
                    tracing::warn!(error = %e, "search index in memory: its directory is unusable");
                    Index::create_in_ram(schema)
                }
            },
            None => Index::create_in_ram(schema),
        };
        docs::register(&index);
        let position = index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(Position::parse);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self(Arc::new(Inner {
            index,
            reader,
            fields,
            db: db.map(Path::to_owned),
            held: RwLock::new(position),
            state: Mutex::new(State { writer: None }),
            build: Mutex::new(()),
            building: AtomicBool::new(false),
            nudged: AtomicBool::new(false),
            keys: keys::KeyTables::default(),
        })))
    }

    /// A searcher that holds every change `conn` can see, catching up first; `None`
    /// while the index is being built (search then asks FTS5).
    ///
    /// An index ahead of `conn` is used as it is: `conn`'s snapshot most likely began
    /// before a write another search has caught up with, and the page's hits are
    /// checked in that snapshot anyway. Whether the file instead went back (a backup
    /// restored under a replica) is then checked on a fresh connection of its own
    /// ([`Engine::verify_soon`]), which indexes that file again.
    pub(crate) fn current(&self, conn: &Connection) -> Result<Option<Searcher>> {
        self.current_as(conn, true)
    }

    /// [`Engine::current`] on a connection outside any transaction, which sees the
    /// file as it is: an index ahead of it is built again.
    fn current_strict(&self, conn: &Connection) -> Result<Option<Searcher>> {
        self.current_as(conn, false)
    }

    fn current_as(&self, conn: &Connection, trust_ahead: bool) -> Result<Option<Searcher>> {
        let now = Position::of(conn)?;
        match self.held_against(&now) {
            Some(std::cmp::Ordering::Equal) => return Ok(Some(self.0.reader.searcher())),
            Some(std::cmp::Ordering::Greater) if trust_ahead => {
                self.verify_soon();
                return Ok(Some(self.0.reader.searcher()));
            }
            _ => {}
        }
        let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        match &self.held() {
            Some(held) if *held == now => {}
            Some(held) if held.log == now.log && held.seq > now.seq && trust_ahead => {}
            Some(held) if held.log == now.log && held.seq < now.seq => {
                let from = held.seq;
                self.catch_up(conn, &mut state, from, now)?;
            }
            _ => {
                drop(state);
                if !self.build_for(conn)? {
                    return Ok(None);
                }
            }
        }
        Ok(Some(self.0.reader.searcher()))
    }

    /// Catches up on a thread of its own, with a fresh connection from `conn`,
    /// unless a catch-up is already on its way: that one reads the log after this
    /// write. A file database only.
    pub(crate) fn catch_up_soon<C>(&self, conn: impl FnOnce() -> Result<C> + Send + 'static)
    where
        C: std::ops::Deref<Target = Connection>,
    {
        // In memory, the pool's connections share one cache and no snapshots: a read
        // on another thread holds table locks that fail the next write at once (a
        // 503). Searches there catch up themselves, and the database is small.
        if self.0.db.is_none() || self.0.nudged.swap(true, Ordering::SeqCst) {
            return;
        }
        let engine = self.clone();
        let spawned = std::thread::Builder::new()
            .name("newsdesk-search-catch-up".into())
            .spawn(move || {
                // Cleared before the log is read: a later write starts another.
                engine.0.nudged.store(false, Ordering::SeqCst);
                if let Err(e) = conn().and_then(|c| engine.current_strict(&c)) {
                    tracing::warn!(error = %e, "search engine catch-up failed");
                }
            });
        if let Err(e) = spawned {
            self.0.nudged.store(false, Ordering::SeqCst);
            tracing::warn!(error = %e, "no thread for the search engine's catch-up");
        }
    }

    /// Checks on a fresh connection to the file that an index found ahead of a
    /// search's snapshot is not ahead of the file itself.
    fn verify_soon(&self) {
        let Some(path) = self.0.db.clone() else {
            // In memory: nothing can put an older file under it.
            return;
        };
        self.catch_up_soon(move || {
            Ok(Box::new(Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?))
        });
    }

    /// Where the index stands against `now`, as of the last catch-up: `Equal` for
    /// most searches, which then need not wait for one; `None` for another log.
    fn held_against(&self, now: &Position) -> Option<std::cmp::Ordering> {
        let held = self.0.held.read().unwrap_or_else(|p| p.into_inner());
        held.as_ref()
            .filter(|h| h.log == now.log)
            .map(|h| h.seq.cmp(&now.seq))
    }

    /// Where the index stands.
    fn held(&self) -> Option<Position> {
        self.0
            .held
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Records where the index stands; `_locked` is `state`, locked by the caller.
    fn set_position(&self, _locked: &mut State, position: Option<Position>) {
        *self.0.held.write().unwrap_or_else(|p| p.into_inner()) = position;
    }

    /// Builds the index if it does not hold the database's log: on the spot when
    /// small (true once built), else in the background (false).
    pub(crate) fn build_for(&self, conn: &Connection) -> Result<bool> {
        if self.0.building.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let now = Position::of(conn)?;
        let state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        if self
            .held()
            .is_some_and(|p| p.log == now.log && p.seq <= now.seq)
        {
            return Ok(true);
        }
        drop(state);
        let size: i64 = conn.query_row(
            "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM quotes)",
            [],
            |r| r.get(0),
        )?;
        match &self.0.db {
            Some(path) if size > BUILD_INLINE => {
                if !self.0.building.swap(true, Ordering::SeqCst) {
                    let engine = self.clone();
                    let path = path.clone();
                    std::thread::Builder::new()
                        .name("newsdesk-search-build".into())
                        .spawn(move || engine.build_in_background(&path))
                        .map_err(|e| StorageError::Search(e.to_string()))?;
                }
                Ok(false)
            }
            _ => {
                self.build(conn)?;
                Ok(true)
            }
        }
    }

    fn build_in_background(&self, path: &Path) {
        let started = std::time::Instant::now();
        let built = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(StorageError::from)
            .and_then(|conn| self.build(&conn));
        match built {
            Ok(()) => tracing::info!(
                seconds = started.elapsed().as_secs_f64(),
                "search index built"
            ),
            Err(e) => tracing::error!(error = %e, "search index build failed; search uses FTS5"),
        }
        self.0.building.store(false, Ordering::SeqCst);
    }

    /// Indexes every resource again. The log's position is read first: a write
    /// that lands while the tables are read is applied again by the next catch-up,
    /// which replaces a document whole, so applying it twice changes nothing.
    pub(crate) fn build(&self, conn: &Connection) -> Result<()> {
        let _building = self.0.build.lock().unwrap_or_else(|p| p.into_inner());
        let at = Position::of(conn)?;
        let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        if self.held().as_ref() == Some(&at) {
            return Ok(());
        }
        // Searches meanwhile ask FTS5 (or wait here, for a small build); no catch-up
        // competes for the index's one writer.
        state.writer = None;
        self.set_position(&mut state, None);
        drop(state);
        // A small database fits the smallest budget, and the memory stays the process's.
        let budget = if self.0.db.is_some() && self.0.building.load(Ordering::SeqCst) {
            BUILD_BUDGET
        } else {
            CATCH_UP_BUDGET
        };
        let mut writer: IndexWriter = self.0.index.writer_with_num_threads(1, budget)?;
        writer.delete_all_documents()?;
        for kind in ResourceKind::ALL {
            self.0.fields.each(conn, kind, |doc| {
                writer.add_document(doc)?;
                Ok(())
            })?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&at.payload());
        commit.commit()?;
        writer.wait_merging_threads()?;
        self.reload()?;
        let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        self.set_position(&mut state, Some(at));
        Ok(())
    }

    /// Applies the log entries after `from` up to `to`, and commits.
    fn catch_up(
        &self,
        conn: &Connection,
        state: &mut State,
        from: i64,
        to: Position,
    ) -> Result<()> {
        let changed: Vec<(String, String)> = conn
            .prepare_cached("SELECT kind, id FROM search_log WHERE seq > ?1 AND seq <= ?2")?
            .query_map([from, to.seq], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if state.writer.is_none() {
            state.writer = Some(self.0.index.writer_with_num_threads(1, CATCH_UP_BUDGET)?);
        }
        let Some(writer) = state.writer.as_mut() else {
            return Ok(());
        };
        for (kind, id) in changed {
            let Some(kind) = ResourceKind::parse(&kind) else {
                continue;
            };
            writer.delete_term(Term::from_field_text(
                self.0.fields.key,
                &docs::key(kind, &id),
            ));
            if let Some(doc) = self.0.fields.one(conn, kind, &id)? {
                writer.add_document(doc)?;
            }
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&to.payload());
        commit.commit()?;
        self.reload()?;
        self.set_position(state, Some(to));
        Ok(())
    }

    /// Makes the last commit searchable, and reads the keys of the segments it added
    /// (or merged) here rather than in the next search: at 1M articles a new large
    /// segment takes some 100 ms to read.
    fn reload(&self) -> Result<()> {
        self.0.reader.reload()?;
        self.read_keys()
    }

    /// Reads the keys of the segments searched now that were not read yet.
    fn read_keys(&self) -> Result<()> {
        self.0.keys.of(&self.0.reader.searcher())?;
        Ok(())
    }

    /// The best hits of `q` among `kinds` (all when empty) after `after`, in order,
    /// as `keep` keeps them (it returns what it lets through of a batch), until
    /// `want` are kept or no hit is left. Hits a reader may not see are dropped by
    /// `keep`, so a page reads on past them, more at a time.
    pub(crate) fn collect<T>(
        &self,
        searcher: &Searcher,
        q: &FtsQuery,
        kinds: &[ResourceKind],
        mut after: Option<(f32, String)>,
        want: usize,
        mut keep: impl FnMut(Vec<Ranked>) -> Result<Vec<T>>,
    ) -> Result<Vec<T>> {
        // A page is small; a caller asking for every match (a huge `want`) grows it.
        let mut kept = Vec::with_capacity(want.min(PAGE_CAPACITY));
        let mut batch = want;
        loop {
            let from = after.as_ref().map(|(score, key)| (*score, key.as_str()));
            let ranked = self.top(searcher, q, kinds, from, batch)?;
            let exhausted = ranked.len() < batch;
            after = ranked.last().map(|r| (r.score, r.key.clone()));
            kept.extend(keep(ranked)?);
            if kept.len() >= want || exhausted {
                return Ok(kept);
            }
            batch = batch.saturating_mul(4).min(want.max(10_000));
        }
    }

    /// The `n` best hits of `q` among `kinds` (all when empty) after `after`.
    fn top(
        &self,
        searcher: &Searcher,
        q: &FtsQuery,
        kinds: &[ResourceKind],
        after: Option<(f32, &str)>,
        n: usize,
    ) -> Result<Vec<Ranked>> {
        let query = top::query(&self.0.fields, &mut docs::words, q, kinds);
        let stats = stats::Stats::new(searcher, &self.0.fields);
        top::top(searcher, &stats, &self.0.keys, query.as_ref(), after, n)
    }
}

impl super::Db {
    /// The same database with its search engine, its index in `<file>.search/` (in
    /// memory for an in-memory database), built now when small, else in the
    /// background; until it is, search asks FTS5. Without it (it failed to open),
    /// search asks FTS5 too.
    pub(crate) fn with_search_engine(mut self, file: Option<&Path>) -> Self {
        let opened = Engine::open(file).and_then(|engine| {
            self.read_blocking(|conn| engine.build_for(conn))?;
            Ok(engine)
        });
        match opened {
            Ok(engine) => {
                // An index kept from the last run: its keys are read on a thread of
                // their own, so that neither the start nor the first search waits.
                let warm = engine.clone();
                let _ = std::thread::Builder::new()
                    .name("newsdesk-search-keys".into())
                    .spawn(move || {
                        if let Err(e) = warm.read_keys() {
                            tracing::warn!(error = %e, "search keys not read ahead");
                        }
                    });
                self.engine = Some(engine)
            }
            Err(e) => tracing::warn!(error = %e, "no search engine: search uses FTS5"),
        }
        self
    }
}

/// The index in `<db>.search/`, made anew when missing or of another layout.
fn on_disk(db: &Path, schema: &Schema) -> Result<Index> {
    let mut name = db.as_os_str().to_owned();
    name.push(".search");
    let dir = PathBuf::from(name);
    let io = |what: &str| {
        let what = format!("{what} {}", dir.display());
        move |source| StorageError::Io { what, source }
    };
    std::fs::create_dir_all(&dir).map_err(io("creating"))?;
    let open = |dir: &Path| -> Result<Index> {
        let directory =
            MmapDirectory::open(dir).map_err(|e| StorageError::Search(e.to_string()))?;
        Ok(Index::open_or_create(directory, schema.clone())?)
    };
    match open(&dir) {
        Ok(index) => Ok(index),
        Err(e) => {
            tracing::warn!(error = %e, "search index of another layout: made anew");
            std::fs::remove_dir_all(&dir).map_err(io("removing"))?;
            std::fs::create_dir_all(&dir).map_err(io("creating"))?;
            open(&dir)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Db;

    /// A search whose snapshot began before a write that another search has caught
    /// up with uses the index as it is: it neither rebuilds it nor moves it back.
    /// A file that really went back behind the index is indexed again.
    #[test]
    fn a_search_behind_the_index_uses_it_and_a_file_behind_it_is_indexed_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("n.db");
        let db = Db::open(&file, 2).unwrap().with_search_engine(Some(&file));
        let engine = db.engine().unwrap();
        db.read_blocking(|behind| {
            // The snapshot starts here, before the write.
            behind.execute_batch("BEGIN")?;
            let before = Position::of(behind)?;
            db.write_blocking(|tx| {
                tx.execute(
                    "UPDATE articles SET summary = 'A zeppelin.' WHERE rowid = 1",
                    [],
                )
                .map(drop)
                .map_err(StorageError::from)
            })?;
            let ahead = db.read_blocking(|now| {
                engine.current(now)?;
                Position::of(now)
            })?;
            assert!(ahead.seq > before.seq);
            assert!(engine.current(behind)?.is_some());
            let held = engine.0.held.read().unwrap().clone();
            assert_eq!(held, Some(ahead));
            behind.execute_batch("COMMIT")?;
            Ok(())
        })
        .unwrap();
        // The file goes back behind the index (a backup restored under it): a
        // fresh look at it indexes it again.
        let file_conn = Connection::open(&file).unwrap();
        file_conn
            .execute("DELETE FROM search_log WHERE seq > 0", [])
            .unwrap();
        let back = Position::of(&file_conn).unwrap();
        assert!(engine.current_strict(&file_conn).unwrap().is_some());
        assert_eq!(*engine.0.held.read().unwrap(), Some(back));
    }
}
