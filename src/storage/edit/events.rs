//! Writing events.

use crate::storage::by_id;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::{Ctx, EditError, EditResult, Editable, Ref, check_dependents, check_refs};
use crate::domain::{Event, EventId, FieldError, Invalid, NewEvent, ResourceKind};
use crate::storage::Result;
use crate::storage::changes::Reason;
use crate::storage::events;

impl Editable for Event {
    type Id = EventId;
    type New = NewEvent;
    const KIND: ResourceKind = ResourceKind::Event;

    fn parse(value: Value, _now: DateTime<Utc>) -> Result<NewEvent, Invalid> {
        NewEvent::from_json(value)
    }

    fn id(&self) -> &EventId {
        &self.id
    }

    fn given_id(new: &NewEvent) -> Option<&EventId> {
        new.id.as_ref()
    }

    fn derive_id(new: &NewEvent) -> Option<EventId> {
        EventId::derive(new.title.as_str())
    }

    fn load(conn: &Connection, id: &EventId) -> Result<Option<Event>> {
        by_id::get::<Event>(conn, id)
    }

    fn save(
        conn: &Connection,
        id: &EventId,
        new: &NewEvent,
        previous: Option<&Event>,
        ctx: &Ctx,
    ) -> EditResult<Reason> {
        let mut refs = Vec::new();
        if let Some(parent) = &new.parent {
            refs.push(Ref {
                field: "parent".into(),
                table: "events",
                id: parent.as_str(),
            });
        }
        if let Some(country) = &new.place.country {
            refs.push(Ref {
                field: "place.country".into(),
                table: "participants",
                id: country.as_str(),
            });
        }
        for (i, p) in new.participants.iter().enumerate() {
            refs.push(Ref {
                field: format!("participants[{i}].participant"),
                table: "participants",
                id: p.participant.as_str(),
            });
        }
        check_refs(conn, &refs)?;
        if let Some(parent) = &new.parent
            && is_within(conn, parent, id)?
        {
            return Err(EditError::Invalid(vec![FieldError::new(
                "parent",
                format!(
                    "`{parent}` is `{id}` or one of its sub-events: parents cannot form a cycle"
                ),
            )]));
        }
        events::save(conn, id, new, ctx.now.timestamp())?;
        Ok(if previous.is_some() {
            Reason::Updated
        } else {
            Reason::Created
        })
    }

    fn remove(conn: &Connection, id: &EventId, _ctx: &Ctx) -> EditResult<()> {
        check_dependents(
            conn,
            Self::KIND,
            id.as_str(),
            &[
                (
                    "sub-events",
                    "SELECT id FROM events WHERE parent = ?1 ORDER BY id",
                ),
                (
                    "quotes",
                    "SELECT id FROM quotes WHERE event = ?1 ORDER BY id",
                ),
                (
                    "articles",
                    "SELECT article FROM article_events WHERE event = ?1 ORDER BY 1",
                ),
            ],
        )?;
        conn.execute("DELETE FROM events WHERE id = ?1", [id])?;
        Ok(())
    }
}

/// True when `event` is `ancestor` or lies below it, following parents upwards.
fn is_within(conn: &Connection, event: &EventId, ancestor: &EventId) -> EditResult<bool> {
    let mut current = Some(event.to_string());
    let mut steps = 0;
    while let Some(id) = current {
        if id == ancestor.as_str() {
            return Ok(true);
        }
        steps += 1;
        if steps > 1_000 {
            return Ok(true);
        }
        current = conn
            .prepare_cached("SELECT parent FROM events WHERE id = ?1")?
            .query_row([&id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten();
    }
    Ok(false)
}
