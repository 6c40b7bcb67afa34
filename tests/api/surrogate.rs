//! Surrogate keys: responses name what they depend on, changes name what they make
//! stale, and a shared cache that drops exactly those never serves an old state.

use std::collections::{BTreeMap, BTreeSet};

use newsdesk::http::surrogate::purged_by;
use newsdesk::storage::Db;
use newsdesk::storage::changes;
use newsdesk::storage::visibility::Visibility;
use serde_json::json;

use crate::changes::{Dice, random_write};
use crate::helpers::{ARTICLES, Reply, Role, TestApp, spawn_app};

fn keys(reply: &Reply) -> BTreeSet<String> {
    let xkey: BTreeSet<String> = reply
        .headers
        .get_all("xkey")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(' ').map(str::to_owned))
        .collect();
    let surrogate: BTreeSet<String> = reply
        .header("surrogate-key")
        .map(|v| v.split(' ').map(str::to_owned).collect())
        .unwrap_or_default();
    assert_eq!(xkey, surrogate, "both headers carry the same keys");
    xkey
}

/// The keys the changes after `since` purge, as the primary sends them, and the
/// newest sequence number.
fn purged_since(app: &TestApp, since: i64) -> (BTreeSet<String>, i64) {
    let db = Db::open(&app.dir.path().join("newsdesk.db"), 1).expect("database opens");
    let rows = db
        .read_blocking(|conn| changes::list(conn, since, &[], 10_000, Visibility::Everything))
        .expect("the log reads");
    let last = rows.last().map_or(since, |c| c.seq);
    (rows.iter().flat_map(purged_by).collect(), last)
}

#[actix_web::test]
async fn responses_name_their_resource_what_they_list_and_include_and_their_collection() {
    let app = spawn_app().await;
    let id = ARTICLES[0];
    let one = app.get(&format!("/v1/articles/{id}?include=quotes")).await;
    let ks = keys(&one);
    assert!(ks.contains(&format!("article:{id}")), "{ks:?}");
    for q in one.json()["data"]["quotes"].as_array().unwrap() {
        assert!(ks.contains(&format!("quote:{}", q.as_str().unwrap())));
    }
    let list = app.get("/v1/articles?include=participants").await;
    let ks = keys(&list);
    assert!(ks.contains("articles"));
    for a in list.json()["data"].as_array().unwrap() {
        assert!(ks.contains(&format!("article:{}", a["id"].as_str().unwrap())));
    }
    for p in list.json()["included"]["participants"].as_array().unwrap() {
        assert!(ks.contains(&format!("participant:{}", p["id"].as_str().unwrap())));
    }
    let under = app.get(&format!("/v1/articles/{id}/quotes")).await;
    assert!(keys(&under).is_superset(&[format!("article:{id}"), "quotes".into()].into()));
    for (path, key) in [
        ("/v1/feeds/articles.json", "articles"),
        ("/sitemap.xml", "articles"),
        ("/v1/search?q=summit", "quotes"),
        ("/v1/changes", "changes"),
    ] {
        assert!(keys(&app.get(path).await).contains(key), "{path}");
    }
    // Not cacheable by a shared cache: nothing to name.
    let missing = app.get("/v1/articles/no-such-article").await;
    assert_eq!(missing.status, 404);
    assert!(keys(&missing).is_empty());
}

#[actix_web::test]
async fn an_edit_purges_what_shows_the_article_and_not_what_does_not() {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let (_, since) = purged_since(&app, 0);
    let id = ARTICLES[0];
    let edited = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &editor,
            &json!({"summary": "A new summary."}),
        )
        .await;
    assert_eq!(edited.status, 200);
    let (purged, _) = purged_since(&app, since);
    let showing = app.get("/v1/articles?include=quotes").await;
    assert!(!keys(&showing).is_disjoint(&purged));
    let unrelated = app.get("/v1/events").await;
    assert!(keys(&unrelated).is_disjoint(&purged), "{purged:?}");
    // A new quote changes the article that lists it, though the article was not written.
    let (_, since) = purged_since(&app, 0);
    let before = app.get(&format!("/v1/articles/{}", ARTICLES[1])).await;
    let quote = app
        .write(
            "POST",
            "/v1/quotes",
            &editor,
            &json!({"id": "a-new-quote", "text": "Words.", "speaker": "aleksandr-lukashenko",
                    "article": ARTICLES[1], "said_on": "2024-07-05"}),
        )
        .await;
    assert_eq!(
        quote.status,
        201,
        "{}",
        String::from_utf8_lossy(&quote.body)
    );
    let (purged, _) = purged_since(&app, since);
    assert!(!keys(&before).is_disjoint(&purged), "{purged:?}");
}

/// What a shared cache would serve: every response a probe got, until a purge
/// names one of its keys.
struct SharedCache(BTreeMap<String, (Vec<u8>, BTreeSet<String>)>);

fn probes() -> Vec<String> {
    let mut paths: Vec<String> = [
        "/v1/articles",
        "/v1/articles?include=quotes,participants,events,topics",
        "/v1/articles?facet=participant,topic,event",
        "/v1/articles?sort=-updated_at",
        "/v1/quotes",
        "/v1/quotes?include=speaker,article,event,topic",
        "/v1/quotes?facet=speaker",
        "/v1/participants",
        "/v1/participants?include=affiliation",
        "/v1/participants/belarus",
        "/v1/participants/belarus/articles",
        "/v1/participants/aleksandr-lukashenko/quotes",
        "/v1/participants/aleksandr-lukashenko/timeline",
        "/v1/events",
        "/v1/events/sco-summit-astana-2024",
        "/v1/events/sco-summit-astana-2024/subevents",
        "/v1/events/sco-summit-astana-2024?format=jsonld",
        "/v1/topics",
        "/v1/search?q=story",
        "/v1/search?q=person",
        "/v1/feeds/articles.json",
        "/v1/feeds/quotes.json",
        "/sitemap.xml",
        "/v1/changes",
    ]
    .map(str::to_owned)
    .to_vec();
    for n in 0..6 {
        paths.push(format!("/v1/articles/story-{n}"));
        paths.push(format!("/v1/articles/story-{n}?format=jsonld"));
        paths.push(format!("/v1/articles/story-{n}/quotes"));
        paths.push(format!("/v1/articles/story-{n}/participants"));
        paths.push(format!("/v1/quotes/story-{n}-quote?include=article"));
        paths.push(format!("/v1/participants/person-{n}"));
        paths.push(format!("/v1/events/event-{n}"));
        paths.push(format!("/v1/events/event-{n}/quotes"));
    }
    paths
}

#[actix_web::test]
async fn a_cache_purged_by_the_changes_never_serves_an_old_state() {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let mut cache = SharedCache(BTreeMap::new());
    let (_, mut since) = purged_since(&app, 0);
    let mut dice = Dice(4242);
    let (mut kept, mut dropped) = (0, 0);
    for step in 0..120 {
        for path in probes() {
            let reply = app.get(&path).await;
            let fresh = (reply.status == 200).then(|| reply.body.clone());
            if let Some((body, _)) = cache.0.get(&path) {
                kept += 1;
                assert!(
                    fresh.as_ref() == Some(body),
                    "step {step}: {path} changed but no purge named its keys"
                );
            } else if let Some(body) = fresh {
                let ks = keys(&reply);
                if !ks.is_empty() {
                    cache.0.insert(path, (body, ks));
                }
            }
        }
        random_write(&app, &editor, &mut dice, step).await;
        let (purged, last) = purged_since(&app, since);
        since = last;
        cache.0.retain(|_, (_, ks)| {
            let keep = ks.is_disjoint(&purged);
            dropped += usize::from(!keep);
            keep
        });
    }
    // The run proves something only if the cache both served and dropped.
    assert!(
        kept > 1000 && dropped > 100,
        "kept {kept}, dropped {dropped}"
    );
}
