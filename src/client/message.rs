//! What the broker sends that a caller holds on to: [`Message`] (a MESSAGE frame, from a
//! [`Subscription`](super::Subscription)) and [`Receipt`] (a RECEIPT frame, completing a publish).
//! Each owns the session's [`Frame`] and lends out its parts: the body as `&[u8]` or `&str` with no
//! copy.

use crate::frame::{Frame, Headers};
use crate::session::AckTarget;

/// A MESSAGE from the broker. It owns the parsed frame: [`body`](Message::body) and
/// [`text`](Message::text) borrow from it, with no copy.
///
/// ```
/// use stomp_wasm::client::Message;
/// use stomp_wasm::frame::{Command, Frame};
///
/// // Subscriptions hand these out; a test of your own code can make one from a frame.
/// let message = Message::from(
///     Frame::new(Command::Message)
///         .header("destination", "/topic/chat")
///         .header("message-id", "m-1")
///         .header("subscription", "sub-0")
///         .body("你好 👋"),
/// );
/// assert_eq!(message.text(), Some("你好 👋"));
/// assert_eq!(message.body().len(), 11);
/// assert_eq!(message.destination(), Some("/topic/chat"));
/// assert_eq!(message.subscription(), Some("sub-0"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    frame: Frame,
    /// The connection that delivered it (`None`: made by the application, e.g. with `From`): an
    /// ACK or NACK of it is sent only on that connection.
    connection: Option<u64>,
    /// Messages of its subscription dropped just before it (an `ack: auto` stream that was full).
    missed_before: u64,
}

impl Message {
    /// The body's bytes.
    pub fn body(&self) -> &[u8] {
        &self.frame.body
    }

    /// The body as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        core::str::from_utf8(&self.frame.body).ok()
    }

    /// The headers, in the order the broker sent them (repeated names kept; a lookup returns the
    /// first, as the spec says).
    pub fn headers(&self) -> &Headers {
        &self.frame.headers
    }

    /// One header's value (the first of that name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.frame.headers.get(name)
    }

    /// The `destination` header.
    pub fn destination(&self) -> Option<&str> {
        self.header("destination")
    }

    /// The `subscription` header: the id of the [`Subscription`](super::Subscription).
    pub fn subscription(&self) -> Option<&str> {
        self.header("subscription")
    }

    /// The `message-id` header.
    pub fn message_id(&self) -> Option<&str> {
        self.header("message-id")
    }

    /// The `content-type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The whole frame.
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    /// The frame, taken out (no copy).
    pub fn into_frame(self) -> Frame {
        self.frame
    }

    /// How many messages of its [`Subscription`](super::Subscription) were dropped just before
    /// this one, because the stream was full ([`Config::subscription_buffer_bytes`]); 0 when none
    /// were. Only an `ack: auto` subscription drops (the broker counts those delivered already);
    /// one with `ack: client` or `client-individual` never does, so this is always 0 there.
    ///
    /// ```
    /// # use stomp_wasm::client::Message;
    /// # use stomp_wasm::frame::{Command, Frame};
    /// fn show(message: &Message) {
    ///     if message.missed_before() > 0 {
    ///         println!("({} prices skipped: the page fell behind)", message.missed_before());
    ///     }
    ///     println!("{}", message.text().unwrap_or("(binary)"));
    /// }
    /// # show(&Message::from(Frame::new(Command::Message)));
    /// ```
    ///
    /// [`Config::subscription_buffer_bytes`]: super::Config::subscription_buffer_bytes
    pub fn missed_before(&self) -> u64 {
        self.missed_before
    }

    /// A message the session delivered on `connection`.
    pub(crate) fn delivered(frame: Frame, connection: u64) -> Message {
        Message {
            frame,
            connection: Some(connection),
            missed_before: 0,
        }
    }

    /// The connection that delivered it (`None`: made by the application).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn connection(&self) -> Option<u64> {
        self.connection
    }

    /// Sets how many messages were dropped just before this one.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn set_missed_before(&mut self, count: u64) {
        self.missed_before = count;
    }

    /// What it weighs in a subscription's buffer: its body and its header text (each header as
    /// `name:value` and its line end), as it came on the wire less the escapes.
    pub(crate) fn weight(&self) -> usize {
        let headers: usize = self
            .frame
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum();
        self.frame.body.len() + headers
    }

    /// What ACK and NACK name.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn ack_target(&self) -> AckTarget {
        let mut target = AckTarget::of(&self.frame, 0);
        target.connection = self.connection;
        target
    }
}

impl From<Frame> for Message {
    /// A message of the current connection (as stompjs's `ack(messageId, subscriptionId)`).
    fn from(frame: Frame) -> Self {
        Message {
            frame,
            connection: None,
            missed_before: 0,
        }
    }
}

/// The broker's RECEIPT for a publish that asked for one (or an at-least-once publish).
///
/// ```
/// use stomp_wasm::client::Receipt;
/// use stomp_wasm::frame::{Command, Frame};
/// let receipt = Receipt::from(Frame::new(Command::Receipt).header("receipt-id", "r-1"));
/// assert_eq!(receipt.id(), Some("r-1"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    frame: Frame,
}

impl Receipt {
    /// The `receipt-id` header: the `receipt` header of the frame it confirms.
    pub fn id(&self) -> Option<&str> {
        self.frame.headers.get("receipt-id")
    }

    /// The RECEIPT frame's headers.
    pub fn headers(&self) -> &Headers {
        &self.frame.headers
    }

    /// The whole frame.
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    /// The frame, taken out.
    pub fn into_frame(self) -> Frame {
        self.frame
    }
}

impl From<Frame> for Receipt {
    fn from(frame: Frame) -> Self {
        Receipt { frame }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Command;

    #[test]
    fn a_message_weighs_its_body_and_its_header_text() {
        let message = Message::delivered(
            Frame::new(Command::Message)
                .header("destination", "/queue/a") // 20 + line end
                .header("message-id", "m-1") // 14 + line end
                .header("subscription", "s") // 14 + line end
                .body("hello"),
            1,
        );
        assert_eq!(message.weight(), 21 + 15 + 15 + 5);
        assert_eq!(message.missed_before(), 0);
        assert_eq!(Message::from(Frame::new(Command::Message)).weight(), 0);
    }
}
