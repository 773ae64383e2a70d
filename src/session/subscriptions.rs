//! The subscription registry: every live subscription with the exact headers of its SUBSCRIBE, so that
//! each (re)connect can send the same SUBSCRIBE again, with the same id, in the order they were made.
//! Lookups by id (every MESSAGE does one) are O(1) whatever the number of subscriptions.

use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::{numbered, Headers};

use super::ids::{IdSet, IdTable};

/// A live subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subscription {
    pub(crate) id: String,
    /// The SUBSCRIBE headers (`destination`, `id`, `ack`, user headers), without `receipt`.
    pub(crate) headers: Headers,
    /// A receipt asked for by the user, attached to the first SUBSCRIBE that goes out only.
    pub(crate) first_receipt: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    /// By id, in the order made.
    live: IdTable<Subscription>,
    /// The `first_receipt`s of the live subscriptions, for the receipt-in-use check.
    first_receipts: IdSet,
    next_id: u64,
}

impl Subscriptions {
    /// A fresh `sub-N` id not used by a live subscription.
    pub(crate) fn generate_id(&mut self) -> String {
        loop {
            let id = numbered("sub-", self.next_id);
            self.next_id += 1;
            if !self.contains(&id) {
                return id;
            }
        }
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.live.contains(id)
    }

    pub(crate) fn insert(&mut self, subscription: Subscription) {
        if let Some(receipt) = &subscription.first_receipt {
            self.first_receipts.insert(receipt.clone(), ());
        }
        self.live.insert(subscription.id.clone(), subscription);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Subscription> {
        let (_, subscription) = self.live.remove(id)?;
        if let Some(receipt) = &subscription.first_receipt {
            self.first_receipts.remove(receipt);
        }
        Some(subscription)
    }

    /// Every live subscription in the order made, for sending them all again; `sent` is called
    /// for each one and returns whether its SUBSCRIBE went out (its first receipt is then spent).
    pub(crate) fn for_each_in_order(&mut self, mut sent: impl FnMut(&Subscription) -> bool) {
        for subscription in self.live.values_mut() {
            if sent(subscription) {
                if let Some(receipt) = subscription.first_receipt.take() {
                    self.first_receipts.remove(&receipt);
                }
            }
        }
    }

    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.live.iter().map(|(id, _)| id.as_str())
    }

    pub(crate) fn has_receipt(&self, id: &str) -> bool {
        self.first_receipts.contains(id)
    }

    pub(crate) fn take_all(&mut self) -> Vec<Subscription> {
        self.first_receipts.clear();
        self.live.take_values()
    }
}
