//! Pure functions from domain values to the other formats newsdesk speaks: HTML of
//! article bodies, schema.org JSON-LD, IPTC ninjs, and the syndication feeds.

pub(crate) mod feed_topics;
pub(crate) mod feeds;
pub(crate) mod html;
pub(crate) mod jsonld;
pub(crate) mod ninjs;
pub(crate) mod sitemaps;

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

/// The IPTC Media Topics of an article's topics, each once, in topic order.
pub fn media_topics<'a>(
    a: &crate::domain::Article,
    ctx: &Context<'a>,
) -> Vec<&'a crate::domain::MediaTopic> {
    let mut seen = Vec::new();
    for t in &a.topics {
        for m in ctx
            .topics
            .get(t.as_str())
            .map_or(&[][..], |t| &t.media_topics[..])
        {
            if !seen
                .iter()
                .any(|s: &&crate::domain::MediaTopic| s.uri == m.uri)
            {
                seen.push(m);
            }
        }
    }
    seen
}

/// `time` as an HTTP date (`Last-Modified`). HTTP dates cannot spell a time before
/// 1970 or after 9999, and the formatter panics on one, so such a time (which input
/// checks keep out of storage) is moved to the nearest it can.
pub fn http_date(time: chrono::DateTime<chrono::Utc>) -> String {
    let latest = chrono::DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default();
    let time = time.clamp(chrono::DateTime::UNIX_EPOCH, latest);
    actix_web::http::header::HttpDate::from(std::time::SystemTime::from(time)).to_string()
}

/// `time` as an RFC 2822 date (RSS), which needs a four-digit year: clamped as
/// [`http_date`] does, to years 0 to 9999.
pub fn rfc2822(time: chrono::DateTime<chrono::Utc>) -> String {
    let earliest = chrono::DateTime::from_timestamp(-62_167_219_200, 0).unwrap_or_default();
    let latest = chrono::DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default();
    time.clamp(earliest, latest).to_rfc2822()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn dates_out_of_any_format_range_are_written_not_panicked_on() {
        let far = Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(20_000, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        );
        let ancient = Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(-500, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        );
        assert_eq!(super::http_date(far), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(super::http_date(ancient), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert!(super::rfc2822(far).contains("9999"));
        assert!(super::rfc2822(ancient).contains("0000"));
    }
}
