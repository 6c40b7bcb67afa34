//! What the sitemaps list: every public article, in pages, and the newest ones.
//! Public is the one rule of [`super::visibility`].

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::query::time_column;
use super::row::{self, NamedRow};
use super::visibility::PUBLIC_ARTICLE;
use crate::domain::ArticleId;

/// An article as a sitemap names it.
pub struct Entry {
    pub id: ArticleId,
    pub headline: String,
    pub language: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn entry(row: &NamedRow<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: row.get("id")?,
        headline: row.get("headline")?,
        language: row.get("language")?,
        published_at: time_column(row, "published_at")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

/// The last change of each page of `size` public articles (in `rowid` order, which
/// new articles only extend), first page first: the sitemap index.
pub fn pages(conn: &Connection, size: u32) -> Result<Vec<DateTime<Utc>>> {
    let sql = format!(
        "SELECT max(updated_at) AS updated_at FROM
            (SELECT (row_number() OVER (ORDER BY a.rowid) - 1) / ?1 AS page, a.updated_at
             FROM articles a WHERE {PUBLIC_ARTICLE})
         GROUP BY page ORDER BY page"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(row::all(&mut stmt, [size], |row| {
        time_column(row, "updated_at")
    })?)
}

/// Page `page` (from 0) of the public articles, `size` to a page.
pub fn page(conn: &Connection, page: u32, size: u32) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT a.id, a.headline, a.language, a.published_at, a.updated_at FROM articles a
         WHERE {PUBLIC_ARTICLE} ORDER BY a.rowid LIMIT ?1 OFFSET ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let params = params![size, i64::from(page) * i64::from(size)];
    Ok(row::all(&mut stmt, params, entry)?)
}

/// The public articles published since `since`, newest first, at most `limit`.
pub fn newest(conn: &Connection, since: DateTime<Utc>, limit: u32) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT a.id, a.headline, a.language, a.published_at, a.updated_at FROM articles a
         WHERE {PUBLIC_ARTICLE} AND a.published_at >= ?1
         ORDER BY a.published_at DESC, a.id LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(row::all(
        &mut stmt,
        params![since.timestamp(), limit],
        entry,
    )?)
}
