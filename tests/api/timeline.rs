//! Timelines of participants and events: the union of their relations, in date order.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{EVENTS, PARTICIPANTS, TestApp, spawn_app};

/// (type, id) of every item of a list.
fn typed(items: &[Value], kind: Option<&str>) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|i| {
            let t = kind.map_or_else(|| i["type"].as_str().unwrap().to_owned(), str::to_owned);
            (t, i["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

async fn relations(app: &TestApp, base: &str, events: &str) -> BTreeSet<(String, String)> {
    let mut expected = typed(
        &app.walk(&format!("{base}/{events}"), 100).await,
        Some("event"),
    );
    expected.extend(typed(
        &app.walk(&format!("{base}/articles"), 100).await,
        Some("article"),
    ));
    expected.extend(typed(
        &app.walk(&format!("{base}/quotes"), 100).await,
        Some("quote"),
    ));
    expected
}

#[actix_web::test]
async fn timelines_merge_the_relations_in_date_order() {
    let app = spawn_app().await;
    let mut pages: Vec<(String, String)> = PARTICIPANTS
        .iter()
        .map(|p| (format!("/v1/participants/{p}"), "events".to_owned()))
        .collect();
    pages.extend(
        EVENTS
            .iter()
            .map(|e| (format!("/v1/events/{e}"), "events".to_owned())),
    );
    for (base, events) in pages {
        let timeline = app.walk(&format!("{base}/timeline"), 2).await;
        assert_eq!(
            typed(&timeline, None),
            relations(&app, &base, &events).await,
            "{base}"
        );
        assert_eq!(
            typed(&timeline, None).len(),
            timeline.len(),
            "{base}: once each"
        );
        let times: Vec<&str> = timeline.iter().map(|i| i["at"].as_str().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{base}: {times:?}");
        for item in &timeline {
            let kind = item["type"].as_str().unwrap();
            assert!(["article", "quote", "event"].contains(&kind), "{item}");
            let link = item["links"]["self"].as_str().unwrap();
            assert_eq!(
                link,
                format!("/v1/{kind}s/{}", item["id"].as_str().unwrap())
            );
            assert!(!item["title"].as_str().unwrap().is_empty());
        }
        let newest_first = app.walk(&format!("{base}/timeline?sort=-date"), 3).await;
        let times: Vec<&str> = newest_first
            .iter()
            .map(|i| i["at"].as_str().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "{base}: {times:?}");
    }
}

#[actix_web::test]
async fn a_timeline_is_filtered_by_type_and_side_loads_its_items() {
    let app = spawn_app().await;
    let base = "/v1/participants/xi-jinping/timeline";
    let quotes = app.walk(&format!("{base}?type=quote"), 100).await;
    assert_eq!(
        typed(&quotes, None),
        typed(
            &app.walk("/v1/participants/xi-jinping/quotes", 100).await,
            Some("quote")
        )
    );
    let page = app
        .get_ok(&format!("{base}?include=quotes,events&limit=100"))
        .await;
    let included = &page["included"];
    assert_eq!(included["quotes"].as_array().unwrap().len(), quotes.len());
    assert!(!included["events"].as_array().unwrap().is_empty());
    assert!(
        included.get("articles").is_none(),
        "only what was asked for"
    );
    let missing = app.get("/v1/participants/nobody/timeline").await;
    crate::helpers::assert_problem(&missing, 404);
}
