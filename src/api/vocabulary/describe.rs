//! The shared parameters in the OpenAPI description, written from the same types
//! that parse them: the enums of `sort`, `fields`, `facet`, `include` and `format`
//! are the resource's own lists.

use serde_json::json;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{Required, Schema};
use utoipa::{IntoParams, PartialSchema};

use super::{GetQuery, ListFilters, ListQuery, field_names};
use crate::api::cursor::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::api::include::Includable;
use crate::api::served::Served;
use crate::storage::Resource;

fn query(name: &str, description: &str, schema: impl Into<Schema>) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.into()))
}

/// One of `names`.
fn one_of(name: &str, description: &str, names: &[&str], example: Option<&&str>) -> Parameter {
    query(
        name,
        description,
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names.to_vec())),
    )
    .example(example.map(|n| json!(n)))
    .build()
}

/// A comma-separated list of `names` (form style, not exploded). A name given twice
/// counts once: the array does not declare `uniqueItems`, as the server takes
/// `fields=id,id` and clients may send it.
fn names_of(name: &str, description: &str, names: &[&str]) -> Parameter {
    let items = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names.to_vec()));
    let array = ArrayBuilder::new().items(items).min_items(Some(1));
    query(
        name,
        &format!("{description} A name given twice counts once."),
        array,
    )
    .style(Some(ParameterStyle::Form))
    .explode(Some(false))
    .example(Some(json!(names.iter().take(2).collect::<Vec<_>>())))
    .build()
}

fn fields_of<R: PartialSchema + 'static>(description: &str) -> Parameter {
    let fields = field_names::<R>();
    let names: Vec<&str> = fields.iter().map(String::as_str).collect();
    names_of("fields", description, &names)
}

fn relations_of<R: Includable>(description: &str) -> Option<Parameter> {
    let names: Vec<&str> = R::RELATIONS.iter().map(|(name, _)| *name).collect();
    (!names.is_empty()).then(|| names_of("include", description, &names))
}

impl<F: ListFilters> IntoParams for ListQuery<F> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let sorts: Vec<&str> = F::Item::SORTS.iter().map(|s| s.name).collect();
        let facets: Vec<&str> = F::Item::FACETS.iter().map(|f| f.name).collect();
        let limit = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int32,
            )))
            .minimum(Some(1))
            .maximum(Some(MAX_LIMIT))
            .default(Some(json!(DEFAULT_LIMIT)));
        let cursor = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Za-z0-9_-]+$"));
        let mut params = vec![
            query("limit", "Page size, 1 to 100.", limit).build(),
            query(
                "cursor",
                "The `next_cursor` of the previous page; it holds only for the same `sort`.",
                cursor,
            )
            .build(),
            one_of("sort", F::SORT, &sorts, sorts.first()),
            fields_of::<F::Item>(
                "Only these fields of each item, comma-separated; `id` is always kept. An\n\
                 unknown name is a 400 problem that lists the allowed ones.",
            ),
            query(
                "count",
                "`true` adds `page.total`: how many items the filters select, over all pages.",
                ObjectBuilder::new().schema_type(Type::Boolean),
            )
            .example(Some(json!(true)))
            .build(),
        ];
        if !facets.is_empty() {
            params.push(names_of("facet", F::FACET, &facets));
        }
        params.extend(relations_of::<F::Item>(F::INCLUDE));
        params.extend(F::into_params(parameter_in));
        params
    }
}

impl<R: Served> IntoParams for GetQuery<R> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let formats: Vec<&str> = R::FORMATS.iter().map(|f| f.name()).collect();
        let mut params = Vec::from_iter(relations_of::<R>(
            "Related resources to side-load into `included`, comma-separated; the names are\n\
             those of the resource's list (`include` there).",
        ));
        params.push(one_of(
            "format",
            "The representation, instead of `Accept`: `json` (the default), `jsonld`\n\
             (schema.org JSON-LD; not for topics) or `ninjs` (IPTC ninjs 2.2; articles only).",
            &formats,
            formats.last(),
        ));
        params.push(fields_of::<R>(
            "Only these fields, comma-separated; `id` is always kept. The names are those of\n\
             the resource's `fields` list parameter. JSON only.",
        ));
        params
    }
}
