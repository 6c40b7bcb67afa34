//! Feeds and structured data: RSS, Atom, JSON Feed, schema.org JSON-LD and ninjs.

use serde_json::{Value, json};

use crate::helpers::{ARTICLES, Role, assert_problem, spawn_app};

const NINJS_SCHEMA: &str = include_str!("../schemas/ninjs-schema_2.2.json");

#[actix_web::test]
async fn rss_feeds_are_valid_and_carry_api_ids() {
    let app = spawn_app().await;
    let reply = app.get("/v1/feeds/articles.rss").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
    let channel = rss::Channel::read_from(&reply.body[..]).expect("RSS parses");
    assert!(
        channel.atom_ext().unwrap().links()[0]
            .href()
            .ends_with("/v1/feeds/articles.rss")
    );
    let guids: Vec<&str> = channel
        .items()
        .iter()
        .map(|i| i.guid().unwrap().value())
        .collect();
    assert_eq!(guids.len(), 3);
    for id in ARTICLES {
        assert!(guids.contains(&id), "{id}");
    }
    for item in channel.items() {
        assert!(!item.guid().unwrap().is_permalink());
        chrono::DateTime::parse_from_rfc2822(item.pub_date().unwrap()).expect("RFC 822 date");
        assert!(item.content().unwrap().contains("<p>"));
        assert!(!item.categories().is_empty());
    }
    let body = String::from_utf8(reply.body.clone()).unwrap();
    assert!(body.contains("isPermaLink=\"false\""));
    assert!(body.contains("<q cite="), "quotes are marked up");
    let filtered = app
        .get("/v1/feeds/articles.rss?participant=antonio-guterres")
        .await;
    let channel = rss::Channel::read_from(&filtered.body[..]).unwrap();
    assert_eq!(channel.items().len(), 1);
    let quotes = app.get("/v1/feeds/quotes.rss?participant=xi-jinping").await;
    assert_eq!(
        rss::Channel::read_from(&quotes.body[..])
            .unwrap()
            .items()
            .len(),
        2
    );
}

#[actix_web::test]
async fn atom_and_json_feeds_are_valid() {
    let app = spawn_app().await;
    let reply = app.get("/v1/feeds/articles.atom").await;
    assert_eq!(
        reply.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let feed = atom_syndication::Feed::read_from(&reply.body[..]).expect("Atom parses");
    assert!(feed.links().iter().any(|l| l.rel() == "self"));
    assert!(!feed.authors().is_empty());
    let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
    assert!(
        ids.contains(&"urn:newsdesk:article:lukashenko-meets-xi-jinping-astana"),
        "{ids:?}"
    );
    for entry in feed.entries() {
        assert_eq!(entry.content().unwrap().content_type(), Some("html"));
        assert!(entry.published().is_some());
    }

    let reply = app.get("/v1/feeds/quotes.json?limit=5").await;
    assert_eq!(reply.header("content-type"), Some("application/feed+json"));
    let feed = reply.json();
    // JSON Feed 1.1's required members.
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert!(feed["title"].is_string());
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for item in items {
        assert!(item["id"].is_string());
        assert!(item["content_html"].is_string() || item["content_text"].is_string());
        chrono::DateTime::parse_from_rfc3339(item["date_published"].as_str().unwrap()).unwrap();
    }
    assert_eq!(
        app.get("/v1/feeds/quotes.json?limit=100").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        11
    );
}

#[actix_web::test]
async fn feeds_hold_published_articles_only_and_revalidate() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let draft = json!({"headline": "Not yet", "dateline": {"date": "2024-07-06"}, "status": "draft",
                       "body": [{"type": "paragraph", "text": "Embargoed."}]});
    assert_eq!(
        app.write("POST", "/v1/articles", &key, &draft).await.status,
        201
    );
    let feed = app.get_ok("/v1/feeds/articles.json").await;
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != "not-yet")
    );
    let first = app.get("/v1/feeds/articles.atom").await;
    let tag = first.header("etag").unwrap().to_owned();
    let again = app
        .request("GET", "/v1/feeds/articles.atom", &[("If-None-Match", &tag)])
        .await;
    assert_eq!(again.status, 304);
    assert_problem(&app.get("/v1/feeds/articles.html").await, 404);
    assert_problem(&app.get("/v1/feeds/articles.rss?limit=0").await, 400);
}

async fn jsonld(app: &crate::helpers::TestApp, path: &str) -> Value {
    let reply = app
        .request("GET", path, &[("Accept", "application/ld+json")])
        .await;
    assert_eq!(reply.status, 200, "{path}");
    assert_eq!(reply.header("content-type"), Some("application/ld+json"));
    assert!(reply.header("vary").unwrap().contains("Accept"));
    let value = reply.json();
    assert_eq!(value["@context"], "https://schema.org");
    value
}

#[actix_web::test]
async fn json_ld_has_the_schema_org_type_of_each_resource() {
    let app = spawn_app().await;
    let article = jsonld(&app, "/v1/articles/lukashenko-at-sco-summit-astana").await;
    assert_eq!(article["@type"], "NewsArticle");
    assert!(article["dateline"].as_str().unwrap().starts_with("Astana"));
    assert!(article["datePublished"].is_string() && article["dateModified"].is_string());
    assert!(
        article["articleSection"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "Food security")
    );
    assert!(
        article["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "Aleksandr Lukashenko")
    );
    assert_eq!(article["about"][0]["@type"], "Event");

    let quote = jsonld(&app, "/v1/quotes/lukashenko-wonderful-gift").await;
    assert_eq!(quote["@type"], "Quotation");
    assert_eq!(quote["spokenByCharacter"]["name"], "Aleksandr Lukashenko");
    assert_eq!(quote["creator"]["@type"], "Person");
    assert_eq!(quote["isPartOf"]["@type"], "NewsArticle");

    let event = jsonld(&app, "/v1/events/lukashenko-xi-meeting-2024").await;
    assert_eq!(event["@type"], "Event");
    assert!(
        event["superEvent"]["name"]
            .as_str()
            .unwrap()
            .contains("Astana")
    );
    let summit = jsonld(&app, "/v1/events/sco-summit-astana-2024").await;
    assert_eq!(summit["location"]["name"], "Palace of Independence");
    assert!(summit["subEvent"].as_array().unwrap().len() >= 3);
    assert!(
        summit["attendee"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["roleName"] == "host")
    );

    for (id, kind) in [
        ("xi-jinping", "Person"),
        ("united-nations", "Organization"),
        ("belarus", "Country"),
    ] {
        assert_eq!(
            jsonld(&app, &format!("/v1/participants/{id}")).await["@type"],
            kind
        );
    }
    let by_param = app
        .get_ok("/v1/participants/xi-jinping?format=jsonld")
        .await;
    assert_eq!(by_param["@type"], "Person");
}

/// The ninjs schema refers to the GeoJSON schema for `places[].geojson`, which newsdesk
/// never emits: an open schema stands in for it, offline.
struct GeoJsonStub;

impl jsonschema::Retrieve for GeoJsonStub {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().starts_with("https://geojson.org/") {
            Ok(json!({"$schema": "https://json-schema.org/draft/2020-12/schema"}))
        } else {
            Err(format!("no offline copy of {uri}").into())
        }
    }
}

/// The IPTC ninjs 2.2 schema, compiled, with formats checked.
pub fn ninjs_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(NINJS_SCHEMA).unwrap();
    jsonschema::options()
        .with_retriever(GeoJsonStub)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// The schema errors of a ninjs item, empty when it is valid.
pub fn ninjs_errors(item: &Value) -> Vec<String> {
    ninjs_validator()
        .iter_errors(item)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[actix_web::test]
async fn ninjs_validates_against_the_iptc_schema() {
    let app = spawn_app().await;
    let validator = ninjs_validator();
    for id in ARTICLES {
        let reply = app
            .request(
                "GET",
                &format!("/v1/articles/{id}"),
                &[("Accept", "application/ninjs+json")],
            )
            .await;
        assert_eq!(reply.header("content-type"), Some("application/ninjs+json"));
        let item = reply.json();
        let errors: Vec<String> = validator
            .iter_errors(&item)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{id}: {errors:?}");
        assert_eq!(item["pubstatus"], "usable");
        assert!(item["bodies"][0]["value"].as_str().unwrap().contains("<p>"));
        assert!(item["uri"].as_str().unwrap().ends_with(id));
    }
}

#[actix_web::test]
async fn what_cannot_be_served_is_a_406() {
    let app = spawn_app().await;
    let article = "/v1/articles/lukashenko-meets-antonio-guterres";
    assert_problem(
        &app.request("GET", article, &[("Accept", "text/html")])
            .await,
        406,
    );
    assert_problem(
        &app.request(
            "GET",
            "/v1/quotes/lukashenko-wonderful-gift",
            &[("Accept", "application/ninjs+json")],
        )
        .await,
        406,
    );
    assert_problem(
        &app.get("/v1/topics/food-security?format=jsonld").await,
        406,
    );
    assert_problem(&app.get(&format!("{article}?format=xml")).await, 400);
    // Wildcards and weights pick the best offered type.
    let reply = app
        .request(
            "GET",
            article,
            &[(
                "Accept",
                "text/html;q=0.9, application/ld+json;q=0.8, */*;q=0.1",
            )],
        )
        .await;
    assert_eq!(reply.header("content-type"), Some("application/ld+json"));
    let reply = app.request("GET", article, &[("Accept", "*/*")]).await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    // The formats differ, and so do their tags.
    let json_tag = app.get(article).await.header("etag").unwrap().to_owned();
    let ld_tag = app
        .get(&format!("{article}?format=jsonld"))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_ne!(json_tag, ld_tag);
}
