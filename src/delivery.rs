//! The webhook deliverer: a background thread that reads the change log from each
//! subscription's position and POSTs the changes in order, signed, retrying with
//! exponential backoff. Its positions live in the database, so a restart resumes
//! where it stopped; a write never waits for it.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::storage::articles::Visibility;
use crate::storage::keys::hex;
use crate::storage::webhooks::{self, Due};
use crate::storage::{Db, changes};

/// How often the deliverer looks for work, and the first retry delay.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    pub poll: Duration,
    pub retry_base: Duration,
}

/// The running deliverer; it stops when this is dropped.
pub struct Deliverer {
    _stop: Sender<()>,
}

/// Changes sent to one subscription per round, so one busy hook cannot starve others.
const BATCH: u32 = 50;
const MAX_BACKOFF: u64 = 3_600;

pub fn start(db: Db, settings: DeliverySettings) -> Deliverer {
    let (stop, stopped) = mpsc::channel::<()>();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(settings.poll) {
                if let Err(e) = round(&db, &agent, settings) {
                    tracing::warn!(error = %e, "webhook round failed");
                }
            }
        })
        .expect("a thread can be spawned");
    Deliverer { _stop: stop }
}

fn round(db: &Db, agent: &ureq::Agent, settings: DeliverySettings) -> crate::storage::Result<()> {
    let now = chrono::Utc::now().timestamp();
    if db.write_blocking(|conn| changes::announce_due(conn, now))? > 0 {
        // Articles became public: what was cached is stale.
        db.generation().bump();
    }
    for hook in db.read_blocking(|conn| webhooks::due(conn, now))? {
        deliver(db, agent, &hook, settings)?;
    }
    Ok(())
}

/// Sends the waiting changes of one subscription, in order, until one fails.
fn deliver(
    db: &Db,
    agent: &ureq::Agent,
    hook: &Due,
    settings: DeliverySettings,
) -> crate::storage::Result<()> {
    let rows = db.read_blocking(|conn| changes::list(conn, hook.next_seq - 1, &[], BATCH, Visibility::Public))?;
    for row in rows {
        let seq = row.seq;
        if !hook.types.is_empty() && !hook.types.contains(&row.resource_type) {
            db.write_blocking(|conn| webhooks::advance(conn, &hook.id, seq, None))?;
            continue;
        }
        let entry =
            db.read_blocking(|conn| changes::entries(conn, vec![row], Visibility::Public))?;
        let delivery = format!("{}-{seq}", hook.id);
        let body = serde_json::to_vec(&json!({
            "delivery": delivery,
            "webhook": hook.id,
            "change": entry.first(),
        }))
        .unwrap_or_default();
        match post(agent, hook, &delivery, &body) {
            Ok(()) => {
                let now = chrono::Utc::now().timestamp();
                db.write_blocking(|conn| webhooks::advance(conn, &hook.id, seq, Some(now)))?;
            }
            Err(error) => {
                let wait = (settings.retry_base.as_secs().max(1) << hook.attempts.min(12))
                    .min(MAX_BACKOFF);
                let retry_at = chrono::Utc::now().timestamp() + wait as i64;
                tracing::info!(webhook = %hook.id, seq, %error, retry_in_s = wait, "webhook delivery failed");
                db.write_blocking(|conn| webhooks::failed(conn, &hook.id, &error, retry_at))?;
                break;
            }
        }
    }
    Ok(())
}

/// The `X-Newsdesk-Signature` of a body: HMAC-SHA256 with the subscription's secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

fn post(agent: &ureq::Agent, hook: &Due, delivery: &str, body: &[u8]) -> Result<(), String> {
    let response = agent
        .post(&hook.url)
        .header("Content-Type", "application/json")
        .header(
            "User-Agent",
            concat!("newsdesk/", env!("CARGO_PKG_VERSION")),
        )
        .header("X-Newsdesk-Delivery", delivery)
        .header("X-Newsdesk-Signature", &signature(&hook.secret, body))
        .send(body)
        .map_err(|e| e.to_string())?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the endpoint answered {status}"))
    }
}
