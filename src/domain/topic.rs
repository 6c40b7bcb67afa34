use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Links, TopicId};

/// A subject that articles and quotes are filed under, such as a section of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topic {
    pub id: TopicId,
    /// Display name.
    #[schema(example = "Food security")]
    pub name: String,
    /// What the topic covers.
    pub description: Option<String>,
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
}
