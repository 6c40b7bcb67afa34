//! Visibility: a draft, a scheduled article and a withdrawn one that was never
//! public, each with a quote, leave no trace for anonymous clients and partners on
//! any route: every response is the same as before they existed.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, spawn_app};
use crate::webhooks::{Receiver, spawn_app_delivering_locally, subscribe};

/// Distinctive words, one per hidden article: in its id, headline, body and quote.
const WORDS: [(&str, &str); 3] = [
    ("draft", "vexillary"),
    ("scheduled", "quodlibet"),
    ("withdrawn", "zugzwang"),
];

/// What an anonymous client or a partner can read, with the links to the hidden
/// articles' participant, event, topic and speaker.
const ROUTES: &[&str] = &[
    "/v1/articles?limit=100&count=true&facet=topic,participant,event&include=quotes,participants,events,topics",
    "/v1/articles?limit=100&q=vexillary%20OR%20quodlibet%20OR%20zugzwang",
    "/v1/articles?limit=100&status=draft&status=scheduled&status=withdrawn",
    "/v1/quotes?limit=100&count=true&facet=speaker,topic,event&include=article,speaker",
    "/v1/quotes?limit=100&speaker=aleksandr-lukashenko&q=vexillary%20OR%20quodlibet%20OR%20zugzwang",
    "/v1/participants/belarus/articles?limit=100&count=true",
    "/v1/participants/aleksandr-lukashenko/quotes?limit=100&count=true",
    "/v1/participants/belarus/timeline?limit=100&count=true&facet=type",
    "/v1/participants/aleksandr-lukashenko/timeline?limit=100&count=true&facet=type",
    "/v1/articles/lukashenko-at-sco-summit-astana?include=quotes,participants,events,topics",
    "/v1/quotes/lukashenko-wonderful-gift?include=article,speaker",
    "/v1/participants/belarus?format=jsonld",
    "/v1/events/sco-summit-astana-2024/articles?limit=100&count=true",
    "/v1/events/sco-summit-astana-2024/quotes?limit=100&count=true",
    "/v1/events/sco-summit-astana-2024/timeline?limit=100&count=true&facet=type",
    "/v1/events/sco-summit-astana-2024?format=jsonld",
    "/v1/quotes?article=secret-vexillary&article=secret-quodlibet&article=secret-zugzwang&count=true",
    "/v1/articles?participant=belarus&event=sco-summit-astana-2024&count=true&facet=topic",
    "/v1/topics?limit=100",
    "/v1/topics/international-standing",
    "/v1/search?q=vexillary%20OR%20quodlibet%20OR%20zugzwang&count=true&facet=type",
    "/v1/search?q=belarus&limit=100&count=true&facet=type",
    "/v1/feeds/articles.rss",
    "/v1/feeds/articles.atom",
    "/v1/feeds/articles.json",
    "/v1/feeds/quotes.rss?participant=aleksandr-lukashenko",
    "/v1/feeds/quotes.json",
    "/v1/changes?limit=1000",
];

/// Creates the article `id` as a draft with a quote whose text holds `word`, then
/// gives it `status` (a scheduled one is published in the far future).
async fn hidden_article(app: &TestApp, key: &str, id: &str, word: &str, status: &str) {
    let article = json!({
        "id": id, "headline": format!("Secret {word} talks"), "dateline": {"date": "2024-07-05"},
        "status": "draft", "published_at": "2024-07-05T10:00:00Z", "summary": format!("The {word} plan."),
        "participants": ["belarus"], "events": ["sco-summit-astana-2024"], "topics": ["international-standing"],
        "body": [{"type": "paragraph", "text": format!("Nobody knows of {word} yet.")}]
    });
    let reply = app.write("POST", "/v1/articles", key, &article).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let quote = json!({
        "id": format!("{id}-quote"), "text": format!("The {word} is near."), "speaker": "aleksandr-lukashenko",
        "article": id, "event": "sco-summit-astana-2024", "topic": "international-standing", "said_on": "2024-07-05"
    });
    let reply = app.write("POST", "/v1/quotes", key, &quote).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let change = match status {
        "scheduled" => json!({"status": "scheduled", "published_at": "2999-01-01T00:00:00Z"}),
        other => json!({"status": other}),
    };
    let path = format!("/v1/articles/{id}");
    let reply = app.write("PATCH", &path, key, &change).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

/// Every route's status and body, as `auth` (none, or a partner's key) reads it.
async fn snapshot(app: &TestApp, auth: &[(&str, &str)]) -> Vec<(String, u16, String)> {
    let mut all = Vec::new();
    for route in ROUTES {
        let reply = app.request("GET", route, auth).await;
        let body = String::from_utf8_lossy(&reply.body).into_owned();
        // Filtering by status is for editors.
        let expected = if route.contains("status=") { 403 } else { 200 };
        assert_eq!(reply.status, expected, "{route}: {body}");
        let seen = if route.starts_with("/v1/search") {
            ranked_set(&body)
        } else {
            let etag = reply.header("etag").unwrap_or("");
            format!("{etag} {body}")
        };
        all.push((route.to_string(), reply.status.as_u16(), seen));
    }
    all
}

/// Search hits without their scores, by id: BM25 weighs terms over the whole
/// index, drafts included, so scores (and so the order of close hits) may move
/// when a draft is written. SECURITY.md lists this; which hits, their text,
/// counts and facets must not move.
fn ranked_set(body: &str) -> String {
    let mut page: Value = serde_json::from_str(body).unwrap();
    let mut hits = page["data"].as_array().cloned().unwrap_or_default();
    for hit in &mut hits {
        hit.as_object_mut().unwrap().remove("score");
    }
    hits.sort_by_key(|h| h["id"].to_string());
    page["data"] = Value::Array(hits);
    page.to_string()
}

fn assert_no_trace(route: &str, body: &str) {
    let lower = body.to_lowercase();
    for (_, word) in WORDS {
        assert!(!lower.contains(word), "{route} shows `{word}`: {body}");
    }
}

#[actix_web::test]
async fn what_was_never_public_leaves_no_trace() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let editor = app.key(Role::Editor, "desk");
    let partner = format!("Bearer {}", app.key(Role::Partner, "mirror"));
    let receiver = Receiver::default();
    subscribe(&app, &editor, &receiver.start(), json!([])).await;
    let readers: [&[(&str, &str)]; 2] = [&[], &[("Authorization", &partner)]];
    let mut before = Vec::new();
    for auth in readers {
        before.push(snapshot(&app, auth).await);
    }

    for (status, word) in WORDS {
        hidden_article(&app, &editor, &format!("secret-{word}"), word, status).await;
    }
    let unknown = assert_problem(&app.get("/v1/articles/no-such-article/quotes").await, 404);
    for (i, auth) in readers.into_iter().enumerate() {
        let after = snapshot(&app, auth).await;
        for ((route, status, body), old) in after.iter().zip(&before[i]) {
            assert_no_trace(route, body);
            assert_eq!(
                &(route.clone(), *status, body.clone()),
                old,
                "{route} changed"
            );
        }
        for (_, word) in WORDS {
            let article = format!("/v1/articles/secret-{word}");
            for path in [
                article.clone(),
                format!("{article}/quotes"),
                format!("{article}/participants"),
                format!("{article}/events"),
                format!("{article}?format=jsonld"),
                format!("/v1/quotes/secret-{word}-quote"),
                format!("/v1/quotes/secret-{word}-quote?format=jsonld"),
            ] {
                let reply = app.request("GET", &path, auth).await;
                let problem = assert_problem(&reply, 404);
                assert_eq!(problem["type"], unknown["type"], "{path}");
                assert_eq!(problem["title"], unknown["title"], "{path}");
            }
        }
    }

    // Webhooks see the public history too: a public change made after the hidden
    // ones arrives first and alone.
    app.write(
        "PATCH",
        "/v1/participants/belarus",
        &editor,
        &json!({"aliases": ["Republic of Belarus"]}),
    )
    .await;
    let received = receiver.wait_for(1).await;
    assert_eq!(received.len(), 1, "only the public change is delivered");
    let body: Value = serde_json::from_slice(&received[0].2).unwrap();
    assert_eq!(body["change"]["id"], "belarus");
    assert_no_trace("webhook", &String::from_utf8_lossy(&received[0].2));

    // Editors see the drafts, and the whole log.
    let auth = format!("Bearer {editor}");
    let log = app
        .request("GET", "/v1/changes?limit=1000", &[("Authorization", &auth)])
        .await;
    let log = String::from_utf8_lossy(&log.body).into_owned();
    for (_, word) in WORDS {
        assert!(
            log.contains(&format!("secret-{word}")),
            "editors see {word}"
        );
        let reply = app
            .request(
                "GET",
                &format!("/v1/articles/secret-{word}/quotes"),
                &[("Authorization", &auth)],
            )
            .await;
        assert_eq!(reply.status, 200);
    }
}

/// A server, an editor key, and where its public log ends.
async fn at_end_of_log() -> (TestApp, String, i64) {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let start = app.get_ok("/v1/changes?limit=1000").await["page"]["next_cursor"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    (app, editor, start)
}

/// Changes of the public history since `since`, as (operation, reason, tombstone).
async fn public_changes(app: &TestApp, since: i64, id: &str) -> Vec<(String, String, bool)> {
    let page = app
        .get_ok(&format!(
            "/v1/changes?since={since}&type=article&limit=1000"
        ))
        .await;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == id)
        .map(|e| {
            (
                e["operation"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap().to_owned(),
                e["tombstone"] == true,
            )
        })
        .collect()
}

#[actix_web::test]
async fn an_article_enters_the_public_log_when_published_and_leaves_with_a_reason() {
    let (app, editor, start) = at_end_of_log().await;
    hidden_article(&app, &editor, "secret-merger", "merger", "draft").await;
    let path = "/v1/articles/secret-merger";
    app.write(
        "PATCH",
        path,
        &editor,
        &json!({"summary": "Still a draft."}),
    )
    .await;
    assert!(
        public_changes(&app, start, "secret-merger")
            .await
            .is_empty()
    );
    app.write("PATCH", path, &editor, &json!({"status": "published"}))
        .await;
    app.write("PATCH", path, &editor, &json!({"status": "draft"}))
        .await;
    app.write("PATCH", path, &editor, &json!({"status": "published"}))
        .await;
    app.write(
        "PATCH",
        path,
        &editor,
        &json!({"status": "scheduled", "published_at": "2999-01-01T00:00:00Z"}),
    )
    .await;
    app.write(
        "PATCH",
        path,
        &editor,
        &json!({"status": "published", "published_at": "2024-07-06T00:00:00Z"}),
    )
    .await;
    app.write("PATCH", path, &editor, &json!({"status": "withdrawn"}))
        .await;
    let seen = public_changes(&app, start, "secret-merger").await;
    let seen: Vec<(&str, &str)> = seen
        .iter()
        .map(|(o, r, _)| (o.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("create", "published"),
            ("update", "unpublished"),
            ("create", "published"),
            ("update", "unpublished"),
            ("create", "published"),
            ("update", "withdrawn"),
        ]
    );
}

#[actix_web::test]
async fn a_scheduled_article_enters_the_public_log_when_it_falls_due() {
    let (app, editor, start) = at_end_of_log().await;
    hidden_article(&app, &editor, "secret-soon", "soon", "draft").await;
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let reply = app
        .write(
            "PATCH",
            "/v1/articles/secret-soon",
            &editor,
            &json!({"status": "scheduled", "published_at": soon}),
        )
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(public_changes(&app, start, "secret-soon").await.is_empty());
    for _ in 0..100 {
        let seen = public_changes(&app, start, "secret-soon").await;
        if !seen.is_empty() {
            assert_eq!(seen, [("create".to_owned(), "published".to_owned(), false)]);
            let quotes = app
                .get_ok(&format!("/v1/changes?since={start}&type=quote"))
                .await;
            assert_eq!(quotes["data"][0]["id"], "secret-soon-quote");
            assert_eq!(quotes["data"][0]["operation"], "create");
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the scheduled article never appeared");
}
