//! Writing participants.

use actix_web::{HttpRequest, HttpResponse, delete, patch, post, put, web};
use serde_json::Value;

use super::super::AppState;
use super::super::auth::Editor;
use super::super::envelope::Single;
use super::super::error::ApiResult;
use crate::domain::{NewParticipant, Participant, ParticipantId};

/// Create a participant
///
/// Needs an editor key. The `id` is derived from the name when absent; an `affiliation` must exist. Answers 201 with `Location` and the participant.
#[utoipa::path(
    tag = "participants",
    request_body(content = NewParticipant, content_type = "application/json", example = json!({
        "kind": "person",
        "name": "Kassym-Jomart Tokayev",
        "title": "President of Kazakhstan",
        "affiliation": "kazakhstan"
    })),
    responses(
        (status = 201, description = "The participant was created.", body = Single<Participant>,
            headers(("Location" = String, description = "The participant's URL."), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[post("/participants")]
pub async fn create_participant(
    state: web::Data<AppState>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::create::<Participant>(&state, editor, "participants", body).await
}

/// Replace a participant
///
/// Needs an editor key. Sends the whole participant; fields the server manages may be
/// sent back as read. Creates the participant (201) when the id is new. With `If-Match`,
/// the write happens only if the participant is still at that `ETag` (otherwise 412);
/// without it, the write replaces whatever is stored.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = NewParticipant, content_type = "application/json"),
    responses(
        (status = 200, description = "The participant as replaced.", body = Single<Participant>, headers(("ETag" = String))),
        (status = 201, description = "The participant was created.", body = Single<Participant>, headers(("Location" = String), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[put("/participants/{id}")]
pub async fn replace_participant(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ParticipantId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::replace::<Participant>(&req, &state, editor, "participants", id.into_inner(), body).await
}

/// Update a participant
///
/// Needs an editor key. The body is a JSON Merge Patch (RFC 7396): the fields it
/// names replace those of the participant, `null` removes an optional field. `If-Match`
/// works as for `PUT`.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = Object, content_type = "application/merge-patch+json", example = json!({"title": "President of the Republic of Belarus"})),
    responses((status = 200, description = "The participant as updated.", body = Single<Participant>, headers(("ETag" = String)))),
    security(("editor_key" = []))
)]
#[patch("/participants/{id}")]
pub async fn update_participant(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ParticipantId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::patch::<Participant>(&req, &state, editor, id.into_inner(), body).await
}

/// Delete a participant
///
/// Needs an editor key. Refused (409), naming them, while quotes, events, articles or other participants refer to the participant.
#[utoipa::path(
    tag = "participants",
    params(("id" = ParticipantId, Path, description = "The participant's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the deletion is based on.")),
    responses((status = 204, description = "The participant is gone.")),
    security(("editor_key" = []))
)]
#[delete("/participants/{id}")]
pub async fn delete_participant(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ParticipantId>,
) -> ApiResult<HttpResponse> {
    super::delete::<Participant>(&req, &state, editor, id.into_inner()).await
}
