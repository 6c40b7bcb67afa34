//! `/v1/webhooks`: subscriptions that receive every change as a signed POST.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Editor;
use super::envelope::Single;
use super::error::{ApiError, ApiResult};
use crate::domain::webhook::{NewWebhook, Webhook};
use crate::storage::webhooks;

/// All subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub data: Vec<Webhook>,
}

/// Create a webhook
///
/// Needs an editor key. From the next change on, each change is POSTed to `url` as
/// JSON: `{"delivery": "<webhook>-<seq>", "webhook": "<id>", "change": <an entry of
/// /v1/changes, with the resource>}`. The body is signed: `X-Newsdesk-Signature:
/// sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`;
/// `X-Newsdesk-Delivery` repeats the delivery id, which is the same on every retry. A
/// delivery that fails (no answer, or not 2xx) is retried with exponential backoff,
/// and later changes wait behind it, so they arrive in order. Deliveries survive
/// restarts. The `secret` is in this response only: keep it.
#[utoipa::path(
    tag = "webhooks",
    request_body(content = NewWebhook, content_type = "application/json",
        example = json!({"url": "https://partner.example/newsdesk-hook", "types": ["article", "quote"]})),
    responses((status = 201, description = "The webhook, with its secret.", body = Single<Webhook>,
        headers(("Location" = String)))),
    security(("editor_key" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let hook =
        NewWebhook::from_json(body.into_inner()).map_err(|e| ApiError::Unprocessable(e.0))?;
    let now = (state.clock)().timestamp();
    let by = editor.0.name;
    let created = state
        .db
        .write(move |tx| webhooks::create(tx, &hook, now, Some(&by)).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, created.links.self_.clone()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Single {
            data: created,
            included: None,
        }))
}

/// List webhooks
///
/// Needs an editor key. Every subscription with where its deliveries stand.
#[utoipa::path(
    tag = "webhooks",
    responses((status = 200, description = "The webhooks.", body = WebhookList)),
    security(("editor_key" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(state: web::Data<AppState>, _editor: Editor) -> ApiResult<HttpResponse> {
    let data = state.db.read(webhooks::list).await?;
    Ok(HttpResponse::Ok().json(WebhookList { data }))
}

/// Get a webhook
///
/// Needs an editor key. The subscription and where its deliveries stand: the next
/// change to deliver, failures in a row and the last error.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "The webhook's id.")),
    responses((status = 200, description = "The webhook.", body = Single<Webhook>)),
    security(("editor_key" = []))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let probe = id.clone();
    let hook = state
        .db
        .read(move |conn| webhooks::get(conn, &probe))
        .await?
        .ok_or_else(|| ApiError::not_found("webhook", &id))?;
    Ok(HttpResponse::Ok().json(Single {
        data: hook,
        included: None,
    }))
}

/// Delete a webhook
///
/// Needs an editor key. Deliveries stop at once.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "The webhook's id.")),
    responses((status = 204, description = "The webhook is gone.")),
    security(("editor_key" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let probe = id.clone();
    if state
        .db
        .write(move |tx| webhooks::delete(tx, &probe).map_err(ApiError::from))
        .await?
    {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found("webhook", &id))
    }
}
