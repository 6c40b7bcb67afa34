//! Builds the application from settings. `main` and the tests both go through here,
//! so the tests run the real thing.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header;
use actix_web::middleware::Compress;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};

use crate::api::{self, AppState, auth, meta, ratelimit, readonly, routing, shed};
use crate::config::Settings;
use crate::http::cache::{self, ResponseCache};
use crate::http::{CachePolicy, Metrics, conditional, observe};
use crate::storage::{Db, Generation};

mod preset;
pub use preset::in_process;

/// What the HTTP layer needs: the settings it reads, and the state every worker shares
/// (the rate limiter, the in-flight counter, the metrics, the response cache), each
/// registered once.
#[derive(Clone)]
pub struct HttpSettings {
    pub max_body: usize,
    pub cache: CachePolicy,
    /// `*` alone allows any origin.
    pub cors_origins: Vec<String>,
    /// The absolute URL links are made from.
    pub public_url: crate::http::origin::PublicUrl,
    /// Peers whose forwarding headers name the client.
    pub trusted_proxies: crate::http::origin::TrustedProxies,
    /// `/metrics` is served on its own listener (`--metrics-bind`), not here.
    pub metrics_elsewhere: bool,
    /// The docs page keeps the key given to "Authorize" in the browser's storage.
    pub docs_remember_key: bool,
    /// Webhooks may be registered for internal addresses.
    pub webhook_allow_private: bool,
    /// Shared by every worker, so a client's quota is one whatever worker serves it.
    pub limits: crate::api::ratelimit::Limits,
    /// Shared by every worker: the cap counts the whole server's requests.
    pub in_flight: crate::api::shed::InFlight,
    pub sitemaps: crate::api::sitemaps::SitemapSettings,
    pub websub_hub: crate::api::feeds::WebSubHub,
    /// The request metrics, counted by every worker, served at `/metrics`.
    pub metrics: Metrics,
    /// Anonymous responses, kept until the next write.
    pub responses: ResponseCache,
}

impl HttpSettings {
    /// The HTTP behaviour `settings` ask for, for a server listening on `bound`, with
    /// the state its workers share.
    /// The response cache empties when `generation` (the database's) moves.
    pub fn new(settings: &Settings, bound: SocketAddr, generation: &Generation) -> Self {
        let s = settings;
        Self {
            max_body: s.max_body,
            cache: CachePolicy {
                max_age: s.cache_max_age,
                s_maxage: s.cache_s_maxage,
                stale_while_revalidate: s.cache_stale_while_revalidate,
            },
            cors_origins: s.cors_origins.clone(),
            public_url: crate::http::origin::PublicUrl::new(s.public_url.as_deref(), bound),
            trusted_proxies: crate::http::origin::TrustedProxies(s.trusted_proxies.clone()),
            metrics_elsewhere: s.metrics_bind.is_some(),
            docs_remember_key: s.docs_remember_key,
            webhook_allow_private: s.webhook_allow_private,
            limits: crate::api::ratelimit::Limits::new(crate::api::ratelimit::Quotas {
                anonymous: s.rate_limit,
                partner: s.partner_rate_limit,
            }),
            in_flight: crate::api::shed::InFlight::new(s.max_in_flight),
            sitemaps: crate::api::sitemaps::SitemapSettings {
                article_url_template: s.article_url_template.clone(),
                publication_name: s.publication_name.clone(),
                page_size: s.sitemap_page_size.max(1),
            },
            websub_hub: crate::api::feeds::WebSubHub(s.websub_hub.clone()),
            metrics: Metrics::new(),
            responses: ResponseCache::new(s.response_cache_mb * 1024 * 1024, generation.clone()),
        }
    }
}

/// The actix application: routes, extractor settings, middleware.
pub fn app(
    state: AppState,
    http: HttpSettings,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // The handlers alone: the server serves the committed description and never
    // builds one (`api::Routes`).
    let app = App::new().configure(api::configure);
    // Registered once, here: the middleware and `/metrics` read them from app data.
    let metrics = web::Data::new(http.metrics.clone());
    let responses = web::Data::new(http.responses.clone());
    // The last `wrap` is the outermost: a request passes them bottom-up.
    app.service(docs(http.docs_remember_key))
        .route("/docs", web::get().to(to_docs))
        .app_data(web::Data::new(state))
        .app_data(metrics)
        .app_data(responses)
        .app_data(web::Data::new(http.cache.clone()))
        .app_data(web::Data::new(http.limits.clone()))
        .app_data(web::Data::new(http.public_url.clone()))
        .app_data(web::Data::new(http.trusted_proxies.clone()))
        .app_data(web::Data::new(meta::MetricsHere(!http.metrics_elsewhere)))
        .app_data(web::Data::new(api::webhooks::Destinations {
            allow_private: http.webhook_allow_private,
        }))
        .app_data(web::Data::new(http.in_flight.clone()))
        .app_data(web::Data::new(http.sitemaps.clone()))
        .app_data(web::Data::new(http.websub_hub.clone()))
        .app_data(routing::path_config())
        .app_data(routing::query_config())
        .app_data(routing::json_config(http.max_body))
        .default_service(web::to(routing::unmatched))
        // Innermost: the keys are headers before a cache keeps or a 304 copies them.
        .wrap(from_fn(crate::http::surrogate::emit))
        .wrap(from_fn(conditional::conditional))
        .wrap(Compress::default())
        .wrap(from_fn(conditional::tag_encoding))
        .wrap(from_fn(cache::cache))
        .wrap(from_fn(ratelimit::limit))
        .wrap(from_fn(auth::authenticate))
        // Inside the logs, metrics and CORS, so a shed request is seen and readable.
        .wrap(from_fn(shed::shed))
        // Before the key check and the shedding: a replica refuses every write, whoever
        // sends it, at no cost.
        .wrap(from_fn(readonly::refuse_writes))
        .wrap(cors(&http.cors_origins))
        .wrap(from_fn(observe::observe))
        .wrap(from_fn(head_as_get))
        .wrap(nosniff())
}

/// Every response says that its `Content-Type` is meant: no browser may sniff a
/// problem or a feed into HTML.
fn nosniff() -> DefaultHeaders {
    DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
}

/// The listener of `--metrics-bind`: `/metrics` alone.
fn metrics_app(
    state: AppState,
    metrics: Metrics,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .app_data(web::Data::new(metrics))
        .app_data(web::Data::new(meta::MetricsHere(true)))
        .service(meta::get_metrics)
        .wrap(nosniff())
}

/// Interactive docs (Swagger UI, served from the binary: no CDN) over `/openapi.json`.
/// "Authorize" takes a bearer key, and "Try it out" calls this server. The key stays
/// out of the browser's storage unless `remember_key` (`--docs-remember-key`).
fn docs(remember_key: bool) -> utoipa_swagger_ui::SwaggerUi {
    let config = utoipa_swagger_ui::Config::new(["/openapi.json"])
        .try_it_out_enabled(true)
        .persist_authorization(remember_key)
        .display_request_duration(true);
    utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").config(config)
}

async fn to_docs() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// CORS: reads from any origin by default, or from the configured ones; the headers
/// a client needs to paginate, revalidate and report problems are exposed.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            observe::REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LAST_MODIFIED,
            header::LOCATION,
            header::RETRY_AFTER,
            observe::REQUEST_ID,
            header::HeaderName::from_static("ratelimit"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(86_400);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

/// `HEAD` is answered by the `GET` handler: the HTTP layer, which saw the request
/// as `HEAD`, sends the headers of the response and drops its body.
async fn head_as_get(
    mut req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Application state for `db`.
pub async fn state(
    db: Db,
    background: crate::background::Health,
    replica: Option<crate::replica::Replica>,
) -> Result<AppState, Box<dyn std::error::Error>> {
    let routes = Arc::new(routing::RouteTable::of_api());
    // The response cache drops what a change purges, by the keys a shared cache in
    // front is purged by.
    db.generation()
        .purge_with(crate::http::surrogate::purged_by);
    Ok(AppState {
        db,
        routes,
        clock: chrono::Utc::now,
        background,
        replica,
    })
}

/// A server bound to its port, ready to run.
pub struct Application {
    server: Server,
    address: SocketAddr,
    /// The background tasks; they run as long as the server does.
    _tasks: Vec<crate::background::Task>,
    /// The `--metrics-bind` listener, if any, and its address.
    metrics: Option<(Server, SocketAddr)>,
}

impl Application {
    /// Opens the database (migrating and seeding it if needed; read-only for a
    /// replica) and binds the listener.
    pub async fn build(settings: &Settings) -> Result<Self, Box<dyn std::error::Error>> {
        let db = if settings.read_only {
            Db::open_read_only(&settings.db, settings.db_pool(), &settings.rights())?
        } else {
            Db::open_with_rights(&settings.db, settings.db_pool(), &settings.rights())?
        }
        .with_deadline(settings.statement_timeout())
        .with_search_engine(Some(&settings.db));
        let health = crate::background::Health::new(settings.panic_in_task);
        // Bound first: the feed URLs a WebSub hub is told of may name its address.
        let listener = TcpListener::bind(&settings.bind)?;
        let address = listener.local_addr()?;
        let http = HttpSettings::new(settings, address, db.generation());
        // A replica publishes nothing and delivers no webhooks: its primary does.
        let (tasks, replica) = if settings.read_only {
            let (replica, task) = crate::replica::follow(
                &settings.db,
                db.generation().clone(),
                &settings.replica(),
                &health,
            )?;
            let mut tasks = vec![task];
            // Its purges follow what it applied: see `delivery::purge`.
            tasks.extend(crate::delivery::purge::start(
                db.clone(),
                settings.purges(),
                &health,
            ));
            (tasks, Some(replica))
        } else {
            let hub = settings.websub_hub.clone();
            db.write(move |conn| -> crate::storage::Result<()> {
                let now = chrono::Utc::now().timestamp();
                crate::storage::webhooks::set_hub(conn, hub.as_deref(), now)
            })
            .await?;
            db.fill_documents_soon();
            let public_url = http.public_url.absolute().to_owned();
            let mut tasks = vec![
                crate::publication::start(db.clone(), settings.publication_poll(), &health),
                crate::delivery::start(db.clone(), settings.delivery(), public_url, &health),
            ];
            tasks.extend(crate::delivery::purge::start(
                db.clone(),
                settings.purges(),
                &health,
            ));
            (tasks, None)
        };
        let state = state(db, health, replica).await?;
        let metrics = match &settings.metrics_bind {
            Some(bind) => {
                let listener = TcpListener::bind(bind)?;
                let address = listener.local_addr()?;
                let state = state.clone();
                let server = HttpServer::new({
                    let metrics = http.metrics.clone();
                    move || metrics_app(state.clone(), metrics.clone())
                })
                .workers(1)
                .listen(listener)?
                .disable_signals()
                .run();
                Some((server, address))
            }
            None => None,
        };
        let server = HttpServer::new(move || app(state.clone(), http.clone()))
            .workers(settings.workers())
            .worker_max_blocking_threads(settings.blocking_threads())
            .shutdown_timeout(settings.shutdown_grace().as_secs())
            .listen(listener)?
            .run();
        Ok(Self {
            server,
            address,
            _tasks: tasks,
            metrics,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address of the `--metrics-bind` listener, when there is one.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, address)| *address)
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped by a signal (SIGTERM, SIGINT) or the handle, letting
    /// requests in flight finish within the grace period.
    pub async fn run(self) -> std::io::Result<()> {
        let Some((metrics, _)) = self.metrics else {
            return self.server.await;
        };
        // The metrics listener lives as long as the API's.
        let handle = metrics.handle();
        actix_web::rt::spawn(metrics);
        let result = self.server.await;
        handle.stop(true).await;
        result
    }
}
