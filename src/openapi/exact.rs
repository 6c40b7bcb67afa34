//! Makes the generated description say exactly what the server accepts and answers,
//! where the derive macros cannot: which keys each operation takes, the values of
//! `include` and `format`, the media types a read negotiates, and input bodies that
//! refuse unknown fields but take back the fields the server manages. Contract tests
//! (schemathesis) generate requests from these schemas, so "valid" here must mean
//! "accepted" there.

use serde_json::{Value, json};

use crate::api::include::Includable;
use crate::api::listing::field_names;
use crate::domain::{Article, Event, NewArticle, NewEvent, NewParticipant, NewQuote, Participant};
use crate::domain::{Quote, Topic};
use crate::domain::{SearchHit, TimelineEntry};
use crate::storage::Resource;

/// Applies every rule below to the rendered description.
pub fn complete(doc: &mut Value) {
    input_bodies(doc);
    block_variants(doc);
    patch_bodies(doc);
    for_each_operation(doc, |method, operation| {
        optional_keys(operation);
        repeated_filters(operation);
        if method == "get" {
            includes(operation);
            formats(operation);
            vocabulary(operation);
        }
    });
    prune_unused_schemas(doc);
}

/// Drops component schemas nothing refers to: the generic envelopes
/// (`Collection<SearchHit>` …) inline their item schema, which utoipa also registers.
fn prune_unused_schemas(doc: &mut Value) {
    loop {
        let text = doc.to_string();
        let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
            return;
        };
        let unused: Vec<String> = schemas
            .keys()
            .filter(|name| !text.contains(&format!("\"#/components/schemas/{name}\"")))
            .cloned()
            .collect();
        if unused.is_empty() {
            return;
        }
        for name in unused {
            schemas.remove(&name);
        }
    }
}

fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &mut Value)) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            f(method, operation);
        }
    }
}

/// Reads need no key, but take one: a partner key (its own quota) or an editor key
/// (drafts). Any key that is sent is checked, so a bad one is a 401 on every route.
fn optional_keys(operation: &mut Value) {
    if operation.get("security").is_none() {
        operation["security"] = json!([{}, {"partner_key": []}, {"editor_key": []}]);
    }
    operation["responses"]["401"] = json!({"$ref": "#/components/responses/Unauthorized"});
    let by_status = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "status"));
    if by_status {
        // `?status=` lists drafts: editors only.
        operation["responses"]["403"] = json!({"$ref": "#/components/responses/Forbidden"});
    }
}

/// A filter given several times matches any of its values (`kind=a&kind=b`): form
/// style, exploded. Said explicitly, as clients otherwise guess.
fn repeated_filters(operation: &mut Value) {
    let Some(params) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for param in params {
        if param["in"] == "query"
            && param["schema"]["type"] == "array"
            && param.get("style").is_none()
        {
            param["style"] = json!("form");
            param["explode"] = json!(true);
        }
    }
}

/// The resource an operation returns, from the schema of its 200 response
/// (`Single_Article`, `Collection_Quote` …).
fn resource_of(operation: &Value) -> Option<&str> {
    let reference =
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].as_str()?;
    let name = reference.rsplit('/').next()?;
    name.strip_prefix("Single_")
        .or_else(|| name.strip_prefix("Collection_"))
}

fn relations(resource: &str) -> Option<Vec<&'static str>> {
    fn names<T: Includable>() -> Vec<&'static str> {
        T::RELATIONS.iter().map(|(name, _)| *name).collect()
    }
    Some(match resource {
        "Article" => names::<Article>(),
        "Quote" => names::<Quote>(),
        "Participant" => names::<Participant>(),
        "Event" => names::<Event>(),
        "Topic" => names::<Topic>(),
        "SearchHit" => names::<SearchHit>(),
        "TimelineEntry" => names::<TimelineEntry>(),
        _ => return None,
    })
}

/// What the list vocabulary accepts for one resource: its sorts, fields and facets.
struct Vocabulary {
    sorts: Vec<&'static str>,
    fields: Vec<String>,
    facets: Vec<&'static str>,
}

fn vocabulary_of(resource: &str) -> Option<Vocabulary> {
    fn of<R: Resource + utoipa::PartialSchema>() -> Vocabulary {
        Vocabulary {
            sorts: R::SORTS.iter().map(|s| s.name).collect(),
            fields: field_names::<R>(),
            facets: R::FACETS.iter().map(|f| f.name).collect(),
        }
    }
    Some(match resource {
        "Article" => of::<Article>(),
        "Quote" => of::<Quote>(),
        "Participant" => of::<Participant>(),
        "Event" => of::<Event>(),
        "Topic" => of::<Topic>(),
        "SearchHit" => of::<SearchHit>(),
        "TimelineEntry" => of::<TimelineEntry>(),
        _ => return None,
    })
}

/// A comma-separated list of names (form style, not exploded). A name given twice
/// counts once: the array does not declare `uniqueItems`, as the server takes
/// `fields=id,id` and clients may send it.
fn name_list_schema(param: &mut Value, names: &[&str]) {
    param["style"] = json!("form");
    param["explode"] = json!(false);
    param["schema"] = json!({"type": "array", "minItems": 1,
        "items": {"type": "string", "enum": names}});
    param["example"] = json!(names.iter().take(2).collect::<Vec<_>>());
    let description = param["description"].as_str().unwrap_or_default();
    param["description"] =
        json!(format!("{description} A name given twice counts once.").trim_start());
}

/// The shared list parameters, exactly: `sort`, `fields` and `facet` take only the
/// names this resource knows, `count` is a boolean, time bounds are RFC 3339 times
/// or dates, `q` is bounded. (`relevance` needs `q`: JSON Schema cannot say so; the
/// description does.)
fn vocabulary(operation: &mut Value) {
    let resource = resource_of(operation).map(str::to_owned);
    let Some(words) = resource.as_deref().and_then(vocabulary_of) else {
        return;
    };
    if let Some(param) = parameter(operation, "sort") {
        param["schema"] = json!({"type": "string", "enum": words.sorts});
        param["example"] = json!(words.sorts[0]);
    }
    if let Some(param) = parameter(operation, "fields") {
        let fields: Vec<&str> = words.fields.iter().map(String::as_str).collect();
        name_list_schema(param, &fields);
    }
    if let Some(param) = parameter(operation, "facet") {
        name_list_schema(param, &words.facets);
    }
    if let Some(param) = parameter(operation, "count") {
        param["schema"] = json!({"type": "boolean"});
    }
    for name in ["published_after", "published_before", "updated_after"] {
        if let Some(param) = parameter(operation, name) {
            param["schema"] = json!({"anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"}
            ]});
        }
    }
    for name in ["said_after", "said_before", "starts_after", "starts_before"] {
        if let Some(param) = parameter(operation, name) {
            param["schema"] = json!({"type": "string", "format": "date"});
        }
    }
    if let Some(param) = parameter(operation, "q") {
        param["schema"] = json!({"type": "string", "minLength": 1,
            "maxLength": crate::storage::fts::MAX_LEN});
    }
}

fn parameter<'a>(operation: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    operation
        .get_mut("parameters")?
        .as_array_mut()?
        .iter_mut()
        .find(|p| p["name"] == name && p["in"] == "query")
}

/// `include` is a comma-separated list (form style, not exploded) of the names the
/// returned resource relates by; anything else, an empty value included, is a 400.
/// A resource that relates to nothing takes no `include` at all.
fn includes(operation: &mut Value) {
    let Some(names) = resource_of(operation).and_then(relations) else {
        return;
    };
    if names.is_empty() {
        if let Some(params) = operation["parameters"].as_array_mut() {
            params.retain(|p| !(p["name"] == "include" && p["in"] == "query"));
        }
        return;
    }
    let Some(param) = parameter(operation, "include") else {
        return;
    };
    name_list_schema(param, &names);
}

/// Single reads negotiate their representation by `Accept` or `format`: the formats
/// are listed per resource, each with its media type in the 200 response, and a
/// media type that is not offered is a 406.
fn formats(operation: &mut Value) {
    let Some(resource) = resource_of(operation).map(str::to_owned) else {
        return;
    };
    let offered: &[(&str, &str, &str)] = match resource.as_str() {
        "Article" => &[
            ("json", "application/json", ""),
            (
                "jsonld",
                "application/ld+json",
                "schema.org `NewsArticle` in JSON-LD.",
            ),
            ("ninjs", "application/ninjs+json", "An IPTC ninjs 2.2 item."),
        ],
        "Quote" | "Participant" | "Event" => &[
            ("json", "application/json", ""),
            ("jsonld", "application/ld+json", "schema.org JSON-LD."),
        ],
        _ => &[("json", "application/json", "")],
    };
    let Some(param) = parameter(operation, "format") else {
        return;
    };
    let names: Vec<&str> = offered.iter().map(|(name, _, _)| *name).collect();
    param["schema"] = json!({"type": "string", "enum": names});
    param["example"] = json!(names.last());
    let content = &mut operation["responses"]["200"]["content"];
    for (_, media, description) in &offered[1..] {
        content[*media] = json!({
            "schema": {"type": "object", "description": description, "additionalProperties": true},
        });
    }
    operation["responses"]["406"] = json!({"$ref": "#/components/responses/NotAcceptable"});
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
