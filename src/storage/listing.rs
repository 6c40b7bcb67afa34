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
//! - for a search of one word by relevance: `articles:df=WORD` for each word the
//!   article holds now and did not before, or the other way round, as the engine
//!   cuts it (bm25 counts the documents that hold it); for each other word of the
//!   changed columns, `articles:score=WORD@B`, `B` the bucket of the score the
//!   article now earns in that search ([`bucket`], computed by the engine from the
//!   text, [`super::engine::ArticleScores`]; without it, `articles:df=WORD`).
//!
//! A search names the keys of its words ([`search_keys`]). In an order of its own
//! (`-published_at` …): the `holds` of its single words, the `term` of a phrase's
//! words, the `prefix` of a prefix. By relevance, as the search engine ranks it:
//! the `term` of every word, the `prefix` of a prefix, and the collections of the
//! other kinds ([`RANKED`]), whose documents share the engine's count of documents.
//! A page of one word ranked by the engine, full, whose last hit scores `S`, names
//! instead of the word's `term` its `df` and its `score` buckets from that of `S`
//! up ([`floored_keys`]): an edit that leaves the word's counts as they were moves
//! only the edited article's score, and the page only if the article is on it
//! (its own key) or now scores at least `S`.
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

/// Score buckets are powers of two, from 2^LOWEST (and below) to 2^HIGHEST (and
/// above): coarse, so a page names few of them.
const LOWEST: i32 = -4;
const HIGHEST: i32 = 10;
/// An edited article's score is rounded up by this much before it is bucketed: the
/// engine sums a document's columns in an order of its own.
const MARGIN: f32 = 1e-3;

/// What lists and searches read of one stored article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    place: Vec<String>,
    /// The searched columns' text: headline, summary, body.
    pub text: [Option<String>; 3],
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
/// another place). `scores` gives the scores the text `after` earns in one-word
/// searches of the words asked, as the engine ranks them; `None` when it cannot.
pub fn in_place(
    before: Option<&Listing>,
    after: Option<&Listing>,
    scores: impl FnOnce(&[&str]) -> Option<Vec<f32>>,
) -> Option<Vec<String>> {
    let (before, after) = (before?, after?);
    if before.place != after.place {
        return None;
    }
    let mut keys = BTreeSet::from([UPDATED.to_owned()]);
    if before.text != after.text {
        keys.insert(TEXT.to_owned());
        // Each column cut once: what changed in it, and what the article holds, as
        // FTS5 reads it (`all`) and as the engine does (`indexed`), whose changed
        // columns' words may have moved their scores.
        let (mut held_before, mut held_after) = (BTreeSet::new(), BTreeSet::new());
        let (mut indexed_before, mut indexed_after) = (BTreeSet::new(), BTreeSet::new());
        let mut scored = BTreeSet::new();
        for (old_text, new_text) in before.text.iter().zip(&after.text) {
            let (old, new) = (cut(old_text), cut(new_text));
            // Compared as text: the same words in another order move a phrase.
            if old_text != new_text {
                for word in old.all.union(&new.all) {
                    keys.insert(format!("articles:term={word}"));
                    keys.insert(format!("articles:prefix={}", prefix(word)));
                }
                scored.extend(old.indexed.union(&new.indexed).cloned());
            }
            indexed_before.extend(old.indexed);
            indexed_after.extend(new.indexed);
            held_before.extend(old.all);
            held_after.extend(new.all);
        }
        // The words whose count of documents holding them moved.
        let counted: BTreeSet<String> = indexed_before
            .symmetric_difference(&indexed_after)
            .cloned()
            .collect();
        for word in held_before.symmetric_difference(&held_after) {
            keys.insert(format!("articles:holds={word}"));
        }
        keys.extend(counted.iter().map(|word| df_key(word)));
        let scored: Vec<&str> = scored.difference(&counted).map(String::as_str).collect();
        match scores(&scored) {
            Some(scores) if scores.len() == scored.len() => {
                for (word, score) in scored.iter().zip(scores) {
                    keys.insert(score_key(word, bucket(score * (1.0 + MARGIN))));
                }
            }
            // Unscored: as if the word's counts had moved.
            _ => keys.extend(scored.iter().map(|word| df_key(word))),
        }
    }
    Some(keys.into_iter().collect())
}

/// The bucket of a score: the power of two at or below it, within bounds.
pub fn bucket(score: f32) -> i32 {
    if score.is_nan() || score <= 0.0 {
        return LOWEST;
    }
    (score.log2().floor() as i32).clamp(LOWEST, HIGHEST)
}

fn df_key(word: &str) -> String {
    format!("articles:df={word}")
}

fn score_key(word: &str, bucket: i32) -> String {
    format!("articles:score={word}@{bucket}")
}

/// The keys a full page of a one-word search by relevance names for its `word`
/// instead of its `term`, its last hit scoring `floor`: the word's `df`, and the
/// score buckets an edited article reaches when it scores at least `floor`.
pub fn floored_keys(word: &str, floor: f32) -> Vec<String> {
    std::iter::once(df_key(word))
        .chain((bucket(floor)..=HIGHEST).map(|b| score_key(word, b)))
        .collect()
}

/// The word of `q` when it is one word alone (no phrase of several, no prefix, no
/// alternative), as the analyzer cuts it: a search a page floor applies to.
pub fn one_word(q: &FtsQuery) -> Option<String> {
    let [phrases] = <[_; 1]>::try_from(q.alternatives()).ok()?;
    let [phrase] = <[_; 1]>::try_from(phrases).ok()?;
    if phrase.prefix {
        return None;
    }
    let words: Vec<String> = phrase.words.iter().flat_map(|w| words(w)).collect();
    let [word] = <[_; 1]>::try_from(words).ok()?;
    Some(word)
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

/// A column's words.
struct Cut {
    /// As the analyzer cuts the text: what the engine indexes.
    indexed: BTreeSet<String>,
    /// Those, and the words of the text without combining marks (U+0300–U+036F),
    /// which FTS5 drops from inside a word.
    all: BTreeSet<String>,
}

fn cut(text: &Option<String>) -> Cut {
    let text = text.as_deref().unwrap_or_default();
    let indexed: BTreeSet<String> = words(text).into_iter().collect();
    let mut all = indexed.clone();
    if text.chars().any(combining) {
        let bare: String = text.chars().filter(|c| !combining(*c)).collect();
        all.extend(words(&bare));
    }
    Cut { indexed, all }
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
        assert_eq!(in_place(Some(&before), Some(&moved), |_| None), None);
        assert_eq!(in_place(None, Some(&before), |_| None), None);
        assert_eq!(in_place(Some(&before), None, |_| None), None);
    }

    #[test]
    fn an_unchanged_text_purges_only_what_reads_updated_at() {
        let same = listing("status=published", ["A", "B", "C"]);
        assert_eq!(
            in_place(Some(&same), Some(&same), |_| None),
            Some(vec![UPDATED.into()])
        );
    }

    #[test]
    fn a_changed_column_purges_its_words_old_and_new() {
        let before = listing("p", ["Summit opens", "Old words here", "Body text"]);
        let after = listing("p", ["Summit opens", "New words here", "Body text"]);
        let keys = in_place(Some(&before), Some(&after), |_| None).unwrap();
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
    fn a_word_a_column_holds_before_and_after_names_its_new_score() {
        let before = listing("p", ["Summit opens", "Grain deal", "Body"]);
        let after = listing("p", ["Summit opens", "Grain deal signed", "Body"]);
        let scores = |words: &[&str]| {
            Some(
                words
                    .iter()
                    .map(|w| if *w == "grain" { 40.0 } else { 3.0 })
                    .collect(),
            )
        };
        let keys = in_place(Some(&before), Some(&after), scores).unwrap();
        let has = |k: &str| keys.iter().any(|key| key == k);
        assert!(has("articles:score=grain@5") && has("articles:score=deal@1"));
        // Its count of documents moved: every page of it goes.
        assert!(has("articles:df=signed") && !has("articles:score=signed@1"));
        assert!(!has("articles:df=grain") && !has("articles:score=summit@1"));
        // A word the summary drops and the body still holds: its count stays.
        let before = listing("p", ["", "Grain deal", "grain"]);
        let after = listing("p", ["", "Deal", "grain"]);
        let keys = in_place(Some(&before), Some(&after), scores).unwrap();
        assert!(
            keys.contains(&"articles:score=grain@5".to_owned()),
            "{keys:?}"
        );
        assert!(!keys.contains(&"articles:df=grain".to_owned()), "{keys:?}");
        // Without scores, every word of the column counts as moved.
        let keys = in_place(Some(&before), Some(&after), |_| None).unwrap();
        assert!(keys.contains(&"articles:df=grain".to_owned()), "{keys:?}");
        assert!(keys.contains(&"articles:df=deal".to_owned()), "{keys:?}");
        assert!(!keys.iter().any(|k| k.starts_with("articles:score=")));
    }

    #[test]
    fn a_full_page_names_the_buckets_from_its_floor_up() {
        let keys = floored_keys("grain", 40.0);
        assert_eq!(keys[0], "articles:df=grain");
        assert_eq!(keys[1], "articles:score=grain@5");
        assert_eq!(
            keys.last().unwrap(),
            &format!("articles:score=grain@{HIGHEST}")
        );
        assert_eq!(bucket(0.0), LOWEST);
        assert_eq!(bucket(1e-9), LOWEST);
        assert_eq!(bucket(1e9), HIGHEST);
        assert_eq!(bucket(32.0), 5);
        // A score reaching the floor falls in one of the page's buckets.
        assert!(bucket(40.0 * (1.0 + MARGIN)) >= bucket(40.0));
    }

    #[test]
    fn a_floor_applies_to_one_word_alone() {
        let one = |text: &str| one_word(&FtsQuery::parse(text).unwrap());
        assert_eq!(one("Harbour").as_deref(), Some("harbour"));
        assert_eq!(one("Ántonio").as_deref(), Some("antonio"));
        for many in [
            "grain corridor",
            "\"grain corridor\"",
            "secur*",
            "grain OR corridor",
        ] {
            assert_eq!(one(many), None, "{many}");
        }
    }

    #[test]
    fn the_same_words_in_another_order_purge_their_phrases() {
        let before = listing("p", ["", "grain corridor", ""]);
        let after = listing("p", ["", "corridor grain", ""]);
        let keys = in_place(Some(&before), Some(&after), |_| None).unwrap();
        assert!(keys.contains(&"articles:term=grain".to_owned()), "{keys:?}");
        assert!(!keys.iter().any(|k| k.starts_with("articles:holds=")));
    }

    #[test]
    fn decomposed_accents_are_cut_both_ways() {
        let before = listing("p", ["", "", "Cafe\u{301}s"]);
        let after = listing("p", ["", "", ""]);
        let keys = in_place(Some(&before), Some(&after), |_| None).unwrap();
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
