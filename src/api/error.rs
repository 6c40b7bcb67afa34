//! The one error type of the HTTP layer and its RFC 9457 `application/problem+json`
//! form. Every failure, ours or actix's, leaves the server through here.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::storage::edit::EditError;
use crate::storage::{Overload, StorageError, StorageFault};

pub type ApiResult<T> = Result<T, ApiError>;

pub use super::problems::{ProblemType, problem_type};
pub use crate::domain::FieldError;

/// An RFC 9457 problem detail, the body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/not-found",
    "title": "Resource not found",
    "status": 404,
    "detail": "There is no article with the id `no-such-article`."
}))]
pub struct Problem {
    /// A URI reference naming the kind of problem; `GET` it for a description.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for a human.
    pub detail: String,
    /// For invalid input: every bad field at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<&'static str> },
    /// A write sent to a read replica; `location` is the same request's URL on the
    /// primary, when `--primary-url` names it.
    #[error("read-only replica")]
    ReadOnlyReplica { location: Option<String> },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("The body does not describe a valid resource: {} field(s) need attention.", .0.len())]
    Unprocessable(Vec<FieldError>),
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// Too many requests in flight (see `api::shed`).
    #[error("{0}")]
    Shed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The database cannot answer now (deadline, pool, lock): a 503 to retry.
    #[error("{}", .0.detail())]
    Overloaded(Overload),
    #[error(transparent)]
    Storage(StorageError),
}

/// Seconds a client is asked to wait after an overload: long enough for the queries
/// ahead of it to finish.
pub const OVERLOAD_RETRY_AFTER: u64 = 1;

impl From<StorageError> for ApiError {
    /// An overload is the server's state, not a fault: 503, never 500. A broken
    /// foreign key is the client's write clashing with what is stored: 409, never
    /// 500, even where a resource's own delete check is missing.
    fn from(e: StorageError) -> Self {
        if e.is_foreign_key_violation() {
            tracing::warn!(error = %e, "write refused by a foreign key");
            return Self::Conflict(
                "The write would break a reference between resources: other resources \
                 still point at the one being deleted, or the body names one that does \
                 not exist."
                    .to_owned(),
            );
        }
        match e.overload() {
            Some(overload) => {
                tracing::warn!(error = %e, "database overloaded");
                Self::Overloaded(overload)
            }
            None => Self::Storage(e),
        }
    }
}

impl ApiError {
    pub fn not_found(resource: &str, id: &str) -> Self {
        Self::NotFound(format!("There is no {resource} with the id `{id}`."))
    }

    /// A bad query parameter, path segment or field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        Self::BadRequest {
            detail: format!("Invalid `{}`: {}.", error.field, error.message),
            errors: vec![error],
        }
    }

    /// The problem type's slug, title and status; see [`PROBLEM_TYPES`](super::problems::PROBLEM_TYPES).
    fn kind(&self) -> &'static ProblemType {
        let slug = match self {
            Self::NotFound(_) => "not-found",
            Self::BadRequest { .. } => "invalid-request",
            Self::MethodNotAllowed { .. } => "method-not-allowed",
            Self::ReadOnlyReplica { .. } => "read-only-replica",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotAcceptable(_) => "not-acceptable",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed(_) => "precondition-failed",
            Self::Unprocessable(_) => "validation-failed",
            Self::TooManyRequests { .. } => "rate-limited",
            Self::Unavailable(_) | Self::Overloaded(_) => "unavailable",
            Self::Shed(_) => "overloaded",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Storage(e) => match e.fault() {
                Some(StorageFault::Full) => "insufficient-storage",
                Some(StorageFault::ReadOnly) => "storage-read-only",
                Some(StorageFault::Io) => "storage-failed",
                None => "internal-error",
            },
        };
        problem_type(slug).expect("every error kind is in PROBLEM_TYPES")
    }

    pub fn problem(&self) -> Problem {
        let kind = self.kind();
        let (detail, errors) = match self {
            Self::BadRequest { detail, errors } => (detail.clone(), errors.clone()),
            Self::Unprocessable(errors) => (self.to_string(), errors.clone()),
            Self::MethodNotAllowed { allow } => (
                format!("This resource allows only {}.", allow.join(", ")),
                Vec::new(),
            ),
            Self::ReadOnlyReplica { location } => (
                match location {
                    Some(url) => format!(
                        "This server is a read-only replica: send writes to the primary, \
                         at {url} for this one."
                    ),
                    None => {
                        "This server is a read-only replica: send writes to the primary.".to_owned()
                    }
                },
                Vec::new(),
            ),
            Self::Storage(e) if e.fault().is_some() => (
                "The write was refused whole: nothing of it was stored. Reads still work; \
                 retry once the storage recovers (`/readyz` says when)."
                    .to_owned(),
                Vec::new(),
            ),
            // The cause is logged, never shown: it may reveal internals.
            Self::Storage(_) => (
                "The server failed to handle the request; it has been logged.".to_owned(),
                Vec::new(),
            ),
            other => (other.to_string(), Vec::new()),
        };
        Problem {
            type_: format!("/problems/{}", kind.slug),
            title: kind.title.to_owned(),
            status: kind.status,
            detail,
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.kind().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Storage(cause) = self {
            tracing::error!(error = %cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            Self::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            Self::ReadOnlyReplica { location } => {
                response.insert_header((header::ALLOW, "GET, HEAD, OPTIONS"));
                if let Some(value) = location
                    .as_deref()
                    .and_then(|l| HeaderValue::from_str(l).ok())
                {
                    response.insert_header((header::LOCATION, value));
                }
            }
            Self::Unauthorized(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    "Bearer realm=\"newsdesk\", error=\"invalid_token\"",
                ));
            }
            Self::TooManyRequests { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Overloaded(_) => {
                response.insert_header((header::RETRY_AFTER, OVERLOAD_RETRY_AFTER.to_string()));
            }
            Self::Storage(e) if e.fault().is_some() => {
                response.insert_header((header::RETRY_AFTER, STORAGE_RETRY_AFTER.to_string()));
            }
            Self::Shed(_) => {
                response.insert_header((header::RETRY_AFTER, super::shed::RETRY_AFTER.to_string()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Seconds a client waits before retrying a write the storage refused: a person or a
/// script has to free space or remount, which takes a while.
const STORAGE_RETRY_AFTER: u64 = 30;

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Invalid(errors) => Self::Unprocessable(errors),
            EditError::Conflict(detail) => Self::Conflict(detail),
            EditError::NotFound(detail) => Self::NotFound(detail),
            EditError::PreconditionFailed => Self::PreconditionFailed(
                "The resource has changed since the version `If-Match` names.".to_owned(),
            ),
            EditError::Storage(e) => Self::from(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: std::ffi::c_int) -> StorageError {
        StorageError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            None,
        ))
    }

    #[test]
    fn overloads_are_503s_to_retry_and_faults_500s() {
        for cause in [
            sqlite(rusqlite::ffi::SQLITE_BUSY),
            sqlite(rusqlite::ffi::SQLITE_LOCKED),
            sqlite(rusqlite::ffi::SQLITE_INTERRUPT),
        ] {
            let response = ApiError::from(cause).error_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                response.headers().get(header::RETRY_AFTER).unwrap(),
                &OVERLOAD_RETRY_AFTER.to_string()
            );
        }
        let fault = ApiError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT));
        assert_eq!(fault.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let edit = ApiError::from(EditError::Storage(sqlite(rusqlite::ffi::SQLITE_BUSY)));
        assert_eq!(edit.status_code(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn a_broken_foreign_key_is_a_409_conflict() {
        let cause = sqlite(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY);
        let response = ApiError::from(EditError::Storage(cause)).error_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        // Other constraints are still faults of ours.
        let unique = ApiError::from(sqlite(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE));
        assert_eq!(unique.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
