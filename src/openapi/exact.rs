//! What the derive macros cannot say of an operation, in two short rules, applied
//! once the routes are registered (a `Modify` in `#[openapi(modifiers)]` would run
//! before them). Parameters are described by their types (`api::vocabulary`);
//! contract tests (schemathesis) generate requests from the description, so
//! "valid" there must mean "accepted" here.

use std::collections::BTreeSet;

use serde_json::Value;
use utoipa::Modify;
use utoipa::openapi::path::{Operation, Parameter};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

use crate::api::negotiate::Format;
use crate::api::served::json_ld_types;

/// The rules, applied to every operation.
pub struct Exact;

impl Modify for Exact {
    fn modify(&self, doc: &mut OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                negotiated(operation);
                drafts_need_an_editor(operation);
            }
        }
    }
}

/// The parameter `name` of `operation`.
fn parameter<'a>(operation: &'a Operation, name: &str) -> Option<&'a Parameter> {
    operation.parameters.iter().flatten().find_map(|p| match p {
        RefOr::T(p) if p.name == name => Some(p),
        _ => None,
    })
}

/// The values of the parameter `name`'s enum, when it has one.
fn enum_of(operation: &Operation, name: &str) -> Option<Vec<Value>> {
    match parameter(operation, name)?.schema.as_ref()? {
        RefOr::T(Schema::Object(object)) => object.enum_values.clone(),
        _ => None,
    }
}

/// A read that takes `format` negotiates: each format it lists (from the resource's
/// `Served::FORMATS`) is a media type of its 200 response, and a media type it
/// does not offer is a 406.
fn negotiated(operation: &mut Operation) {
    let Some(names) = enum_of(operation, "format") else {
        return;
    };
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
        return;
    };
    for format in names.iter().filter_map(|n| Format::named(n.as_str()?)) {
        if format == Format::Json {
            continue;
        }
        // The resource's own schema.org types, from the section the read is in.
        let types = (format == Format::JsonLd)
            .then(|| {
                operation
                    .tags
                    .iter()
                    .flatten()
                    .find_map(|t| json_ld_types(t))
            })
            .flatten();
        let about = match types {
            Some(types) => format!("schema.org {types} in JSON-LD."),
            None => format.about().to_owned(),
        };
        let schema = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(about))
            .additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(true),
            ));
        ok.content.insert(
            format.media_type().to_owned(),
            RefOr::T(ContentBuilder::new().schema(Some(schema)).build()),
        );
    }
    operation.responses.responses.insert(
        "406".to_owned(),
        RefOr::Ref(Ref::new("#/components/responses/NotAcceptable")),
    );
}

/// `?status=` lists drafts: editors only.
fn drafts_need_an_editor(operation: &mut Operation) {
    if parameter(operation, "status").is_some() {
        operation.responses.responses.insert(
            "403".to_owned(),
            RefOr::Ref(Ref::new("#/components/responses/Forbidden")),
        );
    }
}

/// Drops the component schemas nothing reaches from the operations and shared
/// responses: the generic envelopes (`Collection<SearchHit>` …) inline their item
/// schema, which utoipa also registers. One walk over the `$ref`s.
pub fn prune_unused_schemas(doc: &mut Value) {
    const PREFIX: &str = "#/components/schemas/";
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.extend(r.strip_prefix(PREFIX).map(str::to_owned));
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let schemas = doc["components"]["schemas"].take();
    let mut pending = Vec::new();
    refs(doc, &mut pending);
    let mut used = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !used.contains(&name) {
            refs(&schemas[&name], &mut pending);
            used.insert(name);
        }
    }
    let Value::Object(mut kept) = schemas else {
        return;
    };
    kept.retain(|name, _| used.contains(name));
    doc["components"]["schemas"] = Value::Object(kept);
}
