use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Links;

super::ids::slug_id!(
    /// The id of a topic.
    TopicId,
    "food-security"
);

/// A subject that articles and quotes are filed under, such as a section of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topic {
    pub id: TopicId,
    /// Display name.
    #[schema(example = "Food security")]
    pub name: String,
    /// What the topic covers.
    pub description: Option<String>,
    /// The IPTC Media Topics this topic is filed under, for partners that file news
    /// by the standard vocabulary; empty when none is mapped.
    pub media_topics: Vec<MediaTopic>,
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}

/// A topic as fixtures and editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    pub id: TopicId,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub media_topics: Vec<MediaTopic>,
}

/// A concept of IPTC's Media Topic vocabulary
/// (<https://www.iptc.org/std/NewsCodes/treeview/mediatopic/mediatopic-en-GB.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaTopic {
    /// The concept's URI: `http://cv.iptc.org/newscodes/mediatopic/` and its
    /// eight-digit code.
    #[serde(deserialize_with = "media_topic_uri")]
    #[schema(
        example = "http://cv.iptc.org/newscodes/mediatopic/20000638",
        pattern = "^http://cv\\.iptc\\.org/newscodes/mediatopic/[0-9]{8}$"
    )]
    pub uri: String,
    /// IPTC's English (en-GB) name of the concept.
    #[schema(example = "international relations")]
    pub name: String,
}

/// The prefix of every Media Topic URI.
pub const MEDIA_TOPIC_PREFIX: &str = "http://cv.iptc.org/newscodes/mediatopic/";

fn media_topic_uri<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let uri = String::deserialize(d)?;
    let code = uri.strip_prefix(MEDIA_TOPIC_PREFIX).unwrap_or("");
    if code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(uri)
    } else {
        Err(serde::de::Error::custom(
            "must be an IPTC Media Topic URI: http://cv.iptc.org/newscodes/mediatopic/ and eight digits",
        ))
    }
}
