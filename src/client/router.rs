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

use crate::session::{Event, State, Ticket};

use super::channel::{Pushed, Queue, Sender};
use super::error::Error;
use super::event::ClientEvent;
use super::message::{Message, Receipt};

/// What a publish future gets.
pub(crate) type PublishResult = Result<Option<Receipt>, Error>;

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
    subscription_buffer: Cell<usize>,
    event_buffer: Cell<usize>,
}

impl Router {
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
    pub(crate) fn add_subscription(&self, id: &str) -> Option<Rc<Queue<Message>>> {
        let mut subscriptions = self.subscriptions.try_borrow_mut().ok()?;
        if subscriptions.contains_key(id) {
            return None;
        }
        let queue = Rc::new(Queue::new(self.subscription_buffer.get()));
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
        let queue = Rc::new(Queue::new(self.event_buffer.get()));
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
                if queue.push(Message::delivered(frame, connection)) == Pushed::GapStarted {
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
            queue.push(event.clone());
        }
        last.push(event);
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

    #[test]
    fn messages_go_to_their_subscription_and_strays_to_events() {
        let router = Router::new(8, 8);
        let events = router.add_events();
        let chat = router.add_subscription("sub-0").unwrap();
        assert!(router.add_subscription("sub-0").is_none(), "one per id");
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
    fn a_full_subscription_drops_until_emptied_and_says_so_once() {
        let router = Router::new(2, 8);
        let events = router.add_events();
        let queue = router.add_subscription("s").unwrap();
        for body in ["1", "2", "3", "4"] {
            router.route(message("s", body));
        }
        assert!(matches!(queue.try_take(), Some(Next::Item(_))));
        // Room again, but the gap lasts until the reader has caught up: "5" would overtake it.
        router.route(message("s", "5"));
        assert_eq!(texts(&queue), ["2", "gap 3"]);
        router.route(message("s", "6"));
        assert_eq!(texts(&queue), ["6"]);
        assert_eq!(queue.dropped(), 3);
        let overflows = take(&events)
            .into_iter()
            .filter(
                |e| matches!(e, Next::Item(ClientEvent::SubscriptionOverflow { id }) if id == "s"),
            )
            .count();
        assert_eq!(overflows, 1);
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
        let queue = router.add_subscription("s").unwrap();
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
        let again = router.add_subscription("s").unwrap();
        assert!(!router.remove_subscription("s", &queue));
        assert!(router.has_subscription("s"));
        assert!(router.remove_subscription("s", &again));
    }

    #[test]
    fn a_full_event_stream_reports_what_it_missed_where_it_missed_it() {
        let router = Router::new(8, 2);
        let events = router.add_events();
        for attempt in 1..=5 {
            router.route(Event::ReconnectFailed { attempts: attempt });
        }
        let seen: Vec<_> = take(&events)
            .into_iter()
            .map(|next| match next {
                Next::Item(ClientEvent::ReconnectFailed { attempts }) => attempts as usize,
                Next::Gap(n) => 100 + n,
                _ => 0,
            })
            .collect();
        assert_eq!(seen, [1, 2, 103]);
    }

    #[test]
    fn dropping_the_router_ends_streams_and_futures() {
        let router = Router::new(8, 8);
        let events = router.add_events();
        let queue = router.add_subscription("s").unwrap();
        let (tx, rx) = oneshot();
        router.add_unwritten(1, tx);
        drop(router);
        assert!(matches!(ready(&rx), Some(None)));
        assert!(queue.is_finished() && events.is_finished());
    }
}
