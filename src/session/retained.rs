//! At-least-once SENDs that were written and whose RECEIPT has not come: kept unencoded, in the
//! order they were sent, until their RECEIPT. A connection that ends takes their receipts with it,
//! not the frames: the next CONNECTED sends them again — after the subscriptions, before anything
//! newer — with the same `receipt` (and so the same de-duplication id).
//!
//! Each leaves as soon as its own RECEIPT comes (an insertion-ordered id table: O(1) removal in any
//! order, memory following what is still unconfirmed), or when it is refused by the broker, given up
//! ([`Retained::note_lost_connection`]) or discarded.

use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::Frame;

use super::event::Ticket;
use super::ids::IdTable;

/// One retained SEND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) ticket: Ticket,
    pub(crate) receipt: String,
    pub(crate) frame: Frame,
    pub(crate) binary: bool,
    pub(crate) skip_content_length: bool,
    /// Connections that ended while this was the oldest unconfirmed frame.
    pub(crate) lost_at_front: u32,
}

impl Kept {
    pub(crate) fn size(&self) -> usize {
        self.frame.headers.text_len() + self.frame.body.len()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Retained {
    /// By receipt, in send order.
    kept: IdTable<Kept>,
    bytes: usize,
}

impl Retained {
    pub(crate) fn push(&mut self, kept: Kept) {
        self.bytes += kept.size();
        self.kept.insert(kept.receipt.clone(), kept);
    }

    pub(crate) fn contains(&self, receipt: &str) -> bool {
        self.kept.contains(receipt)
    }

    /// The frame with this receipt is done with (receipted or refused); it, if it was retained.
    pub(crate) fn remove(&mut self, receipt: &str) -> Option<Kept> {
        let (_, kept) = self.kept.remove(receipt)?;
        self.bytes -= kept.size();
        Some(kept)
    }

    /// Frames awaiting a RECEIPT.
    pub(crate) fn len(&self) -> usize {
        self.kept.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The retained frames, oldest first (to send again).
    pub(crate) fn in_order(&self) -> impl Iterator<Item = &Kept> {
        self.kept.iter().map(|(_, kept)| kept)
    }

    /// A connection ended with these frames unconfirmed: the oldest one counts it. Returns it when
    /// that makes `limit` in a row (0: never), taken out.
    pub(crate) fn note_lost_connection(&mut self, limit: u32) -> Option<Kept> {
        let receipt = {
            let (receipt, _) = self.kept.iter().next()?;
            receipt.clone()
        };
        let front = self.kept.get_mut(&receipt)?;
        front.lost_at_front += 1;
        if limit == 0 || front.lost_at_front < limit {
            return None;
        }
        self.remove(&receipt)
    }

    /// Takes out the frames sent in a transaction (a `transaction` header), oldest first: a
    /// transaction ends with its connection, so they are never sent again on another.
    pub(crate) fn take_transactional(&mut self) -> Vec<Kept> {
        let receipts: Vec<String> = self
            .in_order()
            .filter(|kept| kept.frame.headers.get("transaction").is_some())
            .map(|kept| kept.receipt.clone())
            .collect();
        receipts.iter().filter_map(|r| self.remove(r)).collect()
    }

    /// Gives every retained frame up; returns them, oldest first.
    pub(crate) fn take_all(&mut self) -> Vec<Kept> {
        self.bytes = 0;
        self.kept.take_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Command;

    fn kept(ticket: Ticket, receipt: &str, body: &str) -> Kept {
        Kept {
            ticket,
            receipt: receipt.into(),
            frame: Frame::new(Command::Send).body(body),
            binary: false,
            skip_content_length: false,
            lost_at_front: 0,
        }
    }

    #[test]
    fn keeps_order_and_bytes_through_removals_out_of_order() {
        let mut table = Retained::default();
        for (t, r, b) in [(1, "a", "1"), (2, "b", "22"), (3, "c", "333")] {
            table.push(kept(t, r, b));
        }
        assert_eq!((table.len(), table.bytes()), (3, 6));
        assert_eq!(table.remove("b").map(|k| k.ticket), Some(2));
        assert!(table.remove("b").is_none());
        let order: Vec<&str> = table.in_order().map(|k| k.receipt.as_str()).collect();
        assert_eq!(order, ["a", "c"]);
        assert_eq!((table.len(), table.bytes()), (2, 4));
        assert!(table.remove("a").is_some());
        let rest: Vec<Ticket> = table.take_all().into_iter().map(|k| k.ticket).collect();
        assert_eq!(rest, [3]);
        assert_eq!(
            (table.len(), table.bytes(), table.in_order().count()),
            (0, 0, 0)
        );
    }

    #[test]
    fn the_oldest_frame_is_given_up_after_the_limit_of_lost_connections() {
        let mut table = Retained::default();
        table.push(kept(1, "a", "x"));
        table.push(kept(2, "b", "y"));
        assert!(table.note_lost_connection(3).is_none());
        assert!(table.note_lost_connection(3).is_none());
        assert_eq!(table.note_lost_connection(3).map(|k| k.ticket), Some(1));
        // The next one starts its own count.
        assert!(table.note_lost_connection(3).is_none());
        assert_eq!(table.in_order().next().map(|k| k.lost_at_front), Some(1));
        assert!(table.note_lost_connection(0).is_none(), "0 never gives up");
    }

    #[test]
    fn memory_follows_the_unconfirmed_frames_when_one_receipt_never_comes() {
        let mut table = Retained::default();
        table.push(kept(0, "stuck", "x"));
        for n in 1..20_000u64 {
            let receipt = alloc::format!("r{n}");
            table.push(kept(n, &receipt, "0123456789"));
            table.remove(&receipt);
        }
        assert_eq!((table.len(), table.bytes()), (1, 1));
    }
}
