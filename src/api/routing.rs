//! What happens to requests no handler takes: an unknown path is a 404 problem, a
//! known path with the wrong method a 405 problem with `Allow`. Also the extractor
//! settings that turn actix's own failures into problems.

use actix_web::dev::ResourceDef;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, web};
use std::collections::BTreeMap;

use actix_web::dev::HttpServiceFactory;
use utoipa::openapi::path::HttpMethod;
use utoipa_actix_web::OpenApiFactory;

use super::AppState;
use super::Routes;
use super::error::ApiError;

/// Each documented path with the methods it answers.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<&'static str>)>,
}

impl RouteTable {
    /// The routes of [`super::configure`], with the paths and methods of their
    /// `#[utoipa::path]` operations: the paths of the OpenAPI description, without
    /// building it.
    pub fn of_api() -> Self {
        let mut collected = Collected::default();
        super::configure(&mut collected);
        Self::from_methods(collected.paths)
    }

    /// Paths in order, with their methods in any order.
    fn from_methods(paths: BTreeMap<String, Vec<HttpMethod>>) -> Self {
        let routes = paths
            .into_iter()
            .map(|(path, declared)| {
                let mut methods = Vec::new();
                if declared.contains(&HttpMethod::Get) {
                    methods.extend(["GET", "HEAD"]);
                }
                for (method, name) in [
                    (HttpMethod::Post, "POST"),
                    (HttpMethod::Put, "PUT"),
                    (HttpMethod::Patch, "PATCH"),
                    (HttpMethod::Delete, "DELETE"),
                ] {
                    if declared.contains(&method) {
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

/// Each route's path (with its scope's prefix, as in the OpenAPI description) and
/// methods, as [`super::configure`] registers them.
#[derive(Default)]
struct Collected {
    prefix: String,
    paths: BTreeMap<String, Vec<HttpMethod>>,
}

impl Routes for Collected {
    type Scoped<'a> = Collected;

    fn service<F>(&mut self, _: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        let path = format!("{}{}", self.prefix, F::path());
        self.paths.entry(path).or_default().extend(F::methods());
        self
    }

    fn scope<F>(&mut self, path: &str, routes: F) -> &mut Self
    where
        F: for<'a, 'b> FnOnce(&'b mut Collected),
    {
        let mut scoped = Collected {
            prefix: format!("{}{path}", self.prefix),
            paths: std::mem::take(&mut self.paths),
        };
        routes(&mut scoped);
        self.paths = scoped.paths;
        self
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use utoipa_actix_web::AppExt;

    use super::RouteTable;

    fn listed(table: &RouteTable) -> Vec<(String, Vec<&'static str>)> {
        let pattern = |def: &actix_web::dev::ResourceDef| def.pattern().unwrap_or("").to_owned();
        table
            .routes
            .iter()
            .map(|(def, methods)| (pattern(def), methods.clone()))
            .collect()
    }

    /// The table lists exactly the paths and methods of the OpenAPI description.
    #[test]
    fn the_table_is_the_descriptions_paths() {
        let (_, doc) = actix_web::App::new()
            .into_utoipa_app()
            .configure(|cfg| super::super::configure(cfg))
            .split_for_parts();
        let described: BTreeMap<_, _> = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (item.get.is_some(), utoipa::openapi::path::HttpMethod::Get),
                    (item.post.is_some(), utoipa::openapi::path::HttpMethod::Post),
                    (item.put.is_some(), utoipa::openapi::path::HttpMethod::Put),
                    (
                        item.patch.is_some(),
                        utoipa::openapi::path::HttpMethod::Patch,
                    ),
                    (
                        item.delete.is_some(),
                        utoipa::openapi::path::HttpMethod::Delete,
                    ),
                ];
                let present = methods.into_iter().filter(|(p, _)| *p).map(|(_, m)| m);
                (path.clone(), present.collect())
            })
            .collect();
        let table = RouteTable::of_api();
        assert_eq!(listed(&table), listed(&RouteTable::from_methods(described)));
        assert!(listed(&table).len() > 40, "{:?}", listed(&table));
    }
}
