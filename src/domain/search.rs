use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Links;

/// The kinds of resource a search looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HitType {
    Article,
    Quote,
    Participant,
    Event,
}

impl HitType {
    pub const ALL: [Self; 4] = [Self::Article, Self::Quote, Self::Participant, Self::Event];

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

/// One resource that matches a search, with the passage that matches.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: HitType,
    #[schema(example = "lukashenko-at-sco-summit-astana")]
    pub id: String,
    /// The headline, the speaker and words of a quote, the name or the title.
    #[schema(example = "Aleksandr Lukashenko at the SCO summit in Astana")]
    pub title: String,
    /// The best matching passage, HTML-escaped, with the matches in `<mark>…</mark>`.
    #[schema(
        example = "Speaking about <mark>food</mark> <mark>security</mark>, Aleksandr Lukashenko noted…"
    )]
    pub snippet: String,
    /// How well it matches (bm25); higher is better. Comparable within one search only.
    #[schema(example = 4.2)]
    pub score: f64,
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}
