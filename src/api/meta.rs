//! Endpoints about the service itself: health, readiness, its description, its errors.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ApiResult, ProblemType, problem_type};

/// A health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness
///
/// Answers 200 while the process serves HTTP; it does not touch the database.
#[utoipa::path(tag = "service", responses((status = 200, description = "The process is up.", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness
///
/// Answers 200 when the database answers a query, 503 when it does not: take the
/// instance out of rotation then.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Ready to serve.", body = Health),
        (status = 503, description = "The database is unusable.", body = Health)
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.db.ping().await {
        HttpResponse::Ok().json(Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable",
        })
    }
}

/// The OpenAPI description
///
/// This API's OpenAPI 3.1 description, generated from its code.
#[utoipa::path(tag = "service", responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
pub async fn get_openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi.as_str().to_owned())
}

/// Describe a problem type
///
/// What a problem `type` such as `/problems/not-found` means: every error response
/// names one.
#[utoipa::path(
    tag = "service",
    params(("slug" = String, Path, description = "The last segment of the problem type.", example = "not-found")),
    responses((status = 200, description = "The problem type.", body = ProblemType))
)]
#[get("/problems/{slug}")]
pub async fn get_problem_type(slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let kind = problem_type(&slug).ok_or_else(|| ApiError::not_found("problem type", &slug))?;
    Ok(HttpResponse::Ok().json(kind))
}
