//! The client's streams: [`Subscription`] (the MESSAGEs of one subscription; unsubscribes on drop)
//! and [`Events`] (the client's [`ClientEvent`]s). Each reads a bounded queue the router fills.

use alloc::rc::Rc;
use alloc::string::String;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::frame::Headers;

use super::channel::{Next, Queue};
use super::error::Error;
use super::event::ClientEvent;
use super::handle::Client;
use super::message::Message;

/// One subscription: a [`Stream`] of its [`Message`]s, from [`Client::subscribe`].
///
/// It lives until it is dropped (which sends UNSUBSCRIBE, as
/// [`unsubscribe`](Subscription::unsubscribe) does) and survives reconnects: the client sends the
/// same SUBSCRIBE, with the same id, after each one, so messages published after the reconnect
/// arrive on this same stream. The stream ends (`None`) when the client is deactivated or
/// dropped, or if the subscription cannot be restored
/// ([`ClientEvent::SubscriptionLost`]).
///
/// Messages wait here until taken, at most
/// [`Config::subscription_buffer`](super::Config::subscription_buffer) of them; past that, new
/// ones are dropped until the stream has been emptied, and counted
/// ([`dropped`](Subscription::dropped), [`ClientEvent::SubscriptionOverflow`]). It holds a clone
/// of its [`Client`].
///
/// ```no_run
/// use futures_util::StreamExt;
/// use stomp_wasm::client::Client;
/// use stomp_wasm::frame::Headers;
///
/// async fn work(client: Client) -> Result<(), stomp_wasm::client::Error> {
///     let mut jobs = client.subscribe("/queue/jobs", &Headers::from([("ack", "client-individual")]))?;
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
    ended: bool,
}

impl Subscription {
    pub(crate) fn new(client: Client, id: String, queue: Rc<Queue<Message>>) -> Subscription {
        Subscription {
            client,
            id,
            queue,
            ended: false,
        }
    }

    /// The subscription id (the `id` header given, or `sub-N`); MESSAGE frames carry it as their
    /// `subscription` header.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many messages were dropped because this stream was full.
    pub fn dropped(&self) -> usize {
        self.queue.dropped()
    }

    /// Without waiting: the next message already here, if any.
    pub fn try_next(&mut self) -> Option<Message> {
        loop {
            match self.queue.try_take()? {
                Next::Item(message) => return Some(message),
                Next::Gap(_) => continue,
                Next::End => return None,
            }
        }
    }

    /// Ends the subscription with these UNSUBSCRIBE headers (a `receipt`, say). Dropping it does
    /// the same with none. Messages already received are dropped with it.
    pub fn unsubscribe(mut self, headers: &Headers) -> Result<(), Error> {
        self.end(headers)
    }

    fn end(&mut self, headers: &Headers) -> Result<(), Error> {
        if core::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        let inner = &self.client.inner;
        let live = inner.router.remove_subscription(&self.id, &self.queue);
        self.queue.close();
        if !live {
            // Already over (the client deactivated, or the subscription was lost): the session
            // has forgotten it, and the id may be another subscription's by now.
            return Ok(());
        }
        inner
            .driver
            .unsubscribe(&self.id, headers)
            .map_err(Error::from)
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
        loop {
            match self.queue.poll(cx) {
                Poll::Ready(Next::Item(message)) => return Poll::Ready(Some(message)),
                // Reported as an event when it began; the stream goes on after it.
                Poll::Ready(Next::Gap(_)) => continue,
                Poll::Ready(Next::End) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
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
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// A [`Stream`] of the client's [`ClientEvent`]s, from [`Client::events`]: state changes,
/// connects, failures, heart-beat losses, reconnects, disconnects, and the frames nobody waited
/// for. It ends when the client is dropped.
///
/// At most [`Config::event_buffer`](super::Config::event_buffer) events wait here; past that, new
/// ones are dropped until the stream has been emptied, and a [`ClientEvent::Missed`] stands where
/// they were. It does not keep the client alive.
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
            Next::Gap(count) => Some(ClientEvent::Missed { count }),
            Next::End => None,
        }
    }
}

impl Stream for Events {
    type Item = ClientEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ClientEvent>> {
        self.queue.poll(cx).map(|next| match next {
            Next::Item(event) => Some(event),
            Next::Gap(count) => Some(ClientEvent::Missed { count }),
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
