//! Links come from configuration: no header a client sends can put its host into a
//! response, and so none can reach the shared response cache.

use std::io::{Read, Write};

use crate::helpers::{ARTICLES, EVENTS, PARTICIPANTS, TestApp, spawn_app, spawn_app_with};

const ATTACKER: &str = "attacker.invalid";

/// Every form of forwarded or host header a client can send.
const FORMS: &[(&str, &str)] = &[
    ("Forwarded", "host=attacker.invalid;proto=gopher"),
    ("Forwarded", "for=192.0.2.1;host=\"attacker.invalid:8443\""),
    ("X-Forwarded-Host", "attacker.invalid"),
    ("X-Forwarded-Proto", "gopher"),
    ("X-Forwarded-Host", "attacker.invalid:8443"),
    ("Host", "attacker.invalid"),
];

/// Every route that writes a URL into its response (body or `Link`).
async fn url_routes(app: &TestApp) -> Vec<String> {
    let quote = app.get_ok("/v1/quotes?limit=1").await["data"][0]["id"]
        .as_str()
        .expect("a quote")
        .to_owned();
    let mut routes: Vec<String> = ["articles", "quotes"]
        .iter()
        .flat_map(|feed| ["rss", "atom", "json"].map(|f| format!("/v1/feeds/{feed}.{f}")))
        .collect();
    for format in ["jsonld", "ninjs"] {
        routes.push(format!("/v1/articles/{}?format={format}", ARTICLES[0]));
    }
    routes.push(format!("/v1/quotes/{quote}?format=jsonld"));
    routes.push(format!(
        "/v1/participants/{}?format=jsonld",
        PARTICIPANTS[0]
    ));
    routes.push(format!("/v1/events/{}?format=jsonld", EVENTS[0]));
    for list in ["articles", "quotes", "participants", "events"] {
        routes.push(format!("/v1/{list}?limit=1"));
    }
    routes.push("/v1/search?q=lukashenko&limit=1".to_owned());
    routes
}

fn assert_clean(what: &str, text: &str) {
    let text = text.to_ascii_lowercase();
    assert!(
        !text.contains(ATTACKER) && !text.contains("gopher:"),
        "{what} carries the attacker's host: {text}"
    );
}

/// Sends a request with an absolute-form target (`GET http://host/path`), which
/// names a host of its own, over a plain socket.
fn absolute_form(app: &TestApp, path: &str) -> String {
    let authority = app.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(authority).expect("connects");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET http://{ATTACKER}{path} HTTP/1.1\r\nHost: {ATTACKER}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("answer read");
    String::from_utf8_lossy(&response).into_owned()
}

#[actix_web::test]
async fn no_forwarded_or_host_header_reaches_a_link() {
    let app = spawn_app().await;
    for route in url_routes(&app).await {
        for (name, value) in FORMS {
            // Twice: a response is cached from its second request.
            for _ in 0..2 {
                let reply = app.request("GET", &route, &[(name, value)]).await;
                assert_eq!(reply.status, 200, "{route} with {name}");
                assert_clean(&route, &String::from_utf8_lossy(&reply.body));
                assert_clean(&route, reply.header("link").unwrap_or(""));
            }
        }
        for _ in 0..2 {
            assert_clean(&route, &absolute_form(&app, &route));
        }
        let clean = app.get(&route).await;
        assert_eq!(clean.status, 200, "{route}");
        assert_clean(&route, &String::from_utf8_lossy(&clean.body));
        assert_clean(&route, clean.header("link").unwrap_or(""));
        // The address the server listens on stands in for a public URL.
        let body = String::from_utf8_lossy(&clean.body);
        if route.contains("/feeds/") || route.contains("format=") {
            assert!(body.contains(&app.base), "{route}: {body}");
        }
        if let Some(link) = clean.header("link") {
            assert!(
                link.starts_with("</v1/"),
                "{route}: relative `Link`: {link}"
            );
        }
    }
}

#[actix_web::test]
async fn the_public_url_is_the_one_source_of_links() {
    let public = "https://news.example.org";
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.public_url = Some(public.to_owned());
    })
    .await;
    for route in url_routes(&app).await {
        let reply = app
            .request("GET", &route, &[("X-Forwarded-Host", ATTACKER)])
            .await;
        let body = String::from_utf8_lossy(&reply.body);
        assert_clean(&route, &body);
        assert!(!body.contains(&app.base), "{route}: {body}");
        if route.contains("/feeds/") || route.contains("format=") {
            assert!(body.contains(public), "{route}: {body}");
        }
        if let Some(link) = reply.header("link") {
            assert!(link.starts_with(&format!("<{public}/v1/")), "{link}");
        }
    }
}

#[actix_web::test]
async fn responses_vary_by_what_they_depend_on() {
    let app = spawn_app().await;
    let reply = app.get("/v1/articles").await;
    let vary = reply.header("vary").expect("Vary");
    for name in ["Accept", "Accept-Encoding", "Authorization"] {
        assert!(vary.split(", ").any(|v| v == name), "{vary}");
    }
    // Nothing else of the request changes a response: not its host.
    assert!(
        !vary.contains("Host") && !vary.contains("Forwarded"),
        "{vary}"
    );
}
