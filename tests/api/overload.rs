//! Load shedding: past `--max-in-flight` API requests, the next is answered 503 with
//! `Retry-After` at once, while the service endpoints go on answering.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::helpers::{Role, assert_problem, spawn_app_with};

#[actix_web::test]
async fn past_the_cap_requests_are_shed_with_503_and_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir, |s| s.max_in_flight = 1).await;
    let key = app.key(Role::Editor, "desk");

    // A write whose body is still on its way holds the one slot.
    let body = br#"{"kind": "person", "name": "Held Up"}"#;
    let mut held = TcpStream::connect(app.base.trim_start_matches("http://")).unwrap();
    write!(
        held,
        "PUT /v1/participants/held-up HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    held.write_all(&body[..10]).unwrap();
    held.flush().unwrap();

    // The server takes the held request's slot as soon as it has read its head.
    let mut shed = None;
    for _ in 0..1000 {
        let reply = app.get("/v1/topics").await;
        if reply.status.as_u16() == 503 {
            shed = Some(reply);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    let reply = shed.unwrap_or_else(|| {
        held.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut early = Vec::new();
        let _ = held.read_to_end(&mut early);
        panic!(
            "no request was shed; the held one got: {}",
            String::from_utf8_lossy(&early)
        )
    });
    let problem = assert_problem(&reply, 503);
    assert_eq!(problem["type"], "/problems/overloaded");
    assert_eq!(reply.header("retry-after"), Some("1"));
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(app.get(path).await.status.as_u16(), 200, "{path}");
    }

    // The held request completes, and gives its slot back.
    held.write_all(&body[10..]).unwrap();
    held.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = [0u8; 12];
    held.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 201");
    drop(held);
    assert_eq!(app.get("/v1/topics").await.status.as_u16(), 200);
    assert_eq!(
        app.get_ok("/v1/participants/held-up").await["data"]["name"],
        "Held Up"
    );
}

#[actix_web::test]
async fn zero_means_no_cap() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir, |s| s.max_in_flight = 0).await;
    let replies = futures_util::future::join_all((0..20).map(|_| app.get("/v1/articles"))).await;
    assert!(replies.iter().all(|r| r.status.as_u16() == 200));
}
