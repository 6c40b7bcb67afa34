//! The real binary under SIGTERM: it stops accepting, lets the request in flight
//! finish, closes the database and exits 0.

use newsdesk::storage::by_id;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use actix_web::rt::time::sleep;
use newsdesk::domain::Participant;
use newsdesk::domain::ParticipantId;
use newsdesk::storage::Db;

pub(crate) fn newsdesk(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
    command.args(args).env("NEWSDESK_LOG", "warn");
    command
}

/// The port of the "serving" log line; the rest of the log is drained on a thread so
/// the server never blocks on a full pipe.
fn serving_port(log: std::process::ChildStdout) -> u16 {
    let mut lines = BufReader::new(log).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let entry: serde_json::Value = serde_json::from_str(&line).ok()?;
            let fields = &entry["fields"];
            (fields["message"] == "serving").then(|| {
                let address: std::net::SocketAddr =
                    fields["address"].as_str().unwrap().parse().unwrap();
                address.port()
            })
        })
        .expect("the server logs its address");
    std::thread::spawn(move || lines.for_each(drop));
    port
}

#[actix_web::test]
async fn sigterm_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newsdesk.db");
    let db_arg = db.to_str().unwrap();
    let out = newsdesk(&[
        "keys", "create", "--role", "editor", "--name", "desk", "--db", db_arg,
    ])
    .output()
    .unwrap();
    let key = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    // Port 0: the kernel picks a free port at the bind, and the log says which.
    let mut server = newsdesk(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--db",
        db_arg,
        "--log-format",
        "json",
    ])
    .env("NEWSDESK_LOG", "warn,newsdesk::cli=info")
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let port = serving_port(server.stdout.take().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let client = awc::Client::default();
    let mut ready = false;
    for _ in 0..100 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server came up");

    // A request whose body takes over a second to arrive, on a plain socket, so the
    // connection is surely open when the signal comes.
    let body =
        r#"{"kind": "person", "name": "Kassym-Jomart Tokayev", "affiliation": "kazakhstan"}"#;
    let mut socket = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        socket,
        "POST /v1/participants HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let uploader = std::thread::spawn(move || {
        for chunk in body.as_bytes().chunks(20) {
            std::thread::sleep(Duration::from_millis(300));
            socket.write_all(chunk).unwrap();
        }
        let mut answer = String::new();
        socket.read_to_string(&mut answer).unwrap();
        answer
    });
    sleep(Duration::from_millis(500)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let answer = uploader.join().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight is answered: {answer}"
    );
    let status = server.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        client.get(format!("{base}/healthz")).send().await.is_err(),
        "no longer accepting"
    );

    let db = Db::open(&db, 1).unwrap();
    let id = ParticipantId::parse("kassym-jomart-tokayev").unwrap();
    let stored = db
        .write_blocking(|conn| by_id::get::<Participant>(conn, &id))
        .unwrap();
    assert_eq!(
        stored.unwrap().name,
        "Kassym-Jomart Tokayev",
        "the acknowledged write is on disk"
    );
}

#[actix_web::test]
async fn logs_written_to_a_file_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newsdesk.db");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = newsdesk(&["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(&db)
        .env("NEWSDESK_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(log)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut written = String::new();
    for _ in 0..200 {
        written = std::fs::read_to_string(&log_path).unwrap();
        if written.contains("serving") {
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    server.wait().unwrap();
    assert!(written.contains("serving"), "the server logged: {written}");
    assert!(
        !written.contains('\u{1b}'),
        "no ANSI escape codes in a file: {written:?}"
    );
}
