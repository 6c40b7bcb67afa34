//! The write routes, written once for every resource: `POST` a collection, `PUT`,
//! `PATCH` (JSON Merge Patch) and `DELETE` one resource. The resource modules hold
//! the thin, documented handlers that call these.

pub(crate) mod articles;
pub(crate) mod events;
pub(crate) mod participants;
pub(crate) mod quotes;

use std::fmt::Display;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;

use super::AppState;
use super::auth::Editor;
use super::error::{ApiError, ApiResult};
use crate::http::conditional::if_match;
use crate::storage::documents::{entity_tag, representation};
use crate::storage::edit::{self, Ctx, Editable, Precondition};

/// The client's `If-Match`, as a check the write runs against the stored resource
/// inside its transaction. Without the header a write goes ahead unconditionally.
fn precondition<R: Editable>(req: &HttpRequest) -> ApiResult<Option<Precondition<R>>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::invalid("If-Match", "must be a list of entity tags or `*`"))?
        .to_owned();
    Ok(Some(Box::new(move |current: Option<&R>| {
        let tag = current.map(|c| entity_tag(&representation(c)));
        if_match(&value, tag.as_deref())
    })))
}

fn ctx(state: &AppState, editor: &Editor) -> Ctx {
    Ctx {
        now: (state.clock)(),
        by: Some(editor.0.name.clone()),
        seeding: false,
        engine: state.db.engine(),
    }
}

/// A written resource: its representation with the `ETag` a later `If-Match` needs.
fn written<R: Serialize>(mut response: actix_web::HttpResponseBuilder, item: &R) -> HttpResponse {
    let bytes = representation(item);
    response
        .insert_header((header::ETAG, entity_tag(&bytes)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(bytes)
}

fn location(collection: &str, id: &impl Display) -> (header::HeaderName, String) {
    (header::LOCATION, format!("/v1/{collection}/{id}"))
}

/// `POST /v1/{collection}`: 201 with `Location` and the created resource.
pub async fn create<R: Editable>(
    state: &AppState,
    editor: Editor,
    collection: &'static str,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let ctx = ctx(state, &editor);
    let body = body.into_inner();
    let item: R = state
        .db
        .write(move |tx| {
            let new = R::parse(body, ctx.now)?;
            edit::create::<R>(tx, new, &ctx)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header(location(collection, item.id()));
    Ok(written(response, &item))
}

/// `PUT /v1/{collection}/{id}`: replaces the resource, or creates it (201).
pub async fn replace<R: Editable>(
    req: &HttpRequest,
    state: &AppState,
    editor: Editor,
    collection: &'static str,
    id: R::Id,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let precondition = precondition::<R>(req)?;
    let ctx = ctx(state, &editor);
    let body = body.into_inner();
    let target = id.clone();
    let (item, created) = state
        .db
        .write(move |tx| {
            let new = R::parse(body, ctx.now)?;
            edit::replace::<R>(tx, &target, new, precondition, &ctx)
        })
        .await?;
    let response = if created {
        let mut response = HttpResponse::Created();
        response.insert_header(location(collection, &id));
        response
    } else {
        HttpResponse::Ok()
    };
    Ok(written(response, &item))
}

/// `PATCH /v1/{collection}/{id}`: merges the patch into the resource as read.
pub async fn patch<R: Editable>(
    req: &HttpRequest,
    state: &AppState,
    editor: Editor,
    id: R::Id,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let precondition = precondition::<R>(req)?;
    let ctx = ctx(state, &editor);
    let body = body.into_inner();
    let item: R = state
        .db
        .write(move |tx| edit::patch::<R>(tx, &id, body, precondition, &ctx))
        .await?;
    Ok(written(HttpResponse::Ok(), &item))
}

/// `DELETE /v1/{collection}/{id}`: 204.
pub async fn delete<R: Editable>(
    req: &HttpRequest,
    state: &AppState,
    editor: Editor,
    id: R::Id,
) -> ApiResult<HttpResponse> {
    let precondition = precondition::<R>(req)?;
    let ctx = ctx(state, &editor);
    state
        .db
        .write(move |tx| edit::delete::<R>(tx, &id, precondition, &ctx))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
