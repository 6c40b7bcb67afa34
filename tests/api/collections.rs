//! Lists: the cursor walk, filters, relations in both directions, includes.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{ARTICLES, EVENTS, PARTICIPANTS, spawn_app};

fn id_set(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_cursor_walk_with_limit_one_returns_every_item_exactly_once() {
    let app = spawn_app().await;
    for collection in ["articles", "quotes", "participants", "events", "topics"] {
        let path = format!("/v1/{collection}");
        let one_by_one = app.walk(&path, 1).await;
        let all = app.walk(&path, 100).await;
        let ids: Vec<_> = one_by_one.iter().map(|i| i["id"].clone()).collect();
        let unique = id_set(&one_by_one);
        assert_eq!(ids.len(), unique.len(), "{collection}: an item came twice");
        assert_eq!(unique, id_set(&all), "{collection}: the walk missed items");
        assert_eq!(
            one_by_one, all,
            "{collection}: the order differs by page size"
        );
    }
}

#[actix_web::test]
async fn pages_link_to_the_next_one() {
    let app = spawn_app().await;
    let first = app
        .get("/v1/quotes?limit=4&speaker=aleksandr-lukashenko")
        .await;
    let body = first.json();
    assert_eq!(body["page"]["limit"], 4);
    let cursor = body["page"]["next_cursor"].as_str().expect("a next page");
    let link = first.header("link").expect("Link header");
    assert!(link.ends_with("rel=\"next\""), "{link}");
    assert!(link.contains(&format!("cursor={cursor}")), "{link}");
    assert!(
        link.contains("speaker=aleksandr-lukashenko"),
        "the filters carry over: {link}"
    );
    let last = app.get("/v1/quotes?limit=100").await;
    assert_eq!(last.json()["page"]["next_cursor"], Value::Null);
    assert!(last.header("link").is_none());
}

#[actix_web::test]
async fn lists_are_ordered_as_documented() {
    let app = spawn_app().await;
    assert_eq!(
        app.ids("/v1/articles").await,
        ARTICLES,
        "same day: id descending breaks the tie"
    );
    let names: Vec<String> = app
        .walk("/v1/participants", 100)
        .await
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[actix_web::test]
async fn filters_select_exactly_the_expected_items() {
    let app = spawn_app().await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/v1/quotes?speaker=xi-jinping",
            &[
                "xi-congratulates-belarus-full-member",
                "xi-stable-development-of-relations",
            ],
        ),
        (
            "/v1/quotes?topic=food-security",
            &["lukashenko-demolish-walls-of-unipolar-world"],
        ),
        (
            "/v1/quotes?event=lukashenko-xi-meeting-2024&speaker=aleksandr-lukashenko",
            &["lukashenko-supports-xi-initiatives"],
        ),
        (
            "/v1/events?kind=meeting",
            &[
                "lukashenko-guterres-meeting-2024",
                "lukashenko-xi-meeting-2024",
            ],
        ),
        (
            "/v1/events?kind=summit&kind=accession",
            &["belarus-sco-accession-2024", "sco-summit-astana-2024"],
        ),
        (
            "/v1/events?parent=sco-summit-astana-2024",
            &[
                "belarus-sco-accession-2024",
                "lukashenko-guterres-meeting-2024",
                "lukashenko-xi-meeting-2024",
            ],
        ),
        (
            "/v1/participants?kind=person",
            &["aleksandr-lukashenko", "antonio-guterres", "xi-jinping"],
        ),
        (
            "/v1/articles?topic=food-security",
            &["lukashenko-at-sco-summit-astana"],
        ),
        (
            "/v1/articles?participant=xi-jinping&participant=antonio-guterres",
            &[
                "lukashenko-meets-antonio-guterres",
                "lukashenko-meets-xi-jinping-astana",
            ],
        ),
        (
            "/v1/articles?event=lukashenko-guterres-meeting-2024",
            &["lukashenko-meets-antonio-guterres"],
        ),
    ];
    for (path, expected) in cases {
        let got: BTreeSet<String> = app.ids(path).await.into_iter().collect();
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, expected, "{path}");
    }
    let speakers: Vec<String> = app
        .ids("/v1/quotes?speaker=xi-jinping&speaker=aleksandr-lukashenko")
        .await;
    assert_eq!(speakers.len(), 11, "repeating a filter means OR");
}

#[actix_web::test]
async fn relations_agree_in_both_directions() {
    let app = spawn_app().await;
    let quotes = app.walk("/v1/quotes", 100).await;
    for article_id in ARTICLES {
        let article = app.get_ok(&format!("/v1/articles/{article_id}")).await["data"].clone();
        let listed: Vec<String> = app.ids(&format!("/v1/articles/{article_id}/quotes")).await;
        let from_quotes: BTreeSet<String> = id_set(
            &quotes
                .iter()
                .filter(|q| q["article"] == article_id)
                .cloned()
                .collect::<Vec<_>>(),
        );
        let on_article: BTreeSet<String> = article["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            listed.iter().cloned().collect::<BTreeSet<_>>(),
            from_quotes,
            "{article_id}"
        );
        assert_eq!(on_article, from_quotes, "{article_id}");

        for (relation, field) in [("participants", "participants"), ("events", "events")] {
            let listed: BTreeSet<String> = app
                .ids(&format!("/v1/articles/{article_id}/{relation}"))
                .await
                .into_iter()
                .collect();
            let on_article: BTreeSet<String> = article[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(listed, on_article, "{article_id} {relation}");
        }
    }
    for participant in PARTICIPANTS {
        let articles: BTreeSet<String> = app
            .ids(&format!("/v1/participants/{participant}/articles"))
            .await
            .into_iter()
            .collect();
        for article_id in ARTICLES {
            let article = app.get_ok(&format!("/v1/articles/{article_id}")).await["data"].clone();
            let names = article["participants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == participant);
            assert_eq!(
                articles.contains(article_id),
                names,
                "{participant} in {article_id}"
            );
        }
        let said: BTreeSet<String> = app
            .ids(&format!("/v1/participants/{participant}/quotes"))
            .await
            .into_iter()
            .collect();
        let expected = id_set(
            &quotes
                .iter()
                .filter(|q| q["speaker"] == participant)
                .cloned()
                .collect::<Vec<_>>(),
        );
        assert_eq!(said, expected, "{participant} quotes");
        let events: BTreeSet<String> = app
            .ids(&format!("/v1/participants/{participant}/events"))
            .await
            .into_iter()
            .collect();
        for event_id in EVENTS {
            let event = app.get_ok(&format!("/v1/events/{event_id}")).await["data"].clone();
            let takes_part = event["participants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["participant"] == participant);
            assert_eq!(
                events.contains(event_id),
                takes_part,
                "{participant} at {event_id}"
            );
            let takes_part_listed: BTreeSet<String> = app
                .ids(&format!("/v1/events/{event_id}/participants"))
                .await
                .into_iter()
                .collect();
            assert_eq!(takes_part_listed.contains(participant), takes_part);
        }
    }
    for event_id in EVENTS {
        let event = app.get_ok(&format!("/v1/events/{event_id}")).await["data"].clone();
        let children: BTreeSet<String> = app
            .ids(&format!("/v1/events/{event_id}/events"))
            .await
            .into_iter()
            .collect();
        let subevents: BTreeSet<String> = event["subevents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(children, subevents, "{event_id}");
        for child in &children {
            assert_eq!(
                app.get_ok(&format!("/v1/events/{child}")).await["data"]["parent"],
                event_id
            );
        }
        let said_here: BTreeSet<String> = app
            .ids(&format!("/v1/events/{event_id}/quotes"))
            .await
            .into_iter()
            .collect();
        let expected = id_set(
            &quotes
                .iter()
                .filter(|q| q["event"] == event_id)
                .cloned()
                .collect::<Vec<_>>(),
        );
        assert_eq!(said_here, expected, "{event_id} quotes");
        let articles: BTreeSet<String> = app
            .ids(&format!("/v1/events/{event_id}/articles"))
            .await
            .into_iter()
            .collect();
        for article_id in ARTICLES {
            let article = app.get_ok(&format!("/v1/articles/{article_id}")).await["data"].clone();
            let covers = article["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e == event_id);
            assert_eq!(
                articles.contains(article_id),
                covers,
                "{article_id} covers {event_id}"
            );
        }
    }
}

#[actix_web::test]
async fn includes_side_load_each_related_resource_once() {
    let app = spawn_app().await;
    let body = app
        .get_ok("/v1/quotes?limit=100&include=speaker,event")
        .await;
    let speakers = id_set(body["included"]["participants"].as_array().unwrap());
    assert_eq!(
        speakers,
        BTreeSet::from(["aleksandr-lukashenko".to_owned(), "xi-jinping".to_owned()])
    );
    assert_eq!(
        body["included"]["participants"].as_array().unwrap().len(),
        2
    );
    let events = id_set(body["included"]["events"].as_array().unwrap());
    assert_eq!(events.len(), 2);
    assert!(
        body["included"].get("articles").is_none(),
        "only what was asked for"
    );

    let article = app
        .get_ok("/v1/articles/lukashenko-meets-xi-jinping-astana?include=quotes,topics")
        .await;
    assert_eq!(article["included"]["quotes"].as_array().unwrap().len(), 3);
    assert_eq!(article["included"]["topics"].as_array().unwrap().len(), 2);

    let plain = app
        .get_ok("/v1/articles/lukashenko-meets-xi-jinping-astana")
        .await;
    assert!(plain.get("included").is_none());
}
