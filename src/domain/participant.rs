use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Links, ParticipantId};

/// What kind of actor a participant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantKind {
    Person,
    Organization,
    Country,
}

impl ParticipantKind {
    pub const ALL: [Self; 3] = [Self::Person, Self::Organization, Self::Country];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Country => "country",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A person, organization or country that takes part in events, speaks or is named.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participant {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    /// The name as the coverage writes it.
    #[schema(example = "Aleksandr Lukashenko")]
    pub name: String,
    /// Other names and descriptions the coverage uses for the same participant.
    #[schema(example = json!(["Alexander Lukashenko", "Belarusian President"]))]
    pub aliases: Vec<String>,
    /// Title or role, for people.
    #[schema(example = "President of Belarus")]
    pub title: Option<String>,
    /// The organization or country the participant belongs to.
    pub affiliation: Option<ParticipantId>,
    /// When this record last changed.
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}

/// A participant as fixtures and editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub title: Option<String>,
    pub affiliation: Option<ParticipantId>,
}
