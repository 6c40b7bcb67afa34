//! Quotes: verbatim statements with their speaker, article, event and topic.

use rusqlite::{Connection, Row, params};

use super::Result;
use super::articles::{Visibility, visible};
use super::query::{self, Cursor, Page, PageRequest, Sort, SortValue, Where, time_column};
use crate::domain::{ArticleId, EventId, Links, NewQuote, ParticipantId, Quote, QuoteId, TopicId};

/// Which quotes a list holds. Empty vectors filter nothing; several values mean OR.
#[derive(Debug, Default, Clone)]
pub struct QuoteFilter {
    /// Quotes are seen with their article.
    pub visibility: Visibility,
    pub ids: Vec<QuoteId>,
    pub speaker: Vec<ParticipantId>,
    pub article: Vec<ArticleId>,
    pub event: Vec<EventId>,
    pub topic: Vec<TopicId>,
}

const SELECT: &str =
    "SELECT q.id, q.text, q.speaker, q.article, q.event, q.topic, q.said_on, q.updated_at,
    (SELECT CAST(j.key AS INTEGER) FROM articles a, json_each(a.body) j
     WHERE a.id = q.article AND json_extract(j.value, '$.quote_id') = q.id) AS position
    FROM quotes q";

/// Most recently said first.
const SORT: Sort = Sort {
    key: "q.said_on",
    id: "q.id",
    descending: true,
};

fn conditions(filter: &QuoteFilter) -> Where {
    let mut w = Where::default();
    if filter.visibility == Visibility::Public {
        w.and(
            format!(
                "EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article AND {})",
                visible(filter.visibility)
            ),
            [],
        );
    }
    w.any_of("q.id IN ({})", &filter.ids);
    w.any_of("q.speaker IN ({})", &filter.speaker);
    w.any_of("q.article IN ({})", &filter.article);
    w.any_of("q.event IN ({})", &filter.event);
    w.any_of("q.topic IN ({})", &filter.topic);
    w
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Quote> {
    let id: QuoteId = row.get("id")?;
    Ok(Quote {
        links: Links::to("quotes", id.as_str()),
        id,
        text: row.get("text")?,
        speaker: row.get("speaker")?,
        article: row.get("article")?,
        event: row.get("event")?,
        topic: row.get("topic")?,
        said_on: row.get("said_on")?,
        position: row.get("position")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

fn cursor_of(q: &Quote) -> Cursor {
    Cursor {
        key: SortValue::Text(q.said_on.to_string()),
        id: q.id.to_string(),
    }
}

pub fn list(conn: &Connection, filter: &QuoteFilter, page: &PageRequest) -> Result<Page<Quote>> {
    query::page(
        conn,
        SELECT,
        conditions(filter),
        SORT,
        page,
        from_row,
        cursor_of,
    )
}

/// The quote `id` if `visibility` allows its article.
pub fn find(conn: &Connection, id: &QuoteId, visibility: Visibility) -> Result<Option<Quote>> {
    let filter = QuoteFilter {
        visibility,
        ids: vec![id.clone()],
        ..Default::default()
    };
    Ok(list(conn, &filter, &PageRequest::first(1))?.items.pop())
}

/// The quote `id` if its article is public.
pub fn get(conn: &Connection, id: &QuoteId) -> Result<Option<Quote>> {
    let filter = QuoteFilter {
        ids: vec![id.clone()],
        ..Default::default()
    };
    Ok(list(conn, &filter, &PageRequest::first(1))?.items.pop())
}

/// The public quotes with these ids, in list order; missing ids are skipped.
pub fn get_many(conn: &Connection, ids: &[QuoteId]) -> Result<Vec<Quote>> {
    find_many(conn, ids, Visibility::Public)
}

/// The quotes with these ids that `visibility` allows, in list order.
pub fn find_many(conn: &Connection, ids: &[QuoteId], visibility: Visibility) -> Result<Vec<Quote>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = QuoteFilter {
        visibility,
        ids: ids.to_vec(),
        ..Default::default()
    };
    query::all(
        conn,
        SELECT,
        conditions(&filter),
        "q.said_on DESC, q.id DESC",
        from_row,
    )
}

/// Creates or replaces the quote `id`.
pub fn save(conn: &Connection, id: &QuoteId, q: &NewQuote, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO quotes (id, text, speaker, article, event, topic, said_on, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, speaker = excluded.speaker,
            article = excluded.article, event = excluded.event, topic = excluded.topic,
            said_on = excluded.said_on, updated_at = excluded.updated_at",
    )?
    .execute(params![
        id,
        q.text.as_str(),
        q.speaker,
        q.article,
        q.event,
        q.topic,
        q.said_on,
        now
    ])?;
    Ok(())
}
