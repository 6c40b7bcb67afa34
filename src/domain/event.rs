use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{EventId, Links, ParticipantId};

/// What kind of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A meeting of heads of state or government.
    Summit,
    /// A state joining an organization.
    Accession,
    /// A meeting, such as a bilateral one on the sidelines of a summit.
    Meeting,
}

impl EventKind {
    pub const ALL: [Self; 3] = [Self::Summit, Self::Accession, Self::Meeting];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Summit => "summit",
            Self::Accession => "accession",
            Self::Meeting => "meeting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The part a participant plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventRole {
    Host,
    Chair,
    Organizer,
    Member,
    NewMember,
    Delegate,
    Guest,
    Participant,
}

impl EventRole {
    pub const ALL: [Self; 8] = [
        Self::Host,
        Self::Chair,
        Self::Organizer,
        Self::Member,
        Self::NewMember,
        Self::Delegate,
        Self::Guest,
        Self::Participant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Chair => "chair",
            Self::Organizer => "organizer",
            Self::Member => "member",
            Self::NewMember => "new_member",
            Self::Delegate => "delegate",
            Self::Guest => "guest",
            Self::Participant => "participant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an event took place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The venue, when known.
    #[schema(example = "Palace of Independence")]
    pub name: Option<String>,
    #[schema(example = "Astana")]
    pub city: Option<String>,
    /// The country, as a participant id.
    pub country: Option<ParticipantId>,
}

/// A participant of an event with the role it played; a participant with two roles appears twice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventParticipant {
    pub participant: ParticipantId,
    pub role: EventRole,
}

/// Something that happened: a summit, an accession, a meeting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    #[schema(example = "Shanghai Cooperation Organization summit in Astana")]
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub place: Place,
    /// The event this one is part of, such as the summit a meeting was held on the sidelines of.
    pub parent: Option<EventId>,
    /// Events that are part of this one.
    pub subevents: Vec<EventId>,
    pub participants: Vec<EventParticipant>,
    pub updated_at: DateTime<Utc>,
    pub links: Links,
}

/// An event as fixtures and editors write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub id: EventId,
    pub kind: EventKind,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub place: Place,
    pub parent: Option<EventId>,
    #[serde(default)]
    pub participants: Vec<EventParticipant>,
}
