//! `/v1/participants/{id}/timeline` and `/v1/events/{id}/timeline`.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::envelope::Collection;
use super::error::ApiResult;
use super::include::{Includable, Wanted};
use super::params::kinds;
use super::vocabulary::{ListFilters, ListQuery};
use super::{AppState, respond};
use crate::domain::{ArticleId, EventId, ParticipantId, QuoteId, TimelineEntry, TimelineType};
use crate::domain::{Event, Participant};
use crate::storage::timeline::{TimelineFilter, TimelineOf};
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of timelines: the types of item.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineFilters {
    /// Only items of these types: `article`, `quote`, `event` (default: all). Repeat
    /// for several (`type=article&type=quote`); a comma-separated list
    /// (`type=article,quote`) is taken too.
    #[serde(rename = "type", default)]
    #[param(rename = "type", value_type = Vec<TimelineType>, style = Form, explode, example = json!(["article", "quote"]))]
    pub types: Vec<String>,
}

impl ListFilters for TimelineFilters {
    type Item = TimelineEntry;
    const SORT: &'static str = "Order: `date` (oldest first, the default) or `-date`. Items \
        of the same time are ordered by type, then id.";
    const FACET: &'static str =
        "Count the items per value of these fields, comma-separated: `type`.";
    const INCLUDE: &'static str = "Side-load the full resources of the items into \
        `included`, comma-separated: `articles`, `quotes`, `events`.";
}

/// The query of timelines.
pub type TimelineQuery = ListQuery<TimelineFilters>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    Articles,
    Quotes,
    Events,
}

impl Includable for TimelineEntry {
    type Relation = Relation;
    const RELATIONS: &'static [(&'static str, Relation)] = &[
        ("articles", Relation::Articles),
        ("quotes", Relation::Quotes),
        ("events", Relation::Events),
    ];

    fn want(&self, relation: Relation, wanted: &mut Wanted) {
        match (relation, self.kind) {
            (Relation::Articles, TimelineType::Article) => {
                wanted.articles.extend(ArticleId::parse(&self.id).ok());
            }
            (Relation::Quotes, TimelineType::Quote) => {
                wanted.quotes.extend(QuoteId::parse(&self.id).ok());
            }
            (Relation::Events, TimelineType::Event) => {
                wanted.events.extend(EventId::parse(&self.id).ok());
            }
            _ => {}
        }
    }

    fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.updated_at
    }
}

async fn respond_timeline(
    req: &HttpRequest,
    state: &AppState,
    query: TimelineQuery,
    of: TimelineOf,
) -> ApiResult<HttpResponse> {
    let allowed = TimelineType::ALL.map(|t| (t.as_str(), t));
    let filter = TimelineFilter {
        of,
        types: kinds("type", &query.filters.types, &allowed)?,
    };
    respond::page::<TimelineEntry>(req, state, query.list, false, filter).await
}

/// A participant's timeline
///
/// The events the participant took part in, the articles that name it and its quotes,
/// merged in date order (oldest first) and typed (`article`, `quote`, `event`).
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), TimelineQuery),
    responses((status = 200, description = "A page of the timeline.", body = Collection<TimelineEntry>))
)]
#[get("/participants/{id}/timeline")]
pub async fn participant_timeline(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    query: TimelineQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<Participant>(&state, &id).await?;
    respond_timeline(&req, &state, query, TimelineOf::Participant(id)).await
}

/// An event's timeline
///
/// The event's sub-events, the articles about it and the quotes said at it, merged in
/// date order (oldest first) and typed (`article`, `quote`, `event`).
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), TimelineQuery),
    responses((status = 200, description = "A page of the timeline.", body = Collection<TimelineEntry>))
)]
#[get("/events/{id}/timeline")]
pub async fn event_timeline(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: TimelineQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<Event>(&state, &id).await?;
    respond_timeline(&req, &state, query, TimelineOf::Event(id)).await
}
