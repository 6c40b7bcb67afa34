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

    /// Threads of each HTTP worker that run database calls (default: twice the
    /// connections, `2 × (db-pool + 3)`). Past it, calls wait their turn in memory
    /// rather than each on a thread of its own.
    #[arg(long, env = "NEWSDESK_BLOCKING_THREADS", value_parser = clap::value_parser!(u64).range(1..))]
    pub blocking_threads: Option<u64>,

    /// Milliseconds one database read may run before it is stopped and answered with
    /// a 503 problem (`Retry-After`); a read also waits at most this long for a connection.
    #[arg(
        long,
        env = "NEWSDESK_STATEMENT_TIMEOUT_MS",
        default_value_t = 5000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub statement_timeout_ms: u64,

    /// Seconds that requests in flight get to finish after SIGTERM or SIGINT.
    #[arg(long, env = "NEWSDESK_SHUTDOWN_GRACE", default_value_t = 10)]
    pub shutdown_grace: u64,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "NEWSDESK_MAX_BODY", default_value_t = 1024 * 1024)]
    pub max_body: usize,

    /// `Cache-Control: max-age` of anonymous reads, in seconds (browsers).
    #[arg(long, env = "NEWSDESK_CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u64,

    /// `Cache-Control: s-maxage` of anonymous reads, in seconds (CDNs and shared caches).
    #[arg(long, env = "NEWSDESK_CACHE_S_MAXAGE", default_value_t = 300)]
    pub cache_s_maxage: u64,

    /// `Cache-Control: stale-while-revalidate` of anonymous reads, in seconds.
    #[arg(
        long,
        env = "NEWSDESK_CACHE_STALE_WHILE_REVALIDATE",
        default_value_t = 600
    )]
    pub cache_stale_while_revalidate: u64,

    /// Origins allowed by CORS, comma-separated; `*` (the default) allows any.
    #[arg(
        long,
        env = "NEWSDESK_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Requests per minute for each anonymous client (by IP address); 0 for no limit.
    #[arg(long, env = "NEWSDESK_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,

    /// Requests per minute for each partner key without a quota of its own; 0 for no limit.
    #[arg(long, env = "NEWSDESK_PARTNER_RATE_LIMIT", default_value_t = 6000)]
    pub partner_rate_limit: u32,

    /// Seconds before the first retry of a failed webhook delivery; each further
    /// failure doubles it, up to an hour.
    #[arg(long, env = "NEWSDESK_WEBHOOK_RETRY", default_value_t = 5)]
    pub webhook_retry: u64,

    /// Webhook subscriptions served at once; each has at most one delivery in flight.
    #[arg(long, env = "NEWSDESK_WEBHOOK_CONCURRENCY", default_value_t = 8)]
    pub webhook_concurrency: usize,

    /// Lets webhooks deliver to loopback, private, link-local and other internal
    /// addresses (intranets, tests); by default those are refused.
    #[arg(long, env = "NEWSDESK_WEBHOOK_ALLOW_PRIVATE")]
    pub webhook_allow_private: bool,

    /// The absolute URL clients reach newsdesk at (e.g. `https://api.example.org`),
    /// the one source of scheme and host in links. Without it, `Link` headers are
    /// relative and feeds and JSON-LD link to the bind address; never to the
    /// request's `Host` or `Forwarded` headers.
    #[arg(long, env = "NEWSDESK_PUBLIC_URL", value_parser = crate::http::origin::parse_public_url)]
    pub public_url: Option<String>,

    /// Proxies (CIDR networks or addresses, comma-separated) whose `Forwarded` or
    /// `X-Forwarded-For` header names the client's IP address, for rate limits; from
    /// any other peer these headers are ignored.
    #[arg(
        long,
        env = "NEWSDESK_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::http::origin::parse_network
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Megabytes of anonymous responses kept in memory until the next write; 0 turns
    /// the response cache off.
    #[arg(long, env = "NEWSDESK_RESPONSE_CACHE_MB", default_value_t = 64)]
    pub response_cache_mb: u64,

    /// For tests of the supervision only: the background task of this name panics
    /// in every round.
    #[arg(skip)]
    #[doc(hidden)]
    pub panic_in_task: Option<&'static str>,

    /// Serve `/metrics` on this address and port instead (e.g. `127.0.0.1:9100`),
    /// keeping it off the API's listener and so off the public network.
    #[arg(long, env = "NEWSDESK_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    /// Let the interactive docs at `/docs` keep the key given to "Authorize" in the
    /// browser's local storage across reloads (by default it is forgotten).
    #[arg(long, env = "NEWSDESK_DOCS_REMEMBER_KEY")]
    pub docs_remember_key: bool,
    /// API requests (`/v1/…`) in flight at once; past it, requests are answered 503
    /// with `Retry-After` at once rather than queued. 0 for no cap.
    #[arg(long, env = "NEWSDESK_MAX_IN_FLIGHT", default_value_t = 1024)]
    pub max_in_flight: usize,

    /// Serve as a read replica: open `--db` read-only (it must exist, at this
    /// release's schema; nothing is migrated or seeded), answer every write with a 405
    /// `read-only-replica` problem, run no scheduled publication nor webhook delivery,
    /// and follow the changes another process (Litestream) applies to the file.
    #[arg(long, env = "NEWSDESK_READ_ONLY")]
    pub read_only: bool,

    /// With `--read-only`: the primary's URL (e.g. `https://write.example.org`), named
    /// in the problem and the `Location` of every refused write.
    #[arg(long, env = "NEWSDESK_PRIMARY_URL", value_parser = crate::http::origin::parse_public_url, requires = "read_only")]
    pub primary_url: Option<String>,

    /// A cache to purge on each commit (repeatable): `PURGE` requests to this URL
    /// carry the surrogate keys the change made stale in `xkey-purge` and
    /// `Surrogate-Key` (e.g. `http://varnish:6081/`). Retried like webhooks. On a
    /// read replica: purges each change once the replica has applied it.
    #[arg(long = "purge-url", env = "NEWSDESK_PURGE_URLS", value_delimiter = ',', value_parser = parse_purge_url)]
    pub purge_urls: Vec<String>,

    /// Seconds after which each change is purged a second time, to drop what a cache
    /// refetched meanwhile from a replica that lagged behind: longer than the lag.
    #[arg(long, env = "NEWSDESK_PURGE_AGAIN", default_value_t = 10)]
    pub purge_again: u64,

    /// With `--read-only`: seconds of replication lag (now minus the time of the
    /// newest change the replica has) past which `/readyz` answers 503. Without it,
    /// the lag is reported but never makes the replica unready.
    #[arg(long, env = "NEWSDESK_MAX_LAG", requires = "read_only")]
    pub max_lag: Option<u64>,
    #[command(flatten)]
    pub default_rights: DefaultRights,

    /// The frontend URL of an article in the sitemaps, with `{id}` where the article's
    /// id goes (e.g. `https://news.example/{id}`); without it, the API's own URL.
    #[arg(long, env = "NEWSDESK_ARTICLE_URL_TEMPLATE", value_parser = parse_url_template)]
    pub article_url_template: Option<String>,

    /// The publication's name in the Google News sitemap.
    #[arg(long, env = "NEWSDESK_PUBLICATION_NAME", default_value = "newsdesk")]
    pub publication_name: String,

    /// For tests of the sitemap's pages: article URLs per page.
    #[arg(skip = 10_000u32)]
    #[doc(hidden)]
    pub sitemap_page_size: u32,

    /// A WebSub hub (e.g. `https://pubsubhubbub.example/`): every feed names it and
    /// its own URL (from `--public-url`) for subscribers, and each change pings it
    /// (`hub.mode=publish`) for the feeds it touched, retried like webhooks.
    #[arg(long, env = "NEWSDESK_WEBSUB_HUB", value_parser = parse_hub_url)]
    pub websub_hub: Option<String>,

    /// Log line format.
    #[arg(long, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Checks a `--websub-hub`: an absolute `http` or `https` URL.
fn parse_hub_url(text: &str) -> Result<String, String> {
    if crate::domain::checked::is_web_url(text) {
        Ok(text.to_owned())
    } else {
        Err("must be an absolute http or https URL".to_owned())
    }
}

fn parse_license_url(text: &str) -> Result<String, String> {
    if crate::domain::checked::is_web_url(text) {
        Ok(text.to_owned())
    } else {
        Err("must be an absolute http or https URL".to_owned())
    }
}

/// Checks an `--article-url-template`: an absolute `http(s)` URL once `{id}`, which
/// it must hold, is filled in.
fn parse_url_template(text: &str) -> Result<String, String> {
    if !text.contains("{id}") {
        return Err("must contain `{id}`, where the article's id goes".to_owned());
    }
    if crate::domain::checked::is_web_url(&text.replace("{id}", "an-article")) {
        Ok(text.to_owned())
    } else {
        Err("must be an absolute http or https URL".to_owned())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The newsroom's default rights, which articles that leave theirs unset carry:
/// options of `serve`, and of `check`, which compares stored articles with them.
#[derive(Debug, Clone, Default, Args)]
pub struct DefaultRights {
    /// The newsroom's default copyright holder, for articles that name none.
    #[arg(long, env = "NEWSDESK_COPYRIGHT_HOLDER")]
    pub copyright_holder: Option<String>,

    /// The newsroom's default copyright line (e.g. `© 2026 Example News`).
    #[arg(long, env = "NEWSDESK_COPYRIGHT_NOTICE")]
    pub copyright_notice: Option<String>,

    /// The newsroom's default terms of use, in words, for articles that state none.
    #[arg(long, env = "NEWSDESK_USAGE_TERMS")]
    pub usage_terms: Option<String>,

    /// The newsroom's default licence URL (absolute `http` or `https`).
    #[arg(long, env = "NEWSDESK_LICENSE_URL", value_parser = parse_license_url)]
    pub license_url: Option<String>,
}

impl DefaultRights {
    pub fn rights(&self) -> crate::domain::Rights {
        crate::domain::Rights {
            copyright_holder: self.copyright_holder.clone(),
            copyright_notice: self.copyright_notice.clone(),
            usage_terms: self.usage_terms.clone(),
            license_url: self.license_url.clone(),
        }
    }
}

impl Settings {
    /// The newsroom's default rights, which articles that leave theirs unset carry.
    pub fn rights(&self) -> crate::domain::Rights {
        self.default_rights.rights()
    }

    pub fn workers(&self) -> usize {
        self.workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    pub(crate) fn db_pool(&self) -> u32 {
        self.db_pool.unwrap_or(2 * self.workers() as u32)
    }

    /// Blocking threads per worker. Any worker's calls may hold every connection (the
    /// read pool, the key checks' and the writer's, see [`crate::storage::CONNECTIONS_BEYOND_POOL`]),
    /// and as many again may wait on the one writer without keeping reads from a
    /// thread. More threads than that only wait for a connection, each with its
    /// stack and malloc arena: actix's default (512 in all) let memory grow under load.
    pub(crate) fn blocking_threads(&self) -> usize {
        self.blocking_threads.map_or_else(
            || 2 * (self.db_pool() as usize + crate::storage::CONNECTIONS_BEYOND_POOL),
            |n| n as usize,
        )
    }

    pub fn delivery(&self) -> crate::delivery::DeliverySettings {
        crate::delivery::DeliverySettings {
            poll: Duration::from_millis(250),
            retry_base: Duration::from_secs(self.webhook_retry),
            concurrency: self.webhook_concurrency,
            allow_private: self.webhook_allow_private,
        }
    }

    /// Where the primary sends cache purges.
    pub fn purges(&self) -> crate::delivery::purge::PurgeSettings {
        crate::delivery::purge::PurgeSettings {
            urls: self.purge_urls.clone(),
            poll: Duration::from_millis(100),
            retry_base: Duration::from_secs(self.webhook_retry),
            again: Duration::from_secs(self.purge_again),
            replica: self.read_only,
        }
    }

    /// What a read replica (`--read-only`) needs to know.
    pub fn replica(&self) -> crate::replica::ReplicaSettings {
        crate::replica::ReplicaSettings {
            primary_url: self.primary_url.clone(),
            max_lag: self.max_lag.map(Duration::from_secs),
            poll: Duration::from_millis(250),
        }
    }

    /// How often scheduled articles are checked for having fallen due.
    pub(crate) fn publication_poll(&self) -> Duration {
        Duration::from_millis(500)
    }

    /// The statement deadline of reads. (Tests may set 0: every read past its
    /// deadline at its first check.)
    pub(crate) fn statement_timeout(&self) -> Duration {
        Duration::from_millis(self.statement_timeout_ms)
    }

    pub(crate) fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace)
    }
}

/// A cache's purge URL: absolute `http` or `https`, with a host.
fn parse_purge_url(value: &str) -> Result<String, String> {
    let uri: actix_web::http::Uri = value.parse().map_err(|e| format!("not a URL ({e})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(value.to_owned()),
        _ => Err("must be an absolute http or https URL".to_owned()),
    }
}
