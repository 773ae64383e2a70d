//! The futures the client hands out: [`Published`] (a publish written, or receipted) and
//! [`Deactivated`] (the client at rest). Each wraps a one-shot receiver the [`Router`] completes; the
//! work they stand for starts when the method is called, not when they are polled.
//!
//! [`Router`]: super::router::Router

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::channel::Receiver;
use super::error::Error;
use super::message::Receipt;
use super::router::PublishResult;

/// Completes when a published frame was written to the socket — or, when a receipt was asked for
/// (or the delivery is at-least-once), with the broker's RECEIPT.
///
/// The frame is sent (or queued) by [`Client::publish`](super::Client::publish) itself: dropping
/// this future cancels nothing. A frame published while not connected waits in the queue, and so
/// does this future (until the frame is written after the next CONNECTED, or discarded).
///
/// Output: `Ok(None)` when written, `Ok(Some(receipt))` with the RECEIPT, or the [`Error`]: its
/// frame was given up ([`Error::Discarded`]), its receipt will not come ([`Error::Receipt`]), or
/// the client was dropped first ([`Error::ClientDropped`]). (A refused publish never makes one:
/// `publish` returns the error.)
///
/// ```no_run
/// use stomp_wasm::client::{Client, Error, Publish};
///
/// async fn send(client: &Client, text: &str) -> Result<(), Error> {
///     // Fire and forget: refused or not is all this says.
///     client.publish(Publish::new("/topic/typing", "…"))?;
///     // Written to the socket (at once, or once reconnected).
///     client.publish(Publish::new("/topic/chat", text))?.await?;
///     // Confirmed by the broker.
///     let receipt = client.publish(Publish::new("/topic/chat", text).with_receipt())?.await?;
///     assert!(receipt.is_some());
///     Ok(())
/// }
/// ```
pub struct Published {
    state: State,
}

enum State {
    Ready(Option<PublishResult>),
    Waiting(Receiver<PublishResult>),
}

impl Published {
    /// Written already.
    pub(crate) fn written() -> Published {
        Published {
            state: State::Ready(Some(Ok(None))),
        }
    }

    pub(crate) fn waiting(receiver: Receiver<PublishResult>) -> Published {
        Published {
            state: State::Waiting(receiver),
        }
    }
}

impl Future for Published {
    type Output = Result<Option<Receipt>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            // Polled again after completing: never again ready (as the Future contract allows).
            State::Ready(result) => result.take().map_or(Poll::Pending, Poll::Ready),
            State::Waiting(receiver) => receiver
                .poll(cx)
                .map(|result| result.unwrap_or(Err(Error::ClientDropped))),
        }
    }
}

/// Completes when the client is at rest after [`Client::deactivate`](super::Client::deactivate):
/// always — on the broker's RECEIPT for DISCONNECT, after
/// [`Config::disconnect_timeout`](super::Config::disconnect_timeout), at once when there was no
/// connection, or when the client is dropped.
///
/// Dropping it cancels nothing: `client.deactivate();` is fine where nobody waits.
///
/// ```no_run
/// # async fn leave(client: stomp_wasm::client::Client) {
/// client.deactivate().await;
/// assert!(!client.is_active());
/// # }
/// ```
pub struct Deactivated {
    receiver: Option<Receiver<()>>,
}

impl Deactivated {
    pub(crate) fn new(receiver: Option<Receiver<()>>) -> Deactivated {
        Deactivated { receiver }
    }
}

impl Future for Deactivated {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.receiver {
            Some(receiver) => receiver.poll(cx).map(drop),
            None => Poll::Ready(()),
        }
    }
}
