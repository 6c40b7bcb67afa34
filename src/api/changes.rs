//! `/v1/changes`: every write in commit order, for partners that mirror the content.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::params::{Query, kinds};
use crate::domain::ResourceKind;
use crate::http::surrogate::{self, Keys};
use crate::storage::changes::{self, ChangeEntry};

/// Query parameters of the changes feed.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous page; absent to start from the beginning.
    #[serde(default, deserialize_with = "super::params::non_empty")]
    #[param(example = "0", pattern = "^[0-9]{1,18}$")]
    pub since: Option<String>,
    /// Only changes to resources of these types: `article`, `quote`, `participant`,
    /// `event` (default: all). Repeat for several (`type=article&type=quote`); a
    /// comma-separated list (`type=article,quote`) is taken too.
    #[serde(default, rename = "type")]
    #[param(rename = "type", value_type = Vec<ResourceKind>, style = Form, explode, example = json!(["article"]))]
    pub types: Vec<String>,
    /// Page size, 1 to 1000.
    #[serde(default, deserialize_with = "super::params::whole_number")]
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
}

/// Where a page of changes ends.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    pub limit: u32,
    /// Pass as `since` for the next page. It is never null: at the end of the log it
    /// is where to poll from.
    #[schema(example = "42")]
    pub next_cursor: String,
    /// True when more changes are waiting now.
    pub more: bool,
}

/// A page of the change log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeList {
    pub data: Vec<ChangeEntry>,
    pub page: ChangesPage,
}

/// List changes
///
/// Every create, update, publication, withdrawal, correction and delete of every
/// article, quote, participant and event, oldest first. Each entry carries the
/// resource as it is now, or `tombstone: true` when it is gone for you (deleted, or
/// no longer public). To mirror the content, start without `since`, then for each
/// entry upsert `data` or delete the tombstoned resource, and poll with
/// `since=page.next_cursor`.
///
/// Without an editor key this is the public history: an article (and its quotes)
/// appears when it is published, or when its scheduled time comes, as a `create`;
/// it leaves with a tombstone and its reason (`withdrawn`, `unpublished`,
/// `deleted`) only if it was public. Drafts and scheduled articles that were never
/// public leave no entry at all. With an editor key, every change is listed,
/// drafts included, with the name of the key that made it.
#[utoipa::path(
    tag = "changes",
    params(ChangesQuery),
    responses((status = 200, description = "A page of changes.", body = ChangeList))
)]
#[get("/changes")]
pub async fn list_changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<ChangesQuery>,
) -> ApiResult<HttpResponse> {
    let since = match query.since.as_deref() {
        None => 0,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|_| (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::invalid("since", "must be a `next_cursor` of this feed"))?,
    };
    let limit = match query.limit {
        None => 100,
        Some(n @ 1..=1000) => n,
        Some(_) => return Err(ApiError::invalid("limit", "must be between 1 and 1000")),
    };
    let allowed = ResourceKind::ALL.map(|t| (t.as_str(), t));
    let types = kinds("type", &query.types, &allowed)?;
    let listed = types.clone();
    let visibility = Caller::of(&req).visibility();
    let (entries, more) = state
        .db
        .read(move |conn| {
            let mut rows = changes::list(conn, since, &listed, limit + 1, visibility)?;
            let more = rows.len() > limit as usize;
            rows.truncate(limit as usize);
            Ok((changes::entries(conn, rows, visibility)?, more))
        })
        .await?;
    let next = entries.last().map_or(since, |e| e.seq).to_string();
    let mut response = HttpResponse::Ok();
    // Pollers want the newest log: caches must revalidate (cheap, with the ETag).
    response.insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if more {
        let mut url = format!("{}?since={next}&limit={limit}", req.path());
        for t in &types {
            url.push_str(&format!("&type={}", t.as_str()));
        }
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    let mut response = response.json(ChangeList {
        data: entries,
        page: ChangesPage {
            limit,
            next_cursor: next,
            more,
        },
    });
    let mut keys = Keys::new();
    keys.collection(surrogate::CHANGES);
    keys.attach(&mut response);
    Ok(response)
}
