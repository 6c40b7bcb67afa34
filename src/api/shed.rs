//! Load shedding: a cap on API requests in flight. Past it, a request is answered at
//! once with a 503 problem and `Retry-After`, instead of queueing without bound for
//! workers and database connections while its client times out anyway.
//!
//! Only `/v1/` counts: the health, readiness and metrics endpoints must answer
//! especially when the server is busy.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use super::error::ApiError;

/// Seconds an overloaded server asks clients to wait.
pub const RETRY_AFTER: u64 = 1;

/// Requests in flight, shared by every worker, and the cap (0: none).
#[derive(Debug, Clone)]
pub struct InFlight {
    current: Arc<AtomicUsize>,
    max: usize,
}

impl InFlight {
    pub fn new(max: usize) -> Self {
        Self {
            current: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }

    /// Takes a slot, or says the cap is reached. The slot is given back on drop.
    fn enter(&self) -> Option<Slot> {
        let taken = self.current.fetch_add(1, Ordering::AcqRel);
        let slot = Slot(self.current.clone());
        (self.max == 0 || taken < self.max).then_some(slot)
    }
}

struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub async fn shed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let in_flight = req.app_data::<web::Data<InFlight>>().cloned();
    let Some(in_flight) = in_flight.filter(|_| req.path().starts_with("/v1/")) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    match in_flight.enter() {
        Some(_slot) => Ok(next.call(req).await?.map_into_left_body()),
        None => {
            let error = ApiError::Shed(format!(
                "The server has {} requests in flight, its limit; retry in {RETRY_AFTER} s.",
                in_flight.max
            ));
            Ok(req.error_response(error).map_into_right_body())
        }
    }
}
