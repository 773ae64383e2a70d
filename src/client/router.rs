//! The [`Router`]: the Rust API's half of the driver — its [`Handler`](crate::web::Handler). Every
//! session event goes to whoever waits for it: a MESSAGE to its subscription's queue, a RECEIPT
//! (or its failure) to the publish future of its ticket, `Written`/`SendFailed` to the publish
//! futures waiting for their frame to be written (by ticket, never by counting), the end of a
//! disconnect to the `deactivate` futures; the rest, and anything nobody waited for, to every
//! [`Events`](super::Events) stream.
//!
//! It only hands things over: it runs no user code (a waker only schedules a task) and calls
//! nothing on the driver, so no borrow of its own is held while anything else runs. The routing is
//! plain Rust, tested natively; only the `Handler` impl is wasm32's.

use alloc::collections::BTreeMap;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use crate::frame::Headers;
use crate::session::{Event, State, Ticket};

use super::channel::{Full, Queue, Sender};
use super::error::Error;
use super::event::ClientEvent;
use super::message::{Message, Receipt};

/// What a publish future gets.
pub(crate) type PublishResult = Result<Option<Receipt>, Error>;

/// How a subscription's messages are acknowledged: its SUBSCRIBE's `ack` header, read as the
/// session reads it (only a missing header or `auto` is the broker's own acknowledgement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckMode {
    /// `auto`: nothing to acknowledge; what does not fit the buffer may be dropped.
    Auto,
    /// `client`: an ACK or NACK covers every message delivered before it.
    Client,
    /// `client-individual` (and a value the session does not know, acknowledgeable as it lets
    /// it be): one message each.
    ClientIndividual,
}

impl AckMode {
    pub(crate) fn of(headers: &Headers) -> AckMode {
        match headers.get("ack") {
            None | Some("auto") => AckMode::Auto,
            Some("client") => AckMode::Client,
            Some(_) => AckMode::ClientIndividual,
        }
    }

    /// Of the messages a subscription held when it ended (in order), those to NACK so that the
    /// broker has them back at once: none for `auto`; of those the current connection delivered
    /// (an earlier connection's are the broker's again already), each for `client-individual`, and
    /// the last for `client` (its NACK covers every message delivered before it: STOMP 1.2, "NACK
    /// applies … to all messages sent before and not yet ACK'ed or NACK'ed").
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn owed(self, held: Vec<Message>, current: u64) -> Vec<Message> {
        let mut owed: Vec<Message> = match self {
            AckMode::Auto => return Vec::new(),
            AckMode::Client | AckMode::ClientIndividual => held
                .into_iter()
                .filter(|message| message.connection() == Some(current))
                .collect(),
        };
        if self == AckMode::Client && owed.len() > 1 {
            owed.drain(..owed.len() - 1);
        }
        owed
    }

    /// What the subscription's buffer does with a message that does not fit: one that needs an
    /// acknowledgement is never dropped (it would be lost, or acknowledged unseen by a later
    /// cumulative ACK).
    fn when_full(self) -> Full {
        match self {
            AckMode::Auto => Full::Drop,
            AckMode::Client | AckMode::ClientIndividual => Full::Keep,
        }
    }
}

pub(crate) struct Router {
    subscriptions: RefCell<BTreeMap<String, Rc<Queue<Message>>>>,
    /// Publish futures waiting for their RECEIPT, by ticket.
    receipts: RefCell<BTreeMap<Ticket, Sender<PublishResult>>>,
    /// Publish futures (without a receipt) waiting for their queued frame to be written, by ticket.
    unwritten: RefCell<BTreeMap<Ticket, Sender<PublishResult>>>,
    /// The last ticket the session reported written: a future registered after (its publish call
    /// returned) for a ticket up to it completes at once.
    written_through: Cell<Ticket>,
    /// `deactivate` futures.
    waiters: RefCell<Vec<Sender<()>>>,
    events: RefCell<Vec<Weak<Queue<ClientEvent>>>>,
    /// Each subscription's bound, in bytes.
    subscription_buffer: Cell<usize>,
    /// Each event stream's bound, in events.
    event_buffer: Cell<usize>,
}

impl Router {
    /// `subscription_buffer`: bytes per subscription; `event_buffer`: events per stream.
    pub(crate) fn new(subscription_buffer: usize, event_buffer: usize) -> Router {
        Router {
            subscriptions: RefCell::default(),
            receipts: RefCell::default(),
            unwritten: RefCell::default(),
            written_through: Cell::new(0),
            waiters: RefCell::default(),
            events: RefCell::default(),
            subscription_buffer: Cell::new(subscription_buffer),
            event_buffer: Cell::new(event_buffer),
        }
    }

    pub(crate) fn set_buffers(&self, subscription_buffer: usize, event_buffer: usize) {
        self.subscription_buffer.set(subscription_buffer);
        self.event_buffer.set(event_buffer);
        if let Ok(subscriptions) = self.subscriptions.try_borrow() {
            for queue in subscriptions.values() {
                queue.set_limit(subscription_buffer);
            }
        }
    }

    // ----- registrations (from the API, before the driver is called) -----

    /// A queue for subscription `id`; `None` if one is live under that id.
    pub(crate) fn add_subscription(&self, id: &str, ack: AckMode) -> Option<Rc<Queue<Message>>> {
        let mut subscriptions = self.subscriptions.try_borrow_mut().ok()?;
        if subscriptions.contains_key(id) {
            return None;
        }
        let queue = Rc::new(Queue::new(self.subscription_buffer.get(), ack.when_full()));
        subscriptions.insert(id.into(), queue.clone());
        Some(queue)
    }

    #[cfg(test)]
    pub(crate) fn has_subscription(&self, id: &str) -> bool {
        self.subscriptions
            .try_borrow()
            .is_ok_and(|subscriptions| subscriptions.contains_key(id))
    }

    /// Forgets subscription `id` if `queue` is still its queue (and not a later one's under the
    /// same id); returns whether it was, i.e. whether the session still has it.
    pub(crate) fn remove_subscription(&self, id: &str, queue: &Rc<Queue<Message>>) -> bool {
        let Ok(mut subscriptions) = self.subscriptions.try_borrow_mut() else {
            return false;
        };
        match subscriptions.get(id) {
            Some(live) if Rc::ptr_eq(live, queue) => {
                subscriptions.remove(id);
                true
            }
            _ => false,
        }
    }

    /// Waits for the RECEIPT of the publish with this ticket.
    pub(crate) fn add_receipt(&self, ticket: Ticket, sender: Sender<PublishResult>) {
        if let Ok(mut receipts) = self.receipts.try_borrow_mut() {
            receipts.insert(ticket, sender);
        }
    }

    /// Waits for the publish with this ticket to be written.
    pub(crate) fn add_unwritten(&self, ticket: Ticket, sender: Sender<PublishResult>) {
        if ticket <= self.written_through.get() {
            return sender.send(Ok(None));
        }
        if let Ok(mut unwritten) = self.unwritten.try_borrow_mut() {
            unwritten.insert(ticket, sender);
        }
    }

    pub(crate) fn add_waiter(&self, sender: Sender<()>) {
        if let Ok(mut waiters) = self.waiters.try_borrow_mut() {
            waiters.push(sender);
        }
    }

    pub(crate) fn add_events(&self) -> Rc<Queue<ClientEvent>> {
        let queue = Rc::new(Queue::new(self.event_buffer.get(), Full::Drop));
        if let Ok(mut events) = self.events.try_borrow_mut() {
            events.retain(|weak| weak.strong_count() > 0);
            events.push(Rc::downgrade(&queue));
        }
        queue
    }

    // ----- routing -----

    /// Hands one session event to whoever waits for it.
    pub(crate) fn route(&self, event: Event) {
        match event {
            Event::Message {
                subscription,
                connection,
                frame,
            } => {
                let queue = self
                    .subscriptions
                    .try_borrow()
                    .ok()
                    .and_then(|subscriptions| subscriptions.get(&subscription).cloned());
                let Some(queue) = queue else {
                    return self.broadcast(ClientEvent::UnhandledMessage(frame));
                };
                let message = Message::delivered(frame, connection);
                let weight = message.weight();
                if queue.push(message, weight).overflow_started() {
                    self.broadcast(ClientEvent::SubscriptionOverflow { id: subscription });
                }
            }
            Event::Receipt { id, ticket, frame } => match self.take_receipt(ticket) {
                Some(sender) => sender.send(Ok(Some(Receipt::from(frame)))),
                None => {
                    let _ = id;
                    self.broadcast(ClientEvent::UnhandledReceipt(frame))
                }
            },
            Event::ReceiptFailed { id, ticket, error } => {
                if let Some(sender) = self.take_receipt(ticket) {
                    sender.send(Err(Error::Receipt(error.clone())));
                }
                self.broadcast(ClientEvent::ReceiptFailed { id, error });
            }
            Event::Written { through } => {
                self.written_through.set(through);
                for sender in self.take_written(through) {
                    sender.send(Ok(None));
                }
            }
            Event::SendFailed { ticket, error, .. } => {
                // A publish that waited for its RECEIPT gets the receipt's error; one that waited
                // to be written, `Discarded` when it was given up unwritten.
                if let Some(sender) = self.take_receipt(Some(ticket)) {
                    sender.send(Err(Error::Receipt(error)));
                } else if let Some(sender) = self.take_unwritten(ticket) {
                    sender.send(Err(match error {
                        crate::session::ReceiptError::Discarded => Error::Discarded,
                        error => Error::Receipt(error),
                    }));
                }
            }
            Event::SubscriptionsEnded(ids) => {
                let ended: Vec<Rc<Queue<Message>>> = match self.subscriptions.try_borrow_mut() {
                    Ok(mut subscriptions) => ids
                        .iter()
                        .filter_map(|id| subscriptions.remove(id))
                        .collect(),
                    Err(_) => Vec::new(),
                };
                for queue in ended {
                    queue.close();
                }
            }
            Event::SubscriptionLost { id, error } => {
                let queue = self
                    .subscriptions
                    .try_borrow_mut()
                    .ok()
                    .and_then(|mut subscriptions| subscriptions.remove(&id));
                if let Some(queue) = queue {
                    queue.close();
                }
                self.broadcast(ClientEvent::SubscriptionLost { id, error });
            }
            Event::Disconnected { confirmed } => {
                // The session reported the subscriptions it forgot (`SubscriptionsEnded`).
                self.settle_waiters();
                self.broadcast(ClientEvent::Disconnected { confirmed });
            }
            Event::StateChanged { from, to } => {
                // A deactivate ends in Inactive (a client that stopped reconnecting is Failed, and
                // still active until deactivated).
                if to == State::Inactive {
                    self.settle_waiters();
                }
                self.broadcast(ClientEvent::StateChanged { from, to });
            }
            other => {
                if let Some(event) = ClientEvent::of(other) {
                    self.broadcast(event);
                }
            }
        }
    }

    fn take_unwritten(&self, ticket: Ticket) -> Option<Sender<PublishResult>> {
        self.unwritten.try_borrow_mut().ok()?.remove(&ticket)
    }

    fn take_receipt(&self, ticket: Option<Ticket>) -> Option<Sender<PublishResult>> {
        self.receipts.try_borrow_mut().ok()?.remove(&ticket?)
    }

    /// The futures of every ticket up to `through`, taken out.
    fn take_written(&self, through: Ticket) -> Vec<Sender<PublishResult>> {
        match self.unwritten.try_borrow_mut() {
            Ok(mut unwritten) => {
                let later = unwritten.split_off(&through.saturating_add(1));
                core::mem::replace(&mut *unwritten, later)
                    .into_values()
                    .collect()
            }
            Err(_) => Vec::new(),
        }
    }

    fn settle_waiters(&self) {
        let waiters = self
            .waiters
            .try_borrow_mut()
            .map(|mut waiters| core::mem::take(&mut *waiters))
            .unwrap_or_default();
        for waiter in waiters {
            waiter.send(());
        }
    }

    /// Gives `event` to every live [`Events`](super::Events) stream.
    pub(crate) fn broadcast(&self, event: ClientEvent) {
        let mut queues: Vec<Rc<Queue<ClientEvent>>> = match self.events.try_borrow_mut() {
            Ok(mut events) => {
                events.retain(|weak| weak.strong_count() > 0);
                events.iter().filter_map(Weak::upgrade).collect()
            }
            Err(_) => return,
        };
        let Some(last) = queues.pop() else { return };
        for queue in &queues {
            queue.push(event.clone(), 1);
        }
        last.push(event, 1);
    }
}

impl Drop for Router {
    /// The driver is gone: every stream ends; every future still waiting completes (its sender is
    /// dropped with the maps).
    fn drop(&mut self) {
        for queue in self.subscriptions.get_mut().values() {
            queue.close();
        }
        for queue in self.events.get_mut().iter().filter_map(Weak::upgrade) {
            queue.close();
        }
    }
}

#[cfg(test)]
mod tests;
