//! Session errors: why a command was refused, and why a receipt failed. Commands fail synchronously
//! with [`CommandError`]; receipts fail later, through an event carrying [`ReceiptError`]. Each has a
//! `message()` built without `core::fmt` (for a size-minded driver); `Display` writes it.

use alloc::string::String;
use core::fmt;

use crate::frame::{EncodeError, Frame, Limit};

use super::state::State;

/// Why a command was refused. Nothing was sent or queued.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandError {
    /// The command is not allowed in this state (e.g. `subscribe` after `disconnect`).
    InvalidState {
        /// The command.
        command: &'static str,
        /// The state it was tried in.
        state: State,
    },
    /// Not connected: the offline queue is off (SEND), or the command needs a connection (ACK,
    /// NACK, BEGIN, COMMIT, ABORT).
    NotConnected,
    /// A bound on what the client holds would be passed: the frames waiting for a connection
    /// (`max_queued_frames`, `max_queued_bytes`; only publishes made while not connected are
    /// refused by them) or the at-least-once frames awaiting their RECEIPT
    /// (`max_unconfirmed_bytes`).
    QueueFull {
        /// Which bound: `"max_queued_frames"`, `"max_queued_bytes"` or `"max_unconfirmed_bytes"`.
        limit: &'static str,
    },
    /// The frame is larger than this client accepts on receipt (its [`Limits`]): the broker would
    /// deliver a MESSAGE this client must refuse.
    ///
    /// [`Limits`]: crate::frame::Limits
    TooLarge(Limit),
    /// The message was delivered on a connection that has ended: an ACK or NACK of it would apply
    /// to another message of the current connection (RabbitMQ's delivery tags restart per
    /// connection). Nothing was sent; the broker redelivers unacknowledged messages.
    StaleAck,
    /// The message's subscription acknowledges automatically (`ack: auto`): there is nothing to
    /// ACK or NACK, and brokers close the connection on it. Nothing was sent.
    AutoAck(String),
    /// The frame cannot be encoded.
    Encode(EncodeError),
    /// This header cannot be written in the version in use.
    Header(String, EncodeError),
    /// NACK does not exist in STOMP 1.0.
    NackUnsupported,
    /// No subscription with this id.
    UnknownSubscription(String),
    /// A subscription with this id already exists.
    DuplicateSubscription(String),
    /// No open transaction with this id (it may have been aborted by a disconnect).
    UnknownTransaction(String),
    /// A transaction with this id is already open.
    DuplicateTransaction(String),
    /// A receipt with this id is already pending.
    DuplicateReceipt(String),
    /// No broker URL is configured.
    NoBrokerUrl,
    /// A required header is missing or empty (e.g. `destination`).
    MissingHeader(&'static str),
}

impl CommandError {
    /// A stable name for the kind of error, for code that must tell errors apart (the JS edge
    /// sets it as the `code` of the `Error` it throws).
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::InvalidState { .. } => "INVALID_STATE",
            CommandError::NotConnected => "NOT_CONNECTED",
            CommandError::QueueFull { .. } => "QUEUE_FULL",
            CommandError::TooLarge(_) => "FRAME_TOO_LARGE",
            CommandError::StaleAck => "STALE_ACK",
            CommandError::AutoAck(_) => "AUTO_ACK",
            CommandError::Encode(_) | CommandError::Header(..) => "UNENCODABLE",
            CommandError::NackUnsupported => "NACK_UNSUPPORTED",
            CommandError::UnknownSubscription(_) => "UNKNOWN_SUBSCRIPTION",
            CommandError::DuplicateSubscription(_) => "DUPLICATE_SUBSCRIPTION",
            CommandError::UnknownTransaction(_) => "UNKNOWN_TRANSACTION",
            CommandError::DuplicateTransaction(_) => "DUPLICATE_TRANSACTION",
            CommandError::DuplicateReceipt(_) => "DUPLICATE_RECEIPT",
            CommandError::NoBrokerUrl => "NO_BROKER_URL",
            CommandError::MissingHeader(_) => "MISSING_HEADER",
        }
    }

    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        let mut text = String::new();
        let quoted = |text: &mut String, before: &str, id: &str, after: &str| {
            text.push_str(before);
            text.push('\'');
            text.push_str(id);
            text.push('\'');
            text.push_str(after);
        };
        match self {
            CommandError::InvalidState { command, state } => {
                if !matches!(*command, "connect" | "reconnect_now") {
                    // stompjs's words for every frame command without a connection: code written
                    // for it matches them.
                    text.push_str("There is no underlying STOMP connection: ");
                }
                text.push_str(command);
                text.push_str(" is not allowed while the client is ");
                text.push_str(state.as_str());
            }
            CommandError::NotConnected => text.push_str("There is no underlying STOMP connection"),
            CommandError::QueueFull { limit } => {
                text.push_str("the client holds as much as it may (");
                text.push_str(limit);
                text.push_str(" reached); frame not accepted");
            }
            CommandError::TooLarge(limit) => {
                text.push_str("the frame exceeds ");
                text.push_str(limit.name());
                text.push_str(", which this client applies to what it receives: the broker would deliver a message no client with these limits can read");
            }
            CommandError::StaleAck => text.push_str(
                "the message was delivered on a connection that has ended: not acknowledged (the broker redelivers it)",
            ),
            CommandError::AutoAck(id) => quoted(
                &mut text,
                "subscription ",
                id,
                " acknowledges automatically (ack: auto): nothing to ACK or NACK",
            ),
            CommandError::Encode(error) => return error.message(),
            CommandError::Header(name, error) => {
                quoted(&mut text, "header ", name, ": ");
                text.push_str(&error.message());
            }
            CommandError::NackUnsupported => text.push_str("NACK is not part of STOMP 1.0"),
            CommandError::UnknownSubscription(id) => {
                quoted(&mut text, "no subscription with id ", id, "")
            }
            CommandError::DuplicateSubscription(id) => {
                quoted(&mut text, "a subscription with id ", id, " already exists")
            }
            CommandError::UnknownTransaction(id) => {
                quoted(&mut text, "no open transaction with id ", id, "")
            }
            CommandError::DuplicateTransaction(id) => {
                quoted(&mut text, "a transaction with id ", id, " is already open")
            }
            CommandError::DuplicateReceipt(id) => {
                quoted(&mut text, "a receipt with id ", id, " is already pending")
            }
            CommandError::NoBrokerUrl => text.push_str("no broker URL configured (brokerURL)"),
            CommandError::MissingHeader(name) => quoted(&mut text, "missing header ", name, ""),
        }
        text
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for CommandError {}

impl From<EncodeError> for CommandError {
    fn from(error: EncodeError) -> Self {
        CommandError::Encode(error)
    }
}

/// Why a receipt will never arrive, or why an accepted frame was given up.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptError {
    /// No RECEIPT within `receipt_timeout`.
    Timeout,
    /// The connection ended first (the frame may or may not have reached the broker).
    ConnectionLost,
    /// The frame was given up before it was written: the client was deactivated (forced, or its
    /// disconnect timed out) or stopped reconnecting while it waited.
    Discarded,
    /// An at-least-once frame was given up: it was the oldest unconfirmed frame when its
    /// connection ended without its RECEIPT this many times in a row (`max_delivery_attempts`) —
    /// the broker refuses it (RabbitMQ closes the connection on a SEND to a missing exchange).
    GivenUp {
        /// Connections that ended with it unconfirmed.
        attempts: u32,
    },
    /// The frame belonged to this transaction, which ended with its connection (the broker
    /// aborts it): it was not written.
    TransactionEnded(String),
    /// The frame cannot be written in the version the new connection negotiated.
    Unwritable(EncodeError),
    /// The broker answered with an ERROR carrying this `receipt-id`.
    Error(Frame),
}

impl ReceiptError {
    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        String::from(match self {
            ReceiptError::Timeout => "receipt timed out (receiptTimeout)",
            ReceiptError::ConnectionLost => "connection lost before the receipt arrived",
            ReceiptError::Discarded => {
                "frame given up before it was written (deactivate, or reconnecting gave up)"
            }
            ReceiptError::GivenUp { attempts } => {
                let mut text = String::from("given up after ");
                crate::frame::push_decimal(&mut text, u64::from(*attempts));
                text.push_str(
                    " attempts: the connection ended each time before its RECEIPT (the broker refuses it)",
                );
                return text;
            }
            ReceiptError::TransactionEnded(id) => {
                let mut text = String::from("the transaction '");
                text.push_str(id);
                text.push_str("' ended with its connection: frame not written");
                return text;
            }
            ReceiptError::Unwritable(error) => return error.message(),
            ReceiptError::Error(frame) => {
                let mut text = String::from("broker answered with ERROR: ");
                text.push_str(
                    frame
                        .headers
                        .get("message")
                        .unwrap_or("(no message header)"),
                );
                return text;
            }
        })
    }
}

impl fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ReceiptError {}
