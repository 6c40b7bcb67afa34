//! What the API needs of each resource of [`resources!`](crate::domain::kind::resources):
//! one registration per resource, [`Served`], implemented in the resource's module
//! (`api/{collection}.rs`). The router, the OpenAPI document's sections, the examples
//! of `newsdesk openapi` and the representations of one resource all read it.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::include::{Includable, Included};
use super::negotiate::Format;
use crate::domain::Named;
use crate::http::surrogate::Keyed;

/// A resource the API serves at `/v1/{collection}` and `/v1/{collection}/{id}`.
pub trait Served: Named + Includable + Keyed + Serialize + ToSchema + Send + 'static {
    /// What the resource is, in a line: the description of its section (its tag) in
    /// the OpenAPI document.
    const ABOUT: &'static str;
    /// The id of one of its fixtures: the examples of `/v1/{collection}/{id}` and of
    /// the routes under it are real responses, not 404s.
    const EXAMPLE_ID: &'static str;
    /// The representations of one resource, JSON (the default) first.
    const FORMATS: &'static [Format] = &[Format::Json];
    /// The schema.org types its JSON-LD representation is, for the description
    /// (e.g. "`NewsArticle`"); empty without one.
    const JSON_LD_TYPES: &'static str = "";

    /// The resource in one of [`Served::FORMATS`] other than JSON, naming what
    /// `included` holds of its relations. A resource served as JSON alone is never
    /// asked.
    fn represent(&self, _format: Format, _included: &Included, _base: &str) -> Value {
        Value::Null
    }

    /// Registers the routes of the resource's module: its list and one resource,
    /// and the routes that list it under another resource.
    fn routes<R: super::Routes>(cfg: &mut R);
}

/// The sections of the OpenAPI document, one per resource, in the order of
/// [`resources!`](crate::domain::kind::resources): name and description.
pub fn tags() -> Vec<(&'static str, &'static str)> {
    super::registered(|r| (r.collection, r.about))
}

/// A fixture id for the paths under each resource: (`/v1/{collection}/`, id).
pub fn example_ids() -> Vec<(String, &'static str)> {
    super::registered(|r| (format!("/v1/{}/", r.collection), r.example_id))
}

/// The schema.org types of the JSON-LD of the resource whose section (tag) is
/// `collection`, if it has any.
pub fn json_ld_types(collection: &str) -> Option<&'static str> {
    super::registered(|r| (r.collection, r.json_ld_types))
        .into_iter()
        .find(|(c, types)| *c == collection && !types.is_empty())
        .map(|(_, types)| types)
}

/// One registered resource, as the lists above need it.
pub(crate) struct Registration {
    pub collection: &'static str,
    pub about: &'static str,
    pub example_id: &'static str,
    pub json_ld_types: &'static str,
}

impl Registration {
    pub(crate) fn of<R: Served>() -> Self {
        Self {
            collection: R::COLLECTION,
            about: R::ABOUT,
            example_id: R::EXAMPLE_ID,
            json_ld_types: R::JSON_LD_TYPES,
        }
    }
}
