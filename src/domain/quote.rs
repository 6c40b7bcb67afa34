use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ArticleId, EventId, Links, ParticipantId, QuoteId, TopicId};

/// A verbatim statement, attributed to its speaker, the article that reports it and
/// the event where it was said.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quote {
    pub id: QuoteId,
    /// The words as spoken, verbatim; the quotation marks and the reporting clause are not part of it.
    #[schema(example = "This is a wonderful gift to the Belarusian people")]
    pub text: String,
    /// Who said it.
    pub speaker: ParticipantId,
    /// The article that reports it.
    pub article: ArticleId,
    /// The event where it was said.
    pub event: Option<EventId>,
    /// The topic or section it belongs to.
    pub topic: Option<TopicId>,
    /// The day it was said.
    pub said_on: NaiveDate,
    /// Index (from 0) of the block of the article's `body` that carries the quote, when the body does.
    #[schema(example = 3)]
    pub position: Option<u32>,
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}

/// A quote as fixtures and editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewQuote {
    pub id: QuoteId,
    pub text: String,
    pub speaker: ParticipantId,
    pub article: ArticleId,
    pub event: Option<EventId>,
    pub topic: Option<TopicId>,
    pub said_on: NaiveDate,
}
