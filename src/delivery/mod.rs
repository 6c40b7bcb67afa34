//! The webhook deliverer: reads the change log from each subscription's position
//! and POSTs the public changes in order, signed, retrying with exponential
//! backoff. Its positions live in the database, so a restart resumes where it
//! stopped; a write never waits for it. Subscriptions are served concurrently, one
//! batch each at a time and at most `concurrency` at once, so a slow receiver
//! delays only itself. Destinations inside the network are refused (see
//! [`address`]) unless `allow_private` is set.

pub mod address;
pub mod purge;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::background::{self, Health, Task};
use crate::storage::keys::hex;
use crate::storage::webhooks::{self, Due};
use crate::storage::{Db, changes};

/// How often the deliverer looks for work, the first retry delay, how many
/// subscriptions it serves at once, and whether internal addresses are allowed.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    pub poll: Duration,
    pub retry_base: Duration,
    pub concurrency: usize,
    pub allow_private: bool,
}

/// Changes sent to one subscription per batch, so one busy hook cannot starve others.
const BATCH: u32 = 50;
const MAX_BACKOFF: u64 = 3_600;
/// The most one attempt may take, connecting and answering included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client of every delivery: bounded in time, no redirects, no proxy, and
/// internal addresses refused unless `allow_private`.
pub(crate) fn agent(allow_private: bool) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        // A redirect could lead anywhere, inside the network included.
        .max_redirects(0)
        // Connect to the checked address itself, never through a proxy.
        .proxy(None)
        // Cache purges use the `PURGE` method.
        .allow_non_standard_methods(true)
        .build();
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        address::GuardedResolver::new(allow_private),
    )
}

/// Seconds to wait before retrying after `attempts` failures in a row: `base`
/// doubled each time, up to an hour.
pub(crate) fn backoff(base: Duration, attempts: u32) -> u64 {
    (base.as_secs().max(1) << attempts.min(12)).min(MAX_BACKOFF)
}

/// Starts the deliverer under supervision; it stops when the task is dropped.
pub fn start(db: Db, settings: DeliverySettings, health: &Health) -> Task {
    let agent = agent(settings.allow_private);
    let busy = Arc::new(Mutex::new(HashSet::<String>::new()));
    background::spawn("webhooks", settings.poll, health, move || {
        if let Err(e) = dispatch(&db, &agent, &busy, settings) {
            tracing::warn!(error = %e, "webhook round failed");
        }
    })
}

/// Removes a subscription from the busy set when its batch ends, even by a panic.
struct Done(Arc<Mutex<HashSet<String>>>, String);

impl Drop for Done {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

/// Starts a batch for each due subscription that has none running, up to the cap.
fn dispatch(
    db: &Db,
    agent: &ureq::Agent,
    busy: &Arc<Mutex<HashSet<String>>>,
    settings: DeliverySettings,
) -> crate::storage::Result<()> {
    let now = chrono::Utc::now().timestamp();
    for hook in db.read_blocking(|conn| webhooks::due(conn, now))? {
        {
            let mut running = busy.lock().unwrap_or_else(|e| e.into_inner());
            if running.len() >= settings.concurrency.max(1) {
                break;
            }
            if !running.insert(hook.id.clone()) {
                continue;
            }
        }
        let done = Done(busy.clone(), hook.id.clone());
        let (db, agent) = (db.clone(), agent.clone());
        let spawned = std::thread::Builder::new()
            .name("webhook".into())
            .spawn(move || {
                let _done = done;
                if let Err(e) = deliver(&db, &agent, &hook, settings) {
                    tracing::warn!(webhook = %hook.id, error = %e, "webhook batch failed");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread for a webhook batch");
        }
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
    let rows = db.read_blocking(|conn| {
        changes::list(conn, hook.next_seq - 1, &[], BATCH, hook.visibility())
    })?;
    for row in rows {
        let seq = row.seq;
        if !hook.types.is_empty() && !hook.types.contains(&row.resource_type) {
            db.write_blocking(|conn| webhooks::advance(conn, &hook.id, seq, None))?;
            continue;
        }
        let entry =
            db.read_blocking(|conn| changes::entries(conn, vec![row], hook.visibility()))?;
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
                let wait = backoff(settings.retry_base, hook.attempts);
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
        .map_err(|e| failure(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_redirection() {
        Err(format!(
            "HTTP {} (redirects are not followed)",
            status.as_u16()
        ))
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

/// The class of a failure, for `last_error`: never what the receiver sent, which
/// could be used to read a service through the webhook.
pub(crate) fn failure(error: &ureq::Error) -> String {
    use std::io::ErrorKind;
    match error {
        ureq::Error::Other(e) => match e.downcast_ref::<address::Refused>() {
            Some(refused) => refused.to_string(),
            None => "request failed".to_owned(),
        },
        ureq::Error::Timeout(_) => "timeout".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => "timeout".to_owned(),
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Tls(_) => "TLS failed".to_owned(),
        _ => "request failed".to_owned(),
    }
}
