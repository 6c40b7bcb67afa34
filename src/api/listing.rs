//! The values of list filters that are not ids, each a type that parses itself and
//! describes itself: time bounds, dates and full-text queries. A malformed one is a
//! 400 problem naming its parameter (`params::parse_query`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::storage::fts::{FtsQuery, MAX_LEN};

/// A text value read by `parse`; an empty one is an error too (`serde_html_form`
/// would read it as absent).
fn parsed<'de, D, T, E>(d: D, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: std::fmt::Display,
{
    let text = String::deserialize(d)?;
    parse(&text).map_err(serde::de::Error::custom)
}

fn string(format: KnownFormat) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
}

/// A time bound, as RFC 3339 (`2024-07-04T12:00:00+05:00`) or a date (`2024-07-04`,
/// meaning its start in UTC), in unix seconds.
#[derive(Debug, Clone, Copy)]
pub struct TimeBound(pub i64);

impl TimeBound {
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Ok(time) = DateTime::parse_from_rfc3339(text) {
            return Ok(Self(time.with_timezone(&Utc).timestamp()));
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Ok(Self(day.and_time(Default::default()).and_utc().timestamp())),
            Err(_) => Err(format!(
                "`{text}` is neither an RFC 3339 time nor a YYYY-MM-DD date"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for TimeBound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parsed(d, Self::parse)
    }
}

impl PartialSchema for TimeBound {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(string(KnownFormat::DateTime))
            .item(string(KnownFormat::Date))
            .into()
    }
}

impl ToSchema for TimeBound {}

/// A day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parsed(d, |text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Self)
                .map_err(|_| format!("`{text}` is not a YYYY-MM-DD date"))
        })
    }
}

impl PartialSchema for Day {
    fn schema() -> RefOr<Schema> {
        string(KnownFormat::Date).into()
    }
}

impl ToSchema for Day {}

/// A full-text query (`q`): words, `"a phrase"`, `prefix*`, `a OR b`.
#[derive(Debug, Clone)]
pub struct SearchText(pub FtsQuery);

impl<'de> Deserialize<'de> for SearchText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parsed(d, |text| FtsQuery::parse(text).map(Self))
    }
}

impl PartialSchema for SearchText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_LEN))
            .into()
    }
}

impl ToSchema for SearchText {}
