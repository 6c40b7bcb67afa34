//! The keys (`type/id`) of each segment's documents by ordinal, kept in memory.
//!
//! tantivy keeps a segment's keys in a dictionary of compressed blocks of some
//! hundreds of keys: finding one key decodes its block up to it, a few microseconds
//! each, and a page of 20 hits read 20 of them (a quarter of a ranked search). Here
//! the keys are front-coded in runs of [`RUN`]: a lookup decodes at most that many
//! entries, and the table takes a few bytes per key. A segment never changes once
//! written, so its table is read once: when the index is reloaded after a commit,
//! or by the first search that meets it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::Searcher;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

use super::docs::KEY;
use crate::storage::{Result, StorageError};

/// Keys per run: the first of each is whole, the others share a prefix with the one
/// before.
const RUN: u64 = 16;

/// The keys of the segments searched lately.
#[derive(Default)]
pub(super) struct KeyTables(Mutex<HashMap<SegmentId, Arc<SegmentKeys>>>);

/// A segment's key column, which gives each document's key ordinal, and the table
/// of its keys. Opening the column reads its header and dictionary index: a tenth
/// of a search at 1M articles, when it was opened for each search.
pub(super) struct SegmentKeys {
    pub column: StrColumn,
    pub table: Table,
}

impl KeyTables {
    /// The table of each of `searcher`'s segments, in its order; tables of segments
    /// it no longer has (merged away) are dropped when a new one is read.
    pub fn of(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentKeys>>> {
        let segments = searcher.segment_readers();
        let mut tables = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut found = Vec::with_capacity(segments.len());
        for segment in segments {
            if let Some(table) = tables.get(&segment.segment_id()) {
                found.push(table.clone());
                continue;
            }
            if !tables.is_empty() {
                tables.retain(|id, _| segments.iter().any(|s| s.segment_id() == *id));
            }
            let column = segment
                .fast_fields()
                .str(KEY)?
                .ok_or_else(|| StorageError::Search("no key column".into()))?;
            let keys = Arc::new(SegmentKeys {
                table: Table::of(&column)?,
                column,
            });
            tables.insert(segment.segment_id(), keys.clone());
            found.push(keys);
        }
        Ok(found)
    }
}

/// One segment's keys, in ordinal (and so in key) order.
#[derive(Default)]
pub(super) struct Table {
    /// Each key as the length of the prefix it shares with the key before (0 for the
    /// first of a run), the length of the rest, and the rest.
    bytes: Vec<u8>,
    /// Where each run starts in `bytes`.
    runs: Vec<usize>,
    len: u64,
}

impl Table {
    fn of(column: &StrColumn) -> Result<Self> {
        let failed = |e: std::io::Error| StorageError::Search(e.to_string());
        let mut table = Self::default();
        let mut last: Vec<u8> = Vec::new();
        let mut stream = column.dictionary().stream().map_err(failed)?;
        while stream.advance() {
            table.push(&last, stream.key());
            last.clear();
            last.extend_from_slice(stream.key());
        }
        table.bytes.shrink_to_fit();
        table.runs.shrink_to_fit();
        Ok(table)
    }

    fn push(&mut self, last: &[u8], key: &[u8]) {
        let shared = if self.len.is_multiple_of(RUN) {
            self.runs.push(self.bytes.len());
            0
        } else {
            let common = last.iter().zip(key).take_while(|(a, b)| a == b).count();
            common.min(usize::from(u8::MAX))
        };
        // A key is `type/id`, and ids are far shorter than this.
        let rest = &key[shared..key.len().min(shared + usize::from(u16::MAX))];
        self.bytes.push(shared as u8);
        self.bytes
            .extend_from_slice(&(rest.len() as u16).to_le_bytes());
        self.bytes.extend_from_slice(rest);
        self.len += 1;
    }

    /// The key of ordinal `ord` (empty past the end).
    pub fn get(&self, ord: u64) -> String {
        self.decode(ord).unwrap_or_default()
    }

    fn decode(&self, ord: u64) -> Option<String> {
        if ord >= self.len {
            return None;
        }
        let mut at = *self.runs.get(usize::try_from(ord / RUN).ok()?)?;
        let mut key = Vec::new();
        for _ in 0..=ord % RUN {
            let shared = *self.bytes.get(at)?;
            let rest = self.bytes.get(at + 1..at + 3)?;
            let rest = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
            key.truncate(usize::from(shared));
            key.extend_from_slice(self.bytes.get(at + 3..at + 3 + rest)?);
            at += 3 + rest;
        }
        String::from_utf8(key).ok()
    }

    /// The first ordinal whose key sorts after `key`.
    pub fn first_after(&self, key: &str) -> u64 {
        let (mut low, mut high) = (0u64, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            if self.get(mid).as_str() <= key {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(keys: &[&str]) -> Table {
        let mut table = Table::default();
        let mut last = "";
        for key in keys {
            table.push(last.as_bytes(), key.as_bytes());
            last = key;
        }
        table
    }

    #[test]
    fn every_key_comes_back_by_its_ordinal_and_bounds_a_cursor() {
        let mut keys: Vec<String> = (0..100)
            .map(|n| format!("article/gen-article-{n}"))
            .chain((0..40).map(|n| format!("quote/q-{n}")))
            .chain(["event/é-ü".to_owned(), "participant/x".to_owned()])
            .collect();
        keys.sort();
        let table = table(&keys.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(table.len, keys.len() as u64);
        for (ord, key) in keys.iter().enumerate() {
            assert_eq!(&table.get(ord as u64), key);
            assert_eq!(table.first_after(key), ord as u64 + 1);
        }
        assert_eq!(table.get(keys.len() as u64), "");
        assert_eq!(table.first_after(""), 0);
        assert_eq!(table.first_after("zzz"), keys.len() as u64);
    }
}
