//! `/v1/quotes`, and the quote lists of the resources quotes relate to
//! (`/v1/articles/{id}/quotes`, `/v1/participants/{id}/quotes`, `/v1/events/{id}/quotes`).

use crate::representations::{jsonld};
use crate::storage::by_id;
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::auth::Caller;
use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::include::{Includable, Included, Wanted};
use super::listing::{date_bound, list_query, search_query};
use super::params::Query;
use super::negotiate::{self, Format};
use super::respond;
use super::served::Served;
use super::{AppState, GetQuery};
use crate::domain::{ArticleId, EventId, ParticipantId, Quote, QuoteId, TopicId};
use crate::storage::quotes::QuoteFilter;

list_query! {
    /// Query parameters of quote lists. Different filters combine with AND; a filter
    /// repeated (`speaker=a&speaker=b`) matches any of its values.
    pub struct QuoteListQuery {
        sort: "Order: `-said_on` (most recent first, the default without `q`), \
            `said_on`, or `relevance` (best match first; only with `q`, and its \
            default). Ties are broken by id.",
            example "said_on";
        facet: "Count the selected quotes per value of these fields, comma-separated: \
            `speaker`, `topic`, `event`.",
            example "speaker";
        include: "Related resources to side-load into `included`, comma-separated: \
            `speaker`, `article`, `event`, `topic`.",
            example "speaker,event";
        fields example "id,text,speaker";
    }
    {
        /// Only quotes by this participant.
        #[serde(default)]
        #[param(example = json!(["xi-jinping"]))]
        pub speaker: Vec<ParticipantId>,
        /// Only quotes reported by this article.
        #[serde(default)]
        #[param(example = json!(["lukashenko-meets-xi-jinping-astana"]))]
        pub article: Vec<ArticleId>,
        /// Only quotes said at this event.
        #[serde(default)]
        #[param(example = json!(["sco-summit-astana-2024"]))]
        pub event: Vec<EventId>,
        /// Only quotes on this topic.
        #[serde(default)]
        #[param(example = json!(["food-security"]))]
        pub topic: Vec<TopicId>,
        /// Only quotes said on or after this day (`YYYY-MM-DD`).
        #[serde(default, deserialize_with = "super::params::non_empty")]
        #[param(example = "2024-07-04")]
        pub said_after: Option<String>,
        /// Only quotes said before this day (`YYYY-MM-DD`).
        #[serde(default, deserialize_with = "super::params::non_empty")]
        #[param(example = "2024-07-05")]
        pub said_before: Option<String>,
        /// Full-text search in the words, the speaker's name and the topic: words (all must
        /// match), `"a phrase"`, `prefix*` (at least two characters before the `*`),
        /// `a OR b`.
        #[serde(default, deserialize_with = "super::params::non_empty")]
        #[param(example = "Brazil")]
        pub q: Option<String>,
    }
}

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
    let mut params = query.list_params();
    if base.speaker.is_empty() {
        base.speaker = query.speaker.clone();
    }
    if base.article.is_empty() {
        base.article = query.article.clone();
    }
    if base.event.is_empty() {
        base.event = query.event.clone();
    }
    base.topic = query.topic.clone();
    base.said_after = date_bound("said_after", query.said_after.as_deref())?;
    base.said_before = date_bound("said_before", query.said_before.as_deref())?;
    base.q = search_query("q", query.q.as_deref())?;
    base.visibility = Caller::of(req).visibility();
    params.searching = base.q.is_some();
    respond::page::<Quote>(req, state, params, base).await
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
    Query(query): Query<QuoteListQuery>,
) -> ApiResult<HttpResponse> {
    respond_list(&req, &state, query, QuoteFilter::default()).await
}

/// Get a quote
///
/// One verbatim statement; `include=speaker,article,event,topic` side-loads what it
/// points to.
#[utoipa::path(
    tag = "quotes",
    params(("id" = QuoteId, Path, description = "The quote's id."), GetQuery),
    responses((status = 200, description = "The quote.", body = Single<Quote>))
)]
#[get("/quotes/{id}")]
pub async fn get_quote(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<QuoteId>,
    Query(query): Query<GetQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = Caller::of(&req).visibility();
    respond::one(
        &req,
        &state,
        "quote",
        id.into_inner(),
        &query,
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
    Query(query): Query<QuoteListQuery>,
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
    Query(query): Query<QuoteListQuery>,
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
    Query(query): Query<QuoteListQuery>,
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

    fn represent(&self, _: Format, included: &Included, base: &str) -> Value {
        jsonld::quote(self, &negotiate::context(included, base))
    }

    fn routes(cfg: &mut ServiceConfig) {
        cfg.service(list_quotes)
            .service(get_quote)
            .service(list_article_quotes)
            .service(list_participant_quotes)
            .service(list_event_quotes);
    }
}
