//! Writing quotes.

use crate::storage::by_id;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

use super::{Ctx, EditResult, Editable, Ref, check_dependents, check_refs};
use crate::domain::{Invalid, NewQuote, Quote, QuoteId, ResourceKind};
use crate::storage::Result;
use crate::storage::articles::Visibility;
use crate::storage::changes::Reason;
use crate::storage::quotes;

/// Articles other than the quote's own whose body carries it.
const CARRIED_BY: &str = "SELECT a.id FROM articles a, json_each(a.body) j
    WHERE json_extract(j.value, '$.quote_id') = ?1 ORDER BY a.id";

impl Editable for Quote {
    type Id = QuoteId;
    type New = NewQuote;
    const KIND: ResourceKind = ResourceKind::Quote;

    fn parse(value: Value, _now: DateTime<Utc>) -> Result<NewQuote, Invalid> {
        NewQuote::from_json(value)
    }

    fn id(&self) -> &QuoteId {
        &self.id
    }

    fn given_id(new: &NewQuote) -> Option<&QuoteId> {
        new.id.as_ref()
    }

    fn derive_id(new: &NewQuote) -> Option<QuoteId> {
        QuoteId::derive(&new.derived_id())
    }

    fn load(conn: &Connection, id: &QuoteId) -> Result<Option<Quote>> {
        by_id::find::<Quote>(conn, id, Visibility::Everything)
    }

    fn save(
        conn: &Connection,
        id: &QuoteId,
        new: &NewQuote,
        previous: Option<&Quote>,
        ctx: &Ctx,
    ) -> EditResult<Reason> {
        let mut refs = vec![
            Ref {
                field: "speaker".into(),
                table: "participants",
                id: new.speaker.as_str(),
            },
            Ref {
                field: "article".into(),
                table: "articles",
                id: new.article.as_str(),
            },
        ];
        if let Some(event) = &new.event {
            refs.push(Ref {
                field: "event".into(),
                table: "events",
                id: event.as_str(),
            });
        }
        if let Some(topic) = &new.topic {
            refs.push(Ref {
                field: "topic".into(),
                table: "topics",
                id: topic.as_str(),
            });
        }
        check_refs(conn, &refs)?;
        if previous.is_some_and(|p| p.article != new.article) {
            // Moving a quote must not leave a quote block behind in its old article.
            check_dependents(
                conn,
                Self::KIND,
                id.as_str(),
                &[("the body of article", CARRIED_BY)],
            )?;
        }
        quotes::save(conn, id, new, ctx.now.timestamp())?;
        Ok(if previous.is_some() {
            Reason::Updated
        } else {
            Reason::Created
        })
    }

    fn remove(conn: &Connection, id: &QuoteId, _ctx: &Ctx) -> EditResult<()> {
        check_dependents(
            conn,
            Self::KIND,
            id.as_str(),
            &[("the body of article", CARRIED_BY)],
        )?;
        conn.execute("DELETE FROM quotes WHERE id = ?1", [id])?;
        Ok(())
    }
}
