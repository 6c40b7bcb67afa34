use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use serde_json::Value;

use super::checked::InRange;
use super::input::{Fields, Invalid, bounded_text};
use super::{ArticleId, EventId, Links, ParticipantId, TopicId};

super::ids::slug_id!(
    /// The id of a quote.
    QuoteId,
    "lukashenko-wonderful-gift"
);

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

bounded_text!(
    /// The words of a quote.
    QuoteText, 1..=5_000, "This is a wonderful gift to the Belarusian people"
);

/// A quote as editors write it. `position` is computed from the article's body;
/// `updated_at` and `links` may be sent back as read and are ignored.
#[derive(Debug, Clone, ToSchema)]
pub struct NewQuote {
    /// Optional on create: when absent it is derived from the speaker and the text.
    pub id: Option<QuoteId>,
    pub text: QuoteText,
    /// Must be an existing participant.
    pub speaker: ParticipantId,
    /// Must be an existing article.
    pub article: ArticleId,
    /// Must be an existing event, when given.
    pub event: Option<EventId>,
    /// Must be an existing topic, when given.
    pub topic: Option<TopicId>,
    /// In the years 1 to 9999.
    pub said_on: NaiveDate,
}

impl NewQuote {
    pub(crate) const SERVER_FIELDS: &[&str] = &["position", "updated_at", "links"];

    /// Parses a quote, reporting every bad field.
    pub(crate) fn from_json(value: Value) -> Result<Self, Invalid> {
        let mut f = Fields::new(value, Self::SERVER_FIELDS)?;
        let id = f.optional("id");
        let text = f.required("text");
        let speaker = f.required("speaker");
        let article = f.required("article");
        let event = f.optional("event");
        let topic = f.optional("topic");
        let said_on = f.required::<InRange<NaiveDate>>("said_on").map(|d| d.0);
        f.finish()?;
        let (Some(text), Some(speaker), Some(article), Some(said_on)) =
            (text, speaker, article, said_on)
        else {
            unreachable!("`finish` fails when a required field is missing");
        };
        Ok(Self {
            id,
            text,
            speaker,
            article,
            event,
            topic,
            said_on,
        })
    }

    /// The id to use when none is given: the speaker's id and the first words.
    pub(crate) fn derived_id(&self) -> String {
        format!("{} {}", self.speaker, self.text.as_str())
    }
}
