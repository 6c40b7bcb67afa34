//! The HTTP API: one module per resource, with thin handlers (extract, call storage,
//! respond), and the pieces every handler shares.

pub mod articles;
pub mod envelope;
pub mod error;
pub mod events;
pub mod include;
pub mod listing;
pub mod meta;
pub mod params;
pub mod participants;
pub mod quotes;
mod respond;
pub mod routing;
pub mod search;
pub mod timeline;
pub mod topics;

use std::sync::Arc;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::storage::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The OpenAPI description served at `/openapi.json`, rendered once.
    pub openapi: Arc<String>,
    /// The routes and their methods, to tell a 405 from a 404.
    pub routes: Arc<routing::RouteTable>,
    pub metrics: crate::http::Metrics,
}

/// Query parameters of a single-resource read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GetQuery {
    /// Related resources to side-load into `included`, comma-separated; the names are
    /// those of the resource's list (`include` there).
    #[param(example = "quotes")]
    pub include: Option<String>,
    /// Only these fields, comma-separated; `id` is always kept. The names are those of
    /// the resource's `fields` list parameter.
    #[param(example = "id,headline")]
    pub fields: Option<String>,
}

/// Every route and its OpenAPI operation, registered once.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/v1")
            .service(articles::list_articles)
            .service(articles::get_article)
            .service(articles::list_article_quotes)
            .service(articles::list_article_participants)
            .service(articles::list_article_events)
            .service(quotes::list_quotes)
            .service(quotes::get_quote)
            .service(participants::list_participants)
            .service(participants::get_participant)
            .service(participants::list_participant_quotes)
            .service(participants::list_participant_articles)
            .service(participants::list_participant_events)
            .service(timeline::participant_timeline)
            .service(events::list_events)
            .service(events::get_event)
            .service(events::list_event_quotes)
            .service(events::list_event_articles)
            .service(events::list_event_participants)
            .service(events::list_event_subevents)
            .service(timeline::event_timeline)
            .service(topics::list_topics)
            .service(topics::get_topic)
            .service(search::search),
    )
    .service(meta::healthz)
    .service(meta::readyz)
    .service(meta::get_openapi)
    .service(meta::get_metrics)
    .service(meta::get_problem_type);
}
