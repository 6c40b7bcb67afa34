//! The change log: one row per committed write, appended in the write's own
//! transaction, so it can never disagree with the content.

use rusqlite::{Connection, params};

use super::Result;

/// What a write did to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
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
pub enum Reason {
    Created,
    Updated,
    Corrected,
    Published,
    Withdrawn,
    Deleted,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Corrected => "corrected",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
            Self::Deleted => "deleted",
        }
    }
}

/// Appends one change; returns its sequence number.
pub fn append(
    conn: &Connection,
    resource_type: &str,
    resource_id: &str,
    operation: Operation,
    reason: Reason,
    at: i64,
    changed_by: Option<&str>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO changes (resource_type, resource_id, operation, reason, at, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        resource_type,
        resource_id,
        operation.as_str(),
        reason.as_str(),
        at,
        changed_by
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The sequence number of the last change, 0 before any: the content generation.
pub fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| {
            r.get(0)
        })?,
    )
}
