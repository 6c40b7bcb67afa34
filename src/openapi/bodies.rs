//! Write bodies in the description: they refuse unknown fields but take back the
//! fields the server manages, read `null` as absent, and a `PATCH` takes a merge
//! patch of the `PUT` body. The input types parse a JSON value by hand (to name
//! every bad field at once), so the derive macros cannot say this.

use serde_json::{Value, json};

use crate::domain::{NewArticle, NewEvent, NewParticipant, NewQuote};

/// Applies the rules below.
pub fn complete(doc: &mut Value) {
    input_bodies(doc);
    block_variants(doc);
    patch_bodies(doc);
}

/// The input schema of each writable resource and the fields its server-managed
/// representation adds, which a client may send back as read.
fn input_schemas() -> [(&'static str, &'static [&'static str]); 5] {
    [
        ("NewArticle", NewArticle::SERVER_FIELDS),
        ("NewQuote", NewQuote::SERVER_FIELDS),
        ("NewParticipant", NewParticipant::SERVER_FIELDS),
        ("NewEvent", NewEvent::SERVER_FIELDS),
        ("NewWebhook", &[]),
    ]
}

/// Write bodies refuse unknown fields (a typo is a 422, not silently dropped), take
/// back the server's fields unread, and read `null` as absent for optional fields.
fn input_bodies(doc: &mut Value) {
    for (name, server_fields) in input_schemas() {
        let Some(schema) = doc["components"]["schemas"].get_mut(name) else {
            continue;
        };
        let required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
        let Some(properties) = schema["properties"].as_object_mut() else {
            continue;
        };
        for (field, property) in properties.iter_mut() {
            if !required.contains(&json!(field)) {
                *property = nullable(std::mem::take(property));
            }
        }
        for field in server_fields {
            properties.insert(
                (*field).to_owned(),
                json!({"description": "Set by the server: accepted as read and ignored."}),
            );
        }
        schema["additionalProperties"] = json!(false);
    }
}

/// `schema`, or `null`.
fn nullable(schema: Value) -> Value {
    let already = match &schema["type"] {
        Value::Array(types) => types.contains(&json!("null")),
        Value::String(t) => t == "null",
        _ => false,
    } || schema["oneOf"]
        .as_array()
        .is_some_and(|alternatives| alternatives.contains(&json!({"type": "null"})));
    if already {
        return schema;
    }
    let mut schema = schema;
    let description = schema.as_object_mut().and_then(|s| s.remove("description"));
    let mut wrapped = json!({"oneOf": [schema, {"type": "null"}]});
    if let Some(description) = description {
        wrapped["description"] = description;
    }
    wrapped
}

/// Each kind of body block has exactly its fields (`deny_unknown_fields`).
fn block_variants(doc: &mut Value) {
    if let Some(variants) = doc["components"]["schemas"]["Block"]["oneOf"].as_array_mut() {
        for variant in variants {
            variant["additionalProperties"] = json!(false);
        }
    }
}

/// A `PATCH` body is a JSON Merge Patch of the resource: any of the `PUT` body's
/// fields, none required; `null` removes an optional field.
fn patch_bodies(doc: &mut Value) {
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item = &doc["paths"][&path];
        let Some(put_ref) =
            item["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        else {
            continue;
        };
        if item.get("patch").is_none() {
            continue;
        }
        let input = put_ref.rsplit('/').next().unwrap_or_default().to_owned();
        let patch_name = format!("{}Patch", input.trim_start_matches("New"));
        let mut patch = doc["components"]["schemas"][&input].clone();
        if let Some(object) = patch.as_object_mut() {
            object.remove("required");
            object.insert(
                "description".into(),
                json!(format!(
                    "A JSON Merge Patch (RFC 7396) of the resource: any fields of `{input}`, \
                     none required. `null` removes an optional field."
                )),
            );
        }
        doc["components"]["schemas"][&patch_name] = patch;
        let content = &mut doc["paths"][&path]["patch"]["requestBody"]["content"];
        if let Some(content) = content.as_object_mut() {
            for media in content.values_mut() {
                media["schema"] = json!({"$ref": format!("#/components/schemas/{patch_name}")});
            }
        }
    }
}
