//! Read replicas (`serve --read-only`): a server over a database file that another
//! process (Litestream's `restore -f`, or a primary on the same disk) writes to.
//!
//! Nothing in this process writes, so no write bumps the content generation. A
//! follower task does instead: every round it reads `PRAGMA data_version` (which moves
//! when any other connection commits) and the change log's last sequence number (which
//! moves even when pages are replaced under SQLite's feet), and bumps the generation
//! when either moved. The response cache, whose entries carry the generation they
//! were made at, so never serves a response older than the database by more than one
//! round. The follower also keeps the time of the newest change, for `/readyz`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::background::{Health, Task};
use crate::storage::{Generation, Result};

/// What a replica knows of its place in the topology.
#[derive(Debug, Clone)]
pub struct ReplicaSettings {
    /// Where writes go, named in the answer to every write (`--primary-url`).
    pub primary_url: Option<String>,
    /// Past this replication lag, `/readyz` answers 503 (`--max-lag`).
    pub max_lag: Option<Duration>,
    /// How often the follower looks for changes.
    pub poll: Duration,
}

/// A running replica's state, shared with the HTTP layer.
#[derive(Debug, Clone)]
pub struct Replica {
    pub primary_url: Option<String>,
    pub max_lag: Option<Duration>,
    /// Unix time of the newest change in the database; [`NONE`] when the log is empty.
    newest_change: Arc<AtomicI64>,
}

const NONE: i64 = i64::MIN;

impl Replica {
    /// The time of the newest change this replica has, if any.
    pub fn newest_change(&self) -> Option<i64> {
        Some(self.newest_change.load(Ordering::Acquire)).filter(|&t| t != NONE)
    }

    /// The replication lag at `now`: how old the newest change is (0 if from the future).
    pub fn lag(&self, now: i64) -> Option<u64> {
        self.newest_change()
            .map(|at| u64::try_from(now - at).unwrap_or(0))
    }
}

/// What the follower saw last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    data_version: i64,
    last_seq: i64,
}

fn look(conn: &Connection) -> rusqlite::Result<(Seen, Option<i64>)> {
    let data_version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let (last_seq, newest) = conn.query_row(
        "SELECT coalesce(max(seq), 0), (SELECT at FROM changes ORDER BY seq DESC LIMIT 1)
         FROM changes",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        Seen {
            data_version,
            last_seq,
        },
        newest,
    ))
}

/// Starts following the database at `path`: bumps `generation` whenever another
/// process changed it. The task stops when dropped.
pub fn follow(
    path: &Path,
    generation: Generation,
    settings: &ReplicaSettings,
    health: &Health,
) -> Result<(Replica, Task)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let (mut seen, newest) = look(&conn)?;
    let replica = Replica {
        primary_url: settings.primary_url.clone(),
        max_lag: settings.max_lag,
        newest_change: Arc::new(AtomicI64::new(newest.unwrap_or(NONE))),
    };
    let newest_change = replica.newest_change.clone();
    let task = crate::background::spawn("replication", settings.poll, health, move || {
        // A failing read panics the round: the supervisor logs it, retries, and
        // `/readyz` answers 503 meanwhile, as a replica that cannot see its database
        // should.
        let (now, newest) = look(&conn).expect("the replica's database reads");
        if now != seen {
            generation.bump();
            seen = now;
        }
        newest_change.store(newest.unwrap_or(NONE), Ordering::Release);
    });
    Ok((replica, task))
}
