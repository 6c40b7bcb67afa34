//! Quotes: verbatim statements with their speaker, article, event and topic.

use rusqlite::{Connection, params};

use chrono::NaiveDate;

use super::Result;
use super::by_id::Keyed;
use super::fts::FtsQuery;
use super::list::Resource;
use super::query::{Facet, Listing, Sort, Where, time_column};
use super::row::NamedRow;
use super::search::rank;
use super::visibility::{Visibility, visible_quote};
use crate::domain::{ArticleId, EventId, Links, NewQuote, ParticipantId, Quote, QuoteId, TopicId};

/// Which quotes a list holds. Empty vectors and `None`s filter nothing; several
/// values of one filter mean OR, different filters AND.
#[derive(Debug, Default, Clone)]
pub struct QuoteFilter {
    /// Quotes are seen with their article.
    pub visibility: Visibility,
    pub ids: Vec<QuoteId>,
    pub speaker: Vec<ParticipantId>,
    pub article: Vec<ArticleId>,
    pub event: Vec<EventId>,
    pub topic: Vec<TopicId>,
    /// Inclusive.
    pub said_after: Option<NaiveDate>,
    /// Exclusive.
    pub said_before: Option<NaiveDate>,
    /// The words or the speaker's name match.
    pub q: Option<FtsQuery>,
}

const COLUMNS: &str =
    "q.id, q.text, q.speaker, q.article, q.event, q.topic, q.said_on, q.updated_at,
    (SELECT CAST(j.key AS INTEGER) FROM articles a, json_each(a.body) j
     WHERE a.id = q.article AND json_extract(j.value, '$.quote_id') = q.id) AS position";

impl Resource for Quote {
    type Filter = QuoteFilter;
    const LISTING: Listing = Listing {
        from: "quotes q",
        id: "q.id",
        columns: std::borrow::Cow::Borrowed(COLUMNS),
        deferred: true,
    };
    const SORTS: &'static [Sort] = &[
        Sort::desc("-said_on", "q.said_on"),
        Sort::asc("said_on", "q.said_on"),
        Sort::relevance(rank!(quotes)),
    ];
    const FACETS: &'static [Facet] = &[
        Facet {
            name: "speaker",
            join: "JOIN participants fl ON fl.id = q.speaker",
            value: "q.speaker",
            label: "fl.name",
            distinct: false,
        },
        Facet {
            name: "topic",
            join: "LEFT JOIN topics fl ON fl.id = q.topic",
            value: "q.topic",
            label: "fl.name",
            distinct: false,
        },
        Facet {
            name: "event",
            join: "LEFT JOIN events fl ON fl.id = q.event",
            value: "q.event",
            label: "fl.title",
            distinct: false,
        },
    ];

    fn conditions(filter: &QuoteFilter) -> Where {
        let mut w = Where::default();
        w.and(visible_quote(filter.visibility), []);
        w.any_of("q.id IN ({})", &filter.ids);
        w.any_of("q.speaker IN ({})", &filter.speaker);
        w.any_of("q.article IN ({})", &filter.article);
        w.any_of("q.event IN ({})", &filter.event);
        w.any_of("q.topic IN ({})", &filter.topic);
        let day = |d: &Option<NaiveDate>| d.map(|d| d.to_string().into());
        w.bound("q.said_on", ">=", day(&filter.said_after));
        w.bound("q.said_on", "<", day(&filter.said_before));
        if let Some(q) = &filter.q {
            q.restrict(&mut w, "quotes", "q");
        }
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }
}

impl Keyed for Quote {
    type Id = QuoteId;
    const TABLE: &'static str = "quotes";

    fn with_ids(ids: &[QuoteId], visibility: Visibility) -> QuoteFilter {
        QuoteFilter {
            visibility,
            ids: ids.to_vec(),
            ..Default::default()
        }
    }

    fn id_str(id: &QuoteId) -> &str {
        id.as_str()
    }
}

fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Quote> {
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

/// Creates or replaces the quote `id`.
pub(crate) fn save(conn: &Connection, id: &QuoteId, q: &NewQuote, now: i64) -> Result<()> {
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
