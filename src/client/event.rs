//! [`ClientEvent`]: what an [`Events`](super::Events) stream yields — the connection's life
//! (states, connects, losses, reconnects), errors nobody's future is waiting for, and the frames
//! nobody asked for. Messages go to their [`Subscription`](super::Subscription), receipts to their
//! publish future; everything else is here.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use crate::frame::{EncodeError, Frame, Headers, ParseError, Version};
use crate::session::{CloseInfo, ConnectFailure, Event, NegotiatedHeartbeat, ReceiptError, State};

/// Something that happened to the client, in order.
///
/// ```
/// use stomp_wasm::client::ClientEvent;
/// use stomp_wasm::session::State;
///
/// fn badge(event: &ClientEvent) -> Option<&'static str> {
///     match event {
///         ClientEvent::StateChanged { to: State::Connected, .. } => Some("online"),
///         ClientEvent::ReconnectScheduled { .. } => Some("reconnecting…"),
///         ClientEvent::ReconnectFailed { .. } => Some("offline"),
///         _ => None,
///     }
/// }
/// let event = ClientEvent::StateChanged { from: State::Connecting, to: State::Connected };
/// assert_eq!(badge(&event), Some("online"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// The state changed (one event per transition).
    StateChanged {
        /// The state before.
        from: State,
        /// The state now.
        to: State,
    },
    /// CONNECTED arrived; the subscriptions were sent again and the queue flushed just before.
    Connected {
        /// The negotiated version.
        version: Version,
        /// The negotiated heart-beat intervals (in milliseconds; 0 is off).
        heartbeat: NegotiatedHeartbeat,
        /// The CONNECTED frame's headers (`server`, `session`, …).
        headers: Headers,
    },
    /// A connection attempt failed (the reconnect policy applies).
    ConnectFailed(ConnectFailure),
    /// The broker sent ERROR after CONNECTED; the client closes and reconnects.
    StompError(Frame),
    /// A heart-beat from the broker.
    HeartbeatReceived,
    /// The broker was silent past the tolerance; the client closes and reconnects.
    HeartbeatLost,
    /// The broker's bytes broke the protocol (or a frame exceeded a limit); the client closes and
    /// reconnects.
    ProtocolError(ParseError),
    /// The socket reported an error, or could not be opened or written to.
    SocketError(String),
    /// The socket closed (by either side).
    SocketClosed(CloseInfo),
    /// A reconnect attempt will start after `delay`.
    ReconnectScheduled {
        /// The attempt's number in the current streak (1 for the first).
        attempt: u32,
        /// How long from now.
        delay: Duration,
    },
    /// Reconnecting gave up after this many attempts; the state is [`State::Failed`].
    ReconnectFailed {
        /// Attempts made.
        attempts: u32,
    },
    /// A [`deactivate`](super::Client::deactivate) finished.
    Disconnected {
        /// Whether the broker confirmed the DISCONNECT (its RECEIPT arrived).
        confirmed: bool,
    },
    /// A receipt will never come (a publish waiting for it fails with the same error).
    ReceiptFailed {
        /// The receipt id.
        id: String,
        /// Why.
        error: ReceiptError,
    },
    /// These transactions were open when the connection ended; the broker aborted them.
    TransactionsAborted(Vec<String>),
    /// Frames waiting in the queue were given up (their publish futures fail with
    /// [`Error::Discarded`](super::Error::Discarded) or a discarded receipt).
    QueueDiscarded {
        /// How many frames.
        frames: usize,
    },
    /// A subscription could not be sent again on a new connection and is over (its stream ends).
    SubscriptionLost {
        /// The subscription id.
        id: String,
        /// Why its SUBSCRIBE cannot be written.
        error: EncodeError,
    },
    /// A [`Subscription`](super::Subscription) went over its bound
    /// ([`Config::subscription_buffer_bytes`](super::Config::subscription_buffer_bytes)): its
    /// reader is behind. An `ack: auto` one drops what does not fit (each message taken says how
    /// many were dropped just before it, [`Message::missed_before`](super::Message::missed_before));
    /// one with `ack: client` or `client-individual` drops nothing and holds more. Once per
    /// overflow: again only after the stream has been emptied.
    SubscriptionOverflow {
        /// The subscription id.
        id: String,
    },
    /// A MESSAGE for no live subscription (one that just ended, say).
    UnhandledMessage(Frame),
    /// A MESSAGE over the client's receive limits ([`Config::limits`](super::Config::limits)) was
    /// skipped; the message holds the headers that could be kept (`subscription`, `message-id`,
    /// `ack` always) and no body. ACK or NACK it with [`Client::ack`](super::Client::ack) /
    /// [`Client::nack`](super::Client::nack); one of an `ack: auto` subscription is lost.
    MessageRefused {
        /// Which limit it exceeded.
        limit: crate::frame::Limit,
        /// The message (headers only).
        message: super::Message,
    },
    /// ACK/NACK frames waiting behind backpressure when their connection ended were not sent (the
    /// broker redelivers their messages).
    AcksDropped {
        /// How many.
        count: usize,
    },
    /// A RECEIPT nobody waits for.
    UnhandledReceipt(Frame),
    /// A frame a client should never receive.
    UnhandledFrame(Frame),
    /// A debug log line ([`Config::logging`](super::Config::logging)).
    Debug(String),
    /// This stream was full ([`Config::event_buffer`](super::Config::event_buffer)): this many
    /// events were dropped here, in place of this one.
    Missed {
        /// How many.
        count: usize,
    },
}

impl ClientEvent {
    /// The event for a session event that no future or subscription took; `None` for what only
    /// the client's bookkeeping needs (messages and receipts, which it routes before asking;
    /// `Written`, `SendFailed`, `SubscriptionsEnded`).
    pub(crate) fn of(event: Event) -> Option<ClientEvent> {
        Some(match event {
            Event::StateChanged { from, to } => ClientEvent::StateChanged { from, to },
            Event::Connected {
                version,
                heartbeat,
                headers,
                ..
            } => ClientEvent::Connected {
                version,
                heartbeat,
                headers,
            },
            Event::Message { frame, .. } | Event::UnhandledMessage(frame) => {
                ClientEvent::UnhandledMessage(frame)
            }
            Event::SubscriptionLost { id, error } => ClientEvent::SubscriptionLost { id, error },
            Event::Receipt { frame, .. } | Event::UnhandledReceipt(frame) => {
                ClientEvent::UnhandledReceipt(frame)
            }
            Event::ReceiptFailed { id, error, .. } => ClientEvent::ReceiptFailed { id, error },
            Event::MessageRefused {
                connection,
                limit,
                frame,
            } => ClientEvent::MessageRefused {
                limit,
                message: super::Message::delivered(frame, connection),
            },
            Event::AcksDropped { count } => ClientEvent::AcksDropped { count },
            Event::UnhandledFrame(frame) => ClientEvent::UnhandledFrame(frame),
            Event::StompError(frame) => ClientEvent::StompError(frame),
            Event::ConnectFailed(failure) => ClientEvent::ConnectFailed(failure),
            Event::HeartbeatReceived => ClientEvent::HeartbeatReceived,
            Event::HeartbeatLost { .. } => ClientEvent::HeartbeatLost,
            Event::ProtocolError(error) => ClientEvent::ProtocolError(error),
            Event::TransportClosed(info) => ClientEvent::SocketClosed(info),
            Event::TransactionsAborted(ids) => ClientEvent::TransactionsAborted(ids),
            Event::QueueDiscarded { frames } => ClientEvent::QueueDiscarded { frames },
            Event::Written { .. } | Event::SendFailed { .. } | Event::SubscriptionsEnded(_) => {
                return None
            }
            Event::Disconnected { confirmed } => ClientEvent::Disconnected { confirmed },
            Event::ReconnectScheduled { attempt, delay, .. } => ClientEvent::ReconnectScheduled {
                attempt,
                delay: Duration::from_millis(delay),
            },
            Event::ReconnectFailed { attempts } => ClientEvent::ReconnectFailed { attempts },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Command;

    #[test]
    fn session_events_map_to_client_events() {
        let frame = Frame::new(Command::Receipt).header("receipt-id", "r");
        assert_eq!(
            ClientEvent::of(Event::Receipt {
                id: "r".into(),
                ticket: None,
                frame: frame.clone()
            }),
            Some(ClientEvent::UnhandledReceipt(frame))
        );
        assert_eq!(
            ClientEvent::of(Event::ReconnectScheduled {
                attempt: 2,
                delay: 1500,
                at: 9000
            }),
            Some(ClientEvent::ReconnectScheduled {
                attempt: 2,
                delay: Duration::from_millis(1500)
            })
        );
        assert_eq!(
            ClientEvent::of(Event::QueueDiscarded { frames: 3 }),
            Some(ClientEvent::QueueDiscarded { frames: 3 })
        );
        assert_eq!(ClientEvent::of(Event::Written { through: 2 }), None);
        assert_eq!(
            ClientEvent::of(Event::HeartbeatLost { last_received: 5 }),
            Some(ClientEvent::HeartbeatLost)
        );
    }
}
