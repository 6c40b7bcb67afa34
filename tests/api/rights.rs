//! Rights and usage terms per article, with the newsroom's defaults, and corrections
//! as structured data, in every representation.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, spawn_app, spawn_app_with};
use crate::syndication::ninjs_errors;

const ARTICLE: &str = "/v1/articles/lukashenko-meets-antonio-guterres";

async fn newsroom() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    spawn_app_with(dir, |s| {
        s.default_rights.copyright_holder = Some("Example News".to_owned());
        s.default_rights.copyright_notice = Some("© 2026 Example News".to_owned());
        s.default_rights.usage_terms = Some("Partners may republish with attribution.".to_owned());
        s.default_rights.license_url = Some("https://news.example/terms".to_owned());
    })
    .await
}

async fn accept(app: &TestApp, path: &str, accept: &str) -> Value {
    let reply = app.request("GET", path, &[("Accept", accept)]).await;
    assert_eq!(reply.status, 200);
    reply.json()
}

async fn text(app: &TestApp, path: &str) -> String {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200);
    String::from_utf8(reply.body).unwrap()
}

#[actix_web::test]
async fn articles_carry_the_newsroom_default_until_they_set_their_own() {
    let app = newsroom().await;
    let rights = &app.get_ok(ARTICLE).await["data"]["rights"];
    assert_eq!(rights["copyright_holder"], "Example News");
    assert_eq!(rights["license_url"], "https://news.example/terms");

    // Every entry shares the default line: the RSS channel carries it.
    let rss =
        rss::Channel::read_from(text(&app, "/v1/feeds/articles.rss").await.as_bytes()).unwrap();
    assert_eq!(rss.copyright(), Some("© 2026 Example News"));
    let atom = text(&app, "/v1/feeds/articles.atom").await;
    let atom = atom_syndication::Feed::read_from(atom.as_bytes()).unwrap();
    assert!(
        atom.entries()
            .iter()
            .all(|e| e.rights().map(|r| r.value.as_str()) == Some("© 2026 Example News"))
    );

    let key = app.key(Role::Editor, "desk");
    let own = json!({"rights": {"copyright_holder": "Wire Agency", "copyright_notice": "© Wire Agency",
        "usage_terms": null, "license_url": "https://creativecommons.org/licenses/by/4.0/"}});
    let written = app.write("PATCH", ARTICLE, &key, &own).await;
    assert_eq!(written.status, 200);
    let rights = &written.json()["data"]["rights"];
    assert_eq!(rights["copyright_holder"], "Wire Agency");
    assert_eq!(rights["copyright_notice"], "© Wire Agency");
    // What the article leaves unset is still the newsroom's.
    assert_eq!(
        rights["usage_terms"],
        "Partners may republish with attribution."
    );

    let ninjs = accept(&app, ARTICLE, "application/ninjs+json").await;
    assert!(
        ninjs_errors(&ninjs).is_empty(),
        "{:?}",
        ninjs_errors(&ninjs)
    );
    assert_eq!(ninjs["copyrightholder"], "Wire Agency");
    assert_eq!(ninjs["copyrightnotice"], "© Wire Agency");
    assert_eq!(
        ninjs["usageterms"],
        "Partners may republish with attribution."
    );
    assert_eq!(
        ninjs["rightsinfo"]["linkedrights"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(ninjs["pubstatus"], "usable");

    let ld = accept(&app, ARTICLE, "application/ld+json").await;
    assert_eq!(ld["copyrightHolder"]["name"], "Wire Agency");
    assert_eq!(ld["copyrightNotice"], "© Wire Agency");
    assert_eq!(
        ld["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );

    // Entries now differ: the channel names none, each item its own.
    let rss = text(&app, "/v1/feeds/articles.rss").await;
    let channel = rss::Channel::read_from(rss.as_bytes()).unwrap();
    assert_eq!(channel.copyright(), None);
    let lines: Vec<&str> = channel
        .items()
        .iter()
        .map(|i| i.dublin_core_ext().unwrap().rights()[0].as_str())
        .collect();
    assert!(lines.contains(&"© Wire Agency") && lines.contains(&"© 2026 Example News"));
}

#[actix_web::test]
async fn without_defaults_or_rights_of_its_own_an_article_claims_none() {
    let app = spawn_app().await;
    let rights = &app.get_ok(ARTICLE).await["data"]["rights"];
    assert_eq!(
        rights,
        &json!({"copyright_holder": null, "copyright_notice": null, "usage_terms": null, "license_url": null})
    );
    let ninjs = accept(&app, ARTICLE, "application/ninjs+json").await;
    assert!(ninjs_errors(&ninjs).is_empty());
    assert!(ninjs.get("copyrightholder").is_none());
    assert!(ninjs.get("rightsinfo").is_none());
    let ld = accept(&app, ARTICLE, "application/ld+json").await;
    assert!(ld.get("license").is_none());
    let rss = text(&app, "/v1/feeds/articles.rss").await;
    assert!(!rss.contains("<copyright>"));
}

#[actix_web::test]
async fn bad_rights_are_a_problem() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    for bad in [
        json!({"rights": {"license_url": "javascript:alert(1)"}}),
        json!({"rights": {"licence": "https://example.org"}}),
        json!({"rights": "CC-BY"}),
    ] {
        let problem = assert_problem(&app.write("PATCH", ARTICLE, &key, &bad).await, 422);
        assert!(problem.to_string().contains("rights"), "{problem}");
    }
}

#[actix_web::test]
async fn corrections_are_structured_in_json_ld_and_shown_in_feeds() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let fix = json!({"summary": "Corrected.", "correction_note": "An earlier version misnamed the venue."});
    assert_eq!(app.write("PATCH", ARTICLE, &key, &fix).await.status, 200);

    let ld = accept(&app, ARTICLE, "application/ld+json").await;
    let correction = &ld["correction"][0];
    assert_eq!(correction["@type"], "CorrectionComment");
    assert_eq!(correction["text"], "An earlier version misnamed the venue.");
    chrono::DateTime::parse_from_rfc3339(correction["datePublished"].as_str().unwrap())
        .expect("a date");

    let atom = text(&app, "/v1/feeds/articles.atom").await;
    let atom = atom_syndication::Feed::read_from(atom.as_bytes()).unwrap();
    let entry = atom
        .entries()
        .iter()
        .find(|e| e.id().ends_with("lukashenko-meets-antonio-guterres"))
        .unwrap();
    let content = entry.content().unwrap().value().unwrap();
    assert!(content.contains("class=\"correction\""), "{content}");
    assert!(content.contains("An earlier version misnamed the venue."));
    let json_feed = app.get_ok("/v1/feeds/articles.json").await;
    assert!(json_feed.to_string().contains("misnamed the venue"));

    // A quote carries its attribution: speaker, article and event.
    let quote = accept(
        &app,
        "/v1/quotes/lukashenko-wonderful-gift",
        "application/ld+json",
    )
    .await;
    assert_eq!(quote["@type"], "Quotation");
    assert_eq!(quote["creator"]["@type"], "Person");
    assert!(
        quote["isPartOf"]["@id"]
            .as_str()
            .unwrap()
            .contains("/v1/articles/")
    );
    assert_eq!(quote["about"]["@type"], "Event");
    // So does each quote an article's JSON-LD lists.
    let ld = accept(
        &app,
        "/v1/articles/lukashenko-meets-xi-jinping-astana",
        "application/ld+json",
    )
    .await;
    let part = &ld["hasPart"][0];
    assert_eq!(part["@type"], "Quotation");
    assert!(part["creator"]["name"].is_string(), "{part}");
}
