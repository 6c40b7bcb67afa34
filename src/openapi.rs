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
use crate::storage::keys::Role;

mod exact;

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
            error is an RFC 9457 `application/problem+json` document. A name given twice in \
            a comma-separated list counts once; a parameter that takes one value, given two \
            different ones, is a 400 problem.",
        license(name = "MIT", identifier = "MIT")
    ),
    servers((url = "/", description = "The server that serves this description.")),
    tags(
        (name = "articles", description = "News articles, with bodies as typed blocks."),
        (name = "quotes", description = "Verbatim statements with speaker, article, event and topic."),
        (name = "participants", description = "People, organizations and countries."),
        (name = "events", description = "Summits, accessions and meetings, with participants and roles."),
        (name = "topics", description = "Subjects that articles and quotes are filed under."),
        (name = "search", description = "Full-text search across every resource."),
        (name = "changes", description = "The change log, for partners that mirror the content."),
        (name = "webhooks", description = "Signed push notifications of every change."),
        (name = "feeds", description = "RSS, Atom and JSON Feed of published articles and quotes."),
        (name = "sitemaps", description = "Sitemaps of the published articles, for search engines and Google News."),
        (name = "service", description = "Health, readiness, this description, problem types.")
    ),
    components(schemas(
        Problem,
        FieldError,
        ProblemType,
        crate::domain::ResourceKind,
        crate::api::feeds::FeedFormat,
        crate::api::root::ApiIndex
    )),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// The API keys, sent as `Authorization: Bearer <key>`.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                "editor_key",
                "An editor key (`newsdesk keys create --role editor`): writes, and reads drafts.",
            ),
            (
                "partner_key",
                "A partner key (`newsdesk keys create --role partner`): reads published content with its own rate limit.",
            ),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("nd_<id>_<secret>")
                        .description(Some(description))
                        .build(),
                ),
            );
        }
    }
}

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
    ("/v1/webhooks/", EXAMPLE_WEBHOOK),
];

const EXAMPLE_WEBHOOK: &str = "9f2c4e1a7b3d";

/// Query parameters an example needs besides `limit`.
const EXAMPLE_QUERIES: &[(&str, &str)] = &[("/v1/search", "q=food+security&")];

/// The description committed as `openapi/openapi.json`, which the server serves.
pub const COMMITTED: &str = include_str!("../openapi/openapi.json");

/// The full description, rendered from the code with real examples: what `newsdesk
/// openapi` prints, and what [`COMMITTED`] must equal.
pub async fn render() -> Result<String, Box<dyn std::error::Error>> {
    let described = describe();
    let routes = Arc::new(RouteTable::from_openapi(&described));
    let mut doc = serde_json::to_value(&described)?;
    add_error_responses(&mut doc);
    exact::complete(&mut doc);

    let db = Db::open_in_memory()?;
    let key = db.write_blocking(|conn| {
        // A subscription with fixed values: ids and secrets are random otherwise.
        conn.execute(
            "INSERT INTO webhooks (id, url, types, secret, created_at, next_seq)
             VALUES (?1, 'https://partner.example/newsdesk-hook', '[\"article\"]', '-', ?2,
                     (SELECT max(seq) + 1 FROM changes))",
            rusqlite::params![EXAMPLE_WEBHOOK, crate::storage::seed::FIXTURE_TIME],
        )?;
        crate::storage::keys::create(conn, "examples", Role::Editor, None, 0)
    })?;
    let bearer = format!("Bearer {key}");
    let state = AppState {
        db,
        openapi: Arc::new("{}".to_owned()),
        routes,
        metrics: crate::http::Metrics::new(),
        responses: crate::http::cache::ResponseCache::new(0, Default::default()),
        background: Default::default(),
        replica: None,
        clock: || {
            chrono::DateTime::from_timestamp(crate::storage::seed::FIXTURE_TIME + 86_400, 0)
                .unwrap_or_default()
        },
    };
    let app = init_service(crate::startup::app(state, Default::default())).await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let Some(operation) = doc["paths"][&path].get("get") else {
            continue;
        };
        if path == "/openapi.json" || path == "/metrics" {
            continue;
        }
        let mut uri = EXAMPLE_IDS
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(_, id)| path.replace("{id}", id).replace("{slug}", id))
            .unwrap_or_else(|| path.clone())
            .replace("{n}", "1")
            .replace("{page}", "1")
            .replace("{format}", "json");
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
        let request = TestRequest::get()
            .uri(&uri)
            .insert_header(("Authorization", bearer.as_str()));
        let response = call_service(&app, request.to_request()).await;
        let status = response.status().as_u16().to_string();
        let json = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        if !json {
            // XML (the sitemaps): the example is the document, as text.
            let text = String::from_utf8_lossy(&read_body(response).await).into_owned();
            let pointer = format!(
                "/paths/{}/get/responses/{status}/content/application~1xml",
                path.replace('~', "~0").replace('/', "~1")
            );
            if let Some(media) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
                media.insert("example".to_owned(), Value::String(text));
            }
            continue;
        }
        let body: Value = serde_json::from_slice(&read_body(response).await)?;
        set_example(&mut doc, &[&path, "get", "responses", &status], &body);
        for (format, media) in [
            ("jsonld", "application/ld+json"),
            ("ninjs", "application/ninjs+json"),
        ] {
            let at = &doc["paths"][&path]["get"]["responses"]["200"]["content"][media];
            if at.is_null() {
                continue;
            }
            let request = TestRequest::get()
                .uri(&format!("{uri}?format={format}"))
                .insert_header(("Authorization", bearer.as_str()));
            let response = call_service(&app, request.to_request()).await;
            let example: Value = serde_json::from_slice(&read_body(response).await)?;
            doc["paths"][&path]["get"]["responses"]["200"]["content"][media]["example"] = example;
        }
        // What a client reads it can PUT back: the example of both.
        set_example(&mut doc, &[&path, "put", "requestBody"], &body["data"]);
    }
    // Writes last, so the read examples show the fixtures alone.
    for path in doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if path == "/v1/webhooks" {
            // Creating one shows a random id and secret: show the fixed one instead.
            let mut created = doc["paths"]["/v1/webhooks/{id}"]["get"]["responses"]["200"]
                ["content"]["application/json"]["example"]
                .clone();
            created["data"]["secret"] = json!("b3JkaW5hcnktc2VjcmV0LXNob3duLW9uY2Utb25seQ");
            set_example(&mut doc, &[&path, "post", "responses", "201"], &created);
            continue;
        }
        for method in ["post", "put", "patch"] {
            let operation = &doc["paths"][&path][method];
            let Some(content) = operation["requestBody"]["content"].as_object() else {
                continue;
            };
            let Some((media, example)) = content
                .iter()
                .find_map(|(m, c)| Some((m.clone(), c.get("example")?.clone())))
            else {
                continue;
            };
            let uri = EXAMPLE_IDS
                .iter()
                .find(|(prefix, _)| path.starts_with(prefix))
                .map(|(_, id)| path.replace("{id}", id))
                .unwrap_or_else(|| path.clone());
            let mut writes = vec![(uri.clone(), example.clone())];
            if method == "put" && uri != path {
                writes.push(created_by_put(&uri, example));
            }
            for (uri, example) in writes {
                let request = TestRequest::default()
                    .method(method.to_uppercase().parse()?)
                    .uri(&uri)
                    .insert_header(("Authorization", bearer.as_str()))
                    .insert_header(("Content-Type", media.as_str()))
                    .set_payload(serde_json::to_vec(&example)?);
                let response = call_service(&app, request.to_request()).await;
                let status = response.status().as_u16().to_string();
                let body: Value = serde_json::from_slice(&read_body(response).await)?;
                set_example(&mut doc, &[&path, method, "responses", &status], &body);
            }
        }
    }
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// The PUT that creates (201): the example body under an id not yet taken.
fn created_by_put(uri: &str, mut example: Value) -> (String, Value) {
    let created = format!("{uri}-copy");
    example["id"] = json!(created.rsplit('/').next());
    // A quote block carries one of its own article's quotes, which a new article does
    // not have yet: it is a plain paragraph there.
    let blocks = example.get_mut("body").and_then(Value::as_array_mut);
    for block in blocks.into_iter().flatten() {
        if block.get("quote_id").is_some() {
            *block = json!({"type": "paragraph", "text": block["text"]});
        }
    }
    (created, example)
}

/// Sets `example` on every media type of the response or request body at `at`
/// (under `paths`), if the description has it.
fn set_example(doc: &mut Value, at: &[&str], example: &Value) {
    let pointer: String = at
        .iter()
        .map(|part| format!("/{}", part.replace('~', "~0").replace('/', "~1")))
        .collect();
    let Some(content) = doc
        .pointer_mut(&format!("/paths{pointer}/content"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (media_type, media) in content.iter_mut() {
        // The negotiated representations get examples of their own.
        let negotiated = media_type.starts_with("application/ld+json")
            || media_type.starts_with("application/ninjs+json");
        if media_type.contains("json") && !negotiated {
            media["example"] = example.clone();
        }
    }
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
        "Unauthorized": problem(
            ApiError::Unauthorized("Writing needs an editor key: send `Authorization: Bearer <key>`.".into()),
            "No API key, or an unknown or revoked one.",
        ),
        "Forbidden": problem(
            ApiError::Forbidden("The key `partner-site` has the role `partner`; writing needs an `editor` key.".into()),
            "The key's role may not do this.",
        ),
        "NotAcceptable": problem(
            ApiError::NotAcceptable("None of `text/html` is served here; this resource is served as application/json, application/ld+json.".into()),
            "`Accept` or `format` asks for a representation this resource does not have.",
        ),
        "ReadOnlyReplica": problem(
            ApiError::ReadOnlyReplica { location: Some("https://write.example.org/v1/articles".into()) },
            "This server is a read replica (`--read-only`): writes go to the primary, whose URL \
             for this request is in `Location` when the replica knows it (`--primary-url`).",
        ),
        "Conflict": problem(
            ApiError::Conflict("The participant `belarus` is still referred to by quotes …; change or delete those first.".into()),
            "The id is taken, or other resources still refer to this one.",
        ),
        "PreconditionFailed": problem(
            ApiError::PreconditionFailed("The resource has changed since the version `If-Match` names.".into()),
            "`If-Match` names a version that is no longer current.",
        ),
        "PayloadTooLarge": problem(
            ApiError::PayloadTooLarge("The body is 2000000 bytes; at most 1048576 are accepted.".into()),
            "The body is over the size limit.",
        ),
        "UnsupportedMediaType": problem(
            ApiError::UnsupportedMediaType("Send the body as `application/json`.".into()),
            "The body is not JSON.",
        ),
        "ValidationFailed": problem(
            ApiError::Unprocessable(vec![
                FieldError::new("headline", "must not be empty"),
                FieldError::new("dateline.date", "input contains invalid characters"),
            ]),
            "The body is JSON but not a valid resource; `errors` names every bad field.",
        ),
        "TooManyRequests": problem(
            ApiError::TooManyRequests { detail: "This client may make 1200 requests a minute (anonymous quota); retry in 3 s.".into(), retry_after: 3 },
            "Over the rate limit; see `Retry-After`, `RateLimit` and `RateLimit-Policy`.",
        ),
        "InsufficientStorage": problem(
            ApiError::Storage(crate::storage::StorageError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                None,
            ))),
            "The database's disk is full: the write stored nothing. Retry after `Retry-After` \
             seconds, once space is freed.",
        ),
        "Unavailable": problem(
            ApiError::Overloaded(crate::storage::Overload::Deadline),
            "The server cannot answer now: a query ran past the statement deadline \
             (`--statement-timeout-ms`), every connection is busy or a write holds the lock, \
             the server sheds the request (too many in flight), or, for a write, its storage \
             cannot be written now (read-only, or failing) and the write stored nothing. Retry \
             after `Retry-After` seconds.",
        ),
        "InternalError": problem(
            ApiError::Storage(crate::storage::StorageError::Blocking("example".into())),
            "The server failed; the request changed nothing.",
        ),
    });
    doc["components"]["responses"]["ReadOnlyReplica"]["headers"] = json!({
        "Allow": {
            "description": "The methods a replica serves.",
            "schema": {"type": "string"}
        },
        "Location": {
            "description": "This request's URL on the primary, when `--primary-url` is set.",
            "schema": {"type": "string", "format": "uri"}
        }
    });
    doc["components"]["responses"]["Unavailable"]["headers"] = json!({
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 0}
        }
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let has_params = operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty());
            let secured = operation.get("security").is_some();
            let has_body = operation.get("requestBody").is_some();
            let responses = &mut operation["responses"];
            let mut refer = |status: &str, name: &str| {
                responses[status] = json!({"$ref": format!("#/components/responses/{name}")});
            };
            if secured {
                refer("401", "Unauthorized");
                refer("403", "Forbidden");
            }
            if method != "get" {
                refer("405", "ReadOnlyReplica");
                refer("409", "Conflict");
            }
            if matches!(method.as_str(), "put" | "patch" | "delete") {
                refer("412", "PreconditionFailed");
            }
            if path.starts_with("/v1/") {
                refer("503", "Unavailable");
                if method != "get" {
                    refer("507", "InsufficientStorage");
                }
            }
            if has_body {
                refer("413", "PayloadTooLarge");
                refer("415", "UnsupportedMediaType");
                refer("422", "ValidationFailed");
                refer("400", "BadRequest");
            }
            // The API and its root count against the rate limits.
            if path.starts_with("/v1/") || path == "/v1" || path == "/" {
                refer("429", "TooManyRequests");
            }
            let responses = &mut operation["responses"];
            if has_params {
                responses["400"] = json!({"$ref": "#/components/responses/BadRequest"});
            }
            if path.contains('{') {
                responses["404"] = json!({"$ref": "#/components/responses/NotFound"});
            }
            // Every operation may read the database, if only to check a key.
            if responses.get("503").is_none() {
                responses["503"] = json!({"$ref": "#/components/responses/Unavailable"});
            }
            responses["500"] = json!({"$ref": "#/components/responses/InternalError"});
        }
    }
}
