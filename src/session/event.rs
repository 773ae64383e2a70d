//! What the session tells its driver: events for the application, actions for the transport, bytes
//! for the wire. Each is drained with the matching `poll_*` method.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::frame::{push_decimal, EncodeError, Frame, Headers, Limit, ParseError, Version};

use super::config::Millis;
use super::error::ReceiptError;
use super::state::State;

/// One accepted publish ([`Session::send`](super::Session::send)): its events name it, so a front end
/// settles each publish by its own ticket, never by counting. Tickets count up from 1.
pub type Ticket = u64;

/// Something the application should hear about, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The state changed (one event per transition).
    StateChanged {
        /// The state before.
        from: State,
        /// The state now.
        to: State,
    },
    /// CONNECTED arrived; subscriptions were re-sent and the offline queue flushed just before this
    /// event is polled.
    Connected {
        /// The connection's number (1 for the first CONNECTED of the session, then counting up):
        /// the messages it delivers carry it, and an ACK or NACK is sent only on it.
        connection: u64,
        /// The negotiated version.
        version: Version,
        /// Negotiated intervals: how often we send heart-beats and how often we expect them (0 = off).
        heartbeat: NegotiatedHeartbeat,
        /// The CONNECTED frame's headers (`session`, `server`, …).
        headers: Headers,
    },
    /// A MESSAGE for a live subscription.
    Message {
        /// The subscription id (the frame's `subscription` header).
        subscription: String,
        /// The connection that delivered it (see [`Event::Connected`]).
        connection: u64,
        /// The frame.
        frame: Frame,
    },
    /// A MESSAGE over the client's receive limits was skipped (its bytes read and dropped): the
    /// frame holds the headers that could be kept — `subscription`, `message-id` and `ack` always
    /// — and no body. The application may ACK or NACK it ([`AckTarget::of`] works on it); a message
    /// of an `ack: auto` subscription is lost.
    ///
    /// [`AckTarget::of`]: super::AckTarget::of
    MessageRefused {
        /// The connection that delivered it.
        connection: u64,
        /// Which limit it exceeded.
        limit: Limit,
        /// Its command and the headers kept.
        frame: Frame,
    },
    /// Subscriptions the session no longer has, without an `unsubscribe` (in the order made): the
    /// per-connection ones when their connection ended, every one when a disconnect finished. Their
    /// MESSAGE events not yet polled come as [`Event::UnhandledMessage`].
    SubscriptionsEnded(Vec<String>),
    /// A MESSAGE whose `subscription` names no live subscription.
    UnhandledMessage(Frame),
    /// A subscription could not be sent again on a new connection: its SUBSCRIBE cannot be written
    /// in the negotiated version (possible only when `set_config` offered a stricter version after
    /// it was made). It is forgotten; a receipt it still held fails with
    /// [`ReceiptError::Discarded`].
    SubscriptionLost {
        /// The subscription id.
        id: String,
        /// Why the SUBSCRIBE cannot be written.
        error: EncodeError,
    },
    /// The broker confirmed the frame that asked for this receipt.
    Receipt {
        /// The receipt id.
        id: String,
        /// The publish, when the frame was a SEND.
        ticket: Option<Ticket>,
        /// The RECEIPT frame.
        frame: Frame,
    },
    /// A receipt that will never come: timed out, connection lost, queue discarded, or an ERROR
    /// naming it. Every receipt ends in exactly one `Receipt` or `ReceiptFailed`.
    ReceiptFailed {
        /// The receipt id.
        id: String,
        /// The publish, when the frame was a SEND.
        ticket: Option<Ticket>,
        /// Why.
        error: ReceiptError,
    },
    /// A RECEIPT matching no pending receipt.
    UnhandledReceipt(Frame),
    /// A frame a client should never receive (a client command from the broker).
    UnhandledFrame(Frame),
    /// ERROR after CONNECTED. The broker closes the connection after one that ends it, and the
    /// session then reconnects per policy; it does not close it itself (as stompjs: some ERRORs, such
    /// as RabbitMQ's "Subscription not found", end nothing).
    StompError(Frame),
    /// A connect attempt failed (it counts toward `max_attempts`).
    ConnectFailed(ConnectFailure),
    /// A heart-beat from the broker: a transport message holding only EOLs. At most one per
    /// [`handle_bytes`](super::Session::handle_bytes) call, however many EOLs the message holds (a
    /// run of EOLs is one heart-beat); EOLs in the same message as a frame are its trailing EOLs,
    /// not heart-beats.
    HeartbeatReceived,
    /// The broker was silent past the tolerance: the session closes and reconnects per policy.
    HeartbeatLost {
        /// When anything was last received.
        last_received: Millis,
    },
    /// The broker's bytes broke the protocol: the session closes and reconnects per policy.
    ProtocolError(ParseError),
    /// The transport closed, by either side (when the session closed it: code 1000, "closed by
    /// the client", or 1001 for an app suspend).
    TransportClosed(CloseInfo),
    /// These transactions were open when the connection ended (in id order); the broker aborts them.
    TransactionsAborted(Vec<String>),
    /// An accepted publish was given up: never written (deactivated, reconnecting gave up, its
    /// transaction ended, not writable in the new connection's version) or, at-least-once, given up
    /// after [`ReceiptError::GivenUp`]. Its receipt, if it had one, is named here and gets no other
    /// event.
    SendFailed {
        /// The publish.
        ticket: Ticket,
        /// Its `receipt` header, if any.
        receipt: Option<String>,
        /// Why.
        error: ReceiptError,
    },
    /// After one or more [`Event::SendFailed`] of one decision: how many publishes were given up.
    QueueDiscarded {
        /// How many.
        frames: usize,
    },
    /// Every publish up to this ticket that waited to be written and did not fail has now been
    /// written (emitted once per flush of the queue).
    Written {
        /// The last ticket written.
        through: Ticket,
    },
    /// ACK/NACK frames waiting behind backpressure when their connection ended were dropped (the
    /// broker redelivers their messages).
    AcksDropped {
        /// How many.
        count: usize,
    },
    /// A graceful or forced disconnect the user asked for has finished.
    Disconnected {
        /// Whether the broker confirmed it: the RECEIPT for DISCONNECT arrived. False when the
        /// disconnect was forced, timed out, or the connection ended otherwise first (stompjs
        /// calls `onDisconnect` only when true).
        confirmed: bool,
    },
    /// A reconnect attempt will start at `at`.
    ReconnectScheduled {
        /// Attempt number in the current streak (1 for the first).
        attempt: u32,
        /// Milliseconds from now.
        delay: Millis,
        /// When it will start.
        at: Millis,
    },
    /// Reconnecting gave up after `attempts` attempts; the session is [`State::Failed`].
    ReconnectFailed {
        /// Attempts made in the streak.
        attempts: u32,
    },
}

/// Negotiated heart-beat intervals (spec §"Heart-beating").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NegotiatedHeartbeat {
    /// We send an EOL when nothing else went out for this long (0 = never).
    pub outgoing: Millis,
    /// We expect something from the broker at least this often (0 = never checked).
    pub incoming: Millis,
}

/// Why a connect attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectFailure {
    /// The broker answered CONNECT with ERROR (bad credentials, unknown host, …).
    Error(Frame),
    /// No CONNECTED within `connection_timeout`.
    Timeout,
    /// The transport closed before CONNECTED.
    Closed(CloseInfo),
    /// The broker's bytes broke the protocol before CONNECTED.
    Protocol(ParseError),
    /// The CONNECT frame could not be encoded (a connect header holds a line break).
    InvalidConnectHeaders(EncodeError),
    /// CONNECTED named a version CONNECT did not offer (or had no `version` header, which means
    /// 1.0, when 1.0 was not offered).
    VersionNotOffered {
        /// The `version` header, if any.
        version: Option<String>,
    },
}

impl ConnectFailure {
    /// The failure as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        let mut text = String::new();
        match self {
            ConnectFailure::Error(frame) => {
                text.push_str("the broker refused the connection: ");
                text.push_str(frame.headers.get("message").unwrap_or("ERROR"));
            }
            ConnectFailure::Timeout => text.push_str("no CONNECTED within connectionTimeout"),
            ConnectFailure::Closed(info) => {
                text.push_str("the transport closed before CONNECTED (code ");
                push_decimal(&mut text, u64::from(info.code));
                if !info.reason.is_empty() {
                    text.push_str(": ");
                    text.push_str(&info.reason);
                }
                text.push(')');
            }
            ConnectFailure::Protocol(error) => return error.message(),
            ConnectFailure::InvalidConnectHeaders(error) => {
                text.push_str("connect headers: ");
                text.push_str(&error.message());
            }
            ConnectFailure::VersionNotOffered { version } => {
                text.push_str("the broker chose ");
                match version {
                    Some(version) => {
                        text.push_str("STOMP version '");
                        text.push_str(version);
                        text.push('\'');
                    }
                    None => text.push_str("STOMP 1.0 (no version header)"),
                }
                text.push_str(", which was not offered");
            }
        }
        text
    }
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ConnectFailure {}

/// How a transport closed, as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CloseInfo {
    /// The WebSocket close code (1006 when the connection dropped).
    pub code: u16,
    /// The close reason, if any.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub clean: bool,
}

/// Why the session closes the transport (a driver may close it differently for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// An ordinary close (a finished disconnect, an ERROR, a protocol error, a suspension).
    Normal,
    /// The broker went silent or the network is taken to be dead: heart-beats lost, no CONNECTED
    /// or no DISCONNECT receipt in time, or [`Session::drop_connection`]. A closing handshake may
    /// never complete (stompjs's `discardWebsocketOnCommFailure` discards the socket then).
    ///
    /// [`Session::drop_connection`]: super::Session::drop_connection
    CommunicationFailure,
    /// The application forced it ([`Session::disconnect`] with `force`): discard the socket.
    ///
    /// [`Session::disconnect`]: super::Session::disconnect
    Forced,
}

/// What the driver must do with the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open a transport to `url` (index `index` in the configured URLs), then call `handle_open` or
    /// `handle_close`.
    Open {
        /// Index into `Config::broker_urls`.
        index: usize,
        /// The URL.
        url: String,
    },
    /// Close the transport. The session already treats it as closed: do not report its close.
    Close(CloseReason),
}

/// Bytes to write to the transport: one frame or one heart-beat. Its `Debug` shows the length, not
/// the bytes (the CONNECT frame holds the passcode).
#[derive(Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The encoded frame.
    pub bytes: Vec<u8>,
    /// Send as a binary WebSocket message (a binary body); otherwise text.
    pub binary: bool,
    /// `bytes` is only the head of a SEND made by [`Session::send_head`]: the driver writes them, the
    /// body it kept, and a NUL as one text message.
    ///
    /// [`Session::send_head`]: super::Session::send_head
    pub body_follows: bool,
}

impl fmt::Debug for Transmit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transmit")
            .field("len", &self.bytes.len())
            .field("binary", &self.binary)
            .field("body_follows", &self.body_follows)
            .finish()
    }
}
