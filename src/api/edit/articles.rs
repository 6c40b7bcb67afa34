//! Writing articles, and reading their history.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde_json::Value;

use super::super::AppState;
use super::super::auth::Editor;
use super::super::envelope::Single;
use super::super::error::{ApiError, ApiResult};
use crate::domain::{Article, ArticleId, NewArticle};
use crate::storage::edit::{VersionInfo, article_version, article_versions};

/// Create an article
///
/// Needs an editor key. The `id` is derived from the headline when absent. A
/// `published` article is public at once, a `scheduled` one when its `published_at`
/// passes; drafts and withdrawn articles are seen by editors only. Quote blocks in
/// the body must name quotes of this article, so they are added once the quotes
/// exist. Answers 201 with `Location` and the article, whose `ETag` a later
/// `If-Match` can use.
#[utoipa::path(
    tag = "articles",
    request_body(content = NewArticle, content_type = "application/json", example = json!({
        "headline": "What SCO membership means for Belarus",
        "headline_origin": "editorial",
        "dateline": {"place": "Minsk", "date": "2024-07-06"},
        "status": "draft",
        "summary": "An explainer on Belarus's first days as a member state.",
        "topics": ["international-standing"],
        "events": ["belarus-sco-accession-2024"],
        "participants": ["belarus", "shanghai-cooperation-organization"],
        "body": [
            {"type": "heading", "text": "A full member", "topic": "international-standing"},
            {"type": "paragraph", "text": "Belarus joined the Shanghai Cooperation Organization as a full member at the Astana summit on 4 July 2024."}
        ]
    })),
    responses(
        (status = 201, description = "The article was created.", body = Single<Article>,
            headers(("Location" = String, description = "The article's URL."), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[post("/articles")]
pub async fn create_article(
    state: web::Data<AppState>,
    editor: Editor,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::create::<Article>(&state, editor, "articles", body).await
}

/// Replace an article
///
/// Needs an editor key. Sends the whole article; fields the server manages may be
/// sent back as read. Creates the article (201) when the id is new. With
/// `If-Match`, the write happens only if the article is still at that `ETag`
/// (otherwise 412); without it, the write replaces whatever is stored. A
/// `correction_note` is published under the article. The version being replaced is
/// kept under `/versions`.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = NewArticle, content_type = "application/json"),
    responses(
        (status = 200, description = "The article as replaced.", body = Single<Article>, headers(("ETag" = String))),
        (status = 201, description = "The article was created.", body = Single<Article>, headers(("Location" = String), ("ETag" = String))),
    ),
    security(("editor_key" = []))
)]
#[put("/articles/{id}")]
pub async fn replace_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ArticleId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::replace::<Article>(&req, &state, editor, "articles", id.into_inner(), body).await
}

/// Update an article
///
/// Needs an editor key. The body is a JSON Merge Patch (RFC 7396): the fields it
/// names replace those of the article, `null` removes an optional field. Publishing
/// is a patch: `{"status": "published"}`; a draft published without a new
/// `published_at` is stamped with the time of publication. `If-Match` works as for
/// `PUT`.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on.")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        example = json!({"summary": "A corrected summary.", "correction_note": "The summary misnamed the host."})),
    responses((status = 200, description = "The article as updated.", body = Single<Article>, headers(("ETag" = String)))),
    security(("editor_key" = []))
)]
#[patch("/articles/{id}")]
pub async fn update_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ArticleId>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    super::patch::<Article>(&req, &state, editor, id.into_inner(), body).await
}

/// Delete an article
///
/// Needs an editor key. The article's quotes are deleted with it (each appears in the
/// change log). To take an article down but keep it, withdraw it instead:
/// `PATCH {"status": "withdrawn"}`.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the deletion is based on.")),
    responses((status = 204, description = "The article and its quotes are gone.")),
    security(("editor_key" = []))
)]
#[delete("/articles/{id}")]
pub async fn delete_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<ArticleId>,
) -> ApiResult<HttpResponse> {
    super::delete::<Article>(&req, &state, editor, id.into_inner()).await
}

/// List an article's versions
///
/// Needs an editor key. Every version of the article, oldest first, with who made
/// it and the correction it carries; the last one is current.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id.")),
    responses((status = 200, description = "The versions.", body = inline(VersionList))),
    security(("editor_key" = []))
)]
#[get("/articles/{id}/versions")]
pub async fn list_article_versions(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<ArticleId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let probe = id.clone();
    let versions = state
        .db
        .read(move |conn| article_versions(conn, &probe))
        .await?
        .ok_or_else(|| ApiError::not_found("article", id.as_str()))?;
    Ok(HttpResponse::Ok().json(VersionList { data: versions }))
}

/// The versions of an article.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VersionList {
    pub data: Vec<VersionInfo>,
}

/// Get a version of an article
///
/// Needs an editor key. The article exactly as it was served at that version.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."),
        ("n" = u32, Path, description = "The version number, from 1.", minimum = 1)),
    responses((status = 200, description = "The article at that version.", body = Single<Article>)),
    security(("editor_key" = []))
)]
#[get("/articles/{id}/versions/{n}")]
pub async fn get_article_version(
    state: web::Data<AppState>,
    _editor: Editor,
    path: web::Path<(ArticleId, u32)>,
) -> ApiResult<HttpResponse> {
    let (id, n) = path.into_inner();
    let probe = id.clone();
    let version = state
        .db
        .read(move |conn| article_version(conn, &probe, n))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The article `{id}` has no version {n}.")))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "data": version })))
}
