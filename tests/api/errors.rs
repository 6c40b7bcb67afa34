//! Every kind of bad input gets an RFC 9457 problem, never a bare or HTML error.

use crate::helpers::{assert_problem, spawn_app};

#[actix_web::test]
async fn bad_query_parameters_are_400_problems_naming_them() {
    let app = spawn_app().await;
    let cases = [
        // `include` means one thing everywhere: an empty value names nothing, and a
        // resource that relates to nothing takes no value at all.
        ("/v1/topics?include=", "include"),
        ("/v1/topics/food-security?include=", "include"),
        ("/v1/topics?include=articles", "include"),
        ("/v1/search?q=summit&include=", "include"),
        ("/v1/articles?colour=red", "colour"),
        ("/v1/articles?limit=0", "limit"),
        ("/v1/articles?limit=101", "limit"),
        ("/v1/quotes?include=everything", "include"),
        // The description's enum is exact: no empty or padded names.
        ("/v1/quotes?include=speaker,", "include"),
        ("/v1/quotes?include=", "include"),
        ("/v1/quotes?include=speaker,%20event", "include"),
        ("/v1/articles?cursor=not-a-cursor", "cursor"),
        (
            "/v1/articles/lukashenko-meets-antonio-guterres?expand=all",
            "expand",
        ),
    ];
    for (path, field) in cases {
        let body = assert_problem(&app.get(path).await, 400);
        assert_eq!(body["errors"][0]["field"], field, "{path}: {body}");
    }
    for path in [
        "/v1/articles?limit=ten",
        "/v1/events?kind=party",
        "/v1/quotes?speaker=Not%20A%20Slug",
        // An empty value is not an absent one.
        "/v1/articles?limit=",
        "/v1/articles?cursor=",
        "/v1/changes?since=",
        "/v1/changes?since=%2B1",
        "/v1/topics/food-security?format=",
    ] {
        assert_problem(&app.get(path).await, 400);
    }
}

#[actix_web::test]
async fn a_cursor_from_another_list_is_refused() {
    let app = spawn_app().await;
    let page = app.get_ok("/v1/participants?limit=1").await;
    let cursor = page["page"]["next_cursor"].as_str().unwrap();
    let body = assert_problem(
        &app.get(&format!("/v1/articles?cursor={cursor}")).await,
        400,
    );
    assert_eq!(body["errors"][0]["field"], "cursor");
}

#[actix_web::test]
async fn unknown_things_are_404_problems() {
    let app = spawn_app().await;
    for path in [
        "/v1/articles/no-such-article",
        "/v1/articles/Not_A_Slug",
        "/v1/quotes/no-such-quote",
        "/v1/participants/nobody",
        "/v1/events/no-such-event/quotes",
        "/v1/nothing-here",
        "/v2",
        "/problems/no-such-problem",
    ] {
        assert_problem(&app.get(path).await, 404);
    }
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    for (method, path) in [
        ("PUT", "/v1/articles"),
        ("POST", "/v1/quotes/lukashenko-wonderful-gift"),
        ("DELETE", "/v1/topics/food-security"),
        ("PUT", "/healthz"),
    ] {
        let reply = app.request(method, path, &[]).await;
        assert_problem(&reply, 405);
        let allow = reply.header("allow").expect("Allow header");
        assert!(allow.contains("GET") && allow.contains("HEAD"), "{allow}");
    }
}

#[actix_web::test]
async fn problem_types_are_documented_at_their_uri() {
    let app = spawn_app().await;
    let problem = assert_problem(&app.get("/v1/articles/nope").await, 404);
    let kind = app.get_ok(problem["type"].as_str().unwrap()).await;
    assert_eq!(kind["status"], 404);
    assert_eq!(kind["title"], problem["title"]);
}
