//! `newsdesk backup`: a copy taken while the server writes is consistent, passes
//! `newsdesk check` and serves what was committed when it began.

use serde_json::json;

use crate::helpers::{Role, spawn_app, spawn_app_in};
use crate::upgrade::newsdesk;

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[actix_web::test]
async fn a_backup_taken_while_the_server_writes_is_whole_and_serves() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let db = app.dir.path().join("newsdesk.db");
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("newsdesk.db");

    let person = |n: usize| json!({"kind": "person", "name": format!("Backup Person {n}")});
    for n in 0..5 {
        let reply = app
            .write("POST", "/v1/participants", &key, &person(n))
            .await;
        assert_eq!(
            reply.status,
            201,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    // The backup runs on its own thread while the server goes on taking writes.
    let (db_arg, out_arg) = (path(&db).to_owned(), path(&out).to_owned());
    let backup =
        std::thread::spawn(move || newsdesk(&["backup", "--db", &db_arg, "--out", &out_arg]));
    let mut n = 5;
    while !backup.is_finished() && n < 200 {
        let reply = app
            .write("POST", "/v1/participants", &key, &person(n))
            .await;
        assert_eq!(reply.status, 201);
        n += 1;
    }
    let done = backup.join().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains("Backed up"));

    let check = newsdesk(&["check", "--db", path(&out)]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // A backup never overwrites a file.
    let again = newsdesk(&["backup", "--db", path(&db), "--out", path(&out)]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restored (served from the copy), it has every write made before it began, and
    // its change log agrees with its content.
    let restored = spawn_app_in(out_dir).await;
    let people = restored.ids("/v1/participants").await;
    for n in 0..5 {
        assert!(people.contains(&format!("backup-person-{n}")), "{people:?}");
    }
    let (copy, _) = crate::changes::mirror(&restored, 10).await;
    assert_eq!(copy, crate::changes::served(&restored).await);
}
