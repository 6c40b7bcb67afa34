//! WebSub publishing (`--websub-hub`): after changes, the hub is told which feeds
//! changed (`hub.mode=publish`), and fetches them itself. It runs as a row of the
//! webhook outbox, so pings are retried, backed off and resumed after a restart
//! exactly as webhook deliveries are.
//!
//! The feeds a change touches are derived from the changed resource: an article
//! touches the article feeds, unfiltered and filtered on each of its topics,
//! participants and events, and the quote feeds the same way for its quotes; a
//! quote touches the quote feeds of its speaker, event and topic and the article
//! feeds of its article (whose text holds it); a participant, event or topic (its
//! name is a feed's author or category) touches the feeds filtered on it. A deleted
//! article's filters are gone with it: the unfiltered feeds are pinged; a deleted
//! quote pings those and the feeds of the article the change log says it was in.
//! Feeds of several filters at once or of another `limit` are not pinged, and so
//! do not advertise the hub (see `representations::feed_topics`).

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::domain::{ArticleId, QuoteId};
use crate::representations::feed_topics::{FEED_FORMATS, Filter};
use crate::storage::changes::Change;
use crate::storage::visibility::Visibility;
use crate::storage::{Result, articles, quotes};

/// The feeds (`collection`, filter) the changes touched.
type Touched = BTreeSet<(&'static str, Option<Filter>)>;

fn add(touched: &mut Touched, collection: &'static str, filters: Vec<Filter>) {
    touched.insert((collection, None));
    touched.extend(filters.into_iter().map(|f| (collection, Some(f))));
}

/// The unfiltered feeds: all that is known to change when a deleted article or
/// quote, whose filters are gone with it, changes.
fn plain(touched: &mut Touched) {
    add(touched, "articles", Vec::new());
    add(touched, "quotes", Vec::new());
}

/// The articles that the change log says named the changed resource.
fn articles_named(conn: &Connection, change: &Change) -> Result<Vec<crate::domain::Article>> {
    let ids: Vec<ArticleId> = change
        .touches
        .iter()
        .filter_map(|key| key.strip_prefix("article:"))
        .filter_map(|id| ArticleId::parse(id).ok())
        .collect();
    articles::find_many(conn, &ids, Visibility::Everything)
}

fn article_filters(a: &crate::domain::Article) -> Vec<Filter> {
    let topics = a.topics.iter().map(|t| Filter::topic(t.as_str()));
    let people = a
        .participants
        .iter()
        .map(|p| Filter::participant(p.as_str()));
    let events = a.events.iter().map(|e| Filter::event(e.as_str()));
    topics.chain(people).chain(events).collect()
}

fn quote_filters(q: &crate::domain::Quote) -> Vec<Filter> {
    let mut filters = vec![Filter::participant(q.speaker.as_str())];
    filters.extend(q.event.iter().map(|e| Filter::event(e.as_str())));
    filters.extend(q.topic.iter().map(|t| Filter::topic(t.as_str())));
    filters
}

/// The feed paths (`/v1/feeds/…`, with their query) that `changes` touched.
pub fn touched_feeds(conn: &Connection, changes: &[Change]) -> Result<BTreeSet<String>> {
    let mut touched = Touched::new();
    for change in changes {
        let id = change.resource_id.as_str();
        match change.resource_type.as_str() {
            "article" => {
                // In any state: an article just withdrawn leaves the feeds it was in.
                let found = match ArticleId::parse(id) {
                    Ok(id) => articles::find(conn, &id, Visibility::Everything)?,
                    Err(_) => None,
                };
                let Some(article) = found else {
                    plain(&mut touched);
                    continue;
                };
                add(&mut touched, "articles", article_filters(&article));
                let own = quotes::find_many(conn, &article.quotes, Visibility::Everything)?;
                if !own.is_empty() {
                    add(
                        &mut touched,
                        "quotes",
                        own.iter().flat_map(quote_filters).collect(),
                    );
                }
            }
            "quote" => {
                let found = match QuoteId::parse(id) {
                    Ok(id) => quotes::find_many(conn, &[id], Visibility::Everything)?.pop(),
                    Err(_) => None,
                };
                let Some(quote) = found else {
                    plain(&mut touched);
                    // The log names the article a deleted quote was in.
                    for article in articles_named(conn, change)? {
                        add(&mut touched, "articles", article_filters(&article));
                    }
                    continue;
                };
                add(&mut touched, "quotes", quote_filters(&quote));
                let article = articles::find(conn, &quote.article, Visibility::Everything)?;
                add(
                    &mut touched,
                    "articles",
                    article.iter().flat_map(article_filters).collect(),
                );
            }
            kind @ ("participant" | "event" | "topic") => {
                let Some(filter) = Filter::of(kind, id) else {
                    continue;
                };
                for collection in ["articles", "quotes"] {
                    touched.insert((collection, Some(filter.clone())));
                }
            }
            _ => {}
        }
    }
    Ok(touched
        .into_iter()
        .flat_map(|(collection, filter)| {
            FEED_FORMATS.iter().map(move |format| {
                let path = format!("/v1/feeds/{collection}.{format}");
                match &filter {
                    None => path,
                    Some(f) => format!("{path}?{}", f.query()),
                }
            })
        })
        .collect())
}

/// Tells the hub at `hub` that the feed at `topic` changed. The feed is named both
/// as `hub.url` (the PubSubHubbub 0.4 name most hubs read) and as `hub.topic` (which
/// others, Flask-WebSub among them, read), as WebSub leaves publishing undefined.
pub fn ping(agent: &ureq::Agent, hub: &str, topic: &str) -> std::result::Result<(), String> {
    let response = agent
        .post(hub)
        .header(
            "User-Agent",
            concat!("newsdesk/", env!("CARGO_PKG_VERSION")),
        )
        .send_form([
            ("hub.mode", "publish"),
            ("hub.url", topic),
            ("hub.topic", topic),
        ])
        .map_err(|e| super::failure(&e))?;
    super::outcome(response.status())
}
