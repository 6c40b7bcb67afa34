//! One integration test binary (one link step) that drives the real application
//! over HTTP, each test on a fresh database.

mod changes;
mod collections;
mod errors;
mod faults;
mod fixtures;
mod helpers;
mod http;
mod integrity;
mod lifecycle;
mod openapi;
mod overload;
mod query;
mod scale;
mod storage;
mod syndication;
mod timeline;
mod upgrade;
mod webhooks;
mod writes;
