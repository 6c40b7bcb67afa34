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
use crate::delivery::address;
use crate::domain::FieldError;
use crate::domain::webhook::{NewWebhook, Webhook};
use crate::storage::webhooks;

/// Where webhooks may deliver: set from `--webhook-allow-private`.
#[derive(Debug, Clone, Copy)]
pub struct Destinations {
    pub allow_private: bool,
}

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
///
/// Webhooks cannot reach inside the network newsdesk runs in: a `url` whose host is,
/// or resolves to, a loopback, private, link-local, unique-local, multicast or
/// unspecified address (in any spelling: `127.1`, `0x7f000001`, `[::ffff:127.0.0.1]`,
/// `localhost` …) is refused with 422 naming `url`, and each delivery checks the
/// address it connects to again. Redirects are not followed: a 3xx is a failure.
/// `delivery.last_error` names the class of a failure only (`connection refused`,
/// `timeout`, `refused: private address`, `HTTP 500` …), never what the receiver
/// answered. A server started with `--webhook-allow-private` lets intranet
/// receivers through.
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
    destinations: web::Data<Destinations>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let hook =
        NewWebhook::from_json(body.into_inner()).map_err(|e| ApiError::Unprocessable(e.0))?;
    if !destinations.allow_private {
        // Resolving a name blocks: off the async workers.
        let url = hook.url.clone();
        let checked = web::block(move || address::check_url(&url))
            .await
            .map_err(|e| ApiError::from(crate::storage::StorageError::Blocking(e.to_string())))?;
        if let Err(refused) = checked {
            return Err(ApiError::Unprocessable(vec![FieldError::new(
                "url",
                format!("{refused}: webhooks cannot reach inside the network"),
            )]));
        }
    }
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
