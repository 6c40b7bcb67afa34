//! Events, their participants with roles, and their parent/sub-event links.

use rusqlite::{Connection, Row, params};

use super::Result;
use super::query::{
    self, Cursor, Page, PageRequest, Sort, SortValue, Where, json_column, time_column,
};
use crate::domain::{ArticleId, Event, EventId, EventKind, Links, NewEvent, ParticipantId, Place};

/// Which events a list holds. Empty vectors filter nothing; several values mean OR.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub ids: Vec<EventId>,
    pub kind: Vec<EventKind>,
    pub parent: Vec<EventId>,
    pub participant: Vec<ParticipantId>,
    /// Linked from one of these articles.
    pub article: Vec<ArticleId>,
}

const SELECT: &str = "SELECT e.id, e.kind, e.title, e.start_date, e.end_date, e.place_name,
    e.place_city, e.place_country, e.parent, e.updated_at,
    (SELECT json_group_array(json_object('participant', participant, 'role', role)) FROM
        (SELECT participant, role FROM event_participants WHERE event = e.id ORDER BY ord)) AS participants,
    (SELECT json_group_array(id) FROM
        (SELECT c.id FROM events c WHERE c.parent = e.id ORDER BY c.start_date, c.id)) AS subevents
    FROM events e";

/// Most recent first.
const SORT: Sort = Sort {
    key: "e.start_date",
    id: "e.id",
    descending: true,
};

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
    w
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
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
        subevents: json_column(row, "subevents")?,
        participants: json_column(row, "participants")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

fn cursor_of(e: &Event) -> Cursor {
    Cursor {
        key: SortValue::Text(e.start_date.to_string()),
        id: e.id.to_string(),
    }
}

pub fn list(conn: &Connection, filter: &EventFilter, page: &PageRequest) -> Result<Page<Event>> {
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

pub fn get(conn: &Connection, id: &EventId) -> Result<Option<Event>> {
    let filter = EventFilter {
        ids: vec![id.clone()],
        ..Default::default()
    };
    Ok(list(conn, &filter, &PageRequest::first(1))?.items.pop())
}

pub fn get_many(conn: &Connection, ids: &[EventId]) -> Result<Vec<Event>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = EventFilter {
        ids: ids.to_vec(),
        ..Default::default()
    };
    query::all(
        conn,
        SELECT,
        conditions(&filter),
        "e.start_date DESC, e.id DESC",
        from_row,
    )
}

pub fn exists(conn: &Connection, id: &EventId) -> Result<bool> {
    super::row_exists(conn, "events", id.as_str())
}

/// Creates or replaces the event `id` with its participants.
pub fn save(conn: &Connection, id: &EventId, e: &NewEvent, now: i64) -> Result<()> {
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
