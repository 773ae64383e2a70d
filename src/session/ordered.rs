//! A table of entries keyed by a string id that remembers the order they were added in: O(log n)
//! lookup, insertion and removal by id, iteration in insertion order. For subscriptions (re-sent in
//! the order they were made).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::ids::IdMap;

/// An entry that knows its own id.
pub(crate) trait Keyed {
    fn key(&self) -> &str;
}

#[derive(Debug)]
pub(crate) struct Ordered<V> {
    /// Entries by the sequence number of their insertion: iteration order.
    entries: BTreeMap<u64, V>,
    /// Sequence number of each id.
    index: IdMap,
    next: u64,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered {
            entries: BTreeMap::new(),
            index: IdMap::new(),
            next: 0,
        }
    }
}

impl<V: Keyed> Ordered<V> {
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// Adds `value` last. The caller has checked its id is not present.
    pub(crate) fn insert(&mut self, value: V) {
        let seq = self.next;
        self.next += 1;
        self.index.insert(value.key().into(), seq);
        self.entries.insert(seq, value);
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let seq = self.index.remove(key)?;
        self.entries.remove(&seq)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &V> {
        self.entries.values()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.values_mut()
    }

    /// Every entry, in insertion order; the table is left empty.
    pub(crate) fn take_all(&mut self) -> Vec<V> {
        self.index.clear();
        core::mem::take(&mut self.entries).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[derive(Debug, PartialEq)]
    struct Entry(String);

    impl Keyed for Entry {
        fn key(&self) -> &str {
            &self.0
        }
    }

    #[test]
    fn keeps_insertion_order_through_removals() {
        let mut table = Ordered::<Entry>::default();
        for id in ["b", "a", "c", "d"] {
            table.insert(Entry(id.into()));
        }
        assert_eq!(table.remove("a"), Some(Entry("a".into())));
        assert_eq!(table.remove("a"), None);
        table.insert(Entry("a".into()));
        assert!(table.contains("c") && !table.contains("x"));
        let order: Vec<&str> = table.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(order, ["b", "c", "d", "a"]);
        let all: Vec<String> = table.take_all().into_iter().map(|e| e.0).collect();
        assert_eq!(all, ["b", "c", "d", "a"]);
        assert!(table.iter().next().is_none() && !table.contains("b"));
    }
}
