//! The editorial write API: keys and roles, validation, integrity, publication,
//! optimistic concurrency, versions, rate limits and durability.

use serde_json::{Value, json};

use crate::helpers::{
    Role, TestApp, assert_problem, new_article, problem_fields, spawn_app, spawn_app_in,
    spawn_app_with,
};

const QUOTE: &str = "/v1/quotes/lukashenko-wonderful-gift";
const ARTICLE: &str = "/v1/articles/lukashenko-meets-xi-jinping-astana";

fn participant() -> Value {
    json!({"kind": "person", "name": "Kassym-Jomart Tokayev", "title": "President of Kazakhstan",
           "affiliation": "kazakhstan"})
}

fn draft(headline: &str) -> Value {
    new_article(headline, "draft")
}

/// Every write route, with a body that an editor could send.
fn write_routes() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("POST", "/v1/articles", draft("A draft")),
        ("PUT", ARTICLE, draft("A draft")),
        ("PATCH", ARTICLE, json!({"summary": "Shorter."})),
        ("DELETE", ARTICLE, Value::Null),
        ("POST", "/v1/quotes", json!({})),
        ("PUT", QUOTE, json!({})),
        ("PATCH", QUOTE, json!({})),
        ("DELETE", QUOTE, Value::Null),
        ("POST", "/v1/participants", participant()),
        ("PUT", "/v1/participants/belarus", participant()),
        ("PATCH", "/v1/participants/belarus", json!({})),
        ("DELETE", "/v1/participants/belarus", Value::Null),
        ("POST", "/v1/events", json!({})),
        ("PUT", "/v1/events/sco-summit-astana-2024", json!({})),
        ("PATCH", "/v1/events/sco-summit-astana-2024", json!({})),
        ("DELETE", "/v1/events/sco-summit-astana-2024", Value::Null),
    ]
}

#[actix_web::test]
async fn writes_need_an_editor_key() {
    let app = spawn_app().await;
    let partner = app.key(Role::Partner, "partner-site");
    let before = app.get(ARTICLE).await.body;
    for (method, path, body) in write_routes() {
        let anonymous = app
            .send_body(
                method,
                path,
                &[("Content-Type", "application/json")],
                body.to_string().into(),
            )
            .await;
        assert_problem(&anonymous, 401);
        assert!(
            anonymous
                .header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer"))
        );
        assert_problem(&app.write(method, path, "nd_bogus_key", &body).await, 401);
        let forbidden = assert_problem(&app.write(method, path, &partner, &body).await, 403);
        assert!(
            forbidden["detail"].as_str().unwrap().contains("partner"),
            "{forbidden}"
        );
    }
    assert_eq!(
        app.get(ARTICLE).await.body,
        before,
        "refused writes change nothing"
    );
    let editor = app.key(Role::Editor, "desk");
    let reply = app
        .write("PATCH", "/v1/participants/belarus", &editor, &json!({}))
        .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn a_resource_goes_through_create_replace_patch_and_delete() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let created = app
        .write("POST", "/v1/participants", &key, &participant())
        .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let location = created.header("location").unwrap().to_owned();
    assert_eq!(location, "/v1/participants/kassym-jomart-tokayev");
    let read = app.get(&location).await;
    assert_eq!(read.json(), created.json());
    assert_eq!(
        read.header("etag"),
        created.header("etag"),
        "the write's ETag is the read's"
    );

    // What a client reads it can PUT back unchanged.
    let data = read.json()["data"].clone();
    let replaced = app.write("PUT", &location, &key, &data).await;
    assert_eq!(replaced.status, 200);
    assert_eq!(replaced.json()["data"]["name"], "Kassym-Jomart Tokayev");

    let patched = app
        .write(
            "PATCH",
            &location,
            &key,
            &json!({"title": null, "aliases": ["Tokayev"]}),
        )
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(patched.json()["data"]["title"], Value::Null);
    assert_eq!(patched.json()["data"]["aliases"], json!(["Tokayev"]));
    assert_eq!(app.get_ok(&location).await, patched.json());

    let deleted = app
        .request(
            "DELETE",
            &location,
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_problem(&app.get(&location).await, 404);
}

#[actix_web::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let bad = json!({
        "id": "Not A Slug",
        "headline": "   ",
        "dateline": {"place": "Minsk", "date": "2024-13-45"},
        "status": "live",
        "language": "english!",
        "body": [{"type": "paragraph", "text": ""}],
        "colour": "red"
    });
    let reply = app.write("POST", "/v1/articles", &key, &bad).await;
    let problem = assert_problem(&reply, 422);
    let fields = problem_fields(&problem);
    for field in [
        "id",
        "headline",
        "dateline.date",
        "status",
        "language",
        "body[0]",
        "colour",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    assert_eq!(fields.len(), 7, "one error per bad field: {fields:?}");

    // Well-formed, but pointing at nothing.
    let mut dangling = draft("Dangling");
    dangling["topics"] = json!(["no-such-topic"]);
    dangling["participants"] = json!(["belarus", "nobody"]);
    let problem = assert_problem(
        &app.write("POST", "/v1/articles", &key, &dangling).await,
        422,
    );
    let fields = problem_fields(&problem);
    assert_eq!(fields, ["topics[0]", "participants[1]"]);

    let quote = json!({"text": "Words.", "speaker": "nobody", "article": "no-article", "said_on": "2024-07-04"});
    let problem = assert_problem(&app.write("POST", "/v1/quotes", &key, &quote).await, 422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");

    let cycle = json!({"parent": "lukashenko-xi-meeting-2024"});
    let problem = assert_problem(
        &app.write("PATCH", "/v1/events/sco-summit-astana-2024", &key, &cycle)
            .await,
        422,
    );
    assert_eq!(problem["errors"][0]["field"], "parent");
    assert_eq!(
        app.ids("/v1/articles").await.len(),
        3,
        "nothing was written"
    );
}

#[actix_web::test]
async fn bodies_must_be_json_of_a_bounded_size() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir, |s| s.max_body = 4096).await;
    let key = app.key(Role::Editor, "desk");
    let auth = format!("Bearer {key}");
    let text = app
        .send_body(
            "POST",
            "/v1/participants",
            &[("Authorization", &auth), ("Content-Type", "text/plain")],
            b"{}".to_vec(),
        )
        .await;
    assert_problem(&text, 415);
    let malformed = app
        .send_body(
            "POST",
            "/v1/participants",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            b"{\"kind\":".to_vec(),
        )
        .await;
    assert_problem(&malformed, 400);
    let mut big = participant();
    big["aliases"] = json!(vec!["x".repeat(100); 100]);
    assert_problem(
        &app.write("POST", "/v1/participants", &key, &big).await,
        413,
    );
    let not_object = app
        .write("POST", "/v1/participants", &key, &json!([1, 2]))
        .await;
    assert_problem(&not_object, 422);
}

#[actix_web::test]
async fn integrity_is_kept_on_duplicates_and_deletes() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let mut dup = participant();
    dup["id"] = json!("belarus");
    assert_problem(
        &app.write("POST", "/v1/participants", &key, &dup).await,
        409,
    );

    let auth = format!("Bearer {key}");
    let auth = [("Authorization", auth.as_str())];
    let problem = assert_problem(
        &app.request("DELETE", "/v1/participants/xi-jinping", &auth)
            .await,
        409,
    );
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("xi-congratulates-belarus-full-member"),
        "names the quotes: {detail}"
    );
    assert!(
        detail.contains("lukashenko-xi-meeting-2024"),
        "names the events: {detail}"
    );
    assert_problem(
        &app.request("DELETE", "/v1/events/sco-summit-astana-2024", &auth)
            .await,
        409,
    );
    // A quote that an article's body carries stays until the block goes.
    assert_problem(&app.request("DELETE", QUOTE, &auth).await, 409);

    // An article takes its quotes with it.
    let quotes = app.ids(&format!("{ARTICLE}/quotes")).await;
    assert!(!quotes.is_empty());
    assert_eq!(app.request("DELETE", ARTICLE, &auth).await.status, 204);
    for quote in quotes {
        assert_problem(&app.get(&format!("/v1/quotes/{quote}")).await, 404);
    }
    assert!(
        !app.ids("/v1/participants/xi-jinping/articles")
            .await
            .iter()
            .any(|a| ARTICLE.ends_with(a.as_str()))
    );
}

async fn visible(app: &TestApp, id: &str, auth: Option<&str>) -> (bool, bool) {
    let headers: Vec<(&str, &str)> = auth.map(|a| vec![("Authorization", a)]).unwrap_or_default();
    let one = app
        .request("GET", &format!("/v1/articles/{id}"), &headers)
        .await
        .status
        == 200;
    let list = app
        .request("GET", "/v1/articles?limit=100", &headers)
        .await
        .json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == id);
    (one, list)
}

#[actix_web::test]
async fn drafts_and_scheduled_articles_are_for_editors_only() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let partner = format!("Bearer {}", app.key(Role::Partner, "partner-site"));
    let editor = format!("Bearer {key}");
    let created = app
        .write("POST", "/v1/articles", &key, &draft("Embargoed explainer"))
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["data"]["status"], "draft");
    let id = "embargoed-explainer";
    assert_eq!(visible(&app, id, None).await, (false, false));
    assert_eq!(visible(&app, id, Some(&partner)).await, (false, false));
    assert_eq!(visible(&app, id, Some(&editor)).await, (true, true));
    let drafts = app
        .request(
            "GET",
            "/v1/articles?status=draft",
            &[("Authorization", &editor)],
        )
        .await
        .json();
    assert_eq!(drafts["data"].as_array().unwrap().len(), 1);
    assert_problem(&app.get("/v1/articles?status=draft").await, 403);
    // Nor do search, counts and facets show it to anyone but editors.
    assert!(app.ids("/v1/search?q=embargoed").await.is_empty());
    assert!(app.ids("/v1/articles?q=embargoed").await.is_empty());
    let found = app
        .request(
            "GET",
            "/v1/articles?q=embargoed",
            &[("Authorization", &editor)],
        )
        .await
        .json();
    assert_eq!(found["data"][0]["id"], id);
    assert_eq!(
        app.get_ok("/v1/articles?count=true").await["page"]["total"],
        3
    );
    let facets = app.get_ok("/v1/articles?facet=topic&limit=1").await;
    let standing = facets["facets"]["topic"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "international-standing")
        .map(|f| f["count"].clone());
    assert_eq!(standing, Some(json!(1)), "only the fixture article counts");

    // A quote of a draft is as hidden as its article.
    let quote = json!({"id": "draft-quote", "text": "Words of a draft.", "speaker": "aleksandr-lukashenko",
                       "article": id, "said_on": "2024-07-06"});
    assert_eq!(
        app.write("POST", "/v1/quotes", &key, &quote).await.status,
        201
    );
    assert_problem(&app.get("/v1/quotes/draft-quote").await, 404);
    let preview = app
        .request(
            "GET",
            &format!("/v1/articles/{id}?include=quotes"),
            &[("Authorization", &editor)],
        )
        .await
        .json();
    assert_eq!(
        preview["included"]["quotes"][0]["id"], "draft-quote",
        "an editor previews a draft with its quotes"
    );
    let timeline = app
        .ids("/v1/participants/aleksandr-lukashenko/timeline")
        .await;
    assert!(!timeline.iter().any(|i| i == "draft-quote"), "{timeline:?}");
    assert!(app.ids("/v1/search?q=draft&type=quote").await.is_empty());
    assert!(
        !app.ids("/v1/quotes")
            .await
            .contains(&"draft-quote".to_owned())
    );
    assert!(
        !app.ids("/v1/participants/aleksandr-lukashenko/quotes")
            .await
            .contains(&"draft-quote".to_owned())
    );

    let later = json!({"status": "scheduled", "published_at": "2999-01-01T00:00:00Z"});
    let scheduled = app
        .write("PATCH", &format!("/v1/articles/{id}"), &key, &later)
        .await;
    assert_eq!(scheduled.json()["data"]["status"], "scheduled");
    assert_eq!(visible(&app, id, None).await, (false, false));

    let now = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &key,
            &json!({"status": "published", "published_at": null}),
        )
        .await;
    assert_eq!(
        now.json()["data"]["status"],
        "published",
        "{}",
        String::from_utf8_lossy(&now.body)
    );
    assert_eq!(visible(&app, id, None).await, (true, true));
    assert_eq!(
        app.get_ok("/v1/quotes/draft-quote").await["data"]["article"],
        id
    );

    let withdrawn = app
        .write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &key,
            &json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(withdrawn.json()["data"]["status"], "withdrawn");
    assert_eq!(visible(&app, id, None).await, (false, false));
    assert_problem(
        &app.write(
            "PATCH",
            &format!("/v1/articles/{id}"),
            &key,
            &json!({"status": "published", "published_at": "2999-01-01T00:00:00Z"}),
        )
        .await,
        422,
    );
}

#[actix_web::test]
async fn if_match_guards_against_lost_updates() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let auth = format!("Bearer {key}");
    let read = app.get(ARTICLE).await;
    let tag = read.header("etag").unwrap().to_owned();
    let patch = |if_match: String, summary: &'static str| {
        let auth = auth.clone();
        let app = &app;
        async move {
            app.send_body(
                "PATCH",
                ARTICLE,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/merge-patch+json"),
                    ("If-Match", &if_match),
                ],
                json!({"summary": summary}).to_string().into_bytes(),
            )
            .await
        }
    };
    let first = patch(tag.clone(), "First editor's summary.").await;
    assert_eq!(first.status, 200);
    let stale = patch(tag.clone(), "Second editor's summary.").await;
    assert_problem(&stale, 412);
    assert_eq!(
        app.get_ok(ARTICLE).await["data"]["summary"],
        "First editor's summary."
    );
    // The tag of a compressed read names the same version.
    let gz = app
        .get_decoded(ARTICLE, &[("Accept-Encoding", "gzip")])
        .await;
    let gz_tag = gz.header("etag").unwrap().to_owned();
    assert!(gz_tag.ends_with("-gzip\""), "{gz_tag}");
    assert_eq!(patch(gz_tag, "Third.").await.status, 200);
    assert_eq!(patch("*".to_owned(), "Fourth.").await.status, 200);
    let delete = app
        .request(
            "DELETE",
            ARTICLE,
            &[("Authorization", &auth), ("If-Match", &tag)],
        )
        .await;
    assert_problem(&delete, 412);
}

#[actix_web::test]
async fn every_change_to_an_article_keeps_the_previous_version() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let auth = format!("Bearer {key}");
    let auth = [("Authorization", auth.as_str())];
    let original = app.get_ok(ARTICLE).await["data"].clone();
    assert_eq!(original["version"], 1);
    let fix = json!({"summary": "Corrected summary.", "correction_note": "The summary misnamed the venue."});
    assert_eq!(app.write("PATCH", ARTICLE, &key, &fix).await.status, 200);
    let again = app
        .write(
            "PATCH",
            ARTICLE,
            &key,
            &json!({"summary": "Final summary."}),
        )
        .await
        .json();
    assert_eq!(again["data"]["version"], 3);
    assert_eq!(
        again["data"]["corrections"][0]["note"],
        "The summary misnamed the venue."
    );
    assert_eq!(again["data"]["corrections"][0]["version"], 2);

    let versions = app
        .request("GET", &format!("{ARTICLE}/versions"), &auth)
        .await
        .json();
    let list = versions["data"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["changed_by"], Value::Null, "the fixtures");
    assert_eq!(list[1]["changed_by"], "desk");
    assert_eq!(
        list[1]["correction_note"],
        "The summary misnamed the venue."
    );
    assert_eq!(list[2]["current"], true);
    let first = app
        .request("GET", &format!("{ARTICLE}/versions/1"), &auth)
        .await
        .json();
    assert_eq!(first["data"], original);
    let second = app
        .request("GET", &format!("{ARTICLE}/versions/2"), &auth)
        .await
        .json();
    assert_eq!(second["data"]["summary"], "Corrected summary.");
    assert_problem(
        &app.request("GET", &format!("{ARTICLE}/versions/9"), &auth)
            .await,
        404,
    );
    assert_problem(&app.get(&format!("{ARTICLE}/versions")).await, 401);
}

#[actix_web::test]
async fn going_over_the_quota_is_a_429_with_ratelimit_headers() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir, |s| s.rate_limit = 3).await;
    for remaining in (0..3).rev() {
        let reply = app.get("/v1/topics").await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("ratelimit-policy"),
            Some("\"anonymous\";q=3;w=60")
        );
        let state = reply.header("ratelimit").unwrap();
        assert!(
            state.starts_with(&format!("\"anonymous\";r={remaining};t=")),
            "{state}"
        );
    }
    let over = app.get("/v1/topics").await;
    assert_problem(&over, 429);
    let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert!(over.header("ratelimit").unwrap().contains("r=0"));
    // Health checks and editors are not limited.
    assert_eq!(app.get("/healthz").await.status, 200);
    let editor = format!("Bearer {}", app.key(Role::Editor, "desk"));
    assert_eq!(
        app.request("GET", "/v1/topics", &[("Authorization", &editor)])
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn acknowledged_writes_survive_a_restart() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    assert_eq!(
        app.write("POST", "/v1/participants", &key, &participant())
            .await
            .status,
        201
    );
    assert_eq!(
        app.write("PATCH", ARTICLE, &key, &json!({"summary": "Kept."}))
            .await
            .status,
        200
    );
    let dir = app.stop().await;
    let app = spawn_app_in(dir).await;
    assert_eq!(
        app.get_ok("/v1/participants/kassym-jomart-tokayev").await["data"]["name"],
        "Kassym-Jomart Tokayev"
    );
    assert_eq!(app.get_ok(ARTICLE).await["data"]["summary"], "Kept.");
    // The key, too, is still good.
    assert_eq!(
        app.write("PATCH", ARTICLE, &key, &json!({"summary": "Again."}))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn keys_are_made_listed_and_revoked_on_the_command_line() {
    let app = spawn_app().await;
    let db = app.dir.path().join("newsdesk.db");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
            .arg("keys")
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("newsdesk runs");
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (ok, out) = run(&["create", "--role", "editor", "--name", "night desk"]);
    assert!(ok, "{out}");
    let key = out.lines().last().unwrap().to_owned();
    assert!(key.starts_with("nd_"), "{key}");
    assert_eq!(
        app.write(
            "PATCH",
            ARTICLE,
            &key,
            &json!({"summary": "By the night desk."})
        )
        .await
        .status,
        200
    );
    let (_, listed) = run(&["list"]);
    assert!(
        listed.contains("night desk") && !listed.contains(&key),
        "{listed}"
    );
    let (ok, _) = run(&["revoke", &key]);
    assert!(ok);
    assert_problem(
        &app.write("PATCH", ARTICLE, &key, &json!({"summary": "Too late."}))
            .await,
        401,
    );
}

#[actix_web::test]
async fn an_article_reads_as_its_write_answered_it() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let quote = json!({"text": "Words said on the sidelines.", "speaker": "xi-jinping",
        "article": "lukashenko-meets-xi-jinping-astana", "said_on": "2024-07-03"});
    let created = app.write("POST", "/v1/quotes", &key, &quote).await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let quote_id = created.json()["data"]["id"].as_str().unwrap().to_owned();
    let patched = app
        .write("PATCH", ARTICLE, &key, &json!({"summary": "Shorter."}))
        .await;
    assert_eq!(patched.status, 200);
    // The read comes from the article's stored document, written by the PATCH:
    // the same bytes and the same tag as the write's own answer.
    let read = app.get(ARTICLE).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body, patched.body);
    assert_eq!(read.header("etag"), patched.header("etag"));
    assert_eq!(read.header("content-type"), Some("application/json"));
    assert!(read.header("last-modified").is_some());
    assert_eq!(
        read.header("surrogate-key"),
        Some("article:lukashenko-meets-xi-jinping-astana")
    );
    let quotes = read.json()["data"]["quotes"].clone();
    assert!(
        quotes
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q == quote_id.as_str()),
        "{quotes}"
    );
    let tag = read.header("etag").unwrap().to_owned();
    let again = app
        .request("GET", ARTICLE, &[("if-none-match", &tag)])
        .await;
    assert_eq!(again.status, 304);
    // Deleting the quote drops it from the article as read.
    let quote_path = format!("/v1/quotes/{quote_id}");
    assert_eq!(
        app.write("DELETE", &quote_path, &key, &Value::Null)
            .await
            .status,
        204
    );
    let read = app.get_ok(ARTICLE).await;
    assert!(
        !read["data"]["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q == quote_id.as_str())
    );
}
