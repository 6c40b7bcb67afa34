//! Background tasks: they report to `/readyz`, and scheduled publication writes
//! nothing while nothing falls due.

use std::time::Duration;

use crate::helpers::{TestApp, spawn_app};

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
