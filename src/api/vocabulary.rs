//! The query vocabulary every list shares (`limit`, `cursor`, `sort`, `fields`,
//! `count`, `facet`, `include`), typed from the resource listed: its `SORTS`,
//! `FACETS`, relations and fields. These keys are taken out of the query string
//! first; the rest is the list's own filters, a plain `deny_unknown_fields` struct
//! (`serde(flatten)` would not do: it does not combine with `deny_unknown_fields`).
//! The same types write the parameters into the OpenAPI description
//! (`vocabulary/describe.rs`), so its enums are exactly what the server accepts.

mod describe;

use std::any::TypeId;
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::marker::PhantomData;
use std::sync::{LazyLock, RwLock};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema};

use super::cursor::{DEFAULT_LIMIT, MAX_LIMIT};
use super::error::ApiError;
use super::include::Includable;
use super::negotiate::Format;
use super::params::{self, name_list};
use super::served::Served;
use crate::storage::{self, Facet, Resource};

/// The filters of one list, and what its shared parameters mean there.
pub trait ListFilters: DeserializeOwned + IntoParams + 'static {
    /// What the list holds.
    type Item: Resource + Includable + PartialSchema;
    /// The description of `sort`: what each order means.
    const SORT: &'static str;
    /// The description of `facet`, for an item that has facets.
    const FACET: &'static str = "";
    /// The description of `include`, for an item that has relations.
    const INCLUDE: &'static str = "";

    /// A full-text query filters the list: `relevance` is allowed, and the default.
    fn searching(&self) -> bool {
        false
    }
}

/// The query of a list of `F::Item`: the shared vocabulary and the list's filters.
pub struct ListQuery<F: ListFilters> {
    pub list: Vocabulary<F::Item>,
    pub filters: F,
}

/// The shared parameters of a list of `R`, parsed.
pub struct Vocabulary<R: Includable> {
    pub limit: u32,
    pub cursor: Option<String>,
    pub sort: Sort<R>,
    pub fields: Fields<R>,
    pub count: bool,
    pub facets: Facets<R>,
    pub include: Include<R>,
}

/// The shared keys a list of `R` takes: a resource without facets or relations
/// takes no `facet` or `include` (the key is then unknown, a 400 like any other).
fn list_keys<R: Resource + Includable>() -> Vec<&'static str> {
    let mut keys = vec!["limit", "cursor", "sort", "fields", "count"];
    if !R::FACETS.is_empty() {
        keys.push("facet");
    }
    if !R::RELATIONS.is_empty() {
        keys.push("include");
    }
    keys
}

/// The names of the parameters `F` declares.
fn names<F: IntoParams + 'static>() -> &'static [String] {
    struct ParameterNames;
    once_per_type::<ParameterNames, F>(|| {
        F::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect()
    })
}

impl<F: ListFilters> ListQuery<F> {
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let (given, rest) = params::split_query(query, &list_keys::<F::Item>(), names::<F>)?;
        let filters = params::parse_query::<F>(&rest)?;
        let list = Vocabulary {
            limit: limit(given.get("limit"))?,
            cursor: given.non_empty("cursor")?.map(str::to_owned),
            sort: Sort::parse(given.non_empty("sort")?)?,
            fields: Fields::parse(given.non_empty("fields")?)?,
            count: flag("count", given.non_empty("count")?)?,
            facets: Facets::parse(given.non_empty("facet")?)?,
            include: Include::parse(given.non_empty("include")?)?,
        };
        Ok(Self { list, filters })
    }
}

impl<F: ListFilters> FromRequest for ListQuery<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string()))
    }
}

/// The query of a single read of `R`: what to side-load, the representation, and
/// which fields.
pub struct GetQuery<R: Includable> {
    pub include: Include<R>,
    pub format: Option<Format>,
    pub fields: Fields<R>,
}

impl<R: Served> GetQuery<R> {
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let keys: &[&str] = if R::RELATIONS.is_empty() {
            &["format", "fields"]
        } else {
            &["include", "format", "fields"]
        };
        let (given, _) = params::split_query(query, keys, || &[])?;
        Ok(Self {
            include: Include::parse(given.non_empty("include")?)?,
            format: given.non_empty("format")?.map(format::<R>).transpose()?,
            fields: Fields::parse(given.non_empty("fields")?)?,
        })
    }
}

impl<R: Served> FromRequest for GetQuery<R> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string()))
    }
}

/// A representation by name; one `R` is not served in is a 406 when it is read,
/// not a malformed parameter.
fn format<R: Served>(name: &str) -> Result<Format, ApiError> {
    Format::named(name).ok_or_else(|| {
        let names: Vec<&str> = R::FORMATS.iter().map(|f| f.name()).collect();
        ApiError::invalid("format", format!("must be one of {}", names.join(", ")))
    })
}

/// `limit`: a whole number from 1 to [`MAX_LIMIT`].
fn limit(value: Option<&str>) -> Result<u32, ApiError> {
    let Some(text) = value else {
        return Ok(DEFAULT_LIMIT);
    };
    match text.parse() {
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) && (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Ok(_) if text.bytes().all(|b| b.is_ascii_digit()) => Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
        _ => Err(ApiError::invalid(
            "limit",
            format!("`{text}` is not a whole number"),
        )),
    }
}

/// A `true`/`false` parameter; absent is false.
fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            name,
            format!("must be `true` or `false`, not `{other}`"),
        )),
    }
}

/// `sort`: one of `R::SORTS` by name, or the default.
pub struct Sort<R> {
    chosen: Option<storage::Sort>,
    of: PhantomData<fn() -> R>,
}

impl<R: Resource> Sort<R> {
    fn names() -> Vec<&'static str> {
        R::SORTS.iter().map(|s| s.name).collect()
    }

    fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        let chosen = value
            .map(|name| {
                let name = name.trim();
                R::SORTS
                    .iter()
                    .find(|s| s.name == name)
                    .copied()
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "sort",
                            format!(
                                "unknown value `{name}`; allowed: {}",
                                Self::names().join(", ")
                            ),
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            chosen,
            of: PhantomData,
        })
    }

    /// The order to list in. Without `sort`: by relevance when `searching`, else
    /// `R`'s default; `relevance` orders the matches of a full-text query only.
    pub fn order(&self, searching: bool) -> Result<storage::Sort, ApiError> {
        match self.chosen {
            None => {
                let relevance = R::SORTS.iter().find(|s| s.relevance);
                Ok(*relevance
                    .filter(|_| searching)
                    .unwrap_or(&R::default_sort()))
            }
            Some(sort) if sort.relevance && !searching => Err(ApiError::invalid(
                "sort",
                "`relevance` orders the matches of a full-text query: add `q`",
            )),
            Some(sort) => Ok(sort),
        }
    }
}

/// `fields`: some of the fields `R` serializes (`id` always kept); empty for all.
pub struct Fields<R> {
    names: Vec<String>,
    of: PhantomData<fn() -> R>,
}

/// The names of the fields `T` serializes, from its schema.
fn field_names<T: PartialSchema + 'static>() -> &'static [String] {
    struct FieldNames;
    once_per_type::<FieldNames, T>(|| match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    })
}

/// Names that `T`'s description holds, read from it once: composing a schema or the
/// parameters of a list builds the whole tree of their descriptions. The entries of
/// a type are kept for the life of the process.
fn once_per_type<Question: 'static, T: 'static>(
    compute: impl FnOnce() -> Vec<String>,
) -> &'static [String] {
    static KNOWN: LazyLock<RwLock<HashMap<TypeId, &'static [String]>>> =
        LazyLock::new(Default::default);
    let id = TypeId::of::<(Question, T)>();
    let known = KNOWN.read().unwrap_or_else(|p| p.into_inner());
    if let Some(names) = known.get(&id) {
        return names;
    }
    drop(known);
    let names = compute();
    let mut known = KNOWN.write().unwrap_or_else(|p| p.into_inner());
    known.entry(id).or_insert_with(|| names.leak())
}

impl<R: PartialSchema + 'static> Fields<R> {
    fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        let names = field_names::<R>();
        let allowed: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), n.as_str())).collect();
        let mut wanted: Vec<String> = name_list("fields", value, &allowed)?
            .into_iter()
            .map(str::to_owned)
            .collect();
        if !wanted.is_empty() && !wanted.iter().any(|f| f == "id") {
            wanted.insert(0, "id".to_owned());
        }
        Ok(Self {
            names: wanted,
            of: PhantomData,
        })
    }

    /// The fields asked for; empty for all.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// `facet`: some of `R::FACETS`.
pub struct Facets<R> {
    pub chosen: Vec<Facet>,
    of: PhantomData<fn() -> R>,
}

impl<R: Resource> Facets<R> {
    fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        let allowed: Vec<(&str, Facet)> = R::FACETS.iter().map(|f| (f.name, *f)).collect();
        Ok(Self {
            chosen: name_list("facet", value, &allowed)?,
            of: PhantomData,
        })
    }
}

/// `include`: some of `R`'s relations, to side-load.
pub struct Include<R: Includable> {
    pub relations: Vec<R::Relation>,
}

impl<R: Includable> Include<R> {
    fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        Ok(Self {
            relations: name_list("include", value, R::RELATIONS)?,
        })
    }

    /// Every relation of `R`.
    pub fn all() -> Self {
        Self {
            relations: R::RELATIONS.iter().map(|(_, r)| *r).collect(),
        }
    }
}

impl<R: Includable> Default for Include<R> {
    fn default() -> Self {
        Self {
            relations: Vec::new(),
        }
    }
}

impl<R> Default for Fields<R> {
    fn default() -> Self {
        Self {
            names: Vec::new(),
            of: PhantomData,
        }
    }
}

/// `format` by name, where one parameter names it for a resource served in every
/// format (a preview's article).
impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Format::named(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("must be one of {}", Format::names().join(", ")))
        })
    }
}

impl PartialSchema for Format {
    fn schema() -> RefOr<Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Format::names()))
            .into()
    }
}

impl utoipa::ToSchema for Format {}
