//! HTTP semantics shared by every route.

use crate::helpers::{Role, assert_problem, spawn_app};

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    for path in [
        "/v1/articles",
        "/v1/quotes/lukashenko-wonderful-gift",
        "/healthz",
    ] {
        let get = app.get(path).await;
        let head = app.request("HEAD", path, &[]).await;
        assert_eq!(head.status, get.status, "{path}");
        assert!(head.body.is_empty(), "{path}: HEAD has no body");
        assert_eq!(head.header("content-type"), get.header("content-type"));
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    assert_eq!(app.get_ok("/readyz").await["status"], "ok");
}

#[actix_web::test]
async fn interactive_docs_are_served_from_the_binary() {
    let app = spawn_app().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let page = app.get_decoded("/docs/", &[]).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("swagger-ui"));
    let init = app.get_decoded("/docs/swagger-initializer.js", &[]).await;
    let js = String::from_utf8(init.body).unwrap();
    assert!(js.contains("\"/openapi.json\""), "{js}");
    for asset in ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"] {
        assert_eq!(
            app.get(asset).await.status,
            200,
            "{asset} is served, not fetched from a CDN"
        );
    }
    assert!(!html.contains("https://"), "no asset from the internet");
}

#[actix_web::test]
async fn readiness_fails_when_the_database_is_unusable() {
    let app = spawn_app().await;
    let side = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    side.execute_batch("DROP TABLE meta").unwrap();
    assert_problem(&app.get("/readyz").await, 503);
    assert_eq!(
        app.get_ok("/healthz").await["status"],
        "ok",
        "the process itself is alive"
    );
}

#[actix_web::test]
async fn the_etag_is_the_same_on_two_servers_with_the_same_data() {
    let one = spawn_app().await;
    let two = spawn_app().await;
    for path in [
        "/v1/articles",
        "/v1/quotes/lukashenko-wonderful-gift",
        "/v1/events?kind=meeting",
    ] {
        let a = one.get(path).await;
        let b = two.get(path).await;
        let tag = a.header("etag").expect("ETag");
        assert!(
            tag.starts_with('"') && tag.ends_with('"'),
            "a strong tag: {tag}"
        );
        assert_eq!(Some(tag), b.header("etag"), "{path}");
        assert_ne!(
            a.header("etag"),
            one.get("/v1/articles?limit=1").await.header("etag")
        );
    }
}

#[actix_web::test]
async fn conditional_gets_answer_304_without_a_body() {
    let app = spawn_app().await;
    let path = "/v1/articles/lukashenko-meets-xi-jinping-astana";
    let first = app.get(path).await;
    let tag = first.header("etag").unwrap().to_owned();
    let modified = first
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    assert_eq!(modified, "Fri, 05 Jul 2024 07:00:00 GMT");
    let weak = format!("W/{tag}");
    let listed = format!("\"other\", {tag}");
    for inm in [tag.as_str(), weak.as_str(), listed.as_str(), "*"] {
        let reply = app.request("GET", path, &[("if-none-match", inm)]).await;
        assert_eq!(reply.status.as_u16(), 304, "If-None-Match: {inm}");
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("etag"), Some(tag.as_str()));
        assert!(reply.header("cache-control").is_some());
    }
    let stale = app
        .request("GET", path, &[("if-none-match", "\"stale\"")])
        .await;
    assert_eq!(stale.status.as_u16(), 200);
    let since = app
        .request("GET", path, &[("if-modified-since", &modified)])
        .await;
    assert_eq!(since.status.as_u16(), 304);
    let earlier = app
        .request(
            "GET",
            path,
            &[("if-modified-since", "Thu, 04 Jul 2024 07:00:00 GMT")],
        )
        .await;
    assert_eq!(earlier.status.as_u16(), 200);
    // If-None-Match wins over If-Modified-Since.
    let both = app
        .request(
            "GET",
            path,
            &[
                ("if-none-match", "\"stale\""),
                ("if-modified-since", &modified),
            ],
        )
        .await;
    assert_eq!(both.status.as_u16(), 200);
}

#[actix_web::test]
async fn anonymous_reads_are_cacheable_by_a_cdn() {
    let app = spawn_app().await;
    let reply = app.get("/v1/quotes").await;
    let cache = reply.header("cache-control").expect("Cache-Control");
    for part in [
        "public",
        "max-age=60",
        "s-maxage=300",
        "stale-while-revalidate=600",
    ] {
        assert!(cache.contains(part), "{cache}");
    }
}

#[actix_web::test]
async fn gzip_and_brotli_decode_to_the_same_json() {
    let app = spawn_app().await;
    let path = "/v1/articles?include=quotes";
    let plain = app.get(path).await;
    assert!(plain.header("content-encoding").is_none());
    for coding in ["gzip", "br"] {
        let raw = app
            .request("GET", path, &[("accept-encoding", coding)])
            .await;
        assert_eq!(raw.header("content-encoding"), Some(coding));
        assert!(raw.body.len() < plain.body.len(), "{coding} is smaller");
        assert!(
            raw.header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        );
        let tag = raw.header("etag").unwrap();
        assert!(
            tag.ends_with(&format!("-{coding}\"")),
            "a coding has its own tag: {tag}"
        );
        let decoded = app.get_decoded(path, &[("accept-encoding", coding)]).await;
        assert_eq!(decoded.json(), plain.json(), "{coding}");
        let revalidated = app
            .request(
                "GET",
                path,
                &[("accept-encoding", coding), ("if-none-match", tag)],
            )
            .await;
        assert_eq!(revalidated.status.as_u16(), 304);
    }
    let tiny = app
        .request("GET", "/healthz", &[("accept-encoding", "gzip")])
        .await;
    assert!(
        tiny.header("content-encoding").is_none(),
        "tiny bodies are sent as they are"
    );
}

#[actix_web::test]
async fn cors_answers_preflight_and_exposes_headers() {
    let app = spawn_app().await;
    let preflight = app
        .request(
            "OPTIONS",
            "/v1/articles",
            &[
                ("origin", "https://partner.example"),
                ("access-control-request-method", "GET"),
            ],
        )
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert!(preflight.header("access-control-allow-origin").is_some());
    assert!(
        preflight
            .header("access-control-allow-methods")
            .is_some_and(|m| m.contains("GET"))
    );
    let read = app
        .request(
            "GET",
            "/v1/articles",
            &[("origin", "https://partner.example")],
        )
        .await;
    assert!(read.header("access-control-allow-origin").is_some());
    let exposed = read
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in ["etag", "link", "x-request-id", "ratelimit"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }
}

#[actix_web::test]
async fn options_without_cors_lists_the_methods() {
    let app = spawn_app().await;
    let reply = app
        .request(
            "OPTIONS",
            "/v1/articles/lukashenko-meets-antonio-guterres",
            &[],
        )
        .await;
    assert_eq!(reply.status.as_u16(), 204);
    assert!(reply.header("allow").is_some_and(|a| a.contains("GET")));
}

#[actix_web::test]
async fn every_response_has_a_request_id_and_a_valid_one_is_kept() {
    let app = spawn_app().await;
    let a = app.get("/v1/topics").await;
    let b = app.get("/v1/nowhere").await;
    let (ida, idb) = (
        a.header("x-request-id").unwrap(),
        b.header("x-request-id").unwrap(),
    );
    assert_ne!(ida, idb);
    let kept = app
        .request("GET", "/healthz", &[("x-request-id", "trace-42.abc")])
        .await;
    assert_eq!(kept.header("x-request-id"), Some("trace-42.abc"));
    let replaced = app
        .request("GET", "/healthz", &[("x-request-id", "bad id with spaces")])
        .await;
    assert_ne!(replaced.header("x-request-id"), Some("bad id with spaces"));
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    let count = |text: &str| -> u64 {
        text.lines()
            .find(|l| {
                l.starts_with("newsdesk_http_requests_total{")
                    && l.contains("route=\"/v1/quotes/{id}\"")
                    && l.contains("status=\"200\"")
            })
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or(0)
    };
    let before = count(&String::from_utf8(app.get("/metrics").await.body).unwrap());
    for _ in 0..3 {
        app.get("/v1/quotes/lukashenko-wonderful-gift").await;
    }
    let text = String::from_utf8(app.get("/metrics").await.body).unwrap();
    assert_eq!(count(&text), before + 3);
    assert!(text.contains("newsdesk_http_request_duration_seconds_bucket"));
    assert!(text.contains("newsdesk_db_pool_connections{state=\"open\"}"));
}

#[actix_web::test]
async fn the_response_cache_serves_reads_until_the_next_write() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let path = "/v1/articles/lukashenko-meets-antonio-guterres";
    let first = app.get(path).await;
    assert_eq!(first.header("x-cache"), Some("miss"));
    // Kept from its second request on: one-off requests do not fill the cache.
    assert_eq!(app.get(path).await.header("x-cache"), Some("miss"));
    let second = app.get(path).await;
    assert_eq!(second.header("x-cache"), Some("hit"));
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("etag"), first.header("etag"));
    let tag = first.header("etag").unwrap().to_owned();
    let revalidated = app.request("GET", path, &[("If-None-Match", &tag)]).await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    let gz = app.get_decoded(path, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(
        gz.header("content-encoding"),
        Some("gzip"),
        "codings are kept apart"
    );

    // A write is seen at once.
    let patch = serde_json::json!({"summary": "Fresh."});
    assert_eq!(app.write("PATCH", path, &key, &patch).await.status, 200);
    let after = app.get(path).await;
    assert_eq!(after.header("x-cache"), Some("miss"));
    assert_eq!(after.json()["data"]["summary"], "Fresh.");
    assert_eq!(
        app.request("GET", path, &[("If-None-Match", &tag)])
            .await
            .status,
        200
    );

    // What an editor sees is never cached for others.
    let draft = serde_json::json!({"status": "draft"});
    app.write("PATCH", path, &key, &draft).await;
    let auth = format!("Bearer {key}");
    let editor = app.request("GET", path, &[("Authorization", &auth)]).await;
    assert_eq!(editor.status, 200);
    assert!(editor.header("x-cache").is_none());
    assert_problem(&app.get(path).await, 404);
    assert_problem(&app.get(path).await, 404);
}
