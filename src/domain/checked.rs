//! Input that every renderer can write back: dates whose year each output format can
//! spell, and URLs that are web links. Checked where a body is parsed, so that no
//! stored value can make a feed, a JSON-LD document or an HTTP date fail later.

use chrono::Datelike;
use serde::de::{Deserialize, Deserializer, Error};

/// The years a date may have. RFC 2822 (RSS) and HTTP dates spell exactly four
/// digits, and year 0 is in no calendar people date news by.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A date or time parsed from input, its year within [`YEARS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InRange<T>(pub T);

impl<'de, T: Deserialize<'de> + Datelike> Deserialize<'de> for InRange<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = T::deserialize(deserializer)?;
        if YEARS.contains(&value.year()) {
            Ok(Self(value))
        } else {
            Err(D::Error::custom(format!(
                "must be in the years {} to {}",
                YEARS.start(),
                YEARS.end()
            )))
        }
    }
}

/// `deserialize_with` for date fields of the input types.
pub fn in_range<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Datelike,
{
    InRange::deserialize(deserializer).map(|r| r.0)
}

/// True for an absolute `http` or `https` URL with a host: a link a reader can
/// follow, never `javascript:` or `data:` in a page that embeds our JSON-LD.
pub fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// `deserialize_with` for optional URL fields of the input types.
pub fn web_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(url) if !is_web_url(&url) => {
            Err(D::Error::custom("must be an absolute http or https URL"))
        }
        url => Ok(url),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};
    use serde_json::json;

    use super::*;

    #[test]
    fn years_outside_one_to_9999_are_refused() {
        let date = |s: &str| serde_json::from_value::<InRange<NaiveDate>>(json!(s));
        assert!(date("0001-01-01").is_ok());
        assert!(date("9999-12-31").is_ok());
        assert!(date("0000-12-31").is_err());
        assert!(date("+10000-01-01").is_err());
        assert!(date("-0044-03-15").is_err());
        let time = |s: &str| serde_json::from_value::<InRange<DateTime<Utc>>>(json!(s));
        assert!(time("9999-12-31T23:59:59Z").is_ok());
        assert!(time("0000-01-01T00:00:00Z").is_err());
    }

    #[test]
    fn only_web_links_are_urls() {
        assert!(is_web_url("https://example.org/a?b#c"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<b>",
            "ftp://example.org",
            "/relative",
            "mailto:a@b.c",
            "http://",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
