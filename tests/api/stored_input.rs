//! Input that is stored can always be rendered: dates outside years 1–9999 and
//! links that are not http(s) are refused at input, and the extremes that are taken
//! render everywhere.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_problem, problem_fields, spawn_app};

const SPEAKER: &str = "aleksandr-lukashenko";

fn article(date: &str, published_at: Option<&str>, source_url: Option<&str>) -> Value {
    let mut a = json!({
        "headline": format!("An article dated {date}"),
        "dateline": {"place": "Minsk", "date": date},
        "status": "published",
        "topics": ["international-standing"],
        "participants": [SPEAKER],
        "body": [{"type": "paragraph", "text": "Text."}]
    });
    if let Some(t) = published_at {
        a["published_at"] = json!(t);
    }
    if let Some(url) = source_url {
        a["source"] = json!({"name": "A source", "url": url});
    }
    a
}

fn quote(article: &str, said_on: &str) -> Value {
    json!({"text": format!("Words said on {said_on}."), "speaker": SPEAKER,
           "article": article, "said_on": said_on})
}

fn event(start: &str, end: Option<&str>) -> Value {
    let mut e = json!({"kind": "meeting", "title": format!("A meeting on {start}"),
                       "start_date": start, "participants": [{"participant": SPEAKER, "role": "host"}]});
    if let Some(end) = end {
        e["end_date"] = json!(end);
    }
    e
}

/// Asserts a 422 that names `field`.
fn assert_refused(reply: &crate::helpers::Reply, field: &str) {
    let problem = assert_problem(reply, 422);
    let fields = problem_fields(&problem);
    assert!(fields.contains(&field), "{field} in {problem}");
}

const BAD_DATES: [&str; 4] = ["0000-12-31", "-0001-01-01", "+10000-01-01", "+275000-01-01"];
const BAD_TIMES: [&str; 3] = [
    "0000-06-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "+10000-01-01T00:00:00Z",
];
const BAD_URLS: [&str; 6] = [
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/file",
    "/v1/articles",
    "mailto:desk@example.org",
    "http://",
];

#[actix_web::test]
async fn dates_outside_years_1_to_9999_are_refused() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    let existing = "lukashenko-meets-xi-jinping-astana";
    for date in BAD_DATES {
        let post = |body| app.write("POST", "/v1/articles", &key, body);
        assert_refused(&post(&article(date, None, None)).await, "dateline.date");
        let patch = app
            .write(
                "PATCH",
                &format!("/v1/articles/{existing}"),
                &key,
                &json!({"dateline": {"date": date}}),
            )
            .await;
        assert_refused(&patch, "dateline.date");
        let q = app
            .write("POST", "/v1/quotes", &key, &quote(existing, date))
            .await;
        assert_refused(&q, "said_on");
        let e = app
            .write("POST", "/v1/events", &key, &event(date, None))
            .await;
        assert_refused(&e, "start_date");
        let e = app
            .write("POST", "/v1/events", &key, &event("2024-01-01", Some(date)))
            .await;
        assert_refused(&e, "end_date");
    }
    for time in BAD_TIMES {
        let reply = app
            .write(
                "POST",
                "/v1/articles",
                &key,
                &article("2024-01-01", Some(time), None),
            )
            .await;
        assert_refused(&reply, "published_at");
    }
}

#[actix_web::test]
async fn links_that_are_not_http_are_refused() {
    let app = spawn_app().await;
    let key = app.key(Role::Editor, "desk");
    for url in BAD_URLS {
        let reply = app
            .write(
                "POST",
                "/v1/articles",
                &key,
                &article("2024-01-01", None, Some(url)),
            )
            .await;
        assert_refused(&reply, "source.url");
        let hook = app
            .write("POST", "/v1/webhooks", &key, &json!({"url": url}))
            .await;
        assert_refused(&hook, "url");
    }
    let fine = app
        .write(
            "POST",
            "/v1/articles",
            &key,
            &article("2024-01-01", None, Some("https://example.org/a?b=1")),
        )
        .await;
    assert_eq!(fine.status, 201, "{}", String::from_utf8_lossy(&fine.body));
}

/// Every representation of what `ids` name answers 200.
async fn all_render(app: &TestApp, article: &str, quote: &str, event: &str) {
    let mut paths = vec![
        format!("/v1/articles/{article}"),
        format!("/v1/articles/{article}?format=jsonld"),
        format!("/v1/articles/{article}?format=ninjs"),
        format!("/v1/quotes/{quote}?format=jsonld"),
        format!("/v1/events/{event}?format=jsonld"),
        format!("/v1/events/{event}/timeline"),
        format!("/v1/participants/{SPEAKER}/timeline"),
        format!("/v1/participants/{SPEAKER}/timeline?sort=-date"),
        "/v1/articles?sort=published_at".to_owned(),
        "/v1/quotes?sort=said_on".to_owned(),
        "/v1/events?sort=start_date".to_owned(),
    ];
    for feed in ["articles", "quotes"] {
        for format in ["rss", "atom", "json"] {
            paths.push(format!("/v1/feeds/{feed}.{format}"));
        }
    }
    for path in paths {
        let reply = app.get(&path).await;
        assert_eq!(
            reply.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
}

#[actix_web::test]
async fn the_extreme_dates_that_are_taken_render_everywhere() {
    for (date, time) in [
        ("0001-01-01", "0001-01-01T00:00:00Z"),
        ("9999-12-31", "2024-01-01T00:00:00Z"),
    ] {
        let app = spawn_app().await;
        let key = app.key(Role::Editor, "desk");
        let created = app
            .write(
                "POST",
                "/v1/articles",
                &key,
                &article(date, Some(time), None),
            )
            .await;
        assert_eq!(
            created.status,
            201,
            "{}",
            String::from_utf8_lossy(&created.body)
        );
        let article_id = created.json()["data"]["id"].as_str().unwrap().to_owned();
        let q = app
            .write("POST", "/v1/quotes", &key, &quote(&article_id, date))
            .await;
        assert_eq!(q.status, 201, "{}", String::from_utf8_lossy(&q.body));
        let e = app
            .write("POST", "/v1/events", &key, &event(date, Some(date)))
            .await;
        assert_eq!(e.status, 201, "{}", String::from_utf8_lossy(&e.body));
        all_render(
            &app,
            &article_id,
            q.json()["data"]["id"].as_str().unwrap(),
            e.json()["data"]["id"].as_str().unwrap(),
        )
        .await;
    }
}
