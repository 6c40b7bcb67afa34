//! A response cache for anonymous reads: the bytes that left the server (compressed,
//! with their ETag) are kept under the normalized request, with the generation they
//! were read at and the surrogate keys of what they were read from (the
//! `Surrogate-Key` header, see [`super::surrogate`]), and served again until a
//! committed change purges one of those keys, the very keys a shared cache in front
//! is purged by: a PATCH of one article drops that article and the lists and
//! searches of articles, not every other article. A request with
//! `Authorization` never touches it, so drafts cannot leak into it. A response is
//! kept from the second time it is asked for. Concurrent misses of one request are
//! computed once (single flight): the others wait for it and are answered from the
//! cache. `X-Cache: hit` or `miss` says which happened.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, EitherBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use tokio::sync::watch;

use super::conditional::is_fresh;
use super::surrogate;
use crate::storage::{ANY, Generation};

/// A stored response.
struct Cached {
    /// The generation it is known fresh at: the one it was read at, moved on by each
    /// hit that finds none of its keys changed since, so that the next hits before
    /// another write skip that check.
    generation: AtomicU64,
    depends_on: Box<[Box<str>]>,
    /// From the response's `Expires`: a response that changes with the clock alone
    /// (the news sitemap's 48-hour window) says when, as no write will purge it.
    expires: Option<std::time::SystemTime>,
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
    /// The requests being computed now, each with a channel that closes when done.
    inflight: Arc<Mutex<HashMap<String, watch::Receiver<()>>>>,
    generation: Generation,
}

/// Whether this request computes its response or waits for another that does.
enum Flight {
    Leader(Landing),
    Follower(watch::Receiver<()>),
}

/// Removes a leader's entry from the requests in flight when it is done (or
/// cancelled), which wakes its followers.
struct Landing {
    inflight: Arc<Mutex<HashMap<String, watch::Receiver<()>>>>,
    key: String,
    done: watch::Sender<()>,
}

impl Landing {
    /// True when other requests wait for this one.
    fn followed(&self) -> bool {
        self.done.receiver_count() > 1
    }
}

impl Drop for Landing {
    fn drop(&mut self) {
        let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        inflight.remove(&self.key);
    }
}

enum Lookup {
    Fresh(Arc<Cached>),
    Stale,
    Missing,
}

/// Requests remembered as seen once, at most; then the memory starts afresh.
const SEEN: usize = 100_000;

impl ResponseCache {
    /// Joins the computation of `key` in flight, or starts it.
    fn board(&self, key: &str) -> Flight {
        let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(done) = inflight.get(key) {
            return Flight::Follower(done.clone());
        }
        let (done, receiver) = watch::channel(());
        inflight.insert(key.to_owned(), receiver);
        Flight::Leader(Landing {
            inflight: self.inflight.clone(),
            key: key.to_owned(),
            done,
        })
    }

    /// The stored response for `key` if nothing it depends on changed since.
    fn fresh(&self, key: &str) -> Lookup {
        // Read before the keys are checked: a write after it is checked next time.
        let now = self.generation.current();
        match self.store.get(key) {
            Some(hit)
                if self
                    .generation
                    .fresh(hit.generation.load(Ordering::Acquire), &hit.depends_on)
                    && hit
                        .expires
                        .is_none_or(|at| std::time::SystemTime::now() < at) =>
            {
                hit.generation.fetch_max(now, Ordering::AcqRel);
                Lookup::Fresh(hit)
            }
            Some(_) => Lookup::Stale,
            None => Lookup::Missing,
        }
    }

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
            inflight: Arc::default(),
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
    // A revalidation that misses goes through untouched (it may end in a 304).
    let conditional = req.headers().contains_key(header::IF_NONE_MATCH)
        || req.headers().contains_key(header::IF_MODIFIED_SINCE);
    let mut popular = false;
    let (generation, stale, landing) = loop {
        // Read before the content is: a write committed after this makes the
        // response computed below stale, never the other way round.
        let generation = cache.generation.current();
        // A stale entry means the request was popular before the last write: keep
        // its new response at once.
        let stale = match cache.fresh(&key) {
            Lookup::Fresh(hit) => return Ok(replay(req, &hit)),
            Lookup::Stale => true,
            Lookup::Missing => false,
        };
        if conditional {
            break (generation, stale, None);
        }
        match cache.board(&key) {
            Flight::Leader(landing) => break (generation, stale, Some(landing)),
            Flight::Follower(mut done) => {
                // Others asked for it at the same time: it is popular. Wait for the
                // one computing it, then look again; if it kept nothing (not
                // cacheable, or stale already), lead the next round.
                popular = true;
                let _ = done.changed().await;
            }
        }
    };
    let mut response = next.call(req).await?;
    popular |= landing.as_ref().is_some_and(Landing::followed);
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
        || !(stale || popular || cache.admit(&key))
    {
        return Ok(response.map_body(|_, b| EitherBody::left(b.boxed())));
    }
    let depends_on = depends_on(response.headers());
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = to_bytes(body).await.map_err(|e| {
        let e: Box<dyn std::error::Error> = e.into();
        actix_web::error::ErrorInternalServerError(format!("reading the response body: {e}"))
    })?;
    let expires = head
        .headers()
        .get(header::EXPIRES)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<header::HttpDate>().ok())
        .map(std::time::SystemTime::from);
    let entry = Cached {
        generation: AtomicU64::new(generation),
        depends_on,
        expires,
        headers: head.headers().clone(),
        body: body.clone(),
    };
    cache.store.insert(key, Arc::new(entry));
    // Followers look again once the entry is in.
    drop(landing);
    let response = head.set_body(body.boxed());
    Ok(ServiceResponse::new(request, response).map_into_left_body())
}

/// The keys a response names in `Surrogate-Key`; one that names none depends on
/// every write.
fn depends_on(headers: &HeaderMap) -> Box<[Box<str>]> {
    let named = headers
        .get(HeaderName::from_static(surrogate::SURROGATE_KEY))
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split_whitespace()
                .map(Into::into)
                .collect::<Box<[Box<str>]>>()
        });
    match named {
        Some(keys) if !keys.is_empty() => keys,
        _ => Box::new([ANY.into()]),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_checked_after_a_write_is_still_dropped_by_a_later_one() {
        let generation = Generation::default();
        let cache = ResponseCache::new(1 << 20, generation.clone());
        let entry = Cached {
            generation: AtomicU64::new(generation.current()),
            depends_on: vec!["article:a".into()].into_boxed_slice(),
            expires: None,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        };
        cache
            .store
            .insert("/v1/articles/a".to_owned(), Arc::new(entry));
        let fresh =
            |cache: &ResponseCache| matches!(cache.fresh("/v1/articles/a"), Lookup::Fresh(_));
        // A write of something else: checked key by key, and known fresh since.
        generation.committed(&["article:b".to_owned()]);
        assert!(fresh(&cache));
        let hit = cache.store.get("/v1/articles/a").unwrap();
        assert_eq!(hit.generation.load(Ordering::Acquire), generation.current());
        // A write of what it shows drops it, however recently it was checked.
        generation.committed(&["article:a".to_owned()]);
        assert!(!fresh(&cache));
    }

    #[actix_web::test]
    async fn concurrent_misses_of_one_request_have_one_leader() {
        let cache = ResponseCache::new(1 << 20, Generation::default());
        let Flight::Leader(landing) = cache.board("/v1/articles") else {
            panic!("the first miss leads");
        };
        assert!(!landing.followed());
        let Flight::Follower(mut done) = cache.board("/v1/articles") else {
            panic!("a second miss while the first computes waits for it");
        };
        assert!(landing.followed());
        assert!(matches!(cache.board("/v1/quotes"), Flight::Leader(_)));
        drop(landing);
        // The leader is done: the follower wakes, and the next miss leads again.
        assert!(done.changed().await.is_err());
        assert!(matches!(cache.board("/v1/articles"), Flight::Leader(_)));
    }
}
