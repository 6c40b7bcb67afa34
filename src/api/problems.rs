//! The catalogue of problem types: each kind of error newsdesk answers with, as
//! documented at `/problems/{slug}` and linked from every problem's `type`.

use serde::Serialize;
use utoipa::ToSchema;

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
