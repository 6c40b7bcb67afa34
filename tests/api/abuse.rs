//! Abuse costs the abuser: quotas by the client's real address (as trusted proxies
//! report it), IPv6 by /64, and failed keys counted too.

use crate::helpers::{TestApp, assert_problem, spawn_app_with};

async fn limited(trusted: &[&str]) -> TestApp {
    let trusted: Vec<_> = trusted
        .iter()
        .map(|t| newsdesk::http::origin::parse_network(t).unwrap())
        .collect();
    spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.rate_limit = 2;
        s.trusted_proxies = trusted;
    })
    .await
}

async fn status_from(app: &TestApp, forwarded_for: &str) -> u16 {
    app.request("GET", "/v1/topics", &[("X-Forwarded-For", forwarded_for)])
        .await
        .status
        .as_u16()
}

#[actix_web::test]
async fn forwarded_addresses_from_untrusted_peers_are_ignored() {
    let app = limited(&[]).await;
    assert_eq!(status_from(&app, "203.0.113.1").await, 200);
    assert_eq!(status_from(&app, "203.0.113.2").await, 200);
    // A new forged address each time does not buy a new quota.
    let reply = app
        .request("GET", "/v1/topics", &[("X-Forwarded-For", "203.0.113.3")])
        .await;
    assert_problem(&reply, 429);
    assert!(reply.header("retry-after").is_some());
}

#[actix_web::test]
async fn a_trusted_proxy_names_the_client() {
    let app = limited(&["127.0.0.0/8"]).await;
    assert_eq!(status_from(&app, "203.0.113.1").await, 200);
    assert_eq!(status_from(&app, "203.0.113.1").await, 200);
    assert_eq!(status_from(&app, "203.0.113.1").await, 429);
    assert_eq!(status_from(&app, "203.0.113.2").await, 200);
    // Hops left of the last untrusted one are the client's own words.
    assert_eq!(status_from(&app, "198.51.100.7, 203.0.113.1").await, 429);
    let forwarded = app
        .request("GET", "/v1/topics", &[("Forwarded", "for=203.0.113.2")])
        .await;
    assert_eq!(forwarded.status, 200);
    let forwarded = app
        .request("GET", "/v1/topics", &[("Forwarded", "for=203.0.113.2")])
        .await;
    assert_eq!(forwarded.status, 429);
}

#[actix_web::test]
async fn ipv6_clients_are_counted_per_64() {
    let app = limited(&["127.0.0.1"]).await;
    assert_eq!(status_from(&app, "2001:db8:0:1::1").await, 200);
    assert_eq!(status_from(&app, "2001:db8:0:1::2").await, 200);
    assert_eq!(status_from(&app, "2001:db8:0:1:ffff::3").await, 429);
    assert_eq!(status_from(&app, "2001:db8:0:2::1").await, 200);
}

#[actix_web::test]
async fn refused_keys_spend_the_senders_quota() {
    let app = limited(&[]).await;
    let bogus = [("Authorization", "Bearer nd_guess_0000")];
    assert_problem(&app.request("GET", "/v1/topics", &bogus).await, 401);
    assert_problem(&app.request("GET", "/v1/topics", &bogus).await, 401);
    // The third guess in the minute is over the anonymous quota of 2.
    let reply = app.request("GET", "/v1/topics", &bogus).await;
    assert_problem(&reply, 429);
    assert!(reply.header("retry-after").is_some());
    // And so is an anonymous request from the same address.
    assert_problem(&app.get("/v1/topics").await, 429);
    // A valid key is never slowed by it: editors have no quota.
    let key = app.key(crate::helpers::Role::Editor, "desk");
    let auth = format!("Bearer {key}");
    let editor = app
        .request("GET", "/v1/topics", &[("Authorization", &auth)])
        .await;
    assert_eq!(editor.status, 200);
}

#[actix_web::test]
async fn prefixes_need_two_characters() {
    let app = crate::helpers::spawn_app().await;
    for path in [
        "/v1/articles?q=l*",
        "/v1/quotes?q=b*",
        "/v1/search?q=belarus%20a*",
        "/v1/search?q=%22food%20s%22*",
        "/v1/participants?q=%C3%A9*",
    ] {
        let problem = assert_problem(&app.get(path).await, 400);
        assert_eq!(problem["errors"][0]["field"], "q", "{path}: {problem}");
    }
    let found = app.get_ok("/v1/participants?q=lu*").await;
    assert!(
        found["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "aleksandr-lukashenko"),
        "{found}"
    );
    let search = app.get_ok("/v1/search?q=sc*").await;
    assert!(!search["data"].as_array().unwrap().is_empty(), "{search}");
}

#[actix_web::test]
async fn a_read_past_its_deadline_is_a_503_to_retry() {
    // A deadline of zero: every statement is past it at its first look at the clock,
    // so each read below stops as a query made to run long would.
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.statement_timeout_ms = 0;
    })
    .await;
    for path in [
        "/v1/search?q=lukashenko",
        "/v1/articles?q=summit&facet=topic,participant,event&count=true",
        "/v1/quotes?include=speaker&facet=speaker",
        "/v1/feeds/articles.rss",
    ] {
        let reply = app.get(path).await;
        let problem = assert_problem(&reply, 503);
        assert_eq!(problem["type"], "/problems/unavailable", "{path}");
        assert_eq!(reply.header("retry-after"), Some("1"), "{path}");
    }
    // The process itself is fine.
    assert_eq!(app.get("/healthz").await.status, 200);
}
