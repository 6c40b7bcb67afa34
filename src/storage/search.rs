//! Search across articles, quotes, participants and events, best match first.
//!
//! A page is read in two steps: the ranked (type, id) pairs from all four full-text
//! indexes, then titles and snippets for just those hits, one query per type.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::engine::{Engine, Ranked};
use super::fts::FtsQuery;
use super::list::Resource;
use super::query::{
    Cursor, Facet, Listing, Page, PageRequest, Sort, SortValue, Where, time_column,
};
use super::read::{self, Statement, all_rows};
use super::row::NamedRow;
use super::visibility::{public_article, public_quote};
use super::{Result, StorageError};
use crate::domain::{Links, ResourceKind, SearchHit};

/// The bm25 rank of a full-text index with its column weights (a match in a headline
/// or name counts more than one in a body). Lower is better.
macro_rules! rank {
    (articles) => {
        "bm25(articles_fts, 10.0, 4.0, 1.0)"
    };
    (quotes) => {
        "bm25(quotes_fts, 1.0, 2.0, 1.0)"
    };
    (participants) => {
        "bm25(participants_fts, 10.0, 5.0, 2.0)"
    };
    (events) => {
        "bm25(events_fts, 10.0, 3.0)"
    };
}
pub(super) use rank;

/// Which hits a search returns.
#[derive(Clone)]
pub struct SearchFilter {
    pub q: FtsQuery,
    /// Empty: every type.
    pub types: Vec<ResourceKind>,
    /// The engine that finds a page's hits; `None`: FTS5 ranks every match.
    pub engine: Option<Engine>,
}

/// Each arm takes the query and whether its type is wanted; an unwanted arm is a
/// constant false condition, which SQLite checks once before running the arm.
const HITS: &str = concat!(
    "(SELECT 'article' AS type, a.id AS id, ",
    rank!(articles),
    " AS rank, a.updated_at AS updated_at FROM articles_fts \
     JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? AND ? AND ",
    public_article!("a"),
    " UNION ALL SELECT 'quote', q.id, ",
    rank!(quotes),
    ", q.updated_at FROM quotes_fts \
     JOIN quotes q ON q.rowid = quotes_fts.rowid WHERE quotes_fts MATCH ? AND ? AND ",
    public_quote!("q"),
    " UNION ALL SELECT 'participant', p.id, ",
    rank!(participants),
    ", p.updated_at FROM participants_fts \
     JOIN participants p ON p.rowid = participants_fts.rowid WHERE participants_fts MATCH ? AND ? \
     UNION ALL SELECT 'event', e.id, ",
    rank!(events),
    ", e.updated_at FROM events_fts \
     JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH ? AND ?) s"
);

/// Title and snippet of the hits of one type; `{}` takes the ids. The snippet marks
/// matches with two private-use characters, replaced by `<mark>` once escaped.
const DETAILS: [(ResourceKind, &str); 4] = [
    (
        ResourceKind::Article,
        "SELECT a.id, a.headline, snippet(articles_fts, -1, char(57344), char(57345), '…', 24)
         FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
         WHERE articles_fts MATCH ? AND articles_fts.rowid IN (SELECT rowid FROM articles WHERE id IN ({}))",
    ),
    (
        ResourceKind::Quote,
        "SELECT q.id, p.name || ': “' || q.text || '”',
                snippet(quotes_fts, 0, char(57344), char(57345), '…', 24)
         FROM quotes_fts JOIN quotes q ON q.rowid = quotes_fts.rowid JOIN participants p ON p.id = q.speaker
         WHERE quotes_fts MATCH ? AND quotes_fts.rowid IN (SELECT rowid FROM quotes WHERE id IN ({}))",
    ),
    (
        ResourceKind::Participant,
        "SELECT p.id, p.name, snippet(participants_fts, -1, char(57344), char(57345), '…', 24)
         FROM participants_fts JOIN participants p ON p.rowid = participants_fts.rowid
         WHERE participants_fts MATCH ? AND participants_fts.rowid IN (SELECT rowid FROM participants WHERE id IN ({}))",
    ),
    (
        ResourceKind::Event,
        "SELECT e.id, e.title, snippet(events_fts, -1, char(57344), char(57345), '…', 24)
         FROM events_fts JOIN events e ON e.rowid = events_fts.rowid
         WHERE events_fts MATCH ? AND events_fts.rowid IN (SELECT rowid FROM events WHERE id IN ({}))",
    ),
];

/// The longest title, in characters; a quote's title is cut there.
const TITLE_LEN: usize = 160;

impl Resource for SearchHit {
    type Filter = SearchFilter;
    const LISTING: Listing = Listing {
        from: HITS,
        id: "s.type || '/' || s.id",
        columns: std::borrow::Cow::Borrowed("s.type, s.id, s.rank, s.updated_at"),
        deferred: false,
    };
    const SORTS: &'static [Sort] = &[Sort::relevance("s.rank")];
    const FACETS: &'static [Facet] = &[Facet {
        name: "type",
        join: "",
        value: "s.type",
        label: "s.type",
        distinct: false,
    }];

    fn conditions(filter: &SearchFilter) -> Where {
        let mut w = Where::default();
        for kind in ResourceKind::ALL {
            let wanted = filter.types.is_empty() || filter.types.contains(&kind);
            w.bind_source([filter.q.to_sql(), Value::Integer(wanted.into())]);
        }
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        let kind: String = row.get("type")?;
        let kind = ResourceKind::parse(&kind).unwrap_or(ResourceKind::Article);
        let id: String = row.get("id")?;
        let rank: f64 = row.get("rank")?;
        Ok(SearchHit {
            links: Links::to(kind.collection(), &id),
            kind,
            id,
            title: String::new(),
            snippet: String::new(),
            score: -rank,
            updated_at: time_column(row, "updated_at")?,
        })
    }

    /// The engine's best hits, kept when the visibility rule lets the public see
    /// them; the totals and facets are still counted by FTS5 under the same rule.
    fn page(
        conn: &Connection,
        filter: &SearchFilter,
        listing: &Listing,
        conditions: &Where,
        sort: &Sort,
        request: &PageRequest,
    ) -> Result<Page<Self>> {
        if let Some(engine) = &filter.engine {
            match by_engine(conn, engine, filter, request) {
                Ok(Some(page)) => return Ok(page),
                Ok(None) => {}
                // The engine is a faster path, never the only one.
                Err(StorageError::Search(e)) => {
                    tracing::warn!(error = %e, "search engine failed: FTS5 answers");
                }
                Err(e) => return Err(e),
            }
        }
        read::page(conn, listing, conditions, sort, request, Self::from_row)
    }

    fn complete(
        conn: &Connection,
        filter: &SearchFilter,
        hits: &mut [Self],
        _: &[String],
    ) -> Result<()> {
        for (kind, sql) in DETAILS {
            let ids: Vec<Value> = hits
                .iter()
                .filter(|h| h.kind == kind)
                .map(|h| Value::Text(h.id.clone()))
                .collect();
            if ids.is_empty() {
                continue;
            }
            let statement = Statement {
                sql: sql.replace("{}", &vec!["?"; ids.len()].join(", ")),
                params: std::iter::once(filter.q.to_sql()).chain(ids).collect(),
            };
            let found: HashMap<String, (String, String)> = all_rows(conn, &statement, |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get::<_, Option<String>>(2)?)))
            })?
            .into_iter()
            .map(|(id, (title, snippet))| (id, (title, snippet.unwrap_or_default())))
            .collect();
            for hit in hits.iter_mut().filter(|h| h.kind == kind) {
                if let Some((title, snippet)) = found.get(&hit.id) {
                    hit.title = shorten(title, TITLE_LEN);
                    hit.snippet = marked(snippet);
                }
            }
        }
        Ok(())
    }
}

/// The page from the engine; `None` when it cannot answer (not built yet, or a
/// cursor it did not make).
fn by_engine(
    conn: &Connection,
    engine: &Engine,
    filter: &SearchFilter,
    request: &PageRequest,
) -> Result<Option<Page<SearchHit>>> {
    // A rank is minus the engine's score, which is an f32: back to it exactly.
    let after = match &request.after {
        None => None,
        Some(Cursor {
            key: SortValue::Float(rank),
            id,
        }) => Some((-*rank as f32, id.clone())),
        Some(_) => return Ok(None),
    };
    let Some(searcher) = engine.current(conn)? else {
        return Ok(None);
    };
    let limit = request.limit as usize;
    let mut hits = engine.collect(
        &searcher,
        &filter.q,
        &filter.types,
        after,
        limit + 1,
        |ranked| visible(conn, ranked),
    )?;
    let next = if hits.len() > limit {
        hits.truncate(limit);
        hits.last().map(|h| Cursor {
            key: SortValue::Float(-h.score),
            id: format!("{}/{}", h.kind.as_str(), h.id),
        })
    } else {
        None
    };
    Ok(Some(Page {
        items: hits,
        next,
        ranked_by_all_text: false,
        floor: None,
    }))
}

/// Which of the public may see, each kind's ids in one query under the one rule.
const VISIBLE: [(ResourceKind, &str); 4] = [
    (
        ResourceKind::Article,
        concat!(
            "SELECT a.id, a.updated_at FROM articles a WHERE a.id IN ({}) AND ",
            public_article!("a")
        ),
    ),
    (
        ResourceKind::Quote,
        concat!(
            "SELECT q.id, q.updated_at FROM quotes q WHERE q.id IN ({}) AND ",
            public_quote!("q")
        ),
    ),
    (
        ResourceKind::Participant,
        "SELECT id, updated_at FROM participants WHERE id IN ({})",
    ),
    (
        ResourceKind::Event,
        "SELECT id, updated_at FROM events WHERE id IN ({})",
    ),
];

/// The hits of `ranked` the public may see, in order, without titles and snippets.
fn visible(conn: &Connection, ranked: Vec<Ranked>) -> Result<Vec<SearchHit>> {
    let split: Vec<(ResourceKind, String, f32)> = ranked
        .into_iter()
        .filter_map(|r| {
            let (kind, id) = r.key.split_once('/')?;
            Some((ResourceKind::parse(kind)?, id.to_owned(), r.score))
        })
        .collect();
    let mut seen: HashMap<(ResourceKind, String), i64> = HashMap::new();
    for (kind, sql) in VISIBLE {
        let ids: Vec<Value> = split
            .iter()
            .filter(|(k, ..)| *k == kind)
            .map(|(_, id, _)| Value::Text(id.clone()))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let statement = Statement {
            sql: sql.replace("{}", &vec!["?"; ids.len()].join(", ")),
            params: ids,
        };
        for (id, updated_at) in all_rows(conn, &statement, |r| Ok((r.get(0)?, r.get(1)?)))? {
            seen.insert((kind, id), updated_at);
        }
    }
    Ok(split
        .into_iter()
        .filter_map(|(kind, id, score)| {
            let updated_at = *seen.get(&(kind, id.clone()))?;
            Some(SearchHit {
                links: Links::to(kind.collection(), &id),
                kind,
                id,
                title: String::new(),
                snippet: String::new(),
                score: f64::from(score),
                updated_at: chrono::DateTime::from_timestamp(updated_at, 0).unwrap_or_default(),
            })
        })
        .collect())
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

/// The snippet HTML-escaped, its match markers turned into `<mark>` elements.
fn marked(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            '\u{E000}' => out.push_str("<mark>"),
            '\u{E001}' => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            marked("a <b> & \u{E000}food\u{E001}"),
            "a &lt;b&gt; &amp; <mark>food</mark>"
        );
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
