//! Repeated values: a name given twice in a comma-separated list counts once, the
//! same pair given twice counts once, and a parameter that takes one value given two
//! different ones is a 400 problem that names it.

use crate::helpers::{assert_problem, spawn_app};

#[actix_web::test]
async fn a_name_given_twice_in_a_comma_list_counts_once() {
    let app = spawn_app().await;
    for (twice, once) in [
        (
            "/v1/quotes?include=speaker,speaker",
            "/v1/quotes?include=speaker",
        ),
        ("/v1/quotes?fields=id,id", "/v1/quotes?fields=id"),
        (
            "/v1/quotes?fields=text,id,text&facet=speaker,topic,speaker&count=true",
            "/v1/quotes?fields=text,id&facet=speaker,topic&count=true",
        ),
        (
            "/v1/articles/lukashenko-meets-xi-jinping-astana?include=quotes,quotes&fields=id,headline,headline",
            "/v1/articles/lukashenko-meets-xi-jinping-astana?include=quotes&fields=id,headline",
        ),
        (
            "/v1/search?q=food+security&type=article,quote,article",
            "/v1/search?q=food+security&type=article,quote",
        ),
        (
            "/v1/participants/xi-jinping/timeline?type=quote,quote&include=quotes,quotes",
            "/v1/participants/xi-jinping/timeline?type=quote&include=quotes",
        ),
    ] {
        assert_eq!(
            app.get_ok(twice).await,
            app.get_ok(once).await,
            "{twice} answers as {once}"
        );
    }
    let page = app.get_ok("/v1/quotes?include=speaker,speaker").await;
    let speakers = page["included"]["participants"].as_array().unwrap();
    let mut ids: Vec<&str> = speakers.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let all = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), all, "each speaker is included once");
}

#[actix_web::test]
async fn the_same_pair_twice_counts_once() {
    let app = spawn_app().await;
    for (twice, once) in [
        (
            "/v1/quotes?sort=said_on&sort=said_on",
            "/v1/quotes?sort=said_on",
        ),
        ("/v1/articles?limit=2&limit=2", "/v1/articles?limit=2"),
        (
            "/v1/quotes?speaker=xi-jinping&speaker=xi-jinping",
            "/v1/quotes?speaker=xi-jinping",
        ),
    ] {
        assert_eq!(app.get_ok(twice).await, app.get_ok(once).await, "{twice}");
    }
}

#[actix_web::test]
async fn one_parameter_with_two_different_values_is_a_400_that_names_it() {
    let app = spawn_app().await;
    for (path, field) in [
        ("/v1/quotes?sort=said_on&sort=-said_on", "sort"),
        ("/v1/articles?limit=2&limit=3", "limit"),
        ("/v1/quotes?include=speaker&include=event", "include"),
        (
            "/v1/articles/lukashenko-at-sco-summit-astana?format=json&format=jsonld",
            "format",
        ),
    ] {
        let problem = assert_problem(&app.get(path).await, 400);
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("`{field}`")),
            "{problem}"
        );
    }
    // Unknown names stay errors, repeated or not.
    let problem = assert_problem(&app.get("/v1/quotes?fields=id,colour,colour").await, 400);
    assert_eq!(problem["errors"][0]["field"], "fields");
}

#[actix_web::test]
async fn the_description_says_a_repeated_name_counts_once() {
    let app = spawn_app().await;
    let doc = app.get_ok("/openapi.json").await;
    let list = doc["paths"]["/v1/quotes"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["include", "fields", "facet"] {
        let param = list.iter().find(|p| p["name"] == name).unwrap();
        assert!(
            param["description"]
                .as_str()
                .unwrap()
                .contains("given twice counts once"),
            "{param}"
        );
        assert!(param["schema"].get("uniqueItems").is_none(), "{param}");
    }
}

/// `type` takes one form everywhere: repeated, as the description says; the
/// comma-separated form that search and timelines took first is taken too, also by
/// the change log.
#[actix_web::test]
async fn the_type_filter_is_taken_repeated_or_comma_separated_everywhere() {
    let app = spawn_app().await;
    for (repeated, commas) in [
        (
            "/v1/changes?type=article&type=quote",
            "/v1/changes?type=article,quote",
        ),
        (
            "/v1/search?q=food+security&type=article&type=quote",
            "/v1/search?q=food+security&type=article,quote",
        ),
        (
            "/v1/participants/xi-jinping/timeline?type=quote&type=event",
            "/v1/participants/xi-jinping/timeline?type=quote,event",
        ),
    ] {
        let page = app.get_ok(repeated).await;
        assert!(!page["data"].as_array().unwrap().is_empty(), "{repeated}");
        assert_eq!(
            page,
            app.get_ok(commas).await,
            "{repeated} answers as {commas}"
        );
    }
    let some = app.get_ok("/v1/changes?type=article&type=quote").await;
    let all = app.get_ok("/v1/changes").await;
    assert!(some["data"].as_array().unwrap().len() < all["data"].as_array().unwrap().len());
    for bad in [
        "/v1/changes?type=",
        "/v1/changes?type=article,topic",
        "/v1/search?q=a&type=article&type=blog",
        "/v1/participants/xi-jinping/timeline?type=participant",
    ] {
        assert_problem(&app.get(bad).await, 400);
    }
}
