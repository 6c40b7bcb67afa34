//! What every kind of resource must have, so that adding one cannot silently leave a
//! part out.

use serde_json::{Value, json};

use newsdesk::domain::COLLECTIONS;

use crate::helpers::{Role, TestApp, assert_problem, spawn_app};

/// References that make the referring row part of the referenced one: deleting an
/// article deletes its quotes with it, so a quote's `article` never blocks a delete.
const OWNED: &[(&str, &str)] = &[("quotes", "article")];

/// The tables of content resources, from the schema itself: each table with a text
/// `id` and an `updated_at`. A table added for a new resource is one of them at
/// once, whatever else was forgotten. The table's name is the resource's path.
fn resource_tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut statement = conn
        .prepare(
            "SELECT m.name FROM sqlite_schema m
             WHERE m.type = 'table'
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'id' AND pk = 1)
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'updated_at')
             ORDER BY m.name",
        )
        .unwrap();
    let kinds = statement.query_map([], |r| r.get(0)).unwrap();
    kinds.map(Result::unwrap).collect()
}

/// Every foreign key that is not `ON DELETE CASCADE`, as (table, column, the table
/// it points at): while a row points there, that row's target cannot go.
fn blocking_references(conn: &rusqlite::Connection) -> Vec<(String, String, String)> {
    let mut statement = conn
        .prepare(
            "SELECT m.name, f.\"from\", f.\"table\"
             FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.on_delete <> 'CASCADE'
             ORDER BY 1, 2",
        )
        .unwrap();
    let references = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    references.map(Result::unwrap).collect()
}

/// Each 2xx response with a body, in every media type, carries an example.
fn assert_examples(doc: &Value, path: &str) {
    for (method, operation) in doc["paths"][path].as_object().unwrap() {
        for (status, response) in operation["responses"].as_object().unwrap() {
            let Some(content) = response["content"]
                .as_object()
                .filter(|_| status.starts_with('2'))
            else {
                continue;
            };
            for (media, body) in content {
                assert!(
                    body.get("example").is_some() || body.get("examples").is_some(),
                    "{method} {path} {status} {media} has no example"
                );
            }
        }
    }
}

#[actix_web::test]
async fn every_resource_kind_has_every_part() {
    let app = spawn_app().await;
    let conn = rusqlite::Connection::open(app.dir.path().join("newsdesk.db")).unwrap();
    // The registration (`resources!` in src/domain/kind.rs) and the tables agree:
    // a table without a registration, or a registration without a table, fails here.
    let kinds: Vec<String> = COLLECTIONS.iter().map(|c| c.to_string()).collect();
    let mut registered = kinds.clone();
    registered.sort();
    assert_eq!(
        resource_tables(&conn),
        registered,
        "the tables of the resources and the resources registered in `resources!` differ"
    );
    assert!(kinds.len() >= 5, "{kinds:?}");
    let doc = app.get_ok("/openapi.json").await;
    for kind in &kinds {
        assert!(
            doc["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == kind.as_str() && t["description"].is_string()),
            "no described section (tag) for {kind}"
        );
        let list = format!("/v1/{kind}");
        let one = format!("/v1/{kind}/{{id}}");
        for path in [&list, &one] {
            assert!(
                doc["paths"][path]["get"].is_object(),
                "no GET {path} described"
            );
            assert_examples(&doc, path);
        }
        let ids = app.ids(&list).await;
        let id = ids
            .first()
            .unwrap_or_else(|| panic!("{list} lists nothing"));
        let reply = app
            .request(
                "GET",
                &format!("{list}/{id}"),
                &[("Accept", "application/json")],
            )
            .await;
        assert_eq!(reply.status.as_u16(), 200, "GET {list}/{id}");
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(reply.json()["data"]["id"], id.as_str(), "GET {list}/{id}");
    }
    check_deletes_while_referenced(&app, &conn, &kinds, &doc).await;
}

/// Every resource that can be deleted answers 409, never 500 or 204, while another
/// row still points at it.
async fn check_deletes_while_referenced(
    app: &TestApp,
    conn: &rusqlite::Connection,
    kinds: &[String],
    doc: &Value,
) {
    let key = app.key(Role::Editor, "desk");
    let auth = format!("Bearer {key}");
    let mut tried = 0;
    for (table, column, target) in blocking_references(conn) {
        let deletable = doc["paths"][format!("/v1/{target}/{{id}}")]["delete"].is_object();
        if !kinds.contains(&target) || !deletable || OWNED.contains(&(&*table, &*column)) {
            continue;
        }
        let referenced: Option<String> = conn
            .query_row(
                &format!(
                    "SELECT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL LIMIT 1"
                ),
                [],
                |r| r.get(0),
            )
            .ok();
        let Some(id) = referenced else { continue };
        let reply = app
            .request(
                "DELETE",
                &format!("/v1/{target}/{id}"),
                &[("Authorization", auth.as_str())],
            )
            .await;
        let problem = assert_problem(&reply, 409);
        assert_eq!(
            problem["type"], "/problems/conflict",
            "{table}.{column} → {target}/{id}"
        );
        tried += 1;
    }
    assert!(tried >= 5, "only {tried} references were tried");
}

/// A table added without a registration nor a delete check: it points at participants
/// and `DELETE /v1/participants/{id}` does not know about it. SQLite's foreign key
/// refuses the delete, and that refusal must reach the client as a 409, not a 500.
/// (Not called `places`, the resource ARCHITECTURE.md adds as its example.)
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
        "CREATE TABLE unregistered_places (id TEXT PRIMARY KEY, country TEXT REFERENCES participants (id));
         INSERT INTO unregistered_places VALUES ('bishkek', '{id}');"
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

/// Every OpenAPI schema name declared in `src/`, with where: each type that derives
/// `ToSchema` (under its `#[schema(as = ...)]` name if it has one), and each type made
/// by a macro that derives it. utoipa's component names are global and a second type
/// of the same name silently replaces the first in `components.schemas`.
fn declared_schema_names() -> Vec<(String, String)> {
    let mut sources = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    let mut names = Vec::new();
    let mut macros = Vec::new();
    for (file, text) in &sources {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let mut macro_name = None;
        for (at, line) in lines.iter().enumerate() {
            if let Some(rest) = line.strip_prefix("macro_rules!") {
                macro_name = Some(rest.trim().trim_end_matches('{').trim().to_owned());
            }
            if !(line.starts_with("#[derive(") && derives_to_schema(&lines[at..])) {
                continue;
            }
            let mut renamed = None;
            for next in &lines[at..] {
                if let Some(alias) = next
                    .split("as = ")
                    .nth(1)
                    .filter(|_| next.starts_with("#[schema("))
                {
                    let path = alias.split([',', ')']).next().unwrap().trim();
                    renamed = Some(path.rsplit("::").next().unwrap().to_owned());
                }
                let item = next
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                if let Some(rest) = item
                    .strip_prefix("struct ")
                    .or_else(|| item.strip_prefix("enum "))
                {
                    let ident: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                        .collect();
                    if ident.starts_with('$') {
                        macros.extend(macro_name.clone());
                    } else {
                        names.push((renamed.unwrap_or(ident), format!("{file}:{}", at + 1)));
                    }
                    break;
                }
            }
        }
    }
    // The first identifier of each invocation of those macros names the type.
    for (file, text) in &sources {
        for name in &macros {
            for (at, invocation) in text.match_indices(&format!("{name}!(")) {
                let first = text[at + invocation.len()..]
                    .lines()
                    .map(str::trim)
                    .flat_map(|l| {
                        if l.starts_with("///") || l.starts_with("#[") {
                            None
                        } else {
                            Some(l)
                        }
                    })
                    .flat_map(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '_')))
                    .find(|w| !w.is_empty())
                    .unwrap();
                let line = text[..at].lines().count() + 1;
                names.push((first.to_owned(), format!("{file}:{line}")));
            }
        }
    }
    names
}

/// Whether the derive attribute starting at `lines[0]` (perhaps over several lines)
/// names `ToSchema`.
fn derives_to_schema(lines: &[&str]) -> bool {
    let mut attribute = String::new();
    for line in lines {
        attribute.push_str(line);
        if line.ends_with(")]") {
            break;
        }
    }
    attribute
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == "ToSchema")
}

#[test]
fn every_schema_name_is_declared_once() {
    let names = declared_schema_names();
    for known in ["Problem", "Article", "Place", "ParticipantId", "Headline"] {
        assert!(
            names.iter().any(|(n, _)| n == known),
            "the scan misses {known}: {names:?}"
        );
    }
    let mut seen = std::collections::BTreeMap::<&str, &str>::new();
    for (name, at) in &names {
        if let Some(first) = seen.insert(name, at) {
            panic!(
                "two types are both named `{name}` in the OpenAPI description ({first} and {at}); \
                 schema names are global, so one would silently replace the other: rename one \
                 or give it `#[schema(as = ...)]`"
            );
        }
    }
}
