//! A response cache for anonymous reads: the bytes that left the server (compressed,
//! with their ETag) are kept under the normalized request, and served again until
//! the content generation moves, which every committed write does. A request with
//! `Authorization` never touches it, so drafts cannot leak into it. A response is
//! kept from the second time it is asked for. `X-Cache: hit` or `miss` says which
//! happened.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, EitherBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};

use super::conditional::is_fresh;
use crate::storage::Generation;

/// A stored response.
struct Cached {
    generation: u64,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<String, Arc<Cached>> for Weight {
    fn weight(&self, key: &String, value: &Arc<Cached>) -> u64 {
        (key.len() + value.body.len() + 256) as u64
    }
}

/// The cache, shared by all workers.
#[derive(Clone)]
pub struct ResponseCache {
    store: Arc<quick_cache::sync::Cache<String, Arc<Cached>, Weight>>,
    /// Hashes of requests seen once: a response is kept on its second miss, so a
    /// stream of one-off requests (a crawl of the archive) costs the cache nothing.
    seen: Arc<Mutex<HashSet<u64>>>,
    generation: Generation,
}

/// Requests remembered as seen once, at most; then the memory starts afresh.
const SEEN: usize = 100_000;

impl ResponseCache {
    /// True when `key` missed before: worth keeping now.
    fn admit(&self, key: &str) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        let hash = hasher.finish();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.remove(&hash) {
            return true;
        }
        if seen.len() >= SEEN {
            seen.clear();
        }
        seen.insert(hash);
        false
    }
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("entries", &self.store.len())
            .finish()
    }
}

impl ResponseCache {
    /// A cache of at most `bytes`, following `generation`.
    pub fn new(bytes: u64, generation: Generation) -> Self {
        let items = (bytes / 4096).max(16) as usize;
        Self {
            store: Arc::new(quick_cache::sync::Cache::with_weighter(
                items, bytes, Weight,
            )),
            seen: Arc::default(),
            generation,
        }
    }
}

/// What a response depends on besides the content: the URL and the negotiated
/// format and coding.
fn key(req: &ServiceRequest) -> String {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    format!(
        "{}?{}\n{}\n{}",
        req.path(),
        req.query_string(),
        header(header::ACCEPT),
        header(header::ACCEPT_ENCODING)
    )
}

pub async fn cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let cache = req.app_data::<web::Data<ResponseCache>>().cloned();
    let cacheable =
        req.method() == Method::GET && !req.headers().contains_key(header::AUTHORIZATION);
    let Some(cache) = cache.filter(|c| cacheable && c.store.capacity() > 0) else {
        return Ok(next
            .call(req)
            .await?
            .map_body(|_, b| EitherBody::left(b.boxed())));
    };
    let key = key(&req);
    let generation = cache.generation.current();
    // A stale entry means the request was popular before the last write: keep its
    // new response at once.
    let stale = match cache.store.get(&key) {
        Some(hit) if hit.generation == generation => return Ok(replay(req, &hit)),
        Some(_) => true,
        None => false,
    };
    // A revalidation that misses goes through untouched (it may end in a 304).
    let conditional = req.headers().contains_key(header::IF_NONE_MATCH)
        || req.headers().contains_key(header::IF_MODIFIED_SINCE);
    let mut response = next.call(req).await?;
    response.headers_mut().insert(
        header::HeaderName::from_static("x-cache"),
        header::HeaderValue::from_static("miss"),
    );
    let public = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public"));
    if conditional
        || response.status() != StatusCode::OK
        || !public
        || !(stale || cache.admit(&key))
    {
        return Ok(response.map_body(|_, b| EitherBody::left(b.boxed())));
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = to_bytes(body).await.map_err(|e| {
        let e: Box<dyn std::error::Error> = e.into();
        actix_web::error::ErrorInternalServerError(format!("reading the response body: {e}"))
    })?;
    let entry = Cached {
        generation,
        headers: head.headers().clone(),
        body: body.clone(),
    };
    cache.store.insert(key, Arc::new(entry));
    let response = head.set_body(body.boxed());
    Ok(ServiceResponse::new(request, response).map_into_left_body())
}

/// Answers from a stored response: 304 when the client's tag matches.
fn replay(req: ServiceRequest, hit: &Cached) -> ServiceResponse<EitherBody<BoxBody>> {
    let etag = hit.headers.get(header::ETAG).and_then(|v| v.to_str().ok());
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let ims = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok());
    let fresh = is_fresh(inm, etag, ims, hit.headers.get(header::LAST_MODIFIED));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    for (name, value) in &hit.headers {
        if fresh
            && !matches!(
                *name,
                header::ETAG | header::CACHE_CONTROL | header::LAST_MODIFIED | header::VARY
            )
        {
            continue;
        }
        response.append_header((name.clone(), value.clone()));
    }
    response.insert_header((header::HeaderName::from_static("x-cache"), "hit"));
    let response = if fresh {
        response.finish()
    } else {
        response.body(hit.body.clone())
    };
    req.into_response(response).map_into_right_body()
}
