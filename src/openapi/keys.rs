//! The surrogate-key headers in the description: named on every read whose example
//! response carried them, as they are written by one middleware for all.

use serde_json::{Value, json};

use crate::http::surrogate::{SURROGATE_KEY, XKEY};

/// The two headers, once, under `components/headers`.
pub fn components(doc: &mut Value) {
    let about = "The surrogate keys of what this response depends on, space-separated: \
        `KIND:ID` for each resource it shows, lists or includes (`article:lukashenko-at-sco-summit-astana`), \
        the collection for a list, search, feed or sitemap (`articles`; an article list \
        filtered on one kind of relation alone names it narrowed, one key per value: \
        `articles:topic=sco-membership`, `articles:participant=ID`, `articles:event=ID`), \
        and `changes` for the change log. A shared cache keeps them to drop exactly the responses a commit made stale: \
        the primary's `--purge-url` PURGE requests name the keys of each change.";
    doc["components"]["headers"]["xkey"] = json!({
        "description": format!("{about} For Varnish's xkey module; long sets come in \
            several `xkey` lines of at most 4,000 bytes."),
        "schema": {"type": "string"},
        "example": "article:lukashenko-at-sco-summit-astana articles quote:lukashenko-wonderful-gift"
    });
    doc["components"]["headers"]["Surrogate-Key"] = json!({
        "description": format!("{about} For CDNs that take surrogate keys (Fastly); the \
            same keys in one line."),
        "schema": {"type": "string"},
        "example": "article:lukashenko-at-sco-summit-astana articles quote:lukashenko-wonderful-gift"
    });
}

/// Names the headers on the `status` response of `GET path`, when it carried them.
pub fn document(
    doc: &mut Value,
    path: &str,
    status: &str,
    headers: &actix_web::http::header::HeaderMap,
) {
    if !headers.contains_key(SURROGATE_KEY) {
        return;
    }
    let response = &mut doc["paths"][path]["get"]["responses"][status];
    if response.is_null() {
        return;
    }
    response["headers"][XKEY] = json!({"$ref": "#/components/headers/xkey"});
    response["headers"]["Surrogate-Key"] = json!({"$ref": "#/components/headers/Surrogate-Key"});
}
