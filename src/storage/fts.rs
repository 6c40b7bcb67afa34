//! What a user types as `q`, turned into an FTS5 query that cannot fail to parse.
//!
//! Words are matched as quoted strings, so FTS5's operators and punctuation in the
//! input are only text: `AND (` searches for the word "and". Supported:
//! - `food security`: both words, anywhere (AND);
//! - `"food security"`: the phrase;
//! - `secur*`, `"food secur"*`: a prefix (of the last word of a phrase), of at least
//!   [`MIN_PREFIX`] characters: a one-letter prefix matches most of the index, and
//!   the FTS5 prefix indexes (`prefix='2 3'`) serve two and three;
//! - `summit OR meeting`: either side (`OR` in capitals, between two terms).

use rusqlite::types::Value;

use super::query::Where;

/// The longest `q` accepted, in characters.
pub(crate) const MAX_LEN: usize = 256;
/// The most terms (words or phrases) in one query.
pub(crate) const MAX_TERMS: usize = 16;
/// The fewest characters before a `*`.
pub(crate) const MIN_PREFIX: usize = 2;

/// A full-text query in FTS5 syntax, built only by [`FtsQuery::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct FtsQuery(String);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FtsQueryError {
    #[error("must contain at least one word or number")]
    Empty,
    #[error("must be at most {MAX_LEN} characters long")]
    TooLong,
    #[error("must have at most {MAX_TERMS} words or phrases")]
    TooManyTerms,
    #[error("needs at least {MIN_PREFIX} characters before a `*`")]
    ShortPrefix,
}

/// One term of a query: a word or a phrase, whose last word may be a prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Phrase<'a> {
    pub words: Vec<&'a str>,
    pub prefix: bool,
}

enum Item {
    Term(String),
    Or,
}

impl FtsQuery {
    pub fn parse(text: &str) -> Result<Self, FtsQueryError> {
        if text.chars().count() > MAX_LEN {
            return Err(FtsQueryError::TooLong);
        }
        let items = tokenize(text)?;
        let terms = items.iter().filter(|i| matches!(i, Item::Term(_))).count();
        if terms == 0 {
            return Err(FtsQueryError::Empty);
        }
        if terms > MAX_TERMS {
            return Err(FtsQueryError::TooManyTerms);
        }
        let mut out = String::new();
        for (n, item) in items.iter().enumerate() {
            match item {
                Item::Term(term) => {
                    if !out.is_empty() && !out.ends_with(" OR ") {
                        out.push(' ');
                    }
                    out.push_str(term);
                }
                // OR only between two terms; elsewhere it is dropped.
                Item::Or => {
                    let next_is_term = matches!(items.get(n + 1), Some(Item::Term(_)));
                    if !out.is_empty() && !out.ends_with(" OR ") && next_is_term {
                        out.push_str(" OR ");
                    }
                }
            }
        }
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The query as alternatives (`OR`), each a list of phrases that must all match:
    /// FTS5's precedence, where `a b OR c` is `(a b) OR c`.
    pub(crate) fn alternatives(&self) -> Vec<Vec<Phrase<'_>>> {
        let mut alternatives = vec![Vec::new()];
        // Terms are quoted and hold only words and spaces; `*` and `OR` are outside.
        let mut parts = self.0.split('"').skip(1);
        while let Some(inner) = parts.next() {
            let after = parts.next().unwrap_or("");
            if let Some(last) = alternatives.last_mut() {
                last.push(Phrase {
                    words: inner.split(' ').filter(|w| !w.is_empty()).collect(),
                    prefix: after.starts_with('*'),
                });
            }
            if after.contains("OR") {
                alternatives.push(Vec::new());
            }
        }
        alternatives.retain(|a| !a.is_empty());
        alternatives
    }

    pub(crate) fn to_sql(&self) -> Value {
        Value::Text(self.0.clone())
    }

    /// Restricts `w` to the rows of `table` (aliased `alias`) that match, through its
    /// full-text index `{table}_fts`, which the `relevance` sort then ranks.
    pub(crate) fn restrict(&self, w: &mut Where, table: &str, alias: &str) {
        w.join(format!(
            "JOIN {table}_fts ON {table}_fts.rowid = {alias}.rowid"
        ));
        w.and(format!("{table}_fts MATCH ?"), [self.to_sql()]);
    }

    /// Restricts `w` to the rows of `table` whose rowid is among the matches, read
    /// first as one list of rowids: a list in date order then walks its date index
    /// and checks each row's rowid in that list, so a word most rows hold costs a
    /// walk of a few rows, not a read and sort of every match. The `+` keeps SQLite
    /// from reading the rows by those rowids instead.
    pub(crate) fn restrict_walking(&self, w: &mut Where, table: &str, alias: &str) {
        w.and(
            format!("+{alias}.rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"),
            [self.to_sql()],
        );
    }
}

/// Splits the input into terms (quoted FTS5 strings) and `OR`s.
fn tokenize(text: &str) -> Result<Vec<Item>, FtsQueryError> {
    let mut items = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        let (body, prefix, after) = if first == '"' {
            let inner = &rest[1..];
            let end = inner.find('"').unwrap_or(inner.len());
            let after = inner[end..].strip_prefix('"').unwrap_or(&inner[end..]);
            match after.strip_prefix('*') {
                Some(after) => (&inner[..end], true, after),
                None => (&inner[..end], false, after),
            }
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let token = &rest[..end];
            if token == "OR" {
                items.push(Item::Or);
                rest = rest[end..].trim_start();
                continue;
            }
            (token, token.ends_with('*'), &rest[end..])
        };
        let words: Vec<&str> = body
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if prefix && words.last().is_some_and(|w| w.chars().count() < MIN_PREFIX) {
            return Err(FtsQueryError::ShortPrefix);
        }
        if !words.is_empty() {
            let star = if prefix { "*" } else { "" };
            items.push(Item::Term(format!("\"{}\"{star}", words.join(" "))));
        }
        rest = after.trim_start();
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> String {
        FtsQuery::parse(q).unwrap().0
    }

    #[test]
    fn words_phrases_prefixes_and_or() {
        assert_eq!(fts("food security"), r#""food" "security""#);
        assert_eq!(fts(r#""food security""#), r#""food security""#);
        assert_eq!(fts("secur*"), r#""secur"*"#);
        assert_eq!(fts(r#""food secur"*"#), r#""food secur"*"#);
        assert_eq!(fts("summit OR meeting"), r#""summit" OR "meeting""#);
        assert_eq!(fts("clear-cut"), r#""clear cut""#);
        assert_eq!(fts("Lukashenko’s"), r#""Lukashenko s""#);
    }

    #[test]
    fn operators_and_punctuation_are_only_text() {
        assert_eq!(fts("AND ("), r#""AND""#);
        assert_eq!(fts("OR summit OR"), r#""summit""#);
        assert_eq!(fts("a OR OR b"), r#""a" OR "b""#);
        assert_eq!(
            fts(r#"NEAR(a b) "unterminated"#),
            r#""NEAR a" "b" "unterminated""#
        );
        assert_eq!(fts("col:umn ^start"), r#""col umn" "start""#);
        for empty in ["", "   ", "\"", "\"\"", "(", "* - : ^", "OR"] {
            assert_eq!(FtsQuery::parse(empty), Err(FtsQueryError::Empty), "{empty}");
        }
        assert_eq!(
            FtsQuery::parse(&"a ".repeat(20)),
            Err(FtsQueryError::TooManyTerms)
        );
        assert_eq!(
            FtsQuery::parse(&"a".repeat(300)),
            Err(FtsQueryError::TooLong)
        );
    }

    #[test]
    fn alternatives_of_phrases() {
        let q = FtsQuery::parse(r#"food "sco summit" OR secur* "a bc"*"#).unwrap();
        let phrase = |words: &[&'static str], prefix| Phrase {
            words: words.to_vec(),
            prefix,
        };
        assert_eq!(
            q.alternatives(),
            [
                vec![phrase(&["food"], false), phrase(&["sco", "summit"], false)],
                vec![phrase(&["secur"], true), phrase(&["a", "bc"], true)],
            ]
        );
    }

    #[test]
    fn prefixes_need_two_characters() {
        for short in ["a*", "summit b*", r#""food s"*"#, "é*"] {
            assert_eq!(
                FtsQuery::parse(short),
                Err(FtsQueryError::ShortPrefix),
                "{short}"
            );
        }
        assert_eq!(fts("se*"), r#""se"*"#);
        assert_eq!(fts("éa*"), r#""éa"*"#);
    }
}
