//! Draft previews: a link an editor mints opens the unpublished article, quotes
//! included, without a key; expired, tampered and revoked links answer 403; no
//! cache keeps a preview.

use newsdesk::storage::{Db, previews};
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, problem_fields, spawn_app};

const ID: &str = "preview-draft";

/// A draft with a quote, and an editor's key.
async fn draft(app: &TestApp) -> String {
    let editor = app.key(Role::Editor, "desk");
    let article = json!({
        "id": ID, "headline": "The palimpsest budget", "dateline": {"date": "2024-07-05"},
        "status": "draft", "participants": ["belarus"],
        "body": [{"type": "paragraph", "text": "Figures nobody has seen."}]
    });
    let reply = app.write("POST", "/v1/articles", &editor, &article).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let quote = json!({
        "id": "preview-draft-quote", "text": "The palimpsest is ready.",
        "speaker": "aleksandr-lukashenko", "article": ID, "said_on": "2024-07-05"
    });
    let reply = app.write("POST", "/v1/quotes", &editor, &quote).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    editor
}

async fn mint(app: &TestApp, editor: &str, body: Value) -> Value {
    let reply = app
        .write(
            "POST",
            &format!("/v1/articles/{ID}/previews"),
            editor,
            &body,
        )
        .await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    reply.json()["data"].clone()
}

/// The path and query of a minted link, for this test server.
fn path_of(preview: &Value) -> String {
    let url = preview["url"].as_str().unwrap();
    url[url.find("/v1/").unwrap()..].to_owned()
}

#[actix_web::test]
async fn a_preview_link_shows_the_draft_with_its_quotes_to_anyone_holding_it() {
    let app = spawn_app().await;
    let editor = draft(&app).await;
    let preview = mint(&app, &editor, json!({})).await;
    let expires = chrono::DateTime::parse_from_rfc3339(preview["expires_at"].as_str().unwrap())
        .unwrap()
        .timestamp();
    let in_an_hour = chrono::Utc::now().timestamp() + 3600;
    assert!(
        (in_an_hour - 5..=in_an_hour).contains(&expires),
        "{preview}"
    );
    assert_eq!(app.get(&format!("/v1/articles/{ID}")).await.status, 404);

    let path = path_of(&preview);
    for _ in 0..2 {
        let reply = app.get(&path).await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.header("cache-control"), Some("private, no-store"));
        assert_ne!(reply.header("x-cache"), Some("hit"));
        let page = reply.json();
        // Exactly what the article route serves an editor, quotes included.
        let auth = format!("Bearer {editor}");
        let editors = app
            .request(
                "GET",
                &format!("/v1/articles/{ID}?include=quotes"),
                &[("Authorization", &auth)],
            )
            .await
            .json();
        assert_eq!(page, editors);
        assert_eq!(page["data"]["status"], "draft");
        assert_eq!(page["included"]["quotes"][0]["id"], "preview-draft-quote");
    }
    let ninjs = app.get(&format!("{path}&format=ninjs")).await;
    assert_eq!(ninjs.status, 200);
    assert_eq!(ninjs.json()["pubstatus"], "withheld");
    assert_eq!(ninjs.header("cache-control"), Some("private, no-store"));
    // Without a token, or for another article, nothing.
    assert_problem(&app.get(&format!("/v1/previews/{ID}")).await, 400);
    let other = path.replace(ID, "lukashenko-meets-xi-jinping-astana");
    assert_problem(&app.get(&other).await, 403);
}

#[actix_web::test]
async fn expired_tampered_and_revoked_links_answer_403() {
    let app = spawn_app().await;
    let editor = draft(&app).await;
    let short = mint(&app, &editor, json!({"expires_in": 1})).await;
    let good = mint(&app, &editor, json!({"expires_in": 600})).await;
    let path = path_of(&good);
    assert_eq!(app.get(&path).await.status, 200);

    // Tampered: a later expiry with the old signature, or a changed signature.
    let token = good["token"].as_str().unwrap();
    let (expires, signature) = token.split_once('.').unwrap();
    let later: i64 = expires.parse::<i64>().unwrap() + 86_400;
    for forged in [
        format!("{later}.{signature}"),
        format!(
            "{expires}.{}{}",
            if signature.starts_with('A') { "B" } else { "A" },
            &signature[1..]
        ),
        format!("{expires}."),
        "garbage".to_owned(),
    ] {
        let reply = app.get(&format!("/v1/previews/{ID}?token={forged}")).await;
        let problem = assert_problem(&reply, 403);
        assert!(
            problem["detail"].as_str().unwrap().contains("not valid"),
            "{problem}"
        );
    }

    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    let problem = assert_problem(&app.get(&path_of(&short)).await, 403);
    assert!(
        problem["detail"].as_str().unwrap().contains("expired"),
        "{problem}"
    );

    // Rotating the secret, as `newsdesk previews rotate-secret` does, revokes them all.
    let db = Db::open(&app.dir.path().join("newsdesk.db"), 1).unwrap();
    db.write_blocking(|conn| previews::rotate_secret(conn))
        .unwrap();
    assert_problem(&app.get(&path).await, 403);
    let fresh = mint(&app, &editor, json!({})).await;
    assert_eq!(app.get(&path_of(&fresh)).await.status, 200);
}

#[actix_web::test]
async fn minting_needs_an_editor_an_article_and_a_bounded_lifetime() {
    let app = spawn_app().await;
    let editor = draft(&app).await;
    let partner = app.key(Role::Partner, "partner");
    let path = format!("/v1/articles/{ID}/previews");
    assert_problem(&app.write("POST", &path, &partner, &json!({})).await, 403);
    let reply = app
        .request("POST", &path, &[("Content-Type", "application/json")])
        .await;
    assert_problem(&reply, 401);
    let missing = app
        .write(
            "POST",
            "/v1/articles/no-such-article/previews",
            &editor,
            &json!({}),
        )
        .await;
    assert_problem(&missing, 404);
    for bad in [
        json!({"expires_in": 0}),
        json!({"expires_in": 604_801}),
        json!({"expires_in": "soon"}),
        json!({"ttl": 5}),
    ] {
        let reply = app.write("POST", &path, &editor, &bad).await;
        let problem = assert_problem(&reply, 422);
        assert_eq!(problem_fields(&problem).len(), 1, "{problem}");
    }
    // The longest lifetime is allowed.
    mint(&app, &editor, json!({"expires_in": 604_800})).await;
}
