//! [`Publish`]: one message to send, built up by value and handed to
//! [`Client::publish`](super::Client::publish) (or a transaction's).

use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::Headers;

use super::config::Delivery;

/// A message to publish: destination, body, headers, and how to deliver it.
///
/// ```
/// use stomp_wasm::client::{Delivery, Publish};
///
/// let text = Publish::new("/topic/chat", "你好").header("x-room", "7").with_receipt();
/// assert_eq!(text.body(), "你好".as_bytes());
/// assert!(text.receipt_requested());
///
/// let bytes = Publish::new("/queue/jobs", vec![0u8, 1, 2]).delivery(Delivery::AtLeastOnce);
/// assert_eq!(bytes.destination(), "/queue/jobs");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a Publish does nothing until given to Client::publish"]
pub struct Publish {
    pub(crate) destination: String,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
    pub(crate) receipt: bool,
    pub(crate) delivery: Option<Delivery>,
    pub(crate) binary: bool,
    pub(crate) skip_content_length: bool,
}

impl Publish {
    /// A message for `destination`: a `&str`/`String` body goes as text (a WebSocket text message),
    /// a `Vec<u8>`/`&[u8]` one as text too if it is UTF-8, else as binary; see
    /// [`binary`](Publish::binary).
    pub fn new(destination: impl Into<String>, body: impl Into<Vec<u8>>) -> Publish {
        Publish {
            destination: destination.into(),
            headers: Headers::new(),
            body: body.into(),
            receipt: false,
            delivery: None,
            binary: false,
            skip_content_length: false,
        }
    }

    /// Adds a header (`content-type`, `persistent`, your own…). A `receipt` header asks for a
    /// receipt with that id, as [`with_receipt`](Publish::with_receipt) does with one of its own.
    pub fn header(mut self, name: &str, value: &str) -> Publish {
        self.headers.push(name, value);
        self
    }

    /// Adds every header of `headers`.
    pub fn headers(mut self, headers: &Headers) -> Publish {
        for (name, value) in headers.iter() {
            self.headers.push(name, value);
        }
        self
    }

    /// Asks the broker for a RECEIPT: the publish future completes with it (or fails when it will
    /// not come).
    pub fn with_receipt(mut self) -> Publish {
        self.receipt = true;
        self
    }

    /// This message's delivery guarantee, instead of [`Config::delivery`](super::Config::delivery).
    pub fn delivery(mut self, delivery: Delivery) -> Publish {
        self.delivery = Some(delivery);
        self
    }

    /// Sends the frame as a binary WebSocket message even if the body is UTF-8.
    pub fn binary(mut self) -> Publish {
        self.binary = true;
        self
    }

    /// Leaves out the `content-length` header (for brokers that read a body without one as text).
    pub fn skip_content_length(mut self) -> Publish {
        self.skip_content_length = true;
        self
    }

    /// The destination.
    pub fn destination(&self) -> &str {
        &self.destination
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether a receipt is asked for (by [`with_receipt`](Publish::with_receipt) or a `receipt`
    /// header).
    pub fn receipt_requested(&self) -> bool {
        self.receipt || self.headers.contains("receipt")
    }
}
