//! The client's streams: [`Subscription`] (the MESSAGEs of one subscription; unsubscribes on drop)
//! and [`Events`] (the client's [`ClientEvent`]s). Each reads a bounded queue the router fills.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::frame::{Headers, Version};
use crate::session::State;

use super::channel::{Next, Queue};
use super::error::Error;
use super::event::ClientEvent;
use super::handle::Client;
use super::message::Message;
use super::router::AckMode;
use super::transaction::Transaction;

/// One subscription: a [`Stream`] of its [`Message`]s, from [`Client::subscribe`].
///
/// It lives until it is dropped (which sends UNSUBSCRIBE, as
/// [`unsubscribe`](Subscription::unsubscribe) does) and survives reconnects: the client sends the
/// same SUBSCRIBE, with the same id, after each one, so messages published after the reconnect
/// arrive on this same stream. The stream ends (`None`) when the client is deactivated or
/// dropped, or if the subscription cannot be restored
/// ([`ClientEvent::SubscriptionLost`]). It holds a clone of its [`Client`].
///
/// **Buffer.** Messages wait here until taken, up to
/// [`Config::subscription_buffer_bytes`](super::Config::subscription_buffer_bytes) (their bodies
/// and headers counted; [`backlog`](Subscription::backlog) says how many wait):
/// - `ack: auto` (the default): a message that does not fit is dropped and counted
///   ([`dropped`](Subscription::dropped)); the next message taken says how many were dropped
///   just before it ([`Message::missed_before`]), and
///   [`ClientEvent::SubscriptionOverflow`] says that dropping began. As soon as the reader has
///   made room, messages are kept again.
/// - `ack: client` and `client-individual`: nothing is dropped, ever — the buffer grows past its
///   bound (`SubscriptionOverflow` says so) rather than lose a message or let a cumulative ACK
///   acknowledge one unseen. Bound it at the broker with the SUBSCRIBE header `prefetch-count`.
///
/// **Drop.** The messages still waiting here that need an acknowledgement are given back to the
/// broker, so that it can deliver them to another consumer at once (not only when this
/// connection ends): a NACK of each (`client-individual`; `client`: one NACK of the last, which
/// covers the ones before it, as STOMP 1.2 says), in a transaction committed just after the
/// UNSUBSCRIBE — NACKed before it ends, a message would go back to this same subscription
/// (RabbitMQ redelivers at once). Messages of an earlier connection are not NACKed (the broker
/// has them back already), nor anything under STOMP 1.0 (no NACK). Messages the broker sent
/// before it saw the UNSUBSCRIBE and that arrive after it are not seen by anyone
/// ([`ClientEvent::UnhandledMessage`]); they stay unacknowledged until the connection ends
/// (`prefetch-count` bounds them too).
///
/// ```no_run
/// use futures_util::StreamExt;
/// use stomp_wasm::client::Client;
/// use stomp_wasm::frame::Headers;
///
/// async fn work(client: Client) -> Result<(), stomp_wasm::client::Error> {
///     let headers = Headers::from([("ack", "client-individual"), ("prefetch-count", "100")]);
///     let mut jobs = client.subscribe("/queue/jobs", &headers)?;
///     while let Some(job) = jobs.next().await {
///         match job.text() {
///             Some(_text) => client.ack(&job)?,
///             None => client.nack(&job)?,
///         }
///     }
///     Ok(()) // the client was deactivated
/// }
/// ```
#[must_use = "dropping a Subscription unsubscribes"]
pub struct Subscription {
    client: Client,
    id: String,
    queue: Rc<Queue<Message>>,
    ack: AckMode,
    ended: bool,
}

impl Subscription {
    pub(crate) fn new(
        client: Client,
        id: String,
        queue: Rc<Queue<Message>>,
        ack: AckMode,
    ) -> Subscription {
        Subscription {
            client,
            id,
            queue,
            ack,
            ended: false,
        }
    }

    /// The subscription id (the `id` header given, or `sub-N`); MESSAGE frames carry it as their
    /// `subscription` header.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many messages were dropped in all because this stream was full (an `ack: auto`
    /// subscription only).
    pub fn dropped(&self) -> u64 {
        self.queue.dropped()
    }

    /// How many messages wait here, not yet taken.
    // (Not `buffered`: `StreamExt::buffered` would hide it.)
    pub fn backlog(&self) -> usize {
        self.queue.held().0
    }

    /// The bytes (bodies and header text) of the messages waiting here, as
    /// [`Config::subscription_buffer_bytes`](super::Config::subscription_buffer_bytes) counts them.
    pub fn backlog_bytes(&self) -> usize {
        self.queue.held().1
    }

    /// Without waiting: the next message already here, if any.
    pub fn try_next(&mut self) -> Option<Message> {
        self.queue.try_take_item()?.map(told)
    }

    /// Ends the subscription with these UNSUBSCRIBE headers (a `receipt`, say). Dropping it does
    /// the same with none. Messages still waiting here are dropped with it, those that need an
    /// acknowledgement given back to the broker first (see [`Subscription`]).
    pub fn unsubscribe(mut self, headers: &Headers) -> Result<(), Error> {
        self.end(headers)
    }

    fn end(&mut self, headers: &Headers) -> Result<(), Error> {
        if core::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        let inner = &self.client.inner;
        let live = inner.router.remove_subscription(&self.id, &self.queue);
        let held = self.queue.close_and_take_all();
        if !live {
            // Already over (the client deactivated, or the subscription was lost): the session
            // has forgotten it, and the id may be another subscription's by now. What it held
            // came on a connection that has ended: the broker has it back.
            return Ok(());
        }
        let give_back = self.give_back(held);
        let unsubscribed = inner
            .driver
            .unsubscribe(&self.id, headers)
            .map_err(Error::from);
        if let Some(transaction) = give_back {
            // After the UNSUBSCRIBE: the broker applies the NACKs now, to a subscription that no
            // longer takes messages, so they go to another consumer (or wait in the queue).
            // Committed even if the UNSUBSCRIBE was refused: aborted, the messages would stay
            // unacknowledged all the same, and redelivered they at least show
            // (`UnhandledMessage`).
            let _ = transaction.commit();
        }
        unsubscribed
    }

    /// BEGIN, then a NACK in that transaction of what `held` owes the broker: nothing for
    /// `ack: auto`; the messages of the current connection (an earlier one's are the broker's
    /// again already), each (`client-individual`) or the last (`client`: a NACK covers every
    /// message delivered before it). `None` when there is nothing to give back, or it cannot be
    /// (not connected, STOMP 1.0). A NACK the session refuses is left out: its message goes back
    /// to the broker when its connection ends.
    fn give_back(&self, held: Vec<Message>) -> Option<Transaction> {
        if self.ack == AckMode::Auto {
            return None;
        }
        let (connected, current, version) = self.client.inner.driver.with_session(|session| {
            (
                session.state() == State::Connected,
                session.connection(),
                session.version(),
            )
        })?;
        if !connected || version == Some(Version::V1_0) {
            return None;
        }
        let owed = self.ack.owed(held, current);
        if owed.is_empty() {
            return None;
        }
        let transaction = self.client.begin().ok()?;
        for message in &owed {
            let _ = transaction.nack(message);
        }
        Some(transaction)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self.end(&Headers::new());
    }
}

impl Stream for Subscription {
    type Item = Message;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        self.queue.poll_item(cx).map(|next| next.map(told))
    }
}

impl FusedStream for Subscription {
    fn is_terminated(&self) -> bool {
        self.queue.is_finished()
    }
}

impl core::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("ack", &self.ack)
            .field("backlog", &self.backlog())
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// A [`Stream`] of the client's [`ClientEvent`]s, from [`Client::events`]: state changes,
/// connects, failures, heart-beat losses, reconnects, disconnects, and the frames nobody waited
/// for. It ends when the client is dropped.
///
/// At most [`Config::event_buffer`](super::Config::event_buffer) events wait here; past that, an
/// event is dropped, and a [`ClientEvent::Missed`] stands where the dropped ones were. It does not
/// keep the client alive.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use stomp_wasm::client::{Client, ClientEvent};
///
/// async fn badge(client: &Client) {
///     let mut events = client.events();
///     while let Some(event) = events.next().await {
///         match event {
///             ClientEvent::Connected { version, .. } => println!("connected ({})", version.as_str()),
///             ClientEvent::ReconnectScheduled { attempt, delay } => {
///                 println!("attempt {attempt} in {delay:?}")
///             }
///             ClientEvent::ReconnectFailed { .. } => println!("offline"),
///             _ => {}
///         }
///     }
/// }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Events {
    queue: Rc<Queue<ClientEvent>>,
}

impl Events {
    pub(crate) fn new(queue: Rc<Queue<ClientEvent>>) -> Events {
        Events { queue }
    }

    /// Without waiting: the next event already here, if any.
    pub fn try_next(&mut self) -> Option<ClientEvent> {
        match self.queue.try_take()? {
            Next::Item(event) => Some(event),
            Next::Gap(count) => Some(missed(count)),
            Next::End => None,
        }
    }
}

impl Stream for Events {
    type Item = ClientEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ClientEvent>> {
        self.queue.poll(cx).map(|next| match next {
            Next::Item(event) => Some(event),
            Next::Gap(count) => Some(missed(count)),
            Next::End => None,
        })
    }
}

impl FusedStream for Events {
    fn is_terminated(&self) -> bool {
        self.queue.is_finished()
    }
}

impl core::fmt::Debug for Events {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

/// A message taken from a subscription's queue, saying how many were dropped just before it.
fn told((mut message, missed): (Message, u64)) -> Message {
    message.set_missed_before(missed);
    message
}

/// The event standing where `count` events were dropped.
fn missed(count: u64) -> ClientEvent {
    ClientEvent::Missed {
        count: usize::try_from(count).unwrap_or(usize::MAX),
    }
}
