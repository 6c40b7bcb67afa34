//! Timelines of entity pages: the events, articles and quotes that involve a
//! participant or an event, merged in date order. Only published articles, and the
//! quotes of published articles, appear.

use rusqlite::types::Value;

use super::list::Resource;
use super::query::{Facet, Listing, Sort, Where, time_column};
use super::row::NamedRow;
use super::visibility::{public_article, public_quote};
use crate::domain::{EventId, Links, ParticipantId, TimelineEntry, TimelineType};

/// Whose timeline.
#[derive(Debug, Clone)]
pub enum TimelineOf {
    Participant(ParticipantId),
    Event(EventId),
}

/// Which items a timeline holds.
#[derive(Debug, Clone)]
pub struct TimelineFilter {
    pub of: TimelineOf,
    /// Empty: every type.
    pub types: Vec<TimelineType>,
}

/// Each arm reads the items of one type linked one way, through an index on the link;
/// it takes the entity's id, or NULL when the timeline is of the other kind of entity
/// (`= NULL` holds for no row). A participant's: the events it took part in (once,
/// whatever its roles), the articles that name it, its quotes. An event's: its
/// sub-events, the articles about it, the quotes said at it.
const ITEMS: &str = concat!(
    "(
    SELECT 'event' AS type, e.id AS id, unixepoch(e.start_date) AS at, e.title AS title,
           e.updated_at AS updated_at
    FROM event_participants ep JOIN events e ON e.id = ep.event
    WHERE ep.participant = ?
      AND ep.ord = (SELECT min(x.ord) FROM event_participants x
                    WHERE x.event = ep.event AND x.participant = ep.participant)
    UNION ALL
    SELECT 'event', e.id, unixepoch(e.start_date), e.title, e.updated_at
    FROM events e WHERE e.parent = ?
    UNION ALL
    SELECT 'article', a.id, a.published_at, a.headline, a.updated_at
    FROM article_participants ap JOIN articles a ON a.id = ap.article WHERE ap.participant = ?
      AND ",
    public_article!("a"),
    "
    UNION ALL
    SELECT 'article', a.id, a.published_at, a.headline, a.updated_at
    FROM article_events ae JOIN articles a ON a.id = ae.article WHERE ae.event = ?
      AND ",
    public_article!("a"),
    "
    UNION ALL
    SELECT 'quote', q.id, unixepoch(q.said_on), q.text, q.updated_at
    FROM quotes q WHERE q.speaker = ? AND ",
    public_quote!("q"),
    "
    UNION ALL
    SELECT 'quote', q.id, unixepoch(q.said_on), q.text, q.updated_at
    FROM quotes q WHERE q.event = ? AND ",
    public_quote!("q"),
    "
) t"
);

impl Resource for TimelineEntry {
    type Filter = TimelineFilter;
    const LISTING: Listing = Listing {
        from: ITEMS,
        id: "t.type || '/' || t.id",
        columns: std::borrow::Cow::Borrowed("t.type, t.id, t.at, t.title, t.updated_at"),
        deferred: false,
    };
    /// Oldest first, or newest first; items of the same time by type, then id.
    const SORTS: &'static [Sort] = &[Sort::asc("date", "t.at"), Sort::desc("-date", "t.at")];
    const FACETS: &'static [Facet] = &[Facet {
        name: "type",
        join: "",
        value: "t.type",
        label: "t.type",
        distinct: false,
    }];

    fn conditions(filter: &TimelineFilter) -> Where {
        let (participant, event) = match &filter.of {
            TimelineOf::Participant(id) => (Value::Text(id.to_string()), Value::Null),
            TimelineOf::Event(id) => (Value::Null, Value::Text(id.to_string())),
        };
        let mut w = Where::default();
        for _ in 0..3 {
            w.bind_source([participant.clone(), event.clone()]);
        }
        let types: Vec<&str> = filter.types.iter().map(|t| t.as_str()).collect();
        w.any_of("t.type IN ({})", &types);
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        let kind: String = row.get("type")?;
        let kind = TimelineType::parse(&kind).unwrap_or(TimelineType::Article);
        let id: String = row.get("id")?;
        let collection = match kind {
            TimelineType::Article => "articles",
            TimelineType::Quote => "quotes",
            TimelineType::Event => "events",
        };
        Ok(TimelineEntry {
            links: Links::to(collection, &id),
            kind,
            id,
            at: time_column(row, "at")?,
            title: row.get("title")?,
            updated_at: time_column(row, "updated_at")?,
        })
    }
}
