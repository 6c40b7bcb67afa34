use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use serde_json::Value;

use super::checked::InRange;
use super::input::{Fields, Invalid, bounded_text};
use super::{Links, ParticipantId};

super::ids::slug_id!(
    /// The id of an event.
    EventId,
    "sco-summit-astana-2024"
);

/// What kind of event it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A meeting of heads of state or government.
    Summit,
    #[default]
    /// A state joining an organization.
    Accession,
    /// A meeting, such as a bilateral one on the sidelines of a summit.
    Meeting,
}

impl EventKind {
    pub(crate) const ALL: [Self; 3] = [Self::Summit, Self::Accession, Self::Meeting];

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
    pub(crate) const ALL: [Self; 8] = [
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
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
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

bounded_text!(
    /// An event's title.
    EventTitle, 1..=300, "Shanghai Cooperation Organization summit in Astana"
);

/// An event as editors write it; `subevents`, `updated_at` and `links` may be sent
/// back as read and are ignored.
#[derive(Debug, Clone, ToSchema)]
pub struct NewEvent {
    /// Optional on create: when absent it is derived from the title.
    pub id: Option<EventId>,
    pub kind: EventKind,
    pub title: EventTitle,
    /// In the years 1 to 9999.
    pub start_date: NaiveDate,
    /// Defaults to `start_date`; not before it.
    pub end_date: Option<NaiveDate>,
    /// Defaults to an unknown place.
    #[schema(required = false)]
    pub place: Place,
    /// Must be an existing event, and not this one or one of its sub-events.
    pub parent: Option<EventId>,
    /// Each participant must exist.
    #[schema(required = false)]
    pub participants: Vec<EventParticipant>,
}

impl NewEvent {
    pub(crate) const SERVER_FIELDS: &[&str] = &["subevents", "updated_at", "links"];

    /// Parses an event, reporting every bad field.
    pub(crate) fn from_json(value: Value) -> Result<Self, Invalid> {
        let mut f = Fields::new(value, Self::SERVER_FIELDS)?;
        let event = Self {
            id: f.optional("id"),
            kind: f.required("kind").unwrap_or_default(),
            title: f.required("title").unwrap_or_default(),
            start_date: f
                .required::<InRange<NaiveDate>>("start_date")
                .map_or_else(NaiveDate::default, |d| d.0),
            end_date: f.optional::<InRange<NaiveDate>>("end_date").map(|d| d.0),
            place: f.optional("place").unwrap_or_default(),
            parent: f.optional("parent"),
            participants: f.optional("participants").unwrap_or_default(),
        };
        if event.end_date.is_some_and(|end| end < event.start_date) {
            f.reject("end_date", "must not be before `start_date`");
        }
        if event.parent.is_some() && event.parent == event.id {
            f.reject("parent", "an event cannot be its own parent");
        }
        f.finish()?;
        Ok(event)
    }

    pub fn end_date(&self) -> NaiveDate {
        self.end_date.unwrap_or(self.start_date)
    }
}
