//! Identifiers: URL-safe slugs that are parsed once, at the edge, and trusted after.

use std::fmt;

/// Why a string is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters long", max = Slug::MAX_LEN)]
    TooLong,
    #[error(
        "must be lowercase ASCII letters and digits in words joined by single hyphens (e.g. `xi-jinping`)"
    )]
    Syntax,
}

/// A lowercase, hyphen-separated, URL-safe identifier such as `xi-jinping`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub(crate) const MAX_LEN: usize = 120;

    /// Parses a slug: `[a-z0-9]+(-[a-z0-9]+)*`, at most [`Slug::MAX_LEN`] characters.
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let word_ok = |w: &str| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        if s.split('-').all(word_ok) {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError::Syntax)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A slug made from free text (a headline, a name): its ASCII letters and digits,
    /// lowercased, words joined by hyphens, cut at a word boundary to at most 80
    /// characters. `None` when the text has no ASCII letter or digit.
    pub fn derive(text: &str) -> Option<Self> {
        let mut words: Vec<String> = Vec::new();
        let mut len = 0;
        for word in text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let extra = word.len() + usize::from(!words.is_empty());
            if len + extra > 80 {
                break;
            }
            len += extra;
            words.push(word.to_ascii_lowercase());
        }
        Self::parse(&words.join("-")).ok()
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a typed identifier for one resource: a [`Slug`] that cannot be mixed up
/// with the identifier of another resource, parsed by serde on the way in.
macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schema(value_type = String, example = $example, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
        pub struct $name($crate::domain::ids::Slug);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, $crate::domain::ids::SlugError> {
                $crate::domain::ids::Slug::parse(s).map(Self)
            }

            /// An id made from free text; see [`Slug::derive`](crate::domain::Slug::derive).
            pub fn derive(text: &str) -> Option<Self> {
                $crate::domain::ids::Slug::derive(text).map(Self)
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::ids::SlugError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.as_str().to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}
pub(crate) use slug_id;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ArticleId;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        assert!(Slug::parse("xi-jinping").is_ok());
        assert!(Slug::parse("sco-summit-astana-2024").is_ok());
        assert!(Slug::parse("a").is_ok());
    }

    #[test]
    fn rejects_everything_else() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        for bad in [
            "Xi",
            "xi--jinping",
            "-xi",
            "xi-",
            "xi jinping",
            "xi_jinping",
            "ü",
            "a/b",
            "a.b",
        ] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Syntax), "{bad}");
        }
        assert_eq!(Slug::parse(&"a".repeat(121)), Err(SlugError::TooLong));
    }

    #[test]
    fn derives_slugs_from_text() {
        let slug = Slug::derive("Lukashenko: SCO is “a wonderful gift”!").unwrap();
        assert_eq!(slug.as_str(), "lukashenko-sco-is-a-wonderful-gift");
        assert!(Slug::derive("Лукашенко").is_none());
        assert!(Slug::derive(&"word ".repeat(40)).unwrap().as_str().len() <= 80);
    }

    #[test]
    fn typed_ids_parse_through_serde() {
        let id: ArticleId = serde_json::from_str("\"lukashenko-meets-antonio-guterres\"").unwrap();
        assert_eq!(id.as_str(), "lukashenko-meets-antonio-guterres");
        assert!(serde_json::from_str::<ArticleId>("\"Not A Slug\"").is_err());
    }
}
