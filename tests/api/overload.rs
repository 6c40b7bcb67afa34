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

    // A write whose body is still on its way holds the one slot. A probe of ours in
    // flight at the moment its head arrives takes the slot first and gets it shed:
    // then it is sent again, until it holds the slot and a probe is the one shed.
    let body = br#"{"kind": "person", "name": "Held Up"}"#;
    let send_held = || {
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
        held
    };
    let mut held = send_held();
    let mut shed = None;
    for _ in 0..1000 {
        let reply = app.get("/v1/topics").await;
        if reply.status.as_u16() == 503 {
            shed = Some(reply);
            break;
        }
        // Answered already: the held request was the one shed.
        held.set_nonblocking(true).unwrap();
        let answered = held.peek(&mut [0u8; 1]).is_ok_and(|n| n > 0);
        held.set_nonblocking(false).unwrap();
        if answered {
            held = send_held();
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    let reply = shed.expect("a request past the cap is shed");
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
