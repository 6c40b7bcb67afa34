//! Syndication feeds of articles and quotes: RSS 2.0, Atom 1.0 (RFC 4287) and JSON
//! Feed 1.1, all from one neutral list of items. Item ids are the API ids (in Atom,
//! which wants an IRI, inside a `urn:newsdesk:` URN).

use atom_syndication as atom;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Context, html};
use crate::domain::{Article, Quote};

/// A feed, whatever its format.
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The collection the feed follows (`/v1/articles?…`), absolute.
    pub home_url: String,
    /// This feed's own URL, absolute.
    pub self_url: String,
    /// The WebSub hub told of this feed's changes, if any.
    pub hub: Option<String>,
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
}

/// One entry of a feed.
pub struct FeedItem {
    /// `article` or `quote`.
    pub kind: &'static str,
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub content_html: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub author: Option<String>,
    /// (term, label) pairs: topic ids and names.
    pub categories: Vec<(String, String)>,
    pub language: String,
    /// The copyright line: Atom `<rights>`, RSS `<dc:rights>`, and the RSS channel's
    /// `<copyright>` when every entry shares it.
    pub rights: Option<String>,
    /// Not to be published before this time: the entry reached a partner with
    /// embargo access early. `<newsdesk:embargoedUntil>` in RSS and Atom,
    /// `_newsdesk.embargoed_until` in JSON Feed.
    pub embargoed_until: Option<DateTime<Utc>>,
}

/// The XML namespace of newsdesk's own feed elements.
const NAMESPACE: &str = "https://newsdesk.example/ns/feeds";

/// The embargo element of an entry, as RSS and Atom (whose extension types are the
/// same shape) carry it; none when the entry is not under embargo.
fn embargo_element<E: Default>(
    item: &FeedItem,
    make: impl FnOnce(String) -> E,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<E>>> {
    let mut map = std::collections::BTreeMap::new();
    if let Some(until) = item.embargoed_until {
        let element = make(until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        map.insert(
            "newsdesk".to_owned(),
            std::collections::BTreeMap::from([("embargoedUntil".to_owned(), vec![element])]),
        );
    }
    map
}

/// The namespaces a feed declares: newsdesk's only when an entry uses it, so the
/// public feeds stay plain.
fn namespaces(items: &[FeedItem]) -> std::collections::BTreeMap<String, String> {
    items
        .iter()
        .any(|i| i.embargoed_until.is_some())
        .then(|| ("newsdesk".to_owned(), NAMESPACE.to_owned()))
        .into_iter()
        .collect()
}

/// The embargo of an article that has not lifted yet.
fn under_embargo(a: &Article) -> Option<DateTime<Utc>> {
    a.embargoed_until.filter(|t| *t > Utc::now())
}

/// The copyright line of an article: its notice, else its holder's name.
fn rights_line(a: &Article) -> Option<String> {
    let r = &a.rights;
    r.copyright_notice
        .clone()
        .or_else(|| r.copyright_holder.as_ref().map(|h| format!("© {h}")))
}

/// The corrections as HTML, appended to an entry's content as newsrooms print them.
fn corrections_html(a: &Article) -> String {
    a.corrections
        .iter()
        .map(|c| {
            format!(
                "<p class=\"correction\"><strong>Correction ({}):</strong> {}</p>\n",
                c.corrected_at.date_naive(),
                html::escape(&c.note)
            )
        })
        .collect()
}

fn categories(topics: &[crate::domain::TopicId], ctx: &Context<'_>) -> Vec<(String, String)> {
    topics
        .iter()
        .map(|t| {
            let label = ctx
                .topics
                .get(t.as_str())
                .map_or_else(|| t.to_string(), |t| t.name.clone());
            (t.to_string(), label)
        })
        .collect()
}

pub fn article_items(articles: &[Article], quotes: &[Quote], ctx: &Context<'_>) -> Vec<FeedItem> {
    let base = ctx.base.trim_end_matches('/');
    articles
        .iter()
        .map(|a| {
            let own: Vec<Quote> = quotes
                .iter()
                .filter(|q| q.article == a.id)
                .cloned()
                .collect();
            FeedItem {
                kind: "article",
                id: a.id.to_string(),
                url: ctx.url(&format!("/v1/articles/{}", a.id)),
                title: a.headline.clone(),
                summary: a.summary.clone(),
                content_html: html::body(a, &own, base) + &corrections_html(a),
                published: a.published_at,
                updated: a.updated_at,
                author: a.source.name.clone(),
                categories: categories(&a.topics, ctx),
                language: a.language.clone(),
                rights: rights_line(a),
                embargoed_until: under_embargo(a),
            }
        })
        .collect()
}

pub fn quote_items(quotes: &[Quote], articles: &[Article], ctx: &Context<'_>) -> Vec<FeedItem> {
    quotes
        .iter()
        .map(|q| {
            let speaker = ctx
                .participants
                .get(q.speaker.as_str())
                .map_or_else(|| q.speaker.to_string(), |p| p.name.clone());
            let article = articles.iter().find(|a| a.id == q.article);
            let article_url = ctx.url(&format!("/v1/articles/{}", q.article));
            let headline = article.map_or_else(|| q.article.to_string(), |a| a.headline.clone());
            let url = ctx.url(&format!("/v1/quotes/{}", q.id));
            let words: String = q.text.chars().take(80).collect();
            let ellipsis = if q.text.chars().count() > 80 { "…" } else { "" };
            let said = q.said_on.and_hms_opt(0, 0, 0).map_or(q.updated_at, |t| t.and_utc());
            FeedItem {
                kind: "quote",
                id: q.id.to_string(),
                title: format!("{speaker}: “{words}{ellipsis}”"),
                summary: q.text.clone(),
                content_html: format!(
                    "<blockquote cite=\"{}\"><p>{}</p></blockquote>\n<p>— {}, {}, in <a href=\"{}\">{}</a></p>\n",
                    html::escape(&url),
                    html::escape(&q.text),
                    html::escape(&speaker),
                    q.said_on,
                    html::escape(&article_url),
                    html::escape(&headline)
                ),
                url,
                published: article.map_or(said, |a| a.published_at.max(said)),
                updated: q.updated_at,
                author: Some(speaker),
                categories: q.topic.as_ref().map(|t| categories(std::slice::from_ref(t), ctx)).unwrap_or_default(),
                language: article.map_or_else(|| "en".to_owned(), |a| a.language.clone()),
                rights: article.and_then(rights_line),
                embargoed_until: article.and_then(under_embargo),
            }
        })
        .collect()
}

pub fn rss(feed: &Feed) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    let items = feed
        .items
        .iter()
        .map(|item| rss::Item {
            title: Some(item.title.clone()),
            link: Some(item.url.clone()),
            description: Some(item.summary.clone()),
            guid: Some(rss::Guid {
                value: item.id.clone(),
                permalink: false,
            }),
            pub_date: Some(super::rfc2822(item.published)),
            categories: item
                .categories
                .iter()
                .map(|(term, label)| rss::Category {
                    name: label.clone(),
                    domain: Some(format!(
                        "{}#{term}",
                        feed.home_url.split('?').next().unwrap_or("")
                    )),
                })
                .collect(),
            content: Some(item.content_html.clone()),
            dublin_core_ext: (item.author.is_some() || item.rights.is_some()).then(|| {
                rss::extension::dublincore::DublinCoreExtension {
                    creators: item.author.iter().cloned().collect(),
                    rights: item.rights.iter().cloned().collect(),
                    ..Default::default()
                }
            }),
            extensions: embargo_element(item, |value| rss::extension::Extension {
                name: "newsdesk:embargoedUntil".to_owned(),
                value: Some(value),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let channel = rss::Channel {
        namespaces: namespaces(&feed.items),
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        description: feed.description.clone(),
        language: Some("en".to_owned()),
        copyright: shared_rights(&feed.items),
        last_build_date: Some(super::rfc2822(feed.updated)),
        generator: Some("newsdesk".to_owned()),
        docs: Some("https://www.rssboard.org/rss-specification".to_owned()),
        atom_ext: Some(AtomExtension {
            links: std::iter::once(Link {
                href: feed.self_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some("application/rss+xml".to_owned()),
                ..Default::default()
            })
            .chain(feed.hub.iter().map(|hub| Link {
                href: hub.clone(),
                rel: "hub".to_owned(),
                ..Default::default()
            }))
            .collect(),
        }),
        items,
        ..Default::default()
    };
    channel.to_string()
}

/// The copyright line every entry of a feed shares, if they share one.
fn shared_rights(items: &[FeedItem]) -> Option<String> {
    let first = items.first()?.rights.clone()?;
    items
        .iter()
        .all(|i| i.rights.as_deref() == Some(&first))
        .then_some(first)
}

pub fn atom(feed: &Feed) -> String {
    let text = |value: &str| atom::Text::plain(value);
    // Alternate links carry no type: readers take an untyped one as the entry's page.
    let link = |href: &str, rel: &str, mime: Option<&str>| atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let entries = feed
        .items
        .iter()
        .map(|item| atom::Entry {
            title: text(&item.title),
            id: format!("urn:newsdesk:{}:{}", item.kind, item.id),
            updated: item.updated.fixed_offset(),
            published: Some(item.published.fixed_offset()),
            authors: item
                .author
                .iter()
                .map(|name| atom::Person {
                    name: name.clone(),
                    ..Default::default()
                })
                .collect(),
            links: vec![link(&item.url, "alternate", None)],
            summary: Some(text(&item.summary)),
            rights: item.rights.as_deref().map(text),
            content: Some(atom::Content {
                value: Some(item.content_html.clone()),
                content_type: Some("html".to_owned()),
                lang: Some(item.language.clone()),
                ..Default::default()
            }),
            categories: item
                .categories
                .iter()
                .map(|(term, label)| atom::Category {
                    term: term.clone(),
                    label: Some(label.clone()),
                    ..Default::default()
                })
                .collect(),
            extensions: embargo_element(item, |value| atom::extension::Extension {
                name: "newsdesk:embargoedUntil".to_owned(),
                value: Some(value),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let feed = atom::Feed {
        namespaces: namespaces(&feed.items),
        title: text(&feed.title),
        subtitle: Some(text(&feed.description)),
        id: feed.self_url.clone(),
        updated: feed.updated.fixed_offset(),
        // Entries without a source name fall back on the feed's author, as RFC 4287 asks.
        authors: vec![atom::Person {
            name: "newsdesk".to_owned(),
            ..Default::default()
        }],
        links: [
            link(&feed.self_url, "self", Some("application/atom+xml")),
            link(&feed.home_url, "alternate", None),
        ]
        .into_iter()
        .chain(feed.hub.iter().map(|hub| link(hub, "hub", None)))
        .collect(),
        generator: Some(atom::Generator {
            value: "newsdesk".to_owned(),
            ..Default::default()
        }),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

pub fn json_feed(feed: &Feed) -> Value {
    let mut out = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "language": "en",
        "authors": [{"name": "newsdesk"}],
        "items": feed.items.iter().map(|item| {
            let mut entry = json!({
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": item.published.to_rfc3339(),
                "date_modified": item.updated.to_rfc3339(),
                "tags": item.categories.iter().map(|(_, label)| label).collect::<Vec<_>>(),
                "language": item.language,
            });
            if let Some(author) = &item.author {
                entry["authors"] = json!([{"name": author}]);
            }
            if let Some(rights) = &item.rights {
                entry["_newsdesk"]["rights"] = json!(rights);
            }
            if let Some(until) = item.embargoed_until {
                entry["_newsdesk"]["embargoed_until"] = json!(until.to_rfc3339());
            }
            entry
        }).collect::<Vec<_>>(),
    });
    if let Some(hub) = &feed.hub {
        out["hubs"] = json!([{"type": "WebSub", "url": hub}]);
    }
    out
}
