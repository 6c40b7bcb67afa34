//! The OpenAPI description is generated, complete and committed.

use serde_json::Value;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_committed_description_is_the_generated_one() {
    let generated = newsdesk::cli::openapi::render()
        .await
        .expect("the description renders");
    let committed = include_str!("../../openapi/openapi.json");
    let differs = generated
        .lines()
        .zip(committed.lines())
        .position(|(g, c)| g != c);
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `tests/clients/regenerate` (the description, the \
         Postman collection and the TypeScript types) and commit what it changes; first \
         difference at line {differs:?}: {:?}",
        differs.map(|n| (generated.lines().nth(n), committed.lines().nth(n)))
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

/// Whether the operation `name` (`GET /v1/topics`) matches a schemathesis
/// `include-name-regex` of the simple kind the config uses: anchored, with `.*`
/// wildcards and escaped braces.
fn matches_operation(pattern: &str, name: &str) -> bool {
    let pattern = pattern
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("\\\\", "\\")
        .replace("\\{", "{")
        .replace("\\}", "}");
    let mut parts = pattern.split(".*");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// schemathesis pins `fields` to every field of each resource, so that responses stay
/// checkable against their schemas (tests/clients/schemathesis.toml). A field added
/// to a resource and left out of its pin makes the contract test fail, so each pin
/// must name exactly the fields the description allows.
#[test]
fn the_contract_tests_pin_fields_to_every_field() {
    let config = include_str!("../clients/schemathesis.toml");
    let doc: Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let quoted = |block: &str, key: &str| -> Option<String> {
        let start = block.find(key)? + key.len();
        let rest = block[start..].trim_start().strip_prefix('=')?.trim_start();
        let rest = rest.strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_owned())
    };
    let mut pins = 0;
    for block in config.split("[[operations]]").skip(1) {
        let (Some(pattern), Some(fields)) = (
            quoted(block, "include-name-regex"),
            quoted(block, "\"query.fields\""),
        ) else {
            continue;
        };
        let mut pinned: Vec<&str> = fields.split(',').collect();
        pinned.sort_unstable();
        let mut matched = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            let Some(get) = item.get("get") else { continue };
            if !matches_operation(&pattern, &format!("GET {path}")) {
                continue;
            }
            matched += 1;
            let allowed = get["parameters"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == "fields"))
                .map(|p| &p["schema"]["items"]["enum"])
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("GET {path} takes no `fields`"));
            let mut allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            allowed.sort_unstable();
            assert_eq!(
                pinned, allowed,
                "GET {path}: the `fields` pin in tests/clients/schemathesis.toml must name every field"
            );
        }
        assert!(matched > 0, "`{pattern}` matches no operation");
        pins += 1;
    }
    assert!(pins >= 10, "the pins were read ({pins})");
}
