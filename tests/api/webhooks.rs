//! Webhooks: signed deliveries of every change, retried, surviving a restart.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use tempfile::TempDir;

use crate::helpers::{Role, TestApp, assert_problem, spawn_app, spawn_app_with};

/// One request received: delivery id, signature, body.
type Received = (String, String, Vec<u8>);

/// A partner's endpoint: records what it receives, and fails while `failures` > 0.
/// While `hold` is set it answers only when released (or after 8 s); with a
/// `redirect`, it answers 302 to there.
#[derive(Clone, Default)]
pub(crate) struct Receiver {
    pub(crate) received: Arc<Mutex<Vec<Received>>>,
    pub(crate) failures: Arc<AtomicUsize>,
    pub(crate) hold: Arc<AtomicBool>,
    pub(crate) redirect: Arc<Mutex<Option<String>>>,
}

/// A server that may deliver to the loopback receivers of these tests.
pub(crate) async fn spawn_app_delivering_locally(dir: TempDir) -> TestApp {
    spawn_app_with(dir, |s| s.webhook_allow_private = true).await
}

async fn receive(req: HttpRequest, body: web::Bytes, rx: web::Data<Receiver>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    rx.received.lock().unwrap().push((
        header("x-newsdesk-delivery"),
        header("x-newsdesk-signature"),
        body.to_vec(),
    ));
    for _ in 0..80 {
        if !rx.hold.load(Ordering::SeqCst) {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    if let Some(to) = rx.redirect.lock().unwrap().clone() {
        return HttpResponse::Found()
            .insert_header(("Location", to))
            .body("secret internal page");
    }
    if rx.failures.load(Ordering::SeqCst) > 0 {
        rx.failures.fetch_sub(1, Ordering::SeqCst);
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::NoContent().finish()
}

impl Receiver {
    pub(crate) fn start(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let data = web::Data::new(self.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        url
    }

    /// Waits until `count` requests have arrived and none is left to fail.
    pub(crate) async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..100 {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= count && self.failures.load(Ordering::SeqCst) == 0 {
                return got;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no delivery arrived: {:?}",
            self.received.lock().unwrap().len()
        );
    }
}

pub(crate) async fn subscribe(app: &TestApp, key: &str, url: &str, types: Value) -> Value {
    let reply = app
        .write(
            "POST",
            "/v1/webhooks",
            key,
            &json!({"url": url, "types": types}),
        )
        .await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["data"].clone()
}

fn signed(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

const ARTICLE: &str = "/v1/articles/lukashenko-meets-antonio-guterres";

#[actix_web::test]
async fn each_change_is_posted_signed_and_in_order() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let key = app.key(Role::Editor, "desk");
    let receiver = Receiver::default();
    let hook = subscribe(&app, &key, &receiver.start(), json!(["article"])).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let read = app
        .request(
            "GET",
            &format!("/v1/webhooks/{}", hook["id"].as_str().unwrap()),
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await
        .json();
    assert!(
        read["data"].get("secret").is_none(),
        "the secret is shown once"
    );

    app.write(
        "PATCH",
        "/v1/participants/belarus",
        &key,
        &json!({"aliases": ["Republic of Belarus"]}),
    )
    .await;
    app.write("PATCH", ARTICLE, &key, &json!({"summary": "One."}))
        .await;
    app.write(
        "PATCH",
        ARTICLE,
        &key,
        &json!({"summary": "Two.", "correction_note": "Fixed."}),
    )
    .await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "participants are not subscribed to");
    let mut seqs = Vec::new();
    for (delivery, signature, body) in &got {
        assert_eq!(
            signature,
            &signed(&secret, body),
            "the signature is the HMAC of the raw body"
        );
        let payload: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(&payload["delivery"], delivery);
        assert_eq!(payload["change"]["type"], "article");
        seqs.push(payload["change"]["seq"].as_i64().unwrap());
    }
    assert!(seqs[0] < seqs[1]);
    let last: Value = serde_json::from_slice(&got[1].2).unwrap();
    assert_eq!(last["change"]["reason"], "corrected");
    assert_eq!(last["change"]["data"]["summary"], "Two.");
}

#[actix_web::test]
async fn a_failed_delivery_is_retried_and_survives_a_restart() {
    let app = spawn_app_delivering_locally(tempfile::tempdir().unwrap()).await;
    let key = app.key(Role::Editor, "desk");
    let receiver = Receiver::default();
    receiver.failures.store(1_000, Ordering::SeqCst);
    subscribe(&app, &key, &receiver.start(), json!([])).await;
    let write = app
        .write(
            "PATCH",
            ARTICLE,
            &key,
            &json!({"summary": "Kept for later."}),
        )
        .await;
    assert_eq!(write.status, 200, "the write does not wait for the webhook");
    for _ in 0..50 {
        if !receiver.received.lock().unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let dir = app.stop().await;
    let first = receiver.received.lock().unwrap().len();
    assert!(first >= 1, "it was attempted");

    // The endpoint recovers while the server is down; the delivery resumes on restart.
    receiver.failures.store(1, Ordering::SeqCst);
    let app = spawn_app_delivering_locally(dir).await;
    let got = receiver.wait_for(first + 2).await;
    let ids: Vec<&String> = got.iter().map(|(d, _, _)| d).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "the same delivery until it succeeds: {ids:?}"
    );
    drop(app);
}

#[actix_web::test]
async fn subscriptions_are_for_editors_and_checked() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let problem = assert_problem(
        &app.write(
            "POST",
            "/v1/webhooks",
            &key,
            &json!({"url": "ftp://x", "types": ["topic"]}),
        )
        .await,
        422,
    );
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let partner = app.key(Role::Partner, "partner");
    assert_problem(
        &app.write(
            "POST",
            "/v1/webhooks",
            &partner,
            &json!({"url": "https://partner.example/h"}),
        )
        .await,
        403,
    );
    assert_problem(&app.get("/v1/webhooks").await, 401);
    let hook = subscribe(&app, &key, "https://partner.example/h", json!([])).await;
    let auth = format!("Bearer {key}");
    let path = format!("/v1/webhooks/{}", hook["id"].as_str().unwrap());
    assert_eq!(
        app.request("DELETE", &path, &[("Authorization", &auth)])
            .await
            .status,
        204
    );
    assert_problem(
        &app.request("GET", &path, &[("Authorization", &auth)]).await,
        404,
    );
}
