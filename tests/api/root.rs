//! The API root: an index of what is served for JSON clients, the docs for browsers.

use crate::helpers::{Role, assert_problem, spawn_app};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[actix_web::test]
async fn the_root_links_to_everything_with_relative_paths() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "root");
    for root in ["/", "/v1"] {
        let reply = app.request("GET", root, &[("Accept", "*/*")]).await;
        assert_eq!(reply.status, 200, "{root}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let index = reply.json();
        assert_eq!(index["name"], "newsdesk");
        assert_eq!(index["version"], env!("CARGO_PKG_VERSION"));
        let links = index["links"].as_object().unwrap();
        for name in [
            "articles",
            "quotes",
            "participants",
            "events",
            "topics",
            "search",
            "changes",
            "docs",
            "openapi",
            "health",
        ] {
            assert!(links.contains_key(name), "{root} links {name}");
        }
        for (name, link) in links {
            let href = link["href"].as_str().unwrap();
            assert!(
                href.starts_with('/') && !href.contains("://"),
                "{name}: {href}"
            );
            assert!(!link["description"].as_str().unwrap().is_empty(), "{name}");
            // Every link leads somewhere (search wants a `q`, but is there).
            let bearer = format!("Bearer {key}");
            let there = app
                .request("GET", href, &[("Authorization", &bearer)])
                .await;
            assert_ne!(there.status, 404, "{name}: {href}");
            assert!(there.status.as_u16() < 500, "{name}: {href}");
        }
    }
    assert_eq!(app.get_ok("/").await, app.get_ok("/v1").await);
    // No `Accept` at all is a JSON client too.
    assert_eq!(app.get("/").await.status, 200);
}

#[actix_web::test]
async fn a_browser_is_sent_to_the_docs() {
    let app = spawn_app().await;
    for root in ["/", "/v1"] {
        let reply = app.request("GET", root, &[("Accept", BROWSER)]).await;
        assert_eq!(reply.status, 303, "{root}");
        assert_eq!(reply.header("location"), Some("/docs/"));
        assert!(reply.header("vary").unwrap().contains("Accept"));
        let docs = app.request("GET", "/docs/", &[("Accept", BROWSER)]).await;
        assert_eq!(docs.status, 200);
    }
    // JSON asked for, or a tie, gets JSON; and that answer varies by `Accept` too.
    for accept in [
        "application/json",
        "text/html, application/json",
        "application/*",
    ] {
        let reply = app.request("GET", "/", &[("Accept", accept)]).await;
        assert_eq!(reply.status, 200, "{accept}");
        assert!(reply.header("vary").unwrap().contains("Accept"), "{accept}");
    }
}

#[actix_web::test]
async fn the_root_is_cacheable_like_any_read() {
    let app = spawn_app().await;
    for root in ["/", "/v1"] {
        let first = app.get(root).await;
        let etag = first.header("etag").expect("an ETag").to_owned();
        assert!(first.header("cache-control").unwrap().starts_with("public"));
        let again = app.request("GET", root, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{root}");
        assert!(again.body.is_empty());
        let head = app.request("HEAD", root, &[]).await;
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
    }
    let wrong = app.request("DELETE", "/", &[]).await;
    assert_problem(&wrong, 405);
    assert!(wrong.header("allow").unwrap().contains("GET"));
}

#[actix_web::test]
async fn an_unknown_path_points_to_the_root() {
    let app = spawn_app().await;
    let problem = assert_problem(&app.get("/v2").await, 404);
    assert!(
        problem["detail"].as_str().unwrap().contains("`/`"),
        "{problem}"
    );
}
