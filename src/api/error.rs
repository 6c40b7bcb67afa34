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

    /// The problem type's slug, title and status; see [`PROBLEM_TYPES`].
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

/// A kind of problem, as documented at `/problems/{slug}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemType {
    #[schema(example = "not-found")]
    pub slug: &'static str,
    #[schema(example = "Resource not found")]
    pub title: &'static str,
    #[schema(example = 404)]
    pub status: u16,
    /// When it happens and what to do about it.
    pub description: &'static str,
}

/// Every problem type newsdesk answers with.
pub static PROBLEM_TYPES: &[ProblemType] = &[
    ProblemType {
        slug: "invalid-request",
        title: "Invalid request",
        status: 400,
        description: "A query parameter, path segment or body is malformed, unknown or out of range. \
            `errors` names each bad field; fix them and retry.",
    },
    ProblemType {
        slug: "unauthorized",
        title: "Authentication required",
        status: 401,
        description: "This operation needs an API key as `Authorization: Bearer <key>`, and none or an unknown \
            or revoked one was sent. Keys are made with `newsdesk keys create`.",
    },
    ProblemType {
        slug: "forbidden",
        title: "Forbidden",
        status: 403,
        description: "The API key is valid but its role may not do this: only `editor` keys write or see drafts. Also a preview link that is expired, altered or revoked.",
    },
    ProblemType {
        slug: "not-found",
        title: "Resource not found",
        status: 404,
        description: "No resource or route has this URL. Resource ids are slugs such as `xi-jinping`.",
    },
    ProblemType {
        slug: "method-not-allowed",
        title: "Method not allowed",
        status: 405,
        description: "The URL exists but does not accept this HTTP method; the `Allow` header lists those it does.",
    },
    ProblemType {
        slug: "not-acceptable",
        title: "Not acceptable",
        status: 406,
        description: "None of the media types in `Accept` can be served for this URL.",
    },
    ProblemType {
        slug: "conflict",
        title: "Conflict",
        status: 409,
        description: "The write would clash with what is stored: the id is taken, or other resources still \
            point at the one being deleted (`detail` names them).",
    },
    ProblemType {
        slug: "precondition-failed",
        title: "Precondition failed",
        status: 412,
        description: "`If-Match` names a version that is no longer current: someone changed the resource since \
            you read it. GET it again, reapply your change and retry with the new `ETag`.",
    },
    ProblemType {
        slug: "payload-too-large",
        title: "Payload too large",
        status: 413,
        description: "The request body is larger than the server accepts.",
    },
    ProblemType {
        slug: "read-only-replica",
        title: "Read-only replica",
        status: 405,
        description: "This server is a read replica (`serve --read-only`): it serves reads only, \
            and refuses every write whole. Send the write to the primary: `Location`, when given, \
            is this request's URL there (`--primary-url`), and `detail` names it too.",
    },
    ProblemType {
        slug: "unsupported-media-type",
        title: "Unsupported media type",
        status: 415,
        description: "The request body's `Content-Type` is not one this operation reads.",
    },
    ProblemType {
        slug: "validation-failed",
        title: "Validation failed",
        status: 422,
        description: "The body is JSON but not a valid resource. `errors` lists every bad field at once, \
            with a path such as `dateline.date` or `body[2].text`.",
    },
    ProblemType {
        slug: "rate-limited",
        title: "Too many requests",
        status: 429,
        description: "The client went over its request quota. Wait for the seconds in `Retry-After`; the \
            `RateLimit` and `RateLimit-Policy` headers describe the quota.",
    },
    ProblemType {
        slug: "unavailable",
        title: "Service unavailable",
        status: 503,
        description: "The server cannot serve now: a query ran past the statement deadline, every \
            database connection is busy, the database is locked by a write, or (`/readyz`) it does not \
            answer. Wait the seconds in `Retry-After`, when given, and retry; a query that keeps running \
            out of time should be narrowed.",
    },
    ProblemType {
        slug: "overloaded",
        title: "Overloaded",
        status: 503,
        description: "The server has as many requests in flight as it is set to take \
            (`--max-in-flight`) and sheds this one rather than queue it. Retry after `Retry-After` \
            seconds.",
    },
    ProblemType {
        slug: "storage-read-only",
        title: "Storage read-only",
        status: 503,
        description: "The database's storage cannot be written now (its file system turned read-only). The \
            write was refused whole and stored nothing; reads still work. Retry after `Retry-After` \
            seconds; `/readyz` answers 200 again once writes can succeed.",
    },
    ProblemType {
        slug: "storage-failed",
        title: "Storage failure",
        status: 503,
        description: "The operating system failed to read, write or sync the database's storage. The write \
            was refused whole and stored nothing. Retry after `Retry-After` seconds.",
    },
    ProblemType {
        slug: "insufficient-storage",
        title: "Insufficient storage",
        status: 507,
        description: "The database's disk is full. The write was refused whole and stored nothing; reads \
            still work. Retry after `Retry-After` seconds, once space is freed (`/readyz` answers 200 \
            again then); no restart is needed.",
    },
    ProblemType {
        slug: "internal-error",
        title: "Internal server error",
        status: 500,
        description: "The server failed; the request changed nothing. Retry later; the fault is logged.",
    },
];

pub fn problem_type(slug: &str) -> Option<&'static ProblemType> {
    PROBLEM_TYPES.iter().find(|p| p.slug == slug)
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
