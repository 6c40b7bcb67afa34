//! Read replicas (`serve --read-only`): a replica over the file a primary writes to
//! serves the new content within a bound, its response cache never keeps a stale
//! copy, every write is refused with a problem naming the primary, and `/readyz`
//! reports the lag and fails past `--max-lag`.

use serde_json::json;

use crate::helpers::{Reply, Role, TestApp, assert_problem, spawn_app, spawn_app_with};

const PRIMARY: &str = "https://write.example.org";

/// A read-only server over `primary`'s database file, as a second process would be.
async fn replica_of(primary: &TestApp, max_lag: Option<u64>) -> TestApp {
    let db = primary.dir.path().join("newsdesk.db");
    spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.db = db;
        s.read_only = true;
        s.primary_url = Some(PRIMARY.to_owned());
        s.max_lag = max_lag;
    })
    .await
}

/// GETs `path` until `holds` (at most 10 s, polling every 50 ms); returns that reply.
async fn until(app: &TestApp, path: &str, holds: impl Fn(&Reply) -> bool) -> Reply {
    for _ in 0..200 {
        let reply = app.get(path).await;
        if holds(&reply) {
            return reply;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("GET {path} never satisfied the condition");
}

fn names(reply: &Reply) -> Vec<String> {
    reply.json()["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn a_replica_serves_what_the_primary_writes_and_no_stale_cached_copy() {
    let primary = spawn_app().await;
    let key = primary.key(Role::Editor, "desk");
    let replica = replica_of(&primary, None).await;
    let list = "/v1/participants?limit=100";

    // Warm the replica's response cache: only a change it notices can refresh it.
    let before = replica.get(list).await;
    assert_eq!(before.status, 200);
    replica.get(list).await; // kept from the second request on
    assert_eq!(replica.get(list).await.header("x-cache"), Some("hit"));
    let person = json!({"kind": "person", "name": "Replica Person"});
    let created = primary
        .write("POST", "/v1/participants", &key, &person)
        .await;
    assert_eq!(created.status, 201);
    let one = created.header("location").unwrap().to_owned();

    let after = until(&replica, list, |r| {
        names(r).contains(&"Replica Person".into())
    })
    .await;
    assert_ne!(after.header("etag"), before.header("etag"));
    // Once seen, never unseen: the cache holds the new version, not the old one.
    for _ in 0..5 {
        let again = replica.get(list).await;
        assert!(names(&again).contains(&"Replica Person".to_owned()));
        assert_eq!(again.header("etag"), after.header("etag"));
    }

    // An edit of a cached resource reaches the replica too.
    let old = replica.get(&one).await;
    assert_eq!(old.status, 200);
    replica.get(&one).await;
    assert_eq!(replica.get(&one).await.header("x-cache"), Some("hit"));
    let patched = primary
        .write(
            "PATCH",
            &one,
            &key,
            &json!({"name": "Replica Person Renamed"}),
        )
        .await;
    assert_eq!(patched.status, 200);
    let new = until(&replica, &one, |r| {
        r.json()["data"]["name"] == "Replica Person Renamed"
    })
    .await;
    assert_ne!(new.header("etag"), old.header("etag"));
}

#[actix_web::test]
async fn a_replica_refuses_every_write_and_names_the_primary() {
    let primary = spawn_app().await;
    let replica = replica_of(&primary, None).await;
    let key = primary.key(Role::Editor, "desk");
    let person = json!({"kind": "person", "name": "Never Stored"});
    // With an editor key or none, on any write route or method.
    for (method, path, key) in [
        ("POST", "/v1/participants", key.as_str()),
        ("POST", "/v1/participants", "no-key"),
        ("PATCH", "/v1/participants/belarus", key.as_str()),
        ("PUT", "/v1/participants/belarus", key.as_str()),
        (
            "DELETE",
            "/v1/articles/lukashenko-meets-xi-jinping-astana",
            key.as_str(),
        ),
        ("POST", "/v1/webhooks", key.as_str()),
    ] {
        let reply = replica.write(method, path, key, &person).await;
        let problem = assert_problem(&reply, 405);
        assert_eq!(
            problem["type"], "/problems/read-only-replica",
            "{method} {path}"
        );
        assert!(problem["detail"].as_str().unwrap().contains(PRIMARY));
        assert_eq!(reply.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(
            reply.header("location"),
            Some(format!("{PRIMARY}{path}").as_str())
        );
    }
    assert!(
        !primary
            .ids("/v1/participants")
            .await
            .contains(&"never-stored".to_owned())
    );
    // The problem type is documented where its `type` points.
    let kind = replica.get_ok("/problems/read-only-replica").await;
    assert_eq!(kind["status"], 405);
    // Reads go on.
    assert_eq!(replica.get("/v1/participants/belarus").await.status, 200);
}

#[actix_web::test]
async fn readyz_reports_the_lag_and_fails_past_max_lag() {
    let primary = spawn_app().await;
    // The fixtures' changes are from 2024: far past an hour.
    let replica = replica_of(&primary, Some(3600)).await;
    let stale = replica.get("/readyz").await;
    let problem = assert_problem(&stale, 503);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("past --max-lag 3600 s"),
        "{problem}"
    );

    let key = primary.key(Role::Editor, "desk");
    let person = json!({"kind": "person", "name": "Fresh Change"});
    assert_eq!(
        primary
            .write("POST", "/v1/participants", &key, &person)
            .await
            .status,
        201
    );
    let ready = until(&replica, "/readyz", |r| r.status == 200).await.json();
    let replication = &ready["replication"];
    assert!(
        replication["lag_seconds"].as_u64().unwrap() <= 3600,
        "{ready}"
    );
    assert!(replication["newest_change_at"].is_string(), "{ready}");
    assert_eq!(replication["max_lag_seconds"], 3600);
    assert_eq!(replication["primary_url"], PRIMARY);
    // A replica publishes nothing and delivers no webhooks: it only follows.
    let tasks: Vec<_> = ready["tasks"].as_object().unwrap().keys().collect();
    assert_eq!(tasks, ["replication"]);

    // Without --max-lag, the lag is reported and never fails readiness.
    let lenient = replica_of(&primary, None).await;
    let ready = lenient.get_ok("/readyz").await;
    assert!(ready["replication"]["lag_seconds"].is_u64(), "{ready}");
    // A primary reports no replication.
    assert!(primary.get_ok("/readyz").await.get("replication").is_none());
}

#[actix_web::test]
async fn a_replica_refuses_a_file_it_would_have_to_migrate_or_create() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schema-v1.db"),
        &old,
    )
    .unwrap();
    let before = std::fs::read(&old).unwrap();
    let mut settings = newsdesk::startup::in_process(old.clone());
    settings.read_only = true;
    let refused = newsdesk::startup::Application::build(&settings)
        .await
        .err()
        .expect("an old schema is refused")
        .to_string();
    assert!(refused.contains("never migrates"), "{refused}");
    assert_eq!(std::fs::read(&old).unwrap(), before, "left untouched");

    settings.db = dir.path().join("missing.db");
    let refused = newsdesk::startup::Application::build(&settings)
        .await
        .err()
        .expect("a missing file is refused")
        .to_string();
    assert!(refused.contains("no database at"), "{refused}");
    assert!(!settings.db.exists());
}
