//! The database file: created and seeded once, reused after.

use crate::helpers::{spawn_app, spawn_app_in};

fn seeded_at(app: &crate::helpers::TestApp) -> String {
    let conn = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'seeded_at'", [], |r| {
        r.get(0)
    })
    .unwrap()
}

#[actix_web::test]
async fn a_restart_keeps_the_data_and_does_not_seed_twice() {
    let app = spawn_app().await;
    let before = app.get_ok("/v1/quotes?limit=100").await;
    let first_seed = seeded_at(&app);
    let dir = app.stop().await;

    let app = spawn_app_in(dir).await;
    assert_eq!(
        seeded_at(&app),
        first_seed,
        "the fixtures were loaded again"
    );
    let after = app.get_ok("/v1/quotes?limit=100").await;
    assert_eq!(before, after);
    assert_eq!(app.ids("/v1/articles").await.len(), 3);
}

#[actix_web::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let app = spawn_app().await;
    let conn = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0);
}
