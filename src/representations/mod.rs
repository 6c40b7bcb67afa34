//! Pure functions from domain values to the other formats newsdesk speaks: HTML of
//! article bodies, schema.org JSON-LD, IPTC ninjs, and the syndication feeds.

pub mod feeds;
pub mod html;
pub mod jsonld;
pub mod ninjs;

use std::collections::HashMap;

use crate::domain::{Event, Participant, Topic};

/// The related resources a representation names, by id, and the absolute base URL
/// that links are made from.
pub struct Context<'a> {
    pub base: &'a str,
    pub participants: HashMap<String, &'a Participant>,
    pub events: HashMap<String, &'a Event>,
    pub topics: HashMap<String, &'a Topic>,
}

impl<'a> Context<'a> {
    pub fn new(
        base: &'a str,
        participants: &'a [Participant],
        events: &'a [Event],
        topics: &'a [Topic],
    ) -> Self {
        Self {
            base,
            participants: participants.iter().map(|p| (p.id.to_string(), p)).collect(),
            events: events.iter().map(|e| (e.id.to_string(), e)).collect(),
            topics: topics.iter().map(|t| (t.id.to_string(), t)).collect(),
        }
    }

    /// The absolute URL of `path` (`/v1/…`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }
}
