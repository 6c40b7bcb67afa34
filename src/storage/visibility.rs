//! Who may see what: the one rule every surface applies.
//!
//! An article is public when it is published, its time has come, its embargo (if
//! any) has lifted and it has not expired; a quote is public when its article is;
//! participants, events and topics are always public. Partner keys with embargo
//! access see embargoed articles early (but nothing expired); editors see everything. Lists, single reads, relations, search, facets, counts,
//! timelines, feeds, includes and the change log all build on these conditions, so
//! a draft cannot leak through one surface that forgot it.

use crate::domain::ResourceKind;
use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// Which articles (and so quotes) a reader may see.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Published and due: what anonymous clients and partners see.
    #[default]
    Public,
    /// Public, and embargoed before the embargo lifts: what partner keys with
    /// embargo access see.
    Early,
    /// Every status: what editors see.
    Everything,
}

/// The rule, as SQL: the condition on the `articles` row aliased `$a` that makes an
/// article public. A macro so that constant queries (search, timelines) can splice
/// it in with `concat!`.
macro_rules! public_article {
    ($a:literal) => {
        concat!(
            "(",
            $crate::storage::visibility::early_article!($a),
            " AND (",
            $a,
            ".embargoed_until IS NULL OR ",
            $a,
            ".embargoed_until <= unixepoch()))"
        )
    };
}

/// What partners with embargo access see of `$a`: published, due and not expired,
/// whatever its embargo. The public rule is this one plus the embargo.
macro_rules! early_article {
    ($a:literal) => {
        concat!(
            "(",
            $a,
            ".status = 'published' AND ",
            $a,
            ".published_at <= unixepoch() AND (",
            $a,
            ".expires_at IS NULL OR ",
            $a,
            ".expires_at > unixepoch()))"
        )
    };
}

/// The condition on the `quotes` row aliased `$q` that makes a quote public: its
/// article is.
macro_rules! public_quote {
    ($q:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM articles qa WHERE qa.id = ",
            $q,
            ".article AND ",
            $crate::storage::visibility::public_article!("qa"),
            ")"
        )
    };
}

/// The condition on `$q` that lets partners with embargo access see a quote.
macro_rules! early_quote {
    ($q:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM articles qa WHERE qa.id = ",
            $q,
            ".article AND ",
            $crate::storage::visibility::early_article!("qa"),
            ")"
        )
    };
}

pub(crate) use {early_article, public_article, public_quote};

/// The condition on `a` (an `articles` row) that makes an article public.
pub(crate) const PUBLIC_ARTICLE: &str = public_article!("a");

/// The SQL condition on `a` (an `articles` row) that `visibility` allows.
pub fn visible(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => PUBLIC_ARTICLE,
        Visibility::Early => early_article!("a"),
        Visibility::Everything => "1",
    }
}

/// The SQL condition on `q` (a `quotes` row) that `visibility` allows: its
/// article's visibility.
pub(crate) fn visible_quote(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => public_quote!("q"),
        Visibility::Early => early_quote!("q"),
        Visibility::Everything => "1",
    }
}

/// Whether the resource `kind`/`id` is public now (false when it does not exist).
pub(crate) fn is_public(conn: &Connection, kind: ResourceKind, id: &str) -> Result<bool> {
    is_visible(conn, kind, id, Visibility::Public)
}

/// Whether partners with embargo access see the resource `kind`/`id` now.
pub(crate) fn is_early(conn: &Connection, kind: ResourceKind, id: &str) -> Result<bool> {
    is_visible(conn, kind, id, Visibility::Early)
}

/// Whether `visibility` sees the resource `kind`/`id` now (false when it does not
/// exist).
pub(crate) fn is_visible(
    conn: &Connection,
    kind: ResourceKind,
    id: &str,
    visibility: Visibility,
) -> Result<bool> {
    let sql = match kind {
        ResourceKind::Article => format!(
            "SELECT 1 FROM articles a WHERE a.id = ?1 AND {}",
            visible(visibility)
        ),
        ResourceKind::Quote => format!(
            "SELECT 1 FROM quotes q WHERE q.id = ?1 AND {}",
            visible_quote(visibility)
        ),
        ResourceKind::Participant => "SELECT 1 FROM participants WHERE id = ?1".to_owned(),
        ResourceKind::Event => "SELECT 1 FROM events WHERE id = ?1".to_owned(),
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}
