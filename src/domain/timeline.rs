use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Links, ResourceKind};

/// The kinds of item a timeline merges: the resource kinds that have a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineType {
    Article,
    Quote,
    Event,
}

impl TimelineType {
    pub(crate) const ALL: [Self; 3] = [Self::Article, Self::Quote, Self::Event];

    pub fn kind(self) -> ResourceKind {
        match self {
            Self::Article => ResourceKind::Article,
            Self::Quote => ResourceKind::Quote,
            Self::Event => ResourceKind::Event,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One item of a participant's or an event's timeline: an event it took part in or
/// that is part of it, an article about it, a quote by it or said at it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    #[serde(rename = "type")]
    pub kind: TimelineType,
    #[schema(example = "lukashenko-xi-meeting-2024")]
    pub id: String,
    /// When it happened: an article's `published_at`, the start of the day a quote was
    /// said or an event began (UTC).
    pub at: DateTime<Utc>,
    /// The headline, the words of a quote, the title of an event.
    #[schema(example = "Meeting of Aleksandr Lukashenko and Xi Jinping")]
    pub title: String,
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}
