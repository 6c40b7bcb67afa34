//! The corrections and relation lists of a page of articles, read after the page.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::{Article, Block, Correction, QuoteId};
use crate::storage::Result;
use crate::storage::list::wanted;
use crate::storage::query::time_column;
use crate::storage::relations;

/// The ids the relation `name` of the page points to, per article, in the article's
/// order; `None` when `fields` does not want it.
fn links<T: rusqlite::types::FromSql>(
    conn: &Connection,
    fields: &[String],
    name: &str,
    sql: &str,
    ids: &[&str],
) -> Result<Option<HashMap<String, Vec<T>>>> {
    if !wanted(fields, name) {
        return Ok(None);
    }
    relations::by_owner(conn, sql, ids, |row| row.get(1)).map(Some)
}

/// Reads the corrections and relation lists of a page of articles that `fields`
/// wants: one query per relation for the whole page.
pub(super) fn complete(conn: &Connection, items: &mut [Article], fields: &[String]) -> Result<()> {
    let ids: Vec<&str> = items.iter().map(|a| a.id.as_str()).collect();
    let corrections = match wanted(fields, "corrections") {
        true => Some(relations::by_owner(
            conn,
            "SELECT article, note, version, at FROM article_corrections
             WHERE article IN ({}) ORDER BY article, version",
            &ids,
            |row| {
                Ok(Correction {
                    note: row.get(1)?,
                    version: row.get(2)?,
                    corrected_at: time_column(row, "at")?,
                })
            },
        )?),
        false => None,
    };
    let topics = links(
        conn,
        fields,
        "topics",
        "SELECT article, topic FROM article_topics WHERE article IN ({}) ORDER BY article, ord",
        &ids,
    )?;
    let events = links(
        conn,
        fields,
        "events",
        "SELECT article, event FROM article_events WHERE article IN ({}) ORDER BY article, ord",
        &ids,
    )?;
    let participants = links(
        conn,
        fields,
        "participants",
        "SELECT article, participant FROM article_participants WHERE article IN ({})
         ORDER BY article, ord",
        &ids,
    )?;
    let quotes = links(
        conn,
        fields,
        "quotes",
        "SELECT article, id FROM quotes WHERE article IN ({}) ORDER BY article, id",
        &ids,
    )?;
    let id: fn(&Article) -> &str = |a| a.id.as_str();
    if let Some(corrections) = corrections {
        relations::fill(items, corrections, id, |a, v| a.corrections = v);
    }
    if let Some(topics) = topics {
        relations::fill(items, topics, id, |a, v| a.topics = v);
    }
    if let Some(events) = events {
        relations::fill(items, events, id, |a, v| a.events = v);
    }
    if let Some(participants) = participants {
        relations::fill(items, participants, id, |a, v| a.participants = v);
    }
    if let Some(quotes) = quotes {
        relations::fill(items, quotes, id, |a, v: Vec<QuoteId>| {
            a.quotes = in_body_order(v, &a.body)
        });
    }
    Ok(())
}

/// The quotes in the order the body carries them, then those it does not, by id.
/// Done here rather than in SQL, where it meant parsing the body once per quote.
fn in_body_order(mut quotes: Vec<QuoteId>, body: &[Block]) -> Vec<QuoteId> {
    let position = |id: &QuoteId| {
        body.iter()
            .position(|b| matches!(b, Block::Quote { quote_id, .. } if quote_id == id))
            .unwrap_or(usize::MAX)
    };
    quotes.sort_by_cached_key(|id| (position(id), id.clone()));
    quotes
}

