//! The kinds of resource that are written, logged, searched and delivered: one list,
//! which the change log, search hits, timelines, webhook subscriptions, the write
//! path (`Editable::KIND`) and the OpenAPI enums all use.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A kind of resource: `article`, `quote`, `participant` or `event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Article,
    Quote,
    Participant,
    Event,
}

impl ResourceKind {
    pub(crate) const ALL: [Self; 4] = [Self::Article, Self::Quote, Self::Participant, Self::Event];

    /// The name in URLs' query strings, the change log and JSON (`article`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Quote => "quote",
            Self::Participant => "participant",
            Self::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The collection the resource lives in, as in `/v1/{collection}/{id}`.
    pub fn collection(self) -> &'static str {
        match self {
            Self::Article => "articles",
            Self::Quote => "quotes",
            Self::Participant => "participants",
            Self::Event => "events",
        }
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl rusqlite::ToSql for ResourceKind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for ResourceKind {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        Self::parse(s).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown resource kind `{s}`").into())
        })
    }
}
