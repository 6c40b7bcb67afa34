//! Draft previews: an editor mints a link; whoever holds it reads the unpublished
//! article, quotes included, without a key, until the link expires or the preview
//! secret is rotated.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::auth::Editor;
use super::envelope::Single;
use super::error::{ApiError, ApiResult};
use super::negotiate::Format;
use super::params::Query;
use super::vocabulary::{GetQuery, Include};
use super::{AppState, respond};
use crate::domain::input::Fields;
use crate::domain::{Article, ArticleId};
use crate::storage::articles::Visibility;
use crate::storage::by_id;
use crate::storage::previews::{self, DEFAULT_LIFETIME, MAX_LIFETIME, Verdict};

/// A preview link, as minted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preview {
    /// The article it shows.
    #[schema(example = "lukashenko-meets-xi-jinping-astana")]
    pub article: ArticleId,
    /// The link: give it to the frontend that renders the page. It needs no key.
    #[schema(
        example = "https://api.newsdesk.example/v1/previews/lukashenko-meets-xi-jinping-astana?token=1720180800.q0kYh3r0Zb4i0G1XQw2d6l0kq2k8b1Xc9m5Yw3sVt0E"
    )]
    pub url: String,
    /// The signed token alone (`<expiry>.<signature>`), as the link carries it.
    #[schema(example = "1720180800.q0kYh3r0Zb4i0G1XQw2d6l0kq2k8b1Xc9m5Yw3sVt0E")]
    pub token: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// What a preview link may ask for.
#[derive(Debug, ToSchema)]
pub struct NewPreview {
    /// Seconds the link stays good: 1 to 604800 (seven days); absent or `null` for
    /// 3600.
    #[schema(required = false, value_type = Option<i64>, example = 3600, minimum = 1, maximum = 604800)]
    pub expires_in: i64,
}

impl NewPreview {
    /// An empty body (or `null`) asks for the defaults.
    fn parse(body: &[u8]) -> ApiResult<Self> {
        let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(body)
                .map_err(|e| ApiError::invalid("body", format!("is not JSON ({e})")))?
        };
        if value.is_null() {
            return Ok(Self {
                expires_in: DEFAULT_LIFETIME,
            });
        }
        let mut f = Fields::new(value, &[]).map_err(|e| ApiError::Unprocessable(e.0))?;
        let expires_in: i64 = f.optional("expires_in").unwrap_or(DEFAULT_LIFETIME);
        if !(1..=MAX_LIFETIME).contains(&expires_in) {
            f.reject(
                "expires_in",
                format!("must be between 1 and {MAX_LIFETIME} seconds"),
            );
        }
        f.finish().map_err(|e| ApiError::Unprocessable(e.0))?;
        Ok(Self { expires_in })
    }
}

/// Create a preview link
///
/// Needs an editor key. Mints a link to the article `id` in whatever state it is
/// (a draft, a scheduled or embargoed article) that anyone holding it can open
/// without a key, until `expires_at`: by default in one hour, at most in seven days
/// (`expires_in`, seconds). The token is an HMAC-SHA256 over the article id and the
/// expiry, keyed with a secret kept in the database; `newsdesk previews
/// rotate-secret` replaces the secret and so revokes every link issued before.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id.")),
    request_body(content = Option<NewPreview>, content_type = "application/json",
        description = "Optional; an empty body asks for a link good for one hour.",
        example = json!({"expires_in": 3600})),
    responses((status = 201, description = "The link.", body = Single<Preview>)),
    security(("editor_key" = []))
)]
#[post("/articles/{id}/previews")]
pub async fn create_preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<ArticleId>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new = NewPreview::parse(&body)?;
    let id = id.into_inner();
    let expires = (state.clock)().timestamp() + new.expires_in;
    let article = id.clone();
    let token = state
        .db
        .write(move |tx| {
            if !by_id::exists::<Article>(tx, &article)? {
                return Err(ApiError::not_found("article", article.as_str()));
            }
            Ok(previews::sign(tx, &article, expires)?)
        })
        .await?;
    let url = format!(
        "{}/v1/previews/{id}?token={token}",
        super::negotiate::base_url(&req)
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, url.clone()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Single {
            data: Preview {
                article: id,
                url,
                token,
                expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
            },
            included: None,
        }))
}

/// Query parameters of a preview.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// The token of the link, as minted.
    #[param(example = "1720180800.q0kYh3r0Zb4i0G1XQw2d6l0kq2k8b1Xc9m5Yw3sVt0E")]
    pub token: String,
    /// `json` (the default), `jsonld` or `ninjs`, as on `GET /v1/articles/{id}`.
    #[serde(default, deserialize_with = "super::params::given")]
    #[param(inline, example = "ninjs")]
    pub format: Option<Format>,
}

/// Open a preview link
///
/// The article of a preview link exactly as `GET /v1/articles/{id}?include=quotes`
/// will serve it once it is public, its quotes included, whatever its state now;
/// no key needed. A link that is expired, tampered with, or revoked by a secret
/// rotation answers 403. Always `Cache-Control: private, no-store`: no cache keeps
/// an unpublished article.
#[utoipa::path(
    tag = "articles",
    params(("id" = ArticleId, Path, description = "The article's id."), PreviewQuery),
    responses(
        (status = 200, description = "The article, with its quotes in `included`.", body = Single<crate::domain::Article>),
        (status = 403, description = "The link is expired, tampered with or revoked.",
            body = super::error::Problem, content_type = "application/problem+json",
            example = json!({"type": "/problems/forbidden", "title": "Forbidden", "status": 403,
                "detail": "This preview link has expired: ask an editor for a new one."}))
    )
)]
#[get("/previews/{id}")]
pub async fn get_preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ArticleId>,
    Query(query): Query<PreviewQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = (state.clock)().timestamp();
    let (article, token) = (id.clone(), query.token);
    let verdict = state
        .db
        .read(move |conn| previews::verify(conn, &article, &token, now))
        .await?;
    match verdict {
        Verdict::Valid => {}
        Verdict::Expired => {
            return Err(ApiError::Forbidden(
                "This preview link has expired: ask an editor for a new one.".to_owned(),
            ));
        }
        Verdict::Invalid => {
            return Err(ApiError::Forbidden(
                "This preview link is not valid (altered, or revoked).".to_owned(),
            ));
        }
    }
    let get = GetQuery {
        include: Include {
            relations: Vec::from_iter(
                query
                    .format
                    .is_none()
                    .then_some(super::articles::Relation::Quotes),
            ),
        },
        format: query.format,
        fields: Default::default(),
    };
    let mut response = respond::one_as(
        &req,
        &state,
        "article",
        id,
        get,
        Visibility::Everything,
        |conn, id| by_id::find::<Article>(conn, id, Visibility::Everything),
    )
    .await?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
