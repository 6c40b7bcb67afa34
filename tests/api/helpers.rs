use actix_web::dev::ServerHandle;
use awc::http::StatusCode;
use awc::http::header::HeaderMap;
use newsdesk::config::Settings;
use newsdesk::startup::Application;
use newsdesk::storage::Db;
pub use newsdesk::storage::keys::{self, Role};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A server on a random port over its own temporary database.
pub struct TestApp {
    pub base: String,
    /// The base URL of the `--metrics-bind` listener, when there is one.
    pub metrics_base: Option<String>,
    pub dir: TempDir,
    handle: ServerHandle,
}

/// What a test reads off a response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    spawn_app_in(dir).await
}

/// A server over the database in `dir`, which may hold one already.
pub async fn spawn_app_in(dir: TempDir) -> TestApp {
    spawn_app_with(dir, |_| {}).await
}

/// A server with its settings adjusted by `adjust`.
pub async fn spawn_app_with(dir: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = newsdesk::startup::in_process(dir.path().join("newsdesk.db"));
    adjust(&mut settings);
    let app = Application::build(&settings)
        .await
        .expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let metrics_base = app.metrics_address().map(|a| format!("http://{a}"));
    let handle = app.handle();
    actix_web::rt::spawn(app.run());
    TestApp {
        base,
        metrics_base,
        dir,
        handle,
    }
}

impl TestApp {
    /// Sends a request as given: no `Accept-Encoding` unless listed, no decoding.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(method, path, headers, false).await
    }

    /// Sends a GET and decodes the body by its `Content-Encoding` (headers stay as sent).
    pub async fn get_decoded(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", path, headers, true).await
    }

    /// Sends `body` with `headers` (give the `Content-Type` among them).
    pub async fn send_body(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        self.exchange(method, path, headers, false, Some(body))
            .await
    }

    /// Sends `json` as `application/json` with an editor's `key`.
    pub async fn write(&self, method: &str, path: &str, key: &str, json: &Value) -> Reply {
        let auth = format!("Bearer {key}");
        let content_type = if method == "PATCH" {
            "application/merge-patch+json"
        } else {
            "application/json"
        };
        self.send_body(
            method,
            path,
            &[("Authorization", &auth), ("Content-Type", content_type)],
            serde_json::to_vec(json).expect("JSON"),
        )
        .await
    }

    /// Creates an API key in this server's database, as `newsdesk keys create` does.
    pub fn key(&self, role: Role, name: &str) -> String {
        let db = Db::open(&self.dir.path().join("newsdesk.db"), 1).expect("database opens");
        db.write_blocking(|conn| keys::create(conn, name, role, None, 0))
            .expect("key created")
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        decode: bool,
    ) -> Reply {
        self.exchange(method, path, headers, decode, None).await
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        decode: bool,
        body: Option<Vec<u8>>,
    ) -> Reply {
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(30))
            .finish();
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = client.request(method, format!("{}{path}", self.base));
        if !decode {
            request = request.no_decompress();
        }
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let sent = match body {
            Some(body) => request.send_body(body).await,
            None => request.send().await,
        };
        let mut response = sent.expect("request sent");
        let body = response.body().limit(64 << 20).await.expect("body read");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: body.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[]).await
    }

    /// GETs `path`, asserts 200 and returns the JSON body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "GET {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()
    }

    /// Walks a collection with `limit` until its last page, following `next_cursor`,
    /// and returns every item.
    pub async fn walk(&self, path: &str, limit: u32) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut url = format!("{path}{sep}limit={limit}");
        for _ in 0..10_000 {
            let page = self.get_ok(&url).await;
            items.extend(page["data"].as_array().expect("data array").iter().cloned());
            match page["page"]["next_cursor"].as_str() {
                Some(cursor) => url = format!("{path}{sep}limit={limit}&cursor={cursor}"),
                None => return items,
            }
        }
        panic!("{path} never ended");
    }

    /// The ids of every item of a collection.
    pub async fn ids(&self, path: &str) -> Vec<String> {
        self.walk(path, 100)
            .await
            .iter()
            .map(|item| item["id"].as_str().expect("id").to_owned())
            .collect()
    }

    pub async fn stop(self) -> TempDir {
        self.handle.stop(true).await;
        self.dir
    }
}

/// Asserts an RFC 9457 problem response with this status, and returns its body.
/// The `field` of each entry of a validation problem's `errors`, in order.
pub fn problem_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("a validation problem lists its errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

pub fn assert_problem(reply: &Reply, status: u16) -> Value {
    assert_eq!(
        reply.status.as_u16(),
        status,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let body = reply.json();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")),
        "{body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    body
}

pub const ARTICLES: [&str; 3] = [
    "lukashenko-at-sco-summit-astana",
    "lukashenko-meets-xi-jinping-astana",
    "lukashenko-meets-antonio-guterres",
];
pub const EVENTS: [&str; 4] = [
    "sco-summit-astana-2024",
    "belarus-sco-accession-2024",
    "lukashenko-xi-meeting-2024",
    "lukashenko-guterres-meeting-2024",
];
pub const PARTICIPANTS: [&str; 9] = [
    "aleksandr-lukashenko",
    "xi-jinping",
    "antonio-guterres",
    "shanghai-cooperation-organization",
    "united-nations",
    "belarus",
    "kazakhstan",
    "china",
    "brazil",
];
pub const SECTION_TOPICS: [&str; 4] = [
    "international-security",
    "food-security",
    "international-standing",
    "mutual-enrichment-of-cultures",
];

/// An article an editor could send: `headline`, in `status`.
pub fn new_article(headline: &str, status: &str) -> Value {
    json!({
        "headline": headline,
        "dateline": {"place": "Minsk", "date": "2024-07-06"},
        "status": status,
        "summary": "An explainer.",
        "topics": ["international-standing"],
        "body": [{"type": "paragraph", "text": "Belarus joined the SCO as a full member."}]
    })
}
