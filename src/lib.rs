//! newsdesk: a typed news content API.
//!
//! Layers, each importing only those below it: `cli` → `startup` → `api` →
//! `domain`/`storage`. `openapi` describes `api`; `delivery` sends webhooks from the
//! change log in the background; `replica` follows a database
//! that another process writes, for `serve --read-only`.

pub mod api;
pub mod background;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod delivery;
pub mod domain;
pub mod http;
pub mod openapi;
pub mod publication;
pub mod replica;
pub mod representations;
pub mod startup;
pub mod storage;
