//! WebSub (`--websub-hub`): every pinged feed names the hub and itself, and each
//! public change pings the hub for the feeds it touched, retried like a webhook.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use serde_json::json;

use crate::helpers::{Role, TestApp, spawn_app, spawn_app_with};
use crate::webhooks::Receiver;

const PUBLIC: &str = "https://api.example.org";
const HUB: &str = "https://hub.example.net/";
const ARTICLE: &str = "/v1/articles/lukashenko-meets-antonio-guterres";

async fn with_hub(hub: &str) -> TestApp {
    let hub = hub.to_owned();
    spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.websub_hub = Some(hub);
        s.public_url = Some(PUBLIC.to_owned());
    })
    .await
}

/// The `Link` header and the body of a feed, asked for by a client that names
/// another host: links must not follow it.
async fn text(app: &TestApp, path: &str) -> (Option<String>, String) {
    let spoofed = [
        ("Host", "attacker.test"),
        ("X-Forwarded-Host", "attacker.test"),
        ("Forwarded", "host=attacker.test;proto=http"),
    ];
    let reply = app.get_decoded(path, &spoofed).await;
    assert_eq!(reply.status, 200, "{path}");
    let link = reply.header("link").map(str::to_owned);
    (link, String::from_utf8(reply.body).unwrap())
}

#[actix_web::test]
async fn every_pinged_feed_names_the_hub_and_itself() {
    let app = with_hub(HUB).await;
    for path in [
        "/v1/feeds/articles.rss",
        "/v1/feeds/quotes.atom?topic=food-security",
        "/v1/feeds/articles.json?participant=aleksandr-lukashenko",
    ] {
        let own = format!("{PUBLIC}{path}");
        let (link, body) = text(&app, path).await;
        assert_eq!(
            link.as_deref(),
            Some(format!("<{HUB}>; rel=\"hub\", <{own}>; rel=\"self\"").as_str()),
            "{path}"
        );
        if path.contains(".json") {
            let feed: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(feed["hubs"], json!([{"type": "WebSub", "url": HUB}]));
            assert_eq!(feed["feed_url"], own);
        } else {
            // RSS carries Atom's link element (atom:link), Atom its own.
            assert!(
                body.contains(&format!("href=\"{HUB}\" rel=\"hub\"")),
                "{path}: {body}"
            );
            assert!(!body.contains("attacker.test"), "{path}");
            let own_xml = own.replace('&', "&amp;");
            assert!(
                body.contains(&format!("href=\"{own_xml}\" rel=\"self\"")),
                "{path}"
            );
        }
    }
}

#[actix_web::test]
async fn feeds_that_are_not_pinged_and_servers_without_a_hub_name_no_hub() {
    let app = with_hub(HUB).await;
    for path in [
        "/v1/feeds/articles.atom?limit=5",
        "/v1/feeds/articles.atom?topic=food-security&topic=sco-membership",
        "/v1/feeds/quotes.json?participant=belarus&event=sco-summit-astana-2024",
    ] {
        let (link, body) = text(&app, path).await;
        assert_eq!(link, None, "{path}");
        assert!(!body.contains("hub"), "{path}: {body}");
    }
    let plain = spawn_app().await;
    for path in [
        "/v1/feeds/articles.rss",
        "/v1/feeds/quotes.atom",
        "/v1/feeds/articles.json",
    ] {
        let (link, body) = text(&plain, path).await;
        assert_eq!(link, None, "{path}");
        assert!(
            !body.contains("\"hub\"") && !body.contains("hubs"),
            "{path}"
        );
    }
}

/// The `hub.url` of each ping received, in order.
fn pinged(received: &[(String, String, Vec<u8>)]) -> Vec<String> {
    received
        .iter()
        .map(|(_, _, body)| {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            let get = |name: &str| {
                form.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            assert_eq!(get("hub.mode"), "publish", "{form:?}");
            assert_eq!(get("hub.url"), get("hub.topic"));
            get("hub.url")
        })
        .collect()
}

#[actix_web::test]
async fn a_publication_pings_the_hub_for_the_feeds_it_changed_and_retries() {
    let receiver = Receiver::default();
    let hub = receiver.start();
    // The first ping fails: all of the change's pings are sent again, later.
    receiver.failures.store(1, Ordering::SeqCst);
    let app = with_hub(&hub).await;
    let key = app.key(Role::Editor, "desk");

    let changed = app
        .write(
            "PATCH",
            ARTICLE,
            &key,
            &json!({"summary": "Corrected summary."}),
        )
        .await;
    assert_eq!(changed.status, 200);
    let expected: BTreeSet<String> = ["articles.rss", "articles.atom", "articles.json"]
        .iter()
        .flat_map(|feed| {
            [
                String::new(),
                "?topic=belarus-un-cooperation".to_owned(),
                "?participant=antonio-guterres".to_owned(),
                "?event=lukashenko-guterres-meeting-2024".to_owned(),
            ]
            .map(|query| format!("{PUBLIC}/v1/feeds/{feed}{query}"))
        })
        .collect();
    // 5 participants + 2 events + 1 topic + the plain feed, in three formats.
    let per_round = 3 * (1 + 1 + 5 + 2);
    let got = pinged(&receiver.wait_for(1 + per_round).await);
    assert_eq!(got.len(), 1 + per_round, "{got:#?}");
    let delivered: BTreeSet<String> = got[1..].iter().cloned().collect();
    assert_eq!(delivered.len(), per_round, "each feed once");
    assert!(delivered.is_superset(&expected), "{delivered:#?}");
    assert!(
        !delivered
            .iter()
            .any(|u| u.contains("quotes.") || u.contains("food-security")),
        "an article without quotes touches no quote feed, nor other topics: {delivered:#?}"
    );
    assert!(
        got.iter().all(|u| u.starts_with(PUBLIC)),
        "self URLs come from --public-url"
    );

    let hooks = app
        .request(
            "GET",
            "/v1/webhooks",
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await
        .json();
    assert_eq!(
        hooks["data"],
        json!([]),
        "the hub is no webhook subscription"
    );
}

#[actix_web::test]
async fn changes_to_what_the_public_never_sees_ping_nothing() {
    let receiver = Receiver::default();
    let app = with_hub(&receiver.start()).await;
    let key = app.key(Role::Editor, "desk");
    let draft = app
        .write(
            "POST",
            "/v1/articles",
            &key,
            &json!({"headline": "Draft, never published", "status": "draft",
                "dateline": {"place": "Minsk", "date": "2024-07-04"},
                "body": [{"type": "paragraph", "text": "Nothing yet."}]}),
        )
        .await;
    assert_eq!(
        draft.status,
        201,
        "{}",
        String::from_utf8_lossy(&draft.body)
    );
    let renamed = app
        .write(
            "PATCH",
            "/v1/participants/belarus",
            &key,
            &json!({"aliases": ["Republic of Belarus"]}),
        )
        .await;
    assert_eq!(renamed.status, 200);
    // The participant's change pings the feeds filtered on it only, and comes after
    // the draft's, which pinged nothing: had it, more would have arrived.
    let got = pinged(&receiver.wait_for(6).await);
    assert_eq!(got.len(), 6, "{got:#?}");
    let expected: BTreeSet<String> = ["articles", "quotes"]
        .iter()
        .flat_map(|c| {
            ["rss", "atom", "json"]
                .map(|f| format!("{PUBLIC}/v1/feeds/{c}.{f}?participant=belarus"))
        })
        .collect();
    assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), expected);
}

/// The feed URLs, in every format, of `collection` with `query`.
fn feed(collection: &str, query: &str) -> Vec<String> {
    ["rss", "atom", "json"]
        .map(|f| format!("{PUBLIC}/v1/feeds/{collection}.{f}{query}"))
        .to_vec()
}

/// The article feeds of the article at `path`: unfiltered and on each of its filters.
async fn article_feeds(app: &TestApp, path: &str) -> BTreeSet<String> {
    let article = app.get_ok(path).await;
    let mut feeds: BTreeSet<String> = feed("articles", "").into_iter().collect();
    for (filter, values) in [
        ("topic", "topics"),
        ("participant", "participants"),
        ("event", "events"),
    ] {
        for id in article["data"][values].as_array().unwrap() {
            feeds.extend(feed(
                "articles",
                &format!("?{filter}={}", id.as_str().unwrap()),
            ));
        }
    }
    feeds
}

const QUOTE: &str = "/v1/quotes/xi-stable-development-of-relations";
const QUOTED_IN: &str = "/v1/articles/lukashenko-meets-xi-jinping-astana";

#[actix_web::test]
async fn a_quote_pings_its_own_feeds_and_its_articles() {
    let receiver = Receiver::default();
    let app = with_hub(&receiver.start()).await;
    let key = app.key(Role::Editor, "desk");
    let changed = app
        .write(
            "PATCH",
            QUOTE,
            &key,
            &json!({"text": "We will facilitate stable development."}),
        )
        .await;
    assert_eq!(changed.status, 200);

    let mut expected: BTreeSet<String> = [
        "",
        "?participant=xi-jinping",
        "?event=lukashenko-xi-meeting-2024",
        "?topic=belarus-china-relations",
    ]
    .iter()
    .flat_map(|q| feed("quotes", q))
    .collect();
    // The article's text holds the quote: its feeds changed too.
    expected.extend(article_feeds(&app, QUOTED_IN).await);
    let got: BTreeSet<String> = pinged(&receiver.wait_for(expected.len()).await)
        .into_iter()
        .collect();
    assert_eq!(got, expected);
}

#[actix_web::test]
async fn a_deleted_quote_pings_the_plain_feeds_and_its_articles() {
    let receiver = Receiver::default();
    let app = with_hub(&receiver.start()).await;
    let key = app.key(Role::Editor, "desk");
    let created = app
        .write(
            "POST",
            "/v1/quotes",
            &key,
            &json!({"text": "Grain for both our peoples", "speaker": "xi-jinping",
                "article": "lukashenko-meets-xi-jinping-astana", "said_on": "2024-07-04"}),
        )
        .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let articles = article_feeds(&app, QUOTED_IN).await;
    let first = feed("quotes", "").len() + feed("quotes", "?participant=xi-jinping").len();
    let first = first + articles.len();
    assert_eq!(receiver.wait_for(first).await.len(), first);

    let id = created.json()["data"]["id"].as_str().unwrap().to_owned();
    let deleted = app
        .request(
            "DELETE",
            &format!("/v1/quotes/{id}"),
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await;
    assert_eq!(deleted.status, 204);
    // What the quote was filed under is gone with it; its article is still there.
    let mut expected: BTreeSet<String> = feed("quotes", "").into_iter().collect();
    expected.extend(articles);
    let got = pinged(&receiver.wait_for(first + expected.len()).await);
    assert_eq!(
        got[first..].iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
}

/// The hub the outbox pings, as the database holds it.
fn hub_row(app: &TestApp) -> Option<String> {
    let db = newsdesk::storage::Db::open(&app.dir.path().join("newsdesk.db"), 1).unwrap();
    db.read_blocking(|conn| {
        use rusqlite::OptionalExtension;
        Ok(conn
            .query_row("SELECT url FROM webhooks WHERE kind = 'websub'", [], |r| {
                r.get(0)
            })
            .optional()?)
    })
    .unwrap()
}

#[actix_web::test]
async fn the_hub_follows_the_option_across_restarts() {
    let app = with_hub(HUB).await;
    assert_eq!(hub_row(&app).as_deref(), Some(HUB));
    let dir = app.stop().await;
    let other = "https://other-hub.example.net/";
    let app = spawn_app_with(dir, |s| s.websub_hub = Some(other.to_owned())).await;
    assert_eq!(
        hub_row(&app).as_deref(),
        Some(other),
        "a new URL replaces the old"
    );
    let dir = app.stop().await;
    let app = crate::helpers::spawn_app_in(dir).await;
    assert_eq!(hub_row(&app), None, "without the option nothing is pinged");
}
