//! The query vocabulary every list shares (paging, sort, sparse fields, count,
//! facets, include), declared once for all lists and parsed once, plus the parsers
//! of the filter values that are not ids (times, dates, full-text queries).

use chrono::{DateTime, NaiveDate, Utc};
use utoipa::PartialSchema;
use utoipa::openapi::{RefOr, Schema};

use super::error::ApiError;
use super::params::name_list;
use crate::storage::fts::FtsQuery;
use crate::storage::{Facet, Resource, Sort};

/// Declares the query parameters of a list: those every list shares, documented with
/// this list's sorts, facets and includes, then the list's own filters. `facet` and
/// `include` are left out for a list whose resource has no facets or relations.
macro_rules! list_query {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            sort: $sort_doc:tt, example $sort_example:tt;
            $(facet: $facet_doc:tt, example $facet_example:tt;)?
            $(include: $include_doc:tt, example $include_example:tt;)?
            fields example $fields_example:tt;
        }
        { $($filters:tt)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Page size, 1 to 100.
            #[serde(default, deserialize_with = "crate::api::params::whole_number")]
            #[param(minimum = 1, maximum = 100, default = 20)]
            pub limit: Option<u32>,
            /// The `next_cursor` of the previous page; it holds only for the same `sort`.
            #[serde(default, deserialize_with = "crate::api::params::non_empty")]
            #[param(pattern = "^[A-Za-z0-9_-]+$")]
            pub cursor: Option<String>,
            #[doc = $sort_doc]
            #[param(example = $sort_example)]
            #[serde(default, deserialize_with = "crate::api::params::non_empty")]
            pub sort: Option<String>,
            /// Only these fields of each item, comma-separated; `id` is always kept. An
            /// unknown name is a 400 problem that lists the allowed ones.
            #[param(example = $fields_example)]
            #[serde(default, deserialize_with = "crate::api::params::non_empty")]
            pub fields: Option<String>,
            /// `true` adds `page.total`: how many items the filters select, over all pages.
            #[param(value_type = Option<bool>, example = true)]
            #[serde(default, deserialize_with = "crate::api::params::non_empty")]
            pub count: Option<String>,
            $(
                #[doc = $facet_doc]
                #[param(example = $facet_example)]
                #[serde(default, deserialize_with = "crate::api::params::non_empty")]
                pub facet: Option<String>,
            )?
            $(
                #[doc = $include_doc]
                #[param(example = $include_example)]
                #[serde(default, deserialize_with = "crate::api::params::as_given")]
                pub include: Option<String>,
            )?
            $($filters)*
        }

        impl $name {
            /// The parameters every list shares.
            pub fn list_params(&self) -> $crate::api::listing::ListParams<'_> {
                $crate::api::listing::ListParams {
                    limit: self.limit,
                    cursor: self.cursor.as_deref(),
                    sort: self.sort.as_deref(),
                    fields: self.fields.as_deref(),
                    count: self.count.as_deref(),
                    // A list without facets or includes declares no such parameter:
                    // the name is then unknown, a 400 like any other.
                    facet: None $(.or({ let _ = $facet_doc; self.facet.as_deref() }))?,
                    include: None $(.or({ let _ = $include_doc; self.include.as_deref() }))?,
                    searching: false,
                }
            }
        }
    };
}
pub(crate) use list_query;

/// What every list query carries besides its filters, as given.
#[derive(Debug, Default, Clone, Copy)]
pub struct ListParams<'a> {
    pub limit: Option<u32>,
    pub cursor: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub fields: Option<&'a str>,
    pub count: Option<&'a str>,
    pub facet: Option<&'a str>,
    pub include: Option<&'a str>,
    /// A full-text query filters the list: `relevance` is allowed, and the default.
    pub searching: bool,
}

/// The order `sort` names among those of `R`. Without `sort`: by relevance when
/// searching, else `R`'s default.
pub fn sort<R: Resource>(value: Option<&str>, searching: bool) -> Result<Sort, ApiError> {
    let Some(name) = value.map(str::trim) else {
        let relevance = R::SORTS.iter().find(|s| s.relevance);
        return Ok(*relevance
            .filter(|_| searching)
            .unwrap_or(&R::default_sort()));
    };
    match R::SORTS.iter().find(|s| s.name == name) {
        Some(sort) if sort.relevance && !searching => Err(ApiError::invalid(
            "sort",
            "`relevance` orders the matches of a full-text query: add `q`",
        )),
        Some(sort) => Ok(*sort),
        None => {
            let names: Vec<&str> = R::SORTS.iter().map(|s| s.name).collect();
            Err(ApiError::invalid(
                "sort",
                format!("unknown value `{name}`; allowed: {}", names.join(", ")),
            ))
        }
    }
}

/// The facets `facet` names among those of `R`.
pub fn facets<R: Resource>(value: Option<&str>) -> Result<Vec<Facet>, ApiError> {
    let allowed: Vec<(&str, Facet)> = R::FACETS.iter().map(|f| (f.name, *f)).collect();
    name_list("facet", value, &allowed)
}

/// The names of the fields `T` serializes, from its schema.
pub fn field_names<T: PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The fields `fields` asks for, checked against those of `T`; empty for all.
pub fn fields<T: PartialSchema>(value: Option<&str>) -> Result<Vec<String>, ApiError> {
    let names = field_names::<T>();
    let allowed: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), n.as_str())).collect();
    let mut wanted: Vec<String> = name_list("fields", value, &allowed)?
        .into_iter()
        .map(str::to_owned)
        .collect();
    if !wanted.is_empty() && !wanted.iter().any(|f| f == "id") {
        wanted.insert(0, "id".to_owned());
    }
    Ok(wanted)
}

/// A `true`/`false` parameter; absent is false.
pub fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            name,
            format!("must be `true` or `false`, not `{other}`"),
        )),
    }
}

/// A time bound, as RFC 3339 (`2024-07-04T12:00:00+05:00`) or a date (`2024-07-04`,
/// meaning its start in UTC), in unix seconds.
pub fn time_bound(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.with_timezone(&Utc).timestamp()));
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Ok(Some(day.and_time(Default::default()).and_utc().timestamp())),
        Err(_) => Err(ApiError::invalid(
            name,
            format!("`{text}` is neither an RFC 3339 time nor a YYYY-MM-DD date"),
        )),
    }
}

/// A date bound, `YYYY-MM-DD`.
pub fn date_bound(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(name, format!("`{text}` is not a YYYY-MM-DD date")))
        })
        .transpose()
}

/// A full-text query (`q`).
pub fn search_query(name: &str, value: Option<&str>) -> Result<Option<FtsQuery>, ApiError> {
    value
        .map(|text| FtsQuery::parse(text).map_err(|e| ApiError::invalid(name, e.to_string())))
        .transpose()
}
