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
