//! The change log: one row per committed write, appended in the write's own
//! transaction, so it can never disagree with the content.

use crate::storage::by_id;
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::touches;
use super::visibility::{self, Visibility};
use crate::domain::ResourceKind;

/// What a write did to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// Why, in the newsroom's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Created,
    Updated,
    Corrected,
    Published,
    Withdrawn,
    /// A published article went back to draft, or its publication moved ahead.
    Unpublished,
    Deleted,
    /// A public article (or its quote) reached its `expires_at`.
    Expired,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Corrected => "corrected",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
            Self::Unpublished => "unpublished",
            Self::Deleted => "deleted",
            Self::Expired => "expired",
        }
    }
}

/// Whether the public, and the early audience (partners with embargo access), saw
/// the resource as of its last logged change.
pub(crate) fn last_audience(
    conn: &Connection,
    resource_type: ResourceKind,
    resource_id: &str,
) -> Result<(bool, bool)> {
    Ok(conn
        .prepare_cached(
            "SELECT is_public, is_early FROM changes WHERE resource_type = ?1
             AND resource_id = ?2 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(params![resource_type, resource_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((false, false)))
}

/// Appends one change, after the write it records; returns its sequence number.
/// The change is public when the resource was public before it or is now: a
/// resource the public never saw leaves no trace in the public log. `touched` are
/// the keys of what named the resource before the write ([`touches::of`] then);
/// those naming it now are added here. `in_place`: the write moved no list, and
/// these are the keys it makes stale instead ([`super::listing::in_place`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    resource_type: ResourceKind,
    resource_id: &str,
    operation: Operation,
    reason: Reason,
    at: i64,
    changed_by: Option<&str>,
    touched: &[String],
    in_place: Option<&[String]>,
) -> Result<i64> {
    let (was_public, was_early) = last_audience(conn, resource_type, resource_id)?;
    let is_public = visibility::is_public(conn, resource_type, resource_id)?;
    let is_early = visibility::is_early(conn, resource_type, resource_id)?;
    let mut touches = touches::of(conn, resource_type, resource_id)?;
    touches.extend(touched.iter().cloned());
    if let Some(keys) = in_place {
        // The lists it is a member of hold it as they did: they are not touched.
        touches.retain(|k| !touches::is_list(k));
        touches.extend(keys.iter().cloned());
    }
    touches.sort();
    touches.dedup();
    conn.prepare_cached(
        "INSERT INTO changes (resource_type, resource_id, operation, reason, at, changed_by,
            was_public, is_public, touches, was_early, is_early, in_place)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        resource_type,
        resource_id,
        operation.as_str(),
        reason.as_str(),
        at,
        changed_by,
        was_public,
        is_public,
        touches.join(" "),
        was_early,
        is_early,
        in_place.is_some()
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One row of the change log.
#[derive(Debug, Clone)]
pub struct Change {
    pub seq: i64,
    pub resource_type: ResourceKind,
    pub resource_id: String,
    pub operation: String,
    pub reason: String,
    pub at: i64,
    pub changed_by: Option<String>,
    /// This reader's audience (the public's, for editors) saw the resource just
    /// before this change.
    pub was_public: bool,
    /// This reader's audience (the public's, for editors) sees the resource just
    /// after this change.
    pub is_public: bool,
    /// The keys of the other resources whose representation named this one before
    /// or after the change (`article:ID`), and of the lists it was or is in; for a
    /// change in place, the keys it makes stale instead of those lists.
    pub touches: Vec<String>,
    /// The change moved no list: no membership, order, count or facet
    /// ([`super::listing`]), so it does not make its whole collection stale.
    pub in_place: bool,
}

/// The condition on a `changes` row that the public may read.
pub(crate) const PUBLIC_CHANGE: &str = "(was_public OR is_public)";

/// The condition on a `changes` row that partners with embargo access may read.
pub(crate) const EARLY_CHANGE: &str = "(was_early OR is_early)";

/// The condition on a `changes` row that `visibility` may read.
pub(crate) fn change_audience(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => PUBLIC_CHANGE,
        Visibility::Early => EARLY_CHANGE,
        Visibility::Everything => "1",
    }
}

/// Changes after `since` that `visibility` may read, oldest first, of the given types
/// (all when empty).
pub fn list(
    conn: &Connection,
    since: i64,
    types: &[ResourceKind],
    limit: u32,
    visibility: Visibility,
) -> Result<Vec<Change>> {
    // The early audience reads its own columns; editors, the public's.
    let (was, is) = if visibility == Visibility::Early {
        ("was_early", "is_early")
    } else {
        ("was_public", "is_public")
    };
    let mut sql = format!(
        "SELECT seq, resource_type, resource_id, operation, reason, at, changed_by, {was},
            {is}, touches, in_place
         FROM changes WHERE seq > ?1 AND {}",
        change_audience(visibility)
    );
    // The types are bound as parameters (?3, ?4 …), never pasted into the SQL.
    if !types.is_empty() {
        let slots: Vec<String> = (0..types.len()).map(|i| format!("?{}", i + 3)).collect();
        sql.push_str(&format!(" AND resource_type IN ({})", slots.join(", ")));
    }
    sql.push_str(" ORDER BY seq LIMIT ?2");
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&since, &limit];
    values.extend(types.iter().map(|t| t as &dyn rusqlite::ToSql));
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(values.as_slice(), |r| {
            Ok(Change {
                seq: r.get(0)?,
                resource_type: r.get(1)?,
                resource_id: r.get(2)?,
                operation: r.get(3)?,
                reason: r.get(4)?,
                at: r.get(5)?,
                changed_by: r.get(6)?,
                was_public: r.get(7)?,
                is_public: r.get(8)?,
                touches: r
                    .get::<_, String>(9)?
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                in_place: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A change as clients read it: in the changes feed and in webhook deliveries.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChangeEntry {
    /// The position in the log; strictly increasing in commit order.
    #[schema(example = 42)]
    pub seq: i64,
    #[serde(rename = "type")]
    pub resource_type: ResourceKind,
    #[schema(example = "lukashenko-meets-xi-jinping-astana")]
    pub id: String,
    /// `create`, `update` or `delete`. Without an editor key, the first change you
    /// see of a resource (a draft published, a scheduled article falling due) is a
    /// `create`.
    #[schema(example = "update")]
    pub operation: String,
    /// `created`, `updated`, `corrected`, `published`, `withdrawn`, `unpublished`,
    /// `deleted` or `expired` (a public article reached its `expires_at`; with a
    /// tombstone).
    #[schema(example = "corrected")]
    pub reason: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The name of the key that made the change; shown to editors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    /// True when the resource is gone for this reader (deleted, or no longer
    /// public): a mirror removes its copy.
    pub tombstone: bool,
    /// The resource as it is now, as `GET` serves it; `null` for a tombstone.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

/// Turns log rows into entries, loading the current resources with one query per
/// type. `visibility` decides which articles and quotes the reader may see.
pub fn entries(
    conn: &Connection,
    rows: Vec<Change>,
    visibility: Visibility,
) -> Result<Vec<ChangeEntry>> {
    use std::collections::HashMap;

    use crate::domain::{Article, Event, Participant, Quote};
    use crate::domain::{ArticleId, EventId, ParticipantId, QuoteId};

    fn ids<T>(rows: &[Change], kind: ResourceKind, parse: fn(&str) -> Option<T>) -> Vec<T> {
        rows.iter()
            .filter(|r| r.resource_type == kind)
            .filter_map(|r| parse(&r.resource_id))
            .collect()
    }
    fn keyed<T: serde::Serialize>(
        kind: ResourceKind,
        items: Vec<T>,
        id: fn(&T) -> String,
        out: &mut HashMap<(ResourceKind, String), serde_json::Value>,
    ) {
        for item in items {
            if let Ok(value) = serde_json::to_value(&item) {
                out.insert((kind, id(&item)), value);
            }
        }
    }
    let mut current = HashMap::new();
    let found = by_id::find_many::<Article>(
        conn,
        &ids(&rows, ResourceKind::Article, |s| ArticleId::parse(s).ok()),
        visibility,
    )?;
    keyed(
        ResourceKind::Article,
        found,
        |a| a.id.to_string(),
        &mut current,
    );
    let found = by_id::find_many::<Quote>(
        conn,
        &ids(&rows, ResourceKind::Quote, |s| QuoteId::parse(s).ok()),
        visibility,
    )?;
    keyed(
        ResourceKind::Quote,
        found,
        |q| q.id.to_string(),
        &mut current,
    );
    let found = by_id::get_many::<Participant>(
        conn,
        &ids(&rows, ResourceKind::Participant, |s| {
            ParticipantId::parse(s).ok()
        }),
    )?;
    keyed(
        ResourceKind::Participant,
        found,
        |p| p.id.to_string(),
        &mut current,
    );
    let found = by_id::get_many::<Event>(
        conn,
        &ids(&rows, ResourceKind::Event, |s| EventId::parse(s).ok()),
    )?;
    keyed(
        ResourceKind::Event,
        found,
        |e| e.id.to_string(),
        &mut current,
    );

    let editor = visibility == Visibility::Everything;
    Ok(rows
        .into_iter()
        .map(|row| {
            let data = current
                .get(&(row.resource_type, row.resource_id.clone()))
                .cloned();
            ChangeEntry {
                seq: row.seq,
                tombstone: data.is_none(),
                data,
                resource_type: row.resource_type,
                id: row.resource_id,
                // What the public never saw did not exist for it: its first public
                // change creates the resource.
                operation: if !editor && !row.was_public && row.operation == "update" {
                    Operation::Create.as_str().to_owned()
                } else {
                    row.operation
                },
                reason: row.reason,
                at: chrono::DateTime::from_timestamp(row.at, 0).unwrap_or_default(),
                changed_by: if editor { row.changed_by } else { None },
            }
        })
        .collect())
}

/// The newest sequence number in the log; 0 when it is empty.
pub fn newest(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |r| {
            r.get(0)
        })?,
    )
}

/// How far a reader of the log named `name` (kept in `meta`) has got, if it began.
pub fn position(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [name], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok()))
}

/// Records that the reader `name` has handled the log up to `seq`.
pub(crate) fn set_position(conn: &Connection, name: &str, seq: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![name, seq.to_string()],
    )?;
    Ok(())
}
