//! What every kind of resource must have, so that adding one cannot silently leave a
//! part out.

use serde_json::json;

use crate::helpers::{Role, assert_problem, spawn_app};

/// A resource added without its delete check: a table that points at participants
/// which `DELETE /v1/participants/{id}` does not know about. SQLite's foreign key
/// refuses the delete, and that refusal must reach the client as a 409, not a 500.
#[actix_web::test]
async fn a_delete_whose_check_was_forgotten_is_a_409_not_a_500() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let created = app
        .write(
            "POST",
            "/v1/participants",
            &key,
            &json!({"id": "kyrgyzstan", "kind": "country", "name": "Kyrgyzstan"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{:?}", created.json());
    let id = "kyrgyzstan";

    let side = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    side.execute_batch(&format!(
        "CREATE TABLE places (id TEXT PRIMARY KEY, country TEXT REFERENCES participants (id));
         INSERT INTO places VALUES ('bishkek', '{id}');"
    ))
    .unwrap();
    drop(side);

    let auth = format!("Bearer {key}");
    let reply = app
        .request(
            "DELETE",
            &format!("/v1/participants/{id}"),
            &[("Authorization", auth.as_str())],
        )
        .await;
    let problem = assert_problem(&reply, 409);
    assert_eq!(problem["type"], "/problems/conflict");
    assert!(
        app.get(&format!("/v1/participants/{id}"))
            .await
            .status
            .is_success()
    );
}
