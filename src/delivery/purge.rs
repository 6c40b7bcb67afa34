//! Cache purges from the change log: on each commit, every `--purge-url` (a Varnish
//! node, a CDN's purge endpoint) gets a `PURGE` naming the surrogate keys the
//! changes made stale ([`purged_by`]), in `xkey-purge` (Varnish's xkey vmod) and
//! `Surrogate-Key`. Like webhooks, each destination reads the log from its own
//! position, kept in the database so a restart resumes, and a failure is retried
//! with the same backoff.
//!
//! Each change is purged twice: at once, and again `again` later. A cache that
//! refetched in between from a read replica that had not applied the change yet
//! holds the old state; the second purge drops it once replication caught up.
//!
//! A read replica given `--purge-url` purges too, each change once it has applied
//! it: after the last replica has a change, a purge follows, whatever the lag, so
//! nothing fetched from a lagging replica outlives it. A replica writes nothing: its
//! position lives in memory and begins at the end of its log.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::background::{self, Health, Task};
use crate::http::surrogate::{self, purged_by};
use crate::storage::visibility::Visibility;
use crate::storage::{Db, changes};

/// Where purges go and how.
#[derive(Debug, Clone)]
pub struct PurgeSettings {
    pub urls: Vec<String>,
    pub poll: Duration,
    pub retry_base: Duration,
    /// The delay of the second purge: longer than the replicas' lag.
    pub again: Duration,
    /// On a read replica: one pass, as changes arrive, with its position in memory.
    pub replica: bool,
}

/// Changes read per round and destination.
const BATCH: u32 = 200;
/// `xkey-purge` lines are kept under Varnish's default header limit.
const LINE: usize = 4000;

/// One destination's pass over the log: at once, or `delay` behind.
struct Pass {
    url: String,
    delay: Duration,
    attempts: u32,
    retry_at: Instant,
    /// A replica's position; `None` on the primary, which keeps it in `meta`.
    position: Option<i64>,
}

impl Pass {
    /// Its position's name in `meta`.
    fn name(&self) -> String {
        format!("purged_until:{}:{}", self.delay.as_secs(), self.url)
    }
}

/// Starts the purger under supervision, or nothing without destinations.
pub fn start(db: Db, settings: PurgeSettings, health: &Health) -> Option<Task> {
    if settings.urls.is_empty() {
        return None;
    }
    // The operator names the caches, on the private network as a rule.
    let agent = super::agent(true);
    let delays: &[Duration] = if settings.replica {
        &[Duration::ZERO]
    } else {
        &[Duration::ZERO, settings.again]
    };
    let mut passes: Vec<Pass> = Vec::new();
    for url in &settings.urls {
        for delay in delays {
            let mut pass = Pass {
                url: url.clone(),
                delay: *delay,
                attempts: 0,
                retry_at: Instant::now(),
                position: None,
            };
            if let Err(e) = begin(&db, &mut pass, settings.replica) {
                tracing::warn!(error = %e, "the purge position could not be set");
            }
            passes.push(pass);
        }
    }
    Some(background::spawn(
        "purges",
        settings.poll,
        health,
        move || {
            for pass in &mut passes {
                if pass.retry_at > Instant::now() {
                    continue;
                }
                match round(&db, &agent, pass) {
                    Ok(()) => pass.attempts = 0,
                    Err(error) => {
                        let wait = super::backoff(settings.retry_base, pass.attempts);
                        pass.attempts += 1;
                        pass.retry_at = Instant::now() + Duration::from_secs(wait);
                        tracing::info!(url = %pass.url, %error, retry_in_s = wait, "purge failed");
                    }
                }
            }
        },
    ))
}

/// Sets a new destination's position to the end of the log, before anything is
/// served: a cache that starts now holds nothing older.
fn begin(db: &Db, pass: &mut Pass, replica: bool) -> crate::storage::Result<()> {
    if replica {
        pass.position = Some(db.read_blocking(changes::newest)?);
        return Ok(());
    }
    let name = pass.name();
    db.write_blocking(|c| {
        if changes::position(c, &name)?.is_none() {
            changes::set_position(c, &name, changes::newest(c)?)?;
        }
        Ok(())
    })
}

/// Purges the keys of the changes after the pass's position that are old enough.
fn round(db: &Db, agent: &ureq::Agent, pass: &mut Pass) -> Result<(), String> {
    let name = pass.name();
    let cutoff = chrono::Utc::now().timestamp() - pass.delay.as_secs() as i64;
    let failed = |e: crate::storage::StorageError| e.to_string();
    let since = match pass.position {
        Some(seq) => seq,
        None => db
            .read_blocking(|c| changes::position(c, &name))
            .map_err(failed)?
            .unwrap_or(0),
    };
    let rows = db
        .read_blocking(|c| changes::list(c, since, &[], BATCH, Visibility::Everything))
        .map_err(failed)?;
    let rows: Vec<_> = rows.into_iter().take_while(|c| c.at <= cutoff).collect();
    let Some(last) = rows.last().map(|c| c.seq) else {
        return Ok(());
    };
    let keys: BTreeSet<String> = rows.iter().flat_map(purged_by).collect();
    if pass.position.is_some() {
        // A replica drops what it cached of those keys before it asks the cache in
        // front to refetch: its follower (`crate::replica`) may notice the change
        // only later, and a refetch served from the old entry would outlive the purge.
        let generation = db.generation();
        match generation.keys_of(&rows) {
            Some(keys) => generation.committed(&keys),
            None => generation.bump(),
        }
    }
    for line in surrogate::lines(keys.iter().map(String::as_str), LINE) {
        send(agent, &pass.url, &line)?;
    }
    if pass.position.is_some() {
        pass.position = Some(last);
        return Ok(());
    }
    db.write_blocking(|c| changes::set_position(c, &name, last))
        .map_err(failed)
}

fn send(agent: &ureq::Agent, url: &str, keys: &str) -> Result<(), String> {
    let request = ureq::http::Request::builder()
        .method("PURGE")
        .uri(url)
        .header("xkey-purge", keys)
        .header("Surrogate-Key", keys)
        .header(
            "User-Agent",
            concat!("newsdesk/", env!("CARGO_PKG_VERSION")),
        )
        .body(())
        .map_err(|e| e.to_string())?;
    let response = agent.run(request).map_err(|e| super::failure(&e))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status().as_u16()))
    }
}
