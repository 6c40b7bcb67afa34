//! `/v1/articles`, and the article lists of the resources articles relate to
//! (`/v1/participants/{id}/articles`, `/v1/events/{id}/articles`).

use crate::representations::{ninjs, jsonld};
use crate::storage::by_id;
use crate::storage::visibility::Visibility;
use crate::http::surrogate::Keys;
use crate::representations::http_date;
use serde_json::Value;
use actix_web::http::header::{ContentType, ETAG, LAST_MODIFIED};
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::auth::Caller;
use super::envelope::{Collection, Single};
use super::error::{ApiError, ApiResult};
use super::include::{Includable, Included, Wanted};
use super::listing::{SearchText, TimeBound};
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::vocabulary::{GetQuery, ListFilters, ListQuery};
use crate::domain::{Article, ArticleId, ArticleStatus, EventId, ParticipantId, TopicId};
use crate::storage::articles::ArticleFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of article lists. Different filters combine with AND; a filter
/// repeated (`participant=a&participant=b`) matches any of its values.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleFilters {
    /// Only articles that name this participant.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["xi-jinping"]))]
    pub participant: Vec<ParticipantId>,
    /// Only articles about this event.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["sco-summit-astana-2024"]))]
    pub event: Vec<EventId>,
    /// Only articles filed under this topic.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["food-security"]))]
    pub topic: Vec<TopicId>,
    /// Only articles published at or after this time (RFC 3339, or a date meaning
    /// its start in UTC).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-04")]
    pub published_after: Option<TimeBound>,
    /// Only articles published before this time (RFC 3339 or a date).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-05T00:00:00Z")]
    pub published_before: Option<TimeBound>,
    /// Only articles updated at or after this time (RFC 3339 or a date).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-01T00:00:00Z")]
    pub updated_after: Option<TimeBound>,
    /// Full-text search in the headline, summary and body: words (all must match),
    /// `"a phrase"`, `prefix*` (at least two characters before the `*`), `a OR b`.
    /// Operators and punctuation are otherwise plain text.
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "\"food security\"")]
    pub q: Option<SearchText>,
    /// Editors only: only articles in this status (`draft`, `published`,
    /// `scheduled`, `withdrawn`). Editors see every status by default; everyone
    /// else sees only published articles whose `published_at` has passed.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["draft"]))]
    pub status: Vec<ArticleStatus>,
}

impl ListFilters for ArticleFilters {
    type Item = Article;
    const SORT: &'static str = "Order: `-published_at` (newest first, the default without `q`), \
        `published_at`, `-updated_at`, `updated_at`, or `relevance` (best match \
        first; only with `q`, and its default). Ties are broken by id.";
    const FACET: &'static str = "Count the selected articles per value of these fields, \
        comma-separated: `topic`, `participant`, `event`.";
    const INCLUDE: &'static str = "Related resources to side-load into `included`, \
        comma-separated: `quotes`, `participants`, `events`, `topics`.";

    fn searching(&self) -> bool {
        self.q.is_some()
    }
}

/// The query of article lists.
pub type ArticleListQuery = ListQuery<ArticleFilters>;

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
async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: ArticleListQuery,
    mut base: ArticleFilter,
) -> ApiResult<HttpResponse> {
    let ListQuery { list, filters } = query;
    let searching = filters.searching();
    if base.participant.is_empty() {
        base.participant = filters.participant;
    }
    if base.event.is_empty() {
        base.event = filters.event;
    }
    base.topic = filters.topic;
    base.published_after = filters.published_after.map(|t| t.0);
    base.published_before = filters.published_before.map(|t| t.0);
    base.updated_after = filters.updated_after.map(|t| t.0);
    base.q = filters.q.map(|q| q.0);
    base.engine = state.db.engine();
    let caller = Caller::of(req);
    if !filters.status.is_empty() && !caller.is_editor() {
        return Err(ApiError::Forbidden(
            "Only editor keys may list articles by `status`; without one, lists hold published articles."
                .to_owned(),
        ));
    }
    base.visibility = caller.visibility();
    base.status = filters.status;
    respond::page_in::<Article>(req, state, list, searching, base, |sort, filter| {
        Some(crate::http::surrogate::article_lists(filter, sort))
    })
    .await
}

/// List articles
///
/// Published articles, newest first (`published_at` descending, then id), one page at
/// a time: follow `page.next_cursor` or the `Link: rel="next"` header. Filter by
/// participant, event, topic, time or full text (`q`); choose the order (`sort`), the
/// fields (`fields`); ask for the total (`count=true`) and facets (`facet`).
#[utoipa::path(
    tag = "articles",
    params(ArticleListQuery),
    responses((status = 200, description = "A page of articles.", body = Collection<Article>))
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ArticleListQuery,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, ArticleFilter::default()).await
}

/// Get an article
///
/// One article with its body as typed blocks (headings, paragraphs and the paragraphs
/// that carry quotes), its topics, events, participants and quotes.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), GetQuery<Article>),
    responses((status = 200, description = "The article.", body = Single<Article>))
)]
#[get("/articles/{id}")]
pub async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    query: GetQuery<Article>,
) -> ApiResult<HttpResponse> {
    let visibility = Caller::of(&req).visibility();
    let id = id.into_inner();
    if let Some(stored) = stored(&req, &state, &id, &query, visibility).await? {
        return Ok(stored);
    }
    respond::one(&req, &state, "article", id, query, move |conn, id| {
        by_id::find::<Article>(conn, id, visibility)
    })
    .await
}

/// The article's stored document ([`crate::storage::documents`]) when the request asks for its
/// plain JSON and a current one is there: the bytes and the tag that
/// [`respond::one`] would build, read as one row.
async fn stored(
    req: &HttpRequest,
    state: &AppState,
    id: &ArticleId,
    query: &GetQuery<Article>,
    visibility: Visibility,
) -> ApiResult<Option<HttpResponse>> {
    let plain = query.include.relations.is_empty() && query.fields.names().is_empty();
    if !plain || negotiate::negotiate(req, query.format, Article::FORMATS)? != Format::Json {
        return Ok(None);
    }
    let Some(document) = state.db.document(id.clone(), visibility).await? else {
        return Ok(None);
    };
    let mut response = HttpResponse::Ok()
        .content_type(ContentType::json())
        .insert_header((LAST_MODIFIED, http_date(document.updated_at)))
        .insert_header((ETAG, document.etag))
        .body(document.json);
    let mut keys = Keys::new();
    keys.resource("article", id);
    keys.attach(&mut response);
    Ok(Some(response))
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
    query: ArticleListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Participant>(&state, &id).await?;
    let filter = crate::storage::articles::ArticleFilter {
        participant: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

/// List an event's articles
///
/// The articles that cover the event; accepts the parameters of the article list.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), ArticleListQuery),
    responses((status = 200, description = "A page of articles.", body = Collection<Article>))
)]
#[get("/events/{id}/articles")]
pub async fn list_event_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: ArticleListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Event>(&state, &id).await?;
    let filter = crate::storage::articles::ArticleFilter {
        event: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

impl Served for Article {
    const ABOUT: &'static str = "News articles, with bodies as typed blocks.";
    const EXAMPLE_ID: &'static str = "lukashenko-meets-xi-jinping-astana";
    const FORMATS: &'static [Format] = &[Format::Json, Format::JsonLd, Format::Ninjs];
    const JSON_LD_TYPES: &'static str = "`NewsArticle`";

    fn represent(&self, format: Format, included: &Included, base: &str) -> Value {
        let ctx = negotiate::context(included, base);
        match format {
            Format::Ninjs => ninjs::article(self, &included.quotes, &ctx),
            _ => jsonld::article(self, &included.quotes, &ctx),
        }
    }

    fn routes<R: super::Routes>(cfg: &mut R) {
        cfg.service(list_articles)
            .service(get_article)
            .service(list_participant_articles)
            .service(list_event_articles);
    }
}
