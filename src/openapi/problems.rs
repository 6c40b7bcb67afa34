//! The problem responses every operation shares, each with its example: the error's
//! own output.

use serde_json::json;

use crate::api::error::{ApiError, FieldError};
use serde_json::Value;

/// Adds the problem responses to every operation: 400 for bad parameters, 404 where
/// the path names a resource, 500 everywhere. The examples are the errors' own output.
pub(super) fn add_error_responses(doc: &mut Value) {
    let problem = |error: ApiError, description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": error.problem(),
            }}
        })
    };
    doc["components"]["responses"] = json!({
        "BadRequest": problem(
            ApiError::invalid("limit", "must be between 1 and 100"),
            "A parameter is malformed, unknown or out of range.",
        ),
        "NotFound": problem(
            ApiError::not_found("article", "no-such-article"),
            "No resource has this id.",
        ),
        "Unauthorized": problem(
            ApiError::Unauthorized("Writing needs an editor key: send `Authorization: Bearer <key>`.".into()),
            "No API key, or an unknown or revoked one.",
        ),
        "Forbidden": problem(
            ApiError::Forbidden("The key `partner-site` has the role `partner`; writing needs an `editor` key.".into()),
            "The key's role may not do this.",
        ),
        "NotAcceptable": problem(
            ApiError::NotAcceptable("None of `text/html` is served here; this resource is served as application/json, application/ld+json.".into()),
            "`Accept` or `format` asks for a representation this resource does not have.",
        ),
        "ReadOnlyReplica": problem(
            ApiError::ReadOnlyReplica { location: Some("https://write.example.org/v1/articles".into()) },
            "This server is a read replica (`--read-only`): writes go to the primary, whose URL \
             for this request is in `Location` when the replica knows it (`--primary-url`).",
        ),
        "Conflict": problem(
            ApiError::Conflict("The participant `belarus` is still referred to by quotes …; change or delete those first.".into()),
            "The id is taken, or other resources still refer to this one.",
        ),
        "PreconditionFailed": problem(
            ApiError::PreconditionFailed("The resource has changed since the version `If-Match` names.".into()),
            "`If-Match` names a version that is no longer current.",
        ),
        "PayloadTooLarge": problem(
            ApiError::PayloadTooLarge("The body is 2000000 bytes; at most 1048576 are accepted.".into()),
            "The body is over the size limit.",
        ),
        "UnsupportedMediaType": problem(
            ApiError::UnsupportedMediaType("Send the body as `application/json`.".into()),
            "The body is not JSON.",
        ),
        "ValidationFailed": problem(
            ApiError::Unprocessable(vec![
                FieldError::new("headline", "must not be empty"),
                FieldError::new("dateline.date", "input contains invalid characters"),
            ]),
            "The body is JSON but not a valid resource; `errors` names every bad field.",
        ),
        "TooManyRequests": problem(
            ApiError::TooManyRequests { detail: "This client may make 1200 requests a minute (anonymous quota); retry in 3 s.".into(), retry_after: 3 },
            "Over the rate limit; see `Retry-After`, `RateLimit` and `RateLimit-Policy`.",
        ),
        "InsufficientStorage": problem(
            ApiError::Storage(crate::storage::StorageError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                None,
            ))),
            "The database's disk is full: the write stored nothing. Retry after `Retry-After` \
             seconds, once space is freed.",
        ),
        "Unavailable": problem(
            ApiError::Overloaded(crate::storage::Overload::Deadline),
            "The server cannot answer now: a query ran past the statement deadline \
             (`--statement-timeout-ms`), every connection is busy or a write holds the lock, \
             the server sheds the request (too many in flight), or, for a write, its storage \
             cannot be written now (read-only, or failing) and the write stored nothing. Retry \
             after `Retry-After` seconds.",
        ),
        "InternalError": problem(
            ApiError::Storage(crate::storage::StorageError::Blocking("example".into())),
            "The server failed; the request changed nothing.",
        ),
    });
    doc["components"]["responses"]["ReadOnlyReplica"]["headers"] = json!({
        "Allow": {
            "description": "The methods a replica serves.",
            "schema": {"type": "string"}
        },
        "Location": {
            "description": "This request's URL on the primary, when `--primary-url` is set.",
            "schema": {"type": "string", "format": "uri"}
        }
    });
    doc["components"]["responses"]["Unavailable"]["headers"] = json!({
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 0}
        }
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let has_params = operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty());
            let secured = operation.get("security").is_some();
            let has_body = operation.get("requestBody").is_some();
            let responses = &mut operation["responses"];
            let mut refer = |status: &str, name: &str| {
                responses[status] = json!({"$ref": format!("#/components/responses/{name}")});
            };
            // Any key that is sent is checked, so a bad one is a 401 on every route.
            refer("401", "Unauthorized");
            if secured {
                refer("403", "Forbidden");
            }
            if method != "get" {
                refer("405", "ReadOnlyReplica");
                refer("409", "Conflict");
            }
            if matches!(method.as_str(), "put" | "patch" | "delete") {
                refer("412", "PreconditionFailed");
            }
            if path.starts_with("/v1/") {
                refer("503", "Unavailable");
                if method != "get" {
                    refer("507", "InsufficientStorage");
                }
            }
            if has_body {
                refer("413", "PayloadTooLarge");
                refer("415", "UnsupportedMediaType");
                refer("422", "ValidationFailed");
                refer("400", "BadRequest");
            }
            // The API and its root count against the rate limits.
            if path.starts_with("/v1/") || path == "/v1" || path == "/" {
                refer("429", "TooManyRequests");
            }
            let responses = &mut operation["responses"];
            if has_params {
                responses["400"] = json!({"$ref": "#/components/responses/BadRequest"});
            }
            if path.contains('{') {
                responses["404"] = json!({"$ref": "#/components/responses/NotFound"});
            }
            // Every operation may read the database, if only to check a key.
            if responses.get("503").is_none() {
                responses["503"] = json!({"$ref": "#/components/responses/Unavailable"});
            }
            responses["500"] = json!({"$ref": "#/components/responses/InternalError"});
        }
    }
}
