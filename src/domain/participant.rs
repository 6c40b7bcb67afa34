use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use serde_json::Value;

use super::input::{Fields, Invalid, bounded_text};
use super::Links;

super::ids::slug_id!(
    /// The id of a participant: a person, organization or country.
    ParticipantId,
    "aleksandr-lukashenko"
);

/// What kind of actor a participant is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantKind {
    #[default]
    Person,
    Organization,
    Country,
}

impl ParticipantKind {
    pub(crate) const ALL: [Self; 3] = [Self::Person, Self::Organization, Self::Country];

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

bounded_text!(
    /// A participant's name, alias or title.
    Name, 1..=300, "Aleksandr Lukashenko"
);

/// A participant as editors write it; `updated_at` and `links` may be sent back as
/// read and are ignored.
#[derive(Debug, Clone, ToSchema)]
pub struct NewParticipant {
    /// Optional on create: when absent it is derived from the name.
    pub id: Option<ParticipantId>,
    pub kind: ParticipantKind,
    pub name: Name,
    #[schema(required = false)]
    pub aliases: Vec<Name>,
    pub title: Option<Name>,
    /// Must be an existing participant other than this one, when given.
    pub affiliation: Option<ParticipantId>,
}

impl NewParticipant {
    pub(crate) const SERVER_FIELDS: &[&str] = &["updated_at", "links"];

    /// Parses a participant, reporting every bad field.
    pub(crate) fn from_json(value: Value) -> Result<Self, Invalid> {
        let mut f = Fields::new(value, Self::SERVER_FIELDS)?;
        let participant = Self {
            id: f.optional("id"),
            kind: f.required("kind").unwrap_or_default(),
            name: f.required("name").unwrap_or_default(),
            aliases: f.optional("aliases").unwrap_or_default(),
            title: f.optional("title"),
            affiliation: f.optional("affiliation"),
        };
        if participant.affiliation.is_some() && participant.affiliation == participant.id {
            f.reject(
                "affiliation",
                "a participant cannot be affiliated with itself",
            );
        }
        f.finish()?;
        Ok(participant)
    }
}
