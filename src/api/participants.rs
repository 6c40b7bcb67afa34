//! `/v1/participants`, and the participant lists of articles and events
//! (`/v1/articles/{id}/participants`, `/v1/events/{id}/participants`).

use crate::representations::{jsonld};
use crate::storage::by_id;
use serde_json::Value;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::include::{Includable, Included, Wanted};
use super::listing::SearchText;
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::vocabulary::{GetQuery, ListFilters, ListQuery};
use crate::domain::{ArticleId, EventId, Participant, ParticipantId, ParticipantKind};
use crate::storage::participants::ParticipantFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of participant lists. Different filters combine with AND; a filter
/// repeated (`kind=person&kind=country`) matches any of its values.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ParticipantFilters {
    /// Only participants of this kind.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["person"]))]
    pub kind: Vec<ParticipantKind>,
    /// Full-text search in the name, aliases and title: words (all must match),
    /// `"a phrase"`, `prefix*` (at least two characters before the `*`), `a OR b`.
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "lukash*")]
    pub q: Option<SearchText>,
}

impl ListFilters for ParticipantFilters {
    type Item = Participant;
    const SORT: &'static str = "Order: `name` (alphabetical, the default without `q`), \
        `-name`, or `relevance` (best match first; only with `q`, and its default). Ties \
        are broken by id.";
    const FACET: &'static str = "Count the selected participants per value of these \
        fields, comma-separated: `kind`.";
    const INCLUDE: &'static str = "Related resources to side-load into `included`, \
        comma-separated: `affiliation`.";

    fn searching(&self) -> bool {
        self.q.is_some()
    }
}

/// The query of participant lists.
pub type ParticipantListQuery = ListQuery<ParticipantFilters>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    Affiliation,
}

impl Includable for Participant {
    type Relation = Relation;
    const RELATIONS: &'static [(&'static str, Relation)] =
        &[("affiliation", Relation::Affiliation)];

    fn want(&self, relation: Relation, wanted: &mut Wanted) {
        match relation {
            Relation::Affiliation => wanted.participants.extend(self.affiliation.iter().cloned()),
        }
    }

    fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.updated_at
    }
}

/// Lists participants matching `query` within `base` (a relation's constraint).
async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: ParticipantListQuery,
    mut base: ParticipantFilter,
) -> ApiResult<HttpResponse> {
    let ListQuery { list, filters } = query;
    let searching = filters.searching();
    base.kind = filters.kind;
    base.q = filters.q.map(|q| q.0);
    respond::page::<Participant>(req, state, list, searching, base).await
}

/// List participants
///
/// People, organizations and countries, alphabetically by name (then id).
#[utoipa::path(
    tag = "participants",
    params(ParticipantListQuery),
    responses((status = 200, description = "A page of participants.", body = Collection<Participant>))
)]
#[get("/participants")]
pub async fn list_participants(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ParticipantListQuery,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, ParticipantFilter::default()).await
}

/// Get a participant
///
/// One person, organization or country; `include=affiliation` side-loads the
/// organization or country it belongs to.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), GetQuery<Participant>),
    responses((status = 200, description = "The participant.", body = Single<Participant>))
)]
#[get("/participants/{id}")]
pub async fn get_participant(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    query: GetQuery<Participant>,
) -> ApiResult<HttpResponse> {
    respond::one(
        &req,
        &state,
        "participant",
        id.into_inner(),
        query,
        by_id::get::<Participant>,
    )
    .await
}

/// List an article's participants
///
/// The people, organizations and countries the article names; accepts the parameters
/// of the participant list.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), ParticipantListQuery),
    responses((status = 200, description = "A page of participants.", body = Collection<Participant>))
)]
#[get("/articles/{id}/participants")]
pub async fn list_article_participants(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    query: ParticipantListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_article(&req, &state, &id).await?;
    let filter = crate::storage::participants::ParticipantFilter {
        article: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

/// List an event's participants
///
/// Who took part in the event (their roles are on the event itself); accepts the
/// parameters of the participant list.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), ParticipantListQuery),
    responses((status = 200, description = "A page of participants.", body = Collection<Participant>))
)]
#[get("/events/{id}/participants")]
pub async fn list_event_participants(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: ParticipantListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Event>(&state, &id).await?;
    let filter = crate::storage::participants::ParticipantFilter {
        event: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

impl Served for Participant {
    const ABOUT: &'static str = "People, organizations and countries.";
    const EXAMPLE_ID: &'static str = "xi-jinping";
    const FORMATS: &'static [Format] = &[Format::Json, Format::JsonLd];
    const JSON_LD_TYPES: &'static str = "`Person`, `Organization` or `Country`";

    fn represent(&self, _: Format, included: &Included, base: &str) -> Value {
        jsonld::participant(self, &negotiate::context(included, base))
    }

    fn routes<R: super::Routes>(cfg: &mut R) {
        cfg.service(list_participants)
            .service(get_participant)
            .service(list_article_participants)
            .service(list_event_participants);
    }
}
