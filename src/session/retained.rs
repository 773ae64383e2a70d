//! At-least-once SENDs that were written and whose RECEIPT has not come: kept unencoded, in the
//! order they were sent, until their RECEIPT. A connection that ends takes their receipts with it,
//! not the frames: the next CONNECTED sends them again — after the subscriptions, before anything
//! newer — with the same `receipt` (and so the same de-duplication id). They count against the
//! offline queue's bounds, and leave only when receipted, refused by the broker, or given up.
//!
//! RECEIPTs come back in order almost always, so removal is lazy: the id leaves the index at once,
//! and the entry is dropped when it reaches the front. Cost per frame stays O(log n).

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::Frame;

use super::ids::IdMap;

/// One retained SEND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) receipt: String,
    pub(crate) frame: Frame,
    pub(crate) binary: bool,
    pub(crate) skip_content_length: bool,
}

impl Kept {
    fn size(&self) -> usize {
        self.frame.headers.text_len() + self.frame.body.len()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Retained {
    /// In send order; entries whose receipt left `live` are dropped when they reach the front.
    items: VecDeque<Kept>,
    /// The receipts still awaited, each with its frame's size.
    live: IdMap,
    bytes: usize,
}

impl Retained {
    pub(crate) fn push(&mut self, kept: Kept) {
        let size = kept.size();
        self.bytes += size;
        self.live.insert(kept.receipt.clone(), size as u64);
        self.items.push_back(kept);
    }

    pub(crate) fn contains(&self, receipt: &str) -> bool {
        self.live.contains_key(receipt)
    }

    /// The frame with this receipt is done with (receipted or refused); whether it was retained.
    pub(crate) fn remove(&mut self, receipt: &str) -> bool {
        let Some(size) = self.live.remove(receipt) else {
            return false;
        };
        self.bytes -= size as usize;
        while let Some(front) = self.items.front() {
            if self.live.contains_key(&front.receipt) {
                break;
            }
            self.items.pop_front();
        }
        true
    }

    /// Frames awaiting a RECEIPT.
    pub(crate) fn len(&self) -> usize {
        self.live.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The retained frames, oldest first (to send again).
    pub(crate) fn in_order(&self) -> impl Iterator<Item = &Kept> {
        self.items
            .iter()
            .filter(|kept| self.live.contains_key(&kept.receipt))
    }

    /// Gives every retained frame up; returns their receipts, oldest first.
    pub(crate) fn take_all(&mut self) -> Vec<String> {
        let receipts = self.in_order().map(|kept| kept.receipt.clone()).collect();
        self.items.clear();
        self.live.clear();
        self.bytes = 0;
        receipts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Command;

    fn kept(receipt: &str, body: &str) -> Kept {
        Kept {
            receipt: receipt.into(),
            frame: Frame::new(Command::Send).body(body),
            binary: false,
            skip_content_length: false,
        }
    }

    #[test]
    fn keeps_order_and_bytes_through_removals_out_of_order() {
        let mut table = Retained::default();
        for (r, b) in [("a", "1"), ("b", "22"), ("c", "333")] {
            table.push(kept(r, b));
        }
        assert_eq!((table.len(), table.bytes()), (3, 6));
        assert!(table.remove("b"));
        assert!(!table.remove("b"));
        let order: Vec<&str> = table.in_order().map(|k| k.receipt.as_str()).collect();
        assert_eq!(order, ["a", "c"]);
        assert_eq!((table.len(), table.bytes()), (2, 4));
        assert!(table.remove("a"));
        assert_eq!(table.take_all(), ["c"]);
        assert_eq!(
            (table.len(), table.bytes(), table.in_order().count()),
            (0, 0, 0)
        );
    }
}
