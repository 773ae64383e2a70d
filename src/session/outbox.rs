//! The outbox: every frame the application issued that is not written yet, in issue order — while
//! not connected (SEND only, waiting for the next connection), or while backpressure holds frames
//! back (any command: a COMMIT never overtakes its SENDs). Frames are kept unencoded: the version,
//! and so the escaping and the ACK header form, is known only when they are written.
//!
//! An entry that belongs to one connection (ACK, NACK, UNSUBSCRIBE, BEGIN, COMMIT, ABORT, a
//! transactional SEND, a SUBSCRIBE of the current connection) names it; the session takes those out
//! when their connection ends ([`Outbox::take_scoped`]). A plain or at-least-once SEND waits for the
//! next connection.
//!
//! Bounds are the session's to apply (what is refused depends on the state); this type counts
//! entries, bytes, and the bytes of at-least-once SENDs, and indexes the receipts its frames carry.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::{Command, Frame};

use super::event::Ticket;
use super::ids::IdSet;

/// An ACK or NACK: its headers depend on the version of the connection it is written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AckRequest {
    pub(crate) command: Command,
    /// The MESSAGE's `ack` header: the `id` under 1.2 (falls back to `message_id`).
    pub(crate) ack: Option<String>,
    /// The MESSAGE's `message-id`: what 1.0 and 1.1 name.
    pub(crate) message_id: String,
    pub(crate) subscription: String,
    /// The caller's extra headers.
    pub(crate) frame: Frame,
}

/// A SEND as the application made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SendJob {
    pub(crate) ticket: Ticket,
    pub(crate) frame: Frame,
    pub(crate) binary: bool,
    pub(crate) skip_content_length: bool,
    /// At-least-once: kept until its RECEIPT once written (see `retained`).
    pub(crate) retain: bool,
}

/// What waits to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Job {
    Send(SendJob),
    Ack(AckRequest),
    /// UNSUBSCRIBE, BEGIN, COMMIT or ABORT, written as it is.
    Frame(Frame),
    /// The SUBSCRIBE of this subscription, made from the registry when written (skipped if the
    /// subscription is gone, or is another one under the same id: a different serial).
    Subscribe {
        id: String,
        serial: u64,
    },
    /// The graceful DISCONNECT, after everything accepted before it.
    Disconnect,
}

impl Job {
    fn frame(&self) -> Option<&Frame> {
        match self {
            Job::Send(send) => Some(&send.frame),
            Job::Ack(request) => Some(&request.frame),
            Job::Frame(frame) => Some(frame),
            Job::Subscribe { .. } | Job::Disconnect => None,
        }
    }

    /// The `receipt` header of its frame.
    pub(crate) fn receipt(&self) -> Option<&str> {
        self.frame()?.headers.get("receipt")
    }

    fn size(&self) -> usize {
        self.frame()
            .map_or(0, |frame| frame.headers.text_len() + frame.body.len())
    }
}

/// One entry: the job, and the connection it belongs to (if only one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Queued {
    pub(crate) job: Job,
    pub(crate) connection: Option<u64>,
}

#[derive(Debug, Default)]
pub(crate) struct Outbox {
    items: VecDeque<Queued>,
    bytes: usize,
    /// Bytes of the at-least-once SENDs waiting (they count against `max_unconfirmed_bytes`).
    unconfirmed_bytes: usize,
    /// The `receipt` headers of the waiting frames (unique: a receipt id is claimed once).
    receipts: IdSet,
}

impl Outbox {
    pub(crate) fn push(&mut self, job: Job, connection: Option<u64>) {
        self.count(&job, true);
        self.items.push_back(Queued { job, connection });
    }

    pub(crate) fn pop(&mut self) -> Option<Queued> {
        let queued = self.items.pop_front()?;
        self.count(&queued.job, false);
        Some(queued)
    }

    fn count(&mut self, job: &Job, added: bool) {
        let size = job.size();
        let retained = matches!(job, Job::Send(send) if send.retain);
        if added {
            self.bytes += size;
            if retained {
                self.unconfirmed_bytes += size;
            }
            if let Some(receipt) = job.receipt() {
                self.receipts.insert(receipt.into(), ());
            }
        } else {
            self.bytes -= size;
            if retained {
                self.unconfirmed_bytes -= size;
            }
            if let Some(receipt) = job.receipt() {
                self.receipts.remove(receipt);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn unconfirmed_bytes(&self) -> usize {
        self.unconfirmed_bytes
    }

    pub(crate) fn has_receipt(&self, id: &str) -> bool {
        self.receipts.contains(id)
    }

    /// Takes out every entry that belongs to a connection other than `keep` (all of them with
    /// `None`), in order; the rest keep their order.
    pub(crate) fn take_scoped(&mut self, keep: Option<u64>) -> Vec<Queued> {
        if !self
            .items
            .iter()
            .any(|q| q.connection.is_some() && q.connection != keep)
        {
            return Vec::new();
        }
        let mut taken = Vec::new();
        for queued in core::mem::take(&mut self.items) {
            if queued.connection.is_some() && queued.connection != keep {
                self.count(&queued.job, false);
                taken.push(queued);
            } else {
                self.items.push_back(queued);
            }
        }
        taken
    }

    /// Every entry, in order; the outbox is left empty.
    pub(crate) fn take_all(&mut self) -> VecDeque<Queued> {
        self.bytes = 0;
        self.unconfirmed_bytes = 0;
        self.receipts.clear();
        core::mem::take(&mut self.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(ticket: Ticket, body: &str, retain: bool) -> Job {
        Job::Send(SendJob {
            ticket,
            frame: Frame::new(Command::Send)
                .header("receipt", &alloc::format!("r{ticket}"))
                .body(body),
            binary: false,
            skip_content_length: false,
            retain,
        })
    }

    #[test]
    fn counts_follow_the_entries_through_scoped_removal() {
        let mut outbox = Outbox::default();
        outbox.push(send(1, "aa", false), None);
        outbox.push(send(2, "bbb", true), Some(7));
        outbox.push(Job::Disconnect, Some(8));
        outbox.push(send(3, "c", true), None);
        assert_eq!(outbox.len(), 4);
        assert!(outbox.has_receipt("r2"));
        let size = |t: Ticket, body: &str| alloc::format!("receiptr{t}").len() + body.len();
        assert_eq!(outbox.unconfirmed_bytes(), size(2, "bbb") + size(3, "c"));
        let taken = outbox.take_scoped(Some(8));
        assert_eq!(taken.len(), 1);
        assert!(!outbox.has_receipt("r2"));
        assert_eq!(outbox.unconfirmed_bytes(), size(3, "c"));
        assert_eq!(outbox.bytes(), size(1, "aa") + size(3, "c"));
        let order: Vec<_> = core::iter::from_fn(|| outbox.pop())
            .map(|q| q.job)
            .collect();
        assert!(
            matches!(&order[..], [Job::Send(a), Job::Disconnect, Job::Send(b)] if a.ticket == 1 && b.ticket == 3)
        );
        assert_eq!((outbox.bytes(), outbox.unconfirmed_bytes()), (0, 0));
    }
}
