//! The HTTP API: one module per resource, with thin handlers (extract, call storage,
//! respond), and the pieces every handler shares.

pub(crate) mod auth;
pub(crate) mod changes;
pub(crate) mod cursor;
mod edit;
pub(crate) mod envelope;
pub(crate) mod error;
pub(crate) mod feeds;
pub(crate) mod include;
pub(crate) mod listing;
pub(crate) mod meta;
pub(crate) mod negotiate;
pub(crate) mod params;
pub(crate) mod previews;
pub(crate) mod problems;
pub(crate) mod ratelimit;
pub(crate) mod readonly;
mod respond;
pub(crate) mod root;
pub(crate) mod routing;
pub(crate) mod search;
pub(crate) mod served;
pub(crate) mod shed;
pub(crate) mod sitemaps;
pub(crate) mod timeline;
pub(crate) mod vocabulary;
pub(crate) mod webhooks;
mod wiring;

use std::sync::Arc;

use served::Registration;

/// Each resource's module, `api/{collection}.rs`, and the list of their
/// registrations ([`served::Served`]) in the order of `resources!`.
macro_rules! declare {
    ($($name:ident $collection:ident $type:ident $id:ident;)*) => {
        $(pub(crate) mod $collection;)*

        /// `f` of each resource's registration, in order.
        fn registered<T>(f: impl Fn(Registration) -> T) -> Vec<T> {
            vec![$(f(Registration::of::<crate::domain::$type>())),*]
        }

        /// The routes of each resource's module, in order.
        fn resource_routes<R: Routes>(cfg: &mut R) {
            $(<crate::domain::$type as served::Served>::routes(cfg);)*
        }
    };
}
crate::domain::kind::resources!(declare);

pub use wiring::Routes;

use crate::storage::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The routes and their methods, to tell a 405 from a 404.
    pub routes: Arc<routing::RouteTable>,
    /// The time writes are stamped with: the system clock, or a fixed one so that the
    /// examples of the OpenAPI description do not change between builds.
    pub clock: fn() -> chrono::DateTime<chrono::Utc>,
    /// How the background tasks are doing, for `/readyz`.
    pub background: crate::background::Health,
    /// Set on a read replica (`--read-only`): where writes go, and its lag.
    pub replica: Option<crate::replica::Replica>,
}

/// Every route, with its OpenAPI operation when `cfg` collects them ([`Routes`]).
pub fn configure<R: Routes>(cfg: &mut R) {
    cfg.scope("/v1", |v1| {
        v1.service(root::get_v1_root);
        resource_routes(v1);
        v1.service(previews::create_preview)
            .service(previews::get_preview)
            .service(timeline::participant_timeline)
            .service(timeline::event_timeline)
            .service(search::search)
            .service(changes::list_changes)
            .service(feeds::get_article_feed)
            .service(feeds::get_quote_feed)
            .service(webhooks::create_webhook)
            .service(webhooks::list_webhooks)
            .service(webhooks::get_webhook)
            .service(webhooks::delete_webhook)
            .service(edit::articles::create_article)
            .service(edit::articles::replace_article)
            .service(edit::articles::update_article)
            .service(edit::articles::delete_article)
            .service(edit::articles::list_article_versions)
            .service(edit::articles::get_article_version)
            .service(edit::quotes::create_quote)
            .service(edit::quotes::replace_quote)
            .service(edit::quotes::update_quote)
            .service(edit::quotes::delete_quote)
            .service(edit::participants::create_participant)
            .service(edit::participants::replace_participant)
            .service(edit::participants::update_participant)
            .service(edit::participants::delete_participant)
            .service(edit::events::create_event)
            .service(edit::events::replace_event)
            .service(edit::events::update_event)
            .service(edit::events::delete_event);
    })
    .service(root::get_root)
    .service(sitemaps::get_sitemap_index)
    .service(sitemaps::get_sitemap_page)
    .service(sitemaps::get_news_sitemap)
    .service(meta::healthz)
    .service(meta::readyz)
    .service(meta::get_openapi)
    .service(meta::get_metrics)
    .service(meta::get_problem_type);
}
