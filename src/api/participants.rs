//! `/v1/participants` and the relations of a participant.

use crate::storage::by_id;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::articles::ArticleListQuery;
use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::events::EventListQuery;
use super::include::{Includable, Wanted};
use super::listing::{list_query, search_query};
use super::params::Query;
use super::quotes::QuoteListQuery;
use super::respond;
use super::{AppState, GetQuery};
use crate::domain::{Article, Event, Participant, ParticipantId, ParticipantKind, Quote};
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
pub(super) async fn respond_list(
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

/// List a participant's quotes
///
/// What the participant said; accepts the parameters of the quote list.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), QuoteListQuery),
    responses((status = 200, description = "A page of quotes.", body = Collection<Quote>))
)]
#[get("/participants/{id}/quotes")]
pub async fn list_participant_quotes(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    Query(query): Query<QuoteListQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure(&state, "participant", &id, by_id::exists::<Participant>).await?;
    let filter = crate::storage::quotes::QuoteFilter {
        speaker: vec![id],
        ..Default::default()
    };
    super::quotes::respond_list(&req, &state, query, filter).await
}

/// List a participant's articles
///
/// The articles that name the participant; accepts the parameters of the article list.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."), ArticleListQuery),
    responses((status = 200, description = "A page of articles.", body = Collection<Article>))
)]
#[get("/participants/{id}/articles")]
pub async fn list_participant_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ParticipantId>,
    Query(query): Query<ArticleListQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure(&state, "participant", &id, by_id::exists::<Participant>).await?;
    let filter = crate::storage::articles::ArticleFilter {
        participant: vec![id],
        ..Default::default()
    };
    super::articles::respond_list(&req, &state, query, filter).await
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
    Query(query): Query<EventListQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure(&state, "participant", &id, by_id::exists::<Participant>).await?;
    let filter = crate::storage::events::EventFilter {
        participant: vec![id],
        ..Default::default()
    };
    super::events::respond_list(&req, &state, query, filter).await
}
