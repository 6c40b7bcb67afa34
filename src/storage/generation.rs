//! The content clock: a generation counter moved by every committed write, and per
//! surrogate key (`article:ID`, `articles`; see `http::surrogate`) the generation
//! of its last change, so that anything derived from the content (the response
//! cache) can tell whether what it holds is still current, key by key.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use super::changes::Change;

/// The key of what names no keys of its own: every write touches it.
pub const ANY: &str = "*";

/// Maps a committed change to the keys it makes stale.
pub type Purge = fn(&Change) -> BTreeSet<String>;

/// A key marked by a write not yet committed: nothing that depends on it is fresh.
const PENDING: u64 = u64::MAX;
/// Keys remembered at most; beyond, the clock forgets them all and counts as one
/// change to everything, so memory stays bounded.
const KEYS: usize = 100_000;

#[derive(Debug, Default)]
struct Clock {
    generation: AtomicU64,
    /// The generation of the last change of any kind; [`PENDING`] while a write
    /// is committing.
    last_change: AtomicU64,
    /// The generation of the last change to everything.
    everything: AtomicU64,
    /// Hashed with foldhash: every cache hit after a write looks up each of its
    /// keys here, and SipHash was most of that.
    keys: RwLock<HashMap<Box<str>, u64, foldhash::fast::RandomState>>,
    /// How changes map to keys; without it, every write changes everything.
    purge: OnceLock<Purge>,
}

/// The content generation and the changes per key. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Generation(Arc<Clock>);

impl Generation {
    /// The generation now: read it before reading the content that a derived value
    /// is made from, and keep it with the value.
    pub fn current(&self) -> u64 {
        self.0.generation.load(Ordering::Acquire)
    }

    /// Maps changes to keys with `purge` from now on (once).
    pub fn purge_with(&self, purge: Purge) {
        let _ = self.0.purge.set(purge);
    }

    /// The keys `changes` make stale, with [`ANY`]; `None` when no mapping is set.
    pub fn keys_of(&self, changes: &[Change]) -> Option<Vec<String>> {
        let purge = self.0.purge.get()?;
        let mut keys: BTreeSet<String> = changes.iter().flat_map(purge).collect();
        keys.insert(ANY.to_owned());
        Some(keys.into_iter().collect())
    }

    /// Everything may have changed (a write outside this process, a restore).
    pub fn bump(&self) {
        let clock = &self.0;
        let now = clock.generation.fetch_add(1, Ordering::AcqRel) + 1;
        clock.everything.store(now, Ordering::Release);
        clock.last_change.store(now, Ordering::Release);
    }

    /// A write that touches `keys` is about to commit: until [`Self::committed`],
    /// nothing that depends on them counts as fresh.
    pub fn committing(&self, keys: &[String]) {
        let clock = &self.0;
        clock.last_change.store(PENDING, Ordering::Release);
        let mut map = clock.keys.write().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            map.insert(key.as_str().into(), PENDING);
        }
    }

    /// The write that touched `keys` committed (or rolled back): they changed now.
    pub fn committed(&self, keys: &[String]) {
        let clock = &self.0;
        let now = clock.generation.fetch_add(1, Ordering::AcqRel) + 1;
        {
            let mut map = clock.keys.write().unwrap_or_else(|p| p.into_inner());
            if map.len() + keys.len() > KEYS {
                map.clear();
                clock.everything.store(now, Ordering::Release);
            }
            for key in keys {
                map.insert(key.as_str().into(), now);
            }
        }
        clock.last_change.store(now, Ordering::Release);
    }

    /// True when nothing that a value read at generation `since` depends on (its
    /// `keys`) has changed since.
    pub fn fresh(&self, since: u64, keys: &[Box<str>]) -> bool {
        let clock = &self.0;
        if clock.last_change.load(Ordering::Acquire) <= since {
            return true;
        }
        let map = clock.keys.read().unwrap_or_else(|p| p.into_inner());
        // Read under the lock: a writer that forgets every key moves it there.
        if clock.everything.load(Ordering::Acquire) > since {
            return false;
        }
        keys.iter()
            .all(|key| map.get(key).is_none_or(|changed| *changed <= since))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<Box<str>> {
        names.iter().map(|n| (*n).into()).collect()
    }

    #[test]
    fn a_change_makes_stale_only_what_depends_on_its_keys() {
        let clock = Generation::default();
        let read_at = clock.current();
        let touched = vec!["articles/a".to_owned(), "*".to_owned()];
        clock.committing(&touched);
        // While the write commits, neither old nor new reads of it are trusted.
        assert!(!clock.fresh(read_at, &keys(&["articles/a"])));
        assert!(clock.fresh(read_at, &keys(&["articles/b"])));
        clock.committed(&touched);
        assert!(!clock.fresh(read_at, &keys(&["articles/a"])));
        assert!(!clock.fresh(read_at, &keys(&["*"])));
        assert!(clock.fresh(read_at, &keys(&["articles/b", "topics/x/articles"])));
        // Read after the write: fresh again.
        assert!(clock.fresh(clock.current(), &keys(&["articles/a"])));
        clock.bump();
        assert!(!clock.fresh(read_at, &keys(&["articles/b"])));
    }
}
