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
mod tests {
    use super::super::channel::{oneshot, Next, Receiver};
    use super::*;
    use crate::frame::{Command, Frame};
    use crate::session::ReceiptError;
    use core::task::{Context, Poll, Waker};

    fn message(subscription: &str, body: &str) -> Event {
        Event::Message {
            subscription: subscription.into(),
            connection: 1,
            frame: Frame::new(Command::Message)
                .header("subscription", subscription)
                .body(body),
        }
    }

    /// Everything the reader can take now, up to and including the end.
    fn take<T>(queue: &Queue<T>) -> Vec<Next<T>> {
        let mut taken = Vec::new();
        while let Some(next) = queue.try_take() {
            let end = matches!(next, Next::End);
            taken.push(next);
            if end {
                break;
            }
        }
        taken
    }

    fn texts(queue: &Queue<Message>) -> Vec<String> {
        take(queue)
            .into_iter()
            .map(|next| match next {
                Next::Item(m) => m.text().unwrap_or("").into(),
                Next::Gap(n) => alloc::format!("gap {n}"),
                Next::End => "end".into(),
            })
            .collect()
    }

    fn ready<T>(receiver: &Receiver<T>) -> Option<Option<T>> {
        match receiver.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(value) => Some(value),
            Poll::Pending => None,
        }
    }

    /// What a subscription's reader takes now: each message's text, with how many were dropped
    /// just before it; "end" at the end.
    fn read(queue: &Queue<Message>) -> Vec<String> {
        let mut read = Vec::new();
        while let Some(next) = queue.try_take_item() {
            match next {
                Some((m, 0)) => read.push(m.text().unwrap_or("").into()),
                Some((m, n)) => {
                    read.push(alloc::format!("{} ({n} missed)", m.text().unwrap_or("")))
                }
                None => {
                    read.push("end".into());
                    break;
                }
            }
        }
        read
    }

    fn overflows(events: &Queue<ClientEvent>, id: &str) -> usize {
        take(events)
            .into_iter()
            .filter(
                |e| matches!(e, Next::Item(ClientEvent::SubscriptionOverflow { id: of }) if of == id),
            )
            .count()
    }

    /// `message(subscription, body)` weighs the body plus 15 bytes for "subscription:s" and its
    /// line end (one-letter ids).
    const HEAD: usize = 15;

    #[test]
    fn messages_go_to_their_subscription_and_strays_to_events() {
        let router = Router::new(4096, 8);
        let events = router.add_events();
        let chat = router.add_subscription("sub-0", AckMode::Auto).unwrap();
        assert!(
            router.add_subscription("sub-0", AckMode::Auto).is_none(),
            "one per id"
        );
        router.route(message("sub-0", "a"));
        router.route(message("sub-9", "stray"));
        router.route(message("sub-0", "b"));
        assert_eq!(texts(&chat), ["a", "b"]);
        assert!(matches!(
            take(&events).as_slice(),
            [Next::Item(ClientEvent::UnhandledMessage(frame))] if frame.body == b"stray"
        ));
    }

    #[test]
    fn the_ack_header_says_whether_messages_may_be_dropped() {
        let of = |ack: Option<&str>| {
            let mut headers = Headers::new();
            if let Some(ack) = ack {
                headers.push("ack", ack);
            }
            AckMode::of(&headers)
        };
        assert_eq!(of(None), AckMode::Auto);
        assert_eq!(of(Some("auto")), AckMode::Auto);
        assert_eq!(of(Some("client")), AckMode::Client);
        assert_eq!(of(Some("client-individual")), AckMode::ClientIndividual);
        // The session lets a message of an unknown mode be acknowledged: it is kept, one by one.
        assert_eq!(of(Some("Client")), AckMode::ClientIndividual);
        assert_eq!(AckMode::Auto.when_full(), Full::Drop);
        assert_eq!(AckMode::Client.when_full(), Full::Keep);
        assert_eq!(AckMode::ClientIndividual.when_full(), Full::Keep);
    }

    #[test]
    fn the_bound_counts_the_bytes_of_bodies_and_headers() {
        let router = Router::new(2 * (HEAD + 5) + 5, 8);
        let queue = router.add_subscription("s", AckMode::Auto).unwrap();
        for body in ["one..", "two..", "three"] {
            router.route(message("s", body));
        }
        assert_eq!(queue.held(), (2, 2 * (HEAD + 5)));
        assert_eq!(queue.dropped(), 1, "the third does not fit");
        assert_eq!(read(&queue), ["one..", "two.."]);
        // A message heavier than the whole bound still gets through an empty stream, told what
        // was dropped before it.
        let big = "x".repeat(100);
        router.route(message("s", &big));
        assert_eq!(queue.held(), (1, HEAD + 100));
        router.route(message("s", "later"));
        assert_eq!(queue.dropped(), 2);
        assert_eq!(read(&queue), [alloc::format!("{big} (1 missed)")]);
        // Bytes, not messages: the bound that held one big message holds 20 empty ones.
        let small = Router::new(20 * HEAD, 8);
        let queue = small.add_subscription("s", AckMode::Auto).unwrap();
        for _ in 0..50 {
            small.route(message("s", ""));
        }
        assert_eq!(queue.held(), (20, 20 * HEAD));
        assert_eq!(queue.dropped(), 30);
    }

    #[test]
    fn an_auto_subscription_drops_what_does_not_fit_and_the_next_message_tells_how_many() {
        let router = Router::new(2 * (HEAD + 5), 8);
        let events = router.add_events();
        let queue = router.add_subscription("s", AckMode::Auto).unwrap();
        for n in 1..=6 {
            router.route(message("s", &alloc::format!("msg-{n}")));
        }
        assert_eq!(queue.dropped(), 4);
        assert_eq!(overflows(&events, "s"), 1, "once, when dropping began");
        // Taking one makes room, used at once: msg-7 is kept (and msg-8 no longer fits).
        assert!(matches!(queue.try_take_item(), Some(Some((m, 0))) if m.text() == Some("msg-1")));
        router.route(message("s", "msg-7"));
        router.route(message("s", "msg-8"));
        assert_eq!(
            overflows(&events, "s"),
            0,
            "the same overflow: not emptied since"
        );
        assert_eq!(read(&queue), ["msg-2", "msg-7 (4 missed)"]);
        // Emptied (msg-8's gap is told by the next message): room for the next, and a new
        // overflow is a new event.
        router.route(message("s", "msg-9"));
        assert_eq!(read(&queue), ["msg-9 (1 missed)"]);
        for n in 10..=12 {
            router.route(message("s", &alloc::format!("ms-{n}")));
        }
        assert_eq!(overflows(&events, "s"), 1);
        assert_eq!(queue.dropped(), 6);
    }

    #[test]
    fn a_subscription_that_acknowledges_never_drops_and_says_once_that_it_is_over() {
        for ack in [AckMode::Client, AckMode::ClientIndividual] {
            let router = Router::new(50 * (HEAD + 5), 8);
            let events = router.add_events();
            let queue = router.add_subscription("s", ack).unwrap();
            // The case: a bound of 50 messages, 200 unread.
            for n in 1..=200 {
                router.route(message("s", &alloc::format!("{n:05}")));
            }
            assert_eq!(queue.dropped(), 0, "{ack:?}");
            assert_eq!(queue.held(), (200, 200 * (HEAD + 5)), "{ack:?}");
            assert_eq!(overflows(&events, "s"), 1, "{ack:?}");
            let all = read(&queue);
            let expected: Vec<String> = (1..=200).map(|n| alloc::format!("{n:05}")).collect();
            assert_eq!(
                all, expected,
                "{ack:?}: every one, in order, nothing missed"
            );
            // Emptied: the next overflow is reported again.
            for n in 201..=260 {
                router.route(message("s", &alloc::format!("{n:05}")));
            }
            assert_eq!(overflows(&events, "s"), 1, "{ack:?}");
            assert_eq!(queue.held().0, 60, "{ack:?}");
        }
    }

    #[test]
    fn a_subscription_gives_back_what_it_held_of_the_current_connection() {
        let held = |connections: &[u64]| -> Vec<Message> {
            connections
                .iter()
                .enumerate()
                .map(|(n, &connection)| {
                    let frame = Frame::new(Command::Message)
                        .header("subscription", "s")
                        .header("ack", &alloc::format!("a-{n}"));
                    Message::delivered(frame, connection)
                })
                .collect()
        };
        let acks = |messages: Vec<Message>| -> Vec<String> {
            messages
                .iter()
                .map(|m| m.header("ack").unwrap_or("").into())
                .collect()
        };
        // Two messages of connection 1 (ended: the broker has them back), three of connection 2.
        let mixed = [1, 1, 2, 2, 2];
        assert_eq!(acks(AckMode::Auto.owed(held(&mixed), 2)), [""; 0]);
        assert_eq!(
            acks(AckMode::ClientIndividual.owed(held(&mixed), 2)),
            ["a-2", "a-3", "a-4"]
        );
        assert_eq!(acks(AckMode::Client.owed(held(&mixed), 2)), ["a-4"]);
        // All of an ended connection: nothing to give back.
        assert!(AckMode::Client.owed(held(&mixed), 3).is_empty());
        assert!(AckMode::ClientIndividual.owed(Vec::new(), 2).is_empty());
    }

    #[test]
    fn receipts_complete_their_publish_and_failures_are_also_broadcast() {
        let router = Router::new(8, 8);
        let events = router.add_events();
        let (ok_tx, ok_rx) = oneshot();
        let (bad_tx, bad_rx) = oneshot();
        router.add_receipt(1, ok_tx);
        router.add_receipt(2, bad_tx);
        let receipt = Frame::new(Command::Receipt).header("receipt-id", "r-1");
        router.route(Event::Receipt {
            id: "r-1".into(),
            ticket: Some(1),
            frame: receipt.clone(),
        });
        router.route(Event::ReceiptFailed {
            id: "r-2".into(),
            ticket: Some(2),
            error: ReceiptError::Timeout,
        });
        router.route(Event::Receipt {
            id: "r-3".into(),
            ticket: Some(3),
            frame: receipt.clone(),
        });
        assert!(matches!(ready(&ok_rx), Some(Some(Ok(Some(r)))) if r.id() == Some("r-1")));
        assert!(matches!(
            ready(&bad_rx),
            Some(Some(Err(Error::Receipt(ReceiptError::Timeout))))
        ));
        let events: Vec<_> = take(&events)
            .into_iter()
            .filter_map(|n| match n {
                Next::Item(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(
            events,
            [
                ClientEvent::ReceiptFailed {
                    id: "r-2".into(),
                    error: ReceiptError::Timeout
                },
                ClientEvent::UnhandledReceipt(receipt)
            ]
        );
    }

    #[test]
    fn queued_publishes_settle_by_their_own_ticket() {
        let router = Router::new(8, 8);
        let receivers: Vec<_> = (1..=4)
            .map(|ticket| {
                let (tx, rx) = oneshot();
                router.add_unwritten(ticket, tx);
                rx
            })
            .collect();
        // Ticket 2 is given up first (its transaction ended), then 1 and 3 are written.
        router.route(Event::SendFailed {
            ticket: 2,
            receipt: None,
            error: ReceiptError::TransactionEnded("tx-0".into()),
        });
        router.route(Event::Written { through: 3 });
        assert!(matches!(ready(&receivers[0]), Some(Some(Ok(None)))));
        assert!(matches!(
            ready(&receivers[1]),
            Some(Some(Err(Error::Receipt(ReceiptError::TransactionEnded(_)))))
        ));
        assert!(matches!(ready(&receivers[2]), Some(Some(Ok(None)))));
        assert!(ready(&receivers[3]).is_none());
        router.route(Event::SendFailed {
            ticket: 4,
            receipt: None,
            error: ReceiptError::Discarded,
        });
        assert!(matches!(
            ready(&receivers[3]),
            Some(Some(Err(Error::Discarded)))
        ));
        // Registered after its ticket was reported written (the call returned after the flush).
        let (tx, rx) = oneshot();
        router.add_unwritten(3, tx);
        assert!(matches!(ready(&rx), Some(Some(Ok(None)))));
    }

    #[test]
    fn a_disconnect_ends_every_subscription_and_settles_deactivate() {
        let router = Router::new(8, 8);
        let queue = router.add_subscription("s", AckMode::Auto).unwrap();
        router.route(message("s", "last"));
        let (tx, rx) = oneshot();
        router.add_waiter(tx);
        router.route(Event::StateChanged {
            from: State::Connected,
            to: State::Disconnecting,
        });
        assert!(ready(&rx).is_none());
        router.route(Event::SubscriptionsEnded(vec!["s".into()]));
        router.route(Event::Disconnected { confirmed: true });
        assert!(matches!(ready(&rx), Some(Some(()))));
        assert_eq!(texts(&queue), ["last", "end"]);
        assert!(
            !router.remove_subscription("s", &queue),
            "already forgotten"
        );
        // A new subscription under the same id is not the old one's to remove.
        let again = router.add_subscription("s", AckMode::Auto).unwrap();
        assert!(!router.remove_subscription("s", &queue));
        assert!(router.has_subscription("s"));
        assert!(router.remove_subscription("s", &again));
    }

    #[test]
    fn a_full_event_stream_reports_what_it_missed_where_it_missed_it() {
        let router = Router::new(8, 2);
        let events = router.add_events();
        let seen = |taken: Vec<Next<ClientEvent>>| -> Vec<u64> {
            taken
                .into_iter()
                .map(|next| match next {
                    Next::Item(ClientEvent::ReconnectFailed { attempts }) => attempts as u64,
                    Next::Gap(n) => 100 + n,
                    _ => 0,
                })
                .collect()
        };
        for attempt in 1..=5 {
            router.route(Event::ReconnectFailed { attempts: attempt });
        }
        assert!(matches!(events.try_take(), Some(Next::Item(_))));
        // Room for one again: the next event is kept at once, behind the gap's marker.
        router.route(Event::ReconnectFailed { attempts: 6 });
        router.route(Event::ReconnectFailed { attempts: 7 });
        assert_eq!(seen(take(&events)), [2, 103, 6, 101]);
    }

    #[test]
    fn dropping_the_router_ends_streams_and_futures() {
        let router = Router::new(8, 8);
        let events = router.add_events();
        let queue = router.add_subscription("s", AckMode::Auto).unwrap();
        let (tx, rx) = oneshot();
        router.add_unwritten(1, tx);
        drop(router);
        assert!(matches!(ready(&rx), Some(None)));
        assert!(queue.is_finished() && events.is_finished());
    }
}
