//! Pending receipts: which frames asked for a RECEIPT, and until when to wait. Each one leaves this
//! table exactly once, resolved or failed, which is how the session guarantees every receipt settles.

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
    pub(crate) deadline: Option<Millis>,
}

#[derive(Debug, Default)]
pub(crate) struct Receipts {
    pending: Vec<Pending>,
}

impl Receipts {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.pending.iter().any(|p| p.id == id)
    }

    pub(crate) fn insert(&mut self, id: String, waiter: Waiter, deadline: Option<Millis>) {
        self.pending.push(Pending {
            id,
            waiter,
            deadline,
        });
    }

    pub(crate) fn take(&mut self, id: &str) -> Option<Pending> {
        let at = self.pending.iter().position(|p| p.id == id)?;
        Some(self.pending.remove(at))
    }

    /// Removes and returns every receipt whose deadline is at or before `now`.
    pub(crate) fn take_expired(&mut self, now: Millis) -> Vec<Pending> {
        let (expired, kept) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.deadline.is_some_and(|d| d <= now));
        self.pending = kept;
        expired
    }

    pub(crate) fn take_all(&mut self) -> Vec<Pending> {
        std::mem::take(&mut self.pending)
    }

    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.pending.iter().filter_map(|p| p.deadline).min()
    }

    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }
}
