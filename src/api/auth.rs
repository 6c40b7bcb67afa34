//! Who is calling: anonymous, or the holder of an API key (`Authorization: Bearer`).
//! The key is checked once per request, in [`authenticate`]; handlers and the rate
//! limiter read the result from the request.

use std::future::{Ready, ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::AppState;
use super::error::ApiError;
use crate::storage::articles::Visibility;
use crate::storage::keys::{self, KeyInfo, Role};

/// The caller of a request.
#[derive(Debug, Clone, Default)]
pub enum Caller {
    #[default]
    Anonymous,
    Key(KeyInfo),
}

impl Caller {
    /// The caller that [`authenticate`] found for `req`.
    pub fn of(req: &HttpRequest) -> Self {
        req.extensions()
            .get::<Caller>()
            .cloned()
            .unwrap_or_default()
    }

    pub fn is_editor(&self) -> bool {
        matches!(self, Self::Key(k) if k.role == Role::Editor)
    }

    /// Which articles (and so quotes) the caller may read.
    pub fn visibility(&self) -> Visibility {
        match self {
            Self::Key(k) if k.role == Role::Editor => Visibility::Everything,
            Self::Key(k) if k.embargo => Visibility::Early,
            _ => Visibility::Public,
        }
    }
}

/// Checks the bearer key, if any, and records the caller. A key that is malformed,
/// unknown or revoked is refused with 401 rather than treated as anonymous, so a
/// client with a broken key finds out at once.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match identify(&req).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_left_body())
        }
        // Answered here, so the outer layers (CORS, logs) still see a response. A
        // refused key costs its sender's address a request of its quota.
        Err(error) => {
            let error = match error {
                ApiError::Unauthorized(_) => {
                    super::ratelimit::charge_failed_key(&req).unwrap_or(error)
                }
                other => other,
            };
            Ok(req.error_response(error).map_into_right_body())
        }
    }
}

async fn identify(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        })
        .ok_or_else(|| {
            ApiError::Unauthorized("The `Authorization` header must be `Bearer <key>`.".to_owned())
        })?;
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(Caller::Anonymous);
    };
    match state
        .db
        .read_keys(move |conn| keys::verify(conn, &token))
        .await?
    {
        Some(key) => Ok(Caller::Key(key)),
        None => Err(ApiError::Unauthorized(
            "The API key is unknown or revoked.".to_owned(),
        )),
    }
}

/// Extracts the editor making a write: 401 without a key, 403 with a partner key.
#[derive(Debug, Clone)]
pub struct Editor(pub KeyInfo);

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match Caller::of(req) {
            Caller::Key(key) if key.role == Role::Editor => Ok(Editor(key)),
            Caller::Key(key) => Err(ApiError::Forbidden(format!(
                "The key `{}` has the role `{}`; writing needs an `editor` key.",
                key.name,
                key.role.as_str()
            ))),
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "Writing needs an editor key: send `Authorization: Bearer <key>`.".to_owned(),
            )),
        })
    }
}
