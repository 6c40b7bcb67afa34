//! Writing events.

use actix_web::{HttpRequest, HttpResponse, delete, patch, post, put, web};
use serde_json::Value;

use super::super::AppState;
use super::super::auth::Editor;
use super::super::envelope::Single;
use super::super::error::ApiResult;
use crate::domain::{Event, EventId, NewEvent};

/// Create an event
///
/// Needs an editor key. The `id` is derived from the title when absent; the parent, the place's country and the participants must exist, and parents cannot form a cycle. Answers 201 with `Location` and the event.
#[utoipa::path(
    tag = "events",
    request_body(content = NewEvent, content_type = "application/json", example = json!({
        "kind": "meeting",
        "title": "Session of the SCO Council of Heads of State",
        "start_date": "2024-07-04",
        "place": {"name": "Palace of Independence", "city": "Astana", "country": "kazakhstan"},
        "parent": "sco-summit-astana-2024",
        "participants": [{"participant": "kazakhstan", "role": "chair"}]
    })),
    responses(
        (status = 201, description = "The event was created.", body = Single<Event>,
            headers(("Location" = String, description = "The event's URL."), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[post("/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::create::<Event>(&state, editor, "events", body).await
}

/// Replace an event
///
/// Needs an editor key. Sends the whole event; fields the server manages may be
/// sent back as read. Creates the event (201) when the id is new. With `If-Match`,
/// the write happens only if the event is still at that `ETag` (otherwise 412);
/// without it, the write replaces whatever is stored.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = NewEvent, content_type = "application/json"),
    responses(
        (status = 200, description = "The event as replaced.", body = Single<Event>, headers(("ETag" = String))),
        (status = 201, description = "The event was created.", body = Single<Event>, headers(("Location" = String), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[put("/events/{id}")]
pub async fn replace_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<EventId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::replace::<Event>(&req, &state, editor, "events", id.into_inner(), body).await
}

/// Update an event
///
/// Needs an editor key. The body is a JSON Merge Patch (RFC 7396): the fields it
/// names replace those of the event, `null` removes an optional field. `If-Match`
/// works as for `PUT`.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = Object, content_type = "application/merge-patch+json", example = json!({"title": "SCO summit, Astana"})),
    responses((status = 200, description = "The event as updated.", body = Single<Event>, headers(("ETag" = String)))),
    security(("editor_key" = []))
)]
#[patch("/events/{id}")]
pub async fn update_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<EventId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::patch::<Event>(&req, &state, editor, id.into_inner(), body).await
}

/// Delete an event
///
/// Needs an editor key. Refused (409), naming them, while sub-events, quotes or articles refer to the event.
#[utoipa::path(
    tag = "events",
    params(("id" = EventId, Path, description = "The event's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the deletion is based on.")),
    responses((status = 204, description = "The event is gone.")),
    security(("editor_key" = []))
)]
#[delete("/events/{id}")]
pub async fn delete_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<EventId>,
) -> ApiResult<HttpResponse> {
    super::delete::<Event>(&req, &state, editor, id.into_inner()).await
}
