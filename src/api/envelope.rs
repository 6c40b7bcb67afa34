//! The JSON envelopes every read answers with, sparse fields, `Last-Modified` and
//! the `Link: rel="next"` header.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::cursor::encode_cursor;
use super::include::{Includable, Included};
use crate::storage::{FacetCount, Listed};

/// Where a collection stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageInfo {
    /// The page size asked for (default 20, at most 100).
    #[schema(example = 20)]
    pub limit: u32,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many items the filters select over all pages; only with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 11)]
    pub total: Option<u64>,
}

/// How many of the selected items have one value of a faceted field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    #[schema(example = "aleksandr-lukashenko")]
    pub value: String,
    /// The value's name for display.
    #[schema(example = "Aleksandr Lukashenko")]
    pub label: String,
    #[schema(example = 9)]
    pub count: u64,
}

impl From<FacetCount> for FacetValue {
    fn from(c: FacetCount) -> Self {
        Self {
            value: c.value,
            label: c.label,
            count: c.count,
        }
    }
}

/// A page of a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct Collection<T: ToSchema> {
    pub data: Vec<T>,
    pub page: PageInfo,
    /// Per facet asked for with `facet`, its values among the items the filters
    /// select (over all pages), the most frequent first (at most 100); items without
    /// a value are not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<String, Vec<FacetValue>>>,
    /// The related resources asked for with `include`, each once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Included>,
}

/// One resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct Single<T: ToSchema> {
    pub data: T,
    /// The related resources asked for with `include`, each once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Included>,
}

/// A `200 OK` collection response, with `Link: <…>; rel="next"` when there is a next
/// page; only `fields` of each item when any are given.
pub fn collection<T: Includable + Serialize + ToSchema>(
    req: &HttpRequest,
    listed: Listed<T>,
    limit: u32,
    sort: &str,
    included: Option<Included>,
    fields: &[String],
) -> HttpResponse {
    let Listed {
        page,
        total,
        facets,
    } = listed;
    let next_cursor = page.next.as_ref().map(|c| encode_cursor(c, sort));
    let mut response = HttpResponse::Ok();
    last_modified(&mut response, &page.items, included.as_ref());
    if let Some(cursor) = &next_cursor {
        response.insert_header((
            header::LINK,
            format!("<{}>; rel=\"next\"", next_url(req, cursor)),
        ));
    }
    let facets = (!facets.is_empty()).then(|| {
        facets
            .into_iter()
            .map(|(name, counts)| {
                (
                    name.to_owned(),
                    counts.into_iter().map(Into::into).collect(),
                )
            })
            .collect()
    });
    let info = PageInfo {
        limit,
        next_cursor,
        total,
    };
    if fields.is_empty() {
        response.json(Collection {
            data: page.items,
            page: info,
            facets,
            included,
        })
    } else {
        response.json(Collection {
            data: page.items.iter().map(|item| sparse(item, fields)).collect(),
            page: info,
            facets,
            included,
        })
    }
}

/// A `200 OK` single-resource response; only `fields` when any are given.
pub fn single<T: Includable + Serialize + ToSchema>(
    data: T,
    included: Option<Included>,
    fields: &[String],
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    last_modified(
        &mut response,
        std::slice::from_ref(&data),
        included.as_ref(),
    );
    if fields.is_empty() {
        response.json(Single { data, included })
    } else {
        response.json(Single {
            data: sparse(&data, fields),
            included,
        })
    }
}

/// `item` with only `fields`.
fn sparse<T: Serialize>(item: &T, fields: &[String]) -> Value {
    match serde_json::to_value(item) {
        Ok(Value::Object(mut map)) => {
            map.retain(|k, _| fields.contains(k));
            Value::Object(map)
        }
        Ok(other) => other,
        Err(_) => Value::Null,
    }
}

/// `Last-Modified`: the newest update among the items and what was side-loaded.
fn last_modified<T: Includable>(
    response: &mut actix_web::HttpResponseBuilder,
    items: &[T],
    included: Option<&Included>,
) {
    let mut newest = items.iter().map(Includable::updated_at).max();
    if let Some(inc) = included {
        let side = inc
            .articles
            .iter()
            .map(|a| a.updated_at)
            .chain(inc.quotes.iter().map(|q| q.updated_at))
            .chain(inc.participants.iter().map(|p| p.updated_at))
            .chain(inc.events.iter().map(|e| e.updated_at))
            .chain(inc.topics.iter().map(|t| t.updated_at))
            .max();
        newest = newest.max(side);
    }
    if let Some(time) = newest {
        let http_date = crate::representations::http_date(time);
        response.insert_header((header::LAST_MODIFIED, http_date));
    }
}

/// The request's own URL with `cursor` replaced: a path, or absolute under a
/// configured `--public-url`; never from the request's `Host`.
fn next_url(req: &HttpRequest, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_html_form::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".to_owned(), cursor.to_owned()));
    let query = serde_html_form::to_string(&pairs).unwrap_or_default();
    let base = req
        .app_data::<actix_web::web::Data<crate::http::origin::PublicUrl>>()
        .map_or("", |u| u.relative());
    format!("{base}{}?{query}", req.path())
}
