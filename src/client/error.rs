//! [`Error`]: the one error type of the Rust client API. Its sentences are the session's fmt-free
//! `message()`s (the same words the JS package throws), with `Display` and `core::error::Error`
//! on top.

use alloc::string::String;
use core::fmt;

use crate::session::{CommandError, ReceiptError};

/// Why a client call failed, or why a publish will not complete as asked.
///
/// ```
/// use stomp_wasm::client::Error;
/// use stomp_wasm::session::{CommandError, ReceiptError};
///
/// let refused = Error::from(CommandError::MissingHeader("destination"));
/// assert_eq!(refused.to_string(), "missing header 'destination'");
/// let lost = Error::Receipt(ReceiptError::Timeout);
/// assert_eq!(lost.message(), "receipt timed out (receiptTimeout)");
/// // It is a std error, with the session's error as its source.
/// let source = std::error::Error::source(&refused).map(|e| e.to_string());
/// assert_eq!(source.as_deref(), Some("missing header 'destination'"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A [`Config`](super::Config) value is out of range: nothing was changed.
    Config {
        /// The field, as written in Rust (`heartbeat.tolerance`).
        field: &'static str,
        /// What it must be.
        problem: &'static str,
    },
    /// The session refused the command: nothing was sent or queued.
    Command(CommandError),
    /// The RECEIPT asked for will never come (timed out, connection lost, frame discarded, or the
    /// broker answered with ERROR). The frame may or may not have reached the broker, except for
    /// [`ReceiptError::Discarded`]: it was never sent.
    Receipt(ReceiptError),
    /// The frame waited in the queue and was given up before it was written
    /// ([`deactivate`](super::Client::deactivate), or reconnecting gave up).
    Discarded,
    /// The client was dropped before the answer came.
    ClientDropped,
    /// The client was called while it was busy handing over an event: only a bug in this crate
    /// can cause it.
    Busy,
}

impl Error {
    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        match self {
            Error::Config { field, problem } => {
                let mut text = String::from("config: ");
                text.push_str(field);
                text.push(' ');
                text.push_str(problem);
                text
            }
            Error::Command(error) => error.message(),
            Error::Receipt(error) => error.message(),
            Error::Discarded => String::from(
                "the frame was discarded before it was written (deactivate, or reconnecting gave up)",
            ),
            Error::ClientDropped => String::from("the client was dropped"),
            Error::Busy => String::from("the client was called while it was busy"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Command(error) => Some(error),
            Error::Receipt(error) => Some(error),
            _ => None,
        }
    }
}

impl From<CommandError> for Error {
    fn from(error: CommandError) -> Self {
        Error::Command(error)
    }
}

impl From<ReceiptError> for Error {
    fn from(error: ReceiptError) -> Self {
        Error::Receipt(error)
    }
}

#[cfg(target_arch = "wasm32")]
impl From<crate::web::DriverError> for Error {
    fn from(error: crate::web::DriverError) -> Self {
        match error {
            crate::web::DriverError::Command(error) => Error::Command(error),
            crate::web::DriverError::Reentrant => Error::Busy,
        }
    }
}
