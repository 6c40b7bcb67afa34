//! The changes feed: a partner that applies it from the start, page by page, ends
//! with exactly the content that the API serves.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, spawn_app};

/// A small deterministic generator, so a failure can be replayed.
pub(crate) struct Dice(pub u64);

impl Dice {
    pub(crate) fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Applies a random series of writes of every kind.
async fn random_writes(app: &TestApp, key: &str, seed: u64, count: usize) {
    let mut dice = Dice(seed);
    for step in 0..count {
        random_write(app, key, &mut dice, step).await;
    }
}

/// Applies one random write of any kind (refused ones included).
pub(crate) async fn random_write(app: &TestApp, key: &str, dice: &mut Dice, step: usize) {
    let auth = format!("Bearer {key}");
    {
        let n = dice.roll(6);
        let person = format!("/v1/participants/person-{n}");
        let article = format!("/v1/articles/story-{n}");
        let quote = format!("/v1/quotes/story-{n}-quote");
        let event = format!("/v1/events/event-{n}");
        let reply = match dice.roll(11) {
            0 => app.write("PUT", &person, key, &json!({"kind": "person", "name": format!("Person {n} v{step}")})).await,
            1 => app.request("DELETE", &person, &[("Authorization", &auth)]).await,
            2 => {
                let status = ["draft", "published", "withdrawn"][dice.roll(3)];
                app.write("PUT", &article, key, &json!({
                    "headline": format!("Story {n}"), "dateline": {"date": "2024-07-05"},
                    "status": status, "published_at": "2024-07-05T10:00:00Z", "summary": format!("v{step}"),
                    "participants": ["belarus"], "body": [{"type": "paragraph", "text": format!("Text {step}.")}]
                })).await
            }
            3 => {
                let status = ["draft", "published", "withdrawn"][dice.roll(3)];
                app.write("PATCH", &article, key, &json!({"status": status})).await
            }
            4 => app.write("PATCH", &article, key, &json!({"summary": format!("Corrected at {step}"), "correction_note": "Fixed."})).await,
            5 => app.request("DELETE", &article, &[("Authorization", &auth)]).await,
            6 => app.write("PUT", &quote, key, &json!({"text": format!("Said at {step}"), "speaker": "aleksandr-lukashenko",
                    "article": format!("story-{n}"), "said_on": "2024-07-05"})).await,
            7 => app.request("DELETE", &quote, &[("Authorization", &auth)]).await,
            8 => app.write("PUT", &event, key, &json!({"kind": "meeting", "title": format!("Event {n}"), "start_date": "2024-07-04",
                    "parent": "sco-summit-astana-2024"})).await,
            9 => app.request("DELETE", &event, &[("Authorization", &auth)]).await,
            _ => app.write("PATCH", "/v1/participants/belarus", key, &json!({"aliases": [format!("Republic of Belarus {step}")]})).await,
        };
        // Refusals (a delete of something missing, a quote of a missing article) are fine.
        assert!(
            reply.status.as_u16() < 500,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }
}

/// What the API serves: every resource of the four collections, by type and id.
pub(crate) async fn served(app: &TestApp) -> BTreeMap<(String, String), Value> {
    let mut all = BTreeMap::new();
    for (kind, path) in [
        ("article", "/v1/articles"),
        ("quote", "/v1/quotes"),
        ("participant", "/v1/participants"),
        ("event", "/v1/events"),
    ] {
        for item in app.walk(path, 100).await {
            all.insert(
                (kind.to_owned(), item["id"].as_str().unwrap().to_owned()),
                item,
            );
        }
    }
    all
}

/// A partner's mirror, fed from the changes feed in pages of `limit`.
pub(crate) async fn mirror(app: &TestApp, limit: u32) -> (BTreeMap<(String, String), Value>, i64) {
    let mut copy = BTreeMap::new();
    let mut since = String::new();
    let mut last_seq = 0;
    loop {
        let query = if since.is_empty() {
            format!("?limit={limit}")
        } else {
            format!("?since={since}&limit={limit}")
        };
        let page = app.get_ok(&format!("/v1/changes{query}")).await;
        for entry in page["data"].as_array().unwrap() {
            let seq = entry["seq"].as_i64().unwrap();
            assert!(seq > last_seq, "sequence numbers increase");
            last_seq = seq;
            assert!(
                entry.get("changed_by").is_none(),
                "key names are for editors"
            );
            let key = (
                entry["type"].as_str().unwrap().to_owned(),
                entry["id"].as_str().unwrap().to_owned(),
            );
            if entry["tombstone"] == true {
                assert_eq!(entry["data"], Value::Null);
                copy.remove(&key);
            } else {
                copy.insert(key, entry["data"].clone());
            }
        }
        since = page["page"]["next_cursor"].as_str().unwrap().to_owned();
        if page["page"]["more"] == false {
            return (copy, last_seq);
        }
    }
}

#[actix_web::test]
async fn a_mirror_fed_by_the_changes_feed_equals_the_api() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let (fixtures, _) = mirror(&app, 10).await;
    assert_eq!(
        fixtures,
        served(&app).await,
        "the fixtures are in the log too"
    );
    for seed in [7, 1234, 99_991] {
        random_writes(&app, &key, seed, 60).await;
        let (copy, _) = mirror(&app, 7).await;
        let api = served(&app).await;
        assert_eq!(
            copy.keys().collect::<Vec<_>>(),
            api.keys().collect::<Vec<_>>(),
            "seed {seed}"
        );
        assert_eq!(copy, api, "seed {seed}");
    }
}

#[actix_web::test]
async fn entries_say_what_happened_and_deletes_leave_tombstones() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let (_, start) = mirror(&app, 100).await;
    let article = "/v1/articles/lukashenko-meets-antonio-guterres";
    app.write(
        "PATCH",
        article,
        &key,
        &json!({"summary": "S.", "correction_note": "Fixed the summary."}),
    )
    .await;
    app.write("PATCH", article, &key, &json!({"status": "withdrawn"}))
        .await;
    app.write("PATCH", article, &key, &json!({"status": "published"}))
        .await;
    let auth = format!("Bearer {key}");
    app.request("DELETE", article, &[("Authorization", &auth)])
        .await;
    let page = app
        .get_ok(&format!("/v1/changes?since={start}&type=article"))
        .await;
    let reasons: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["corrected", "withdrawn", "published", "deleted"]);
    assert!(
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["tombstone"] == true),
        "the article is gone now"
    );
    let with_quotes = "/v1/articles/lukashenko-meets-xi-jinping-astana";
    let quote_ids = app.ids(&format!("{with_quotes}/quotes")).await;
    app.request("DELETE", with_quotes, &[("Authorization", &auth)])
        .await;
    let quotes = app
        .get_ok(&format!("/v1/changes?since={start}&type=quote"))
        .await;
    let deleted: Vec<&str> = quotes["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "delete")
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(deleted.len(), quote_ids.len(), "its quotes went with it");
    let editor = app
        .request(
            "GET",
            &format!("/v1/changes?since={start}"),
            &[("Authorization", &auth)],
        )
        .await
        .json();
    assert_eq!(editor["data"][0]["changed_by"], "desk");
    assert_problem(&app.get("/v1/changes?since=abc").await, 400);
    assert_problem(&app.get("/v1/changes?type=topic").await, 400);
}
