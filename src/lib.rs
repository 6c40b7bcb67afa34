//! newsdesk: a typed news content API.
//!
//! Layers, each importing only those below it: `cli` → `startup` → `api` →
//! `domain`/`storage`. `openapi` describes `api`; `delivery` sends webhooks from the
//! change log in the background; `replica` follows a database
//! that another process writes, for `serve --read-only`.

pub(crate) mod api;
pub(crate) mod background;
pub mod cli;
pub mod config;
pub mod corpus;
pub(crate) mod delivery;
pub mod domain;
pub mod http;
pub(crate) mod openapi;
pub(crate) mod publication;
pub(crate) mod replica;
pub(crate) mod representations;
pub mod startup;
pub mod storage;
