//! `/v1/quotes`, and the quote lists of the resources quotes relate to
//! (`/v1/articles/{id}/quotes`, `/v1/participants/{id}/quotes`, `/v1/events/{id}/quotes`).

use crate::representations::{jsonld};
use crate::storage::by_id;
use serde_json::Value;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::auth::Caller;
use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::include::{Includable, Included, Wanted};
use super::listing::{Day, SearchText};
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::vocabulary::{GetQuery, ListFilters, ListQuery};
use crate::domain::{ArticleId, EventId, ParticipantId, Quote, QuoteId, TopicId};
use crate::storage::quotes::QuoteFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of quote lists. Different filters combine with AND; a filter
/// repeated (`speaker=a&speaker=b`) matches any of its values.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteFilters {
    /// Only quotes by this participant.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["xi-jinping"]))]
    pub speaker: Vec<ParticipantId>,
    /// Only quotes reported by this article.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["lukashenko-meets-xi-jinping-astana"]))]
    pub article: Vec<ArticleId>,
    /// Only quotes said at this event.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["sco-summit-astana-2024"]))]
    pub event: Vec<EventId>,
    /// Only quotes on this topic.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["food-security"]))]
    pub topic: Vec<TopicId>,
    /// Only quotes said on or after this day (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-04")]
    pub said_after: Option<Day>,
    /// Only quotes said before this day (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "2024-07-05")]
    pub said_before: Option<Day>,
    /// Full-text search in the words, the speaker's name and the topic: words (all must
    /// match), `"a phrase"`, `prefix*` (at least two characters before the `*`),
    /// `a OR b`.
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "Brazil")]
    pub q: Option<SearchText>,
}

impl ListFilters for QuoteFilters {
    type Item = Quote;
    const SORT: &'static str = "Order: `-said_on` (most recent first, the default without `q`), \
        `said_on`, or `relevance` (best match first; only with `q`, and its \
        default). Ties are broken by id.";
    const FACET: &'static str = "Count the selected quotes per value of these fields, \
        comma-separated: `speaker`, `topic`, `event`.";
    const INCLUDE: &'static str = "Related resources to side-load into `included`, \
        comma-separated: `speaker`, `article`, `event`, `topic`.";

    fn searching(&self) -> bool {
        self.q.is_some()
    }
}

/// The query of quote lists.
pub type QuoteListQuery = ListQuery<QuoteFilters>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    Speaker,
    Article,
    Event,
    Topic,
}

impl Includable for Quote {
    type Relation = Relation;
    const RELATIONS: &'static [(&'static str, Relation)] = &[
        ("speaker", Relation::Speaker),
        ("article", Relation::Article),
        ("event", Relation::Event),
        ("topic", Relation::Topic),
    ];

    fn want(&self, relation: Relation, wanted: &mut Wanted) {
        match relation {
            Relation::Speaker => {
                wanted.participants.insert(self.speaker.clone());
            }
            Relation::Article => {
                wanted.articles.insert(self.article.clone());
            }
            Relation::Event => wanted.events.extend(self.event.iter().cloned()),
            Relation::Topic => wanted.topics.extend(self.topic.iter().cloned()),
        }
    }

    fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.updated_at
    }
}

/// Lists quotes matching `query` within `base` (a relation's constraint).
async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: QuoteListQuery,
    mut base: QuoteFilter,
) -> ApiResult<HttpResponse> {
    let ListQuery { list, filters } = query;
    let searching = filters.searching();
    if base.speaker.is_empty() {
        base.speaker = filters.speaker;
    }
    if base.article.is_empty() {
        base.article = filters.article;
    }
    if base.event.is_empty() {
        base.event = filters.event;
    }
    base.topic = filters.topic;
    base.said_after = filters.said_after.map(|d| d.0);
    base.said_before = filters.said_before.map(|d| d.0);
    base.q = filters.q.map(|q| q.0);
    base.visibility = Caller::of(req).visibility();
    respond::page::<Quote>(req, state, list, searching, base).await
}

/// List quotes
///
/// Verbatim statements, most recently said first (`said_on` descending, then id),
/// each with its speaker, article, event and topic.
#[utoipa::path(
    tag = "quotes",
    params(QuoteListQuery),
    responses((status = 200, description = "A page of quotes.", body = Collection<Quote>))
)]
#[get("/quotes")]
pub async fn list_quotes(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QuoteListQuery,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, QuoteFilter::default()).await
}

/// Get a quote
///
/// One verbatim statement; `include=speaker,article,event,topic` side-loads what it
/// points to.
#[utoipa::path(
    tag = "quotes",
    params(("id" = QuoteId, Path, description = "The quote's id."), GetQuery<Quote>),
    responses((status = 200, description = "The quote.", body = Single<Quote>))
)]
#[get("/quotes/{id}")]
pub async fn get_quote(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<QuoteId>,
    query: GetQuery<Quote>,
) -> ApiResult<HttpResponse> {
    let visibility = Caller::of(&req).visibility();
    respond::one(
        &req,
        &state,
        "quote",
        id.into_inner(),
        query,
        move |conn, id| by_id::find::<Quote>(conn, id, visibility),
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
    query: QuoteListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_article(&req, &state, &id).await?;
    let filter = crate::storage::quotes::QuoteFilter {
        article: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
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
    query: QuoteListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Participant>(&state, &id).await?;
    let filter = crate::storage::quotes::QuoteFilter {
        speaker: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

/// List an event's quotes
///
/// What was said at the event; accepts the parameters of the quote list.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."), QuoteListQuery),
    responses((status = 200, description = "A page of quotes.", body = Collection<Quote>))
)]
#[get("/events/{id}/quotes")]
pub async fn list_event_quotes(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EventId>,
    query: QuoteListQuery,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    respond::ensure_exists::<crate::domain::Event>(&state, &id).await?;
    let filter = crate::storage::quotes::QuoteFilter {
        event: vec![id],
        ..Default::default()
    };
    respond_list(&req, &state, query, filter).await
}

impl Served for Quote {
    const ABOUT: &'static str = "Verbatim statements with speaker, article, event and topic.";
    const EXAMPLE_ID: &'static str = "lukashenko-wonderful-gift";
    const FORMATS: &'static [Format] = &[Format::Json, Format::JsonLd];
    const JSON_LD_TYPES: &'static str = "`Quotation`";

    fn represent(&self, _: Format, included: &Included, base: &str) -> Value {
        jsonld::quote(self, &negotiate::context(included, base))
    }

    fn routes<R: super::Routes>(cfg: &mut R) {
        cfg.service(list_quotes)
            .service(get_quote)
            .service(list_article_quotes)
            .service(list_participant_quotes)
            .service(list_event_quotes);
    }
}
