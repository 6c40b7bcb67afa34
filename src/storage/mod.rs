//! SQLite storage: the pool, the schema migrations, one module per resource.
//! (The benchmark corpus generator, which writes a file of its own, is `crate::corpus`.)
//!
//! No call runs on an async worker: SQLite calls are synchronous and may wait on the
//! disk. Reads run on actix's blocking thread pool (`web::block`); writes and API key
//! checks on lanes of their own ([`lane`]), so they never queue behind reads.

pub(crate) mod backup;
pub mod by_id;
pub mod changes;
pub mod check;
mod connection;
mod deadline;
pub mod documents;
pub(crate) mod edit;
pub(crate) mod engine;
mod error;
pub mod fts;
mod generation;
pub mod keys;
mod lane;
pub mod list;
pub(crate) mod listing;
pub mod previews;
pub(crate) mod query;
pub(crate) mod read;
pub(crate) mod relations;
pub mod row;
pub(crate) mod schedule;
pub(crate) mod schema;
pub mod search;
pub(crate) mod seed;
pub(crate) mod sitemaps;
pub(crate) mod space;
pub mod timeline;
pub(crate) mod touches;
pub mod visibility;
pub(crate) mod webhooks;

/// Each resource's module, `storage/{collection}.rs`: its listing, reads and writes.
macro_rules! declare {
    ($($name:ident $collection:ident $type:ident $id:ident;)*) => {$(
        pub mod $collection;
    )*};
}
crate::domain::kind::resources!(declare);

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use r2d2::{Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};

use crate::domain::Rights;

pub use connection::open_file;
use connection::{init_connection, init_with_rights};
pub use deadline::Overload;
pub use error::{Result, StorageError};
pub use generation::{ANY, Generation, Purge};
pub use list::{ListRequest, Listed, Resource};
pub use query::{Cursor, Facet, FacetCount, Page, PageRequest, Sort, SortValue};
pub use space::StorageFault;

/// A handle on the database: cheap to clone, shared by all workers. Reads share a pool
/// of connections; writes take turns on one connection, as SQLite has one writer.
/// API key checks have a small pool of their own, so they never wait behind reads.
#[derive(Clone)]
pub struct Db {
    pool: Pool<SqliteConnectionManager>,
    keys: Pool<SqliteConnectionManager>,
    writer: Arc<Mutex<PooledConnection<SqliteConnectionManager>>>,
    /// The thread writes run on: the writer's connection serves one at a time anyway.
    writes: lane::Lane,
    /// The threads key checks run on, one per connection of `keys`.
    key_checks: lane::Lane,
    generation: Generation,
    /// How long one read may run (see [`deadline`]).
    deadline: Duration,
    /// The database file; `None` in memory.
    path: Option<Arc<std::path::PathBuf>>,
    /// The search engine beside the database (`serve` and in-memory databases).
    engine: Option<engine::Engine>,
    /// The stamp of the articles' documents this handle reads and writes.
    documents: documents::Stamp,
}

/// The default statement deadline.
pub(crate) const DEADLINE: Duration = Duration::from_secs(5);
/// Connections for key checks: each is one indexed lookup.
const KEY_CONNECTIONS: u32 = 2;
/// Connections a server holds besides its read pool: the key checks' and the writer's.
pub(crate) const CONNECTIONS_BEYOND_POOL: usize = KEY_CONNECTIONS as usize + 1;

impl Db {
    /// Opens (creating if needed) the database at `path`, migrates it to the current
    /// schema and, when it has never been seeded, loads the fixtures.
    pub fn open(path: &Path, pool_size: u32) -> Result<Self> {
        Self::open_with_rights(path, pool_size, &Rights::default())
    }

    /// [`Db::open`], with `rights` the newsroom's default for articles that leave
    /// theirs unset.
    pub(crate) fn open_with_rights(path: &Path, pool_size: u32, rights: &Rights) -> Result<Self> {
        drop(open_file(path)?);
        let manager = || {
            let rights = rights.clone();
            SqliteConnectionManager::file(path).with_init(move |c| init_with_rights(c, &rights))
        };
        let mut db = Self::with_manager(manager, pool_size, rights)?;
        db.path = Some(Arc::new(path.to_owned()));
        Ok(db)
    }

    /// Opens the database at `path` read-only, for a replica (`serve --read-only`):
    /// nothing is created, migrated or seeded, and a file at another schema version
    /// than this binary's is refused. Writes through this handle fail.
    pub(crate) fn open_read_only(path: &Path, pool_size: u32, rights: &Rights) -> Result<Self> {
        if !path.is_file() {
            return Err(StorageError::File(format!(
                "no database at {}: a read-only replica serves an existing file (restore \
                 it first, e.g. with `litestream restore`)",
                path.display()
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        schema::require_latest(&conn, path)?;
        drop(conn);
        let manager = || {
            let rights = rights.clone();
            SqliteConnectionManager::file(path)
                .with_flags(flags)
                .with_init(move |c| init_with_rights(c, &rights))
        };
        // No `path`: its file system's free space and writability are not this
        // server's concern, as it never writes.
        Self::with_manager(manager, pool_size, rights)
    }

    /// A private in-memory database with the fixtures loaded, for examples and tests.
    pub(crate) fn open_in_memory() -> Result<Self> {
        // Named shared-cache memory databases let the pool's connections see one database.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let uri = format!(
            "file:newsdesk-mem-{}-{n}?mode=memory&cache=shared",
            std::process::id()
        );
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI;
        let manager = || {
            SqliteConnectionManager::file(&uri)
                .with_flags(flags)
                .with_init(init_connection)
        };
        // The pool keeps its connections, so the database lives as long as the handle.
        let db = Self::with_manager(manager, 2, &Rights::default())?;
        let mut conn = db.pool.get()?;
        Self::prepare(&mut conn)?;
        drop(conn);
        // Written before anyone reads: a shared-cache database has no snapshots,
        // so a writer beside its readers would find their tables locked.
        db.fill_documents()?;
        Ok(db.with_search_engine(None))
    }

    fn with_manager(
        manager: impl Fn() -> SqliteConnectionManager,
        pool_size: u32,
        rights: &Rights,
    ) -> Result<Self> {
        // One more connection than the readers: the writer keeps it for good. A read
        // waits for a free connection as long as it may then run (`reading`).
        // A connection to a local file does not go bad while the pool holds it, and
        // the check on each checkout (a statement parsed and run) cost a point
        // read more than a tenth of its time.
        let pool = Pool::builder()
            .test_on_check_out(false)
            .max_size(pool_size.max(1) + 1)
            .min_idle(Some(pool_size.max(1) + 1))
            .connection_timeout(DEADLINE)
            .build(manager())?;
        let keys = Pool::builder()
            .max_size(KEY_CONNECTIONS)
            .min_idle(Some(KEY_CONNECTIONS))
            .connection_timeout(DEADLINE)
            .build(manager())?;
        let writer = Arc::new(Mutex::new(pool.get()?));
        Ok(Self {
            pool,
            keys,
            writer,
            writes: lane::Lane::new("newsdesk-write", 1)?,
            key_checks: lane::Lane::new("newsdesk-keys", KEY_CONNECTIONS as usize)?,
            generation: Generation::default(),
            deadline: DEADLINE,
            path: None,
            engine: None,
            documents: documents::Stamp::of(rights),
        })
    }

    /// The search engine, if this database has one.
    pub(crate) fn engine(&self) -> Option<engine::Engine> {
        self.engine.clone()
    }

    /// The same database with reads bounded by `deadline` instead of [`DEADLINE`].
    pub(crate) fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    fn prepare(conn: &mut Connection) -> Result<()> {
        init_connection(conn)?;
        schema::migrations().to_latest(conn)?;
        seed::load_if_unseeded(conn)
    }

    /// Runs `f` with a connection on the blocking thread pool, within the deadline.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let span = tracing::debug_span!("storage", call = "read");
        let read = Self::reading(self.pool.clone(), self.deadline, span, f);
        actix_web::web::block(read)
            .await
            .map_err(|e| StorageError::Blocking(e.to_string()))?
    }

    /// The current document of article `id` if `visibility` may see the article
    /// ([`documents::find`]).
    pub async fn document(
        &self,
        id: crate::domain::ArticleId,
        visibility: visibility::Visibility,
    ) -> Result<Option<documents::Document>> {
        let stamp = self.documents;
        self.read_point(move |conn| documents::find(conn, stamp, &id, visibility))
            .await
    }

    /// Runs `f`, a read of one row by its key that takes microseconds, on the
    /// calling async worker when a connection is free: the hop to the blocking
    /// pool and back would cost more than the read. Otherwise as [`Db::read`].
    async fn read_point<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        match self.pool.try_get() {
            Some(conn) => f(&conn),
            None => self.read(f).await,
        }
    }

    /// Runs `f` (an API key check) on a connection of the key pool, on the key lane.
    pub async fn read_keys<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let span = tracing::debug_span!("storage", call = "read_keys");
        let read = Self::reading(self.keys.clone(), self.deadline, span, f);
        self.key_checks.run(read).await?
    }

    /// `f` as a call that takes a connection of `pool` and runs within `deadline`.
    fn reading<T, F>(
        pool: Pool<SqliteConnectionManager>,
        deadline: Duration,
        span: tracing::Span,
        f: F,
    ) -> impl FnOnce() -> Result<T> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        move || {
            // The thread runs in the span of the request that asked.
            let _entered = span.entered();
            // Waiting for a connection counts against the same deadline.
            let conn: PooledConnection<_> = pool.get_timeout(deadline)?;
            let _deadline = deadline::Deadline::start(&conn, deadline);
            // One snapshot for all of the call's statements: a page and its relations
            // are read as of one moment. It is also cheaper: SQLite takes and drops
            // its file locks once per transaction, and each statement outside one is a
            // transaction of its own. It only reads, so it is rolled back when dropped.
            let snapshot = conn.unchecked_transaction()?;
            f(&snapshot)
        }
    }

    /// Runs `f` in one `IMMEDIATE` transaction on the writer connection, on the
    /// write lane. The transaction commits when `f` succeeds, with
    /// `synchronous = FULL`, so a write that returns is durable; otherwise it rolls
    /// back and changes nothing. A commit bumps the content generation, so what was
    /// cached is stale.
    pub async fn write<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        let span = tracing::debug_span!("storage", call = "write");
        self.writes
            .run(move || span.in_scope(|| db.write_blocking(f)))
            .await
            .map_err(E::from)?
    }

    /// [`Db::write`] on the calling thread: for threads of our own (the background
    /// tasks) and the command line, never for actix's async workers. It is the one
    /// way anything is written: its transaction, then the keys of what it changed marked stale.
    pub fn write_blocking<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        E: From<StorageError>,
        F: FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    {
        // A panic while writing poisons the lock, but the transaction was rolled
        // back when it unwound, so the connection is still sound.
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StorageError::from)?;
        let before = last_change(&tx)?;
        let value = f(&tx)?;
        let logged = changes::list(
            &tx,
            before,
            &[],
            u32::MAX,
            visibility::Visibility::Everything,
        )?;
        // A document not written again is read the long way: the write stands.
        if let Err(e) = documents::after_write(&tx, self.documents, &logged) {
            tracing::warn!(error = %e, "article documents not written with the change");
        }
        let Some(keys) = self.generation.keys_of(&logged) else {
            tx.commit().map_err(StorageError::from)?;
            self.generation.bump();
            self.index_text();
            return Ok(value);
        };
        // Marked before the commit and again after it: no reader can take a
        // response read before the commit for a current one, even in between.
        self.generation.committing(&keys);
        let committed = tx.commit().map_err(StorageError::from);
        self.generation.committed(&keys);
        committed?;
        self.index_text();
        Ok(value)
    }

    /// Runs `f` in one `IMMEDIATE` transaction on the writer for data derived from
    /// the content that no response reads differently (the articles' stored
    /// documents): nothing is logged, and what was cached stays fresh.
    fn write_derived<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done = f(&tx)?;
        tx.commit()?;
        Ok(done)
    }

    /// Writes the articles' documents that are missing or of another build (after
    /// a bulk load, a restore or an upgrade), a batch at a time, so that a write
    /// waits for one batch at most; the count written.
    pub fn fill_documents(&self) -> Result<usize> {
        const BATCH: usize = 100;
        if self.read_blocking(|c| documents::all_current(c, self.documents))? {
            return Ok(0);
        }
        let (mut after, mut written) = (0, 0);
        loop {
            let (ids, next) =
                self.read_blocking(|c| documents::missing(c, self.documents, after, BATCH))?;
            if !ids.is_empty() {
                written += self.write_derived(|tx| documents::write(tx, self.documents, &ids))?;
            }
            match next {
                Some(rowid) => after = rowid,
                None => break,
            }
        }
        if written > 0 {
            // Readers read a page from the write-ahead log, copied in with a system
            // call, until the log starts over; with a bulk of documents in it, a
            // read of one would do that for every page. Not on the writer: a
            // passive checkpoint lets writes go on while it copies.
            self.read_blocking(|c| {
                Ok(c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?)
            })?;
        }
        Ok(written)
    }

    /// [`Db::fill_documents`] on a thread of its own: a server answers from the
    /// start, reading the long way what has no document yet.
    pub fn fill_documents_soon(&self) {
        let db = self.clone();
        let spawned = std::thread::Builder::new()
            .name("newsdesk-documents".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                match db.fill_documents() {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        written = n,
                        ms = started.elapsed().as_millis() as u64,
                        "article documents written"
                    ),
                    Err(e) => tracing::warn!(error = %e, "article documents not written"),
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "article documents not written");
        }
    }

    /// Has the search engine catch up with the commit just made, on a thread of its
    /// own: the searches after it mostly find the engine current instead of waiting
    /// for it, and the write does not wait either. A search that comes first still
    /// waits for the catch-up, as it would without this.
    fn index_text(&self) {
        if let Some(engine) = &self.engine {
            let pool = self.pool.clone();
            engine.catch_up_soon(move || Ok(pool.get()?));
        }
    }

    /// Runs `f` with a read connection, on the calling thread: for threads of our own
    /// (the webhook deliverer), never for actix's async workers.
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.pool.get_timeout(self.deadline)?;
        let _deadline = deadline::Deadline::start(&conn, self.deadline);
        f(&conn)
    }

    /// The content generation, moved by every write, with the keys each touched.
    pub(crate) fn generation(&self) -> &Generation {
        &self.generation
    }

    /// Open and idle connections of the pool.
    pub(crate) fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Why the database's file system cannot take writes now (full, read-only), if so.
    pub(crate) fn unwritable(&self) -> Option<String> {
        self.path
            .as_deref()
            .and_then(|path| space::unwritable(path))
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            Ok(conn.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))?)
        })
        .await
        .is_ok()
    }
}

/// The sequence number of the last change logged.
fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM changes")?
        .query_row([], |r| r.get(0))?)
}

/// True when `table` has a row with this `id`.
fn row_exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)");
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_is_one_transaction_that_bumps_the_generation() {
        let db = Db::open_in_memory().unwrap();
        let before = db.generation().current();
        let count = |db: &Db| {
            db.read_blocking(|conn| {
                Ok(conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get::<_, i64>(0))?)
            })
            .unwrap()
        };
        let failed: Result<()> = db.write_blocking(|conn| {
            keys::create(conn, "gone", keys::Role::Editor, None, 0)?;
            Err(StorageError::Blocking("refused".into()))
        });
        assert!(failed.is_err());
        assert_eq!(count(&db), 0, "a failed write leaves nothing");
        assert_eq!(db.generation().current(), before, "and bumps nothing");
        db.write_blocking(|conn| keys::create(conn, "kept", keys::Role::Editor, None, 0))
            .unwrap();
        assert_eq!(count(&db), 1);
        assert_eq!(db.generation().current(), before + 1, "a commit bumps it");
    }

    #[actix_web::test]
    async fn a_read_sees_one_snapshot_whatever_commits_during_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("n.db"), 2).unwrap();
        let writer = db.clone();
        let counts = db
            .read(move |conn| {
                let count = || -> Result<i64> {
                    Ok(conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get(0))?)
                };
                let before = count()?;
                writer.write_blocking(|tx| {
                    keys::create(tx, "meanwhile", keys::Role::Editor, None, 0)
                })?;
                Ok((before, count()?))
            })
            .await
            .unwrap();
        assert_eq!(counts, (0, 0), "the commit is not seen within the read");
        let after = db
            .read(|conn| {
                Ok(conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get::<_, i64>(0))?)
            })
            .await
            .unwrap();
        assert_eq!(after, 1, "the next read sees it");
    }

    #[actix_web::test]
    async fn key_checks_do_not_wait_for_a_busy_read_pool() {
        let db = Db::open_in_memory()
            .unwrap()
            .with_deadline(Duration::from_millis(50));
        // Hold every read connection, as long reads would.
        let held: Vec<_> = std::iter::from_fn(|| db.pool.try_get()).collect();
        assert!(!held.is_empty());
        let count = |conn: &Connection| {
            Ok(conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get::<_, i64>(0))?)
        };
        let read = db.read(count).await.unwrap_err();
        assert_eq!(read.overload(), Some(Overload::Pool));
        assert!(db.read_keys(count).await.is_ok());
        drop(held);
        assert!(db.read(count).await.is_ok());
    }
}
