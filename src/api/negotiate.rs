//! Content negotiation for single resources: JSON (the default), schema.org JSON-LD
//! and, for articles, IPTC ninjs; by `Accept`, or by `?format=` for curl users.

use actix_web::HttpRequest;
use actix_web::http::header;
use serde_json::Value;

use super::error::ApiError;
use super::include::Included;
use crate::http::origin::PublicUrl;
use crate::representations::Context;

/// A representation a single resource can be served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    JsonLd,
    Ninjs,
}

impl Format {
    const ALL: [Self; 3] = [Self::Json, Self::JsonLd, Self::Ninjs];

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::JsonLd => "application/ld+json",
            Self::Ninjs => "application/ninjs+json",
        }
    }

    /// Its name in `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::JsonLd => "jsonld",
            Self::Ninjs => "ninjs",
        }
    }

    /// The names of every format.
    pub fn names() -> Vec<&'static str> {
        Self::ALL.map(Self::name).to_vec()
    }

    /// The format `?format=` names, if any.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What a response in this format is, for the description.
    pub fn about(self) -> &'static str {
        match self {
            Self::Json => "",
            Self::JsonLd => "schema.org JSON-LD.",
            Self::Ninjs => "An IPTC ninjs 2.2 item.",
        }
    }
}

/// The format to serve among `offered` (the first is the default): `format` wins,
/// else the best of `Accept` by quality; 406 when nothing acceptable is offered.
pub fn negotiate(
    req: &HttpRequest,
    format: Option<Format>,
    offered: &[Format],
) -> Result<Format, ApiError> {
    let names = || {
        offered
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(f) = format {
        return if offered.contains(&f) {
            Ok(f)
        } else {
            Err(ApiError::NotAcceptable(format!(
                "This resource is not served as `{}`; it is served as {}.",
                f.name(),
                names()
            )))
        };
    }
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(offered[0]);
    };
    let mut best: Option<(f32, usize, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality <= 0.0 {
            continue;
        }
        for (rank, f) in offered.iter().enumerate() {
            let matches = media == f.media_type()
                || media == "*/*"
                || (media == "application/*")
                || (media == "application/json" && *f == Format::Json);
            // Exact types beat wildcards at equal quality; then the server's order.
            let specific = usize::from(media == f.media_type());
            let key = (quality + specific as f32 * 0.0001, usize::MAX - rank, *f);
            if matches && best.is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
                best = Some(key);
            }
        }
    }
    best.map(|(_, _, f)| f).ok_or_else(|| {
        ApiError::NotAcceptable(format!(
            "None of `{accept}` is served here; this resource is served as {}.",
            offered
                .iter()
                .map(|f| f.media_type())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The quality `accept` gives `media` (`type/subtype`, lower case): that of the most
/// specific range that matches it (RFC 9110 §12.5.1), 0 when none does.
pub fn quality(accept: &str, media: &str) -> f32 {
    let kind = media.split('/').next().unwrap_or(media);
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let range = parts.next().unwrap_or("").to_ascii_lowercase();
        let specificity = if range == media {
            2
        } else if range.strip_suffix("/*") == Some(kind) {
            1
        } else if range == "*/*" {
            0
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// What the linked-data representations of a resource name besides it: the
/// relations side-loaded into `included`, and the absolute URL of the API.
pub fn context<'a>(included: &'a Included, base: &'a str) -> Context<'a> {
    Context::new(
        base,
        &included.participants,
        &included.events,
        &included.topics,
    )
}

/// `value` as JSON that can sit inside an HTML `<script>` element (where JSON-LD
/// goes): `<`, `>` and `&` are written as `\u003c`, `\u003e` and `\u0026`, so no
/// stored text can close the element. Outside strings JSON has none of them.
pub fn embeddable(value: &Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// The absolute URL newsdesk is reached at, from configuration alone (see
/// [`crate::http::origin`]).
pub fn base_url(req: &HttpRequest) -> String {
    req.app_data::<actix_web::web::Data<PublicUrl>>()
        .map_or("", |u| u.absolute())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::quality;

    #[test]
    fn the_most_specific_range_gives_the_quality() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(quality(browser, "text/html"), 1.0);
        assert_eq!(quality(browser, "application/json"), 0.8);
        assert_eq!(quality("*/*", "text/html"), 1.0);
        assert_eq!(quality("application/json", "text/html"), 0.0);
        assert_eq!(
            quality("application/json;q=0.1, */*", "application/json"),
            0.1
        );
        assert_eq!(quality("text/*;q=0.5", "text/html"), 0.5);
        assert_eq!(quality("", "text/html"), 0.0);
    }
}
