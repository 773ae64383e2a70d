//! The broker's side of the driver: bytes and frames to the session in chunks, and the MESSAGEs
//! (some over the client's limits) whose handling is checked on the spot.

use super::*;

impl Driver {
    /// The broker sends `bytes` in transport messages of `chunk` octets (0: one message).
    pub(super) fn broker_bytes(&mut self, bytes: &[u8], chunk: u8) {
        // At most 16 messages: a long frame in one-octet chunks would only be slow.
        let size = match chunk {
            0 => bytes.len(),
            n => usize::from(n).max(bytes.len().div_ceil(16)),
        };
        for piece in bytes.chunks(size.max(1)) {
            if !self.open() {
                return;
            }
            self.session.handle_bytes(self.now, piece);
            self.pump();
        }
    }

    /// The broker encodes `frame` in the version it speaks and sends it.
    pub(super) fn broker_send(&mut self, frame: &Frame, chunk: u8) {
        let Some(transport) = self.transport.as_ref().filter(|t| t.open) else {
            return;
        };
        let mut bytes = Vec::new();
        if frame
            .encode(EncodeOptions::new(transport.version), &mut bytes)
            .is_ok()
        {
            bytes.push(b'\n');
            self.broker_bytes(&bytes, chunk);
        }
    }

    /// The broker sends a MESSAGE; the session must take it without ending the connection,
    /// reporting it once (as a message, an unhandled one, or refused when over the limits).
    pub(super) fn broker_message(
        &mut self,
        pick: usize,
        known: bool,
        ack: u8,
        body: usize,
        oversize: Oversize,
        chunk: u8,
    ) {
        let Some(transport) = self.transport.as_ref().filter(|t| t.open) else {
            return self.pump();
        };
        let subscriptions = transport
            .connection
            .map(|c| self.check.subscribed_on(c))
            .unwrap_or_default();
        let subscription = match (known, subscriptions.len()) {
            (true, n) if n > 0 => subscriptions[pick % n].clone(),
            _ => "unknown".to_owned(),
        };
        self.next_message += 1;
        let n = self.next_message;
        let message_id = format!("m-{n}");
        let mut frame = Frame::new(Command::Message)
            .header("destination", "/topic/f")
            .header("message-id", &message_id)
            .header("subscription", &subscription);
        match ack % 3 {
            0 => {}
            1 => frame.headers.push("ack", &format!("a-{n}")),
            _ => frame.headers.push("ack", &format!("a:{n}\\x")),
        }
        let limits = self.session.config().limits;
        let mut size = body % 64;
        match oversize {
            Oversize::No => {}
            Oversize::Headers => {
                for i in 0..limits.max_headers {
                    frame.headers.push(&format!("x-{i}"), "v");
                }
            }
            Oversize::HeadBytes => frame
                .headers
                .push("x-pad", &"p".repeat(limits.max_header_bytes)),
            Oversize::Body => size = limits.max_body_bytes + 1 + body % 100,
        }
        let frame = frame.body(vec![b'b'; size]);
        let state = self.session.state();
        let connection = self.session.connection();
        let clean = transport.clean;
        self.step_events.clear();
        self.broker_send(&frame, chunk);
        self.pump();
        if !clean || !matches!(state, State::Connected | State::Disconnecting) {
            return;
        }
        // The suspension rule runs first: a hide old enough means there was no transport.
        let suspended = self
            .step_events
            .iter()
            .any(|e| matches!(e, Event::TransportClosed(info) if info.code == 1001 && !info.clean));
        if suspended {
            return;
        }
        let rule = match oversize {
            Oversize::No => "MESSAGE within the limits kept the connection",
            _ => "MESSAGE over the limits refused, the connection kept",
        };
        *self.check.counts.entry(rule).or_default() += 1;
        let mut reports = 0;
        for event in &self.step_events {
            let (got, refused) = match event {
                Event::Message { frame, .. } | Event::UnhandledMessage(frame) => (frame, None),
                Event::MessageRefused { frame, limit, .. } => (frame, Some(*limit)),
                Event::TransportClosed(_) | Event::ProtocolError(_) => panic!(
                    "a MESSAGE ({oversize:?}) ended the connection: {:?}",
                    self.step_events
                ),
                _ => continue,
            };
            if got.headers.get("message-id") != Some(message_id.as_str()) {
                continue;
            }
            reports += 1;
            let expected = match oversize {
                Oversize::No => None,
                Oversize::Headers => Some(stomp_wasm::frame::Limit::Headers),
                Oversize::HeadBytes => Some(stomp_wasm::frame::Limit::HeaderBytes),
                Oversize::Body => Some(stomp_wasm::frame::Limit::BodyBytes),
            };
            assert_eq!(
                refused, expected,
                "MESSAGE {message_id} reported as {event:?}"
            );
            for name in ["subscription", "ack"] {
                assert_eq!(
                    got.headers.get(name),
                    frame.headers.get(name),
                    "the {name} header of {event:?}"
                );
            }
        }
        assert_eq!(
            reports, 1,
            "MESSAGE {message_id} reported {reports} times: {:?}",
            self.step_events
        );
        assert!(self.transport.is_some(), "a MESSAGE closed the transport");
        assert_eq!(self.session.connection(), connection);
        assert_eq!(self.session.state(), state);
    }
}
