//! Output is safe to embed: no sniffing, JSON-LD fit for `<script>`, feeds that
//! escape what they carry, bounded metric labels, keys kept out of browser storage.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, spawn_app, spawn_app_with};

/// A headline that breaks out of HTML, of CDATA and of XML entities if not escaped.
const HOSTILE: &str = "Talks <script>alert(1)</script> end ]]> & \"resume\" </q>";

/// Publishes an article with the hostile headline and returns its id.
async fn publish_hostile(app: &TestApp) -> String {
    let key = app.key(Role::Editor, "desk");
    let article = json!({
        "headline": HOSTILE,
        "dateline": {"place": "Minsk", "date": "2024-07-06"},
        "status": "published",
        "summary": "A <b>summary</b> & ]]> more.",
        "topics": ["international-standing"],
        "body": [{"type": "paragraph", "text": "Text with </script> & ]]> in it."}]
    });
    let created = app.write("POST", "/v1/articles", &key, &article).await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    created.json()["data"]["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn every_response_forbids_sniffing() {
    let app = spawn_app().await;
    for (method, path) in [
        ("GET", "/v1/articles"),
        ("GET", "/v1/articles/no-such-article"),
        ("GET", "/v1/feeds/articles.rss"),
        ("GET", "/docs/"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("DELETE", "/v1/topics"),
        ("OPTIONS", "/v1/articles"),
        ("GET", "/nowhere"),
    ] {
        let reply = app.request(method, path, &[]).await;
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{method} {path}"
        );
    }
    let unauthorized = app
        .request(
            "GET",
            "/v1/articles",
            &[("Authorization", "Bearer nd_nope")],
        )
        .await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(
        unauthorized.header("x-content-type-options"),
        Some("nosniff")
    );
}

#[actix_web::test]
async fn json_ld_can_go_inside_a_script_element() {
    let app = spawn_app().await;
    let id = publish_hostile(&app).await;
    for format in ["jsonld", "ninjs"] {
        let reply = app.get(&format!("/v1/articles/{id}?format={format}")).await;
        assert_eq!(reply.status, 200);
        let raw = String::from_utf8(reply.body.clone()).unwrap();
        for c in ['<', '>', '&'] {
            assert!(!raw.contains(c), "{format} has a raw {c}: {raw}");
        }
        assert!(raw.contains("\\u003cscript\\u003e"), "{raw}");
        let parsed = reply.json();
        let headline = match format {
            "ninjs" => &parsed["headlines"][0]["value"],
            _ => &parsed["headline"],
        };
        assert_eq!(headline, HOSTILE, "{format} reads back the same text");
    }
}

#[actix_web::test]
async fn feeds_escape_what_they_carry() {
    let app = spawn_app().await;
    let id = publish_hostile(&app).await;
    let rss = app.get("/v1/feeds/articles.rss").await;
    let channel = rss::Channel::read_from(&rss.body[..]).expect("RSS parses");
    let item = channel
        .items()
        .iter()
        .find(|i| i.guid().is_some_and(|g| g.value() == id))
        .expect("the item");
    assert_eq!(item.title(), Some(HOSTILE));
    assert!(
        item.content().unwrap().contains("&lt;/script&gt;"),
        "{item:?}"
    );
    let atom = app.get("/v1/feeds/articles.atom").await;
    let feed = atom_syndication::Feed::read_from(&atom.body[..]).expect("Atom parses");
    let entry = feed
        .entries()
        .iter()
        .find(|e| e.id().ends_with(&id))
        .expect("the entry");
    assert_eq!(entry.title().as_str(), HOSTILE);
    let json: Value = app.get_ok("/v1/feeds/articles.json").await;
    let items = json["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["title"] == HOSTILE), "{json}");
}

#[actix_web::test]
async fn metric_labels_are_bounded() {
    let app = spawn_app().await;
    app.request("BREW", "/v1/articles", &[]).await;
    app.get("/v1/articles/an-id-nobody-has-4711").await;
    app.get("/v1/nothing-here-4711").await;
    let metrics = String::from_utf8(app.get("/metrics").await.body).unwrap();
    assert!(!metrics.contains("BREW"), "{metrics}");
    assert!(metrics.contains("method=\"OTHER\""), "{metrics}");
    assert!(!metrics.contains("4711"), "{metrics}");
    assert!(metrics.contains("route=\"/v1/articles/{id}\""), "{metrics}");
}

#[actix_web::test]
async fn metrics_can_have_their_own_listener() {
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.metrics_bind = Some("127.0.0.1:0".to_owned());
    })
    .await;
    app.get("/v1/articles").await;
    crate::helpers::assert_problem(&app.get("/metrics").await, 404);
    let base = app.metrics_base.clone().expect("a metrics listener");
    let reply = awc::Client::new()
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics answer")
        .body()
        .await
        .unwrap();
    let text = String::from_utf8(reply.to_vec()).unwrap();
    assert!(text.contains("route=\"/v1/articles\""), "{text}");
}

#[actix_web::test]
async fn the_docs_page_forgets_keys_unless_asked() {
    let app = spawn_app().await;
    let script = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(script.status, 200);
    let text = String::from_utf8(script.body).unwrap();
    assert!(text.contains("\"persistAuthorization\": false"), "{text}");
    let remembering = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.docs_remember_key = true;
    })
    .await;
    let text =
        String::from_utf8(remembering.get("/docs/swagger-initializer.js").await.body).unwrap();
    assert!(text.contains("\"persistAuthorization\": true"), "{text}");
}
