//! One integration test binary (one link step) that drives the real application
//! over HTTP, each test on a fresh database.

mod background;
mod changes;
mod collections;
mod errors;
mod fixtures;
mod helpers;
mod http;
mod lifecycle;
mod openapi;
mod query;
mod repeats;
mod root;
mod scale;
mod storage;
mod syndication;
mod timeline;
mod visibility;
mod webhook_guard;
mod webhooks;
mod writes;
