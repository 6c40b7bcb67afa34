//! The command line: `serve` (the default), `openapi`, `keys`, `generate`, `migrate`,
//! `check`, `backup`, `healthcheck`.

pub mod openapi;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{LogFormat, Settings};
use crate::startup::Application;
use crate::storage::Db;
use crate::storage::keys::{self, Role};

/// newsdesk: a typed news content API (articles, quotes, participants, events).
#[derive(Debug, Parser)]
#[command(
    name = "newsdesk",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command, newsdesk serves with these settings.
    #[command(flatten)]
    pub serve: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (what runs when no command is given).
    Serve(Box<Settings>),
    /// Print the OpenAPI description to standard output.
    Openapi,
    /// Manage API keys: editors write, partners read with their own quota.
    Keys {
        #[command(flatten)]
        db: DbFile,
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Manage draft preview links (`POST /v1/articles/{id}/previews`).
    Previews {
        #[command(flatten)]
        db: DbFile,
        #[command(subcommand)]
        action: PreviewsAction,
    },
    /// Fill a database with a synthetic corpus for benchmarks (deterministic for a seed):
    /// articles `gen-article-1` … with ~3 KB bodies, ~5 quotes each, and the
    /// participants, events and topics they link to.
    Generate {
        /// SQLite database file; created, migrated and seeded with the fixtures if needed.
        #[arg(long)]
        db: std::path::PathBuf,
        /// How many articles to write.
        #[arg(long)]
        articles: u64,
        /// The seed; the same seed writes the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Migrate a database file to this release's schema. With --check, only say which
    /// migrations would run, and exit 1 when any would.
    Migrate {
        #[command(flatten)]
        db: DbFile,
        /// Change nothing: list the migrations that would run.
        #[arg(long)]
        check: bool,
    },
    /// Check a database file's integrity (SQLite's own, the references, the full-text
    /// indexes, the change log, the webhook outbox and the stored article documents);
    /// exit 1 on any problem. Safe while a server runs on the file.
    Check {
        #[command(flatten)]
        db: DbFile,
        /// The default rights the server runs with: stored articles carry them, and
        /// only those stored with the same ones are compared.
        #[command(flatten)]
        rights: crate::config::DefaultRights,
    },
    /// Copy a database to a new file with SQLite's online backup API: consistent, and
    /// safe while a server runs on the database (it never blocks its writes). Restore
    /// by serving the copy (`--db`), or by stopping the server and copying it over.
    Backup {
        #[command(flatten)]
        db: DbFile,
        /// The backup file to write; it must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Exit 0 when the server at --url answers /readyz with 200, 1 otherwise (for container health checks).
    Healthcheck {
        /// Base URL of the server.
        #[arg(
            long,
            env = "NEWSDESK_HEALTHCHECK_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Create a key and print it, alone, on the last line of standard output. It is
    /// shown this once: only a keyed hash of it is stored.
    Create {
        #[arg(long, value_enum)]
        role: Role,
        /// Who the key is for; recorded with every change it makes.
        #[arg(long)]
        name: String,
        /// Requests per minute for this partner key (default: --partner-rate-limit of `serve`).
        #[arg(long)]
        rate_limit: Option<u32>,
        /// Give this partner key embargo access: it reads embargoed articles (and their
        /// quotes) before the embargo lifts, marked with `embargoed_until`, on every
        /// route, in /v1/changes and in the feeds it fetches. Partner keys only.
        #[arg(long)]
        embargo: bool,
    },
    /// List the keys (never their secrets).
    List,
    /// Revoke a key, given as its id (the part after `nd_`) or in full.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum PreviewsAction {
    /// Replace the secret that signs preview links: every link issued so far stops
    /// working at once, on a running server too.
    RotateSecret,
}

/// The database file a command works on: the server's own (`NEWSDESK_DB`) unless
/// told otherwise. Global, so it can follow a subcommand (`keys create --db X`).
#[derive(clap::Args, Debug)]
pub struct DbFile {
    /// SQLite database file.
    #[arg(
        long,
        env = "NEWSDESK_DB",
        default_value = "data/newsdesk.db",
        global = true
    )]
    pub db: std::path::PathBuf,
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Serve(settings)) => serve(*settings),
        None => serve(cli.serve),
        Some(Command::Openapi) => print_openapi(),
        Some(Command::Keys { db, action }) => manage_keys(&db.db, action),
        Some(Command::Previews {
            db,
            action: PreviewsAction::RotateSecret,
        }) => rotate_preview_secret(&db.db),
        Some(Command::Healthcheck { url }) => healthcheck(&url),
        Some(Command::Generate { db, articles, seed }) => generate(&db, articles, seed),
        Some(Command::Migrate { db, check }) => migrate(&db.db, check),
        Some(Command::Check { db, rights }) => check(&db.db, &rights.rights()),
        Some(Command::Backup { db, out }) => backup(&db.db, &out),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("newsdesk: {e}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn serve(settings: Settings) -> CliResult {
    init_logging(settings.log_format);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings).await?;
        tracing::info!(address = %app.address(), db = %settings.db.display(), "serving");
        app.run().await?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn print_openapi() -> CliResult {
    let spec = actix_web::rt::System::new().block_on(openapi::render())?;
    std::io::stdout().write_all(spec.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn rotate_preview_secret(db: &std::path::Path) -> CliResult {
    let db = Db::open(db, 1)?;
    db.write_blocking(|conn| crate::storage::previews::rotate_secret(conn))?;
    println!("Rotated the preview secret: every preview link issued before is revoked.");
    Ok(ExitCode::SUCCESS)
}

fn manage_keys(db: &std::path::Path, action: KeysAction) -> CliResult {
    let db = Db::open(db, 1)?;
    let now = chrono::Utc::now().timestamp();
    match action {
        KeysAction::Create {
            role,
            name,
            rate_limit,
            embargo,
        } => {
            if embargo && role != Role::Partner {
                return Err("--embargo is for partner keys: editors see everything already".into());
            }
            let key = db.write_blocking(|conn| {
                let key = keys::create(conn, &name, role, rate_limit, now)?;
                if embargo {
                    keys::grant_embargo(conn, keys::id_of(&key))?;
                }
                Ok::<_, crate::storage::StorageError>(key)
            })?;
            println!(
                "Created a {} key for {name}. Keep it now: it cannot be shown again.",
                role.as_str()
            );
            println!("{key}");
        }
        KeysAction::List => {
            for k in db.write_blocking(|conn| keys::list(conn))? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let quota = k
                    .rate_limit
                    .map_or_else(|| "default".to_owned(), |q| format!("{q}/min"));
                let embargo = if k.embargo { "embargo" } else { "-" };
                println!(
                    "{}\t{}\t{}\t{quota}\t{embargo}\t{state}",
                    k.id,
                    k.role.as_str(),
                    k.name
                );
            }
        }
        KeysAction::Revoke { id } => {
            if !db.write_blocking(|conn| keys::revoke(conn, &id, now))? {
                eprintln!("newsdesk: no active key `{id}`");
                return Ok(ExitCode::FAILURE);
            }
            println!("Revoked {id}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(db: &std::path::Path, articles: u64, seed: u64) -> CliResult {
    let done = crate::corpus::generate(db, articles, seed)?;
    println!(
        "wrote {} articles, {} quotes, {} participants and {} events to {} in {:.1} s",
        done.articles,
        done.quotes,
        done.participants,
        done.events,
        db.display(),
        done.elapsed.as_secs_f64()
    );
    for (step, at) in &done.steps {
        println!("  {step} at {:.1} s", at.as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

fn migrate(db: &std::path::Path, check: bool) -> CliResult {
    use crate::storage::schema;
    let plan = if check {
        schema::plan(db)?
    } else {
        schema::migrate(db)?
    };
    println!(
        "{}: schema version {}; this newsdesk's is {}.",
        db.display(),
        plan.current,
        plan.latest
    );
    match (plan.pending.is_empty(), check) {
        (true, _) => println!("Up to date: nothing to run."),
        (false, true) => println!("Would run: {}.", plan.pending.join(", ")),
        (false, false) => println!("Ran: {}.", plan.pending.join(", ")),
    }
    Ok(if check && !plan.pending.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check(db: &std::path::Path, rights: &crate::domain::Rights) -> CliResult {
    let outcomes = crate::storage::check::check_file(db, rights)?;
    for outcome in &outcomes {
        let verdict = if outcome.ok() { "ok" } else { "FAILED" };
        println!("{verdict}\t{}", outcome.name);
        for problem in &outcome.problems {
            println!("\t- {problem}");
        }
    }
    Ok(if outcomes.iter().all(|o| o.ok()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn backup(db: &std::path::Path, out: &std::path::Path) -> CliResult {
    let copied = crate::storage::backup::backup(db, out)?;
    println!(
        "Backed up {} to {} ({} pages).",
        db.display(),
        out.display(),
        copied.pages
    );
    Ok(ExitCode::SUCCESS)
}

/// A minimal HTTP/1.1 GET over TCP, so the container image needs no curl.
fn healthcheck(url: &str) -> CliResult {
    use std::io::Read;
    use std::net::TcpStream;
    use std::time::Duration;

    let authority = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = TcpStream::connect(&authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /readyz HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let ok = response.starts_with("HTTP/1.1 200");
    println!("{}", response.lines().next().unwrap_or("no answer"));
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEWSDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = colours(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Log lines are coloured only for a person at a terminal: a file, a pipe or a log
/// collector gets plain text, and `NO_COLOR` (https://no-color.org) turns colours off.
fn colours(stdout_is_terminal: bool, no_color: bool) -> bool {
    stdout_is_terminal && !no_color
}

#[cfg(test)]
mod tests {
    use super::colours;

    #[test]
    fn logs_are_coloured_only_on_a_terminal() {
        assert!(colours(true, false));
        assert!(
            !colours(false, false),
            "a file or a pipe gets no escape codes"
        );
        assert!(!colours(true, true), "NO_COLOR wins");
    }
}
