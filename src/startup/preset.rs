//! The preset settings of an app run in-process.

use std::path::PathBuf;

use crate::config::{LogFormat, Settings};

/// Settings for an app run inside this process on `db`, rather than a server of its
/// own: listening on a free port of 127.0.0.1, two workers, rate limits too high to
/// get in the way. The tests build their apps from it, and `newsdesk openapi` the
/// app whose responses are the examples.
pub fn in_process(db: PathBuf) -> Settings {
    Settings {
        bind: "127.0.0.1:0".to_owned(),
        db,
        workers: Some(2),
        db_pool: Some(4),
        blocking_threads: None,
        shutdown_grace: 5,
        statement_timeout_ms: 5000,
        max_body: 1024 * 1024,
        cache_max_age: 60,
        cache_s_maxage: 300,
        cache_stale_while_revalidate: 600,
        cors_origins: vec!["*".to_owned()],
        rate_limit: 100_000,
        webhook_retry: 1,
        webhook_allow_private: false,
        webhook_concurrency: 8,
        panic_in_task: None,
        response_cache_mb: 16,
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_bind: None,
        docs_remember_key: false,
        partner_rate_limit: 100_000,
        max_in_flight: 1024,
        log_format: LogFormat::Text,
        read_only: false,
        primary_url: None,
        max_lag: None,
        purge_urls: Vec::new(),
        purge_again: 10,
        default_rights: Default::default(),
        article_url_template: None,
        publication_name: "newsdesk".to_owned(),
        sitemap_page_size: 10_000,
        websub_hub: None,
    }
}
