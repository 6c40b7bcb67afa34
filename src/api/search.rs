//! `/v1/search`: one search across articles, quotes, participants and events.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::envelope::Collection;
use super::error::ApiResult;
use super::listing::SearchText;
use super::params::kinds;
use super::respond;
use super::vocabulary::{ListFilters, ListQuery};
use crate::domain::{ResourceKind, SearchHit};
use crate::http::surrogate;
use crate::storage::search::SearchFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters of the search: the query, and the types of hit.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchFilters {
    /// What to search for: words (all must match), `"a phrase"`, `prefix*` (at least
    /// two characters before the `*`), `a OR b`. Operators and punctuation are
    /// otherwise plain text.
    #[param(inline, example = "\"food security\"")]
    pub q: SearchText,
    /// Only hits of these types: `article`, `quote`,
    /// `participant`, `event` (default: all). Repeat
    /// for several (`type=article&type=quote`); a comma-separated list
    /// (`type=article,quote`) is taken too.
    #[serde(rename = "type", default)]
    #[param(rename = "type", value_type = Vec<ResourceKind>, style = Form, explode, example = json!(["article", "quote"]))]
    pub types: Vec<String>,
}

impl ListFilters for SearchFilters {
    type Item = SearchHit;
    const SORT: &'static str = "Order: `relevance` (best match first, the only one).";
    const FACET: &'static str =
        "Count the hits per value of these fields, comma-separated: `type`.";

    fn searching(&self) -> bool {
        true
    }
}

/// Search everything
///
/// Articles (headline, summary, body), quotes (words, speaker's name), participants
/// (name, aliases, title) and events (title, place) that match `q`, best first
/// (bm25), each hit with its type, id, title, a highlighted snippet and its score.
#[utoipa::path(
    tag = "search",
    params(ListQuery<SearchFilters>),
    responses((status = 200, description = "A page of hits.", body = Collection<SearchHit>))
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ListQuery<SearchFilters>,
) -> ApiResult<HttpResponse> {
    let ListQuery { list, filters } = query;
    let allowed = ResourceKind::ALL.map(|t| (t.as_str(), t));
    let filter = SearchFilter {
        q: filters.q.0,
        types: kinds("type", &filters.types, &allowed)?,
        engine: state.db.engine(),
    };
    respond::page_in::<SearchHit>(&req, &state, list, true, filter, |_, f| {
        Some(surrogate::searches(&f.q))
    })
    .await
}
