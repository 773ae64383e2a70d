//! The STOMP codec: a streaming parser and an encoder, for STOMP 1.2 with 1.1 and 1.0 behaviour
//! selected by the negotiated version.
//!
//! This module owns the wire format and nothing else: no JS, no I/O, no clock. It never panics on any
//! input and never buffers more than its [`Limits`] allow. The session (`crate::session`) decides what
//! to send and when; this module only turns frames into bytes and bytes into frames.
//!
//! ```
//! use stomp_wasm::frame::{Command, EncodeOptions, Frame, Item, Parser, Version};
//!
//! let frame = Frame::new(Command::Message)
//!     .header("destination", "/topic/chat")
//!     .header("subscription", "sub-0")
//!     .body("你好 👋");
//! let mut bytes = Vec::new();
//! frame.encode(EncodeOptions::new(Version::V1_2), &mut bytes).unwrap();
//!
//! let mut parser = Parser::new();
//! for byte in &bytes {
//!     parser.push(std::slice::from_ref(byte)).unwrap(); // any chunking gives the same frames
//! }
//! let Some(Item::Frame(parsed)) = parser.next_item() else { panic!("no frame") };
//! assert_eq!(parsed.body_text(), Ok("你好 👋"));
//! assert_eq!(parsed.headers.get("content-length"), Some("11")); // added by the encoder
//! assert_eq!(parsed.headers.get("subscription"), frame.headers.get("subscription"));
//! ```

mod command;
mod decimal;
mod encoder;
mod error;
mod escape;
mod headers;
mod limits;
mod parser;
mod version;

use alloc::vec::Vec;

pub use command::Command;
pub(crate) use decimal::numbered;
pub use decimal::push_decimal;
pub use encoder::{encode, encode_head, encode_send_head, EncodeOptions, HEARTBEAT};
pub use error::{EncodeError, ParseError};
pub use headers::Headers;
pub use limits::{Limit, Limits};
pub use parser::{Parser, NAMING_HEADERS};
pub use version::Version;

/// One STOMP frame: a command, ordered headers, and the body as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The command line.
    pub command: Command,
    /// Headers in frame order, unescaped.
    pub headers: Headers,
    /// The body octets (NULs allowed when the frame is counted by `content-length`).
    pub body: Vec<u8>,
}

impl Frame {
    /// A frame with no headers and no body.
    pub fn new(command: Command) -> Frame {
        Frame {
            command,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// Appends a header (builder style).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Frame {
        self.headers.push(name, value);
        self
    }

    /// Sets the body (builder style).
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Frame {
        self.body = body.into();
        self
    }

    /// The body as text, without copying; an error if it is not UTF-8.
    pub fn body_text(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(&self.body)
    }

    /// Appends this frame's bytes to `out`; see [`encode`].
    pub fn encode(&self, options: EncodeOptions, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode(self.command, &self.headers, &self.body, options, out)
    }
}

/// What the parser yields: a frame, a heart-beat (an EOL between frames), or a frame it skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A complete frame.
    Frame(Frame),
    /// One EOL (LF or CRLF) between frames.
    Heartbeat,
    /// A frame over the parser's limits, read to its end and dropped; only with
    /// [`Parser::skip_oversized`].
    Skipped(Skipped),
}

/// A frame that exceeded a limit, which the parser read to its end without storing it (with
/// [`Parser::skip_oversized`]), so that the stream goes on and the receiver can still answer the frame
/// (ack or nack a MESSAGE): what could be kept of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The command line.
    pub command: Command,
    /// In frame order, unescaped: the headers read before the frame exceeded a limit (all of them when
    /// it was the body), then, from the lines after, the first of each of the [`NAMING_HEADERS`] not
    /// among those yet, when its line is at most 1 KiB.
    pub headers: Headers,
    /// The first limit the frame exceeded.
    pub limit: Limit,
}
