//! A full disk under the database: writes answer 507 and store nothing, reads go on,
//! `/readyz` says why, and writes work again once space returns, without a restart.
//!
//! The database lives on a small tmpfs mounted for the test, which needs root (CI
//! runs as root); elsewhere the test says it is skipped and passes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_problem, spawn_app_in};
use crate::upgrade::newsdesk;

/// A tmpfs of `size` mounted on a temporary directory, unmounted on drop.
struct Tmpfs {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Self {
                path: dir.path().to_owned(),
                dir: Some(dir),
            }),
            Ok(out) => {
                eprintln!(
                    "SKIPPED: mounting a tmpfs needs root (CI runs as root): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: no mount command: {e}");
                None
            }
        }
    }

    /// A copy of the directory handle for the server; the mount outlives it.
    fn server_dir(&self) -> tempfile::TempDir {
        tempfile::Builder::new()
            .tempdir_in(&self.path)
            .expect("a directory on the tmpfs")
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
        drop(self.dir.take());
    }
}

/// Fills the file system of `dir` to the last byte; returns the filler file.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 64 * 1024];
    loop {
        if file.write_all(&block).and_then(|()| file.flush()).is_err() {
            break;
        }
    }
    // What is left is smaller than a block: take it byte by byte.
    while file.write_all(&[0]).is_ok() {}
    path
}

/// Polls `/readyz` until it answers `status`, for at most five seconds.
async fn ready_becomes(app: &TestApp, status: u16) -> serde_json::Value {
    for _ in 0..100 {
        let reply = app.get("/readyz").await;
        if reply.status.as_u16() == status {
            return if status == 200 {
                reply.json()
            } else {
                assert_problem(&reply, status)
            };
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/readyz never answered {status}");
}

fn person(name: &str) -> serde_json::Value {
    json!({"kind": "person", "name": name})
}

#[actix_web::test]
async fn a_full_disk_refuses_writes_whole_and_recovers_without_a_restart() {
    let Some(tmpfs) = Tmpfs::mount("8m") else {
        return;
    };
    let app = spawn_app_in(tmpfs.server_dir()).await;
    let key = app.key(Role::Editor, "desk");
    let reply = app
        .write("PUT", "/v1/participants/before", &key, &person("Before"))
        .await;
    assert_eq!(reply.status.as_u16(), 201);
    let articles = app.get_ok("/v1/articles").await;
    ready_becomes(&app, 200).await;

    let filler = fill(&tmpfs.path);
    let why = ready_becomes(&app, 503).await;
    assert!(why["detail"].as_str().unwrap().contains("full"), "{why}");
    for (method, path, body) in [
        ("PUT", "/v1/participants/during", person("During")),
        (
            "PATCH",
            "/v1/participants/before",
            json!({"title": "Changed"}),
        ),
        (
            "POST",
            "/v1/quotes",
            json!({"text": "Never stored.", "speaker": "before",
                   "article": "lukashenko-at-sco-summit-astana", "said_on": "2024-07-05"}),
        ),
    ] {
        let reply = app.write(method, path, &key, &body).await;
        let problem = assert_problem(&reply, 507);
        assert_eq!(problem["type"], "/problems/insufficient-storage");
        assert!(reply.header("retry-after").is_some(), "{method} {path}");
    }
    let reply = app
        .request(
            "DELETE",
            "/v1/participants/before",
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await;
    assert_problem(&reply, 507);
    // Reads go on, and show nothing of the refused writes.
    assert_eq!(app.get_ok("/v1/articles").await, articles);
    assert_eq!(
        app.get_ok("/v1/participants/before").await["data"]["name"],
        "Before"
    );
    assert_eq!(
        app.get("/v1/participants/during").await.status.as_u16(),
        404
    );

    std::fs::remove_file(filler).unwrap();
    ready_becomes(&app, 200).await;
    let reply = app
        .write("PUT", "/v1/participants/during", &key, &person("During"))
        .await;
    assert_eq!(reply.status.as_u16(), 201);
    let reply = app
        .write(
            "PATCH",
            "/v1/participants/before",
            &key,
            &json!({"title": "Changed"}),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200);

    let dir = app.stop().await;
    let db = dir.path().join("newsdesk.db");
    let out = newsdesk(&["check", "--db", db.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(dir);
}
