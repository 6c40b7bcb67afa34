//! `include=`: the related resources of a page or a resource, side-loaded once each
//! with one query per type.

use crate::storage::by_id;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{
    Article, ArticleId, Event, EventId, Participant, ParticipantId, Quote, QuoteId, Topic, TopicId,
};
use crate::http::surrogate::{Keyed, Keys};
use crate::storage;
use crate::storage::articles::Visibility;

/// Related resources, grouped by type.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Included {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<Article>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Participant>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
}

impl Included {
    /// The surrogate keys of everything side-loaded.
    pub fn add_keys(&self, keys: &mut Keys) {
        for a in &self.articles {
            a.add_keys(keys);
        }
        for q in &self.quotes {
            q.add_keys(keys);
        }
        for p in &self.participants {
            p.add_keys(keys);
        }
        for e in &self.events {
            e.add_keys(keys);
        }
        for t in &self.topics {
            t.add_keys(keys);
        }
    }
}

/// The ids of the related resources to side-load.
#[derive(Debug, Default)]
pub struct Wanted {
    pub articles: BTreeSet<ArticleId>,
    pub quotes: BTreeSet<QuoteId>,
    pub participants: BTreeSet<ParticipantId>,
    pub events: BTreeSet<EventId>,
    pub topics: BTreeSet<TopicId>,
}

impl Wanted {
    /// Loads every wanted resource with one query per type.
    fn load(self, conn: &Connection, visibility: Visibility) -> storage::Result<Included> {
        fn ids<T>(set: BTreeSet<T>) -> Vec<T> {
            set.into_iter().collect()
        }
        Ok(Included {
            articles: by_id::find_many::<Article>(conn, &ids(self.articles), visibility)?,
            quotes: by_id::find_many::<Quote>(conn, &ids(self.quotes), visibility)?,
            participants: by_id::get_many::<Participant>(conn, &ids(self.participants))?,
            events: by_id::get_many::<Event>(conn, &ids(self.events))?,
            topics: by_id::get_many::<Topic>(conn, &ids(self.topics))?,
        })
    }
}

/// A resource whose relations can be side-loaded with `include=`.
pub trait Includable {
    /// The relation names this resource accepts in `include`.
    type Relation: Copy + PartialEq + Send + 'static;
    const RELATIONS: &'static [(&'static str, Self::Relation)];
    /// Adds the ids that `relation` points to from this item.
    fn want(&self, relation: Self::Relation, wanted: &mut Wanted);
    /// When this item last changed, for `Last-Modified`.
    fn updated_at(&self) -> DateTime<Utc>;
}

/// Side-loads `relations` of `items`, or nothing when none were asked for; the
/// articles and quotes among them as far as `visibility` allows.
pub fn include<T: Includable>(
    conn: &Connection,
    items: &[T],
    relations: &[T::Relation],
    visibility: Visibility,
) -> storage::Result<Option<Included>> {
    if relations.is_empty() {
        return Ok(None);
    }
    let mut wanted = Wanted::default();
    for item in items {
        for relation in relations {
            item.want(*relation, &mut wanted);
        }
    }
    wanted.load(conn, visibility).map(Some)
}

/// The relation of a resource that points to nothing to side-load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoRelation {}

/// Implements [`Includable`] for resources that have nothing to side-load.
macro_rules! nothing_to_include {
    ($($resource:ty),*) => {$(
        impl $crate::api::include::Includable for $resource {
            type Relation = $crate::api::include::NoRelation;
            const RELATIONS: &'static [(&'static str, $crate::api::include::NoRelation)] = &[];

            fn want(&self, relation: $crate::api::include::NoRelation, _: &mut $crate::api::include::Wanted) {
                match relation {}
            }

            fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.updated_at
            }
        }
    )*};
}

pub(crate) use nothing_to_include;

nothing_to_include!(crate::domain::SearchHit);
