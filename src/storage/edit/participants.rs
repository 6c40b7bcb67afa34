//! Writing participants.

use crate::storage::by_id;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

use super::{Ctx, EditResult, Editable, Ref, check_dependents, check_refs};
use crate::domain::{Invalid, NewParticipant, Participant, ParticipantId, ResourceKind};
use crate::storage::Result;
use crate::storage::changes::Reason;
use crate::storage::participants;

impl Editable for Participant {
    type Id = ParticipantId;
    type New = NewParticipant;
    const KIND: ResourceKind = ResourceKind::Participant;

    fn parse(value: Value, _now: DateTime<Utc>) -> Result<NewParticipant, Invalid> {
        NewParticipant::from_json(value)
    }

    fn id(&self) -> &ParticipantId {
        &self.id
    }

    fn given_id(new: &NewParticipant) -> Option<&ParticipantId> {
        new.id.as_ref()
    }

    fn derive_id(new: &NewParticipant) -> Option<ParticipantId> {
        ParticipantId::derive(new.name.as_str())
    }

    fn load(conn: &Connection, id: &ParticipantId) -> Result<Option<Participant>> {
        by_id::get::<Participant>(conn, id)
    }

    fn save(
        conn: &Connection,
        id: &ParticipantId,
        new: &NewParticipant,
        previous: Option<&Participant>,
        ctx: &Ctx,
    ) -> EditResult<Reason> {
        if let Some(affiliation) = &new.affiliation {
            if affiliation == id {
                return Err(super::EditError::Invalid(vec![
                    crate::domain::FieldError::new(
                        "affiliation",
                        "a participant cannot be affiliated with itself",
                    ),
                ]));
            }
            // The fixtures name affiliations before loading them; the deferred foreign
            // key checks those at commit instead.
            if !ctx.seeding {
                check_refs(
                    conn,
                    &[Ref {
                        field: "affiliation".into(),
                        table: "participants",
                        id: affiliation.as_str(),
                    }],
                )?;
            }
        }
        participants::save(conn, id, new, ctx.now.timestamp())?;
        Ok(if previous.is_some() {
            Reason::Updated
        } else {
            Reason::Created
        })
    }

    fn remove(conn: &Connection, id: &ParticipantId, _ctx: &Ctx) -> EditResult<()> {
        check_dependents(
            conn,
            Self::KIND,
            id.as_str(),
            &[
                (
                    "quotes",
                    "SELECT id FROM quotes WHERE speaker = ?1 ORDER BY id",
                ),
                (
                    "events",
                    "SELECT DISTINCT event FROM event_participants WHERE participant = ?1
                    UNION SELECT id FROM events WHERE place_country = ?1 ORDER BY 1",
                ),
                (
                    "articles",
                    "SELECT article FROM article_participants WHERE participant = ?1 ORDER BY 1",
                ),
                (
                    "participants",
                    "SELECT id FROM participants WHERE affiliation = ?1 ORDER BY id",
                ),
            ],
        )?;
        conn.execute("DELETE FROM participants WHERE id = ?1", [id])?;
        Ok(())
    }
}
