//! IPTC Media Topics on topics, in ninjs `subjects` and JSON-LD `about`.

use crate::helpers::spawn_app;
use crate::syndication::ninjs_errors;

const IPTC: &str = "http://cv.iptc.org/newscodes/mediatopic/";

#[actix_web::test]
async fn topics_carry_their_iptc_media_topics() {
    let app = spawn_app().await;
    let topic = app.get_ok("/v1/topics/belarus-china-relations").await;
    assert_eq!(
        topic["data"]["media_topics"],
        serde_json::json!([{"uri": format!("{IPTC}20000638"), "name": "international relations"}])
    );
    // No code in IPTC's vocabulary says "food security": the topic stays unmapped.
    let unmapped = app.get_ok("/v1/topics/food-security").await;
    assert_eq!(unmapped["data"]["media_topics"], serde_json::json!([]));
}

#[actix_web::test]
async fn articles_name_the_media_topics_of_their_topics_in_ninjs_and_json_ld() {
    let app = spawn_app().await;
    let path = "/v1/articles/lukashenko-at-sco-summit-astana";
    let ninjs = app
        .request("GET", path, &[("Accept", "application/ninjs+json")])
        .await
        .json();
    assert!(
        ninjs_errors(&ninjs).is_empty(),
        "{:?}",
        ninjs_errors(&ninjs)
    );
    let iptc: Vec<&str> = ninjs["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uri"].as_str())
        .filter(|u| u.starts_with(IPTC))
        .collect();
    assert_eq!(
        iptc,
        [
            format!("{IPTC}20000644"),
            format!("{IPTC}20000638"),
            format!("{IPTC}20000038")
        ],
        "each concept once, in topic order"
    );

    let ld = app
        .request("GET", path, &[("Accept", "application/ld+json")])
        .await
        .json();
    let terms: Vec<&serde_json::Value> = ld["about"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["@type"] == "DefinedTerm")
        .collect();
    assert_eq!(terms.len(), 3);
    assert_eq!(terms[0]["@id"], format!("{IPTC}20000644"));
    assert_eq!(terms[0]["name"], "international organisation");
    assert_eq!(terms[0]["inDefinedTermSet"], IPTC);
    // Events are still what the article is about, first.
    assert_eq!(ld["about"][0]["@type"], "Event");
}
