//! The query vocabulary over HTTP: search, filters, sort, sparse fields, counts,
//! facets, timelines, and hostile values.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, spawn_app};

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

async fn id_set(app: &TestApp, path: &str) -> BTreeSet<String> {
    app.ids(path).await.into_iter().collect()
}

#[actix_web::test]
async fn search_finds_the_seed_content_best_first() {
    let app = spawn_app().await;
    let hits = app.walk("/v1/search?q=food+security", 100).await;
    let found: BTreeSet<(String, String)> = hits
        .iter()
        .map(|h| {
            (
                h["type"].as_str().unwrap().into(),
                h["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(found.contains(&("article".into(), "lukashenko-at-sco-summit-astana".into())));
    assert!(found.contains(&(
        "quote".into(),
        "lukashenko-demolish-walls-of-unipolar-world".into()
    )));
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    for hit in &hits {
        assert!(!hit["title"].as_str().unwrap().is_empty(), "{hit}");
        assert!(hit["snippet"].as_str().unwrap().contains("<mark>"), "{hit}");
    }

    let brazil = app.ids("/v1/quotes?q=Brazil").await;
    assert_eq!(brazil, ["lukashenko-supports-xi-initiatives"]);
    let brazil = app.ids("/v1/search?q=Brazil&type=quote").await;
    assert_eq!(brazil, ["lukashenko-supports-xi-initiatives"]);

    let cases: &[(&str, &[&str])] = &[
        (
            "/v1/articles?q=food+security",
            &["lukashenko-at-sco-summit-astana"],
        ),
        (
            "/v1/articles?q=%22food+security%22",
            &["lukashenko-at-sco-summit-astana"],
        ),
        ("/v1/articles?q=%22security+food%22", &[]),
        (
            "/v1/articles?q=guterr*",
            &["lukashenko-meets-antonio-guterres"],
        ),
        (
            "/v1/articles?q=Guterres+OR+Brazil",
            &[
                "lukashenko-meets-antonio-guterres",
                "lukashenko-meets-xi-jinping-astana",
            ],
        ),
        (
            "/v1/quotes?q=Xi+Jinping",
            &[
                "xi-congratulates-belarus-full-member",
                "xi-stable-development-of-relations",
            ],
        ),
        ("/v1/participants?q=lukash*", &["aleksandr-lukashenko"]),
        (
            "/v1/articles?q=insecurit*",
            &["lukashenko-at-sco-summit-astana"],
        ),
        ("/v1/participants?q=Antonio", &["antonio-guterres"]),
        (
            "/v1/search?q=Palace+of+Independence&type=event",
            &["sco-summit-astana-2024", "belarus-sco-accession-2024"],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(id_set(&app, path).await, set(expected), "{path}");
    }
}

#[actix_web::test]
async fn each_filter_selects_exactly_the_expected_items() {
    let app = spawn_app().await;
    let all_quotes = app.ids("/v1/quotes").await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/v1/articles?published_after=2024-07-05",
            &["lukashenko-at-sco-summit-astana"],
        ),
        (
            "/v1/articles?published_before=2024-07-05T07:00:00Z",
            &[
                "lukashenko-meets-xi-jinping-astana",
                "lukashenko-meets-antonio-guterres",
            ],
        ),
        (
            "/v1/articles?published_after=2024-07-05T12:00:00%2B05:00",
            &["lukashenko-at-sco-summit-astana"],
        ),
        ("/v1/articles?updated_after=2024-07-06", &[]),
        (
            "/v1/articles?participant=brazil&topic=belarus-china-relations",
            &["lukashenko-meets-xi-jinping-astana"],
        ),
        (
            "/v1/articles?event=lukashenko-guterres-meeting-2024&event=lukashenko-xi-meeting-2024",
            &[
                "lukashenko-meets-antonio-guterres",
                "lukashenko-meets-xi-jinping-astana",
            ],
        ),
        ("/v1/quotes?said_before=2024-07-04", &[]),
        (
            "/v1/quotes?speaker=xi-jinping&said_after=2024-07-04&said_before=2024-07-05",
            &[
                "xi-congratulates-belarus-full-member",
                "xi-stable-development-of-relations",
            ],
        ),
        (
            "/v1/quotes?article=lukashenko-meets-xi-jinping-astana&topic=sco-membership",
            &["xi-congratulates-belarus-full-member"],
        ),
        (
            "/v1/events?kind=meeting&participant=xi-jinping",
            &["lukashenko-xi-meeting-2024"],
        ),
        ("/v1/events?starts_after=2024-07-05", &[]),
        (
            "/v1/events?parent=sco-summit-astana-2024&starts_before=2024-07-05&kind=accession",
            &["belarus-sco-accession-2024"],
        ),
        (
            "/v1/participants?kind=person&q=president",
            &["aleksandr-lukashenko", "xi-jinping"],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(id_set(&app, path).await, set(expected), "{path}");
    }
    let said = app.ids("/v1/quotes?said_after=2024-07-04").await;
    assert_eq!(said, all_quotes, "every quote was said on 4 July");
}

#[actix_web::test]
async fn counts_equal_the_walk_and_facets_sum_to_the_total() {
    let app = spawn_app().await;
    for path in [
        "/v1/articles?count=true",
        "/v1/articles?count=true&topic=sco-membership&participant=china",
        "/v1/quotes?count=true&facet=speaker",
        "/v1/quotes?count=true&facet=speaker,event&speaker=aleksandr-lukashenko&q=SCO",
        "/v1/participants?count=true&facet=kind",
        "/v1/events?count=true&facet=kind,participant&parent=sco-summit-astana-2024",
        "/v1/search?q=Belarus&count=true&facet=type",
        "/v1/participants/aleksandr-lukashenko/timeline?count=true&facet=type",
        "/v1/events/sco-summit-astana-2024/timeline?count=true&facet=type",
    ] {
        let first = app.get_ok(&format!("{path}&limit=2")).await;
        let total = first["page"]["total"].as_u64().expect("page.total");
        let walked = app.walk(path, 3).await.len() as u64;
        assert_eq!(total, walked, "{path}");
        assert!(total > 0, "{path} selects something");
        let Some(facets) = first["facets"].as_object() else {
            continue;
        };
        // Single-valued fields: every item has exactly one value.
        for single in ["speaker", "kind", "type"] {
            if let Some(values) = facets.get(single) {
                let sum: u64 = values
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["count"].as_u64().unwrap())
                    .sum();
                assert_eq!(sum, total, "{path} facet {single}");
                for v in values.as_array().unwrap() {
                    assert!(!v["label"].as_str().unwrap().is_empty(), "{v}");
                }
            }
        }
    }
    let body = app
        .get_ok("/v1/quotes?facet=speaker&event=lukashenko-xi-meeting-2024")
        .await;
    let speakers = &body["facets"]["speaker"];
    assert_eq!(speakers[0]["value"], "xi-jinping");
    assert_eq!(speakers[0]["label"], "Xi Jinping");
    assert_eq!(speakers[0]["count"], 2);
    assert_eq!(speakers[1]["count"], 1);
    let plain = app.get_ok("/v1/quotes").await;
    assert!(plain.get("facets").is_none() && plain["page"].get("total").is_none());
}

#[actix_web::test]
async fn sparse_fields_drop_the_rest() {
    let app = spawn_app().await;
    let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let page = app
        .get_ok("/v1/articles?fields=headline,published_at")
        .await;
    for item in page["data"].as_array().unwrap() {
        assert_eq!(keys(item), set(&["id", "headline", "published_at"]));
    }
    let one = app
        .get_ok("/v1/quotes/lukashenko-wonderful-gift?fields=text,speaker")
        .await;
    assert_eq!(keys(&one["data"]), set(&["id", "text", "speaker"]));
    let hits = app.get_ok("/v1/search?q=summit&fields=type,score").await;
    for hit in hits["data"].as_array().unwrap() {
        assert_eq!(keys(hit), set(&["id", "type", "score"]));
    }
}

/// Sparse fields read less, never something else: each field alone, or with the
/// relations side-loaded, is the full item cut down to it.
#[actix_web::test]
async fn sparse_fields_are_the_full_items_cut_down() {
    let app = spawn_app().await;
    let full = app.get_ok("/v1/articles?include=quotes,participants").await;
    let names: Vec<String> = full["data"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(names.len() > 10, "{names:?}");
    for name in names {
        for include in ["", "&include=quotes,participants"] {
            let sparse = app
                .get_ok(&format!("/v1/articles?fields={name}{include}"))
                .await;
            let items = sparse["data"].as_array().unwrap();
            assert_eq!(items.len(), full["data"].as_array().unwrap().len());
            for (item, whole) in items.iter().zip(full["data"].as_array().unwrap()) {
                assert_eq!(item["id"], whole["id"]);
                assert_eq!(item[&name], whole[&name], "{name}{include}");
            }
            if !include.is_empty() {
                assert_eq!(sparse["included"], full["included"], "{name}{include}");
            }
        }
    }
}

#[actix_web::test]
async fn hostile_values_are_400_problems_never_500s() {
    let app = spawn_app().await;
    let cases = [
        ("/v1/articles?q=%22", "q"),
        ("/v1/quotes?q=*%20(%20)%20:%20%5E", "q"),
        ("/v1/participants?q=%27%3B", "q"),
        ("/v1/search?q=", "q"),
        ("/v1/search", "q"),
        ("/v1/search?q=a&type=blog", "type"),
        ("/v1/search?q=a&sort=-relevance", "sort"),
        ("/v1/articles?sort=headline", "sort"),
        ("/v1/articles?sort=relevance", "sort"),
        ("/v1/events?sort=name", "sort"),
        ("/v1/articles?fields=id,secret", "fields"),
        ("/v1/quotes?fields=*", "fields"),
        ("/v1/quotes?include=speaker,password", "include"),
        (
            "/v1/events/sco-summit-astana-2024/timeline?include=speaker",
            "include",
        ),
        ("/v1/quotes?facet=kind", "facet"),
        ("/v1/quotes?count=maybe", "count"),
        ("/v1/articles?published_after=yesterday", "published_after"),
        ("/v1/quotes?said_before=2024-13-01", "said_before"),
        (
            "/v1/events?starts_after=2024-07-04T00:00:00Z",
            "starts_after",
        ),
        ("/v1/search?q=a&colour=red", "colour"),
        (
            "/v1/participants/xi-jinping/timeline?sort=relevance",
            "sort",
        ),
    ];
    for (path, field) in cases {
        let body = assert_problem(&app.get(path).await, 400);
        assert_eq!(body["errors"][0]["field"], field, "{path}: {body}");
        assert!(!body["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    let long = format!("/v1/search?q={}", "word+".repeat(40));
    assert_problem(&app.get(&long).await, 400);
    // Operators and punctuation are plain text: a literal search, never a syntax error.
    for q in [
        "AND%20(",
        "NEAR(a%20b)",
        "a%20OR",
        "%22unterminated",
        "x:y",
        "-a%20NOT%20b",
    ] {
        for base in [
            "/v1/search",
            "/v1/articles",
            "/v1/quotes",
            "/v1/participants",
        ] {
            let reply = app.get(&format!("{base}?q={q}")).await;
            assert_eq!(reply.status.as_u16(), 200, "{base}?q={q}");
        }
    }
    let by_name = app.get_ok("/v1/participants?limit=1&sort=-name").await;
    let cursor = by_name["page"]["next_cursor"].as_str().unwrap();
    let body = assert_problem(
        &app.get(&format!("/v1/participants?sort=name&cursor={cursor}"))
            .await,
        400,
    );
    assert_eq!(body["errors"][0]["field"], "cursor");
}

#[actix_web::test]
async fn cursor_walks_are_stable_under_every_sort() {
    let app = spawn_app().await;
    let lists: &[(&str, &[&str], &str)] = &[
        (
            "/v1/articles",
            &["published_at", "-published_at", "updated_at", "-updated_at"],
            "",
        ),
        (
            "/v1/articles?q=Lukashenko",
            &["relevance", "published_at"],
            "",
        ),
        ("/v1/quotes", &["said_on", "-said_on"], "said_on"),
        (
            "/v1/quotes?q=SCO+OR+Belarus",
            &["relevance", "-said_on"],
            "",
        ),
        ("/v1/participants", &["name", "-name"], "name"),
        (
            "/v1/participants?q=president+OR+organization",
            &["relevance"],
            "",
        ),
        ("/v1/events", &["start_date", "-start_date"], "start_date"),
        ("/v1/search?q=Belarus+OR+SCO+OR+summit", &["relevance"], ""),
        (
            "/v1/participants/aleksandr-lukashenko/timeline",
            &["date", "-date"],
            "at",
        ),
        (
            "/v1/events/sco-summit-astana-2024/timeline",
            &["date", "-date"],
            "at",
        ),
    ];
    for (path, sorts, field) in lists {
        for sort in *sorts {
            let sep = if path.contains('?') { '&' } else { '?' };
            let sorted = format!("{path}{sep}sort={sort}");
            let one_by_one = app.walk(&sorted, 1).await;
            let all = app.walk(&sorted, 100).await;
            assert_eq!(ids(&one_by_one), ids(&all), "{sorted}");
            assert!(all.len() > 1, "{sorted} has something to order");
            let unique: BTreeSet<(String, String)> = all
                .iter()
                .map(|i| (i["type"].to_string(), i["id"].to_string()))
                .collect();
            assert_eq!(unique.len(), all.len(), "{sorted}: an item came twice");
            if !field.is_empty() {
                let keys: Vec<String> = all.iter().map(|i| i[*field].to_string()).collect();
                let mut expected = keys.clone();
                expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
                if sort.starts_with('-') {
                    expected.reverse();
                }
                assert_eq!(keys, expected, "{sorted}");
            }
        }
    }
}

#[actix_web::test]
async fn topics_take_the_shared_list_vocabulary_but_no_facets_or_includes() {
    let app = spawn_app().await;
    let all = app.get_ok("/v1/topics?sort=id&count=true&limit=2").await;
    let total = all["page"]["total"].as_u64().unwrap();
    assert!(total > 2, "{all}");
    assert_eq!(app.walk("/v1/topics?sort=id", 2).await.len() as u64, total);

    let sparse = app.get_ok("/v1/topics?fields=name").await;
    for item in sparse["data"].as_array().unwrap() {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "name"], "{item}");
    }
    for (path, field) in [
        ("/v1/topics?sort=-id", "sort"),
        ("/v1/topics?fields=colour", "fields"),
        ("/v1/topics?count=maybe", "count"),
        ("/v1/topics?facet=id", "facet"),
        ("/v1/topics?include=articles", "include"),
    ] {
        let problem = assert_problem(&app.get(path).await, 400);
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
}
