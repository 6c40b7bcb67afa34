//! `/v1/topics`.

use crate::storage::by_id;
use utoipa_actix_web::service_config::ServiceConfig;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::envelope::{Collection, Single};
use super::include::nothing_to_include;
use super::error::ApiResult;
use super::listing::list_query;
use super::params::Query;
use super::respond;
use super::served::Served;
use super::{AppState, GetQuery};
use crate::domain::{Topic, TopicId};
use crate::storage::topics::TopicFilter;

list_query! {
    /// Query parameters of the topic list. Topics have no facets and relate to
    /// nothing, so the list takes no `facet` or `include`.
    pub struct TopicListQuery {
        sort: "Order: `id` (alphabetical, the default).", example "id";
        fields example "id,name";
    }
    {}
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
    respond::page::<Topic>(&req, &state, query.list_params(), TopicFilter::default()).await
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
    respond::one(
        &req,
        &state,
        "topic",
        id.into_inner(),
        &query,
        by_id::get::<Topic>,
    )
    .await
}

nothing_to_include!(Topic);

impl Served for Topic {
    const ABOUT: &'static str = "Subjects that articles and quotes are filed under.";
    const EXAMPLE_ID: &'static str = "food-security";

    fn routes(cfg: &mut ServiceConfig) {
        cfg.service(list_topics).service(get_topic);
    }
}
