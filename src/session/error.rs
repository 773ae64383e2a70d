//! Session errors: why a command was refused, and why a receipt failed. Commands fail synchronously
//! with [`CommandError`]; receipts fail later, through an event carrying [`ReceiptError`].

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
    /// The offline queue is full: it holds `max_queued_frames` frames or `max_queued_bytes` bytes.
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

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::InvalidState { command, state } => {
                write!(f, "{command} is not allowed while the client is {state}")
            }
            CommandError::NotConnected => f.write_str(
                "not connected (queueWhileDisconnected is off, so the frame was not queued)",
            ),
            CommandError::QueueFull { limit } => {
                write!(
                    f,
                    "offline queue is full ({limit} reached); frame not queued"
                )
            }
            CommandError::Encode(error) => error.fmt(f),
            CommandError::NackUnsupported => f.write_str("NACK is not part of STOMP 1.0"),
            CommandError::UnknownSubscription(id) => write!(f, "no subscription with id '{id}'"),
            CommandError::DuplicateSubscription(id) => {
                write!(f, "a subscription with id '{id}' already exists")
            }
            CommandError::UnknownTransaction(id) => {
                write!(f, "no open transaction with id '{id}'")
            }
            CommandError::DuplicateTransaction(id) => {
                write!(f, "a transaction with id '{id}' is already open")
            }
            CommandError::DuplicateReceipt(id) => {
                write!(f, "a receipt with id '{id}' is already pending")
            }
            CommandError::NoBrokerUrl => f.write_str("no broker URL configured (brokerURL)"),
            CommandError::MissingHeader(name) => write!(f, "missing header '{name}'"),
        }
    }
}

impl std::error::Error for CommandError {}

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

impl fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiptError::Timeout => f.write_str("receipt timed out (receiptTimeout)"),
            ReceiptError::ConnectionLost => {
                f.write_str("connection lost before the receipt arrived")
            }
            ReceiptError::Discarded => {
                f.write_str("frame discarded from the offline queue before it was sent")
            }
            ReceiptError::Error(frame) => write!(
                f,
                "broker answered with ERROR: {}",
                frame
                    .headers
                    .get("message")
                    .unwrap_or("(no message header)")
            ),
        }
    }
}

impl std::error::Error for ReceiptError {}
