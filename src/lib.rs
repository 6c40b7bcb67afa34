//! newsdesk: a typed news content API.
//!
//! Layers, each importing only those below it: `cli` → `startup` → `api` →
//! `domain`/`storage`. `openapi` describes `api`.

pub mod api;
pub mod cli;
pub mod config;
pub mod domain;
pub mod http;
pub mod openapi;
pub mod startup;
pub mod storage;
