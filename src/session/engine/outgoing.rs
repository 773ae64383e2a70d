//! Frames going out, in issue order: written at once when the connection is free, otherwise into the
//! outbox (behind backpressure, or waiting for a connection), and written from there in order.
//! Encoding for the negotiated version, receipts registered as frames are written, ACK/NACK forms per
//! version, transactions, and the checks every frame passes before it is accepted.

use super::*;
use crate::frame::{Limit, Limits};

impl Session {
    /// Writes `job` now if the connection is free (connected, not held back, nothing waiting before
    /// it), else queues it behind what waits. `connection`: the connection it belongs to, if only
    /// one. The caller has applied the bounds and the state rules.
    pub(super) fn enqueue_or_write(
        &mut self,
        now: Millis,
        job: Job,
        connection: Option<u64>,
    ) -> Result<SendOutcome, CommandError> {
        if self.state == State::Connected
            && self.transport == Transport::Open
            && !self.blocked()
            && self.queue.is_empty()
        {
            self.write_job(now, &job)?;
            return Ok(SendOutcome::Sent);
        }
        self.queue.push(job, connection);
        Ok(SendOutcome::Queued)
    }

    /// Whether queued frames may be written now: on an open connection (frames accepted before a
    /// graceful disconnect are written before its DISCONNECT) that backpressure does not hold.
    fn can_flush(&self) -> bool {
        matches!(self.state, State::Connected | State::Disconnecting)
            && self.transport == Transport::Open
            && !self.blocked()
    }

    /// Writes what waited, in order, while the connection takes it. Entries of another connection
    /// were taken out when it ended (`end_connection`); one the negotiated version cannot write is
    /// given up, reported.
    pub(super) fn flush_queue(&mut self, now: Millis) {
        let mut through = None;
        while self.can_flush() {
            let Some(queued) = self.queue.pop() else {
                break;
            };
            match self.write_job(now, &queued.job) {
                Ok(()) => {
                    if let Job::Send(send) = &queued.job {
                        through = Some(send.ticket);
                    }
                }
                Err(error) => {
                    let error = match error {
                        CommandError::Encode(error) => ReceiptError::Unwritable(error),
                        _ => ReceiptError::Discarded,
                    };
                    self.give_up([queued], error);
                }
            }
        }
        if let Some(through) = through {
            self.events.push_back(Event::Written { through });
        }
    }

    /// Writes one job: a SEND (an at-least-once one kept until its RECEIPT), an ACK/NACK in the
    /// negotiated version's form, a frame as it is, a subscription's SUBSCRIBE from the registry,
    /// or the graceful DISCONNECT.
    pub(super) fn write_job(&mut self, now: Millis, job: &Job) -> Result<(), CommandError> {
        match job {
            Job::Send(send) if send.retain => {
                let receipt = send.frame.headers.get("receipt").unwrap_or_default();
                self.retained.push(Kept {
                    ticket: send.ticket,
                    receipt: receipt.to_owned(),
                    frame: send.frame.clone(),
                    binary: send.binary,
                    skip_content_length: send.skip_content_length,
                    lost_at_front: 0,
                });
                let written = self.write_send(now, send);
                if written.is_err() {
                    self.retained.remove(receipt);
                }
                written
            }
            Job::Send(send) => self.write_send(now, send),
            Job::Ack(request) => {
                let frame = self.ack_frame(request)?;
                self.write_frame(now, &frame, false, false, None)
            }
            Job::Frame(frame) => self.write_frame(now, frame, false, false, None),
            Job::Subscribe { id, serial } => match self.subscriptions.get(id) {
                Some(s) if s.serial == *serial && !s.sent => {
                    let subscription = s.clone();
                    self.send_subscribe(now, &subscription)
                }
                _ => Ok(()),
            },
            Job::Disconnect => self.write_disconnect(now),
        }
    }

    fn write_send(&mut self, now: Millis, send: &SendJob) -> Result<(), CommandError> {
        self.write_frame(
            now,
            &send.frame,
            send.binary,
            send.skip_content_length,
            Some(send.ticket),
        )
    }

    /// Gives queued jobs up: a SEND's publish fails ([`Event::SendFailed`]), a receipt other frames
    /// asked for fails; then one [`Event::QueueDiscarded`] counts the publishes.
    pub(super) fn give_up(
        &mut self,
        jobs: impl IntoIterator<Item = Queued>,
        error: ReceiptError,
    ) -> usize {
        let mut sends = 0;
        let mut acks = 0;
        for queued in jobs {
            match queued.job {
                Job::Send(send) => {
                    sends += 1;
                    let error = match send.frame.headers.get("transaction") {
                        Some(tx) if queued.connection.is_some() => {
                            ReceiptError::TransactionEnded(tx.to_owned())
                        }
                        _ => error.clone(),
                    };
                    self.events.push_back(Event::SendFailed {
                        ticket: send.ticket,
                        receipt: send.frame.headers.get("receipt").map(str::to_owned),
                        error,
                    });
                }
                Job::Ack(request) => {
                    acks += 1;
                    if let Some(id) = request.frame.headers.get("receipt") {
                        self.fail_receipt(id.to_owned(), ReceiptError::ConnectionLost);
                    }
                }
                Job::Frame(frame) => {
                    if let Some(id) = frame.headers.get("receipt") {
                        self.fail_receipt(id.to_owned(), ReceiptError::ConnectionLost);
                    }
                }
                // The registry still has the subscription (restored on the next connection), and a
                // disconnect that is given up ends anyway.
                Job::Subscribe { .. } | Job::Disconnect => {}
            }
        }
        if acks > 0 {
            self.events.push_back(Event::AcksDropped { count: acks });
        }
        if sends > 0 {
            self.events
                .push_back(Event::QueueDiscarded { frames: sends });
        }
        sends
    }

    pub(super) fn ack_or_nack(
        &mut self,
        now: Millis,
        command: Command,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        let stale = target.connection.is_some_and(|c| c != self.connection);
        if stale {
            return Err(CommandError::StaleAck);
        }
        match self.state {
            State::Connected => {}
            State::Connecting | State::Reconnecting if target.connection.is_some() => {
                return Err(CommandError::StaleAck)
            }
            State::Connecting | State::Reconnecting => return Err(CommandError::NotConnected),
            _ => {
                return Err(self.invalid(match command {
                    Command::Ack => "ack",
                    _ => "nack",
                }))
            }
        }
        if command == Command::Nack && self.version == Some(Version::V1_0) {
            return Err(CommandError::NackUnsupported);
        }
        if self
            .subscriptions
            .get(&target.subscription)
            .is_some_and(Subscription::auto_ack)
        {
            return Err(CommandError::AutoAck(target.subscription));
        }
        let mut frame = Frame::new(command);
        for (name, value) in headers.iter() {
            if !matches!(name, "id" | "message-id" | "subscription") {
                frame.headers.push(name, value);
            }
        }
        self.check_transaction(&frame.headers)?;
        self.claim_receipt(&frame.headers)?;
        let request = AckRequest {
            command,
            ack: target.ack,
            message_id: target.message_id,
            subscription: target.subscription,
            frame,
        };
        let connection = Some(self.connection);
        self.enqueue_or_write(now, Job::Ack(request), connection)
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

    /// A BEGIN, COMMIT or ABORT for transaction `id`, in issue order on this connection.
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
        self.check_encodable(command, &frame.headers)?;
        self.claim_receipt(&frame.headers)?;
        let connection = Some(self.connection);
        self.enqueue_or_write(now, Job::Frame(frame), connection)
            .map(drop)
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
        if !self.transactions.contains(id) {
            return Err(CommandError::UnknownTransaction(id.to_owned()));
        }
        self.transaction_frame(now, command, id, headers)?;
        self.transactions.remove(id);
        Ok(())
    }

    /// A frame's `transaction` header names an open transaction (of the current connection).
    pub(super) fn check_transaction(&self, headers: &Headers) -> Result<(), CommandError> {
        match headers.get("transaction") {
            Some(tx) if !self.transactions.contains(tx) => {
                Err(CommandError::UnknownTransaction(tx.to_owned()))
            }
            _ => Ok(()),
        }
    }

    /// Encodes `frame` for the negotiated version and hands it to the transport; registers its
    /// receipt, if it asks for one, with a deadline from now.
    pub(super) fn write_frame(
        &mut self,
        now: Millis,
        frame: &Frame,
        binary: bool,
        skip_content_length: bool,
        ticket: Option<Ticket>,
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
        self.track_receipt(now, &frame.headers, ticket);
        self.push_transmit(now, bytes, binary);
        Ok(())
    }

    /// The graceful DISCONNECT, with a receipt, timed from `disconnect()` (already armed).
    fn write_disconnect(&mut self, now: Millis) -> Result<(), CommandError> {
        let receipt = self.next_receipt_id();
        let mut headers = Headers::new().with("receipt", &receipt);
        for (name, value) in self.config.disconnect_headers.iter() {
            if name != "receipt" {
                headers.push(name, value);
            }
        }
        let frame = Frame {
            command: Command::Disconnect,
            headers,
            body: Vec::new(),
        };
        let options = EncodeOptions::new(self.version.unwrap_or(Version::V1_2));
        let mut bytes = Vec::new();
        if frame.encode(options, &mut bytes).is_err() {
            // A disconnect header this version cannot write: never stay connected for it.
            self.close_transport(CloseReason::Normal);
            self.finish_disconnect(now, false);
            return Ok(());
        }
        self.receipts
            .insert(receipt, Waiter::Disconnect, None, None);
        self.push_transmit(now, bytes, false);
        Ok(())
    }

    /// Registers the `receipt` of a frame being written, with a deadline from now (none for an
    /// at-least-once frame: it is given up only with the session's queue).
    pub(super) fn track_receipt(&mut self, now: Millis, headers: &Headers, ticket: Option<Ticket>) {
        if let Some(id) = headers.get("receipt") {
            let timeout = self.config.receipt_timeout;
            let deadline =
                (timeout > 0 && !self.retained.contains(id)).then(|| now.saturating_add(timeout));
            self.receipts
                .insert(id.to_owned(), Waiter::User, deadline, ticket);
        }
    }

    pub(super) fn push_transmit(&mut self, now: Millis, bytes: Vec<u8>, binary: bool) {
        self.last_sent = now;
        self.count_buffered(bytes.len());
        self.transmits.push_back(Transmit {
            bytes,
            binary,
            body_follows: false,
        });
    }

    /// Adds bytes handed to the transport to what it is taken to hold (see `max_buffered_bytes`).
    pub(super) fn count_buffered(&mut self, bytes: usize) {
        if self.config.max_buffered_bytes > 0 {
            self.buffered = self.buffered.saturating_add(bytes);
        }
    }

    /// Whether frames are held back by backpressure: the transport was found congested, or what it
    /// is taken to hold has reached `max_buffered_bytes`.
    pub(super) fn blocked(&self) -> bool {
        let limit = self.config.max_buffered_bytes;
        self.congested || (limit > 0 && self.buffered >= limit)
    }

    /// The version a frame made now must be writable in: the negotiated one while connected, the
    /// last negotiated one while reconnecting (the next broker is most likely the same), and before
    /// the first CONNECTED the strictest version offered. A frame that a different next version
    /// cannot write is given up then, reported.
    pub(super) fn check_version(&self) -> Version {
        self.version
            .or(self.last_version)
            .unwrap_or_else(|| self.strictest_offered())
    }

    /// Refuses a frame the version in use ([`check_version`](Self::check_version)) could not encode.
    /// The error names the header at fault.
    pub(super) fn check_encodable(
        &self,
        command: Command,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        let options = EncodeOptions::new(self.check_version());
        let Err(error) = encode(command, headers, &[], options, &mut Vec::new()) else {
            return Ok(());
        };
        for (name, value) in headers.iter() {
            let one = Headers::new().with(name, value);
            if encode(command, &one, &[], options, &mut Vec::new()).is_err() {
                return Err(CommandError::Header(name.to_owned(), error));
            }
        }
        Err(CommandError::Encode(error))
    }

    /// Refuses a SEND larger than this client accepts on receipt: the broker would make it a MESSAGE
    /// (with a few headers more) that no client with these limits can read. Counted as written:
    /// the command line, each `name:value` line, `content-length` unless skipped, the blank line.
    pub(super) fn check_receivable(
        &self,
        frame: &Frame,
        skip_content_length: bool,
    ) -> Result<(), CommandError> {
        let Limits {
            max_header_bytes,
            max_headers,
            max_body_bytes,
        } = self.config.limits;
        let length_line = usize::from(!skip_content_length);
        let head = 5 + frame.headers.text_len() + 2 * frame.headers.len() + length_line * 36 + 1;
        if frame.headers.len() + length_line > max_headers {
            Err(CommandError::TooLarge(Limit::Headers))
        } else if head > max_header_bytes {
            Err(CommandError::TooLarge(Limit::HeaderBytes))
        } else if frame.body.len() > max_body_bytes {
            Err(CommandError::TooLarge(Limit::BodyBytes))
        } else {
            Ok(())
        }
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
