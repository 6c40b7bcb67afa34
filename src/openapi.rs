//! The OpenAPI description: generated from the handlers' `#[utoipa::path]` attributes
//! and the domain types, completed in one place with the error responses every
//! operation shares and with examples read from the fixtures through the real app.

use std::sync::Arc;

use actix_web::App;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::api::error::{ApiError, FieldError, Problem, ProblemType};
use crate::api::{self, AppState, routing::RouteTable};
use crate::storage::Db;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "newsdesk",
        description = "A typed news content API: articles, the verbatim quotes they report, \
            the people, organizations and countries involved, and the events they cover. \
            Collections are paginated by opaque cursor (`limit`, `cursor`, `Link: rel=\"next\"`) \
            and share one query vocabulary: repeatable filters (a repeated filter means OR, \
            different filters AND), `sort` (the id breaks ties), `fields` (sparse items), \
            `count=true` (`page.total`), `facet` (`facets`), `include` (related resources \
            side-loaded once each into `included`) and, where the text is searchable, `q` \
            (full text). An unknown parameter or value is a 400 problem that names it; every \
            error is an RFC 9457 `application/problem+json` document.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "newsdesk maintainers", url = "https://example.org/newsdesk")
    ),
    tags(
        (name = "articles", description = "News articles, with bodies as typed blocks."),
        (name = "quotes", description = "Verbatim statements with speaker, article, event and topic."),
        (name = "participants", description = "People, organizations and countries."),
        (name = "events", description = "Summits, accessions and meetings, with participants and roles."),
        (name = "topics", description = "Subjects that articles and quotes are filed under."),
        (name = "search", description = "Full-text search across every resource."),
        (name = "service", description = "Health, readiness, this description, problem types.")
    ),
    components(schemas(Problem, FieldError, ProblemType))
)]
struct ApiDoc;

/// The description as the code declares it, without examples.
pub fn describe() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(api::configure)
        .split_for_parts();
    doc
}

/// A fixture id for each kind of path parameter, so that examples are real responses.
const EXAMPLE_IDS: &[(&str, &str)] = &[
    ("/v1/articles/", "lukashenko-meets-xi-jinping-astana"),
    ("/v1/quotes/", "lukashenko-wonderful-gift"),
    ("/v1/participants/", "xi-jinping"),
    ("/v1/events/", "lukashenko-xi-meeting-2024"),
    ("/v1/topics/", "food-security"),
    ("/problems/", "not-found"),
];

/// Query parameters an example needs besides `limit`.
const EXAMPLE_QUERIES: &[(&str, &str)] = &[("/v1/search", "q=food+security&")];

/// The full description, as served at `/openapi.json` and printed by `newsdesk openapi`.
pub async fn render() -> Result<String, Box<dyn std::error::Error>> {
    let described = describe();
    let routes = Arc::new(RouteTable::from_openapi(&described));
    let mut doc = serde_json::to_value(&described)?;
    add_error_responses(&mut doc);

    let state = AppState {
        db: Db::open_in_memory()?,
        openapi: Arc::new("{}".to_owned()),
        routes,
        metrics: crate::http::Metrics::new(),
    };
    let app = init_service(crate::startup::app(state, Default::default())).await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let operation = &mut doc["paths"][&path]["get"];
        if operation.is_null() || path == "/openapi.json" || path == "/metrics" {
            continue;
        }
        let mut uri = EXAMPLE_IDS
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(_, id)| path.replace("{id}", id).replace("{slug}", id))
            .unwrap_or_else(|| path.clone());
        let is_list = operation["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "limit"));
        if is_list {
            let extra = EXAMPLE_QUERIES
                .iter()
                .find(|(p, _)| *p == path)
                .map_or("", |(_, q)| q);
            uri.push_str(&format!("?{extra}limit=2"));
        }
        let response = call_service(&app, TestRequest::get().uri(&uri).to_request()).await;
        let status = response.status().as_u16().to_string();
        let body: Value = serde_json::from_slice(&read_body(response).await)?;
        if let Some(content) = operation["responses"][&status]["content"].as_object_mut() {
            for media in content.values_mut() {
                media["example"] = body.clone();
            }
        }
    }
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// Adds the problem responses to every operation: 400 for bad parameters, 404 where
/// the path names a resource, 500 everywhere. The examples are the errors' own output.
fn add_error_responses(doc: &mut Value) {
    let problem = |error: ApiError, description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": error.problem(),
            }}
        })
    };
    doc["components"]["responses"] = json!({
        "BadRequest": problem(
            ApiError::invalid("limit", "must be between 1 and 100"),
            "A parameter is malformed, unknown or out of range.",
        ),
        "NotFound": problem(
            ApiError::not_found("article", "no-such-article"),
            "No resource has this id.",
        ),
        "InternalError": problem(
            ApiError::Storage(crate::storage::StorageError::Blocking("example".into())),
            "The server failed; the request changed nothing.",
        ),
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut() {
            let has_params = operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty());
            let responses = &mut operation["responses"];
            if has_params {
                responses["400"] = json!({"$ref": "#/components/responses/BadRequest"});
            }
            if path.contains('{') {
                responses["404"] = json!({"$ref": "#/components/responses/NotFound"});
            }
            responses["500"] = json!({"$ref": "#/components/responses/InternalError"});
        }
    }
}
