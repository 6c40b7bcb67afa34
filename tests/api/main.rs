//! One integration test binary (one link step) that drives the real application
//! over HTTP, each test on a fresh database.

mod abuse;
mod background;
mod backup;
mod changes;
mod collections;
mod embedding;
mod errors;
mod faults;
mod fixtures;
mod fuzz;
mod helpers;
mod http;
mod integrity;
mod lifecycle;
mod openapi;
mod overload;
mod poisoning;
mod query;
mod repeats;
mod replicas;
mod resources;
mod rights;
mod root;
mod scale;
mod sitemaps;
mod storage;
mod stored_input;
mod subjects;
mod syndication;
mod timeline;
mod upgrade;
mod visibility;
mod webhook_guard;
mod webhooks;
mod writes;
