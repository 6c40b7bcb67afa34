//! The statistics bm25 scores with, chosen so that a document's score depends on its
//! own text and on the words searched for, and on nothing another write can move
//! without naming those words:
//! - the number of documents and of documents holding a word count live documents
//!   only (tantivy's own count deleted ones until their segment is merged, so an
//!   edit of any document, or a merge, would move every score);
//! - a document holds a word when any of its columns does, as FTS5's bm25 counts
//!   it (`Fields::counted`): an edit that moves a word from one column of a
//!   document to another, or drops it from one of two, moves no other score;
//! - the average length of a column is a fixed typical length ([`docs::COLUMNS`]),
//!   not the average of the index, which every edit of any text moves.
//!
//! So an edit in place of an article moves the scores of a search only when its old
//! or new text holds a word searched for, which is what `articles:term=WORD` names
//! (`storage::listing`); and a page's cursor, which carries the last score, stays
//! valid across edits of other articles.

use std::collections::HashMap;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::docs::Fields;

pub(super) struct Stats<'a> {
    searcher: &'a Searcher,
    /// Live documents of every kind.
    docs: u64,
    /// Each text field's typical length, in words.
    lengths: &'a HashMap<Field, u32>,
    /// Each text field's field of its kind's words.
    counted: &'a HashMap<Field, Field>,
}

impl<'a> Stats<'a> {
    pub fn new(searcher: &'a Searcher, fields: &'a Fields) -> Self {
        Self {
            searcher,
            docs: searcher.num_docs().max(1),
            lengths: &fields.lengths,
            counted: &fields.counted,
        }
    }
}

impl Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let length = self.lengths.get(&field).copied().unwrap_or(1);
        Ok(u64::from(length) * self.docs)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let counted = self
            .counted
            .get(&term.field())
            .zip(term.value().as_str())
            .map(|(words, word)| Term::from_field_text(*words, word));
        let term = counted.as_ref().unwrap_or(term);
        let mut live = 0u64;
        for segment in self.searcher.segment_readers() {
            let index = segment.inverted_index(term.field())?;
            live += u64::from(match segment.alive_bitset() {
                None => index.doc_freq(term)?,
                Some(alive) => index
                    .read_postings(term, IndexRecordOption::Basic)?
                    .map_or(0, |postings| postings.doc_freq_given_deletes(alive)),
            });
        }
        // Never above the documents, which bm25's idf requires.
        Ok(live.min(self.docs))
    }
}
