//! `/v1/events`, and the event lists of articles, participants and events
//! (`/v1/articles/{id}/events`, `/v1/participants/{id}/events`, sub-events).

use crate::representations::{jsonld};
use crate::storage::by_id;
use serde_json::Value;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::include::{Includable, Included, Wanted};
use super::listing::Day;
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::vocabulary::{GetQuery, ListFilters, ListQuery};
use crate::domain::{ArticleId, Event, EventId, EventKind, ParticipantId};
use crate::storage::events::EventFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of event lists. Different filters combine with AND; a filter
/// repeated (`kind=summit&kind=meeting`) matches any of its values.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Only events of this kind.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["meeting"]))]
    pub kind: Vec<EventKind>,
    /// Only events that are part of this event.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["sco-summit-astana-2024"]))]
    pub parent: Vec<EventId>,
    /// Only events this participant took part in.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["xi-jinping"]))]
    pub participant: Vec<ParticipantId>,
    /// Only events that start on or after this day (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-04")]
    pub starts_after: Option<Day>,
    /// Only events that start before this day (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-05")]
    pub starts_before: Option<Day>,
}

impl ListFilters for EventFilters {
    type Item = Event;
    const SORT: &'static str = "Order: `-start_date` (most recent first, the default) or \
        `start_date`. Ties are broken by id.";
    const FACET: &'static str = "Count the selected events per value of these fields, \
        comma-separated: `kind`, `participant`.";
    const INCLUDE: &'static str = "Related resources to side-load into `included`, \
        comma-separated: `participants`, `parent`, `subevents`.";
}

/// The query of event lists.
pub type EventListQuery = ListQuery<EventFilters>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    Participants,
    Parent,
    Subevents,
}

impl Includable for Event {
    type Relation = Relation;
    const RELATIONS: &'static [(&'static str, Relation)] = &[
        ("participants", Relation::Participants),
        ("parent", Relation::Parent),
        ("subevents", Relation::Subevents),
    ];

    fn want(&self, relation: Relation, wanted: &mut Wanted) {
        match relation {
            Relation::Participants => wanted
                .participants
                .extend(self.participants.iter().map(|p| p.participant.clone())),
            Relation::Parent => wanted.events.extend(self.parent.iter().cloned()),
            Relation::Subevents => wanted.events.extend(self.subevents.iter().cloned()),
        }
    }

    fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.updated_at
    }
}

/// Lists events matching `query` within `base` (a relation's constraint).
async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: EventListQuery,
    mut base: EventFilter,
) -> ApiResult<HttpResponse> {
    let ListQuery { list, filters } = query;
    base.kind = filters.kind;
    if base.parent.is_empty() {
        base.parent = filters.parent;
    }
    if base.participant.is_empty() {
        base.participant = filters.participant;
    }
    base.starts_after = filters.starts_after.map(|d| d.0);
    base.starts_before = filters.starts_before.map(|d| d.0);
    respond::page::<Event>(req, state, list, false, base).await
}

/// List events
///
/// Summits, accessions and meetings, most recent first (`start_date` descending, then id).
#[utoipa::path(
    tag = "events",
    params(EventListQuery),
    responses((status = 200, description = "A page of events.", body = Collection<Event>))
)]
#[get("/events")]
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: EventListQuery,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, EventFilter::default()).await
}

/// Get an event
///
/// One event with its place, parent, sub-events and participants with their roles.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), GetQuery<Event>),
    responses((status = 200, description = "The event.", body = Single<Event>))
)]
#[get("/events/{id}")]
pub async fn get_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: GetQuery<Event>,
) -> ApiResult<HttpResponse> {
    respond::one(
        &req,
        &state,
        "event",
        id.into_inner(),
        query,
        by_id::get::<Event>,
    )
    .await
}

/// List an event's sub-events
///
/// The events that are part of this one, such as meetings on the sidelines of a
/// summit; accepts the parameters of the event list.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), EventListQuery),
    responses((status = 200, description = "A page of events.", body = Collection<Event>))
)]
#[get("/events/{id}/events")]
pub async fn list_event_subevents(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: EventListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<Event>(&state, &id).await?;
    let filter = EventFilter {
        parent: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

/// List an article's events
///
/// The events the article covers; accepts the parameters of the event list.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), EventListQuery),
    responses((status = 200, description = "A page of events.", body = Collection<Event>))
)]
#[get("/articles/{id}/events")]
pub async fn list_article_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    query: EventListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_article(&req, &state, &id).await?;
    let filter = crate::storage::events::EventFilter {
        article: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

/// List a participant's events
///
/// The events the participant took part in, in any role; accepts the parameters of
/// the event list.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), EventListQuery),
    responses((status = 200, description = "A page of events.", body = Collection<Event>))
)]
#[get("/participants/{id}/events")]
pub async fn list_participant_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    query: EventListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Participant>(&state, &id).await?;
    let filter = crate::storage::events::EventFilter {
        participant: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

impl Served for Event {
    const ABOUT: &'static str = "Summits, accessions and meetings, with participants and roles.";
    const EXAMPLE_ID: &'static str = "lukashenko-xi-meeting-2024";
    const FORMATS: &'static [Format] = &[Format::Json, Format::JsonLd];
    const JSON_LD_TYPES: &'static str = "`Event`";

    fn represent(&self, _: Format, included: &Included, base: &str) -> Value {
        jsonld::event(self, &negotiate::context(included, base))
    }

    fn routes<R: super::Routes>(cfg: &mut R) {
        cfg.service(list_events)
            .service(get_event)
            .service(list_event_subevents)
            .service(list_article_events)
            .service(list_participant_events);
    }
}
