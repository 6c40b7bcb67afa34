//! Endpoints about the service itself: health, readiness, its description, its errors.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use std::collections::BTreeMap;

use super::AppState;
use super::error::{ApiError, ApiResult, Problem, ProblemType, problem_type};
use crate::background::TaskReport;

/// A health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Readiness only: each background task (`publication`, `webhooks`) with the
    /// rounds it finished and the restarts after a panic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<BTreeMap<String, TaskReport>>,
    /// Readiness of a read replica (`--read-only`) only: how far behind it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication: Option<Replication>,
}

/// How far a read replica is behind its primary.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replication {
    /// Seconds from the newest change this replica has to now; `null` when its change
    /// log is empty. A quiet primary makes it grow too: it is an upper bound.
    #[schema(example = 2)]
    pub lag_seconds: Option<u64>,
    /// When the newest change this replica has was made.
    #[schema(example = "2026-12-01T16:00:00Z")]
    pub newest_change_at: Option<String>,
    /// `--max-lag`: past it, readiness fails.
    #[schema(example = 60)]
    pub max_lag_seconds: Option<u64>,
    /// `--primary-url`: where writes go.
    #[schema(example = "https://write.example.org")]
    pub primary_url: Option<String>,
}

/// Liveness
///
/// Answers 200 while the process serves HTTP; it does not touch the database.
#[utoipa::path(tag = "service", responses((status = 200, description = "The process is up.", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(Health {
            status: "ok",
            tasks: None,
            replication: None,
        })
}

/// Readiness
///
/// Answers 200 when the database answers a query, its file system can take writes,
/// and the background tasks (scheduled publication, webhook delivery) are running;
/// 503 when not, saying why (the database does not answer, its disk is full, its
/// file system is read-only, a task's last round failed — it is restarted meanwhile —
/// or none finished for long): take the instance out of rotation then. Reads may
/// still work while writes cannot. It answers 200 again, without a restart, once the
/// cause is gone.
///
/// On a read replica (`--read-only`), `replication` reports its lag: now minus the
/// time of the newest change it has. Past `--max-lag` seconds it answers 503.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Ready to serve.", body = Health),
        (status = 503, description = "The database is unusable, its storage cannot take writes, a background task is failing, or (a replica) its lag is past `--max-lag`; `detail` says why.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let problems = state.background.problems();
    if !problems.is_empty() {
        return Err(ApiError::Unavailable(format!(
            "A background task is failing ({}); see the server's log.",
            problems.join("; ")
        )));
    }
    if !state.db.ping().await {
        return Err(ApiError::Unavailable(
            "The database does not answer; see the server's log.".to_owned(),
        ));
    }
    let db = state.db.clone();
    if let Ok(Some(why)) = web::block(move || db.unwritable()).await {
        return Err(ApiError::Unavailable(format!(
            "Writes cannot succeed: the database's {why}. Reads still work."
        )));
    }
    let replication = match &state.replica {
        Some(replica) => Some(replication(replica, (state.clock)().timestamp())?),
        None => None,
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(Health {
            status: "ok",
            tasks: Some(state.background.report()),
            replication,
        }))
}

/// A replica's lag at `now`, or why it is too far behind to serve.
fn replication(replica: &crate::replica::Replica, now: i64) -> ApiResult<Replication> {
    let newest = replica.newest_change();
    let newest_change_at = newest
        .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let lag = replica.lag(now);
    let max_lag = replica.max_lag.map(|d| d.as_secs());
    if let (Some(lag), Some(max)) = (lag, max_lag)
        && lag > max
    {
        return Err(ApiError::Unavailable(format!(
            "Replication lag is {lag} s, past --max-lag {max} s: the newest change this \
             replica has is from {}.",
            newest_change_at.as_deref().unwrap_or("never")
        )));
    }
    Ok(Replication {
        lag_seconds: lag,
        newest_change_at,
        max_lag_seconds: max_lag,
        primary_url: replica.primary_url.clone(),
    })
}

/// The OpenAPI description
///
/// This API's OpenAPI 3.1 description, generated from its code.
#[utoipa::path(tag = "service", responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DESCRIPTION)
}

/// The description committed as `openapi/openapi.json`: the rendered one, as a test
/// holds them equal, so the server never renders it, and serves it without a copy.
pub const DESCRIPTION: &str = include_str!("../../openapi/openapi.json");

/// Metrics
///
/// Prometheus text exposition: request counts and latency histograms by method, route
/// template and status, and the database pool's connections. Labels are bounded:
/// routes are templates (`/v1/articles/{id}`), methods outside the standard ones are
/// `OTHER`. With `--metrics-bind` this is served on that listener only.
#[utoipa::path(
    tag = "service",
    responses((status = 200, description = "Prometheus text format 0.0.4.", content_type = "text/plain; version=0.0.4", body = String,
        example = "newsdesk_http_requests_total{method=\"GET\",route=\"/v1/articles\",status=\"200\"} 1"),
        (status = 404, description = "Metrics are served on the `--metrics-bind` listener instead.", body = Problem, content_type = "application/problem+json"))
)]
#[get("/metrics")]
pub async fn get_metrics(
    state: web::Data<AppState>,
    metrics: web::Data<crate::http::Metrics>,
    here: web::Data<MetricsHere>,
) -> ApiResult<HttpResponse> {
    if !here.0 {
        return Err(ApiError::NotFound(
            "Metrics are served on their own listener (`--metrics-bind`).".to_owned(),
        ));
    }
    let (open, idle) = state.db.pool_state();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(metrics.render(open, idle)))
}

/// Whether this listener serves `/metrics`: not the API's under `--metrics-bind`.
#[derive(Debug, Clone, Copy)]
pub struct MetricsHere(pub bool);

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
