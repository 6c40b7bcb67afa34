//! Request quotas (GCRA, by the `governor` crate): anonymous clients by IP address,
//! partner keys by key, each with a per-minute quota; editors are not limited. Every
//! limited response carries the IETF `RateLimit` and `RateLimit-Policy` headers;
//! going over is a 429 problem with `Retry-After`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::auth::Caller;
use super::error::ApiError;
use crate::http::origin::{TrustedProxies, quota_key};
use crate::storage::keys::Role;

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The quotas in requests per minute; 0 turns a quota off.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    pub anonymous: u32,
    pub partner: u32,
}

/// One limiter per quota size, shared by all workers.
#[derive(Clone)]
pub struct Limits {
    quotas: Quotas,
    limiters: Arc<Mutex<HashMap<u32, Arc<Keyed>>>>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("quotas", &self.quotas)
            .finish()
    }
}

impl Limits {
    pub fn new(quotas: Quotas) -> Self {
        Self {
            quotas,
            limiters: Arc::default(),
        }
    }

    fn limiter(&self, per_minute: NonZeroU32) -> Arc<Keyed> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
        let limiter = limiters
            .entry(per_minute.get())
            .or_insert_with(|| {
                Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute)).with_middleware())
            })
            .clone();
        // Forget clients whose quota is whole again, so memory stays bounded.
        if limiter.len() > 50_000 {
            limiter.retain_recent();
        }
        limiter
    }
}

/// Which quota a request counts against: (policy name, key, requests per minute).
fn quota_of(req: &ServiceRequest, quotas: Quotas) -> Option<(&'static str, String, NonZeroU32)> {
    if matches!(req.path(), "/healthz" | "/readyz" | "/metrics") {
        return None;
    }
    let caller = req
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    match caller {
        Caller::Key(key) if key.role == Role::Editor => None,
        Caller::Key(key) => {
            let n = NonZeroU32::new(key.rate_limit.unwrap_or(quotas.partner))?;
            Some(("partner", format!("key:{}", key.id), n))
        }
        Caller::Anonymous => {
            let n = NonZeroU32::new(quotas.anonymous)?;
            Some(("anonymous", client_key(req), n))
        }
    }
}

/// Counts a request whose key was refused against its client's anonymous quota, so
/// that guessing keys costs the guesser like any other request; once that quota is
/// spent, the answer is the 429 returned here instead of the 401.
pub fn charge_failed_key(req: &ServiceRequest) -> Option<ApiError> {
    let limits = req.app_data::<web::Data<Limits>>()?;
    let per_minute = NonZeroU32::new(limits.quotas.anonymous)?;
    let not_until = limits
        .limiter(per_minute)
        .check_key(&client_key(req))
        .err()?;
    let retry_after = seconds_until(&not_until);
    Some(ApiError::TooManyRequests {
        detail: format!(
            "This client sent refused keys and may make {per_minute} requests a minute (anonymous quota); retry in {retry_after} s."
        ),
        retry_after,
    })
}

/// Whole seconds, at least one, until a limiter lets a request through.
fn seconds_until(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The quota key of the client behind `req`: its address by the trusted-proxy rule,
/// IPv6 by /64.
pub fn client_key(req: &ServiceRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let ip = match req.app_data::<web::Data<TrustedProxies>>() {
        Some(trusted) => trusted.client_ip(peer, req.headers()),
        None => peer,
    };
    ip.map_or_else(
        || "ip:unknown".to_owned(),
        |ip| format!("ip:{}", quota_key(ip)),
    )
}

pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(limits) = req.app_data::<web::Data<Limits>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let Some((policy, key, per_minute)) = quota_of(&req, limits.quotas) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let q = per_minute.get();
    let policy_header = format!("\"{policy}\";q={q};w=60");
    // GCRA gives back one request every 60/q seconds.
    let refill = |missing: u32| (u64::from(missing) * 60).div_ceil(u64::from(q));
    let (status, remaining, reset) = match limits.limiter(per_minute).check_key(&key) {
        Ok(state) => {
            let r = state.remaining_burst_capacity();
            (Ok(()), r, refill(q - r))
        }
        Err(not_until) => {
            let seconds = seconds_until(&not_until);
            (Err(seconds), 0, seconds)
        }
    };
    let mut response = match status {
        Ok(()) => next.call(req).await?.map_into_left_body(),
        Err(retry_after) => {
            let error = ApiError::TooManyRequests {
                detail: format!(
                    "This client may make {q} requests a minute ({policy} quota); retry in {retry_after} s."
                ),
                retry_after,
            };
            req.error_response(error).map_into_right_body()
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("ratelimit-policy", policy_header),
        ("ratelimit", format!("\"{policy}\";r={remaining};t={reset}")),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    Ok(response)
}
