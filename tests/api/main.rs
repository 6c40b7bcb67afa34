//! One integration test binary (one link step) that drives the real application
//! over HTTP, each test on a fresh database.

mod abuse;
mod changes;
mod collections;
mod embedding;
mod errors;
mod fixtures;
mod fuzz;
mod helpers;
mod http;
mod lifecycle;
mod openapi;
mod poisoning;
mod query;
mod scale;
mod storage;
mod stored_input;
mod syndication;
mod timeline;
mod webhooks;
mod writes;
