//! The search indexes follow every write; every list, filter and search is served by
//! an index; the benchmark corpus is deterministic.

use std::collections::BTreeSet;

use newsdesk::domain::{
    Article, Event, EventKind, Participant, ParticipantId, ParticipantKind, Quote, ResourceKind,
    SearchHit, TimelineEntry,
};
use newsdesk::storage::articles::ArticleFilter;
use newsdesk::storage::events::EventFilter;
use newsdesk::storage::fts::FtsQuery;
use newsdesk::storage::list::{ListRequest, Resource, plans};
use newsdesk::storage::participants::ParticipantFilter;
use newsdesk::storage::quotes::QuoteFilter;
use newsdesk::storage::search::SearchFilter;
use newsdesk::storage::timeline::{TimelineFilter, TimelineOf};
use rusqlite::Connection;

use crate::helpers::spawn_app_with;

fn integrity_check(conn: &Connection) {
    for table in [
        "articles_fts",
        "quotes_fts",
        "participants_fts",
        "events_fts",
    ] {
        conn.execute(
            &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"),
            [],
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
}

#[actix_web::test]
async fn the_search_indexes_follow_inserts_updates_and_deletes() {
    // The writes below go around the API, so nothing tells the response cache.
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| s.response_cache_mb = 0).await;
    let conn = Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    // As on the server's connections: a replaced row fires its delete triggers.
    conn.pragma_update(None, "recursive_triggers", "ON")
        .unwrap();
    let found = |q: &str| format!("/v1/search?q={q}");
    conn.execute(
        "INSERT INTO articles (id, headline, headline_origin, dateline_date, published_at,
            updated_at, summary, language, body)
         VALUES ('airship-news', 'Airship over Astana', 'editorial', '2024-07-06', 1720260000,
            1720260000, 'A sighting.', 'en', '[{\"type\":\"paragraph\",\"text\":\"The Hindenburg flew.\"}]')",
        [],
    )
    .unwrap();
    assert_eq!(app.ids(&found("hindenburg")).await, ["airship-news"]);
    assert_eq!(app.ids("/v1/articles?q=airship").await, ["airship-news"]);

    conn.execute(
        "UPDATE articles SET body = '[{\"type\":\"paragraph\",\"text\":\"The Graf Zeppelin flew.\"}]'
         WHERE id = 'airship-news'",
        [],
    )
    .unwrap();
    assert!(app.ids(&found("hindenburg")).await.is_empty());
    assert_eq!(app.ids(&found("zeppelin")).await, ["airship-news"]);

    conn.execute(
        "INSERT OR REPLACE INTO articles (id, headline, headline_origin, dateline_date,
            published_at, updated_at, summary, language, body)
         VALUES ('airship-news', 'Balloon over Astana', 'editorial', '2024-07-06', 1720260000,
            1720260001, 'A sighting.', 'en', '[]')",
        [],
    )
    .unwrap();
    assert!(app.ids(&found("zeppelin")).await.is_empty());
    assert_eq!(app.ids(&found("balloon")).await, ["airship-news"]);
    conn.execute("DELETE FROM articles WHERE id = 'airship-news'", [])
        .unwrap();
    assert!(app.ids(&found("balloon")).await.is_empty());

    // A quote is found by its speaker's name, so a new name re-indexes the quotes.
    conn.execute(
        "UPDATE participants SET name = 'Xi Dada' WHERE id = 'xi-jinping'",
        [],
    )
    .unwrap();
    let by_new_name: BTreeSet<String> = app.ids("/v1/quotes?q=dada").await.into_iter().collect();
    let by_speaker: BTreeSet<String> = app
        .ids("/v1/quotes?speaker=xi-jinping")
        .await
        .into_iter()
        .collect();
    assert_eq!(by_new_name, by_speaker);
    assert_eq!(app.ids("/v1/participants?q=dada").await, ["xi-jinping"]);
    conn.execute(
        "UPDATE events SET title = 'Astana conclave' WHERE id = 'sco-summit-astana-2024'",
        [],
    )
    .unwrap();
    assert_eq!(
        app.ids("/v1/search?q=conclave").await,
        ["sco-summit-astana-2024"]
    );
    integrity_check(&conn);
}

fn request<R: Resource>(sort: &str, count: bool, facets: bool) -> ListRequest {
    let mut request = ListRequest::first::<R>(20);
    request.sort = *R::SORTS.iter().find(|s| s.name == sort).expect("a sort");
    request.count = count;
    if facets {
        request.facets = R::FACETS.to_vec();
    }
    request
}

/// A generated corpus of 400 articles (analyzed, as `generate` leaves it) for
/// reading query plans, and the directory that holds it.
fn plan_corpus() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.db");
    newsdesk::corpus::generate(&path, 400, 7).unwrap();
    let conn = Connection::open(&path).unwrap();
    (dir, conn)
}

/// Plan lines that read a whole content table instead of seeking through an index.
/// Only `topics`, a table of a few dozen rows, may be scanned for a facet's labels.
fn full_scans(lines: &[String]) -> Vec<String> {
    const TABLES: &[&str] = &[
        "a",
        "q",
        "p",
        "e",
        "c",
        "x",
        "ap",
        "ae",
        "ep",
        "fx",
        "fl",
        "dl",
        "articles",
        "quotes",
        "participants",
        "events",
        "article_topics",
        "article_events",
        "article_participants",
        "event_participants",
    ];
    let mut statement = "";
    let mut scans = Vec::new();
    for line in lines {
        if let Some(sql) = line.strip_prefix("-- ") {
            statement = sql;
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let table = words.get(1).copied().unwrap_or("");
        let labels_of_topics = table == "fl" && statement.contains("JOIN topics fl");
        if words.first() == Some(&"SCAN")
            && TABLES.contains(&table)
            && !line.contains("INDEX")
            && !labels_of_topics
        {
            scans.push(format!("{line}   in   {statement}"));
        }
    }
    scans
}

#[actix_web::test]
async fn every_list_filter_and_search_is_served_by_an_index() {
    let (_dir, conn) = plan_corpus();
    let harbour = || Some(FtsQuery::parse("harbour").unwrap());
    let person = || vec![ParticipantId::parse("gen-person-1").unwrap()];
    let mut lines = Vec::new();
    let mut check = |plan: Vec<String>| lines.extend(plan);
    for (filter, sort) in [
        (ArticleFilter::default(), "-published_at"),
        (ArticleFilter::default(), "updated_at"),
        (
            ArticleFilter {
                participant: person(),
                ..Default::default()
            },
            "-published_at",
        ),
        (
            ArticleFilter {
                event: vec!["gen-event-3".parse_id()],
                ..Default::default()
            },
            "published_at",
        ),
        (
            ArticleFilter {
                topic: vec!["gen-trade".parse_id()],
                ..Default::default()
            },
            "-updated_at",
        ),
        (
            ArticleFilter {
                published_after: Some(1_600_000_000),
                published_before: Some(1_700_000_000),
                ..Default::default()
            },
            "-published_at",
        ),
        (
            ArticleFilter {
                updated_after: Some(1_600_000_000),
                ..Default::default()
            },
            "updated_at",
        ),
        (
            ArticleFilter {
                q: harbour(),
                ..Default::default()
            },
            "relevance",
        ),
        (
            ArticleFilter {
                q: harbour(),
                participant: person(),
                ..Default::default()
            },
            "-published_at",
        ),
    ] {
        check(plans::<Article>(&conn, &filter, &request::<Article>(sort, true, true)).unwrap());
    }
    for (filter, sort) in [
        (QuoteFilter::default(), "-said_on"),
        (
            QuoteFilter {
                speaker: person(),
                ..Default::default()
            },
            "said_on",
        ),
        (
            QuoteFilter {
                article: vec!["gen-article-9".parse_id()],
                ..Default::default()
            },
            "-said_on",
        ),
        (
            QuoteFilter {
                event: vec!["gen-event-3".parse_id()],
                ..Default::default()
            },
            "-said_on",
        ),
        (
            QuoteFilter {
                topic: vec!["gen-trade".parse_id()],
                ..Default::default()
            },
            "said_on",
        ),
        (
            QuoteFilter {
                said_after: "2020-01-01".parse().ok(),
                ..Default::default()
            },
            "said_on",
        ),
        (
            QuoteFilter {
                q: harbour(),
                ..Default::default()
            },
            "relevance",
        ),
    ] {
        check(plans::<Quote>(&conn, &filter, &request::<Quote>(sort, true, true)).unwrap());
    }
    for (filter, sort) in [
        (ParticipantFilter::default(), "name"),
        (
            ParticipantFilter {
                kind: vec![ParticipantKind::Country],
                ..Default::default()
            },
            "-name",
        ),
        (
            ParticipantFilter {
                q: Some(FtsQuery::parse("okafor").unwrap()),
                ..Default::default()
            },
            "relevance",
        ),
    ] {
        check(
            plans::<Participant>(&conn, &filter, &request::<Participant>(sort, true, true))
                .unwrap(),
        );
    }
    for (filter, sort) in [
        (EventFilter::default(), "-start_date"),
        (
            EventFilter {
                kind: vec![EventKind::Summit],
                ..Default::default()
            },
            "start_date",
        ),
        (
            EventFilter {
                parent: vec!["gen-event-0".parse_id()],
                ..Default::default()
            },
            "-start_date",
        ),
        (
            EventFilter {
                participant: person(),
                ..Default::default()
            },
            "-start_date",
        ),
        (
            EventFilter {
                starts_after: "2020-01-01".parse().ok(),
                ..Default::default()
            },
            "start_date",
        ),
    ] {
        check(plans::<Event>(&conn, &filter, &request::<Event>(sort, true, true)).unwrap());
    }
    let search = SearchFilter {
        q: FtsQuery::parse("harbour OR trade").unwrap(),
        types: vec![ResourceKind::Quote],
        engine: None,
    };
    check(
        plans::<SearchHit>(
            &conn,
            &search,
            &request::<SearchHit>("relevance", true, true),
        )
        .unwrap(),
    );
    for of in [
        TimelineOf::Participant(person().remove(0)),
        TimelineOf::Event("gen-event-0".parse_id()),
    ] {
        let filter = TimelineFilter {
            of,
            types: Vec::new(),
        };
        check(
            plans::<TimelineEntry>(
                &conn,
                &filter,
                &request::<TimelineEntry>("date", true, true),
            )
            .unwrap(),
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("VIRTUAL TABLE INDEX")),
        "the full-text index is used"
    );
    let scans = full_scans(&lines);
    assert!(
        scans.is_empty(),
        "full scans: {scans:#?}\n\n{}",
        lines.join("\n")
    );
}

/// The latest articles of one topic, participant or event, in either direction of
/// publication and from any page, walk that link's index and stop after a page: no
/// sort of all the articles the filter selects.
#[actix_web::test]
async fn a_list_of_one_relation_walks_its_index_in_publication_order() {
    let (_dir, conn) = plan_corpus();
    let filters = [
        (
            ArticleFilter {
                topic: vec!["gen-trade".parse_id()],
                ..Default::default()
            },
            "article_topics_by_topic",
        ),
        (
            ArticleFilter {
                participant: vec!["gen-person-1".parse_id()],
                topic: vec!["gen-trade".parse_id(), "gen-climate".parse_id()],
                ..Default::default()
            },
            "article_participants_by_participant",
        ),
        (
            ArticleFilter {
                event: vec!["gen-event-3".parse_id()],
                ..Default::default()
            },
            "article_events_by_event",
        ),
    ];
    for (filter, index) in filters {
        for sort in ["-published_at", "published_at"] {
            let mut request = request::<Article>(sort, false, false);
            request.page.after = Some(newsdesk::storage::Cursor {
                key: newsdesk::storage::SortValue::Int(1_700_000_000),
                id: "gen-article-9".into(),
            });
            let plan = plans::<Article>(&conn, &filter, &request).unwrap();
            let text = plan.join("\n");
            assert!(text.contains(&format!("INDEX {index} (")), "{sort}: {text}");
            assert!(!text.contains("TEMP B-TREE FOR ORDER BY"), "{sort}: {text}");
        }
    }
}

/// A change of an article's publication time moves it in the lists of its topic,
/// participant and event, which are ordered by a copy of that time.
#[actix_web::test]
async fn lists_of_one_relation_follow_a_new_publication_time() {
    let app = crate::helpers::spawn_app().await;
    let key = app.key(crate::helpers::Role::Editor, "desk");
    let lists = [
        "/v1/articles?topic=sco-membership",
        "/v1/articles?participant=aleksandr-lukashenko&topic=sco-membership&topic=belarus-china-relations",
        "/v1/events/sco-summit-astana-2024/articles?sort=published_at",
    ];
    let mut before = Vec::new();
    for list in lists {
        before.push(app.ids(list).await);
    }
    let reply = app
        .write(
            "PATCH",
            "/v1/articles/lukashenko-meets-xi-jinping-astana",
            &key,
            &serde_json::json!({"published_at": "2024-07-06T09:00:00Z"}),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{:?}", reply.body);
    for (list, before) in lists.iter().zip(before) {
        let after = app.ids(list).await;
        assert!(
            before.contains(&"lukashenko-meets-xi-jinping-astana".to_owned()),
            "{list}: {before:?}"
        );
        let mut expected = before.clone();
        expected.retain(|id| id != "lukashenko-meets-xi-jinping-astana");
        if list.contains("sort=published_at") {
            expected.push("lukashenko-meets-xi-jinping-astana".into());
        } else {
            expected.insert(0, "lukashenko-meets-xi-jinping-astana".into());
        }
        assert_eq!(after, expected, "{list}");
        assert_ne!(after, before, "{list}");
    }
}

/// Parses a test id literal into whichever id type is wanted.
trait ParseId {
    fn parse_id<T: TryFrom<String>>(&self) -> T;
}

impl ParseId for str {
    fn parse_id<T: TryFrom<String>>(&self) -> T {
        T::try_from(self.to_owned()).unwrap_or_else(|_| panic!("{self} is an id"))
    }
}

#[actix_web::test]
async fn the_generated_corpus_is_deterministic_and_realistic() {
    let dir = tempfile::tempdir().unwrap();
    let dump = |name: &str, seed: u64| {
        let path = dir.path().join(name);
        let done = newsdesk::corpus::generate(&path, 500, seed).unwrap();
        assert_eq!(done.articles, 500);
        let conn = Connection::open(&path).unwrap();
        let rows: Vec<String> = conn
            .prepare(
                "SELECT id || headline || body FROM articles WHERE id LIKE 'gen-%' ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let stat = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, f64>(0)).unwrap();
        let harbour = stat("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'harbour'");
        assert!(
            (15.0..=45.0).contains(&harbour),
            "about 6% mention the harbour: {harbour}"
        );
        let body = stat("SELECT avg(length(body)) FROM articles WHERE id LIKE 'gen-%'");
        assert!(
            (3000.0..5000.0).contains(&body),
            "~3 KB of text per body: {body}"
        );
        let quotes = stat("SELECT count(*) * 1.0 / 500 FROM quotes WHERE id LIKE 'gen-%'");
        assert!(
            (4.0..=6.0).contains(&quotes),
            "~5 quotes per article: {quotes}"
        );
        let orphans = stat("SELECT count(*) FROM pragma_foreign_key_check");
        assert_eq!(orphans, 0.0);
        integrity_check(&conn);
        let outcomes = newsdesk::storage::check::check_file(&path, &Default::default()).unwrap();
        assert!(outcomes.iter().all(|o| o.ok()), "{outcomes:?}");
        rows
    };
    let first = dump("a.db", 42);
    assert_eq!(first.len(), 500);
    assert!(first[0].starts_with("gen-article-1"));
    assert_eq!(first, dump("b.db", 42), "same seed, same corpus");
    assert_ne!(first, dump("c.db", 43), "another seed, another corpus");
    let again = newsdesk::corpus::generate(&dir.path().join("a.db"), 10, 1);
    assert!(again.is_err(), "a database is generated into once");
}

#[actix_web::test]
async fn a_search_answers_from_every_write_committed_before_it() {
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| s.response_cache_mb = 0).await;
    // The engine keeps its index beside the file; searches below are answered by it.
    assert!(app.dir.path().join("newsdesk.db.search").is_dir());
    let key = app.key(newsdesk::storage::keys::Role::Editor, "desk");
    let article = "/v1/articles/lukashenko-meets-antonio-guterres";
    for (word, gone) in [("zeppelin", None), ("dirigible", Some("zeppelin"))] {
        app.write(
            "PATCH",
            article,
            &key,
            &serde_json::json!({"summary": format!("A {word} over Astana.")}),
        )
        .await;
        for path in [
            format!("/v1/search?q={word}"),
            format!("/v1/articles?q={word}&sort=relevance"),
        ] {
            assert_eq!(
                app.ids(&path).await,
                ["lukashenko-meets-antonio-guterres"],
                "{path}"
            );
        }
        if let Some(gone) = gone {
            assert!(app.ids(&format!("/v1/search?q={gone}")).await.is_empty());
        }
    }
    // A withdrawn article is still in the index, but no longer public.
    app.write(
        "PATCH",
        article,
        &key,
        &serde_json::json!({"status": "withdrawn"}),
    )
    .await;
    assert!(app.ids("/v1/search?q=dirigible").await.is_empty());
    assert!(app.ids("/v1/articles?q=dirigible").await.is_empty());
}

/// A search in date order reads its matches one of two ways, by how many articles
/// may hold its words (a word most hold walks the date index); both give the same
/// pages as sorting every match.
#[actix_web::test]
async fn a_search_in_date_order_pages_through_its_matches_in_order() {
    let dir = tempfile::tempdir().unwrap();
    newsdesk::corpus::generate(&dir.path().join("newsdesk.db"), 400, 7).unwrap();
    let app = spawn_app_with(dir, |s| s.response_cache_mb = 0).await;
    let count = |page: &serde_json::Value| page["page"]["total"].as_u64().unwrap();
    // Held by almost every article, by a few dozen, by a handful.
    let economic = app.get_ok("/v1/articles?q=economic&count=true").await;
    assert!(count(&economic) > 300, "{}", count(&economic));
    let harbour = app.get_ok("/v1/articles?q=harbour&count=true").await;
    assert!((20..100).contains(&count(&harbour)), "{}", count(&harbour));
    let timur = app.get_ok("/v1/articles?q=timur&count=true").await;
    assert!((1..10).contains(&count(&timur)), "{}", count(&timur));
    for q in [
        "economic",
        "harbour",
        "timur",
        "%22cargo%20ships%22",
        "harbour%20OR%20timur",
        "econ*",
    ] {
        let every = app
            .walk(
                &format!("/v1/articles?q={q}&fields=id,published_at,updated_at"),
                100,
            )
            .await;
        assert!(!every.is_empty(), "{q}");
        for (sort, by) in [
            ("-published_at", "published_at"),
            ("published_at", "published_at"),
            ("-updated_at", "updated_at"),
        ] {
            let mut expected: Vec<(String, String)> = every
                .iter()
                .map(|a| {
                    (
                        a[by].as_str().unwrap().to_owned(),
                        a["id"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            expected.sort();
            if sort.starts_with('-') {
                expected.reverse();
            }
            let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
            let got = app
                .walk(&format!("/v1/articles?q={q}&sort={sort}&fields=id"), 9)
                .await;
            let got: Vec<String> = got
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(got, expected, "{q} {sort}");
        }
    }
}

/// Whether a reader may see an article is decided from an index that carries the
/// visibility rule's columns, never from the article's row, whose body pushes those
/// columns onto an overflow page: newest first, by a relation, and by a search's ids.
#[actix_web::test]
async fn visibility_is_decided_from_an_index() {
    let (_dir, conn) = plan_corpus();
    let cases = [
        (ArticleFilter::default(), "articles_visible_by_published"),
        (
            ArticleFilter {
                topic: vec!["gen-trade".parse_id()],
                ..Default::default()
            },
            "articles_visible_by_id",
        ),
        (
            ArticleFilter {
                ids: vec!["gen-article-9".parse_id(), "gen-article-10".parse_id()],
                ..Default::default()
            },
            "articles_visible_by_id",
        ),
    ];
    for (filter, index) in cases {
        let request = request::<Article>("-published_at", false, false);
        let plan = plans::<Article>(&conn, &filter, &request).unwrap();
        let text = plan.join("\n");
        assert!(
            text.contains(&format!("USING COVERING INDEX {index} (")),
            "{filter:?}: {text}"
        );
    }
}
