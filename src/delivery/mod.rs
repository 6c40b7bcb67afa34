//! The webhook deliverer: reads the change log from each subscription's position
//! and POSTs the public changes in order, signed, retrying with exponential
//! backoff. Its positions live in the database, so a restart resumes where it
//! stopped; a write never waits for it. Subscriptions are served concurrently, one
//! batch each at a time and at most `concurrency` at once, so a slow receiver
//! delays only itself. Destinations inside the network are refused (see
//! [`address`]) unless `allow_private` is set.

pub(crate) mod address;
pub(crate) mod purge;
pub(crate) mod websub;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::background::{self, Health, Task};
use crate::storage::keys::hex;
use crate::storage::webhooks::{self, Due, Kind};
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
/// `public_url` is the absolute base of the feed URLs a WebSub hub is told of.
pub fn start(db: Db, settings: DeliverySettings, public_url: String, health: &Health) -> Task {
    let agents = Agents {
        hooks: agent(settings.allow_private),
        // The hub is the operator's own choice (`--websub-hub`), not a client's.
        hub: agent(true),
        public_url: Arc::from(public_url),
    };
    let busy = Arc::new(Mutex::new(HashSet::<String>::new()));
    background::spawn("webhooks", settings.poll, health, move || {
        if let Err(e) = dispatch(&db, &agents, &busy, settings) {
            tracing::warn!(error = %e, "webhook round failed");
        }
    })
}

/// The clients of the deliveries, and where the feeds a hub is told of live.
#[derive(Clone)]
struct Agents {
    hooks: ureq::Agent,
    hub: ureq::Agent,
    public_url: Arc<str>,
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
    agents: &Agents,
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
        let (db, agents) = (db.clone(), agents.clone());
        let spawned = std::thread::Builder::new()
            .name("webhook".into())
            .spawn(move || {
                let _done = done;
                let sent = match hook.kind {
                    Kind::Webhook => deliver(&db, &agents.hooks, &hook, settings),
                    Kind::WebSub => publish(&db, &agents, &hook, settings),
                };
                if let Err(e) = sent {
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
    let rows = waiting(db, hook)?;
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
            Err(error) => return retry_later(db, hook, seq, &error, settings),
        }
    }
    Ok(())
}

/// The next batch of changes the row `hook` has not yet sent, oldest first.
fn waiting(db: &Db, hook: &Due) -> crate::storage::Result<Vec<changes::Change>> {
    db.read_blocking(|conn| changes::list(conn, hook.next_seq - 1, &[], BATCH, hook.visibility()))
}

/// Records a failed attempt at `seq`; the next waits twice as long as the last.
fn retry_later(
    db: &Db,
    hook: &Due,
    seq: i64,
    error: &str,
    settings: DeliverySettings,
) -> crate::storage::Result<()> {
    let wait = backoff(settings.retry_base, hook.attempts);
    let retry_at = chrono::Utc::now().timestamp() + wait as i64;
    tracing::info!(webhook = %hook.id, seq, %error, retry_in_s = wait, "delivery failed");
    db.write_blocking(|conn| webhooks::failed(conn, &hook.id, error, retry_at))
}

/// Tells the WebSub hub of every feed the waiting public changes touched, then moves
/// past them; when a ping fails, the whole batch is tried again later (a hub takes a
/// repeated ping as one more reason to fetch).
fn publish(
    db: &Db,
    agents: &Agents,
    hook: &Due,
    settings: DeliverySettings,
) -> crate::storage::Result<()> {
    let rows = waiting(db, hook)?;
    let Some(last) = rows.last().map(|r| r.seq) else {
        return Ok(());
    };
    let feeds = db.read_blocking(|conn| websub::touched_feeds(conn, &rows))?;
    for feed in feeds {
        let topic = format!("{}{feed}", agents.public_url);
        if let Err(error) = websub::ping(&agents.hub, &hook.url, &topic) {
            return retry_later(db, hook, hook.next_seq, &error, settings);
        }
    }
    let now = chrono::Utc::now().timestamp();
    db.write_blocking(|conn| webhooks::advance(conn, &hook.id, last, Some(now)))
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
    outcome(response.status())
}

/// A 2xx is delivered; anything else is a failure, described without its body.
fn outcome(status: ureq::http::StatusCode) -> Result<(), String> {
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
