//! Webhook subscriptions and where each one's deliveries stand.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::keys::{hex, random};
use super::row::{self, NamedRow};
use crate::domain::webhook::{DeliveryState, NewWebhook, Webhook};
use crate::domain::{Links, ResourceKind};

const SELECT: &str = "SELECT id, url, types, embargo, created_at, next_seq, attempts,
    next_attempt_at, last_error, last_delivered_at FROM webhooks WHERE kind = 'webhook'";

fn time(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds
        .filter(|s| *s > 0)
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

fn from_row(r: &NamedRow<'_>) -> rusqlite::Result<Webhook> {
    let id: String = r.get("id")?;
    let types: String = r.get("types")?;
    Ok(Webhook {
        links: Links::to("webhooks", &id),
        id,
        url: r.get("url")?,
        types: serde_json::from_str(&types).unwrap_or_default(),
        embargo: r.get("embargo")?,
        created_at: DateTime::from_timestamp(r.get("created_at")?, 0).unwrap_or_default(),
        delivery: DeliveryState {
            next_seq: r.get("next_seq")?,
            attempts: r.get("attempts")?,
            next_attempt_at: time(r.get("next_attempt_at")?),
            last_error: r.get("last_error")?,
            last_delivered_at: time(r.get("last_delivered_at")?),
        },
        secret: None,
    })
}

/// Subscribes `hook` from the next change on; returns it with its secret.
pub fn create(conn: &Connection, hook: &NewWebhook, now: i64, by: Option<&str>) -> Result<Webhook> {
    let id = hex(&random(6)?);
    let secret = URL_SAFE_NO_PAD.encode(random(32)?);
    insert(conn, &id, hook, &secret, now, by)?;
    let mut created = get(conn, &id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    created.secret = Some(secret);
    Ok(created)
}

/// Subscribes `hook` under a given id and secret, from the next change on. The
/// description's examples use it for a subscription that does not change between
/// builds.
pub fn insert(
    conn: &Connection,
    id: &str,
    hook: &NewWebhook,
    secret: &str,
    now: i64,
    by: Option<&str>,
) -> Result<()> {
    let types = serde_json::to_string(&hook.types).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO webhooks (id, url, types, secret, created_at, created_by, next_seq, embargo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT coalesce(max(seq), 0) + 1 FROM changes), ?7)",
        params![id, hook.url, types, secret, now, by, hook.embargo],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Webhook>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} AND id = ?1"))?;
    Ok(row::first(&mut stmt, [id], from_row)?)
}

pub fn list(conn: &Connection) -> Result<Vec<Webhook>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY created_at, id"))?;
    Ok(row::all(&mut stmt, [], from_row)?)
}

pub fn delete(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM webhooks WHERE id = ?1 AND kind = 'webhook'",
        [id],
    )? == 1)
}

/// What an outbox row delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A subscription: each change, signed, as JSON.
    Webhook,
    /// The WebSub hub: a publish ping for each feed the changes touched.
    WebSub,
}

/// The id of the one row of kind `websub`.
const HUB: &str = "websub-hub";

/// Points the outbox's hub row at `hub`, or removes it when there is none. A new hub
/// hears of changes from the next one on; a changed URL keeps its position.
pub fn set_hub(conn: &Connection, hub: Option<&str>, now: i64) -> Result<()> {
    match hub {
        None => {
            conn.execute("DELETE FROM webhooks WHERE id = ?1", [HUB])?;
        }
        Some(url) => {
            conn.execute(
                "INSERT INTO webhooks (id, kind, url, secret, created_at, next_seq)
                 VALUES (?1, 'websub', ?2, '', ?3, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
                 ON CONFLICT (id) DO UPDATE SET url = excluded.url",
                params![HUB, url, now],
            )?;
        }
    }
    Ok(())
}

/// What the deliverer needs of a subscription that has a change due.
#[derive(Debug, Clone)]
pub struct Due {
    pub kind: Kind,
    pub id: String,
    pub url: String,
    pub types: Vec<ResourceKind>,
    pub secret: String,
    pub next_seq: i64,
    pub attempts: u32,
    /// Delivers embargoed items early, as partner keys with embargo access read them.
    pub embargo: bool,
}

impl Due {
    /// Which changes and resources this subscription delivers.
    pub fn visibility(&self) -> super::visibility::Visibility {
        if self.embargo {
            super::visibility::Visibility::Early
        } else {
            super::visibility::Visibility::Public
        }
    }
}

/// Subscriptions whose next attempt is due and that have changes for their audience
/// waiting.
pub fn due(conn: &Connection, now: i64) -> Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, url, types, secret, next_seq, attempts, embargo, kind FROM webhooks
         WHERE next_attempt_at <= ?1
           AND next_seq <= (SELECT coalesce(max(seq), 0) FROM changes
                WHERE CASE WHEN webhooks.embargo THEN {} ELSE {} END)
         ORDER BY id",
        super::changes::EARLY_CHANGE,
        super::changes::PUBLIC_CHANGE
    ))?;
    let hooks = stmt
        .query_map([now], |r| {
            let types: String = r.get(2)?;
            let kind: String = r.get(7)?;
            Ok(Due {
                kind: if kind == "websub" {
                    Kind::WebSub
                } else {
                    Kind::Webhook
                },
                id: r.get(0)?,
                url: r.get(1)?,
                types: serde_json::from_str(&types).unwrap_or_default(),
                secret: r.get(3)?,
                next_seq: r.get(4)?,
                attempts: r.get(5)?,
                embargo: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hooks)
}

/// Moves past `seq`: delivered, or not of a type the subscription wants.
pub fn advance(conn: &Connection, id: &str, seq: i64, delivered_at: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE webhooks SET next_seq = ?2 + 1, attempts = 0, next_attempt_at = 0, last_error = NULL,
            last_delivered_at = coalesce(?3, last_delivered_at)
         WHERE id = ?1 AND next_seq <= ?2",
        params![id, seq, delivered_at],
    )?;
    Ok(())
}

/// Records a failed attempt; the next one waits until `retry_at`.
pub fn failed(conn: &Connection, id: &str, error: &str, retry_at: i64) -> Result<()> {
    conn.execute(
        "UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?2 WHERE id = ?1",
        params![id, error, retry_at],
    )?;
    Ok(())
}
