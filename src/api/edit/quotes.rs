//! Writing quotes.

use actix_web::{HttpRequest, HttpResponse, delete, patch, post, put, web};
use serde_json::Value;

use super::super::AppState;
use super::super::auth::Editor;
use super::super::envelope::Single;
use super::super::error::ApiResult;
use crate::domain::{NewQuote, Quote, QuoteId};

/// Create a quote
///
/// Needs an editor key. The speaker, article, event and topic must exist; the `id` is derived from the speaker and the words when absent. Answers 201 with `Location` and the quote.
#[utoipa::path(
    tag = "quotes",
    request_body(content = NewQuote, content_type = "application/json", example = json!({
        "id": "lukashenko-wonderful-gift-repeated",
        "text": "This is a wonderful gift to the Belarusian people",
        "speaker": "aleksandr-lukashenko",
        "article": "lukashenko-meets-xi-jinping-astana",
        "event": "lukashenko-xi-meeting-2024",
        "said_on": "2024-07-04"
    })),
    responses(
        (status = 201, description = "The quote was created.", body = Single<Quote>,
            headers(("Location" = String, description = "The quote's URL."), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[post("/quotes")]
pub async fn create_quote(
    state: web::Data<AppState>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::create::<Quote>(&state, editor, "quotes", body).await
}

/// Replace a quote
///
/// Needs an editor key. Sends the whole quote; fields the server manages may be
/// sent back as read. Creates the quote (201) when the id is new. With `If-Match`,
/// the write happens only if the quote is still at that `ETag` (otherwise 412);
/// without it, the write replaces whatever is stored.
#[utoipa::path(
    tag = "quotes",
    params(("id" = QuoteId, Path, description = "The quote's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = NewQuote, content_type = "application/json"),
    responses(
        (status = 200, description = "The quote as replaced.", body = Single<Quote>, headers(("ETag" = String))),
        (status = 201, description = "The quote was created.", body = Single<Quote>, headers(("Location" = String), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[put("/quotes/{id}")]
pub async fn replace_quote(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<QuoteId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::replace::<Quote>(&req, &state, editor, "quotes", id.into_inner(), body).await
}

/// Update a quote
///
/// Needs an editor key. The body is a JSON Merge Patch (RFC 7396): the fields it
/// names replace those of the quote, `null` removes an optional field. `If-Match`
/// works as for `PUT`.
#[utoipa::path(
    tag = "quotes",
    params(("id" = QuoteId, Path, description = "The quote's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = Object, content_type = "application/merge-patch+json", example = json!({"said_on": "2024-07-04"})),
    responses((status = 200, description = "The quote as updated.", body = Single<Quote>, headers(("ETag" = String)))),
    security(("editor_key" = []))
)]
#[patch("/quotes/{id}")]
pub async fn update_quote(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<QuoteId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::patch::<Quote>(&req, &state, editor, id.into_inner(), body).await
}

/// Delete a quote
///
/// Needs an editor key. Refused (409) while an article's body carries the quote in a quote block: replace that block first.
#[utoipa::path(
    tag = "quotes",
    params(("id" = QuoteId, Path, description = "The quote's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the deletion is based on.")),
    responses((status = 204, description = "The quote is gone.")),
    security(("editor_key" = []))
)]
#[delete("/quotes/{id}")]
pub async fn delete_quote(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<QuoteId>,
) -> ApiResult<HttpResponse> {
    super::delete::<Quote>(&req, &state, editor, id.into_inner()).await
}
