//! The API root, where a person exploring with curl or Postman starts: `GET /` and
//! `GET /v1` name the service and link to everything it serves, each link with a line
//! on what it is (as GitHub's API root does). A browser is sent to the docs instead.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

use super::negotiate::quality;

/// The service and where everything is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIndex {
    /// The service's name.
    #[schema(example = "newsdesk")]
    pub name: &'static str,
    /// The version of the server (semver).
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    /// What the service is, in a sentence.
    pub description: &'static str,
    /// Everything served, by name. Each `href` is a path on this server.
    pub links: IndexLinks,
}

/// A path on this server and what is there.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexLink {
    /// The path, relative to the server this index came from.
    #[schema(example = "/v1/articles")]
    pub href: &'static str,
    /// What is there, in one line.
    #[schema(example = "News articles, newest first.")]
    pub description: &'static str,
}

/// The collections, search, feeds, change log, documentation and health checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexLinks {
    pub articles: IndexLink,
    pub quotes: IndexLink,
    pub participants: IndexLink,
    pub events: IndexLink,
    pub topics: IndexLink,
    pub search: IndexLink,
    pub article_feed: IndexLink,
    pub quote_feed: IndexLink,
    pub changes: IndexLink,
    pub webhooks: IndexLink,
    pub docs: IndexLink,
    pub openapi: IndexLink,
    pub health: IndexLink,
    pub readiness: IndexLink,
}

const fn link(href: &'static str, description: &'static str) -> IndexLink {
    IndexLink { href, description }
}

/// Relative links only: absolute URLs come from configuration (`--public-url`), never
/// from the request's headers, and a relative link is right behind any proxy.
const INDEX: ApiIndex = ApiIndex {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    description: env!("CARGO_PKG_DESCRIPTION"),
    links: IndexLinks {
        articles: link(
            "/v1/articles",
            "News articles, newest first: filter, search with `q`, sort, side-load with `include`.",
        ),
        quotes: link(
            "/v1/quotes",
            "Verbatim quotes, each with its speaker, article, event and topic.",
        ),
        participants: link("/v1/participants", "People, organizations and countries."),
        events: link(
            "/v1/events",
            "Summits, accessions and meetings, with their participants and roles.",
        ),
        topics: link(
            "/v1/topics",
            "The subjects articles and quotes are filed under.",
        ),
        search: link(
            "/v1/search",
            "Full-text search across articles, quotes, participants and events: `?q=`.",
        ),
        article_feed: link(
            "/v1/feeds/articles.atom",
            "Published articles as Atom; `articles.rss` and `articles.json` (JSON Feed) too.",
        ),
        quote_feed: link(
            "/v1/feeds/quotes.atom",
            "Quotes of published articles as Atom; `quotes.rss` and `quotes.json` too.",
        ),
        changes: link(
            "/v1/changes",
            "Every create, update and delete in order, to mirror the content (`since=`).",
        ),
        webhooks: link(
            "/v1/webhooks",
            "Signed push notifications of every change (editor key).",
        ),
        docs: link(
            "/docs",
            "Interactive documentation: try every request from the browser.",
        ),
        openapi: link(
            "/openapi.json",
            "The OpenAPI 3.1 description of everything here.",
        ),
        health: link("/healthz", "Liveness: 200 while the process serves HTTP."),
        readiness: link("/readyz", "Readiness: 200 when the database answers."),
    },
};

/// What both roots answer.
#[derive(IntoResponses)]
// Only describes the responses (`index` builds them): never constructed.
#[allow(dead_code, clippy::large_enum_variant)]
enum RootResponses {
    /// The index of the API.
    #[response(status = 200)]
    Index(ApiIndex),
    /// `Accept` prefers HTML: the interactive docs.
    #[response(status = 303, headers(("Location" = String, description = "`/docs/`")))]
    Docs,
}

/// Where a browser is sent.
const DOCS: &str = "/docs/";

/// The API root
///
/// The service's name and version, and a link to every collection, the search, the
/// feeds, the change log, the docs, this description and the health checks, each
/// with a line on what it is. Links are paths on this server. A client that prefers
/// `text/html` to JSON (a browser) is redirected to the interactive docs at `/docs`.
#[utoipa::path(tag = "service", responses(RootResponses))]
#[get("/")]
pub async fn get_root(req: HttpRequest) -> HttpResponse {
    index(&req)
}

/// The API root, under /v1
///
/// The same index as `/`, where the versioned paths begin.
#[utoipa::path(tag = "service", responses(RootResponses))]
#[get("")]
pub async fn get_v1_root(req: HttpRequest) -> HttpResponse {
    index(&req)
}

/// The index, or a redirect to the docs for a browser. Either way the answer depends
/// on `Accept`, and says so (the JSON's `Vary` is set with its `ETag`).
fn index(req: &HttpRequest) -> HttpResponse {
    if prefers_html(req) {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, DOCS))
            .insert_header((header::VARY, "Accept"))
            .finish();
    }
    HttpResponse::Ok().json(INDEX)
}

/// True when `Accept` ranks `text/html` above JSON, as browsers' `Accept` does; curl's
/// `*/*`, no `Accept` at all, or a tie get JSON.
fn prefers_html(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    quality(accept, "text/html") > quality(accept, "application/json")
}
