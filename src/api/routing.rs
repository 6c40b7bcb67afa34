//! What happens to requests no handler takes: an unknown path is a 404 problem, a
//! known path with the wrong method a 405 problem with `Allow`. Also the extractor
//! settings that turn actix's own failures into problems.

use actix_web::dev::ResourceDef;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;

use super::AppState;
use super::error::ApiError;

/// Each documented path with the methods it answers.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<&'static str>)>,
}

impl RouteTable {
    /// The routes of [`super::configure`], read off the paths that utoipa collects
    /// while they are registered: the one list of every route and its methods.
    pub fn of_api() -> Self {
        let (_, doc) = actix_web::App::new()
            .into_utoipa_app()
            .configure(super::configure)
            .split_for_parts();
        Self::from_openapi(&doc)
    }

    fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                if item.get.is_some() {
                    methods.extend(["GET", "HEAD"]);
                }
                for (present, name) in [
                    (item.post.is_some(), "POST"),
                    (item.put.is_some(), "PUT"),
                    (item.patch.is_some(), "PATCH"),
                    (item.delete.is_some(), "DELETE"),
                ] {
                    if present {
                        methods.push(name);
                    }
                }
                methods.push("OPTIONS");
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods `path` answers, if it is a route at all.
    pub fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        self.routes
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// The default service: 405 with `Allow` for a known path, 404 otherwise.
pub async fn unmatched(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    match state.routes.allowed(req.path()) {
        Some(allow) if req.method() == actix_web::http::Method::OPTIONS => {
            Ok(HttpResponse::NoContent()
                .insert_header((actix_web::http::header::ALLOW, allow.join(", ")))
                .finish())
        }
        Some(allow) => Err(ApiError::MethodNotAllowed {
            allow: allow.to_vec(),
        }),
        None => Err(ApiError::NotFound(format!(
            "Nothing is served at `{}`; `/` lists what is, and /openapi.json describes it.",
            req.path()
        ))),
    }
}

/// A path segment that does not parse (an id that is not a slug) names nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, req| {
        let detail = match err {
            PathError::Deserialize(e) => format!(
                "`{}` names nothing here: {e}.",
                req.match_info()
                    .iter()
                    .map(|(_, v)| v)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            other => other.to_string(),
        };
        ApiError::NotFound(detail).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _| {
        ApiError::BadRequest {
            detail: format!("The query string is invalid: {err}."),
            errors: Vec::new(),
        }
        .into()
    })
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        // Bodies are JSON; `PATCH` bodies may say they are merge patches.
        .content_type(|mime| {
            use actix_web::mime;
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.subtype() == "merge-patch")
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
        })
        .content_type_required(true)
        .error_handler(|err: JsonPayloadError, _| {
            let error = match err {
                JsonPayloadError::OverflowKnownLength { length, limit } => {
                    ApiError::PayloadTooLarge(format!(
                        "The body is {length} bytes; at most {limit} are accepted."
                    ))
                }
                JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge(format!(
                    "The body is over the limit of {limit} bytes."
                )),
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
                    "Send the body as `application/json` (or, for `PATCH`, `application/merge-patch+json`).".to_owned(),
                ),
                other => ApiError::BadRequest {
                    detail: format!("The JSON body is malformed: {other}."),
                    errors: Vec::new(),
                },
            };
            error.into()
        })
}
