//! `/v1/quotes`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::envelope::{Collection, Includable, Single, Wanted};
use super::error::ApiResult;
use super::params::Query;
use super::respond::{self, ListParams};
use super::{AppState, GetQuery};
use crate::domain::{ArticleId, EventId, ParticipantId, Quote, QuoteId, TopicId};
use crate::storage::quotes::{self, QuoteFilter};

pub const SORT: &str = "-said_on";

/// Query parameters of quote lists. Different filters combine with AND; a filter
/// repeated (`speaker=a&speaker=b`) matches any of its values.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteListQuery {
    /// Page size, 1 to 100.
    #[serde(default, deserialize_with = "super::params::whole_number")]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "super::params::non_empty")]
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    /// Related resources to side-load into `included`, comma-separated:
    /// `speaker`, `article`, `event`, `topic`.
    #[param(example = "speaker,event")]
    pub include: Option<String>,
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
pub(super) async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    query: QuoteListQuery,
    mut base: QuoteFilter,
) -> ApiResult<HttpResponse> {
    if base.speaker.is_empty() {
        base.speaker = query.speaker;
    }
    if base.article.is_empty() {
        base.article = query.article;
    }
    if base.event.is_empty() {
        base.event = query.event;
    }
    base.topic = query.topic;
    base.visibility = Caller::of(req).visibility();
    let params = ListParams {
        limit: query.limit,
        cursor: query.cursor.as_deref(),
        include: query.include.as_deref(),
        sort: SORT,
    };
    respond::page(req, state, params, move |conn, page| {
        quotes::list(conn, &base, page)
    })
    .await
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
        "%s",
        id.into_inner(),
        &query,
        move |conn, id| quotes::find(conn, id, visibility),
    )
    .await
}
