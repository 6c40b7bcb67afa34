//! Embargo and expiry times as editors write them: RFC 3339 in range, expiry after
//! the embargo and the publication, or a 422 naming the field.

use serde_json::{Value, json};

use crate::embargo::in_seconds;
use crate::helpers::{Role, assert_problem, problem_fields, spawn_app};

#[actix_web::test]
async fn embargo_and_expiry_times_are_validated() {
    let app = spawn_app().await;
    let editor = app.key(Role::Editor, "desk");
    let article = |extra: Value| {
        let mut a = json!({
            "headline": "A held story", "dateline": {"date": "2024-07-05"},
            "body": [{"type": "paragraph", "text": "Text."}]
        });
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    for (bad, field) in [
        (json!({"embargoed_until": "tomorrow"}), "embargoed_until"),
        (json!({"expires_at": 17}), "expires_at"),
        (
            json!({"embargoed_until": "10000-01-01T00:00:00Z"}),
            "embargoed_until",
        ),
        (
            json!({"embargoed_until": in_seconds(7200), "expires_at": in_seconds(3600)}),
            "expires_at",
        ),
        (
            json!({"published_at": "2024-07-05T10:00:00Z", "expires_at": "2024-07-05T09:00:00Z"}),
            "expires_at",
        ),
    ] {
        let reply = app
            .write("POST", "/v1/articles", &editor, &article(bad))
            .await;
        let problem = assert_problem(&reply, 422);
        assert_eq!(problem_fields(&problem), [field], "{problem}");
    }
    let ok = article(json!({"embargoed_until": in_seconds(3600), "expires_at": null}));
    let reply = app.write("POST", "/v1/articles", &editor, &ok).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(reply.json()["data"]["embargoed_until"].is_string());
    assert!(reply.json()["data"]["expires_at"].is_null());
}
