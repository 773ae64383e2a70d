//! The one table type behind every id table of the session (subscriptions, pending receipts, open
//! transactions, the receipts held by queued frames and unsent subscriptions): a hash table from a
//! string id to a value that remembers the order the ids were added in.
//!
//! O(1) lookup, insertion and removal whatever the number of ids, without `HashMap` (no random state,
//! no std), in little code: it replaced two B-trees, about 12 KB of the shipped wasm. Iteration is
//! in insertion order; a table that must be reported in id order sorts its ids then ([`sorted`]),
//! which only happens when a connection ends.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// A slot that never held an entry: a probe stops here.
const EMPTY: u32 = u32::MAX;
/// A slot whose entry was removed: a probe goes on past it.
const REMOVED: u32 = u32::MAX - 1;

/// Ids, each with a value, in insertion order.
pub(crate) struct IdTable<V> {
    /// The entries in insertion order; `None` where one was removed (squeezed out once they are as
    /// many as the live ones, so memory follows the live entries).
    entries: Vec<Option<(String, V)>>,
    /// Open addressing with linear probing, a power of two long: `EMPTY`, `REMOVED`, or an index
    /// into `entries`. Never more than three quarters not `EMPTY`, so every probe ends.
    slots: Vec<u32>,
    /// Live entries.
    live: usize,
    /// Slots not `EMPTY` (live or `REMOVED`).
    used: usize,
}

/// An id set: a table whose values say nothing.
pub(crate) type IdSet = IdTable<()>;

impl<V> Default for IdTable<V> {
    fn default() -> Self {
        IdTable {
            entries: Vec::new(),
            slots: Vec::new(),
            live: 0,
            used: 0,
        }
    }
}

/// FNV-1a: ids are short and chosen by the application or the session, not by the broker (which only
/// names them in frames, which are lookups).
fn hash(id: &str) -> usize {
    id.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    }) as usize
}

impl<V> IdTable<V> {
    pub(crate) fn new() -> Self {
        IdTable::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// The slot holding `id`, and its entry's index; else the first free slot of its probe.
    fn find(&self, id: &str) -> Result<(usize, usize), Option<usize>> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = hash(id) & mask;
        let mut free = None;
        while let Some(&slot) = self.slots.get(at) {
            match slot {
                EMPTY => return Err(free.or(Some(at))),
                REMOVED => free = free.or(Some(at)),
                index => {
                    if let Some(Some((key, _))) = self.entries.get(index as usize) {
                        if key == id {
                            return Ok((at, index as usize));
                        }
                    }
                }
            }
            at = (at + 1) & mask;
        }
        Err(None)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&V> {
        let (_, index) = self.find(id).ok()?;
        self.entries.get(index)?.as_ref().map(|(_, value)| value)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        let (_, index) = self.find(id).ok()?;
        self.entries
            .get_mut(index)?
            .as_mut()
            .map(|(_, value)| value)
    }

    /// Adds `id` last, or replaces its value in place (returning the old one).
    pub(crate) fn insert(&mut self, id: String, value: V) -> Option<V> {
        match self.find(&id) {
            Ok((_, index)) => {
                let entry = self.entries.get_mut(index)?.as_mut()?;
                return Some(core::mem::replace(&mut entry.1, value));
            }
            Err(Some(at)) if (self.used + 1) * 4 <= self.slots.len() * 3 => {
                if self.slots.get(at) == Some(&EMPTY) {
                    self.used += 1;
                }
                if let Some(slot) = self.slots.get_mut(at) {
                    *slot = self.entries.len() as u32;
                }
                self.entries.push(Some((id, value)));
                self.live += 1;
            }
            Err(_) => {
                self.entries.push(Some((id, value)));
                self.live += 1;
                self.rebuild();
            }
        }
        None
    }

    /// Removes `id`, returning it and its value.
    pub(crate) fn remove(&mut self, id: &str) -> Option<(String, V)> {
        let (at, index) = self.find(id).ok()?;
        let entry = self.entries.get_mut(index)?.take();
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = REMOVED;
        }
        self.live -= 1;
        if self.live == 0 {
            self.clear();
        } else if self.entries.len() >= 2 * self.live + 8 {
            self.rebuild();
        }
        entry
    }

    /// Squeezes the removed entries out and indexes the rest again, in a table sized for them.
    fn rebuild(&mut self) {
        self.entries.retain(Option::is_some);
        let size = (self.live * 2).next_power_of_two().max(8);
        self.slots = vec![EMPTY; size];
        self.used = 0;
        for (index, entry) in self.entries.iter().enumerate() {
            if let Some((id, _)) = entry {
                let mut at = hash(id) & (size - 1);
                while let Some(slot) = self.slots.get_mut(at) {
                    if *slot == EMPTY {
                        *slot = index as u32;
                        self.used += 1;
                        break;
                    }
                    at = (at + 1) & (size - 1);
                }
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = IdTable::default();
    }

    /// Every entry, in insertion order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().flatten().map(|(id, value)| (id, value))
    }

    /// Every value, in insertion order.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().flatten().map(|(_, value)| value)
    }

    /// Every id, in insertion order; the table is left empty. (Plain loops here and in
    /// `take_values`: iterator adapters cost more wasm.)
    pub(crate) fn take_ids(&mut self) -> Vec<String> {
        let mut ids = Vec::with_capacity(self.live);
        for (id, _) in core::mem::take(self).entries.into_iter().flatten() {
            ids.push(id);
        }
        ids
    }

    /// Every value, in insertion order; the table is left empty.
    pub(crate) fn take_values(&mut self) -> Vec<V> {
        let mut values = Vec::with_capacity(self.live);
        for (_, value) in core::mem::take(self).entries.into_iter().flatten() {
            values.push(value);
        }
        values
    }
}

impl<V: fmt::Debug> fmt::Debug for IdTable<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// `ids` in ascending order (a heap sort: small, O(n log n), and the only sort the session needs).
pub(crate) fn sorted<T: Ord>(mut ids: Vec<T>) -> Vec<T> {
    fn sift_down<T: Ord>(ids: &mut [T], mut root: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= ids.len() {
                return;
            }
            if child + 1 < ids.len() && ids[child] < ids[child + 1] {
                child += 1;
            }
            if ids[root] >= ids[child] {
                return;
            }
            ids.swap(root, child);
            root = child;
        }
    }
    for root in (0..ids.len() / 2).rev() {
        sift_down(&mut ids, root);
    }
    for end in (1..ids.len()).rev() {
        ids.swap(0, end);
        sift_down(&mut ids[..end], 0);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn ids<V>(table: &IdTable<V>) -> Vec<&str> {
        table.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn keeps_insertion_order_through_removals() {
        let mut table = IdTable::new();
        for (n, id) in ["b", "a", "c", "d"].into_iter().enumerate() {
            assert_eq!(table.insert(id.into(), n), None);
        }
        assert_eq!(table.remove("a"), Some(("a".into(), 1)));
        assert_eq!(table.remove("a"), None);
        assert_eq!(table.insert("a".into(), 5), None);
        assert_eq!(table.insert("c".into(), 6), Some(2), "replaced in place");
        assert!(table.contains("c") && !table.contains("x"));
        assert_eq!(table.get("c"), Some(&6));
        assert_eq!(ids(&table), ["b", "c", "d", "a"]);
        let mut copy = IdTable::new();
        for (id, value) in table.iter() {
            copy.insert(id.clone(), *value);
        }
        assert_eq!(table.take_ids(), ["b", "c", "d", "a"]);
        assert_eq!(copy.take_values(), [0, 6, 3, 5]);
        assert_eq!(copy.len(), 0);
        assert!(table.len() == 0 && !table.contains("b") && table.iter().next().is_none());
    }

    #[test]
    fn many_ids_in_and_out_stay_found_and_memory_follows_the_live_ones() {
        let mut table = IdTable::new();
        for round in 0..4_u64 {
            for n in 0..5_000_u64 {
                table.insert((round * 10_000 + n).to_string(), n);
            }
            // Remove all but every hundredth, oldest first (as receipts settle).
            for n in 0..5_000_u64 {
                if n % 100 != 0 {
                    let id = (round * 10_000 + n).to_string();
                    assert_eq!(table.remove(&id), Some((id, n)));
                }
            }
            assert_eq!(table.len(), 50 * (round as usize + 1));
            assert!(table.entries.len() < 2 * table.len() + 8);
            assert!(table.slots.len() <= 4 * table.len().next_power_of_two());
        }
        for round in 0..4_u64 {
            for n in (0..5_000_u64).step_by(100) {
                assert_eq!(table.get(&(round * 10_000 + n).to_string()), Some(&n));
            }
        }
        assert!(!table.contains("1"));
    }

    #[test]
    fn sorts() {
        for n in 0..40_u32 {
            let ids: Vec<u32> = (0..n).map(|i| (i * 7919) % 41).collect();
            let mut expected = ids.clone();
            expected.sort_unstable();
            assert_eq!(sorted(ids), expected);
        }
        assert_eq!(
            sorted(["tx-1", "mine", "tx-0"].to_vec()),
            ["mine", "tx-0", "tx-1"]
        );
    }
}
