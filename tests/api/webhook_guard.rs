//! Webhooks cannot reach inside the network, follow no redirect, report failures
//! by class only, and a slow receiver delays only itself.

use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, spawn_app, spawn_app_in};
use crate::webhooks::{Receiver, spawn_app_delivering_locally, subscribe};

/// A public change, delivered to every subscription.
async fn touch(app: &TestApp, key: &str, n: u32) {
    let reply = app
        .write(
            "PATCH",
            "/v1/participants/belarus",
            key,
            &json!({"aliases": [format!("Republic of Belarus {n}")]}),
        )
        .await;
    assert_eq!(reply.status, 200);
}

/// Waits (at most 10 s) until the webhook `id` records a failure; returns its state.
async fn failed_delivery(app: &TestApp, key: &str, id: &str) -> Value {
    let auth = format!("Bearer {key}");
    for _ in 0..100 {
        let hook = app
            .request(
                "GET",
                &format!("/v1/webhooks/{id}"),
                &[("Authorization", &auth)],
            )
            .await
            .json();
        if !hook["data"]["delivery"]["last_error"].is_null() {
            return hook["data"]["delivery"].clone();
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no delivery failed");
}

#[actix_web::test]
async fn internal_destinations_are_refused_at_registration_in_every_spelling() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    for url in [
        "http://127.0.0.1/hook",
        "http://127.1/hook",
        "http://0x7f000001/hook",
        "http://2130706433/hook",
        "http://017700000001/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.10:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://LOCALHOST./hook",
        "http://api.localhost/hook",
    ] {
        let reply = app
            .write("POST", "/v1/webhooks", &key, &json!({"url": url}))
            .await;
        let problem = assert_problem(&reply, 422);
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("refused: "), "{url}: {message}");
    }
    // A public address is fine (nothing is sent until a change happens).
    subscribe(&app, &key, "http://93.184.216.34/hook", json!([])).await;
}

#[actix_web::test]
async fn deliveries_check_the_address_they_connect_to() {
    // Registered while internal addresses were allowed; the server then restarts
    // without that: the name resolves to loopback, and nothing is sent.
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let key = app.key(Role::Editor, "desk");
    let receiver = Receiver::default();
    let url = receiver.start().replace("127.0.0.1", "localhost");
    let hook = subscribe(&app, &key, &url, json!([])).await;
    let app = spawn_app_in(app.stop().await).await;
    touch(&app, &key, 1).await;
    let delivery = failed_delivery(&app, &key, hook["id"].as_str().unwrap()).await;
    assert_eq!(delivery["last_error"], "refused: loopback address");
    assert!(receiver.received.lock().unwrap().is_empty());
}

#[actix_web::test]
async fn redirects_are_not_followed_and_answers_are_not_reported() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let key = app.key(Role::Editor, "desk");
    let inside = Receiver::default();
    let redirecting = Receiver::default();
    *redirecting.redirect.lock().unwrap() = Some(inside.start());
    let hook = subscribe(&app, &key, &redirecting.start(), json!([])).await;
    touch(&app, &key, 1).await;
    let delivery = failed_delivery(&app, &key, hook["id"].as_str().unwrap()).await;
    assert_eq!(
        delivery["last_error"],
        "HTTP 302 (redirects are not followed)"
    );
    assert_eq!(redirecting.received.lock().unwrap().len(), 1);
    assert!(inside.received.lock().unwrap().is_empty(), "not followed");

    // A closed port: the class of failure, nothing more.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let hook = subscribe(&app, &key, &url, json!([])).await;
    touch(&app, &key, 2).await;
    let delivery = failed_delivery(&app, &key, hook["id"].as_str().unwrap()).await;
    assert_eq!(delivery["last_error"], "connection refused");
}

#[actix_web::test]
async fn a_slow_receiver_delays_only_itself() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let key = app.key(Role::Editor, "desk");
    let slow = Receiver::default();
    slow.hold.store(true, Ordering::SeqCst);
    let fast = Receiver::default();
    subscribe(&app, &key, &slow.start(), json!([])).await;
    subscribe(&app, &key, &fast.start(), json!([])).await;
    touch(&app, &key, 1).await;
    fast.wait_for(1).await;
    for _ in 0..100 {
        if !slow.received.lock().unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        slow.received.lock().unwrap().len(),
        1,
        "the slow one is busy"
    );
    // The slow receiver still holds its first delivery; the fast one gets the next.
    touch(&app, &key, 2).await;
    assert_eq!(fast.wait_for(2).await.len(), 2);
    assert_eq!(slow.received.lock().unwrap().len(), 1);
    assert!(slow.hold.load(Ordering::SeqCst));
    slow.hold.store(false, Ordering::SeqCst);
    slow.wait_for(2).await;
}
