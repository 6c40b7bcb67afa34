//! `/v1/topics`.

use crate::storage::by_id;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::envelope::{Collection, Single};
use super::include::nothing_to_include;
use super::error::ApiResult;
use super::respond;
use super::served::Served;
use super::vocabulary::{GetQuery, ListFilters, ListQuery};
use crate::domain::{Topic, TopicId};
use crate::storage::topics::TopicFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of the topic list: none. Topics have no facets and relate to
/// nothing, so the list takes no `facet` or `include` either.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopicFilters {}

impl ListFilters for TopicFilters {
    type Item = Topic;
    const SORT: &'static str = "Order: `id` (alphabetical, the default).";
}

/// The query of the topic list.
pub type TopicListQuery = ListQuery<TopicFilters>;

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
    query: TopicListQuery,
) -> ApiResult<HttpResponse> {
    respond::page::<Topic>(&req, &state, query.list, false, TopicFilter::default()).await
}

/// Get a topic
#[utoipa::path(
    tag = "topics",
    params(("id" = TopicId, Path, description = "The topic's id."), GetQuery<Topic>),
    responses((status = 200, description = "The topic.", body = Single<Topic>))
)]
#[get("/topics/{id}")]
pub async fn get_topic(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<TopicId>,
    query: GetQuery<Topic>,
) -> ApiResult<HttpResponse> {
    respond::one(
        &req,
        &state,
        "topic",
        id.into_inner(),
        query,
        by_id::get::<Topic>,
    )
    .await
}

nothing_to_include!(Topic);

impl Served for Topic {
    const ABOUT: &'static str = "Subjects that articles and quotes are filed under.";
    const EXAMPLE_ID: &'static str = "food-security";

    fn routes<R: super::Routes>(cfg: &mut R) {
        cfg.service(list_topics).service(get_topic);
    }
}
