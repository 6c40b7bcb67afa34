//! The two shapes of read handler, written once: a page of a list, and one resource,
//! each with its `include=` side-loads.

use std::fmt::Display;

use actix_web::{HttpRequest, HttpResponse};
use rusqlite::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Caller;
use super::cursor::page_request;
use super::envelope;
use super::error::{ApiError, ApiResult};
use super::include::{self, Includable};
use super::negotiate::{self, Format, base_url, negotiate};
use super::served::Served;
use super::vocabulary::{GetQuery, Include, Vocabulary};
use crate::http::surrogate::{self, Keyed, Keys};
use crate::storage::{self, ListRequest, Resource};

/// Answers with one page of the list of `R` under `filter`, with what `list` asks
/// for: an order, sparse fields, the total, facets, side-loaded relations.
/// `searching`: a full-text query filters the list.
pub async fn page<R>(
    req: &HttpRequest,
    state: &AppState,
    list: Vocabulary<R>,
    searching: bool,
    filter: R::Filter,
) -> ApiResult<HttpResponse>
where
    R: Resource + Includable + Keyed + Serialize + ToSchema,
{
    page_in::<R>(req, state, list, searching, filter, |_, _| None).await
}

/// [`page`], naming the keys `collections` gives for the list's order and filter
/// rather than `R`'s collection: a list narrowed by a filter, or a search, depends
/// on less than the whole collection ([`surrogate::article_lists`]).
pub async fn page_in<R>(
    req: &HttpRequest,
    state: &AppState,
    list: Vocabulary<R>,
    searching: bool,
    filter: R::Filter,
    collections: impl FnOnce(&storage::Sort, &R::Filter) -> Option<Vec<String>>,
) -> ApiResult<HttpResponse>
where
    R: Resource + Includable + Keyed + Serialize + ToSchema,
{
    let sort = list.sort.order(searching)?;
    let collections = collections(&sort, &filter);
    let relations = list.include.relations;
    let request = ListRequest {
        sort,
        page: page_request(list.limit, list.cursor.as_deref(), sort.name)?,
        count: list.count,
        fields: read_fields::<R>(list.fields.names(), &relations),
        facets: list.facets.chosen,
    };
    let visibility = Caller::of(req).visibility();
    let limit = request.page.limit;
    let faceted = !request.facets.is_empty();
    let (listed, included) = state
        .db
        .read(move |conn| {
            let listed = storage::list::list::<R>(conn, &filter, &request)?;
            let included = include::include(conn, &listed.page.items, &relations, visibility)?;
            Ok((listed, included))
        })
        .await?;
    let mut keys = Keys::new();
    match collections {
        Some(collections) => {
            for c in collections {
                keys.insert(c);
            }
            keys.items(&listed.page.items)
        }
        None => keys.listed(&listed.page.items),
    };
    if listed.page.ranked_by_all_text {
        keys.insert(storage::listing::TEXT.to_owned());
    }
    if let Some((word, floor)) = &listed.page.floor {
        keys.floor(word, *floor);
    }
    if let Some(included) = &included {
        included.add_keys(&mut keys);
    }
    if faceted {
        for c in surrogate::FACET_LABELS {
            keys.collection(c);
        }
    }
    if let Some(parent) =
        surrogate::parent(req.match_pattern().as_deref(), req.match_info().get("id"))
    {
        keys.insert(parent);
    }
    let mut response =
        envelope::collection(req, listed, limit, sort.name, included, list.fields.names());
    keys.attach(&mut response);
    Ok(response)
}

/// Answers with the resource `get` finds for `id`, or a 404 naming `resource`, in
/// the format the client negotiated. JSON-LD and ninjs name the resource's
/// relations, so those load every relation.
pub async fn one<T, I, G>(
    req: &HttpRequest,
    state: &AppState,
    resource: &'static str,
    id: I,
    query: GetQuery<T>,
    get: G,
) -> ApiResult<HttpResponse>
where
    T: Served,
    I: Display + Send + 'static,
    G: FnOnce(&Connection, &I) -> storage::Result<Option<T>> + Send + 'static,
{
    let visibility = Caller::of(req).visibility();
    one_as(req, state, resource, id, query, visibility, get).await
}

/// [`one`], with the relations `visibility` allows rather than the caller's: a
/// preview link shows a draft's quotes to a reader without a key.
pub async fn one_as<T, I, G>(
    req: &HttpRequest,
    state: &AppState,
    resource: &'static str,
    id: I,
    query: GetQuery<T>,
    visibility: storage::visibility::Visibility,
    get: G,
) -> ApiResult<HttpResponse>
where
    T: Served,
    I: Display + Send + 'static,
    G: FnOnce(&Connection, &I) -> storage::Result<Option<T>> + Send + 'static,
{
    let format = negotiate(req, query.format, T::FORMATS)?;
    let relations = if format == Format::Json {
        query.include
    } else {
        Include::all()
    }
    .relations;
    let fields = query.fields;
    let (id, found) = state
        .db
        .read(move |conn| {
            let Some(item) = get(conn, &id)? else {
                return Ok((id, None));
            };
            let included =
                include::include(conn, std::slice::from_ref(&item), &relations, visibility)?;
            Ok((id, Some((item, included))))
        })
        .await?;
    let (item, included) = found.ok_or_else(|| ApiError::not_found(resource, &id.to_string()))?;
    let mut keys = Keys::new();
    item.add_keys(&mut keys);
    if let Some(included) = &included {
        included.add_keys(&mut keys);
    }
    let mut response = if format == Format::Json {
        envelope::single(item, included, fields.names())
    } else {
        represented(req, format, item, included)
    };
    keys.attach(&mut response);
    Ok(response)
}

/// `item` in a linked-data format, with what it names.
fn represented<T: Served>(
    req: &HttpRequest,
    format: Format,
    item: T,
    included: Option<include::Included>,
) -> HttpResponse {
    let body = item.represent(format, &included.unwrap_or_default(), &base_url(req));
    HttpResponse::Ok()
        .content_type(format.media_type())
        .insert_header((
            actix_web::http::header::LAST_MODIFIED,
            crate::representations::http_date(item.updated_at()),
        ))
        .body(negotiate::embeddable(&body))
}

/// 404 unless `exists` finds `id`: a relation of a missing resource (or of one the
/// reader may not see) is not an empty list.
pub async fn ensure<I>(
    state: &AppState,
    resource: &'static str,
    id: &I,
    exists: impl FnOnce(&Connection, &I) -> storage::Result<bool> + Send + 'static,
) -> ApiResult<()>
where
    I: Display + Clone + Send + 'static,
{
    let probe = id.clone();
    if state.db.read(move |conn| exists(conn, &probe)).await? {
        Ok(())
    } else {
        Err(ApiError::not_found(resource, &id.to_string()))
    }
}

/// 404 unless the `R` with this id exists: the parent of a relation route.
pub async fn ensure_exists<R>(
    state: &AppState,
    id: &<R as storage::by_id::Keyed>::Id,
) -> ApiResult<()>
where
    R: storage::by_id::Keyed + storage::edit::Editable,
    <R as storage::by_id::Keyed>::Id: Display,
{
    ensure(state, R::KIND.as_str(), id, storage::by_id::exists::<R>).await
}

/// 404 unless the caller may see the article: the relations of a draft answer as
/// those of an id that does not exist.
pub async fn ensure_article(
    req: &HttpRequest,
    state: &AppState,
    id: &crate::domain::ArticleId,
) -> ApiResult<()> {
    let visibility = Caller::of(req).visibility();
    ensure(state, "article", id, move |conn, id| {
        storage::articles::is_visible(conn, id, visibility)
    })
    .await
}

/// The fields storage must read for a page cut down to `fields` that side-loads
/// `relations`: those fields and the relations' own (empty: every field).
fn read_fields<T: Includable>(fields: &[String], relations: &[T::Relation]) -> Vec<String> {
    if fields.is_empty() {
        return Vec::new();
    }
    let names = T::RELATIONS
        .iter()
        .filter(|(_, r)| relations.contains(r))
        .map(|(name, _)| (*name).to_owned());
    fields.iter().cloned().chain(names).collect()
}
