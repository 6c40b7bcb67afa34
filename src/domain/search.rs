use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Links, ResourceKind};

/// One resource that matches a search, with the passage that matches.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: ResourceKind,
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
