//! The kinds of resource: [`resources!`], the one list of every resource the API
//! serves, which each layer expands into its modules and registrations; and
//! [`ResourceKind`], those of them that are written, logged, searched and delivered,
//! which the change log, search hits, timelines, webhook subscriptions, the write path
//! (`Editable::KIND`) and the OpenAPI enums all use.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every resource the API serves at `/v1/{collection}` and `/v1/{collection}/{id}`,
/// listed once: `name collection Type Id;`, where `domain/{name}.rs` holds the type
/// and its id, and `storage/{collection}.rs` and `api/{collection}.rs` its storage
/// and its handlers. Each layer hands this list a macro of its own (`$then`) that
/// declares those modules and registers what the layer needs of each resource, so a
/// new resource is one line here. The order is the order of the API's sections.
macro_rules! resources {
    ($then:ident) => {
        $then! {
            article articles Article ArticleId;
            quote quotes Quote QuoteId;
            participant participants Participant ParticipantId;
            event events Event EventId;
            topic topics Topic TopicId;
        }
    };
}
pub(crate) use resources;

/// A resource the API serves: what every layer knows it by. Implemented for each
/// resource of [`resources!`] by `domain/mod.rs`.
pub trait Named {
    type Id: std::fmt::Display + Clone + Send + 'static;
    /// The name in surrogate keys, problems and the change log (`article`).
    const NAME: &'static str;
    /// The collection, as in `/v1/{collection}/{id}`, and the table of its rows.
    const COLLECTION: &'static str;
    fn id(&self) -> &Self::Id;
}

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

/// The collection of each resource of [`resources!`], in its order.
macro_rules! collections {
    ($($name:ident $collection:ident $type:ident $id:ident;)*) => {
        &[$(stringify!($collection)),*]
    };
}

/// The collections of the resources the API serves, in the order of [`resources!`].
pub const COLLECTIONS: &[&str] = resources!(collections);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_kind_is_a_served_resource() {
        for kind in ResourceKind::ALL {
            assert!(COLLECTIONS.contains(&kind.collection()), "{kind}");
            assert_eq!(kind.collection(), format!("{}s", kind.as_str()));
        }
    }
}
