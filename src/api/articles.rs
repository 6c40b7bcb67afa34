//! `/v1/articles` and the relations of an article.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::envelope::{Collection, Includable, Single, Wanted};
use super::error::{ApiError, ApiResult};
use super::events::EventListQuery;
use super::params::Query;
use super::participants::ParticipantListQuery;
use super::quotes::QuoteListQuery;
use super::respond::{self, ListParams};
use super::{AppState, GetQuery};
use crate::domain::{
    Article, ArticleId, ArticleStatus, Event, EventId, Participant, ParticipantId, Quote, TopicId,
};
use crate::storage::articles::{self, ArticleFilter};

pub const SORT: &str = "-published_at";

/// Query parameters of article lists. Different filters combine with AND; a filter
/// repeated (`participant=a&participant=b`) matches any of its values.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// Page size, 1 to 100.
    #[serde(default, deserialize_with = "super::params::whole_number")]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "super::params::non_empty")]
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    /// Related resources to side-load into `included`, comma-separated:
    /// `quotes`, `participants`, `events`, `topics`.
    #[param(example = "quotes,participants")]
    pub include: Option<String>,
    /// Only articles that name this participant.
    #[serde(default)]
    #[param(example = json!(["xi-jinping"]))]
    pub participant: Vec<ParticipantId>,
    /// Only articles about this event.
    #[serde(default)]
    #[param(example = json!(["sco-summit-astana-2024"]))]
    pub event: Vec<EventId>,
    /// Only articles filed under this topic.
    #[serde(default)]
    #[param(example = json!(["food-security"]))]
    pub topic: Vec<TopicId>,
    /// Editors only: only articles in this status (`draft`, `published`, `scheduled`,
    /// `withdrawn`). Editors see every status by default; everyone else sees only
    /// published articles whose `published_at` has passed.
    #[serde(default)]
    #[param(example = json!(["draft"]))]
    pub status: Vec<ArticleStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    Quotes,
    Participants,
    Events,
    Topics,
}

impl Includable for Article {
    type Relation = Relation;
    const RELATIONS: &'static [(&'static str, Relation)] = &[
        ("quotes", Relation::Quotes),
        ("participants", Relation::Participants),
        ("events", Relation::Events),
        ("topics", Relation::Topics),
    ];

    fn want(&self, relation: Relation, wanted: &mut Wanted) {
        match relation {
            Relation::Quotes => wanted.quotes.extend(self.quotes.iter().cloned()),
            Relation::Participants => wanted
                .participants
                .extend(self.participants.iter().cloned()),
            Relation::Events => wanted.events.extend(self.events.iter().cloned()),
            Relation::Topics => wanted.topics.extend(self.topics.iter().cloned()),
        }
    }

    fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.updated_at
    }
}

/// Lists articles matching `query` within `base` (a relation's constraint).
pub(super) async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: ArticleListQuery,
    mut base: ArticleFilter,
) -> ApiResult<HttpResponse> {
    if base.participant.is_empty() {
        base.participant = query.participant;
    }
    if base.event.is_empty() {
        base.event = query.event;
    }
    base.topic = query.topic;
    let caller = Caller::of(req);
    if !query.status.is_empty() && !caller.is_editor() {
        return Err(ApiError::Forbidden(
            "Only editor keys may list articles by `status`; without one, lists hold published articles."
                .to_owned(),
        ));
    }
    base.visibility = caller.visibility();
    base.status = query.status;
    let params = ListParams {
        limit: query.limit,
        cursor: query.cursor.as_deref(),
        include: query.include.as_deref(),
        sort: SORT,
    };
    respond::page(req, state, params, move |conn, page| {
        articles::list(conn, &base, page)
    })
    .await
}

/// List articles
///
/// Published articles, newest first (`published_at` descending, then id), one page at
/// a time: follow `page.next_cursor` or the `Link: rel="next"` header.
#[utoipa::path(
    tag = "articles",
    params(ArticleListQuery),
    responses((status = 200, description = "A page of articles.", body = Collection<Article>))
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<ArticleListQuery>,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, ArticleFilter::default()).await
}

/// Get an article
///
/// One article with its body as typed blocks (headings, paragraphs and the paragraphs
/// that carry quotes), its topics, events, participants and quotes.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), GetQuery),
    responses((status = 200, description = "The article.", body = Single<Article>))
)]
#[get("/articles/{id}")]
pub async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    Query(query): Query<GetQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = Caller::of(&req).visibility();
    respond::one(
        &req,
        &state,
        "%s",
        id.into_inner(),
        &query,
        move |conn, id| articles::find(conn, id, visibility),
    )
    .await
}

/// List an article's quotes
///
/// The quotes the article reports; accepts the parameters of the quote list.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), QuoteListQuery),
    responses((status = 200, description = "A page of quotes.", body = Collection<Quote>))
)]
#[get("/articles/{id}/quotes")]
pub async fn list_article_quotes(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    Query(query): Query<QuoteListQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure(&state, "article", &id, articles::exists).await?;
    let filter = crate::storage::quotes::QuoteFilter {
        article: vec![id],
        ..Default::default()
    };
    super::quotes::respond_list(&req, &state, query, filter).await
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
    respond::ensure(&state, "article", &id, articles::exists).await?;
    let filter = crate::storage::participants::ParticipantFilter {
        article: vec![id],
        ..Default::default()
    };
    super::participants::respond_list(&req, &state, query, filter).await
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
    Query(query): Query<EventListQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure(&state, "article", &id, articles::exists).await?;
    let filter = crate::storage::events::EventFilter {
        article: vec![id],
        ..Default::default()
    };
    super::events::respond_list(&req, &state, query, filter).await
}
