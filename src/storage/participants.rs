//! Participants: people, organizations and countries.

use rusqlite::{Connection, params};

use super::Result;
use super::by_id::Keyed;
use super::fts::FtsQuery;
use super::list::Resource;
use super::query::{Facet, Listing, Sort, Where, json_column, time_column};
use super::row::NamedRow;
use super::search::rank;
use super::visibility::Visibility;
use crate::domain::{
    ArticleId, EventId, Links, NewParticipant, Participant, ParticipantId, ParticipantKind,
};

/// Which participants a list holds. Empty vectors filter nothing; several values mean OR.
#[derive(Debug, Default, Clone)]
pub struct ParticipantFilter {
    pub ids: Vec<ParticipantId>,
    pub kind: Vec<ParticipantKind>,
    /// Named by one of these articles.
    pub article: Vec<ArticleId>,
    /// Taking part in one of these events.
    pub event: Vec<EventId>,
    /// The name, an alias or the title match.
    pub q: Option<FtsQuery>,
}

impl Resource for Participant {
    type Filter = ParticipantFilter;
    const LISTING: Listing = Listing {
        from: "participants p",
        id: "p.id",
        columns: std::borrow::Cow::Borrowed("p.id, p.kind, p.name, p.aliases, p.title, p.affiliation, p.updated_at"),
        deferred: false,
    };
    const SORTS: &'static [Sort] = &[
        Sort::asc("name", "p.name"),
        Sort::desc("-name", "p.name"),
        Sort::relevance(rank!(participants)),
    ];
    const FACETS: &'static [Facet] = &[Facet {
        name: "kind",
        join: "",
        value: "p.kind",
        label: "p.kind",
        distinct: false,
    }];

    fn conditions(filter: &ParticipantFilter) -> Where {
        let mut w = Where::default();
        w.any_of("p.id IN ({})", &filter.ids);
        let kinds: Vec<&str> = filter.kind.iter().map(|k| k.as_str()).collect();
        w.any_of("p.kind IN ({})", &kinds);
        w.any_of(
            "p.id IN (SELECT participant FROM article_participants WHERE article IN ({}))",
            &filter.article,
        );
        w.any_of(
            "p.id IN (SELECT participant FROM event_participants WHERE event IN ({}))",
            &filter.event,
        );
        if let Some(q) = &filter.q {
            q.restrict(&mut w, "participants", "p");
        }
        w
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }
}

impl Keyed for Participant {
    type Id = ParticipantId;
    const TABLE: &'static str = "participants";

    fn with_ids(ids: &[ParticipantId], _: Visibility) -> ParticipantFilter {
        ParticipantFilter {
            ids: ids.to_vec(),
            ..Default::default()
        }
    }

    fn id_str(id: &ParticipantId) -> &str {
        id.as_str()
    }
}

fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Participant> {
    let id: ParticipantId = row.get("id")?;
    let kind: String = row.get("kind")?;
    Ok(Participant {
        links: Links::to("participants", id.as_str()),
        id,
        kind: ParticipantKind::parse(&kind).unwrap_or(ParticipantKind::Organization),
        name: row.get("name")?,
        aliases: json_column(row, "aliases")?,
        title: row.get("title")?,
        affiliation: row.get("affiliation")?,
        updated_at: time_column(row, "updated_at")?,
    })
}

/// Creates or replaces the participant `id`.
pub(crate) fn save(
    conn: &Connection,
    id: &ParticipantId,
    p: &NewParticipant,
    now: i64,
) -> Result<()> {
    let aliases = serde_json::to_string(&p.aliases).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO participants (id, kind, name, aliases, title, affiliation, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
            aliases = excluded.aliases, title = excluded.title,
            affiliation = excluded.affiliation, updated_at = excluded.updated_at",
    )?
    .execute(params![
        id,
        p.kind.as_str(),
        p.name.as_str(),
        aliases,
        p.title.as_ref().map(|t| t.as_str()),
        p.affiliation,
        now
    ])?;
    Ok(())
}
