//! Who may see what: the one rule every surface applies.
//!
//! An article is public when it is published and its time has come; a quote is
//! public when its article is; participants, events and topics are always public.
//! Editors see everything. Lists, single reads, relations, search, facets, counts,
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
            $a,
            ".status = 'published' AND ",
            $a,
            ".published_at <= unixepoch())"
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

pub(crate) use {public_article, public_quote};

/// The condition on `a` (an `articles` row) that makes an article public.
pub const PUBLIC_ARTICLE: &str = public_article!("a");

/// The SQL condition on `a` (an `articles` row) that `visibility` allows.
pub fn visible(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => PUBLIC_ARTICLE,
        Visibility::Everything => "1",
    }
}

/// The SQL condition on `q` (a `quotes` row) that `visibility` allows: its
/// article's visibility.
pub fn visible_quote(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => public_quote!("q"),
        Visibility::Everything => "1",
    }
}

/// Whether the resource `kind`/`id` is public now (false when it does not exist).
pub fn is_public(conn: &Connection, kind: ResourceKind, id: &str) -> Result<bool> {
    let sql = match kind {
        ResourceKind::Article => {
            format!("SELECT 1 FROM articles a WHERE a.id = ?1 AND {PUBLIC_ARTICLE}")
        }
        ResourceKind::Quote => concat!(
            "SELECT 1 FROM quotes q WHERE q.id = ?1 AND ",
            public_quote!("q")
        )
        .to_owned(),
        ResourceKind::Participant => "SELECT 1 FROM participants WHERE id = ?1".to_owned(),
        ResourceKind::Event => "SELECT 1 FROM events WHERE id = ?1".to_owned(),
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}
