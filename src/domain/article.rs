use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ArticleId, EventId, Links, ParticipantId, QuoteId, TopicId};

/// Who wrote the headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeadlineOrigin {
    /// The headline is the source's own.
    Source,
    /// The source has none: newsdesk's editors wrote it.
    Editorial,
}

/// The place and day an article was filed from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dateline {
    /// Absent when the source gives only a date.
    #[schema(example = "Astana")]
    pub place: Option<String>,
    pub date: NaiveDate,
}

/// Where the article comes from. A `null` name means the source is unknown: the
/// original names none, and newsdesk does not guess.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceAttribution {
    pub name: Option<String>,
    pub url: Option<String>,
    /// What the original page says about its source.
    pub note: Option<String>,
}

/// One block of an article's body, in reading order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// A section heading, linked to the topic it introduces.
    Heading {
        text: String,
        topic: Option<TopicId>,
    },
    /// A paragraph of text.
    Paragraph { text: String },
    /// A paragraph that carries a verbatim quote: `text` is the paragraph as published,
    /// `quote_id` the quote resource that holds the statement alone.
    Quote { quote_id: QuoteId, text: String },
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Self::Heading { text, .. } | Self::Paragraph { text } | Self::Quote { text, .. } => {
                text
            }
        }
    }
}

/// A news article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Article {
    pub id: ArticleId,
    #[schema(example = "Aleksandr Lukashenko meeting with China President Xi Jinping in Astana")]
    pub headline: String,
    pub headline_origin: HeadlineOrigin,
    pub dateline: Dateline,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub summary: String,
    /// BCP 47 language tag.
    #[schema(example = "en")]
    pub language: String,
    pub source: SourceAttribution,
    pub topics: Vec<TopicId>,
    pub events: Vec<EventId>,
    pub participants: Vec<ParticipantId>,
    /// The quotes this article reports, in body order.
    pub quotes: Vec<QuoteId>,
    pub body: Vec<Block>,
    pub links: Links,
}

/// An article as fixtures and editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewArticle {
    pub id: ArticleId,
    pub headline: String,
    pub headline_origin: HeadlineOrigin,
    pub dateline: Dateline,
    pub published_at: DateTime<Utc>,
    pub summary: String,
    pub language: String,
    pub source: SourceAttribution,
    #[serde(default)]
    pub topics: Vec<TopicId>,
    #[serde(default)]
    pub events: Vec<EventId>,
    #[serde(default)]
    pub participants: Vec<ParticipantId>,
    pub body: Vec<Block>,
}
