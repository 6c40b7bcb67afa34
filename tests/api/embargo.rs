//! Embargo and expiry: every reader (anonymous, partner, partner with embargo
//! access, editor) × every stage of an article's life (under embargo, after the
//! embargo lifts, after it expires) × every surface. The lift and the expiry reach
//! the change log and the webhooks as the publication timer writes them.

use std::time::Duration;

use newsdesk::storage::{Db, keys};
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp};
use crate::webhooks::{Receiver, spawn_app_delivering_locally};

/// In the headline, summary, body and quote of the embargoed article, and nowhere
/// else: a body that holds it shows (part of) the article.
const WORD: &str = "sesquipedalian";
const ID: &str = "held-story";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Embargoed,
    Lifted,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Reader {
    Anonymous,
    Partner,
    Early,
    Editor,
}

/// How a surface decides what it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Surface {
    /// The caller's visibility: editors everything, early partners the embargoed.
    Keyed,
    /// Feeds: what is public, and the embargoed for early partners.
    Feed,
    /// Search, timelines and sitemaps: what is public, for every caller.
    Public,
}

const ROUTES: &[(&str, Surface)] = &[
    ("/v1/articles/held-story", Surface::Keyed),
    ("/v1/articles/held-story?format=ninjs", Surface::Keyed),
    ("/v1/articles/held-story?format=jsonld", Surface::Keyed),
    ("/v1/articles/held-story/quotes", Surface::Keyed),
    ("/v1/quotes/held-story-quote", Surface::Keyed),
    ("/v1/articles?limit=100", Surface::Keyed),
    (
        "/v1/articles?limit=100&count=true&facet=topic",
        Surface::Keyed,
    ),
    (
        "/v1/quotes?limit=100&fields=id&include=article",
        Surface::Keyed,
    ),
    (
        "/v1/participants/belarus/articles?limit=100",
        Surface::Keyed,
    ),
    (
        "/v1/events/sco-summit-astana-2024/quotes?limit=100",
        Surface::Keyed,
    ),
    ("/v1/changes?limit=1000", Surface::Keyed),
    ("/v1/feeds/articles.rss", Surface::Feed),
    ("/v1/feeds/articles.atom", Surface::Feed),
    ("/v1/feeds/articles.json", Surface::Feed),
    ("/v1/feeds/quotes.json", Surface::Feed),
    ("/v1/search?q=sesquipedalian", Surface::Public),
    (
        "/v1/participants/belarus/timeline?limit=100",
        Surface::Public,
    ),
    ("/sitemap-news.xml", Surface::Public),
];

fn expected(reader: Reader, stage: Stage, surface: Surface) -> bool {
    matches!(
        (reader, stage, surface),
        (_, Stage::Lifted, _)
            | (Reader::Editor, _, Surface::Keyed)
            | (
                Reader::Early,
                Stage::Embargoed,
                Surface::Keyed | Surface::Feed
            )
    )
}

struct Keys {
    partner: String,
    early: String,
    editor: String,
}

impl Keys {
    fn of(&self, reader: Reader) -> Option<String> {
        match reader {
            Reader::Anonymous => None,
            Reader::Partner => Some(format!("Bearer {}", self.partner)),
            Reader::Early => Some(format!("Bearer {}", self.early)),
            Reader::Editor => Some(format!("Bearer {}", self.editor)),
        }
    }
}

/// A partner key with embargo access, as `newsdesk keys create --embargo` makes it.
pub(crate) fn early_key(app: &TestApp, name: &str) -> String {
    let key = app.key(Role::Partner, name);
    let db = Db::open(&app.dir.path().join("newsdesk.db"), 1).expect("database opens");
    assert!(
        db.write_blocking(|conn| keys::grant_embargo(conn, keys::id_of(&key)))
            .unwrap()
    );
    key
}

fn in_seconds(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

/// Publishes the article under an embargo of a day, expiring in two, with a quote.
async fn publish_embargoed(app: &TestApp, editor: &str) {
    let article = json!({
        "id": ID, "headline": format!("The {WORD} accord"), "dateline": {"date": "2024-07-05"},
        "status": "draft", "summary": format!("The {WORD} plan."),
        "participants": ["belarus"], "events": ["sco-summit-astana-2024"], "topics": ["international-standing"],
        "body": [{"type": "paragraph", "text": format!("Nobody may know of {WORD} yet.")}]
    });
    let reply = app.write("POST", "/v1/articles", editor, &article).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let today = chrono::Utc::now().date_naive().to_string();
    let quote = json!({
        "id": format!("{ID}-quote"), "text": format!("The {WORD} hour is near."),
        "speaker": "aleksandr-lukashenko", "article": ID, "event": "sco-summit-astana-2024",
        "said_on": today
    });
    let reply = app.write("POST", "/v1/quotes", editor, &quote).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let embargo = json!({
        "status": "published", "embargoed_until": in_seconds(86_400), "expires_at": in_seconds(172_800)
    });
    let path = format!("/v1/articles/{ID}");
    let reply = app.write("PATCH", &path, editor, &embargo).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

/// Checks every route for every reader at `stage`, and what each response says of
/// caching: keyed responses are private, anonymous ones public.
async fn check_matrix(app: &TestApp, keys: &Keys, stage: Stage) {
    for reader in [
        Reader::Anonymous,
        Reader::Partner,
        Reader::Early,
        Reader::Editor,
    ] {
        let auth = keys.of(reader);
        for (route, surface) in ROUTES {
            let headers: Vec<(&str, &str)> = auth
                .as_deref()
                .map(|a| vec![("Authorization", a)])
                .unwrap_or_default();
            let reply = app.request("GET", route, &headers).await;
            let body = String::from_utf8_lossy(&reply.body);
            let seen = reply.status == 200 && body.contains(WORD);
            assert_eq!(
                seen,
                expected(reader, stage, *surface),
                "{reader:?} at {stage:?} on {route}: {} {body}",
                reply.status
            );
            if reply.status == 200 {
                let cache = reply.header("cache-control").unwrap_or("");
                assert_eq!(
                    cache.starts_with("private"),
                    auth.is_some(),
                    "{reader:?} {route}: {cache}"
                );
                // A keyed response never comes from, nor goes into, the shared cache.
                if auth.is_some() {
                    assert_ne!(reply.header("x-cache"), Some("hit"), "{reader:?} {route}");
                }
            }
        }
    }
}

/// The article's entries in the change log since `since`, as `auth` reads them:
/// (operation, reason, tombstone).
async fn article_changes(
    app: &TestApp,
    auth: &[(&str, &str)],
    since: i64,
) -> Vec<(String, String, bool)> {
    let reply = app
        .request(
            "GET",
            &format!("/v1/changes?since={since}&type=article&limit=1000"),
            auth,
        )
        .await;
    assert_eq!(reply.status, 200);
    reply.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == ID)
        .map(|e| {
            (
                e["operation"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap().to_owned(),
                e["tombstone"] == true,
            )
        })
        .collect()
}

/// Waits until the public change log holds `count` entries of the article.
async fn wait_for_public(app: &TestApp, since: i64, count: usize) -> Vec<(String, String, bool)> {
    for _ in 0..200 {
        let seen = article_changes(app, &[], since).await;
        if seen.len() >= count {
            return seen;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the public log never reached {count} entries of {ID}");
}

fn cursor(page: &Value) -> i64 {
    page["page"]["next_cursor"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn embargoed_and_expired_articles_reach_only_their_audience_on_every_surface() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let keys = Keys {
        partner: app.key(Role::Partner, "partner"),
        early: early_key(&app, "wire"),
        editor: app.key(Role::Editor, "desk"),
    };
    let (public_hook, early_hook) = (Receiver::default(), Receiver::default());
    for (rx, embargo) in [(&public_hook, false), (&early_hook, true)] {
        let url = rx.start();
        let body = json!({"url": url, "types": ["article"], "embargo": embargo});
        let reply = app.write("POST", "/v1/webhooks", &keys.editor, &body).await;
        assert_eq!(
            reply.status,
            201,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.json()["data"]["embargo"], embargo);
    }
    let start = cursor(&app.get_ok("/v1/changes?limit=1000").await);
    publish_embargoed(&app, &keys.editor).await;

    check_matrix(&app, &keys, Stage::Embargoed).await;
    let early = format!("Bearer {}", keys.early);
    let early = [("Authorization", early.as_str())];
    // Marked with the time before which the partner must not publish.
    let read = app
        .request("GET", &format!("/v1/articles/{ID}"), &early)
        .await;
    let until = read.json()["data"]["embargoed_until"]
        .as_str()
        .unwrap()
        .to_owned();
    let ninjs = app
        .request("GET", &format!("/v1/articles/{ID}?format=ninjs"), &early)
        .await
        .json();
    assert_eq!(ninjs["pubstatus"], "withheld");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(ninjs["embargoed"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&until).unwrap()
    );
    let feed = app
        .request("GET", "/v1/feeds/articles.json", &early)
        .await
        .json();
    assert_eq!(feed["items"][0]["id"], ID);
    assert!(feed["items"][0]["_newsdesk"]["embargoed_until"].is_string());
    let rss = app.request("GET", "/v1/feeds/articles.rss", &early).await;
    assert!(String::from_utf8_lossy(&rss.body).contains("<newsdesk:embargoedUntil>"));
    // The early audience saw it published (its draft life stays with editors); the
    // public saw nothing.
    assert_eq!(
        article_changes(&app, &early, start).await,
        [("create".to_owned(), "published".to_owned(), false)]
    );
    assert!(article_changes(&app, &[], start).await.is_empty());

    // The embargo lifts on its own: the publication timer announces it.
    let path = format!("/v1/articles/{ID}");
    let lift = json!({"embargoed_until": in_seconds(2)});
    assert_eq!(
        app.write("PATCH", &path, &keys.editor, &lift).await.status,
        200
    );
    let seen = wait_for_public(&app, start, 1).await;
    assert_eq!(seen, [("create".to_owned(), "published".to_owned(), false)]);
    check_matrix(&app, &keys, Stage::Lifted).await;
    let ninjs = app.get_ok(&format!("/v1/articles/{ID}?format=ninjs")).await;
    assert_eq!(ninjs["pubstatus"], "usable");

    // It expires on its own: a tombstone, reason `expired`, for every audience.
    let expire = json!({"expires_at": in_seconds(3)});
    assert_eq!(
        app.write("PATCH", &path, &keys.editor, &expire)
            .await
            .status,
        200
    );
    let seen = wait_for_public(&app, start, 3).await;
    assert_eq!(
        seen[2],
        ("update".to_owned(), "expired".to_owned(), true),
        "{seen:?}"
    );
    let early_seen = article_changes(&app, &early, start).await;
    assert_eq!(
        early_seen.last().unwrap(),
        &("update".to_owned(), "expired".to_owned(), true)
    );
    check_matrix(&app, &keys, Stage::Expired).await;
    let editor = format!("Bearer {}", keys.editor);
    let ninjs = app
        .request(
            "GET",
            &format!("/v1/articles/{ID}?format=ninjs"),
            &[("Authorization", &editor)],
        )
        .await
        .json();
    assert_eq!(ninjs["pubstatus"], "canceled");

    // The webhooks: the early one heard of the article at publication, the public
    // one at the lift; both heard of the expiry.
    let reasons = |rx: &Receiver, n: usize| {
        let rx = rx.clone();
        async move {
            rx.wait_for(n)
                .await
                .iter()
                .map(|(_, _, body)| {
                    let body: Value = serde_json::from_slice(body).unwrap();
                    let change = &body["change"];
                    (
                        change["reason"].as_str().unwrap().to_owned(),
                        change["tombstone"] == true,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let r = |s: &str, t: bool| (s.to_owned(), t);
    assert_eq!(
        reasons(&public_hook, 3).await,
        [
            r("published", false),
            r("updated", false),
            r("expired", true)
        ]
    );
    assert_eq!(
        reasons(&early_hook, 5).await,
        [
            r("published", false),
            r("updated", false),
            r("published", false),
            r("updated", false),
            r("expired", true),
        ]
    );
}

#[actix_web::test]
async fn embargo_and_expiry_times_are_validated() {
    let app = crate::helpers::spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let article = |extra: Value| {
        let mut a = json!({
            "headline": "A held story", "dateline": {"date": "2024-07-05"},
            "body": [{"type": "paragraph", "text": "Text."}]
        });
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    for (bad, field) in [
        (json!({"embargoed_until": "tomorrow"}), "embargoed_until"),
        (json!({"expires_at": 17}), "expires_at"),
        (
            json!({"embargoed_until": "10000-01-01T00:00:00Z"}),
            "embargoed_until",
        ),
        (
            json!({"embargoed_until": in_seconds(7200), "expires_at": in_seconds(3600)}),
            "expires_at",
        ),
        (
            json!({"published_at": "2024-07-05T10:00:00Z", "expires_at": "2024-07-05T09:00:00Z"}),
            "expires_at",
        ),
    ] {
        let reply = app
            .write("POST", "/v1/articles", &editor, &article(bad))
            .await;
        let problem = crate::helpers::assert_problem(&reply, 422);
        assert_eq!(
            crate::helpers::problem_fields(&problem),
            [field],
            "{problem}"
        );
    }
    let ok = article(json!({"embargoed_until": in_seconds(3600), "expires_at": null}));
    let reply = app.write("POST", "/v1/articles", &editor, &ok).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(reply.json()["data"]["embargoed_until"].is_string());
    assert!(reply.json()["data"]["expires_at"].is_null());
}
