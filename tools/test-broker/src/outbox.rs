//! How outgoing bytes become WebSocket messages: whole (one frame, one message), tiny (every frame cut
//! into `chunk`-byte messages) or dripped (`chunk` bytes every `interval`). A text message always holds
//! whole characters (a WebSocket text message must be valid UTF-8, and browsers fail the connection
//! otherwise), so a cut is moved forward to the next character boundary; bytes that are not UTF-8 go
//! in binary messages. Pure: the connection asks what is due and sends it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::scenario::WsKind;

/// The pace of outgoing bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// One message per frame.
    Whole,
    /// Every frame in messages of `chunk` bytes, at once.
    Tiny {
        /// Bytes per message.
        chunk: usize,
    },
    /// `chunk` bytes every `interval`.
    Drip {
        /// Bytes per message.
        chunk: usize,
        /// Time between messages.
        interval: Duration,
    },
}

/// One WebSocket message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The payload.
    pub bytes: Vec<u8>,
    /// Binary (else text).
    pub binary: bool,
}

#[derive(Debug)]
struct Piece {
    bytes: Vec<u8>,
    sent: usize,
    binary: bool,
}

/// Bytes waiting to go out, and the pace they go at.
#[derive(Debug)]
pub struct Outbox {
    pace: Pace,
    kind: WsKind,
    queue: VecDeque<Piece>,
    next_drip: Option<Instant>,
}

impl Outbox {
    /// An empty outbox.
    pub fn new(pace: Pace, kind: WsKind) -> Outbox {
        Outbox {
            pace,
            kind,
            queue: VecDeque::new(),
            next_drip: None,
        }
    }

    /// Queues the bytes of one frame (or heart-beat, or raw fault bytes).
    pub fn push(&mut self, bytes: Vec<u8>) {
        let binary = self.kind == WsKind::Binary || std::str::from_utf8(&bytes).is_err();
        self.push_as(bytes, binary);
    }

    /// Queues bytes as one message of the given kind (text falls back to binary if not UTF-8).
    pub fn push_as(&mut self, bytes: Vec<u8>, binary: bool) {
        let binary = binary || std::str::from_utf8(&bytes).is_err();
        if !bytes.is_empty() {
            self.queue.push_back(Piece {
                bytes,
                sent: 0,
                binary,
            });
        }
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The messages to send at `now`.
    pub fn due(&mut self, now: Instant) -> Vec<Outgoing> {
        let mut out = Vec::new();
        match self.pace {
            Pace::Whole => {
                for piece in self.queue.drain(..) {
                    out.push(Outgoing {
                        bytes: piece.bytes,
                        binary: piece.binary,
                    });
                }
            }
            Pace::Tiny { chunk } => {
                while let Some(message) = self.take(chunk) {
                    out.push(message);
                }
            }
            Pace::Drip { chunk, interval } => {
                if self.next_drip.is_none_or(|at| now >= at) {
                    if let Some(message) = self.take(chunk) {
                        out.push(message);
                        self.next_drip = Some(now + interval);
                    }
                }
            }
        }
        out
    }

    /// The next `chunk` bytes of the first piece (whole characters in text).
    fn take(&mut self, chunk: usize) -> Option<Outgoing> {
        let piece = self.queue.front_mut()?;
        let rest = &piece.bytes[piece.sent..];
        let mut end = chunk.max(1).min(rest.len());
        if !piece.binary {
            while end < rest.len() && (rest[end] & 0b1100_0000) == 0b1000_0000 {
                end += 1;
            }
        }
        let message = Outgoing {
            bytes: rest[..end].to_vec(),
            binary: piece.binary,
        };
        piece.sent += end;
        if piece.sent == piece.bytes.len() {
            self.queue.pop_front();
        }
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payloads(out: &[Outgoing]) -> Vec<&[u8]> {
        out.iter().map(|o| o.bytes.as_slice()).collect()
    }

    #[test]
    fn whole_pace_sends_one_message_per_push() {
        let mut outbox = Outbox::new(Pace::Whole, WsKind::Text);
        outbox.push(b"A\n\n\0".to_vec());
        outbox.push(b"\n".to_vec());
        let out = outbox.due(Instant::now());
        assert_eq!(payloads(&out), [&b"A\n\n\0"[..], b"\n"]);
        assert!(out.iter().all(|o| !o.binary));
        assert!(outbox.is_empty());
    }

    #[test]
    fn tiny_text_messages_hold_whole_characters() {
        let mut outbox = Outbox::new(Pace::Tiny { chunk: 1 }, WsKind::Text);
        outbox.push("a你\0".as_bytes().to_vec());
        let out = outbox.due(Instant::now());
        assert_eq!(payloads(&out), [&b"a"[..], "你".as_bytes(), b"\0"]);
        for message in &out {
            assert!(std::str::from_utf8(&message.bytes).is_ok());
        }
    }

    #[test]
    fn tiny_binary_messages_are_exactly_one_byte() {
        let mut outbox = Outbox::new(Pace::Tiny { chunk: 1 }, WsKind::Binary);
        outbox.push("a你".as_bytes().to_vec());
        let out = outbox.due(Instant::now());
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|o| o.binary && o.bytes.len() == 1));
    }

    #[test]
    fn bytes_that_are_not_utf8_go_binary_even_in_text_mode() {
        let mut outbox = Outbox::new(Pace::Whole, WsKind::Text);
        outbox.push(vec![0xff, 0x00]);
        assert!(outbox.due(Instant::now())[0].binary);
    }

    #[test]
    fn a_drip_sends_one_chunk_per_interval() {
        let interval = Duration::from_millis(100);
        let mut outbox = Outbox::new(Pace::Drip { chunk: 2, interval }, WsKind::Text);
        outbox.push(b"abcde".to_vec());
        let t0 = Instant::now();
        assert_eq!(payloads(&outbox.due(t0)), [b"ab"]);
        assert!(outbox.due(t0 + Duration::from_millis(50)).is_empty());
        assert_eq!(payloads(&outbox.due(t0 + interval)), [b"cd"]);
        assert_eq!(payloads(&outbox.due(t0 + 2 * interval)), [b"e"]);
        assert!(outbox.is_empty());
    }
}
