//! Upgrades keep data: a database written by the first release opens under this one,
//! migrates and serves what a new database serves; one from a newer release is
//! refused untouched. `tests/data/README.md` says how the old file was made.

use std::path::Path;

use crate::changes::{mirror, served};
use crate::helpers::{TestApp, spawn_app, spawn_app_in};

const FIRST_RELEASE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schema-v1.db");

/// Runs the binary to its end.
pub(crate) fn newsdesk(args: &[&str]) -> std::process::Output {
    crate::lifecycle::newsdesk(args)
        .output()
        .expect("newsdesk runs")
}

/// A copy of the first release's database in a directory of its own.
fn first_release_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(FIRST_RELEASE, dir.path().join("newsdesk.db")).unwrap();
    dir
}

fn path_of(dir: &tempfile::TempDir) -> String {
    dir.path().join("newsdesk.db").to_str().unwrap().to_owned()
}

/// Everything a reader sees: the collections, each article whole, the topics.
async fn content(app: &TestApp) -> Vec<serde_json::Value> {
    let mut all: Vec<_> = served(app).await.into_values().collect();
    all.extend(app.walk("/v1/topics", 100).await);
    for id in app.ids("/v1/articles").await {
        all.push(app.get_ok(&format!("/v1/articles/{id}")).await);
    }
    all
}

#[actix_web::test]
async fn a_first_release_database_migrates_and_serves_the_same_content() {
    let dir = first_release_copy();
    let old = spawn_app_in(dir).await;
    let new = spawn_app().await;
    assert_eq!(content(&old).await, content(&new).await);
    // The content written before the change log existed is in it now, so a mirror
    // of the log equals the API, as on a new database.
    let (copy, _) = mirror(&old, 10).await;
    assert_eq!(copy, served(&old).await);
    let dir = old.stop().await;
    let check = newsdesk(&["check", "--db", &path_of(&dir)]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{report}");
}

#[actix_web::test]
async fn migrate_check_says_what_would_run_and_changes_nothing() {
    let dir = first_release_copy();
    let db = path_of(&dir);
    let before = std::fs::read(&db).unwrap();
    let out = newsdesk(&["migrate", "--check", "--db", &db]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "pending migrations: {said}");
    assert!(said.contains("schema version 1"), "{said}");
    assert!(
        said.contains("Would run: 0002_editorial, 0003_webhooks, 0004_search"),
        "{said}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");

    let out = newsdesk(&["migrate", "--db", &db]);
    assert!(out.status.success());
    let out = newsdesk(&["migrate", "--check", "--db", &db]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Up to date"));
}

fn set_version(db: &Path, version: u32) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
}

#[actix_web::test]
async fn a_database_from_a_newer_release_is_refused_untouched() {
    let dir = first_release_copy();
    let db = dir.path().join("newsdesk.db");
    set_version(&db, 99);
    let before = std::fs::read(&db).unwrap();

    let settings = newsdesk::startup::in_process(db.clone());
    let refused = newsdesk::startup::Application::build(&settings).await;
    let message = refused.err().expect("refused").to_string();
    assert!(message.contains("schema version 99"), "{message}");
    assert!(message.contains("newer"), "{message}");
    for args in [
        vec!["migrate", "--db"],
        vec!["migrate", "--check", "--db"],
        vec!["check", "--db"],
    ] {
        let mut args = args.clone();
        args.push(db.to_str().unwrap());
        let out = newsdesk(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("newer than the"), "{args:?}: {said}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");
    assert!(
        !dir.path().join("newsdesk.db-wal").exists(),
        "a journal was started"
    );
}
