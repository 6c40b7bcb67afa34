//! Surrogate keys: responses name what they depend on, changes name what they make
//! stale, and a shared cache that drops exactly those never serves an old state.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use newsdesk::http::surrogate::purged_by;
use newsdesk::storage::Db;
use newsdesk::storage::changes;
use newsdesk::storage::visibility::Visibility;
use serde_json::json;

use crate::changes::{Dice, random_write};
use crate::helpers::{ARTICLES, Reply, Role, TestApp, new_article, spawn_app, spawn_app_with};

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

/// The scores a ranked search reads, by id.
async fn scores(app: &TestApp, path: &str) -> Vec<(String, f64)> {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "{path}");
    reply.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["id"].as_str().unwrap().to_owned(),
                hit["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_ranking_moves_only_with_the_words_it_searches_for() {
    // Computed afresh each time: no response cache.
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| s.response_cache_mb = 0).await;
    let editor = app.key(Role::Editor, "desk");
    let search = "/v1/search?q=belarus&type=article&limit=50";
    let before = scores(&app, search).await;
    assert!(before.len() > 2, "{before:?}");
    // Hits and non-hits alike get a new summary without the word, many times over:
    // each edit replaces a document of the index and leaves a deleted one behind.
    let summaries = app
        .get("/v1/articles?limit=100&fields=id,summary")
        .await
        .json();
    let unsaid: Vec<&str> = summaries["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            !a["summary"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains("belarus")
        })
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(
        unsaid
            .iter()
            .any(|id| before.iter().any(|(hit, _)| hit == id)),
        "a hit whose summary does not say the word: {unsaid:?}"
    );
    for round in 0..3 {
        for id in &unsaid {
            let summary = format!("Revised, round {round}, at some greater length than before.");
            let edited = app
                .write(
                    "PATCH",
                    &format!("/v1/articles/{id}"),
                    &editor,
                    &json!({"summary": summary}),
                )
                .await;
            assert_eq!(edited.status, 200);
        }
        assert_eq!(scores(&app, search).await, before, "round {round}");
    }
    // An edit that names the word moves its article.
    let (hit, _) = &before[before.len() - 1];
    app.write(
        "PATCH",
        &format!("/v1/articles/{hit}"),
        &editor,
        &json!({"headline": "Belarus, Belarus, Belarus"}),
    )
    .await;
    assert_ne!(scores(&app, search).await, before);
}

#[actix_web::test]
async fn an_edit_in_place_keeps_the_lists_and_searches_it_cannot_change() {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let first = |reply: &Reply| reply.json()["data"][0]["id"].as_str().map(str::to_owned);
    let lists = [
        app.get("/v1/articles?limit=1&fields=id").await,
        app.get("/v1/articles?participant=aleksandr-lukashenko&limit=1&fields=id")
            .await,
    ];
    let firsts: Vec<_> = lists.iter().map(first).collect();
    let id = *ARTICLES
        .iter()
        .find(|a| !firsts.contains(&Some(a.to_string())))
        .expect("an article first in neither list");
    // Searches for words the edit does not touch, in date order and ranked.
    let elsewhere = [
        app.get("/v1/articles?q=zebra&sort=-published_at").await,
        app.get("/v1/articles?q=zebra").await,
        app.get("/v1/search?q=zebra").await,
    ];
    let found = app
        .get("/v1/articles?q=harbourmaster&sort=-published_at")
        .await;
    let ranked = app.get("/v1/articles?q=harbourmaster").await;
    let updated = app
        .get("/v1/articles?sort=-updated_at&limit=1&fields=id")
        .await;
    let everything = app.get("/v1/search?q=harbourmaster").await;
    let (_, since) = purged_since(&app, 0);
    let edited = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &editor,
            &json!({"summary": "A harbourmaster speaks."}),
        )
        .await;
    assert_eq!(edited.status, 200);
    let (purged, since) = purged_since(&app, since);
    assert!(purged.contains(&format!("article:{id}")));
    // Neither shows it, and the edit moved it in no list.
    for list in &lists {
        assert!(keys(list).is_disjoint(&purged), "{purged:?}");
    }
    for search in &elsewhere {
        assert!(keys(search).is_disjoint(&purged), "{purged:?}");
    }
    for moved in [&found, &ranked, &updated, &everything] {
        assert!(!keys(moved).is_disjoint(&purged), "{purged:?}");
    }
    assert_eq!(
        first(&app.get("/v1/articles?q=harbourmaster").await),
        Some(id.to_owned())
    );
    // A new time moves it: the lists go.
    let moved = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &editor,
            &json!({"published_at": "2024-07-01T01:00:00Z"}),
        )
        .await;
    assert_eq!(moved.status, 200);
    let (purged, _) = purged_since(&app, since);
    for list in &lists {
        assert!(!keys(list).is_disjoint(&purged), "{purged:?}");
    }
}

#[actix_web::test]
async fn an_edit_moves_a_one_word_search_only_when_its_article_reaches_the_page() {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let mut ids = Vec::new();
    // The word alone in the first headline; once among thirty in the second, which
    // scores less than half as much.
    let long = "Zanzibarite, once, in a headline about the many other things the summit \
        in Astana also discussed at length, from trade and transport to the grain \
        corridor, energy, customs and visas";
    for headline in ["Zanzibarite", long] {
        let created = app
            .write(
                "POST",
                "/v1/articles",
                &editor,
                &new_article(headline, "published"),
            )
            .await;
        assert_eq!(created.status, 201);
        ids.push(created.json()["data"]["id"].as_str().unwrap().to_owned());
    }
    let search = "/v1/articles?q=zanzibarite&limit=1&fields=id";
    let page = app.get(search).await;
    assert_eq!(page.json()["data"][0]["id"], ids[0].as_str());
    let ks = keys(&page);
    // The full page names the word's counts and the scores that reach it, not its
    // every occurrence.
    assert!(ks.contains("articles:df=zanzibarite"), "{ks:?}");
    assert!(!ks.contains("articles:term=zanzibarite"), "{ks:?}");
    let (_, since) = purged_since(&app, 0);
    // The second article, its headline longer still: it scores less, off the page.
    let path = format!("/v1/articles/{}", ids[1]);
    let longer = format!("{long}, and the next meeting");
    let edited = app
        .write("PATCH", &path, &editor, &json!({"headline": longer}))
        .await;
    assert_eq!(edited.status, 200);
    let (purged, since) = purged_since(&app, since);
    assert!(purged.contains("articles:term=zanzibarite"), "{purged:?}");
    assert!(ks.is_disjoint(&purged), "{purged:?}");
    assert_eq!(app.get(search).await.body, page.body);
    // Its headline the word twice: it scores more than the first, and the page goes.
    let twice = "Zanzibarite, zanzibarite";
    let edited = app
        .write("PATCH", &path, &editor, &json!({"headline": twice}))
        .await;
    assert_eq!(edited.status, 200);
    let (purged, _) = purged_since(&app, since);
    assert!(!ks.is_disjoint(&purged), "{purged:?}");
    assert_eq!(
        app.get(search).await.json()["data"][0]["id"],
        ids[1].as_str()
    );
}

const MOVING_TOPICS: [&str; 4] = [
    "sco-membership",
    "food-security",
    "belarus-china-relations",
    "belarus-un-cooperation",
];
const MOVING_PARTICIPANTS: [&str; 3] = ["xi-jinping", "antonio-guterres", "brazil"];
const MOVING_EVENTS: [&str; 2] = [
    "lukashenko-xi-meeting-2024",
    "lukashenko-guterres-meeting-2024",
];

/// Moves an article between topics, participants and events (a refusal, of a
/// missing article or participant, is fine).
async fn move_article(app: &TestApp, key: &str, dice: &mut Dice) {
    let n = dice.roll(6);
    let article = match n {
        0..3 => ARTICLES[n].to_owned(),
        _ => format!("story-{n}"),
    };
    let some = |dice: &mut Dice, from: &[&str]| -> Vec<String> {
        from.iter()
            .filter(|_| dice.roll(3) == 0)
            .map(|s| s.to_string())
            .collect()
    };
    let body = json!({
        "topics": some(dice, &MOVING_TOPICS),
        "participants": some(dice, &MOVING_PARTICIPANTS),
        "events": some(dice, &MOVING_EVENTS),
    });
    let reply = app
        .write("PATCH", &format!("/v1/articles/{article}"), key, &body)
        .await;
    assert!(reply.status.as_u16() < 500, "{body}");
}

/// The words the text edits write and the searches look for.
const WORDS: [&str; 5] = ["harbour", "grain", "corridor", "story", "Grains"];

/// Rewrites an article's headline, summary or body with a few of [`WORDS`]: a
/// write in place, which moves no list but may move searches.
async fn edit_text(app: &TestApp, key: &str, dice: &mut Dice) {
    let n = dice.roll(6);
    let article = match n {
        0..3 => ARTICLES[n].to_owned(),
        _ => format!("story-{n}"),
    };
    let words: Vec<&str> = (0..1 + dice.roll(3)).map(|_| WORDS[dice.roll(5)]).collect();
    let text = words.join(" ");
    let body = match dice.roll(3) {
        0 => json!({"headline": format!("Story {n}: {text}")}),
        1 => json!({"summary": text}),
        _ => json!({"body": [{"type": "paragraph", "text": text}]}),
    };
    let reply = app
        .write("PATCH", &format!("/v1/articles/{article}"), key, &body)
        .await;
    assert!(reply.status.as_u16() < 500, "{body}");
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
        "/v1/search?q=grain",
        // Searches of articles, ranked and in date order: what a text edit moves.
        "/v1/articles?q=harbour",
        "/v1/articles?q=harbour&limit=1&fields=id",
        "/v1/articles?q=grain&limit=1&fields=id",
        "/v1/articles?q=story&limit=2&fields=id",
        "/v1/articles?q=corridor&limit=1&fields=id,headline",
        "/v1/articles?q=corridor%20story&limit=1&fields=id",
        "/v1/articles?q=harbour&sort=-published_at&count=true",
        "/v1/articles?q=grain%20story&fields=id",
        "/v1/articles?q=grain%20story&sort=published_at&fields=id",
        "/v1/articles?q=%22grain%20corridor%22&sort=-published_at",
        "/v1/articles?q=corridor%20OR%20harbour&sort=-published_at&limit=2",
        "/v1/articles?q=gra*&sort=-published_at&fields=id",
        "/v1/articles?q=%22story%20gra%22*&fields=id",
        "/v1/articles?q=story&sort=-published_at&limit=1&count=true&fields=id",
        "/v1/articles?q=grains&sort=-updated_at&fields=id,updated_at",
        "/v1/articles?updated_after=2024-01-01&fields=id,updated_at",
        "/v1/articles?sort=updated_at&limit=3&fields=id",
        "/v1/articles?fields=id,headline,summary",
        "/v1/articles?topic=sco-membership&fields=id,headline",
        "/v1/feeds/articles.json",
        "/v1/feeds/quotes.json",
        "/sitemap.xml",
        "/sitemaps/articles-1.xml",
        "/sitemap-news.xml",
        "/v1/changes",
        // Lists narrowed by one relation, and lists that mix filters (kept broad).
        "/v1/articles?topic=food-security&topic=belarus-un-cooperation",
        "/v1/articles?topic=sco-membership&participant=xi-jinping",
        "/v1/articles?topic=belarus-china-relations&facet=participant&count=true",
        "/v1/articles?participant=xi-jinping&participant=person-1",
        "/v1/articles?event=lukashenko-xi-meeting-2024&published_after=2024-01-01",
        "/v1/events/lukashenko-xi-meeting-2024/articles",
        "/v1/participants/antonio-guterres/articles",
    ]
    .map(str::to_owned)
    .to_vec();
    for topic in MOVING_TOPICS {
        paths.push(format!("/v1/articles?topic={topic}"));
        // Counts what it does not show: only the purge of the topic's key, before
        // and after the write, drops it when an article leaves or joins.
        paths.push(format!("/v1/articles?topic={topic}&limit=1&count=true"));
    }
    for participant in MOVING_PARTICIPANTS {
        paths.push(format!("/v1/articles?participant={participant}"));
    }
    for event in MOVING_EVENTS {
        paths.push(format!("/v1/articles?event={event}"));
    }
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
    // The server's own response cache off: it is purged by the same keys, so it
    // would serve the same old state and hide a missing purge.
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| s.response_cache_mb = 0).await;
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
        move_article(&app, &editor, &mut dice).await;
        edit_text(&app, &editor, &mut dice).await;
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

/// A cache's purge endpoint: records the keys of each `PURGE`, failing the first
/// `failures` of them.
#[derive(Clone, Default)]
struct PurgeReceiver {
    purges: Arc<Mutex<Vec<BTreeSet<String>>>>,
    failures: Arc<AtomicUsize>,
}

async fn take_purge(req: HttpRequest, rx: web::Data<PurgeReceiver>) -> HttpResponse {
    if req.method().as_str() != "PURGE" {
        return HttpResponse::MethodNotAllowed().finish();
    }
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("xkey-purge"), header("surrogate-key"));
    if rx.failures.load(Ordering::SeqCst) > 0 {
        rx.failures.fetch_sub(1, Ordering::SeqCst);
        return HttpResponse::ServiceUnavailable().finish();
    }
    let keys = header("xkey-purge")
        .unwrap_or("")
        .split(' ')
        .map(str::to_owned);
    rx.purges.lock().unwrap().push(keys.collect());
    HttpResponse::Ok().finish()
}

impl PurgeReceiver {
    fn start(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let data = web::Data::new(self.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(take_purge))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        url
    }

    /// Waits until a purge naming `key` has arrived `times` times; returns every key
    /// purged so far.
    async fn wait_for(&self, key: &str, times: usize) -> BTreeSet<String> {
        for _ in 0..1500 {
            let purges = self.purges.lock().unwrap().clone();
            if purges.iter().filter(|p| p.contains(key)).count() >= times {
                return purges.into_iter().flatten().collect();
            }
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no purge of {key}: {:?}", self.purges.lock().unwrap());
    }
}

#[actix_web::test]
async fn each_commit_purges_its_keys_at_the_caches_retried_and_again_later() {
    let rx = PurgeReceiver::default();
    rx.failures.store(2, Ordering::SeqCst);
    let url = rx.start();
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.purge_urls = vec![url];
        s.purge_again = 1;
    })
    .await;
    let editor = app.key(Role::Editor, "desk");
    let id = ARTICLES[0];
    let showing = keys(&app.get(&format!("/v1/articles/{id}")).await);
    let listing = keys(&app.get("/v1/articles?include=quotes").await);
    let unrelated = keys(&app.get("/v1/events").await);
    let edited = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &editor,
            &json!({"summary": "Purged."}),
        )
        .await;
    assert_eq!(edited.status, 200);
    // Two failures first, then the purge at once and the one a second later.
    let purged = rx.wait_for(&format!("article:{id}"), 2).await;
    assert!(!showing.is_disjoint(&purged) && !listing.is_disjoint(&purged));
    assert!(unrelated.is_disjoint(&purged), "{purged:?}");
    let (expected, _) = purged_since(&app, 0);
    assert!(purged.is_subset(&expected));
}

#[actix_web::test]
async fn scheduled_publication_purges_too() {
    let rx = PurgeReceiver::default();
    let url = rx.start();
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.purge_urls = vec![url];
        s.purge_again = 3600;
    })
    .await;
    let editor = app.key(Role::Editor, "desk");
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created = app
        .write(
            "PUT",
            "/v1/articles/coming-soon",
            &editor,
            &json!({"headline": "Coming soon", "dateline": {"date": "2024-07-05"},
                    "status": "scheduled", "published_at": at, "summary": "Soon.",
                    "body": [{"type": "paragraph", "text": "Soon."}]}),
        )
        .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    rx.wait_for("article:coming-soon", 1).await;
    let announced = rx.wait_for("article:coming-soon", 2).await;
    assert!(announced.contains("articles"));
}

#[actix_web::test]
async fn a_replica_purges_each_change_once_it_has_it() {
    let rx = PurgeReceiver::default();
    let url = rx.start();
    let primary = spawn_app().await;
    let editor = primary.key(Role::Editor, "desk");
    let db = primary.dir.path().join("newsdesk.db");
    let replica = spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.db = db;
        s.read_only = true;
        s.purge_urls = vec![url];
    })
    .await;
    let id = ARTICLES[2];
    let path = format!("/v1/articles/{id}");
    // The replica's own response cache holds the article, as a busy replica's would.
    for _ in 0..3 {
        replica.get(&path).await;
    }
    assert_eq!(replica.get(&path).await.header("x-cache"), Some("hit"));
    let edited = primary
        .write(
            "PATCH",
            &path,
            &editor,
            &json!({"summary": "Seen by the replica."}),
        )
        .await;
    assert_eq!(edited.status, 200);
    // The primary has no --purge-url here: this purge is the replica's.
    let purged = rx.wait_for(&format!("article:{id}"), 1).await;
    // In place: its words, not its collection.
    assert!(purged.contains("articles:holds=replica"), "{purged:?}");
    assert!(!purged.contains("articles"), "{purged:?}");
    // A cache in front refetches at once: the replica must not answer from what it
    // cached before the change, even if its follower has not looked yet.
    let served = replica.get(&path).await;
    assert_eq!(served.json()["data"]["summary"], "Seen by the replica.");
}
