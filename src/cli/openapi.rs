//! `newsdesk openapi`: the description with examples that are real responses, read
//! from the fixtures through the real app.

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use serde_json::{Value, json};

use crate::domain::ResourceKind;
use crate::domain::webhook::NewWebhook;
use crate::startup::HttpSettings;
use crate::storage::Db;
use crate::storage::keys::{self, Role};
use crate::storage::seed::FIXTURE_TIME;
use crate::storage::{previews, webhooks};

/// A fixture id for each kind of path parameter besides those of the resources
/// (their registrations name one), so that examples are real responses.
const EXAMPLE_IDS: &[(&str, &str)] = &[
    ("/problems/", "not-found"),
    ("/v1/webhooks/", EXAMPLE_WEBHOOK),
    ("/v1/previews/", "lukashenko-meets-xi-jinping-astana"),
];

const EXAMPLE_WEBHOOK: &str = "9f2c4e1a7b3d";

/// Query parameters an example needs besides `limit`.
const EXAMPLE_QUERIES: &[(&str, &str)] = &[("/v1/search", "q=food+security&")];

/// The full description, rendered from the code with real examples: what `newsdesk
/// openapi` prints, and what the committed `openapi/openapi.json` must equal.
pub async fn render() -> Result<String, Box<dyn std::error::Error>> {
    let mut doc = crate::openapi::describe()?;
    let db = Db::open_in_memory()?;
    let key = db.write_blocking(|conn| {
        // A subscription with fixed values: ids and secrets are random otherwise.
        let hook = NewWebhook {
            url: "https://partner.example/newsdesk-hook".to_owned(),
            types: vec![ResourceKind::Article],
            embargo: false,
        };
        webhooks::insert(conn, EXAMPLE_WEBHOOK, &hook, "-", FIXTURE_TIME, None)?;
        // A fixed preview secret, so the example preview tokens are the same each time.
        previews::set_secret(conn, "ZXhhbXBsZS1wcmV2aWV3LXNlY3JldA")?;
        keys::create(conn, "examples", Role::Editor, None, 0)
    })?;
    let bearer = format!("Bearer {key}");
    // Unspecified, as a container binds: links say `localhost`. No response cache.
    let mut settings = crate::startup::in_process(std::path::PathBuf::new());
    settings.response_cache_mb = 0;
    let http = HttpSettings::new(&settings, ([0, 0, 0, 0], 8080).into(), db.generation());
    let mut state = crate::startup::state(db, Default::default(), None).await?;
    // A fixed clock, so that the examples of writes do not change between builds.
    state.clock = || chrono::DateTime::from_timestamp(FIXTURE_TIME + 86_400, 0).unwrap_or_default();
    // The link `POST /v1/articles/{id}/previews` mints with its example body.
    let preview_token = {
        let expires = (state.clock)().timestamp() + previews::DEFAULT_LIFETIME;
        use crate::api::served::Served;
        let article = crate::domain::ArticleId::parse(crate::domain::Article::EXAMPLE_ID)?;
        state
            .db
            .write_blocking(|conn| previews::sign(conn, &article, expires))?
    };
    let app = init_service(crate::startup::app(state, http)).await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let example_ids: Vec<(String, &str)> = crate::api::served::example_ids()
        .into_iter()
        .chain(EXAMPLE_IDS.iter().map(|(p, id)| (p.to_string(), *id)))
        .collect();
    for path in paths {
        let Some(operation) = doc["paths"][&path].get("get") else {
            continue;
        };
        if path == "/openapi.json" || path == "/metrics" {
            continue;
        }
        let mut uri = example_ids
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(_, id)| path.replace("{id}", id).replace("{slug}", id))
            .unwrap_or_else(|| path.clone())
            .replace("{n}", "1")
            .replace("{page}", "1")
            .replace("{format}", "json");
        if path == "/v1/previews/{id}" {
            uri.push_str(&format!("?token={preview_token}"));
        }
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
        crate::openapi::keys::document(&mut doc, &path, &status, response.headers());
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
                .uri(&format!(
                    "{uri}{}format={format}",
                    if uri.contains('?') { '&' } else { '?' }
                ))
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
            let uri = example_ids
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
