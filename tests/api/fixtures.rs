//! The seed content, served faithfully: every fixture id, every paragraph, every quote.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{ARTICLES, EVENTS, PARTICIPANTS, SECTION_TOPICS, spawn_app};

const SEED: &str = include_str!("../../fixtures/seed/astana-sco-2024.txt");

/// Lines of the seed page that are page furniture, not article text.
const FURNITURE: [&str; 3] = ["Sun. Oct 6th, 2024", "Source –", "Forward to your friends"];

#[test]
fn the_seed_copy_is_the_shared_seed() {
    // The copy under fixtures/ keeps the repository self-contained; it must not drift.
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/astana-sco-2024.txt");
    if let Ok(original) = std::fs::read_to_string(&shared) {
        assert_eq!(original, SEED);
    }
}

#[actix_web::test]
async fn every_fixture_id_resolves() {
    let app = spawn_app().await;
    for (collection, ids) in [
        ("articles", &ARTICLES[..]),
        ("events", &EVENTS[..]),
        ("participants", &PARTICIPANTS[..]),
        ("topics", &SECTION_TOPICS[..]),
    ] {
        for id in ids {
            let body = app.get_ok(&format!("/v1/{collection}/{id}")).await;
            assert_eq!(body["data"]["id"], *id);
            assert_eq!(
                body["data"]["links"]["self"],
                format!("/v1/{collection}/{id}")
            );
        }
    }
    let quotes = app.ids("/v1/quotes").await;
    assert_eq!(quotes.len(), 11);
    for id in quotes {
        assert_eq!(
            app.get_ok(&format!("/v1/quotes/{id}")).await["data"]["id"],
            id.as_str()
        );
    }
}

fn dateline_line(article: &Value) -> String {
    let date = chrono::NaiveDate::parse_from_str(
        article["dateline"]["date"].as_str().unwrap(),
        "%Y-%m-%d",
    )
    .unwrap();
    let date = date.format("%-d %B %Y").to_string();
    match article["dateline"]["place"].as_str() {
        Some(place) => format!("{place}, {date}"),
        None => date,
    }
}

#[actix_web::test]
async fn the_articles_carry_every_line_of_the_seed_in_order() {
    let app = spawn_app().await;
    // The seed's text lines, less the page furniture, are exactly the articles'
    // source headlines, datelines and body blocks, in the seed's order.
    let expected: Vec<&str> = SEED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !FURNITURE.contains(l))
        .collect();
    let mut served = Vec::new();
    for id in ARTICLES {
        let article = app.get_ok(&format!("/v1/articles/{id}")).await["data"].clone();
        match article["headline_origin"].as_str() {
            Some("source") => served.push(article["headline"].as_str().unwrap().to_owned()),
            Some("editorial") => assert!(!SEED.contains(article["headline"].as_str().unwrap())),
            other => panic!("headline_origin {other:?}"),
        }
        served.push(dateline_line(&article));
        for block in article["body"].as_array().unwrap() {
            served.push(block["text"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(served, expected);
}

#[actix_web::test]
async fn the_first_article_has_an_editorial_headline_and_the_section_headings() {
    let app = spawn_app().await;
    let article = app
        .get_ok("/v1/articles/lukashenko-at-sco-summit-astana")
        .await["data"]
        .clone();
    assert_eq!(article["headline_origin"], "editorial");
    assert_eq!(article["dateline"]["place"], "Astana");
    assert_eq!(article["dateline"]["date"], "2024-07-05");
    assert_eq!(
        article["source"]["name"],
        Value::Null,
        "the seed names no source"
    );
    let headings: Vec<(&str, &str)> = article["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "heading")
        .map(|b| (b["text"].as_str().unwrap(), b["topic"].as_str().unwrap()))
        .collect();
    let topics: Vec<&str> = headings.iter().map(|(_, t)| *t).collect();
    assert_eq!(topics, SECTION_TOPICS);
    assert_eq!(headings[0].0, "International security");
    for topic in SECTION_TOPICS {
        assert!(
            article["topics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == topic)
        );
    }
    let guterres = app
        .get_ok("/v1/articles/lukashenko-meets-antonio-guterres")
        .await["data"]
        .clone();
    assert_eq!(guterres["dateline"]["place"], Value::Null);
    assert_eq!(guterres["dateline"]["date"], "2024-07-04");
}

#[actix_web::test]
async fn the_eleven_quotes_are_verbatim_with_their_true_speakers() {
    let app = spawn_app().await;
    let quotes = app.walk("/v1/quotes", 100).await;
    assert_eq!(quotes.len(), 11);
    let by = |speaker: &str| quotes.iter().filter(|q| q["speaker"] == speaker).count();
    assert_eq!(by("aleksandr-lukashenko"), 9);
    assert_eq!(by("xi-jinping"), 2);
    for quote in &quotes {
        let text = quote["text"].as_str().unwrap();
        assert!(
            SEED.contains(&format!("“{text}")),
            "not verbatim in the seed: {text}"
        );
        let article = app
            .get_ok(&format!(
                "/v1/articles/{}",
                quote["article"].as_str().unwrap()
            ))
            .await["data"]
            .clone();
        let position = quote["position"].as_u64().expect("position") as usize;
        let block = &article["body"][position];
        assert_eq!(block["type"], "quote");
        assert_eq!(block["quote_id"], quote["id"]);
        assert!(block["text"].as_str().unwrap().contains(text));
        assert!(
            quote["event"].is_string() && quote["topic"].is_string(),
            "{quote}"
        );
        assert_eq!(quote["said_on"], "2024-07-04");
    }
    let xi: BTreeSet<&str> = quotes
        .iter()
        .filter(|q| q["speaker"] == "xi-jinping")
        .map(|q| q["article"].as_str().unwrap())
        .collect();
    assert_eq!(xi, BTreeSet::from(["lukashenko-meets-xi-jinping-astana"]));
    let brazil: Vec<_> = quotes
        .iter()
        .filter(|q| q["text"].as_str().unwrap().contains("Brazil"))
        .collect();
    assert_eq!(brazil.len(), 1);
    assert_eq!(brazil[0]["speaker"], "aleksandr-lukashenko");
    assert_eq!(brazil[0]["event"], "lukashenko-xi-meeting-2024");
}

#[actix_web::test]
async fn the_events_are_as_the_text_tells() {
    let app = spawn_app().await;
    let summit = app.get_ok("/v1/events/sco-summit-astana-2024").await["data"].clone();
    assert_eq!(summit["kind"], "summit");
    assert_eq!(summit["start_date"], "2024-07-04");
    assert_eq!(summit["place"]["name"], "Palace of Independence");
    assert_eq!(summit["place"]["city"], "Astana");
    assert_eq!(summit["place"]["country"], "kazakhstan");
    let roles: BTreeSet<(String, String)> = summit["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["participant"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (who, role) in [
        ("kazakhstan", "host"),
        ("kazakhstan", "chair"),
        ("belarus", "new_member"),
    ] {
        assert!(
            roles.contains(&(who.to_owned(), role.to_owned())),
            "{who} as {role}"
        );
    }
    let accession = app.get_ok("/v1/events/belarus-sco-accession-2024").await["data"].clone();
    assert_eq!(accession["kind"], "accession");
    assert_eq!(accession["parent"], "sco-summit-astana-2024");
    for meeting in [
        "lukashenko-xi-meeting-2024",
        "lukashenko-guterres-meeting-2024",
    ] {
        let event = app.get_ok(&format!("/v1/events/{meeting}")).await["data"].clone();
        assert_eq!(event["kind"], "meeting");
        assert_eq!(event["parent"], "sco-summit-astana-2024");
    }
    let mut subevents: Vec<&str> = summit["subevents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    subevents.sort();
    assert_eq!(
        subevents,
        [
            "belarus-sco-accession-2024",
            "lukashenko-guterres-meeting-2024",
            "lukashenko-xi-meeting-2024"
        ]
    );
}
