//! Background tasks: they report to `/readyz`, which fails while one keeps
//! panicking, and scheduled publication writes nothing while nothing falls due.

use std::time::Duration;

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// The rounds `/readyz` reports for the task `name`.
async fn rounds(app: &TestApp, name: &str) -> u64 {
    let ready = app.get_ok("/readyz").await;
    assert_eq!(ready["tasks"][name]["restarts"], 0);
    ready["tasks"][name]["rounds"].as_u64().unwrap()
}

/// Waits (at most 20 s) until the task `name` has finished `more` further rounds.
async fn rounds_pass(app: &TestApp, name: &str, more: u64) {
    let start = rounds(app, name).await;
    for _ in 0..200 {
        if rounds(app, name).await >= start + more {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} stopped");
}

#[actix_web::test]
async fn publication_writes_nothing_when_nothing_is_due() {
    let app = spawn_app().await;
    rounds_pass(&app, "webhooks", 1).await;
    let db = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    let version = || -> i64 {
        db.query_row("PRAGMA data_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = version();
    rounds_pass(&app, "publication", 3).await;
    assert_eq!(version(), before, "no commit by anyone");
}

#[actix_web::test]
async fn a_task_that_keeps_panicking_takes_the_instance_out_of_rotation() {
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.panic_in_task = Some("publication");
    })
    .await;
    for _ in 0..200 {
        let ready = app.get("/readyz").await;
        if ready.status == 503 {
            let problem = assert_problem(&ready, 503);
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("publication"), "{detail}");
            assert!(
                !detail.contains("webhooks"),
                "the other task runs on: {detail}"
            );
            // The server still serves, and the task is retried, not abandoned.
            assert_eq!(app.get("/v1/articles").await.status, 200);
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/readyz never noticed");
}
