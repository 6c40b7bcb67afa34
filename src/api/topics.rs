//! `/v1/topics`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::envelope::{Collection, Single};
use super::error::ApiResult;
use super::listing::ListParams;
use super::params::Query;
use super::respond;
use super::{AppState, GetQuery};
use crate::domain::{Topic, TopicId};
use crate::storage::topics::{self, TopicFilter};

/// Query parameters of the topic list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopicListQuery {
    /// Page size, 1 to 100.
    #[serde(default, deserialize_with = "super::params::whole_number")]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "super::params::non_empty")]
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// List topics
///
/// The subjects articles and quotes are filed under, by id. Use a topic's id as the
/// `topic` filter of the article and quote lists.
#[utoipa::path(
    tag = "topics",
    params(TopicListQuery),
    responses((status = 200, description = "A page of topics.", body = Collection<Topic>))
)]
#[get("/topics")]
pub async fn list_topics(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<TopicListQuery>,
) -> ApiResult<HttpResponse> {
    let params = ListParams {
        limit: query.limit,
        cursor: query.cursor.as_deref(),
        ..Default::default()
    };
    respond::page::<Topic>(&req, &state, params, TopicFilter::default()).await
}

/// Get a topic
#[utoipa::path(
    tag = "topics",
    params(("id" = TopicId, Path, description = "The topic's id."), GetQuery),
    responses((status = 200, description = "The topic.", body = Single<Topic>))
)]
#[get("/topics/{id}")]
pub async fn get_topic(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<TopicId>,
    Query(query): Query<GetQuery>,
) -> ApiResult<HttpResponse> {
    respond::one(&req, &state, "topic", id.into_inner(), &query, topics::get).await
}
