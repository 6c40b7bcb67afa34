//! `/v1/participants`, and the participant lists of articles and events
//! (`/v1/articles/{id}/participants`, `/v1/events/{id}/participants`).

use crate::representations::{jsonld};
use crate::storage::by_id;
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::include::{Includable, Included, Wanted};
use super::listing::{list_query, search_query};
use super::params::Query;
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::{AppState, GetQuery};
use crate::domain::{ArticleId, EventId, Participant, ParticipantId, ParticipantKind};
use crate::storage::participants::ParticipantFilter;

list_query! {
    /// Query parameters of participant lists. Different filters combine with AND; a
    /// filter repeated (`kind=person&kind=country`) matches any of its values.
    pub struct ParticipantListQuery {
        sort: "Order: `name` (alphabetical, the default without `q`), `-name`, or \
            `relevance` (best match first; only with `q`, and its default). Ties are \
            broken by id.",
            example "-name";
        facet: "Count the selected participants per value of these fields, \
            comma-separated: `kind`.",
            example "kind";
        include: "Related resources to side-load into `included`, comma-separated: \
            `affiliation`.",
            example "affiliation";
        fields example "id,name,kind";
    }
    {
        /// Only participants of this kind.
        #[serde(default)]
        #[param(example = json!(["person"]))]
        pub kind: Vec<ParticipantKind>,
        /// Full-text search in the name, aliases and title: words (all must match),
        /// `"a phrase"`, `prefix*` (at least two characters before the `*`), `a OR b`.
        #[serde(default, deserialize_with = "super::params::non_empty")]
        #[param(example = "lukash*")]
        pub q: Option<String>,
    }
}

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
    let mut params = query.list_params();
    base.kind = query.kind.clone();
    base.q = search_query("q", query.q.as_deref())?;
    params.searching = base.q.is_some();
    respond::page::<Participant>(req, state, params, base).await
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
    Query(query): Query<ParticipantListQuery>,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, ParticipantFilter::default()).await
}

/// Get a participant
///
/// One person, organization or country; `include=affiliation` side-loads the
/// organization or country it belongs to.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), GetQuery),
    responses((status = 200, description = "The participant.", body = Single<Participant>))
)]
#[get("/participants/{id}")]
pub async fn get_participant(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    Query(query): Query<GetQuery>,
) -> ApiResult<HttpResponse> {
    respond::one(
        &req,
        &state,
        "participant",
        id.into_inner(),
        &query,
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
    Query(query): Query<ParticipantListQuery>,
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
    Query(query): Query<ParticipantListQuery>,
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

    fn represent(&self, _: Format, included: &Included, base: &str) -> Value {
        jsonld::participant(self, &negotiate::context(included, base))
    }

    fn routes(cfg: &mut ServiceConfig) {
        cfg.service(list_participants)
            .service(get_participant)
            .service(list_article_participants)
            .service(list_event_participants);
    }
}
