//! Preview links: a token that lets anyone holding it read one unpublished article
//! until it expires. The token is `<expiry>.<signature>`, the signature an
//! HMAC-SHA256 of the article id and the expiry, keyed with a secret kept in the
//! database (`meta.preview_secret`, created with the first link). Replacing the
//! secret (`newsdesk previews rotate-secret`) revokes every link at once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rusqlite::Connection;
use sha2::Sha256;

use super::Result;
use super::keys::{random, stored_secret};
use crate::domain::ArticleId;

/// How long a link lives when the editor does not say: one hour.
pub(crate) const DEFAULT_LIFETIME: i64 = 3600;
/// The longest a link may live: seven days, so a leaked link does not stay good.
pub(crate) const MAX_LIFETIME: i64 = 7 * 24 * 3600;

/// What a presented token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Valid,
    /// Signed by the current secret for this article, but past its expiry.
    Expired,
    /// Malformed, for another article, tampered with, or signed by a rotated secret.
    Invalid,
}

fn secret(conn: &Connection) -> Result<Option<Vec<u8>>> {
    stored_secret(conn, "preview_secret")
}

/// Replaces the secret, which revokes every preview link issued so far.
pub fn rotate_secret(conn: &Connection) -> Result<()> {
    set_secret(conn, &URL_SAFE_NO_PAD.encode(random(32)?))
}

/// Sets the secret (base64url) to a given one: the description's examples use a
/// fixed one, so that their preview tokens do not change between builds.
pub(crate) fn set_secret(conn: &Connection, secret: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('preview_secret', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [secret],
    )?;
    Ok(())
}

fn mac(secret: &[u8], article: &ArticleId, expires: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    // The id cannot hold a newline, so the message is unambiguous.
    mac.update(format!("{article}\n{expires}").as_bytes());
    mac
}

/// A token for `article` that is good until `expires` (Unix seconds).
pub(crate) fn sign(conn: &Connection, article: &ArticleId, expires: i64) -> Result<String> {
    let secret = match secret(conn)? {
        Some(secret) => secret,
        None => {
            rotate_secret(conn)?;
            secret(conn)?.unwrap_or_default()
        }
    };
    let signature = mac(&secret, article, expires).finalize().into_bytes();
    Ok(format!("{expires}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Judges `token` for `article` at `now`. The signature is checked first, in
/// constant time, so a tampered expiry is `Invalid`, never `Expired`.
pub(crate) fn verify(
    conn: &Connection,
    article: &ArticleId,
    token: &str,
    now: i64,
) -> Result<Verdict> {
    let Some((expires, signature)) = token.split_once('.') else {
        return Ok(Verdict::Invalid);
    };
    let (Ok(expires), Ok(signature)) = (expires.parse::<i64>(), URL_SAFE_NO_PAD.decode(signature))
    else {
        return Ok(Verdict::Invalid);
    };
    let Some(secret) = secret(conn)? else {
        return Ok(Verdict::Invalid);
    };
    Ok(
        if mac(&secret, article, expires)
            .verify_slice(&signature)
            .is_err()
        {
            Verdict::Invalid
        } else if expires <= now {
            Verdict::Expired
        } else {
            Verdict::Valid
        },
    )
}
