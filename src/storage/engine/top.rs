//! The best hits of a query, after a cursor: block-max WAND skips the blocks of
//! postings that cannot beat the k-th best score so far, so the top 20 of 60,000
//! matches cost a fraction of ranking them all. Ties are broken by the key
//! (`type/id`), so pages follow each other without gaps or repeats.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Searcher, Term};

use super::docs::Fields;
use super::keys::KeyTables;
use super::stats::Stats;
use crate::domain::ResourceKind;
use crate::storage::fts::{FtsQuery, Phrase};
use crate::storage::{Result, deadline};

/// How many words the prefix at the end of a phrase expands to, per segment.
const PHRASE_PREFIX_WORDS: u32 = 1_000;

/// One hit: its score (higher is better) and key (`type/id`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranked {
    pub score: Score,
    pub key: String,
}

/// The query of `q` over the fields of the `kinds` wanted (all when empty): each
/// phrase matches in any column of a document, weighted as bm25 weighs it there.
pub(super) fn query(
    fields: &Fields,
    analyze: &mut dyn FnMut(&str) -> Vec<String>,
    q: &FtsQuery,
    kinds: &[ResourceKind],
) -> Box<dyn Query> {
    let columns: Vec<(Field, f32)> = fields
        .text
        .iter()
        .filter(|(kind, _)| kinds.is_empty() || kinds.contains(kind))
        .flat_map(|(_, columns)| columns.iter().copied())
        .collect();
    let alternatives: Vec<Box<dyn Query>> = q
        .alternatives()
        .iter()
        .map(|phrases| {
            let all: Vec<Box<dyn Query>> = phrases
                .iter()
                .map(|p| anywhere(&columns, &analyze(&p.words.join(" ")), p))
                .collect();
            one_or(all, Occur::Must)
        })
        .collect();
    one_or(alternatives, Occur::Should)
}

fn one_or(mut queries: Vec<Box<dyn Query>>, occur: Occur) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (occur, q)).collect(),
    ))
}

/// The phrase (already analyzed into `words`) in any of `columns`.
fn anywhere(columns: &[(Field, f32)], words: &[String], phrase: &Phrase<'_>) -> Box<dyn Query> {
    let in_columns = columns
        .iter()
        .map(|&(field, weight)| {
            let terms: Vec<Term> = words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            let query: Box<dyn Query> = match (terms.len(), phrase.prefix) {
                (0, _) => Box::new(tantivy::query::EmptyQuery),
                (_, true) => {
                    let mut prefix = PhrasePrefixQuery::new(terms);
                    // A lone prefix finds every word it starts, as FTS5 does; after
                    // other words (`"food secur"*`) it expands to at most this many
                    // words per segment, each of which costs memory up front.
                    prefix.set_max_expansions(PHRASE_PREFIX_WORDS);
                    Box::new(prefix)
                }
                (1, false) => Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                )),
                (_, false) => Box::new(PhraseQuery::new(terms)),
            };
            (
                Occur::Should,
                Box::new(BoostQuery::new(query, weight)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(in_columns))
}

/// A candidate of one segment: better is a higher score, then a lower key ordinal.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: Score,
    ord: u64,
}

impl Candidate {
    fn better(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.ord.cmp(&self.ord))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.better(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// The heap keeps the worst candidate on top.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other.better(self)
    }
}

/// The `n` best hits of `query` that come after `after` (score, key), best first.
pub(super) fn top(
    searcher: &Searcher,
    stats: &Stats<'_>,
    tables: &KeyTables,
    query: &dyn Query,
    after: Option<(Score, &str)>,
    n: usize,
) -> Result<Vec<Ranked>> {
    deadline::check()?;
    let weight = query.weight(EnableScoring::enabled_from_statistics_provider(
        stats, searcher,
    ))?;
    // The best of each segment, as key ordinals: a key's text is read only for the
    // hits that make the page.
    let mut found: Vec<(Candidate, usize)> = Vec::new();
    let tables = tables.of(searcher)?;
    for (at, (segment, keys)) in searcher.segment_readers().iter().zip(&tables).enumerate() {
        // Within a segment the key ordinals sort as the keys do: the first one
        // past the cursor's key bounds the ties with its score.
        let after = after.map(|(score, key)| (score, keys.table.first_after(key)));
        let ords = keys.column.ords();
        let alive = segment.alive_bitset();
        let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(n.min(256) + 1);
        let mut threshold = Score::MIN;
        let mut seen = 0u32;
        let mut late = false;
        weight.for_each_pruning(Score::MIN, segment, &mut |doc, score| {
            seen = seen.wrapping_add(1);
            // Past the read's deadline: nothing more is worth collecting.
            if late || (seen.is_multiple_of(1024) && deadline::check().is_err()) {
                late = true;
                return Score::MAX;
            }
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            let ord = ords.first(doc).unwrap_or(u64::MAX);
            if let Some((s, bound)) = after
                && (score > s || (score == s && ord < bound))
            {
                return threshold;
            }
            let candidate = Candidate { score, ord };
            if heap.len() < n {
                heap.push(candidate);
            } else if heap
                .peek()
                .is_some_and(|worst| candidate.better(worst) == Ordering::Greater)
            {
                heap.pop();
                heap.push(candidate);
            }
            if heap.len() == n
                && let Some(worst) = heap.peek()
            {
                // Strictly above: one below the worst lets its equals through, whose
                // keys may still place them.
                threshold = next_down(worst.score);
            }
            threshold
        })?;
        deadline::check()?;
        found.extend(heap.into_iter().map(|c| (c, at)));
    }
    // Only the `n` best scores can make the page, and those equal to the n-th, whose
    // keys order them.
    found.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score));
    if let Some((last, _)) = found.get(n.saturating_sub(1)).copied() {
        found.retain(|(c, _)| c.score >= last.score);
    }
    let mut ranked = Vec::with_capacity(found.len());
    for (c, segment) in found {
        ranked.push(Ranked {
            score: c.score,
            key: tables[segment].table.get(c.ord),
        });
    }
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
    ranked.truncate(n);
    Ok(ranked)
}

/// The largest score below `score`.
fn next_down(score: Score) -> Score {
    if score > 0.0 {
        Score::from_bits(score.to_bits() - 1)
    } else if score == 0.0 {
        -Score::from_bits(1)
    } else {
        Score::from_bits(score.to_bits() + 1)
    }
}
