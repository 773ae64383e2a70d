//! The offline queue: SEND, ACK and NACK made while not connected, kept unencoded (the version, and so
//! the escaping and the ACK header form, is only known after CONNECTED), bounded by frame count and
//! bytes. Overflow is the caller's error; nothing is dropped silently.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::{Command, Frame};

use super::error::CommandError;
use super::ids::IdMap;

/// An ACK or NACK waiting for a connection: its headers depend on the version negotiated then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AckRequest {
    pub(crate) command: Command,
    /// The MESSAGE's `ack` header: the `id` under 1.2 (falls back to `message_id`).
    pub(crate) ack: Option<String>,
    /// The MESSAGE's `message-id`: what 1.0 and 1.1 name.
    pub(crate) message_id: String,
    pub(crate) subscription: String,
    pub(crate) frame: Frame,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Queued {
    Send {
        frame: Frame,
        binary: bool,
        skip_content_length: bool,
        /// At-least-once: kept until its RECEIPT once written (see `retained`).
        retain: bool,
    },
    Ack(AckRequest),
}

impl Queued {
    fn frame(&self) -> &Frame {
        match self {
            Queued::Send { frame, .. } => frame,
            Queued::Ack(request) => &request.frame,
        }
    }

    pub(crate) fn size(&self) -> usize {
        let frame = self.frame();
        frame.headers.text_len() + frame.body.len()
    }

    pub(crate) fn receipt(&self) -> Option<&str> {
        self.frame().headers.get("receipt")
    }

    /// A SEND whose caller waits for it to be written (no receipt to wait for instead).
    pub(crate) fn is_plain_send(&self) -> bool {
        matches!(self, Queued::Send { .. }) && self.receipt().is_none()
    }
}

#[derive(Debug, Default)]
pub(crate) struct OfflineQueue {
    items: VecDeque<Queued>,
    bytes: usize,
    /// The `receipt` headers of the queued frames (unique: a receipt id is claimed once), so the
    /// receipt-in-use check does not scan the queue.
    receipts: IdMap,
}

impl OfflineQueue {
    pub(crate) fn push(
        &mut self,
        item: Queued,
        max_frames: usize,
        max_bytes: usize,
    ) -> Result<(), CommandError> {
        if self.items.len() >= max_frames {
            return Err(CommandError::QueueFull {
                limit: "max_queued_frames",
            });
        }
        let size = item.size();
        if self.bytes + size > max_bytes {
            return Err(CommandError::QueueFull {
                limit: "max_queued_bytes",
            });
        }
        self.bytes += size;
        if let Some(receipt) = item.receipt() {
            self.receipts.insert(receipt.into(), 0);
        }
        self.items.push_back(item);
        Ok(())
    }

    pub(crate) fn pop(&mut self) -> Option<Queued> {
        let item = self.items.pop_front()?;
        self.bytes -= item.size();
        if let Some(receipt) = item.receipt() {
            self.receipts.remove(receipt);
        }
        Some(item)
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn has_receipt(&self, id: &str) -> bool {
        self.receipts.contains_key(id)
    }

    pub(crate) fn take_all(&mut self) -> Vec<Queued> {
        self.bytes = 0;
        self.receipts.clear();
        self.items.drain(..).collect()
    }
}
