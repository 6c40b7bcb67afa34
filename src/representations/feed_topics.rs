//! Which feeds are WebSub topics: the plain feeds and those of one filter of one
//! value. Those are the feeds newsdesk pings a hub for (`delivery::websub`), and so
//! the only ones that name the hub (`api::feeds`): any other combination of filters
//! or `limit` could change with no ping, and naming the hub there would promise one.

/// The formats every feed comes in, as their path extensions.
pub const FEED_FORMATS: [&str; 3] = ["rss", "atom", "json"];

/// The one filter of a feed a WebSub hub is told of: `topic`, `participant` or
/// `event`, and an id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Filter {
    name: &'static str,
    id: String,
}

impl Filter {
    pub fn topic(id: &str) -> Self {
        Self {
            name: "topic",
            id: id.to_owned(),
        }
    }

    pub fn participant(id: &str) -> Self {
        Self {
            name: "participant",
            id: id.to_owned(),
        }
    }

    pub fn event(id: &str) -> Self {
        Self {
            name: "event",
            id: id.to_owned(),
        }
    }

    /// The filter on the resource of type `kind` (`topic`, `participant`, `event`).
    pub fn of(kind: &str, id: &str) -> Option<Self> {
        match kind {
            "topic" => Some(Self::topic(id)),
            "participant" => Some(Self::participant(id)),
            "event" => Some(Self::event(id)),
            _ => None,
        }
    }

    /// As a query string. Ids are slugs, which need no escaping.
    pub fn query(&self) -> String {
        format!("{}={}", self.name, self.id)
    }
}

/// Whether the feed requested with `query` is one a hub is told of: with no query,
/// or one filter (`topic`, `participant` or `event`) of one value. Any other
/// combination, `limit` included, is not pinged, so it does not name the hub.
pub fn is_hub_topic(query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    match query.split_once('=') {
        Some((name, value)) => {
            Filter::of(name, value).is_some()
                && !value.is_empty()
                && !value.contains(['&', '%', '+', '='])
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_hub_topic;

    #[test]
    fn only_plain_and_single_filter_feeds_are_hub_topics() {
        for pinged in [
            "",
            "topic=food-security",
            "participant=belarus",
            "event=sco-summit-astana-2024",
        ] {
            assert!(is_hub_topic(pinged), "{pinged}");
        }
        for other in [
            "limit=5",
            "topic=food-security&limit=5",
            "topic=food-security&topic=sco-membership",
            "participant=belarus&event=sco-summit-astana-2024",
            "topic=",
            "topic=food%2Dsecurity",
            "topic",
            "speaker=belarus",
        ] {
            assert!(!is_hub_topic(other), "{other}");
        }
    }
}
