//! `/v1/feeds`: published articles and quotes as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

use crate::storage::by_id;
use std::collections::BTreeSet;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::negotiate::base_url;
use super::params::Query;
use crate::domain::{Article, Event, EventId, Participant, ParticipantId, Quote, Topic, TopicId};
use crate::http::surrogate::{Keyed, Keys};
use crate::representations::Context;
use crate::representations::feeds::{self, Feed, FeedItem};
use crate::storage::articles::{ArticleFilter, Visibility};
use crate::storage::list::{self, ListRequest};
use crate::storage::quotes::QuoteFilter;

/// The feed formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    /// RSS 2.0, `application/rss+xml`.
    Rss,
    /// Atom 1.0 (RFC 4287), `application/atom+xml`.
    Atom,
    /// JSON Feed 1.1, `application/feed+json`.
    Json,
}

/// Query parameters of the feeds: the filters of the lists they follow.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Items in the feed, newest first: 1 to 100.
    #[serde(default, deserialize_with = "super::params::whole_number")]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// Only articles that name this participant, or quotes it said.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["aleksandr-lukashenko"]))]
    pub participant: Vec<ParticipantId>,
    /// Only items about this event.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["sco-summit-astana-2024"]))]
    pub event: Vec<EventId>,
    /// Only items filed under this topic.
    #[serde(default)]
    #[param(style = Form, explode, example = json!(["food-security"]))]
    pub topic: Vec<TopicId>,
}

/// Everything a feed names, loaded with one query per type.
struct Loaded {
    articles: Vec<Article>,
    quotes: Vec<Quote>,
    participants: Vec<Participant>,
    events: Vec<Event>,
    topics: Vec<Topic>,
}

fn load(
    conn: &rusqlite::Connection,
    articles: Vec<Article>,
    quotes: Vec<Quote>,
) -> crate::storage::Result<Loaded> {
    let mut people = BTreeSet::new();
    let mut happenings = BTreeSet::new();
    let mut subjects = BTreeSet::new();
    for a in &articles {
        people.extend(a.participants.iter().cloned());
        happenings.extend(a.events.iter().cloned());
        subjects.extend(a.topics.iter().cloned());
    }
    for q in &quotes {
        people.insert(q.speaker.clone());
        subjects.extend(q.topic.iter().cloned());
    }
    fn all<T>(set: BTreeSet<T>) -> Vec<T> {
        set.into_iter().collect()
    }
    Ok(Loaded {
        participants: by_id::get_many::<Participant>(conn, &all(people))?,
        events: by_id::get_many::<Event>(conn, &all(happenings))?,
        topics: by_id::get_many::<Topic>(conn, &all(subjects))?,
        articles,
        quotes,
    })
}

/// What a feed holds: what is published, and for a partner key with embargo access
/// the embargoed articles too, marked. Editors read the public feed: drafts are no
/// feed's business.
fn feed_visibility(req: &HttpRequest) -> Visibility {
    match Caller::of(req).visibility() {
        Visibility::Early => Visibility::Early,
        _ => Visibility::Public,
    }
}

fn limit(query: &FeedQuery) -> ApiResult<u32> {
    match query.limit {
        None => Ok(20),
        Some(n @ 1..=100) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", "must be between 1 and 100")),
    }
}

/// The WebSub hub of `--websub-hub`, which the feeds name and newsdesk pings.
#[derive(Debug, Clone, Default)]
pub struct WebSubHub(pub Option<String>);

fn respond(format: FeedFormat, feed: &Feed) -> HttpResponse {
    let (media, body) = match format {
        FeedFormat::Rss => ("application/rss+xml; charset=utf-8", feeds::rss(feed)),
        FeedFormat::Atom => ("application/atom+xml; charset=utf-8", feeds::atom(feed)),
        FeedFormat::Json => ("application/feed+json", feeds::json_feed(feed).to_string()),
    };
    let mut response = HttpResponse::Ok();
    response.content_type(media).insert_header((
        header::LAST_MODIFIED,
        crate::representations::http_date(feed.updated),
    ));
    // WebSub discovery from the headers, for subscribers that do not parse the body.
    if let Some(hub) = &feed.hub {
        response.insert_header((
            header::LINK,
            format!("<{hub}>; rel=\"hub\", <{}>; rel=\"self\"", feed.self_url),
        ));
    }
    response.body(body)
}

fn newest(items: &[FeedItem]) -> DateTime<Utc> {
    items.iter().map(|i| i.updated).max().unwrap_or_default()
}

/// What a feed is of.
struct About {
    /// The collection it follows (`articles`).
    collection: &'static str,
    title: &'static str,
    description: &'static str,
}

/// Answers with the feed of the items `make` builds from what was loaded.
fn answer(
    req: &HttpRequest,
    format: FeedFormat,
    loaded: &Loaded,
    about: About,
    make: impl FnOnce(&Context<'_>) -> Vec<FeedItem>,
) -> HttpResponse {
    let base = base_url(req);
    let hub = req
        .app_data::<web::Data<WebSubHub>>()
        .and_then(|h| h.0.clone())
        .filter(|_| crate::representations::feed_topics::is_hub_topic(req.query_string()));
    let ctx = Context::new(&base, &loaded.participants, &loaded.events, &loaded.topics);
    let items = make(&ctx);
    let feed = Feed {
        title: about.title.to_owned(),
        description: about.description.to_owned(),
        home_url: format!("{base}/v1/{}", about.collection),
        // Path and query only: an absolute-form request target names a host too.
        self_url: match req.query_string() {
            "" => format!("{base}{}", req.path()),
            query => format!("{base}{}?{query}", req.path()),
        },
        updated: newest(&items),
        items,
        hub,
    };
    let mut response = respond(format, &feed);
    loaded.keys(about.collection).attach(&mut response);
    response
}

impl Loaded {
    /// The surrogate keys of a feed: its collection and everything it shows.
    fn keys(&self, collection: &str) -> Keys {
        let mut keys = Keys::new();
        keys.collection(collection)
            .listed(&self.articles)
            .listed(&self.quotes);
        for p in &self.participants {
            p.add_keys(&mut keys);
        }
        for e in &self.events {
            e.add_keys(&mut keys);
        }
        for t in &self.topics {
            t.add_keys(&mut keys);
        }
        keys
    }
}

/// Feed of articles
///
/// The newest published articles, with their full text as HTML (quotes marked up
/// with `<q cite>`), their topics as categories and their source as author. Item
/// ids are the article ids (RSS `guid` with `isPermaLink="false"`; in Atom
/// `urn:newsdesk:article:{id}`). Takes the article list's filters. Conditional GET
/// works as on every read.
///
/// With `--websub-hub`, the feed names its WebSub hub and its own URL (RSS
/// `atom:link`, Atom `link`, JSON Feed `hubs`, and the `Link` header), and newsdesk
/// pings the hub when a publication changes it, so subscribers get new articles
/// pushed. Only feeds with no filter or one filter of one value, and no `limit`, are
/// pinged and name the hub.
#[utoipa::path(
    tag = "feeds",
    params(("format" = FeedFormat, Path, description = "`rss`, `atom` or `json`."), FeedQuery),
    responses((status = 200, description = "The feed.", content(
        (String = "application/rss+xml"), (String = "application/atom+xml"), (Object = "application/feed+json")),
        headers(("Link" = String, description = "With `--websub-hub`, on feeds with no filter or one \
            (`topic`, `participant` or `event`, one value) and no `limit`: the WebSub hub and the \
            feed's own URL from `--public-url`: `<{websub-hub}>; rel=\"hub\", \
            <{public-url}/v1/feeds/articles.atom>; rel=\"self\"`."))))
)]
#[get("/feeds/articles.{format}")]
pub async fn get_article_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: web::Path<FeedFormat>,
    Query(query): Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let limit = limit(&query)?;
    let visibility = feed_visibility(&req);
    let filter = ArticleFilter {
        visibility,
        participant: query.participant,
        event: query.event,
        topic: query.topic,
        ..Default::default()
    };
    let loaded = state
        .db
        .read(move |conn| {
            let request = ListRequest::first::<Article>(limit);
            let found = list::list::<Article>(conn, &filter, &request)?.page.items;
            // By id (the articles name their quotes): an index lookup per quote, where
            // a filter on `article` would walk the quotes in date order.
            let ids: Vec<_> = found
                .iter()
                .flat_map(|a| a.quotes.iter().cloned())
                .collect();
            let quotes = by_id::find_many::<Quote>(conn, &ids, visibility)?;
            load(conn, found, quotes)
        })
        .await?;
    let about = About {
        collection: "articles",
        title: "newsdesk: articles",
        description: "The newest published articles.",
    };
    Ok(answer(&req, *format, &loaded, about, |ctx| {
        feeds::article_items(&loaded.articles, &loaded.quotes, ctx)
    }))
}

/// Feed of quotes
///
/// The most recently said quotes of published articles, each with its speaker,
/// date and article. `participant` selects speakers. Item ids are the quote ids.
/// WebSub as for the article feed.
#[utoipa::path(
    tag = "feeds",
    params(("format" = FeedFormat, Path, description = "`rss`, `atom` or `json`."), FeedQuery),
    responses((status = 200, description = "The feed.", content(
        (String = "application/rss+xml"), (String = "application/atom+xml"), (Object = "application/feed+json")),
        headers(("Link" = String, description = "With `--websub-hub`, on feeds with no filter or one \
            (`topic`, `participant` or `event`, one value) and no `limit`: the WebSub hub and the \
            feed's own URL from `--public-url`: `<{websub-hub}>; rel=\"hub\", \
            <{public-url}/v1/feeds/articles.atom>; rel=\"self\"`."))))
)]
#[get("/feeds/quotes.{format}")]
pub async fn get_quote_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: web::Path<FeedFormat>,
    Query(query): Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let limit = limit(&query)?;
    let visibility = feed_visibility(&req);
    let filter = QuoteFilter {
        visibility,
        speaker: query.participant,
        event: query.event,
        topic: query.topic,
        ..Default::default()
    };
    let loaded = state
        .db
        .read(move |conn| {
            let request = ListRequest::first::<Quote>(limit);
            let found = list::list::<Quote>(conn, &filter, &request)?.page.items;
            let ids: BTreeSet<_> = found.iter().map(|q| q.article.clone()).collect();
            let ids: Vec<_> = ids.into_iter().collect();
            let articles = by_id::find_many::<Article>(conn, &ids, visibility)?;
            load(conn, articles, found)
        })
        .await?;
    let about = About {
        collection: "quotes",
        title: "newsdesk: quotes",
        description: "Verbatim quotes from the newest coverage.",
    };
    Ok(answer(&req, *format, &loaded, about, |ctx| {
        feeds::quote_items(&loaded.quotes, &loaded.articles, ctx)
    }))
}
