//! What lists and searches read of an article, so that a write which moves no list
//! purges only what shows the article.
//!
//! An article's *place* is what decides which lists hold it and where: every column
//! of its row except those only shown ([`SHOWN_ONLY`]), and its topics,
//! participants and events (filters and facets). Its *text* is what search reads,
//! from the view the indexes read (`articles_search`). A write that leaves the place
//! as it was (a corrected summary, a new headline, another byline) changes no list's
//! membership, order, count or facets: such a list changes only if it shows the
//! article, and then it names the article's own key. Such a write is *in place*; it
//! purges, besides the article's own keys, only:
//! - `articles:updated`, for what reads every article's `updated_at` (the
//!   `updated_at` orders and filter, sitemaps);
//! - when the text changed, `articles:text` (what FTS5 ranks by relevance), and for
//!   each changed column every word of its old and new text, as `articles:term=WORD`
//!   (a phrase reads the word's positions, a score its count and the column's
//!   length) and `articles:prefix=XY` (its first two letters, for `secur*`), and
//!   `articles:holds=WORD` for each word the article holds now and did not before,
//!   or the other way round (which articles match a word).
//!
//! A search names the keys of its words ([`search_keys`]). In an order of its own
//! (`-published_at` …): the `holds` of its single words, the `term` of a phrase's
//! words, the `prefix` of a prefix. By relevance, as the search engine ranks it:
//! the `term` of every word, the `prefix` of a prefix, and the collections of the
//! other kinds ([`RANKED`]), whose documents share the engine's count of documents.
//! The engine's scores read nothing else that an edit in place can move
//! (`engine::stats`), so its cursors, which carry the last score, stay valid too.
//! Two rankings read every text and name `articles:text`: FTS5's bm25, which answers
//! while the engine cannot (the page says so, [`super::Page`]), and a phrase that
//! ends in a prefix (`"food secur"*`), which the engine scores by the statistics of
//! its whole index. So a write can alter a search only if it purges one of its
//! keys. Words are cut by the search engine's analyzer, as the engine and FTS5 cut
//! them; the text is cut a second time without combining marks, which FTS5 folds
//! into the letter they follow.

use std::collections::BTreeSet;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::Result;
use super::engine::words;
use super::fts::FtsQuery;

/// The columns of `articles` that only show: no list filters, orders or facets on
/// them, and no rule of visibility reads them. Any other column, one added later
/// too, is part of the place.
const SHOWN_ONLY: &[&str] = &[
    "headline",
    "headline_origin",
    "dateline_place",
    "dateline_date",
    "summary",
    "language",
    "source_name",
    "source_url",
    "source_note",
    "body",
    "version",
    "changed_by",
    "copyright_holder",
    "copyright_notice",
    "usage_terms",
    "license_url",
    // Read through `articles:updated`, which every in-place write purges.
    "updated_at",
];

/// The relations lists filter and facet on, as `kind`, `id` rows.
const RELATIONS: &str = "SELECT 'topic', topic FROM article_topics WHERE article = ?1
    UNION ALL SELECT 'participant', participant FROM article_participants WHERE article = ?1
    UNION ALL SELECT 'event', event FROM article_events WHERE article = ?1
    ORDER BY 1, 2";

/// The key of what reads every article's `updated_at`.
pub const UPDATED: &str = "articles:updated";
/// The key of what ranks articles by statistics of all their text (FTS5's bm25): any
/// text moves its scores.
pub const TEXT: &str = "articles:text";
/// The keys of a search by relevance besides its words: any change of another kind,
/// whose documents share the engine's index and its count of documents.
pub const RANKED: &[&str] = &["quotes", "participants", "events"];

/// What lists and searches read of one stored article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    place: Vec<String>,
    /// The searched columns' text: headline, summary, body.
    text: [Option<String>; 3],
}

impl Listing {
    /// The article `id` as stored now; `None` when there is none.
    pub fn of_article(conn: &Connection, id: &str) -> Result<Option<Self>> {
        let mut stmt = conn.prepare_cached("SELECT * FROM articles WHERE id = ?1")?;
        let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let mut rows = stmt.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let mut place = Vec::new();
        for (n, name) in names.iter().enumerate() {
            if !SHOWN_ONLY.contains(&name.as_str()) {
                place.push(format!("{name}={}", shown(row.get_ref(n)?)));
            }
        }
        drop(rows);
        let relations = conn
            .prepare_cached(RELATIONS)?
            .query_map([id], |r| {
                Ok(format!(
                    "{}:{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        place.extend(relations);
        let text = conn
            .prepare_cached(
                "SELECT s.headline, s.summary, s.body FROM articles a
                 JOIN articles_search s ON s.doc = a.rowid WHERE a.id = ?1",
            )?
            .query_row([id], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))?;
        Ok(Some(Self { place, text }))
    }
}

fn shown(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "null".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => format!("{:?}", String::from_utf8_lossy(t)),
    }
}

/// The keys a write from `before` to `after` makes stale besides the article's own,
/// when it is in place; `None` when it may move lists (a new or deleted article, or
/// another place).
pub fn in_place(before: Option<&Listing>, after: Option<&Listing>) -> Option<Vec<String>> {
    let (before, after) = (before?, after?);
    if before.place != after.place {
        return None;
    }
    let mut keys = BTreeSet::from([UPDATED.to_owned()]);
    if before.text != after.text {
        keys.insert(TEXT.to_owned());
        // Each column cut once: what changed in it, and what the article holds.
        let (mut held_before, mut held_after) = (BTreeSet::new(), BTreeSet::new());
        for (old_text, new_text) in before.text.iter().zip(&after.text) {
            let (old, new) = (cut(old_text), cut(new_text));
            // Compared as text: the same words in another order move a phrase.
            if old_text != new_text {
                for word in old.union(&new) {
                    keys.insert(format!("articles:term={word}"));
                    keys.insert(format!("articles:prefix={}", prefix(word)));
                }
            }
            held_before.extend(old);
            held_after.extend(new);
        }
        for word in held_before.symmetric_difference(&held_after) {
            keys.insert(format!("articles:holds={word}"));
        }
    }
    Some(keys.into_iter().collect())
}

/// The keys a search of articles for `q` depends on besides the articles it shows:
/// for a prefix, the words that begin with its first two letters; in date order,
/// whether articles hold its single words and where they hold a phrase's words;
/// `ranked` (by the engine), where and how often they hold each word, and the other
/// kinds' collections.
pub fn search_keys(q: &FtsQuery, ranked: bool) -> Vec<String> {
    let mut keys = BTreeSet::new();
    if ranked {
        keys.extend(RANKED.iter().map(|k| (*k).to_owned()));
    }
    for phrase in q.alternatives().into_iter().flatten() {
        let words: Vec<String> = phrase.words.iter().flat_map(|w| words(w)).collect();
        let last = words.len().saturating_sub(1);
        for (n, word) in words.iter().enumerate() {
            if phrase.prefix && n == last {
                keys.insert(format!("articles:prefix={}", prefix(word)));
                if ranked && words.len() > 1 {
                    keys.insert(TEXT.to_owned());
                }
            } else if ranked || words.len() > 1 {
                keys.insert(format!("articles:term={word}"));
            } else {
                keys.insert(format!("articles:holds={word}"));
            }
        }
    }
    keys.into_iter().collect()
}

/// The words of `text`, as the analyzer cuts it and as it cuts it without
/// combining marks (U+0300–U+036F), which FTS5 drops from inside a word.
fn cut(text: &Option<String>) -> BTreeSet<String> {
    let Some(text) = text else {
        return BTreeSet::new();
    };
    let mut all: BTreeSet<String> = words(text).into_iter().collect();
    if text.chars().any(combining) {
        let bare: String = text.chars().filter(|c| !combining(*c)).collect();
        all.extend(words(&bare));
    }
    all
}

fn combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// A word's first two letters: prefixes are at least that long.
fn prefix(word: &str) -> String {
    word.chars().take(super::fts::MIN_PREFIX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(place: &str, text: [&str; 3]) -> Listing {
        Listing {
            place: vec![place.to_owned()],
            text: text.map(|t| Some(t.to_owned())),
        }
    }

    #[test]
    fn a_write_that_moves_the_article_is_not_in_place() {
        let before = listing("status=published", ["A", "B", "C"]);
        let moved = listing("status=draft", ["A", "B", "C"]);
        assert_eq!(in_place(Some(&before), Some(&moved)), None);
        assert_eq!(in_place(None, Some(&before)), None);
        assert_eq!(in_place(Some(&before), None), None);
    }

    #[test]
    fn an_unchanged_text_purges_only_what_reads_updated_at() {
        let same = listing("status=published", ["A", "B", "C"]);
        assert_eq!(
            in_place(Some(&same), Some(&same)),
            Some(vec![UPDATED.into()])
        );
    }

    #[test]
    fn a_changed_column_purges_its_words_old_and_new() {
        let before = listing("p", ["Summit opens", "Old words here", "Body text"]);
        let after = listing("p", ["Summit opens", "New words here", "Body text"]);
        let keys = in_place(Some(&before), Some(&after)).unwrap();
        let has = |k: &str| keys.iter().any(|key| key == k);
        for word in ["old", "new", "words", "here"] {
            assert!(has(&format!("articles:term={word}")), "{word}: {keys:?}");
        }
        assert!(has("articles:holds=old") && has("articles:holds=new"));
        // Still held, in the same columns: only the summary's words moved.
        assert!(!has("articles:holds=words"));
        assert!(!has("articles:term=summit") && !has("articles:term=body"));
        assert!(has("articles:prefix=ol") && has(TEXT) && has(UPDATED));
    }

    #[test]
    fn the_same_words_in_another_order_purge_their_phrases() {
        let before = listing("p", ["", "grain corridor", ""]);
        let after = listing("p", ["", "corridor grain", ""]);
        let keys = in_place(Some(&before), Some(&after)).unwrap();
        assert!(keys.contains(&"articles:term=grain".to_owned()), "{keys:?}");
        assert!(!keys.iter().any(|k| k.starts_with("articles:holds=")));
    }

    #[test]
    fn decomposed_accents_are_cut_both_ways() {
        let before = listing("p", ["", "", "Cafe\u{301}s"]);
        let after = listing("p", ["", "", ""]);
        let keys = in_place(Some(&before), Some(&after)).unwrap();
        assert!(
            keys.contains(&"articles:holds=cafes".to_owned()),
            "{keys:?}"
        );
    }

    #[test]
    fn a_search_names_its_words_by_how_it_reads_them() {
        let q = |text: &str, ranked| search_keys(&FtsQuery::parse(text).unwrap(), ranked);
        assert_eq!(q("Harbour", false), ["articles:holds=harbour"]);
        assert_eq!(
            q("Harbour", true),
            ["articles:term=harbour", "events", "participants", "quotes"]
        );
        assert!(q("\"food secur\"*", true).contains(&TEXT.to_owned()));
        assert!(!q("secur*", true).contains(&TEXT.to_owned()));
        assert_eq!(
            q("\"food secur\"* OR Ántonio", false),
            [
                "articles:holds=antonio",
                "articles:prefix=se",
                "articles:term=food"
            ]
        );
    }
}
