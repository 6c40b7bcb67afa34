//! Scheduled publication: on its own timer, independent of webhook delivery, logs
//! the scheduled articles whose time has come, so the changes feed, the webhooks
//! and the response cache see them appear. A round that finds nothing due only
//! reads.

use std::time::Duration;

use crate::background::{self, Health, Task};
use crate::storage::{Db, schedule};

/// Starts the announcer under supervision; it stops when the task is dropped.
pub fn start(db: Db, every: Duration, health: &Health) -> Task {
    background::spawn("publication", every, health, move || {
        if let Err(e) = announce(&db) {
            tracing::warn!(error = %e, "announcing scheduled articles failed");
        }
    })
}

fn announce(db: &Db) -> crate::storage::Result<()> {
    let now = chrono::Utc::now().timestamp();
    if db
        .read_blocking(|conn| schedule::due(conn, now))?
        .is_empty()
    {
        return Ok(());
    }
    // What the announcements log purges its keys (`Db::write_blocking`): what was
    // cached of those articles and their lists is dropped with the write.
    db.write_blocking(|conn| schedule::announce_due(conn, now))?;
    Ok(())
}
