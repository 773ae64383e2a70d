//! The subscription registry: every live subscription with the exact headers of its SUBSCRIBE, so that
//! each (re)connect can send the same SUBSCRIBE again, with the same id, in the order they were made.

use crate::frame::Headers;

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
    live: Vec<Subscription>,
    next_id: u64,
}

impl Subscriptions {
    /// A fresh `sub-N` id not used by a live subscription.
    pub(crate) fn generate_id(&mut self) -> String {
        loop {
            let id = format!("sub-{}", self.next_id);
            self.next_id += 1;
            if !self.contains(&id) {
                return id;
            }
        }
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.live.iter().any(|s| s.id == id)
    }

    pub(crate) fn insert(&mut self, subscription: Subscription) {
        self.live.push(subscription);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Subscription> {
        let at = self.live.iter().position(|s| s.id == id)?;
        Some(self.live.remove(at))
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Subscription> {
        self.live.iter_mut()
    }

    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.live.iter().map(|s| s.id.as_str())
    }

    pub(crate) fn has_receipt(&self, id: &str) -> bool {
        self.live
            .iter()
            .any(|s| s.first_receipt.as_deref() == Some(id))
    }

    pub(crate) fn take_all(&mut self) -> Vec<Subscription> {
        std::mem::take(&mut self.live)
    }
}
