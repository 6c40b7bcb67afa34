//! Storage faults under a running server: a full disk and a file system turned
//! read-only. Writes are refused whole with a 507 or 503 problem, reads go on,
//! `/readyz` says why, and (a full disk) writes work again once space returns,
//! without a restart.
//!
//! The database lives on a small file system mounted for the test (a tmpfs, or ext4
//! on a loop device), which needs root (CI runs as root); elsewhere the test says it
//! is skipped and passes.
//!
//! Read-only: Linux refuses `mount -o remount,ro` while a file on the file system is
//! open for writing (the database always is), so the test turns the file system
//! read-only the way the kernel does on its own: an ext4 error with
//! `errors=remount-ro`, the default of many distributions. ext4 then stays read-only
//! until it is unmounted, so recovery needs a restart there; the full disk proves
//! recovery without one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_problem, spawn_app_in};
use crate::upgrade::newsdesk;

/// A small file system mounted on a temporary directory, unmounted on drop.
struct Scratch {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
    /// The ext4 image behind the loop device (detached on unmount), if any.
    _image: Option<tempfile::TempDir>,
}

impl Scratch {
    /// A tmpfs of `size` (e.g. `8m`).
    fn tmpfs(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path()))?;
        Some(Self {
            path: dir.path().to_owned(),
            dir: Some(dir),
            _image: None,
        })
    }

    /// ext4 of `megabytes` on a loop device, which turns read-only on an error.
    fn ext4(megabytes: u64) -> Option<Self> {
        let image_dir = tempfile::tempdir().unwrap();
        let image = image_dir.path().join("fs.img");
        std::fs::File::create(&image)
            .unwrap()
            .set_len(megabytes * 1024 * 1024)
            .unwrap();
        run(Command::new("mkfs.ext4").arg("-q").arg(&image))?;
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("mount")
            .args(["-o", "loop,errors=remount-ro"])
            .arg(&image)
            .arg(dir.path()))?;
        Some(Self {
            path: dir.path().to_owned(),
            dir: Some(dir),
            _image: Some(image_dir),
        })
    }

    /// A copy of the directory handle for the server; the mount outlives it.
    fn server_dir(&self) -> tempfile::TempDir {
        tempfile::Builder::new()
            .tempdir_in(&self.path)
            .expect("a directory on the scratch file system")
    }

    /// Has the kernel find an error in this ext4 file system, which `errors=remount-ro`
    /// answers by turning it read-only under every open file. False when the kernel
    /// cannot be asked to.
    fn turn_read_only(&self) -> bool {
        let out = Command::new("findmnt")
            .args(["-no", "SOURCE"])
            .arg(&self.path)
            .output()
            .unwrap();
        let source = String::from_utf8_lossy(&out.stdout);
        let device = Path::new(source.trim()).file_name().unwrap().to_owned();
        let trigger = Path::new("/sys/fs/ext4")
            .join(device)
            .join("trigger_fs_error");
        std::fs::write(&trigger, "newsdesk read-only test")
            .map_err(|e| eprintln!("SKIPPED: cannot write {}: {e}", trigger.display()))
            .is_ok()
    }
}

/// Runs a command of the set-up; `None` (the test is skipped) when it fails.
fn run(command: &mut Command) -> Option<()> {
    match command.output() {
        Ok(out) if out.status.success() => Some(()),
        Ok(out) => {
            eprintln!(
                "SKIPPED: {command:?} failed (mounting needs root, which CI has): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("SKIPPED: cannot run {command:?}: {e}");
            None
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Lazily: after a failed assertion the server may still hold its files; the
        // file system (and its loop device) goes once they are closed.
        let _ = Command::new("umount")
            .arg("--lazy")
            .arg(&self.path)
            .status();
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

/// A write of each kind (create, patch, a quote with its related rows, delete):
/// each answers `status` with one of `types` and `Retry-After`.
async fn writes_are_refused(app: &TestApp, key: &str, status: u16, types: &[&str]) {
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
        let reply = app.write(method, path, key, &body).await;
        let problem = assert_problem(&reply, status);
        let kind = problem["type"].as_str().unwrap();
        assert!(
            types.iter().any(|t| kind == format!("/problems/{t}")),
            "{method} {path}: {problem}"
        );
        assert!(reply.header("retry-after").is_some(), "{method} {path}");
    }
    let reply = app
        .request(
            "DELETE",
            "/v1/participants/before",
            &[("Authorization", &format!("Bearer {key}"))],
        )
        .await;
    assert_problem(&reply, status);
}

/// What a client read before the fault: the articles and the change log's last entry.
struct Before {
    articles: serde_json::Value,
    last_change: i64,
}

/// Reads go on, and show nothing of the refused writes (nor does the change log).
async fn nothing_was_stored(app: &TestApp, before: &Before) {
    assert_eq!(app.get_ok("/v1/articles").await, before.articles);
    assert_eq!(crate::changes::mirror(app, 500).await.1, before.last_change);
    let participant = app.get_ok("/v1/participants/before").await;
    assert_eq!(participant["data"]["name"], "Before");
    assert!(
        participant["data"]["title"].is_null(),
        "a refused PATCH shows: {participant}"
    );
    assert_eq!(
        app.get("/v1/participants/during").await.status.as_u16(),
        404
    );
}

/// `newsdesk check` passes on the database file `db`.
fn check_passes(db: &Path) {
    let out = newsdesk(&["check", "--db", db.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A server on `scratch` with one participant written; its key, and what it serves.
async fn serve_on(scratch: &Scratch) -> (TestApp, String, Before) {
    let app = spawn_app_in(scratch.server_dir()).await;
    let key = app.key(Role::Editor, "desk");
    let reply = app
        .write("PUT", "/v1/participants/before", &key, &person("Before"))
        .await;
    assert_eq!(reply.status.as_u16(), 201);
    let before = Before {
        articles: app.get_ok("/v1/articles").await,
        last_change: crate::changes::mirror(&app, 500).await.1,
    };
    ready_becomes(&app, 200).await;
    (app, key, before)
}

#[actix_web::test]
async fn a_full_disk_refuses_writes_whole_and_recovers_without_a_restart() {
    let Some(tmpfs) = Scratch::tmpfs("8m") else {
        return;
    };
    let (app, key, before) = serve_on(&tmpfs).await;

    let filler = fill(&tmpfs.path);
    let why = ready_becomes(&app, 503).await;
    assert!(why["detail"].as_str().unwrap().contains("full"), "{why}");
    writes_are_refused(&app, &key, 507, &["insufficient-storage"]).await;
    nothing_was_stored(&app, &before).await;

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
    check_passes(&dir.path().join("newsdesk.db"));
    drop(dir);
}

#[actix_web::test]
async fn a_file_system_turned_read_only_refuses_writes_whole_and_reads_go_on() {
    let Some(ext4) = Scratch::ext4(32) else {
        return;
    };
    let (app, key, before) = serve_on(&ext4).await;

    if !ext4.turn_read_only() {
        return;
    }
    writes_are_refused(&app, &key, 503, &["storage-read-only", "storage-failed"]).await;
    nothing_was_stored(&app, &before).await;
    let why = ready_becomes(&app, 503).await;
    assert!(
        why["detail"].as_str().unwrap().contains("read-only"),
        "{why}"
    );

    // The file as the server leaves it is whole: a copy (the file system cannot
    // take the check's own files) passes every check.
    let dir = app.stop().await;
    let copy = tempfile::tempdir().unwrap();
    for name in ["newsdesk.db", "newsdesk.db-wal"] {
        if dir.path().join(name).exists() {
            std::fs::copy(dir.path().join(name), copy.path().join(name)).unwrap();
        }
    }
    check_passes(&copy.path().join("newsdesk.db"));
    drop(dir);
}
