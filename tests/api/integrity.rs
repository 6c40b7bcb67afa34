//! `newsdesk check`: a sound database passes; each kind of damage is found, named and
//! makes it exit non-zero.

use crate::helpers::{Role, spawn_app};
use crate::upgrade::newsdesk;

/// A stopped server's database after a few writes, and its path.
async fn written_database() -> (tempfile::TempDir, String) {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let reply = app
        .write(
            "PATCH",
            "/v1/participants/belarus",
            &key,
            &serde_json::json!({"aliases": ["Republic of Belarus"]}),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200);
    let dir = app.stop().await;
    let db = dir.path().join("newsdesk.db").to_str().unwrap().to_owned();
    (dir, db)
}

/// Runs `newsdesk check` and returns whether it passed, and what it said.
fn check(db: &str) -> (bool, String) {
    let out = newsdesk(&["check", "--db", db]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Damages the database with `sql`, run with foreign keys off as a careless tool would.
fn damage(db: &str, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute_batch(sql).unwrap();
}

#[actix_web::test]
async fn a_sound_database_passes_every_check() {
    let (_dir, db) = written_database().await;
    let (passed, report) = check(&db);
    assert!(passed, "{report}");
    for name in [
        "SQLite integrity",
        "references",
        "full-text index articles_fts",
        "full-text index quotes_fts",
        "change log continuity",
        "change log covers the content",
        "webhook outbox positions",
        "article links in publication order",
        "stored article documents",
    ] {
        assert!(report.contains(&format!("ok\t{name}")), "{name}: {report}");
    }
    assert!(
        !report.contains("(0 compared") && report.contains(", 0 of another build"),
        "every stored document is compared: {report}"
    );
}

#[actix_web::test]
async fn each_kind_of_damage_is_found() {
    let cases = [
        (
            "a full-text index out of step with its table",
            "DROP TRIGGER articles_search_unindex; DROP TRIGGER articles_search_reindex;
             UPDATE articles SET headline = 'Unindexed words' WHERE rowid = 1;",
            "FAILED\tfull-text index articles_fts",
        ),
        (
            "a dangling reference",
            "DELETE FROM participants WHERE id = 'xi-jinping';",
            "FAILED\treferences",
        ),
        (
            "a gap in the change log",
            "DELETE FROM changes WHERE seq = 3;",
            "FAILED\tchange log continuity",
        ),
        (
            "content the log does not know",
            "INSERT INTO topics (id, name, updated_at) VALUES ('t', 'T', 0);
             INSERT INTO participants (id, kind, name, updated_at)
             VALUES ('ghost', 'person', 'Ghost', 0);",
            "FAILED\tchange log covers the content",
        ),
        (
            "a webhook waiting past the end of the log",
            "INSERT INTO webhooks (id, url, secret, created_at, next_seq)
             VALUES ('w', 'http://127.0.0.1:9/', 's', 0, 100000);",
            "FAILED\twebhook outbox positions",
        ),
        (
            "a link that lost its article's publication time",
            "DROP TRIGGER articles_published_links;
             UPDATE articles SET published_at = published_at + 60
             WHERE id = 'lukashenko-at-sco-summit-astana';",
            "FAILED\tarticle links in publication order",
        ),
        (
            "a stored document its article changed under",
            "DROP TRIGGER article_documents_article;
             UPDATE articles SET headline = 'Changed by hand'
             WHERE id = 'lukashenko-meets-xi-jinping-astana';",
            "FAILED\tstored article documents",
        ),
    ];
    for (what, sql, finding) in cases {
        let (_dir, db) = written_database().await;
        damage(&db, sql);
        let (passed, report) = check(&db);
        assert!(!passed, "{what} passed: {report}");
        assert!(report.contains(finding), "{what}: {report}");
    }
}

#[test]
fn a_missing_file_is_an_error_not_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = newsdesk(&["check", "--db", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.exists());
}

/// Documents stored under other default rights than the check is given are counted,
/// not compared: the server that runs with those rights writes them again.
#[actix_web::test]
async fn documents_of_other_rights_are_counted_not_compared() {
    let (_dir, db) = written_database().await;
    let out = newsdesk(&["check", "--db", &db, "--copyright-holder", "Another News"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("ok\tstored article documents (0 compared, ")
            && !report.contains(", 0 of another build"),
        "{report}"
    );
}
