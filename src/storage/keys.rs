//! API keys: `nd_<id>_<secret>`. The id finds the row; the secret is stored only as an
//! HMAC-SHA256 keyed with a random per-database pepper, and checked in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::Sha256;

use super::row::{self, NamedRow};
use super::{Result, StorageError};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything, drafts included, and writes.
    Editor,
    /// Reads what is published, with its own rate limit.
    Partner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Partner => "partner",
        }
    }
}

/// A key as listed: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub rate_limit: Option<u32>,
    /// A partner key that receives embargoed articles before their embargo lifts.
    pub embargo: bool,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub(crate) fn random(n: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0; n];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Blocking(format!("randomness: {e}")))?;
    Ok(bytes)
}

/// The database's pepper, created with the first key.
fn create_pepper(conn: &Connection) -> Result<Vec<u8>> {
    let fresh = URL_SAFE_NO_PAD.encode(random(32)?);
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_pepper', ?1)",
        [fresh],
    )?;
    Ok(pepper(conn)?.unwrap_or_default())
}

/// The database's pepper; none before the first key. Read only: checking a key on a
/// request never writes.
fn pepper(conn: &Connection) -> Result<Option<Vec<u8>>> {
    stored_secret(conn, "key_pepper")
}

/// The random bytes stored (base64) under `name` in `meta`, if any.
pub(crate) fn stored_secret(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    stored
        .map(|s| {
            URL_SAFE_NO_PAD
                .decode(s)
                .map_err(|e| StorageError::Corrupt(format!("{name}: {e}")))
        })
        .transpose()
}

fn mac(pepper: &[u8], secret: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper).expect("HMAC takes keys of any length");
    mac.update(secret.as_bytes());
    mac
}

/// Creates a key and returns it in full: the only time the secret exists outside the
/// client's hands.
pub fn create(
    conn: &Connection,
    name: &str,
    role: Role,
    rate_limit: Option<u32>,
    now: i64,
) -> Result<String> {
    let id = hex(&random(6)?);
    let secret = URL_SAFE_NO_PAD.encode(random(32)?);
    let hash = mac(&create_pepper(conn)?, &secret)
        .finalize()
        .into_bytes()
        .to_vec();
    conn.execute(
        "INSERT INTO api_keys (id, name, role, hash, rate_limit, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, name, role.as_str(), hash, rate_limit, now],
    )?;
    Ok(format!("nd_{id}_{secret}"))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Grants the partner key `id` embargo access: from its next request on, it reads
/// embargoed articles (and their quotes) early, marked with their `embargoed_until`.
/// False when there is no live partner key `id`.
pub fn grant_embargo(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE api_keys SET embargo = 1 WHERE id = ?1 AND role = 'partner' AND revoked_at IS NULL",
        [id],
    )? == 1)
}

/// The id part of a key given in full (`nd_<id>_<secret>`) or as its id.
pub fn id_of(key: &str) -> &str {
    key.strip_prefix("nd_")
        .map_or(key, |rest| rest.split('_').next().unwrap_or(rest))
}

/// The live key that `token` is, if any.
pub(crate) fn verify(conn: &Connection, token: &str) -> Result<Option<KeyInfo>> {
    let Some((id, secret)) = token
        .strip_prefix("nd_")
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, rate_limit, embargo, created_at, revoked_at, hash FROM api_keys
         WHERE id = ?1 AND revoked_at IS NULL",
    )?;
    let Some((info, hash)) = row::first(&mut stmt, [id], |r| {
        Ok((info_of(r)?, r.get::<_, Vec<u8>>("hash")?))
    })?
    else {
        return Ok(None);
    };
    // A key row exists, so the pepper does. `verify_slice` compares in constant time.
    let Some(pepper) = pepper(conn)? else {
        return Ok(None);
    };
    Ok(mac(&pepper, secret)
        .verify_slice(&hash)
        .is_ok()
        .then_some(info))
}

fn info_of(r: &NamedRow<'_>) -> rusqlite::Result<KeyInfo> {
    let role: String = r.get("role")?;
    Ok(KeyInfo {
        id: r.get("id")?,
        name: r.get("name")?,
        role: if role == "editor" {
            Role::Editor
        } else {
            Role::Partner
        },
        rate_limit: r.get("rate_limit")?,
        embargo: r.get("embargo")?,
        created_at: r.get("created_at")?,
        revoked_at: r.get("revoked_at")?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<KeyInfo>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, role, rate_limit, embargo, created_at, revoked_at FROM api_keys
         ORDER BY created_at, id",
    )?;
    Ok(row::all(&mut stmt, [], info_of)?)
}

/// Revokes the key with this id (the part after `nd_`); false when there is none live.
pub fn revoke(conn: &Connection, id: &str, now: i64) -> Result<bool> {
    let id = id_of(id);
    Ok(conn.execute(
        "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now],
    )? == 1)
}
