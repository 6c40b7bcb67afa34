//! Writes: create, replace, merge-patch and delete, the same way for every resource.
//! Each runs inside the one transaction that [`Db::write`](super::Db::write) opens,
//! checks references and dependents there, and appends to the change log, so a write
//! is whole or absent.

mod articles;
mod events;
mod participants;
mod quotes;

use std::fmt::Display;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

pub use articles::{VersionInfo, article_version, article_versions};

use super::StorageError;
use super::changes::{self, Operation, Reason};
use super::engine::{ArticleScores, Engine};
use super::listing::{self, Listing};
use super::touches;
use crate::domain::input::merge_patch;
use crate::domain::kind::COLLECTIONS;
use crate::domain::{FieldError, Invalid, ResourceKind};

/// Why a write was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("invalid resource")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the resource has changed since it was read")]
    PreconditionFailed,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<rusqlite::Error> for EditError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

impl From<Invalid> for EditError {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e.0)
    }
}

pub type EditResult<T> = Result<T, EditError>;

/// Who writes, and when.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub now: DateTime<Utc>,
    /// The name of the key that makes the change; `None` for the fixtures.
    pub by: Option<String>,
    /// Loading the fixtures, which refer ahead (articles carry quotes not yet
    /// loaded, participants name affiliations further down): those references are
    /// left to the deferred foreign keys and the fixture tests.
    pub seeding: bool,
    /// The search engine, whose scores name what an article's edit in place makes
    /// stale among one-word searches ([`listing::in_place`]); without it, more.
    pub engine: Option<Engine>,
}

impl Ctx {
    /// Before a write of a listed resource: the scorer of article text by the
    /// engine's index of what is committed, which the write does not move for the
    /// words it asks about.
    fn scores(&self, conn: &Connection, listed: Option<&Listing>) -> Option<ArticleScores> {
        listed?;
        match self.engine.as_ref()?.article_scores(conn) {
            Ok(scores) => scores,
            Err(e) => {
                tracing::warn!(error = %e, "no scores from the search engine");
                None
            }
        }
    }

    fn log(
        &self,
        conn: &Connection,
        kind: ResourceKind,
        id: &str,
        op: Operation,
        reason: Reason,
        touched: &[String],
    ) -> EditResult<()> {
        self.log_write(conn, kind, id, op, reason, touched, None)
    }

    /// [`Self::log`] of a write that may have moved no list: `in_place` are then the
    /// keys it makes stale instead ([`listing::in_place`]).
    #[allow(clippy::too_many_arguments)]
    fn log_write(
        &self,
        conn: &Connection,
        kind: ResourceKind,
        id: &str,
        op: Operation,
        reason: Reason,
        touched: &[String],
        in_place: Option<&[String]>,
    ) -> EditResult<()> {
        changes::append(
            conn,
            kind,
            id,
            op,
            reason,
            self.now.timestamp(),
            self.by.as_deref(),
            touched,
            in_place,
        )?;
        Ok(())
    }
}

/// What the write routes need of a resource.
pub trait Editable: Serialize + Sized + Send + 'static {
    type Id: Clone + Display + PartialEq + Send + 'static;
    type New: Send + 'static;
    /// The resource's kind, which names it in messages and the change log.
    const KIND: ResourceKind;

    fn parse(value: Value, now: DateTime<Utc>) -> Result<Self::New, Invalid>;
    fn id(&self) -> &Self::Id;
    fn given_id(new: &Self::New) -> Option<&Self::Id>;
    /// An id made from the content, when none is given.
    fn derive_id(new: &Self::New) -> Option<Self::Id>;
    /// The resource whatever its status.
    fn load(conn: &Connection, id: &Self::Id) -> super::Result<Option<Self>>;
    /// Checks references, writes the resource and says why it changed.
    fn save(
        conn: &Connection,
        id: &Self::Id,
        new: &Self::New,
        previous: Option<&Self>,
        ctx: &Ctx,
    ) -> EditResult<Reason>;
    /// Checks dependents and removes the resource (and what it owns, logging those).
    fn remove(conn: &Connection, id: &Self::Id, ctx: &Ctx) -> EditResult<()>;
    /// What lists read of the stored resource, compared before and after a write so
    /// that one which moves no list purges only what shows it. `None`, the default:
    /// any write may move every list of the kind.
    fn listing(_conn: &Connection, _id: &Self::Id) -> super::Result<Option<Listing>> {
        Ok(None)
    }
}

/// A check of the client's `If-Match` against the current resource.
pub type Precondition<R> = Box<dyn FnOnce(Option<&R>) -> bool + Send>;

fn check<R>(precondition: Option<Precondition<R>>, current: Option<&R>) -> EditResult<()> {
    match precondition {
        Some(holds) => {
            if holds(current) {
                Ok(())
            } else {
                Err(EditError::PreconditionFailed)
            }
        }
        None => Ok(()),
    }
}

fn reload<R: Editable>(conn: &Connection, id: &R::Id) -> EditResult<R> {
    R::load(conn, id)?
        .ok_or_else(|| EditError::NotFound(format!("{} `{id}` vanished while written", R::KIND)))
}

/// `POST`: creates a resource under the given or derived id.
pub fn create<R: Editable>(conn: &Connection, new: R::New, ctx: &Ctx) -> EditResult<R> {
    let id = match R::given_id(&new) {
        Some(id) => id.clone(),
        None => R::derive_id(&new).ok_or_else(|| {
            EditError::Invalid(vec![FieldError::new(
                "id",
                "cannot be derived from this content: give one",
            )])
        })?,
    };
    if R::load(conn, &id)?.is_some() {
        return Err(EditError::Conflict(format!(
            "There is already {} {} with the id `{id}`; PUT to it to replace it.",
            article_for(R::KIND.as_str()),
            R::KIND
        )));
    }
    let reason = R::save(conn, &id, &new, None, ctx)?;
    ctx.log(
        conn,
        R::KIND,
        &id.to_string(),
        Operation::Create,
        reason,
        &[],
    )?;
    reload(conn, &id)
}

/// `PUT`: replaces the resource `id`, or creates it. Returns it and whether it is new.
pub fn replace<R: Editable>(
    conn: &Connection,
    id: &R::Id,
    new: R::New,
    precondition: Option<Precondition<R>>,
    ctx: &Ctx,
) -> EditResult<(R, bool)> {
    if R::given_id(&new).is_some_and(|given| given != id) {
        return Err(EditError::Invalid(vec![FieldError::new(
            "id",
            format!("must be `{id}`, the id in the URL, or absent"),
        )]));
    }
    let previous = R::load(conn, id)?;
    check(precondition, previous.as_ref())?;
    let touched = touches::of(conn, R::KIND, &id.to_string())?;
    let before = R::listing(conn, id)?;
    let scores = ctx.scores(conn, before.as_ref());
    let reason = R::save(conn, id, &new, previous.as_ref(), ctx)?;
    let operation = if previous.is_some() {
        Operation::Update
    } else {
        Operation::Create
    };
    let in_place = moved(before.as_ref(), R::listing(conn, id)?.as_ref(), scores);
    ctx.log_write(
        conn,
        R::KIND,
        &id.to_string(),
        operation,
        reason,
        &touched,
        in_place.as_deref(),
    )?;
    Ok((reload(conn, id)?, previous.is_none()))
}

/// [`listing::in_place`] of a write from `before` to `after`, scored by `scores`.
fn moved(
    before: Option<&Listing>,
    after: Option<&Listing>,
    scores: Option<ArticleScores>,
) -> Option<Vec<String>> {
    listing::in_place(before, after, |words| {
        let text = &after?.text;
        scores?.of(text, words).ok()
    })
}

/// `PATCH`: merges an RFC 7396 patch into the resource as read, then replaces it.
pub fn patch<R: Editable>(
    conn: &Connection,
    id: &R::Id,
    patch: Value,
    precondition: Option<Precondition<R>>,
    ctx: &Ctx,
) -> EditResult<R> {
    let previous = R::load(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    check(precondition, Some(&previous))?;
    let mut document = serde_json::to_value(&previous).map_err(|source| StorageError::Json {
        what: R::KIND.to_string(),
        source,
    })?;
    merge_patch(&mut document, patch);
    let new = R::parse(document, ctx.now)?;
    if R::given_id(&new).is_some_and(|given| given != id) {
        return Err(EditError::Invalid(vec![FieldError::new(
            "id",
            "cannot be changed",
        )]));
    }
    let touched = touches::of(conn, R::KIND, &id.to_string())?;
    let before = R::listing(conn, id)?;
    let scores = ctx.scores(conn, before.as_ref());
    let reason = R::save(conn, id, &new, Some(&previous), ctx)?;
    let in_place = moved(before.as_ref(), R::listing(conn, id)?.as_ref(), scores);
    ctx.log_write(
        conn,
        R::KIND,
        &id.to_string(),
        Operation::Update,
        reason,
        &touched,
        in_place.as_deref(),
    )?;
    reload(conn, id)
}

/// `DELETE`: removes the resource `id` unless something still points at it.
pub fn delete<R: Editable>(
    conn: &Connection,
    id: &R::Id,
    precondition: Option<Precondition<R>>,
    ctx: &Ctx,
) -> EditResult<()> {
    let previous = R::load(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    check(precondition, Some(&previous))?;
    let touched = touches::of(conn, R::KIND, &id.to_string())?;
    R::remove(conn, id, ctx)?;
    ctx.log(
        conn,
        R::KIND,
        &id.to_string(),
        Operation::Delete,
        Reason::Deleted,
        &touched,
    )
}

fn not_found<R: Editable>(id: &R::Id) -> EditError {
    EditError::NotFound(format!("There is no {} with the id `{id}`.", R::KIND))
}

fn article_for(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// One reference a resource makes: the field that makes it, the table it points
/// into, and the id.
pub(crate) struct Ref<'a> {
    pub field: String,
    pub table: &'static str,
    pub id: &'a str,
}

/// Fails with every reference that points at nothing.
pub(crate) fn check_refs(conn: &Connection, refs: &[Ref<'_>]) -> EditResult<()> {
    let mut errors = Vec::new();
    for r in refs {
        if !super::row_exists(conn, r.table, r.id)? {
            let kind = r.table.trim_end_matches('s');
            errors.push(FieldError::new(
                r.field.clone(),
                format!("there is no {kind} with the id `{}`", r.id),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(EditError::Invalid(errors))
    }
}

/// Fails with a 409 naming each dependent that `queries` find (pairs of a label,
/// `quotes`, and a query yielding the ids of what points at `id`), and each row of
/// another resource of [`resources!`](crate::domain::kind::resources) that `queries`
/// do not name but whose foreign key points at `id`, so a new resource that refers
/// to this one is named here without a query of its own.
pub(crate) fn check_dependents(
    conn: &Connection,
    kind: ResourceKind,
    id: &str,
    queries: &[(&str, &str)],
) -> EditResult<()> {
    let mut found = Vec::new();
    for (label, sql) in queries {
        let ids: Vec<String> = conn
            .prepare_cached(sql)?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !ids.is_empty() {
            found.push(format!("{label} {}", ids.join(", ")));
        }
    }
    let target = kind.collection();
    for table in COLLECTIONS {
        if *table == target || queries.iter().any(|(label, _)| label == table) {
            continue;
        }
        let columns: Vec<String> = conn
            .prepare_cached(
                "SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE \"table\" = ?2 ORDER BY 1",
            )?
            .query_map([table, &target], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for column in columns {
            let ids: Vec<String> = conn
                .prepare(&format!(
                    "SELECT id FROM \"{table}\" WHERE \"{column}\" = ?1 ORDER BY id"
                ))?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !ids.is_empty() {
                found.push(format!("{table} {}", ids.join(", ")));
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(EditError::Conflict(format!(
            "The {kind} `{id}` is still referred to by {}; change or delete those first.",
            found.join("; ")
        )))
    }
}
