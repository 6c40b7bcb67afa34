//! The statement deadline: every read gets a bounded time on its connection, enforced
//! by SQLite's progress handler, so that no query (a pathological search, a huge
//! page) holds a pool connection and a thread for long. What it and an exhausted
//! pool or a busy database mean for a client is decided by [`StorageError::overload`].

use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use super::StorageError;

/// SQLite virtual-machine steps between two looks at the clock: a look costs tens
/// of nanoseconds, the steps a few microseconds.
const STEPS: std::ffi::c_int = 1000;

thread_local! {
    /// The deadline of the read running on this thread, for the work it does
    /// outside SQLite (the search engine), which [`check`] bounds alike.
    static UNTIL: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// An error as SQLite's interrupt, once the read on this thread is past its deadline.
pub(super) fn check() -> Result<(), StorageError> {
    match UNTIL.with(|u| u.get()) {
        Some(until) if Instant::now() >= until => {
            Err(StorageError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT),
                Some("past the read's deadline".into()),
            )))
        }
        _ => Ok(()),
    }
}

/// While it lives, statements on its connection are interrupted once `within` has
/// passed; dropped, the connection has no deadline again.
pub(super) struct Deadline<'a>(&'a Connection);

impl<'a> Deadline<'a> {
    pub(super) fn start(conn: &'a Connection, within: Duration) -> Self {
        let until = Instant::now() + within;
        UNTIL.with(|u| u.set(Some(until)));
        // Failing to set it (a connection not owned here) leaves the read unbounded,
        // which is what it was; not a reason to fail the read.
        let _ = conn.progress_handler(STEPS, Some(move || Instant::now() >= until));
        Self(conn)
    }
}

impl Drop for Deadline<'_> {
    fn drop(&mut self) {
        UNTIL.with(|u| u.set(None));
        let _ = self.0.progress_handler(0, None::<fn() -> bool>);
    }
}

/// Why the database cannot answer now, when that is a passing state rather than a
/// fault: the client should retry (503 with `Retry-After`), not report a bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overload {
    /// A statement ran past the deadline.
    Deadline,
    /// Every pooled connection stayed busy for the pool's whole wait.
    Pool,
    /// The database stayed locked by another writer for the busy timeout.
    Busy,
}

impl Overload {
    pub fn detail(self) -> &'static str {
        match self {
            Self::Deadline => {
                "The query took longer than the server allows; narrow it or retry later."
            }
            Self::Pool => "Every database connection is busy; retry later.",
            Self::Busy => "The database is busy with another write; retry later.",
        }
    }
}

impl StorageError {
    /// The overload this error is, if it is one.
    pub fn overload(&self) -> Option<Overload> {
        match self {
            Self::Pool(_) => Some(Overload::Pool),
            Self::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
                ErrorCode::OperationInterrupted => Some(Overload::Deadline),
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Some(Overload::Busy),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_that_never_ends_is_interrupted_at_the_deadline() {
        let conn = Connection::open_in_memory().unwrap();
        let forever = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
                       SELECT count(*) FROM n";
        let guard = Deadline::start(&conn, Duration::from_millis(20));
        let error = conn
            .query_row(forever, [], |r| r.get::<_, i64>(0))
            .unwrap_err();
        assert_eq!(
            StorageError::from(error).overload(),
            Some(Overload::Deadline)
        );
        drop(guard);
        // Without the guard the connection is unbounded again.
        let n: i64 = conn
            .query_row(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
                 SELECT count(*) FROM n",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 100_000);
    }
}
