//! The response cache drops what a write makes stale, by the surrogate keys a
//! shared cache is purged by, and keeps the rest: after a write returns, no
//! anonymous read of anything it changed (the resource, the lists and searches that
//! hold it, its feeds) answers with the old version.

use crate::helpers::{Role, TestApp, spawn_app};

const GUTERRES: &str = "/v1/articles/lukashenko-meets-antonio-guterres";
const XI: &str = "/v1/articles/lukashenko-meets-xi-jinping-astana";
/// Holds the Guterres article.
const ITS_TOPIC: &str = "/v1/articles?topic=belarus-un-cooperation&fields=summary";
/// Does not hold it, until a write files it there.
const OTHER_TOPIC: &str = "/v1/articles?topic=belarus-china-relations&fields=summary";
const SEARCH: &str = "/v1/articles?q=Guterres&fields=summary";
const FEED: &str = "/v1/feeds/articles.rss";
const LIST: &str = "/v1/articles?fields=summary";
const QUOTE: &str = "/v1/quotes/lukashenko-wonderful-gift";
const PERSON: &str = "/v1/participants/xi-jinping";

/// Asks for `path` until the cache keeps it (from the second request on).
async fn warm(app: &TestApp, path: &str) {
    for _ in 0..2 {
        assert_eq!(app.get(path).await.status, 200, "{path}");
    }
    assert_eq!(app.get(path).await.header("x-cache"), Some("hit"), "{path}");
}

/// Merge-patches `path` as an editor; the write has returned when this does.
async fn patch(app: &TestApp, key: &str, path: &str, json: serde_json::Value) {
    let reply = app.write("PATCH", path, key, &json).await;
    let body = String::from_utf8_lossy(&reply.body);
    assert_eq!(reply.status, 200, "{body}");
}

async fn cached(app: &TestApp, path: &str) -> (String, String) {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "{path}");
    (
        reply.header("x-cache").unwrap_or("").to_owned(),
        String::from_utf8_lossy(&reply.body).into_owned(),
    )
}

#[actix_web::test]
async fn a_write_drops_what_depends_on_it_and_keeps_the_rest() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    for path in [GUTERRES, XI, QUOTE, PERSON, ITS_TOPIC, SEARCH, FEED, LIST] {
        warm(&app, path).await;
    }
    patch(
        &app,
        &key,
        GUTERRES,
        serde_json::json!({"summary": "Fresh from the desk."}),
    )
    .await;

    // Everything that holds the article answers with the new version at once.
    for path in [GUTERRES, ITS_TOPIC, SEARCH, LIST, FEED] {
        let (cache, body) = cached(&app, path).await;
        assert_eq!(cache, "miss", "{path}");
        assert!(body.contains("Fresh from the desk."), "{path}: {body}");
    }
    // Another article, a quote of another article, a participant stay cached.
    for path in [XI, QUOTE, PERSON] {
        let (cache, body) = cached(&app, path).await;
        assert_eq!(cache, "hit", "{path}");
        assert!(!body.contains("Fresh from the desk."), "{path}");
    }
}

#[actix_web::test]
async fn an_article_filed_under_another_topic_leaves_the_old_list_and_joins_the_new() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    warm(&app, ITS_TOPIC).await;
    warm(&app, OTHER_TOPIC).await;
    let (_, before) = cached(&app, OTHER_TOPIC).await;
    assert!(!before.contains("lukashenko-meets-antonio-guterres"));

    let topics = serde_json::json!({"topics": ["belarus-china-relations"]});
    patch(&app, &key, GUTERRES, topics).await;

    let (cache, joined) = cached(&app, OTHER_TOPIC).await;
    assert_eq!(cache, "miss");
    assert!(
        joined.contains("lukashenko-meets-antonio-guterres"),
        "{joined}"
    );
    let (cache, left) = cached(&app, ITS_TOPIC).await;
    assert_eq!(cache, "miss");
    assert!(
        !left.contains("lukashenko-meets-antonio-guterres"),
        "{left}"
    );
}

#[actix_web::test]
async fn a_changed_quote_drops_its_article() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let article = "/v1/articles/lukashenko-at-sco-summit-astana?include=quotes";
    warm(&app, article).await;
    let quote = "/v1/quotes/lukashenko-wonderful-gift";
    let text = serde_json::json!({"text": "A wonderful gift, said the head of state."});
    patch(&app, &key, quote, text).await;
    let (cache, body) = cached(&app, article).await;
    assert_eq!(cache, "miss");
    assert!(body.contains("A wonderful gift, said the head of state."));
}

#[actix_web::test]
async fn an_edit_keeps_the_lists_filtered_on_relations_the_article_lacks() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    // Neither names the Guterres article; the plain list and its own topic's do.
    let xi_person = "/v1/articles?participant=xi-jinping&fields=summary";
    let xi_event = "/v1/events/lukashenko-xi-meeting-2024/articles?fields=summary";
    for path in [OTHER_TOPIC, xi_person, xi_event, ITS_TOPIC, LIST] {
        warm(&app, path).await;
    }
    let summary = serde_json::json!({"summary": "Fresh from the desk."});
    patch(&app, &key, GUTERRES, summary).await;
    for path in [OTHER_TOPIC, xi_person, xi_event] {
        assert_eq!(cached(&app, path).await.0, "hit", "{path}");
    }
    for path in [ITS_TOPIC, LIST] {
        let (cache, body) = cached(&app, path).await;
        assert_eq!(cache, "miss", "{path}");
        assert!(body.contains("Fresh from the desk."), "{path}");
    }
}
