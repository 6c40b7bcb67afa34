//! Sitemaps: the index and its pages, and the Google News sitemap.

use serde_json::{Value, json};

use crate::helpers::{ARTICLES, Role, TestApp, assert_problem, spawn_app_with};

fn article(headline: &str, status: &str) -> Value {
    json!({
        "headline": headline,
        "dateline": {"place": "Minsk", "date": "2024-07-06"},
        "status": status,
        "language": "pt-BR",
        "body": [{"type": "paragraph", "text": "Belarus joined the SCO as a full member."}]
    })
}

async fn app(template: Option<&str>) -> TestApp {
    let template = template.map(str::to_owned);
    spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.public_url = Some("https://api.news.example".to_owned());
        s.article_url_template = template;
        s.publication_name = "Example & Sons News".to_owned();
        s.sitemap_page_size = 2;
    })
    .await
}

/// The text of every `<tag>` element, in order.
fn all(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    xml.split(&open)
        .skip(1)
        .map(|rest| rest.split(&format!("</{tag}>")).next().unwrap().to_owned())
        .collect()
}

async fn xml(app: &TestApp, path: &str) -> String {
    // A forged Host must not reach any link.
    let reply = app
        .request(
            "GET",
            path,
            &[
                ("Host", "evil.example"),
                ("X-Forwarded-Host", "evil.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{path}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let body = String::from_utf8(reply.body).unwrap();
    assert!(!body.contains("evil.example"));
    body
}

#[actix_web::test]
async fn the_index_pages_through_every_public_article() {
    let app = app(Some("https://news.example/{id}")).await;
    let key = app.key(Role::Editor, "desk");
    let draft = app
        .write("POST", "/v1/articles", &key, &article("A draft", "draft"))
        .await;
    assert_eq!(draft.status, 201);

    let index = xml(&app, "/sitemap.xml").await;
    assert!(index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let pages = all(&index, "loc");
    assert_eq!(
        pages,
        [
            "https://api.news.example/sitemaps/articles-1.xml",
            "https://api.news.example/sitemaps/articles-2.xml"
        ],
        "three public articles, two to a page; the draft is not counted"
    );
    let mut listed = Vec::new();
    for (page, lastmod) in pages.iter().zip(all(&index, "lastmod")) {
        let path = page.trim_start_matches("https://api.news.example");
        let body = xml(&app, path).await;
        // The page's lastmod is its newest article's.
        let newest = all(&body, "lastmod").into_iter().max().unwrap();
        assert_eq!(lastmod, newest);
        listed.extend(all(&body, "loc"));
    }
    listed.sort();
    let mut expected: Vec<String> = ARTICLES
        .iter()
        .map(|id| format!("https://news.example/{id}"))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);

    // lastmod follows updated_at.
    let id = ARTICLES[0];
    let updated = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &key,
            &json!({"summary": "Now."}),
        )
        .await
        .json()["data"]["updated_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut found = false;
    for n in 1..=2 {
        let body = xml(&app, &format!("/sitemaps/articles-{n}.xml")).await;
        if let Some(entry) = body.split("<url>").find(|u| u.contains(id)) {
            let lastmod = &all(entry, "lastmod")[0];
            let (a, b) = (
                chrono::DateTime::parse_from_rfc3339(lastmod).unwrap(),
                chrono::DateTime::parse_from_rfc3339(&updated).unwrap(),
            );
            assert_eq!(a, b);
            found = true;
        }
    }
    assert!(found);

    for missing in [
        "/sitemaps/articles-3.xml",
        "/sitemaps/articles-0.xml",
        "/sitemaps/articles-x.xml",
    ] {
        assert_problem(&app.get(missing).await, 404);
    }
}

#[actix_web::test]
async fn the_news_sitemap_holds_the_last_two_days() {
    let app = app(None).await;
    // The fixtures are from 2024: too old for news.
    let empty = xml(&app, "/sitemap-news.xml").await;
    assert!(all(&empty, "loc").is_empty());

    let key = app.key(Role::Editor, "desk");
    let fresh = app
        .write(
            "POST",
            "/v1/articles",
            &key,
            &article("Fresh news", "published"),
        )
        .await;
    assert_eq!(fresh.status, 201);
    let id = fresh.json()["data"]["id"].as_str().unwrap().to_owned();
    app.write("POST", "/v1/articles", &key, &article("Not yet", "draft"))
        .await;

    let news = xml(&app, "/sitemap-news.xml").await;
    assert!(news.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
    // Without a template, the API's URL, from the configured public URL.
    assert_eq!(
        all(&news, "loc"),
        [format!("https://api.news.example/v1/articles/{id}")]
    );
    assert_eq!(all(&news, "news:name"), ["Example &amp; Sons News"]);
    assert_eq!(all(&news, "news:language"), ["pt"]);
    assert_eq!(all(&news, "news:title"), ["Fresh news"]);
    chrono::DateTime::parse_from_rfc3339(&all(&news, "news:publication_date")[0]).unwrap();
}

#[actix_web::test]
async fn sitemaps_are_in_the_openapi_description() {
    let app = app(None).await;
    let doc = app.get_ok("/openapi.json").await;
    for path in [
        "/sitemap.xml",
        "/sitemaps/articles-{page}.xml",
        "/sitemap-news.xml",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    assert_problem(&app.request("POST", "/sitemap.xml", &[]).await, 405);
}

#[actix_web::test]
async fn the_news_sitemap_drops_an_article_when_it_leaves_the_window_without_a_write() {
    let app = app(None).await;
    let key = app.key(Role::Editor, "desk");
    // Published two days ago but for eight seconds: it leaves the window with no
    // write to purge what a cache holds.
    let leaves = chrono::Utc::now() + chrono::Duration::seconds(8);
    let mut body = article("Leaving soon", "published");
    body["published_at"] = json!((leaves - chrono::Duration::hours(48)).to_rfc3339());
    let created = app.write("POST", "/v1/articles", &key, &body).await;
    assert_eq!(created.status, 201);

    // Asked for three times: the response cache keeps it from the second on.
    for _ in 0..3 {
        assert_eq!(
            all(&xml(&app, "/sitemap-news.xml").await, "news:title"),
            ["Leaving soon"]
        );
    }
    let reply = app.get("/sitemap-news.xml").await;
    assert_eq!(reply.header("x-cache"), Some("hit"));
    // It says when it stops being true, to the second.
    let expires = reply.header("expires").expect("an Expires header");
    let expires = chrono::DateTime::parse_from_rfc2822(&expires.replace("GMT", "+0000")).unwrap();
    assert_eq!(expires.timestamp(), leaves.timestamp());

    // Past that moment, no cache answers with it.
    let wait = (expires.timestamp_millis() - chrono::Utc::now().timestamp_millis()).max(0);
    tokio::time::sleep(std::time::Duration::from_millis(wait as u64 + 1_100)).await;
    assert!(all(&xml(&app, "/sitemap-news.xml").await, "news:title").is_empty());
}
