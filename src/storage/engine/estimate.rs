//! How many documents a query can match at most, from the index's word counts
//! alone: enough to choose how SQL reads a search in date order (`storage::articles`),
//! never to decide what it finds.

use tantivy::Term;

use super::Engine;
use super::docs::words;
use crate::domain::ResourceKind;
use crate::storage::fts::FtsQuery;

impl Engine {
    /// At most how many documents of `kind` match `q`: for each alternative, its
    /// rarest word (summed over the kind's columns, and counting replaced documents
    /// not yet merged away), added up over the alternatives. `None` when a phrase is
    /// only a prefix, whose words are not known without expanding it.
    pub(crate) fn matching_at_most(&self, q: &FtsQuery, kind: ResourceKind) -> Option<u64> {
        let searcher = self.0.reader.searcher();
        let fields = &self.0.fields.text.iter().find(|(k, _)| *k == kind)?.1;
        let holding = |word: &str| -> u64 {
            fields
                .iter()
                .map(|(field, _)| {
                    let term = Term::from_field_text(*field, word);
                    searcher.doc_freq(&term).unwrap_or(u64::MAX)
                })
                .fold(0u64, u64::saturating_add)
        };
        let mut total = 0u64;
        for phrases in q.alternatives() {
            let mut rarest: Option<u64> = None;
            for phrase in &phrases {
                let mut cut = words(&phrase.words.join(" "));
                if phrase.prefix {
                    cut.pop();
                }
                for word in cut {
                    let n = holding(&word);
                    rarest = Some(rarest.map_or(n, |r| r.min(n)));
                }
            }
            total = total.saturating_add(rarest?);
        }
        Some(total)
    }
}
