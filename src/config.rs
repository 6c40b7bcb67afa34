//! Settings, from command-line flags or the environment (flags win).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// How the server runs. Every flag has a `NEWSDESK_*` environment variable.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "NEWSDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// SQLite database file; created, migrated and seeded from the fixtures when missing or empty.
    #[arg(long, env = "NEWSDESK_DB", default_value = "data/newsdesk.db")]
    pub db: PathBuf,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "NEWSDESK_WORKERS")]
    pub workers: Option<usize>,

    /// Read connections in the database pool (default: two per core).
    #[arg(long, env = "NEWSDESK_DB_POOL")]
    pub db_pool: Option<u32>,

    /// Seconds that requests in flight get to finish after SIGTERM or SIGINT.
    #[arg(long, env = "NEWSDESK_SHUTDOWN_GRACE", default_value_t = 10)]
    pub shutdown_grace: u64,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "NEWSDESK_MAX_BODY", default_value_t = 1024 * 1024)]
    pub max_body: usize,

    /// Log line format.
    #[arg(long, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    /// Settings for a server on `db`, listening on a free port of 127.0.0.1: for tests.
    pub fn for_tests(db: PathBuf) -> Self {
        Self {
            bind: "127.0.0.1:0".to_owned(),
            db,
            workers: Some(2),
            db_pool: Some(4),
            shutdown_grace: 5,
            max_body: 1024 * 1024,
            log_format: LogFormat::Text,
        }
    }

    pub fn workers(&self) -> usize {
        self.workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    pub fn db_pool(&self) -> u32 {
        self.db_pool.unwrap_or(2 * self.workers() as u32)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace)
    }
}
