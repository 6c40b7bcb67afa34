//! The OpenAPI description is generated, complete and committed.

use serde_json::Value;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_committed_description_is_the_generated_one() {
    let generated = newsdesk::openapi::render()
        .await
        .expect("the description renders");
    let committed = include_str!("../../openapi/openapi.json");
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `tests/clients/regenerate` (the description, the \
         Postman collection and the TypeScript types) and commit what it changes"
    );
    let app = spawn_app().await;
    assert_eq!(
        app.get("/openapi.json").await.body,
        committed.as_bytes(),
        "and served"
    );
}

#[actix_web::test]
async fn every_operation_is_described_with_examples_and_problems() {
    let app = spawn_app().await;
    let doc = app.get_ok("/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["license"]["name"], "MIT");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20);
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let summary = op["summary"].as_str().unwrap_or("");
            assert!(!summary.is_empty(), "{method} {path} has no summary");
            assert_eq!(
                op["responses"]["500"]["$ref"],
                "#/components/responses/InternalError"
            );
            if path.contains('{') {
                assert_eq!(
                    op["responses"]["404"]["$ref"], "#/components/responses/NotFound",
                    "{path}"
                );
            }
            if path == "/openapi.json" || path == "/metrics" {
                continue;
            }
            let responses = op["responses"].as_object().unwrap();
            let Some(ok) = responses
                .iter()
                .find(|(code, r)| code.starts_with('2') && r.get("content").is_some())
                .and_then(|(_, r)| {
                    let content = r["content"].as_object()?;
                    content
                        .iter()
                        .find(|(m, _)| m.contains("json") || *m == "application/xml")
                        .map(|(_, c)| c)
                })
            else {
                assert_eq!(*method, "delete", "{method} {path} has no success response");
                continue;
            };
            if let Some(xml) = ok["example"].as_str() {
                assert!(
                    xml.starts_with("<?xml"),
                    "{path}: the example is a real response"
                );
                continue;
            }
            assert!(ok["example"].is_object(), "{method} {path} has no example");
            if path.starts_with("/v1/feeds/") {
                assert!(ok["example"]["items"].is_array(), "{path}");
            } else if path.starts_with("/v1/") {
                assert!(
                    ok["example"]["data"] != Value::Null,
                    "{path}: the example is a real response"
                );
            }
        }
    }
    let problem =
        &doc["components"]["responses"]["NotFound"]["content"]["application/problem+json"];
    assert_eq!(problem["schema"]["$ref"], "#/components/schemas/Problem");
}

/// Strings of `value`, with their JSON pointers, outside `example` and `examples`.
fn strings_outside_examples(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((at, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings_outside_examples(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key != "example" && key != "examples" {
                    strings_outside_examples(item, format!("{at}/{key}"), out);
                }
            }
        }
        _ => {}
    }
}

#[actix_web::test]
async fn the_description_names_no_made_up_site() {
    let app = spawn_app().await;
    let doc = app.get_ok("/openapi.json").await;
    let mut strings = Vec::new();
    strings_outside_examples(&doc, String::new(), &mut strings);
    for (at, text) in strings {
        for placeholder in ["example.org", "example.com", "example.net"] {
            assert!(!text.contains(placeholder), "{at}: {text}");
        }
    }
    // Nothing made up stands in for a contact or a website: such fields are left out.
    assert!(doc["info"].get("contact").is_none(), "{}", doc["info"]);
    assert!(doc.get("externalDocs").is_none());
    let manifest = include_str!("../../Cargo.toml");
    assert!(!manifest.contains("example.org") && !manifest.contains("example.com"));
}
