//! A read replica (`serve --read-only`) answers every write (any method but `GET`,
//! `HEAD` and `OPTIONS`) with a 405 `read-only-replica` problem that names the
//! primary, before the key is checked: the client learns where to write whoever it is.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use super::AppState;
use super::error::ApiError;

pub async fn refuse_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
    let replica = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.replica.clone())
        .filter(|_| !reads.contains(req.method()));
    let Some(replica) = replica else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let error = ApiError::ReadOnlyReplica {
        location: replica
            .primary_url
            .map(|primary| format!("{primary}{target}")),
    };
    Ok(req.error_response(error).map_into_right_body())
}
