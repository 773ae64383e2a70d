//! Pending receipts: which frames asked for a RECEIPT, and until when to wait. Each one leaves this
//! table exactly once, resolved or failed, which is how the session guarantees every receipt settles.
//! Lookup by id, the earliest deadline and expiring are O(log n) however many receipts are pending.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::Millis;

/// Who is waiting for a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiter {
    /// The application (reported as Receipt / ReceiptFailed events).
    User,
    /// The session's own DISCONNECT.
    Disconnect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) id: String,
    pub(crate) waiter: Waiter,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    waiter: Waiter,
    deadline: Option<Millis>,
    /// Order of insertion: ties between deadlines, and the order `take_all` reports in.
    seq: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Receipts {
    pending: BTreeMap<String, Entry>,
    /// The receipts that have a deadline, earliest first.
    deadlines: BTreeMap<(Millis, u64), String>,
    next_seq: u64,
}

impl Receipts {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.pending.contains_key(id)
    }

    /// Adds a receipt. The caller has checked that `id` is not pending.
    pub(crate) fn insert(&mut self, id: String, waiter: Waiter, deadline: Option<Millis>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some(at) = deadline {
            self.deadlines.insert((at, seq), id.clone());
        }
        self.pending.insert(
            id,
            Entry {
                waiter,
                deadline,
                seq,
            },
        );
    }

    pub(crate) fn take(&mut self, id: &str) -> Option<Pending> {
        let (id, entry) = self.pending.remove_entry(id)?;
        if let Some(at) = entry.deadline {
            self.deadlines.remove(&(at, entry.seq));
        }
        Some(Pending {
            id,
            waiter: entry.waiter,
        })
    }

    /// Removes and returns the earliest receipt whose deadline is at or before `now`.
    pub(crate) fn take_expired(&mut self, now: Millis) -> Option<Pending> {
        let (&(at, _), _) = self.deadlines.first_key_value()?;
        if at > now {
            return None;
        }
        let (_, id) = self.deadlines.pop_first()?;
        let entry = self.pending.remove(&id)?;
        Some(Pending {
            id,
            waiter: entry.waiter,
        })
    }

    /// Every pending receipt, in the order they were added; the table is left empty.
    pub(crate) fn take_all(&mut self) -> Vec<Pending> {
        self.deadlines.clear();
        let mut all: Vec<(u64, Pending)> = core::mem::take(&mut self.pending)
            .into_iter()
            .map(|(id, entry)| {
                let waiter = entry.waiter;
                (entry.seq, Pending { id, waiter })
            })
            .collect();
        all.sort_unstable_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, pending)| pending).collect()
    }

    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.deadlines.first_key_value().map(|(&(at, _), _)| at)
    }

    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_expire_in_order_and_taken_receipts_leave_no_deadline() {
        let mut receipts = Receipts::default();
        receipts.insert("a".into(), Waiter::User, Some(30));
        receipts.insert("b".into(), Waiter::User, Some(10));
        receipts.insert("c".into(), Waiter::Disconnect, None);
        receipts.insert("d".into(), Waiter::User, Some(10));
        assert_eq!(receipts.next_deadline(), Some(10));
        assert_eq!(receipts.take("b").map(|p| p.id).as_deref(), Some("b"));
        assert_eq!(receipts.next_deadline(), Some(10));
        assert_eq!(receipts.take_expired(9), None);
        assert_eq!(
            receipts.take_expired(10).map(|p| p.id).as_deref(),
            Some("d")
        );
        assert_eq!(receipts.take_expired(10), None);
        assert_eq!(receipts.next_deadline(), Some(30));
        assert!(receipts.contains("c") && !receipts.contains("d"));
        receipts.insert("e".into(), Waiter::User, None);
        let all: Vec<String> = receipts.take_all().into_iter().map(|p| p.id).collect();
        assert_eq!(all, ["a", "c", "e"]);
        assert_eq!((receipts.len(), receipts.next_deadline()), (0, None));
    }
}
