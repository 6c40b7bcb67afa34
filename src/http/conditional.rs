//! Conditional requests (RFC 9110 §13) and caching headers for successful reads.
//!
//! The ETag is a hash of the representation's bytes before compression, so the same
//! content has the same tag on every replica and after every restart. When the
//! response is then compressed, [`tag_encoding`] appends the coding (`"…-gzip"`), as
//! a strong validator must differ between codings; comparisons ignore that suffix.

use actix_web::body::{BoxBody, EitherBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::storage::documents::entity_tag;

/// Bodies smaller than this are not worth compressing.
const MIN_COMPRESS: usize = 1024;

/// `Cache-Control` for anonymous reads.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    pub max_age: u64,
    pub s_maxage: u64,
    pub stale_while_revalidate: u64,
}

impl CachePolicy {
    fn header(&self) -> String {
        format!(
            "public, max-age={}, s-maxage={}, stale-while-revalidate={}",
            self.max_age, self.s_maxage, self.stale_while_revalidate
        )
    }
}

/// Adds ETag and caching headers to successful GETs and answers 304 when the
/// client's copy is current.
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody<Error: std::fmt::Debug> + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    // What a key sees may differ from the public view: keep it out of shared caches.
    let private = req.headers().contains_key(header::AUTHORIZATION);
    let policy = req.app_data::<web::Data<CachePolicy>>().cloned();
    let if_none_match = header_str(req.headers(), header::IF_NONE_MATCH);
    let if_modified_since = header_str(req.headers(), header::IF_MODIFIED_SINCE);
    let response = next.call(req).await?;
    if !is_read || response.status() != StatusCode::OK {
        return Ok(response.map_body(|_, body| EitherBody::left(body.boxed())));
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = to_bytes(body).await.map_err(|e| {
        actix_web::error::ErrorInternalServerError(format!("reading the response body: {e:?}"))
    })?;
    let headers = head.headers_mut();
    // A stored representation comes with its tag, the hash of these same bytes.
    let tag = match header_str(headers, header::ETAG) {
        Some(stored) => stored,
        None => {
            let tag = entity_tag(&bytes);
            headers.insert(
                header::ETAG,
                HeaderValue::from_str(&tag).expect("hex is a valid header"),
            );
            tag
        }
    };
    if private {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    } else if !headers.contains_key(header::CACHE_CONTROL)
        && let Some(policy) = policy
        && let Ok(value) = HeaderValue::from_str(&policy.header())
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding, Authorization"),
    );
    if bytes.len() < MIN_COMPRESS {
        // The compression middleware leaves bodies alone that already name a coding;
        // `tag_encoding` removes this marker again before the response leaves.
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        );
    }
    let fresh = is_fresh(
        if_none_match.as_deref(),
        Some(&tag),
        if_modified_since.as_deref(),
        headers.get(header::LAST_MODIFIED),
    );
    if fresh {
        let mut not_modified = HttpResponse::NotModified();
        for name in [
            header::ETAG,
            header::CACHE_CONTROL,
            header::LAST_MODIFIED,
            header::VARY,
        ] {
            if let Some(value) = headers.get(&name) {
                not_modified.insert_header((name, value.clone()));
            }
        }
        let response = not_modified.finish();
        return Ok(ServiceResponse::new(request, response).map_into_right_body());
    }
    let response = head.set_body(bytes.boxed());
    Ok(ServiceResponse::new(request, response).map_into_left_body())
}

/// `If-Match` by strong comparison (RFC 9110 §13.1.1): `*` when there is a current
/// representation, or a listed strong tag equal to `tag` (a content-coding suffix
/// set aside, as every coding of one representation carries the same content).
pub fn if_match(if_match: &str, tag: Option<&str>) -> bool {
    let Some(tag) = tag else {
        return false;
    };
    let ours = opaque(tag);
    if_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || (!candidate.starts_with("W/") && opaque(candidate) == ours)
    })
}

fn opaque(tag: &str) -> &str {
    let t = tag.trim().trim_start_matches("W/").trim_matches('"');
    ["-gzip", "-br", "-zstd", "-deflate"]
        .iter()
        .find_map(|suffix| t.strip_suffix(suffix))
        .unwrap_or(t)
}

/// Runs outside the compression middleware: drops the `identity` marker and gives a
/// compressed representation its own entity tag.
pub async fn tag_encoding(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let coding = header_str(headers, header::CONTENT_ENCODING);
    match coding.as_deref() {
        Some("identity") => {
            headers.remove(header::CONTENT_ENCODING);
        }
        Some(coding) => {
            if let Some(tag) = header_str(headers, header::ETAG) {
                let tagged = format!("{}-{coding}\"", tag.trim_end_matches('"'));
                if let Ok(value) = HeaderValue::from_str(&tagged) {
                    headers.insert(header::ETAG, value);
                }
            }
        }
        None => {}
    }
    Ok(response)
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The 304 decision, for the middleware and for the response cache's replays alike:
/// the client's copy is current when `If-None-Match` names the response's tag, or,
/// only without `If-None-Match` (RFC 9110 §13.1.3), when `If-Modified-Since` is not
/// before its `Last-Modified`.
pub(crate) fn is_fresh(
    if_none_match: Option<&str>,
    tag: Option<&str>,
    if_modified_since: Option<&str>,
    last_modified: Option<&HeaderValue>,
) -> bool {
    match (if_none_match, tag, if_modified_since) {
        (Some(inm), Some(tag), _) => none_match(inm, tag),
        (None, _, Some(ims)) => not_modified_since(ims, last_modified),
        _ => false,
    }
}

/// `If-None-Match` by weak comparison: `*`, or any listed tag equal to `tag` once
/// `W/` and a content-coding suffix are set aside.
fn none_match(if_none_match: &str, tag: &str) -> bool {
    let ours = opaque(tag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == ours)
}

fn not_modified_since(if_modified_since: &str, last_modified: Option<&HeaderValue>) -> bool {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc2822(s.trim()).ok();
    match (
        parse(if_modified_since),
        last_modified.and_then(|v| v.to_str().ok()).and_then(parse),
    ) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_uses_weak_comparison() {
        assert!(none_match("\"abc\"", "\"abc\""));
        assert!(none_match("W/\"abc\"", "\"abc\""));
        assert!(none_match("\"x\", \"abc-gzip\"", "\"abc\""));
        assert!(none_match("*", "\"abc\""));
        assert!(!none_match("\"abd\"", "\"abc\""));
    }

    #[test]
    fn if_match_uses_strong_comparison() {
        assert!(if_match("\"abc\"", Some("\"abc\"")));
        assert!(if_match("\"x\", \"abc-gzip\"", Some("\"abc\"")));
        assert!(if_match("*", Some("\"abc\"")));
        assert!(!if_match("*", None));
        assert!(!if_match("W/\"abc\"", Some("\"abc\"")));
        assert!(!if_match("\"abd\"", Some("\"abc\"")));
    }

    #[test]
    fn if_modified_since_compares_http_dates() {
        let modified = HeaderValue::from_static("Fri, 05 Jul 2024 07:00:00 GMT");
        assert!(not_modified_since(
            "Fri, 05 Jul 2024 07:00:00 GMT",
            Some(&modified)
        ));
        assert!(!not_modified_since(
            "Thu, 04 Jul 2024 07:00:00 GMT",
            Some(&modified)
        ));
        assert!(!not_modified_since("yesterday", Some(&modified)));
    }
}
