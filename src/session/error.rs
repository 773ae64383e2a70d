//! Session errors: why a command was refused, and why a receipt failed. Commands fail synchronously
//! with [`CommandError`]; receipts fail later, through an event carrying [`ReceiptError`]. Each has a
//! `message()` built without `core::fmt` (for a size-minded driver); `Display` writes it.

use alloc::string::String;
use core::fmt;

use crate::frame::{EncodeError, Frame};

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
    /// Not connected, and the offline queue is off.
    NotConnected,
    /// The queue of frames waiting to be written (for a connection, or for the transport to drain)
    /// is full: it holds `max_queued_frames` frames or `max_queued_bytes` bytes.
    QueueFull {
        /// Which bound: `"max_queued_frames"` or `"max_queued_bytes"`.
        limit: &'static str,
    },
    /// The frame cannot be encoded.
    Encode(EncodeError),
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
                text.push_str(command);
                text.push_str(" is not allowed while the client is ");
                text.push_str(state.as_str());
            }
            CommandError::NotConnected => text.push_str(
                "not connected (queueWhileDisconnected is off, so the frame was not queued)",
            ),
            CommandError::QueueFull { limit } => {
                // The JS edge recognises this wording (client.js, isQueueFull).
                text.push_str("queue of unsent frames is full (");
                text.push_str(limit);
                text.push_str(" reached); frame not queued");
            }
            CommandError::Encode(error) => return error.message(),
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

/// Why a receipt will never arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptError {
    /// No RECEIPT within `receipt_timeout`.
    Timeout,
    /// The connection ended first (the frame may or may not have reached the broker).
    ConnectionLost,
    /// The frame was still in the offline queue when the queue was discarded: it was never sent.
    Discarded,
    /// The broker answered with an ERROR carrying this `receipt-id`.
    Error(Frame),
}

impl ReceiptError {
    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        String::from(match self {
            ReceiptError::Timeout => "receipt timed out (receiptTimeout)",
            ReceiptError::ConnectionLost => "connection lost before the receipt arrived",
            ReceiptError::Discarded => "frame discarded from the offline queue before it was sent",
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
