//! Events, their participants with roles, and their parent/sub-event links.

use rusqlite::{Connection, params};

use chrono::NaiveDate;

use super::Result;
use super::by_id::Keyed;
use super::list::Resource;
use super::query::{Facet, Listing, Sort, Where, time_column};
use super::relations;
use super::row::NamedRow;
use super::visibility::Visibility;
use crate::domain::{
    ArticleId, Event, EventId, EventKind, EventParticipant, EventRole, Links, NewEvent,
    ParticipantId, Place,
};

/// Which events a list holds. Empty vectors and `None`s filter nothing; several
/// values of one filter mean OR, different filters AND.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub ids: Vec<EventId>,
    pub kind: Vec<EventKind>,
    pub parent: Vec<EventId>,
    pub participant: Vec<ParticipantId>,
    /// Linked from one of these articles.
    pub article: Vec<ArticleId>,
    /// Inclusive.
    pub starts_after: Option<NaiveDate>,
    /// Exclusive.
    pub starts_before: Option<NaiveDate>,
}

/// The event's own columns; its participants and sub-events come per page.
const COLUMNS: &str = "e.id, e.kind, e.title, e.start_date, e.end_date, e.place_name,
    e.place_city, e.place_country, e.parent, e.updated_at";

impl Resource for Event {
    type Filter = EventFilter;
    const LISTING: Listing = Listing {
        from: "events e",
        id: "e.id",
        columns: std::borrow::Cow::Borrowed(COLUMNS),
        deferred: true,
    };
    const SORTS: &'static [Sort] = &[
        Sort::desc("-start_date", "e.start_date"),
        Sort::asc("start_date", "e.start_date"),
    ];
    const FACETS: &'static [Facet] = &[
        Facet {
            name: "kind",
            join: "",
            value: "e.kind",
            label: "e.kind",
            distinct: false,
        },
        Facet {
            name: "participant",
            join: "JOIN event_participants fx ON fx.event = e.id \
                   JOIN participants fl ON fl.id = fx.participant",
            value: "fx.participant",
            label: "fl.name",
            distinct: true,
        },
    ];

    fn conditions(filter: &EventFilter) -> Where {
        let mut w = Where::default();
        w.any_of("e.id IN ({})", &filter.ids);
        let kinds: Vec<&str> = filter.kind.iter().map(|k| k.as_str()).collect();
        w.any_of("e.kind IN ({})", &kinds);
        w.any_of("e.parent IN ({})", &filter.parent);
        w.any_of(
            "e.id IN (SELECT event FROM event_participants WHERE participant IN ({}))",
            &filter.participant,
        );
        w.any_of(
            "e.id IN (SELECT event FROM article_events WHERE article IN ({}))",
            &filter.article,
        );
        let day = |d: &Option<NaiveDate>| d.map(|d| d.to_string().into());
        w.bound("e.start_date", ">=", day(&filter.starts_after));
        w.bound("e.start_date", "<", day(&filter.starts_before));
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }

    fn complete(
        conn: &Connection,
        _: &EventFilter,
        items: &mut [Self],
        _: &[String],
    ) -> Result<()> {
        let ids: Vec<&str> = items.iter().map(|e| e.id.as_str()).collect();
        let participants = relations::by_owner(
            conn,
            "SELECT event, participant, role FROM event_participants WHERE event IN ({})
             ORDER BY event, ord",
            &ids,
            |row| {
                let role: String = row.get(2)?;
                Ok(EventParticipant {
                    participant: row.get(1)?,
                    role: EventRole::parse(&role).unwrap_or(EventRole::Participant),
                })
            },
        )?;
        let subevents = relations::by_owner(
            conn,
            "SELECT parent, id FROM events WHERE parent IN ({}) ORDER BY parent, start_date, id",
            &ids,
            |row| row.get(1),
        )?;
        let id: fn(&Event) -> &str = |e| e.id.as_str();
        relations::fill(items, participants, id, |e, v| e.participants = v);
        relations::fill(items, subevents, id, |e, v| e.subevents = v);
        Ok(())
    }
}

impl Keyed for Event {
    type Id = EventId;
    const TABLE: &'static str = "events";

    fn with_ids(ids: &[EventId], _: Visibility) -> EventFilter {
        EventFilter {
            ids: ids.to_vec(),
            ..Default::default()
        }
    }

    fn id_str(id: &EventId) -> &str {
        id.as_str()
    }
}

fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Event> {
    let id: EventId = row.get("id")?;
    let kind: String = row.get("kind")?;
    Ok(Event {
        links: Links::to("events", id.as_str()),
        id,
        kind: EventKind::parse(&kind).unwrap_or(EventKind::Meeting),
        title: row.get("title")?,
        start_date: row.get("start_date")?,
        end_date: row.get("end_date")?,
        place: Place {
            name: row.get("place_name")?,
            city: row.get("place_city")?,
            country: row.get("place_country")?,
        },
        parent: row.get("parent")?,
        subevents: Vec::new(),
        participants: Vec::new(),
        updated_at: time_column(row, "updated_at")?,
    })
}

/// Creates or replaces the event `id` with its participants.
pub(crate) fn save(conn: &Connection, id: &EventId, e: &NewEvent, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (id, kind, title, start_date, end_date, place_name, place_city,
            place_country, parent, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
            start_date = excluded.start_date, end_date = excluded.end_date,
            place_name = excluded.place_name, place_city = excluded.place_city,
            place_country = excluded.place_country, parent = excluded.parent,
            updated_at = excluded.updated_at",
    )?
    .execute(params![
        id,
        e.kind.as_str(),
        e.title.as_str(),
        e.start_date,
        e.end_date(),
        e.place.name,
        e.place.city,
        e.place.country,
        e.parent,
        now
    ])?;
    conn.prepare_cached("DELETE FROM event_participants WHERE event = ?1")?
        .execute([id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO event_participants (event, participant, role, ord)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (ord, p) in e.participants.iter().enumerate() {
        stmt.execute(params![id, p.participant, p.role.as_str(), ord as i64])?;
    }
    Ok(())
}
