//! Pending receipts: which frames asked for a RECEIPT, and until when to wait. Each one leaves this
//! table exactly once, resolved or failed, which is how the session guarantees every receipt settles.
//!
//! Cost does not grow with the receipts in flight: lookup by id is O(1); deadlines wait in a
//! queue in deadline order (receipts are timed from a clock that does not go back, with one
//! timeout, so a new deadline goes at the back), the earliest is at the front, and a receipt that
//! settles leaves its deadline behind, skipped when it reaches the front. A deadline earlier than
//! the last one (the timeout was lowered) is inserted in order.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::Millis;
use super::event::Ticket;
use super::ids::{sorted, IdTable};

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
    /// The publish that asked for it, when the frame was a SEND.
    pub(crate) ticket: Option<Ticket>,
}

/// A receipt's deadline: stale once the receipt with this id and sequence number has settled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Deadline {
    at: Millis,
    seq: u64,
    id: String,
}

#[derive(Debug, Default)]
pub(crate) struct Receipts {
    /// The application's pending receipts, each with its sequence number and publish ticket.
    user: IdTable<(u64, Option<Ticket>)>,
    /// The DISCONNECT's receipt, if one is pending (it has no deadline here: the session times it).
    disconnect: Option<String>,
    /// Deadlines in (at, seq) order; the front one is always live.
    deadlines: VecDeque<Deadline>,
    next_seq: u64,
}

impl Receipts {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.user.contains(id) || self.disconnect.as_deref() == Some(id)
    }

    /// Adds a receipt. The caller has checked that `id` is not pending. A DISCONNECT's receipt has
    /// no deadline here.
    pub(crate) fn insert(
        &mut self,
        id: String,
        waiter: Waiter,
        deadline: Option<Millis>,
        ticket: Option<Ticket>,
    ) {
        if waiter == Waiter::Disconnect {
            self.disconnect = Some(id);
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some(at) = deadline {
            let entry = Deadline {
                at,
                seq,
                id: id.clone(),
            };
            match self.deadlines.back() {
                Some(last) if last.at > at => {
                    let position = self.deadlines.partition_point(|d| d.at <= at);
                    self.deadlines.insert(position, entry);
                }
                _ => self.deadlines.push_back(entry),
            }
        }
        self.user.insert(id, (seq, ticket));
    }

    pub(crate) fn take(&mut self, id: &str) -> Option<Pending> {
        if self.disconnect.as_deref() == Some(id) {
            let id = self.disconnect.take()?;
            let waiter = Waiter::Disconnect;
            return Some(Pending {
                id,
                waiter,
                ticket: None,
            });
        }
        let (id, (_, ticket)) = self.user.remove(id)?;
        self.drop_stale();
        let waiter = Waiter::User;
        Some(Pending { id, waiter, ticket })
    }

    /// Removes and returns the earliest receipt whose deadline is at or before `now`.
    pub(crate) fn take_expired(&mut self, now: Millis) -> Option<Pending> {
        if self.deadlines.front()?.at > now {
            return None;
        }
        let expired = self.deadlines.pop_front()?;
        let ticket = self.user.remove(&expired.id).and_then(|(_, (_, t))| t);
        self.drop_stale();
        let waiter = Waiter::User;
        Some(Pending {
            id: expired.id,
            waiter,
            ticket,
        })
    }

    /// Pops the deadlines of settled receipts off the front, so the front one is live.
    fn drop_stale(&mut self) {
        while let Some(front) = self.deadlines.front() {
            if self.user.get(&front.id).map(|(seq, _)| *seq) == Some(front.seq) {
                return;
            }
            self.deadlines.pop_front();
        }
    }

    /// Every pending receipt, the DISCONNECT's first and then by id; the table is left empty.
    pub(crate) fn take_all(&mut self) -> Vec<Pending> {
        self.deadlines.clear();
        let mut all = Vec::with_capacity(self.user.len() + 1);
        if let Some(id) = self.disconnect.take() {
            let waiter = Waiter::Disconnect;
            all.push(Pending {
                id,
                waiter,
                ticket: None,
            });
        }
        let mut user: Vec<(String, Option<Ticket>)> = Vec::with_capacity(self.user.len());
        for (id, (_, ticket)) in self.user.iter() {
            user.push((id.clone(), *ticket));
        }
        self.user.clear();
        for (id, ticket) in sorted(user) {
            let waiter = Waiter::User;
            all.push(Pending { id, waiter, ticket });
        }
        all
    }

    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.deadlines.front().map(|d| d.at)
    }

    /// Receipts the application waits for.
    pub(crate) fn len(&self) -> usize {
        self.user.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(pending: Option<Pending>) -> Option<String> {
        pending.map(|p| p.id)
    }

    #[test]
    fn deadlines_expire_in_order_and_settled_receipts_leave_none_behind() {
        let mut receipts = Receipts::default();
        receipts.insert("a".into(), Waiter::User, Some(10), None);
        receipts.insert("b".into(), Waiter::User, Some(10), None);
        receipts.insert("c".into(), Waiter::Disconnect, None, None);
        receipts.insert("d".into(), Waiter::User, Some(30), None);
        receipts.insert("e".into(), Waiter::User, None, None);
        assert_eq!(receipts.next_deadline(), Some(10));
        assert_eq!(id(receipts.take("a")).as_deref(), Some("a"));
        assert_eq!(receipts.next_deadline(), Some(10));
        assert_eq!(id(receipts.take("b")).as_deref(), Some("b"));
        assert_eq!(
            receipts.next_deadline(),
            Some(30),
            "stale deadlines dropped"
        );
        assert_eq!(receipts.take_expired(29), None);
        assert_eq!(id(receipts.take_expired(30)).as_deref(), Some("d"));
        assert_eq!(
            (receipts.take_expired(u64::MAX), receipts.next_deadline()),
            (None, None)
        );
        assert!(receipts.contains("c") && receipts.contains("e") && !receipts.contains("d"));
        assert_eq!(receipts.len(), 1);
        let all: Vec<(String, Waiter)> = receipts
            .take_all()
            .into_iter()
            .map(|p| (p.id, p.waiter))
            .collect();
        assert_eq!(
            all,
            [("c".into(), Waiter::Disconnect), ("e".into(), Waiter::User)]
        );
    }

    #[test]
    fn an_earlier_deadline_after_later_ones_is_kept_in_order() {
        let mut receipts = Receipts::default();
        receipts.insert("late".into(), Waiter::User, Some(100), None);
        receipts.insert("later".into(), Waiter::User, Some(200), None);
        receipts.insert("early".into(), Waiter::User, Some(50), None);
        receipts.insert("mid".into(), Waiter::User, Some(100), None);
        let order: Vec<String> = core::iter::from_fn(|| receipts.take_expired(1_000))
            .map(|p| p.id)
            .collect();
        assert_eq!(order, ["early", "late", "mid", "later"]);
    }

    #[test]
    fn a_receipt_id_reused_after_it_settled_keeps_only_its_new_deadline() {
        let mut receipts = Receipts::default();
        receipts.insert("r".into(), Waiter::User, Some(10), None);
        receipts.insert("s".into(), Waiter::User, Some(10), None);
        receipts.take("r");
        receipts.insert("r".into(), Waiter::User, Some(50), None);
        assert_eq!(id(receipts.take_expired(10)).as_deref(), Some("s"));
        assert_eq!(receipts.next_deadline(), Some(50));
        assert_eq!(receipts.take_expired(49), None);
        assert_eq!(id(receipts.take_expired(50)).as_deref(), Some("r"));
    }
}
