//! Query-string parsing shared by every route: the strict `Query` extractor, the
//! split of a list's reserved keys from its filters, and comma-separated name lists.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;

use super::error::{ApiError, FieldError};

/// Like `web::Query`, but repeated keys fill vectors (`participant=a&participant=b`)
/// and an unknown or malformed parameter is a 400 problem that names it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string into `T`. The same pair given twice (`sort=name&sort=name`)
/// counts once, as it costs nothing to understand; a parameter that takes one value
/// given two different ones (`sort=name&sort=-name`) is ambiguous, and a 400 problem
/// that names it.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    if let Ok(value) = serde_html_form::from_str::<T>(query) {
        return Ok(value);
    }
    let unique = unique_pairs(query);
    let error = match from_pairs::<T>(unique.iter()) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let message = error.inner().to_string();
    // A key whose first value alone makes the error go (or change) is one that takes
    // a single value and was given several.
    let mut repeated: Vec<&str> = Vec::new();
    for (i, (key, _)) in unique.iter().enumerate() {
        if unique[..i].iter().any(|(k, _)| k == key) && !repeated.contains(&key.as_str()) {
            repeated.push(key);
        }
    }
    let ambiguous: Vec<&str> = repeated
        .into_iter()
        .filter(|key| {
            let mut seen = false;
            let first_only = unique.iter().filter(|(k, _)| {
                let later = k == key && seen;
                seen |= k == key;
                !later
            });
            from_pairs::<T>(first_only)
                .err()
                .is_none_or(|e| e.inner().to_string() != message)
        })
        .collect();
    if ambiguous.is_empty() {
        return Err(query_error(&error));
    }
    Err(given_twice(&ambiguous))
}

/// The pairs of a query string, each distinct pair once, in order.
fn unique_pairs(query: &str) -> Vec<(String, String)> {
    let mut unique: Vec<(String, String)> = Vec::new();
    for pair in url::form_urlencoded::parse(query.as_bytes()).into_owned() {
        if !unique.contains(&pair) {
            unique.push(pair);
        }
    }
    unique
}

/// Deserializes `T` from `pairs`, with the path of the value that failed.
fn from_pairs<'a, T: DeserializeOwned>(
    pairs: impl Iterator<Item = &'a (String, String)>,
) -> Result<T, serde_path_to_error::Error<serde_html_form::de::Error>> {
    let text = encode(pairs);
    serde_path_to_error::deserialize(serde_html_form::Deserializer::from_bytes(text.as_bytes()))
}

/// The problem for parameters that take one value and were given different ones.
fn given_twice(keys: &[&str]) -> ApiError {
    let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    ApiError::BadRequest {
        detail: format!(
            "Invalid {}: given more than once with different values; it takes one.",
            names.join(", ")
        ),
        errors: keys
            .iter()
            .map(|key| {
                FieldError::new(
                    *key,
                    "given more than once with different values; it takes one",
                )
            })
            .collect(),
    }
}

/// The keys of a query string that `reserved` takes, with their one value each.
pub struct Reserved(Vec<(String, String)>);

impl Reserved {
    /// The value of `key`, as given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key`; an empty one names nothing and is a 400 problem.
    pub fn non_empty(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.get(key) {
            Some("") => Err(ApiError::invalid(key, "an empty value names nothing")),
            value => Ok(value),
        }
    }
}

/// Splits a query string in two: the `reserved` keys, each with its one value (the
/// same pair twice counts once; two different values are a 400 problem that names
/// the key), and the rest, re-encoded for [`parse_query`]. A key that is neither
/// reserved nor among the `filters` is a 400 problem that lists the known ones
/// (`filters` is asked only when there is a rest).
pub fn split_query<'f>(
    query: &str,
    reserved: &[&str],
    filters: impl FnOnce() -> &'f [String],
) -> Result<(Reserved, String), ApiError> {
    let (taken, rest): (Vec<_>, Vec<_>) = unique_pairs(query)
        .into_iter()
        .partition(|(key, _)| reserved.contains(&key.as_str()));
    let filters = if rest.is_empty() { &[] } else { filters() };
    if let Some((unknown, _)) = rest.iter().find(|(key, _)| !filters.contains(key)) {
        let known: Vec<String> = reserved
            .iter()
            .map(|k| format!("`{k}`"))
            .chain(filters.iter().map(|k| format!("`{k}`")))
            .collect();
        return Err(ApiError::invalid(
            unknown.clone(),
            format!("unknown query parameter; known here: {}", known.join(", ")),
        ));
    }
    let mut ambiguous: Vec<&str> = Vec::new();
    for (i, (key, _)) in taken.iter().enumerate() {
        if taken[..i].iter().any(|(k, _)| k == key) && !ambiguous.contains(&key.as_str()) {
            ambiguous.push(key);
        }
    }
    if !ambiguous.is_empty() {
        return Err(given_twice(&ambiguous));
    }
    let rest = encode(rest.iter());
    Ok((Reserved(taken), rest))
}

fn encode<'a>(pairs: impl Iterator<Item = &'a (String, String)>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Turns serde's error into a problem naming the parameter: the unknown or missing
/// key its message quotes, or the key whose value failed.
fn query_error(error: &serde_path_to_error::Error<serde_html_form::de::Error>) -> ApiError {
    let message = error.inner().to_string();
    let quoted = |prefix: &str| {
        let start = message.find(prefix)? + prefix.len();
        let len = message[start..].find('`')?;
        Some(message[start..start + len].to_owned())
    };
    if let Some(name) = quoted("unknown field `") {
        return ApiError::invalid(name, format!("unknown query parameter ({message})"));
    }
    if let Some(name) = quoted("missing field `") {
        return ApiError::invalid(name, "this query parameter is required");
    }
    if let Some(serde_path_to_error::Segment::Map { key }) = error.path().iter().next() {
        return ApiError::invalid(key.clone(), message);
    }
    ApiError::BadRequest {
        detail: format!("The query string is invalid: {message}."),
        errors: Vec::new(),
    }
}

/// A whole-number query parameter such as `limit`. `serde_html_form` reads an empty
/// value (`limit=`) as absent; here it is an error, as the description says.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    let text = String::deserialize(d)?;
    match text.parse() {
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(serde::de::Error::custom(format!(
            "`{text}` is not a whole number"
        ))),
    }
}

/// A typed query parameter that, when given, has a value: `serde_html_form` reads
/// `q=` as absent, where `T` refuses the empty value.
pub fn given<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A text query parameter that, when given, has a value: `serde_html_form` reads
/// `cursor=` as absent, but an empty cursor, `since` or `format` names nothing.
pub fn non_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    let text = String::deserialize(d)?;
    if text.is_empty() {
        return Err(serde::de::Error::custom("an empty value names nothing"));
    }
    Ok(Some(text))
}

/// Parses a comma-separated list of names (`include=speaker,event`); an empty value
/// is an empty list. An unknown name (an empty one, or one with spaces, included) is a
/// 400 problem that lists the allowed ones, so what is accepted is exactly what the
/// description's enum says.
pub fn name_list<T: PartialEq + Copy>(
    param: &str,
    value: Option<&str>,
    allowed: &[(&str, T)],
) -> Result<Vec<T>, ApiError> {
    let mut out = Vec::new();
    let value = value.unwrap_or("");
    if value.is_empty() {
        return Ok(out);
    }
    for name in value.split(',') {
        let Some((_, v)) = allowed.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(ApiError::invalid(
                param,
                format!("unknown value `{name}`; allowed: {}", names.join(", ")),
            ));
        };
        if !out.contains(v) {
            out.push(*v);
        }
    }
    Ok(out)
}

/// The `type` filter of the change log, search and timelines, in either form:
/// repeated (`type=article&type=quote`, the form the description gives) or
/// comma-separated (`type=article,quote`), or both mixed. A kind named twice counts
/// once; an empty value names nothing and is a 400 problem.
pub fn kinds<T: PartialEq + Copy>(
    param: &str,
    values: &[String],
    allowed: &[(&str, T)],
) -> Result<Vec<T>, ApiError> {
    let mut out = Vec::new();
    for value in values {
        if value.is_empty() {
            return Err(ApiError::invalid(param, "an empty value names nothing"));
        }
        for kind in name_list(param, Some(value), allowed)? {
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_taken_repeated_or_comma_separated() {
        let allowed = [("a", 1), ("b", 2), ("c", 3)];
        let given = |values: &[&str]| {
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            kinds("type", &values, &allowed)
        };
        assert_eq!(given(&[]).unwrap(), Vec::<i32>::new());
        assert_eq!(given(&["a", "b"]).unwrap(), [1, 2]);
        assert_eq!(given(&["a,b"]).unwrap(), [1, 2]);
        assert_eq!(given(&["a,b", "b", "c"]).unwrap(), [1, 2, 3]);
        assert!(given(&[""]).is_err());
        assert!(given(&["a", "d"]).is_err());
    }

    #[test]
    fn reserved_keys_are_split_from_the_filters() {
        let speaker = ["speaker".to_owned()];
        let filters = || speaker.as_slice();
        let (given, rest) = split_query(
            "sort=said_on&speaker=a&sort=said_on&speaker=b",
            &["sort"],
            filters,
        )
        .unwrap();
        assert_eq!(given.get("sort"), Some("said_on"));
        assert_eq!(rest, "speaker=a&speaker=b");
        let field = |query: &str| match split_query(query, &["sort"], filters) {
            Err(ApiError::BadRequest { errors, .. }) => errors[0].field.clone(),
            _ => String::new(),
        };
        assert_eq!(field("sort=said_on&sort=-said_on"), "sort");
        assert_eq!(field("colour=red"), "colour");
    }
}
