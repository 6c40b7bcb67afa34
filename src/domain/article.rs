use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use serde_json::Value;

use super::checked::InRange;
use super::input::{Fields, Invalid, bounded_text};
use super::{EventId, Links, ParticipantId, QuoteId, Rights, TopicId};

super::ids::slug_id!(
    /// The id of an article.
    ArticleId,
    "lukashenko-at-sco-summit-astana"
);

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
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dateline {
    /// Absent when the source gives only a date.
    #[schema(example = "Astana")]
    pub place: Option<String>,
    /// In the years 1 to 9999.
    #[serde(deserialize_with = "super::checked::in_range")]
    pub date: NaiveDate,
}

/// Where the article comes from. A `null` name means the source is unknown: the
/// original names none, and newsdesk does not guess.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceAttribution {
    pub name: Option<String>,
    /// An absolute `http` or `https` URL.
    #[serde(default, deserialize_with = "super::checked::web_url")]
    #[schema(example = "https://president.gov.by/en/events")]
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
        text: BlockText,
        topic: Option<TopicId>,
    },
    /// A paragraph of text.
    Paragraph { text: BlockText },
    /// A paragraph that carries a verbatim quote: `text` is the paragraph as published,
    /// `quote_id` the quote resource that holds the statement alone. The quote must
    /// belong to this article, so an article gets its quote blocks after its quotes exist.
    Quote { quote_id: QuoteId, text: BlockText },
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Self::Heading { text, .. } | Self::Paragraph { text } | Self::Quote { text, .. } => {
                text.as_str()
            }
        }
    }
}

bounded_text!(
    /// The text of a body block.
    BlockText, 1..=20_000, "This is a wonderful gift to the Belarusian people."
);
bounded_text!(
    /// An article's headline.
    Headline, 1..=300, "Aleksandr Lukashenko meeting with China President Xi Jinping in Astana"
);
bounded_text!(
    /// An article's summary, possibly empty.
    Summary, 0..=2_000, "Belarus became a full member of the SCO at the Astana summit."
);
bounded_text!(
    /// A public note that explains a correction.
    CorrectionNote, 1..=2_000, "An earlier version misdated the summit."
);

/// Where an article stands in its life. Only published articles whose time has come
/// are visible without an editor key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    /// Work in progress, seen by editors only.
    Draft,
    /// Public from `published_at` on.
    #[default]
    Published,
    /// Published with a `published_at` still in the future: public once it passes.
    Scheduled,
    /// Taken down after publication; kept for the record, seen by editors only.
    Withdrawn,
}

impl ArticleStatus {
    pub(crate) const ALL: [Self; 4] = [
        Self::Draft,
        Self::Published,
        Self::Scheduled,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Scheduled => "scheduled",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A public correction, as newsrooms print them under the article.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Correction {
    /// What was corrected.
    #[schema(example = "An earlier version misdated the summit.")]
    pub note: String,
    pub corrected_at: DateTime<Utc>,
    /// The version of the article that carries the correction.
    pub version: u32,
}

/// A news article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Article {
    pub id: ArticleId,
    #[schema(example = "Aleksandr Lukashenko meeting with China President Xi Jinping in Astana")]
    pub headline: String,
    pub headline_origin: HeadlineOrigin,
    pub dateline: Dateline,
    pub status: ArticleStatus,
    /// When the article is or was published; for a draft, when it was last saved until
    /// a publication time is set.
    pub published_at: DateTime<Utc>,
    /// Not to be published before this time. Until it passes, the article and its
    /// quotes are shown only to editors and to partner keys with embargo access,
    /// which must hold them back until then; `null` when there is no embargo.
    #[schema(example = "2024-07-05T12:00:00Z")]
    pub embargoed_until: Option<DateTime<Utc>>,
    /// From this time on the article and its quotes are withdrawn from every
    /// reader but editors, and the change log records a tombstone (`expired`);
    /// `null` when it does not expire.
    #[schema(example = "2025-07-05T00:00:00Z")]
    pub expires_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Increases by one with every change.
    #[schema(example = 1)]
    pub version: u32,
    pub summary: String,
    /// BCP 47 language tag.
    #[schema(example = "en")]
    pub language: String,
    pub source: SourceAttribution,
    /// Copyright and usage terms; members the article leaves unset show the
    /// newsroom's defaults.
    pub rights: Rights,
    pub topics: Vec<TopicId>,
    pub events: Vec<EventId>,
    pub participants: Vec<ParticipantId>,
    /// The quotes this article reports, in body order.
    pub quotes: Vec<QuoteId>,
    pub body: Vec<Block>,
    /// Public corrections, oldest first.
    pub corrections: Vec<Correction>,
    pub links: Links,
}

/// An article as editors write it (`POST`, `PUT`; `PATCH` merges into the current
/// article first). Fields the server manages (`updated_at`, `version`, `quotes`,
/// `corrections`, `links`) may be sent back as read and are ignored.
#[derive(Debug, Clone, ToSchema)]
pub struct NewArticle {
    /// Optional on create: when absent it is derived from the headline.
    pub id: Option<ArticleId>,
    pub headline: Headline,
    /// Defaults to `source`.
    #[schema(required = false)]
    pub headline_origin: HeadlineOrigin,
    pub dateline: Dateline,
    /// Defaults to `published`. `scheduled` needs a future `published_at`.
    #[schema(required = false)]
    pub status: ArticleStatus,
    /// Defaults to the time of the write. Must not be in the future for `published`;
    /// in the years 1 to 9999.
    pub published_at: Option<DateTime<Utc>>,
    /// Hold the article back from the public until this time (an embargo): partner
    /// keys with embargo access receive it from `published_at` on, marked with this
    /// time. In the years 1 to 9999; absent or `null` for none.
    #[schema(required = false, example = "2024-07-05T12:00:00Z")]
    pub embargoed_until: Option<DateTime<Utc>>,
    /// Withdraw the article from every reader but editors at this time. After
    /// `embargoed_until` and `published_at`; absent or `null` for never.
    #[schema(required = false, example = "2025-07-05T00:00:00Z")]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(required = false)]
    pub summary: Summary,
    /// Defaults to `en`.
    #[schema(required = false)]
    pub language: Language,
    /// Defaults to an unknown source.
    #[schema(required = false)]
    pub source: SourceAttribution,
    /// Defaults to none of the article's own: the newsroom's defaults apply.
    #[schema(required = false)]
    pub rights: Rights,
    #[schema(required = false)]
    pub topics: Vec<TopicId>,
    #[schema(required = false)]
    pub events: Vec<EventId>,
    #[schema(required = false)]
    pub participants: Vec<ParticipantId>,
    #[schema(min_items = 1)]
    pub body: Vec<Block>,
    /// A public note explaining what this change corrects; shown under the article.
    pub correction_note: Option<CorrectionNote>,
}

impl NewArticle {
    /// Fields a client may send back as read; the server sets them.
    pub(crate) const SERVER_FIELDS: &[&str] =
        &["updated_at", "version", "quotes", "corrections", "links"];

    /// Parses an article, reporting every bad field. `now` decides what is in the future.
    pub(crate) fn from_json(value: Value, now: DateTime<Utc>) -> Result<Self, Invalid> {
        let mut f = Fields::new(value, Self::SERVER_FIELDS)?;
        let id = f.optional("id");
        let headline = f.required("headline").unwrap_or_default();
        let headline_origin = f
            .optional("headline_origin")
            .unwrap_or(HeadlineOrigin::Source);
        let dateline = f.required("dateline").unwrap_or_default();
        let status = f.optional("status").unwrap_or_default();
        let published_at = f
            .optional::<InRange<DateTime<Utc>>>("published_at")
            .map(|t| t.0);
        let embargoed_until = f
            .optional::<InRange<DateTime<Utc>>>("embargoed_until")
            .map(|t| t.0);
        let expires_at = f
            .optional::<InRange<DateTime<Utc>>>("expires_at")
            .map(|t| t.0);
        let summary = f.optional("summary").unwrap_or_default();
        let language = f.optional("language").unwrap_or_default();
        let source = f.optional("source").unwrap_or_default();
        let rights = f.optional("rights").unwrap_or_default();
        let topics = f.optional("topics").unwrap_or_default();
        let events = f.optional("events").unwrap_or_default();
        let participants = f.optional("participants").unwrap_or_default();
        let body: Vec<Block> = f.required("body").unwrap_or_default();
        let correction_note = f.optional("correction_note");
        let future = published_at.is_some_and(|t| t > now);
        match status {
            ArticleStatus::Published if future => f.reject(
                "published_at",
                "is in the future: use the status `scheduled` to publish later",
            ),
            ArticleStatus::Scheduled if !future => f.reject(
                "published_at",
                "a scheduled article needs a `published_at` in the future",
            ),
            _ => {}
        }
        if let Some(expires) = expires_at {
            if embargoed_until.is_some_and(|e| expires <= e) {
                f.reject("expires_at", "must be after `embargoed_until`");
            } else if published_at.is_some_and(|p| expires <= p) {
                f.reject("expires_at", "must be after `published_at`");
            }
        }
        if body.is_empty() && !f.has_error("body") {
            f.reject("body", "must have at least one block");
        }
        f.finish()?;
        Ok(Self {
            id,
            headline,
            headline_origin,
            dateline,
            status,
            published_at,
            embargoed_until,
            expires_at,
            summary,
            language,
            source,
            rights,
            topics,
            events,
            participants,
            body,
            correction_note,
        })
    }
}

/// A BCP 47 language tag such as `en` or `pt-BR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "en", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
pub struct Language(String);

impl Default for Language {
    fn default() -> Self {
        Self("en".to_owned())
    }
}

impl Language {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let mut parts = s.split('-');
        let primary = parts.next().unwrap_or("");
        let ok = (2..=3).contains(&primary.len())
            && primary.bytes().all(|b| b.is_ascii_alphabetic())
            && parts.all(|p| {
                (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if ok {
            Ok(Self(s))
        } else {
            Err("must be a BCP 47 language tag such as `en` or `pt-BR`")
        }
    }
}

impl From<Language> for String {
    fn from(l: Language) -> String {
        l.0
    }
}
