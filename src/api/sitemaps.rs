//! `/sitemap.xml`, its pages, and `/sitemap-news.xml`: the published articles for
//! search engines, at the URLs of the frontend that shows them.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Duration;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::negotiate::base_url;
use crate::http::surrogate::Keys;
use crate::representations::{http_date, sitemaps};
use crate::storage::sitemaps::{self as stored, Entry};

/// How the sitemaps name articles and their publication.
#[derive(Debug, Clone)]
pub struct SitemapSettings {
    /// `--article-url-template`: an absolute URL with `{id}` in it. Without one,
    /// articles are named by their API URL.
    pub article_url_template: Option<String>,
    /// `--publication-name`, for Google News.
    pub publication_name: String,
    /// Article URLs on one page of the sitemap (sitemaps.org allows 50,000).
    pub page_size: u32,
}

/// Google News reads articles of the last two days, at most 1,000 of them.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_LIMIT: u32 = 1000;

fn article_url(settings: &SitemapSettings, base: &str, e: &Entry) -> String {
    match &settings.article_url_template {
        Some(template) => template.replace("{id}", e.id.as_str()),
        None => format!("{base}/v1/articles/{}", e.id),
    }
}

/// A sitemap: it lists published articles with their `updated_at` (and the news
/// sitemap their headlines), so every article change may alter it.
fn xml(body: String) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body);
    let mut keys = Keys::new();
    keys.collection("articles")
        .collection(crate::storage::listing::UPDATED);
    keys.attach(&mut response);
    response
}

/// Sitemap index
///
/// A sitemaps.org index of the pages that list every published article
/// (`/sitemaps/articles-{page}.xml`), each with the last `updated_at` among its
/// articles as `lastmod`. Only public articles are listed.
#[utoipa::path(
    tag = "sitemaps",
    responses((status = 200, description = "The sitemap index.", content((String = "application/xml"))))
)]
#[get("/sitemap.xml")]
pub async fn get_sitemap_index(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<SitemapSettings>,
) -> ApiResult<HttpResponse> {
    let size = settings.page_size;
    let mut pages = state.db.read(move |conn| stored::pages(conn, size)).await?;
    if pages.is_empty() {
        // An index names at least one sitemap; the first page exists, empty.
        pages.push(chrono::DateTime::UNIX_EPOCH);
    }
    let base = base_url(&req);
    let pages: Vec<_> = (1..)
        .zip(pages)
        .map(|(n, lastmod)| (format!("{base}/sitemaps/articles-{n}.xml"), lastmod))
        .collect();
    Ok(xml(sitemaps::index(&pages)))
}

/// Sitemap page
///
/// Page `page` (from 1) of the published articles: their URLs (from
/// `--article-url-template`, else the API's) with `lastmod` from `updated_at`.
#[utoipa::path(
    tag = "sitemaps",
    params(("page" = u32, Path, description = "The page, from 1.", minimum = 1)),
    responses(
        (status = 200, description = "The sitemap page.", content((String = "application/xml"))),
        (status = 404, description = "No such page.", body = crate::api::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sitemaps/articles-{page}.xml")]
pub async fn get_sitemap_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<SitemapSettings>,
    page: web::Path<u32>,
) -> ApiResult<HttpResponse> {
    let page = page.into_inner();
    let missing = || ApiError::NotFound(format!("The sitemap has no page {page}."));
    let index = page.checked_sub(1).ok_or_else(missing)?;
    let size = settings.page_size;
    let entries = state
        .db
        .read(move |conn| stored::page(conn, index, size))
        .await?;
    if entries.is_empty() && index > 0 {
        return Err(missing());
    }
    let base = base_url(&req);
    Ok(xml(sitemaps::urlset(&entries, |e| {
        article_url(&settings, &base, e)
    })))
}

/// Google News sitemap
///
/// The articles published in the last 48 hours (at most 1,000, newest first), with
/// the publication's name (`--publication-name`) and language, publication date and
/// title, as Google News reads them.
#[utoipa::path(
    tag = "sitemaps",
    responses((status = 200, description = "The news sitemap.", content((String = "application/xml")),
        headers(("Expires" = String, description = "When the oldest article it lists leaves the \
            48-hour window, which changes the sitemap with no write to purge it: no cache, the \
            server's own included, keeps it past then. Absent when it lists nothing."))))
)]
#[get("/sitemap-news.xml")]
pub async fn get_news_sitemap(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<SitemapSettings>,
) -> ApiResult<HttpResponse> {
    let since = (state.clock)() - Duration::hours(NEWS_WINDOW_HOURS);
    let entries = state
        .db
        .read(move |conn| stored::newest(conn, since, NEWS_LIMIT))
        .await?;
    let base = base_url(&req);
    // The oldest entry leaves the window with no write to purge the sitemap: say
    // when, so that no cache keeps it past then.
    let leaves = entries
        .last()
        .map(|e| e.published_at + Duration::hours(NEWS_WINDOW_HOURS));
    let mut response = xml(sitemaps::news(&entries, &settings.publication_name, |e| {
        article_url(&settings, &base, e)
    }));
    if let Some(Ok(at)) = leaves.map(|at| HeaderValue::from_str(&http_date(at))) {
        response.headers_mut().insert(header::EXPIRES, at);
    }
    Ok(response)
}
