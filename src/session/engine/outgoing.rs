//! Frames going out: encoding for the negotiated version, receipts registered as they are written,
//! the offline queue, ACK/NACK forms per version, transactions.

use super::*;

impl Session {
    pub(super) fn dispatch(
        &mut self,
        now: Millis,
        item: Queued,
    ) -> Result<SendOutcome, CommandError> {
        let frame = match &item {
            Queued::Send { frame, .. } => frame,
            Queued::Ack(request) => &request.frame,
        };
        if let Some(tx) = frame.headers.get("transaction") {
            if !self.transactions.contains_key(tx) {
                return Err(CommandError::UnknownTransaction(tx.to_owned()));
            }
        }
        let retain = matches!(item, Queued::Send { retain: true, .. });
        if retain {
            // At-least-once frames are bounded like the queue, written or not.
            let (frames, bytes) = self.held();
            if frames >= self.config.max_queued_frames {
                return Err(CommandError::QueueFull {
                    limit: "max_queued_frames",
                });
            }
            if bytes + item.size() > self.config.max_queued_bytes {
                return Err(CommandError::QueueFull {
                    limit: "max_queued_bytes",
                });
            }
        }
        // Connected and free to write, with nothing queued before it: now. Otherwise it waits, in
        // order: while (re)connecting, or while the transport is congested.
        let wait = self.congested || self.queue.len() > 0;
        match self.state {
            State::Connected if !wait => {
                self.claim_receipt(&frame.headers)?;
                self.write_queued(now, &item).map(|()| SendOutcome::Sent)
            }
            State::Connected | State::Connecting | State::Reconnecting => {
                let waiting_for_a_connection = self.state != State::Connected;
                if waiting_for_a_connection && !self.config.queue_while_disconnected && !retain {
                    return Err(CommandError::NotConnected);
                }
                self.claim_receipt(&frame.headers)?;
                if let Queued::Send {
                    frame,
                    skip_content_length,
                    ..
                } = &item
                {
                    self.check_encodable(frame.command, &frame.headers)?;
                    if *skip_content_length && memchr::memchr(0, &frame.body).is_some() {
                        return Err(crate::frame::EncodeError::NulInBodyWithoutContentLength.into());
                    }
                }
                // The retained frames share the bounds.
                let max_frames = self
                    .config
                    .max_queued_frames
                    .saturating_sub(self.retained.len());
                let max_bytes = self
                    .config
                    .max_queued_bytes
                    .saturating_sub(self.retained.bytes());
                self.queue.push(item, max_frames, max_bytes)?;
                Ok(SendOutcome::Queued)
            }
            _ => Err(self.invalid(match frame.command {
                Command::Send => "send",
                Command::Ack => "ack",
                _ => "nack",
            })),
        }
    }

    pub(super) fn ack_or_nack(
        &mut self,
        now: Millis,
        command: Command,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        let mut frame = Frame::new(command);
        for (name, value) in headers.iter() {
            if !matches!(name, "id" | "message-id" | "subscription") {
                frame.headers.push(name, value);
            }
        }
        let request = AckRequest {
            command,
            ack: target.ack,
            message_id: target.message_id,
            subscription: target.subscription,
            frame,
        };
        self.dispatch(now, Queued::Ack(request))
    }

    /// The ACK/NACK frame for the negotiated version.
    pub(super) fn ack_frame(&self, request: &AckRequest) -> Result<Frame, CommandError> {
        let version = self.version.unwrap_or(Version::V1_2);
        let mut headers = match version {
            Version::V1_2 => {
                Headers::new().with("id", request.ack.as_deref().unwrap_or(&request.message_id))
            }
            Version::V1_1 => Headers::new()
                .with("message-id", &request.message_id)
                .with("subscription", &request.subscription),
            Version::V1_0 if request.command == Command::Nack => {
                return Err(CommandError::NackUnsupported)
            }
            Version::V1_0 => Headers::new().with("message-id", &request.message_id),
        };
        for (name, value) in request.frame.headers.iter() {
            headers.push(name, value);
        }
        Ok(Frame {
            command: request.command,
            headers,
            body: Vec::new(),
        })
    }

    pub(super) fn transaction_frame(
        &mut self,
        now: Millis,
        command: Command,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        let mut frame = Frame::new(command).header("transaction", id);
        for (name, value) in headers.iter().filter(|(n, _)| *n != "transaction") {
            frame.headers.push(name, value);
        }
        self.claim_receipt(&frame.headers)?;
        self.write_frame(now, &frame, false, false)
    }

    pub(super) fn end_transaction(
        &mut self,
        now: Millis,
        command: Command,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        self.require_connected(match command {
            Command::Commit => "commit",
            _ => "abort",
        })?;
        if !self.transactions.contains_key(id) {
            return Err(CommandError::UnknownTransaction(id.to_owned()));
        }
        self.transaction_frame(now, command, id, headers)?;
        self.transactions.remove(id);
        Ok(())
    }

    /// Encodes `frame` for the negotiated version and queues it for the transport; registers its
    /// receipt, if it asks for one, with a deadline from now.
    pub(super) fn write_frame(
        &mut self,
        now: Millis,
        frame: &Frame,
        binary: bool,
        skip_content_length: bool,
    ) -> Result<(), CommandError> {
        let options = EncodeOptions {
            version: self.version.unwrap_or(Version::V1_2),
            skip_content_length,
        };
        let mut bytes = Vec::new();
        encode(
            frame.command,
            &frame.headers,
            &frame.body,
            options,
            &mut bytes,
        )?;
        if frame.command != Command::Disconnect {
            self.track_receipt(now, &frame.headers);
        }
        self.push_transmit(now, bytes, binary);
        Ok(())
    }

    /// Registers the `receipt` of a frame being written, with a deadline from now (none for an
    /// at-least-once frame: it is given up only with the session's queue).
    pub(super) fn track_receipt(&mut self, now: Millis, headers: &Headers) {
        if let Some(id) = headers.get("receipt") {
            let timeout = self.config.receipt_timeout;
            let deadline =
                (timeout > 0 && !self.retained.contains(id)).then(|| now.saturating_add(timeout));
            self.receipts.insert(id.to_owned(), Waiter::User, deadline);
        }
    }

    /// Frames and bytes the session holds for the application: queued, and retained (at-least-once).
    pub(super) fn held(&self) -> (usize, usize) {
        (
            self.queue.len() + self.retained.len(),
            self.queue.bytes() + self.retained.bytes(),
        )
    }

    pub(super) fn push_transmit(&mut self, now: Millis, bytes: Vec<u8>, binary: bool) {
        self.last_sent = now;
        self.transmits.push_back(Transmit {
            bytes,
            binary,
            body_follows: false,
        });
    }

    /// Refuses a frame that some offered version could not encode, so that a queued frame or a
    /// subscription never fails later, whatever version the next CONNECTED names: the strictest
    /// offered version decides (1.0 escapes nothing; 1.1 has no `\r`), even while connected under a
    /// laxer one (the next connection may be to an older broker).
    pub(super) fn check_encodable(
        &self,
        command: Command,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        let mut scratch = Vec::new();
        encode(
            command,
            headers,
            &[],
            EncodeOptions::new(self.strictest_offered()),
            &mut scratch,
        )?;
        Ok(())
    }

    /// The `receipt` header of a command about to be sent or queued, checked not to be pending.
    pub(super) fn claim_receipt(&self, headers: &Headers) -> Result<Option<String>, CommandError> {
        match headers.get("receipt") {
            Some(id) if self.receipt_in_use(id) => {
                Err(CommandError::DuplicateReceipt(id.to_owned()))
            }
            other => Ok(other.map(str::to_owned)),
        }
    }

    pub(super) fn receipt_in_use(&self, id: &str) -> bool {
        self.receipts.contains(id)
            || self.queue.has_receipt(id)
            || self.subscriptions.has_receipt(id)
            || self.retained.contains(id)
    }

    pub(super) fn require_connected(&self, command: &'static str) -> Result<(), CommandError> {
        match self.state {
            State::Connected => Ok(()),
            State::Connecting | State::Reconnecting => Err(CommandError::NotConnected),
            _ => Err(self.invalid(command)),
        }
    }

    pub(super) fn invalid(&self, command: &'static str) -> CommandError {
        CommandError::InvalidState {
            command,
            state: self.state,
        }
    }
}
