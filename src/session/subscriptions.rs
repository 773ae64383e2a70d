//! The subscription registry: every live subscription with the exact headers of its SUBSCRIBE, so that
//! each (re)connect can send the same SUBSCRIBE again, with the same id, in the order they were made.
//! Lookups by id (every MESSAGE does one) are O(1) whatever the number of subscriptions. The session
//! makes the ids (`sub-N`) for the application: one generator for every front end.

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
    /// Tells this subscription from an earlier one under the same id (a queued SUBSCRIBE names it).
    pub(crate) serial: u64,
    /// Its SUBSCRIBE has been written on the current connection (so an UNSUBSCRIBE is owed).
    pub(crate) sent: bool,
    /// It belongs to the connection it was made on: forgotten, not restored, when that one ends
    /// (a subscription a stompjs `onConnect` makes again after every reconnect).
    pub(crate) per_connection: bool,
}

impl Subscription {
    /// Whether its messages are acknowledged by the broker itself (`ack: auto`, the default).
    pub(crate) fn auto_ack(&self) -> bool {
        matches!(self.headers.get("ack"), None | Some("auto"))
    }
}

#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    /// By id, in the order made.
    live: IdTable<Subscription>,
    /// The `first_receipt`s of the live subscriptions, for the receipt-in-use check.
    first_receipts: IdSet,
    next_id: u64,
    next_serial: u64,
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

    /// A serial number for a new subscription.
    pub(crate) fn next_serial(&mut self) -> u64 {
        self.next_serial += 1;
        self.next_serial
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.live.contains(id)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Subscription> {
        self.live.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Subscription> {
        self.live.get_mut(id)
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

    /// Its first receipt went out with its SUBSCRIBE: spent.
    pub(crate) fn spend_first_receipt(&mut self, id: &str) {
        if let Some(receipt) = self.live.get_mut(id).and_then(|s| s.first_receipt.take()) {
            self.first_receipts.remove(&receipt);
        }
    }

    /// The ids in the order made.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.live.iter().map(|(id, _)| id.as_str())
    }

    /// The ids of the subscriptions that belong to their connection, in the order made.
    pub(crate) fn per_connection_ids(&self) -> Vec<String> {
        self.live
            .iter()
            .filter(|(_, s)| s.per_connection)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Marks every subscription as not written on the (new) connection.
    pub(crate) fn mark_unsent(&mut self) {
        for subscription in self.live.values_mut() {
            subscription.sent = false;
        }
    }

    pub(crate) fn has_receipt(&self, id: &str) -> bool {
        self.first_receipts.contains(id)
    }

    pub(crate) fn take_all(&mut self) -> Vec<Subscription> {
        self.first_receipts.clear();
        self.live.take_values()
    }
}
