//! `/v1/search`: one search across articles, quotes, participants and events.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use super::envelope::Collection;
use super::error::{ApiError, ApiResult};
use super::listing::{list_query, search_query};
use super::params::{Query, kinds};
use super::respond;
use crate::domain::{ResourceKind, SearchHit};
use crate::storage::search::SearchFilter;

list_query! {
    /// Query parameters of the search.
    pub struct SearchQuery {
        sort: "Order: `relevance` (best match first, the only one).",
            example "relevance";
        facet: "Count the hits per value of these fields, comma-separated: `type`.",
            example "type";
        include: "Hits have nothing to side-load; only an empty value is accepted.",
            example "";
        fields example "type,id,title";
    }
    {
        /// What to search for: words (all must match), `"a phrase"`, `prefix*` (at least
        /// two characters before the `*`), `a OR b`. Operators and punctuation are
        /// otherwise plain text.
        #[param(example = "\"food security\"")]
        pub q: String,
        /// Only hits of these types: `article`, `quote`,
        /// `participant`, `event` (default: all). Repeat
        /// for several (`type=article&type=quote`); a comma-separated list
        /// (`type=article,quote`) is taken too.
        #[serde(rename = "type", default)]
        #[param(rename = "type", value_type = Vec<ResourceKind>, example = json!(["article", "quote"]))]
        pub types: Vec<String>,
    }
}

/// Search everything
///
/// Articles (headline, summary, body), quotes (words, speaker's name), participants
/// (name, aliases, title) and events (title, place) that match `q`, best first
/// (bm25), each hit with its type, id, title, a highlighted snippet and its score.
#[utoipa::path(
    tag = "search",
    params(SearchQuery),
    responses((status = 200, description = "A page of hits.", body = Collection<SearchHit>))
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let q = search_query("q", Some(&query.q))?
        .ok_or_else(|| ApiError::invalid("q", "this query parameter is required"))?;
    let allowed = ResourceKind::ALL.map(|t| (t.as_str(), t));
    let filter = SearchFilter {
        q,
        types: kinds("type", &query.types, &allowed)?,
        engine: state.db.engine(),
    };
    let mut params = query.list_params();
    params.searching = true;
    respond::page::<SearchHit>(&req, &state, params, filter).await
}
