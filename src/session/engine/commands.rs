//! The application's commands: connect, disconnect, subscribe, send, ack, transactions. Each is
//! checked against the state and refused with a typed [`CommandError`] rather than half done.

use super::connection::dropped;
use super::*;
use crate::frame::{encode_send_head, Limit};

impl Session {
    /// Starts connecting (stompjs's `activate`). Allowed when inactive or failed; while
    /// `Disconnecting` it is accepted and remembered (the last of any sequence of `connect` and
    /// [`disconnect`](Session::disconnect) wins, as in @stomp/stompjs 7.4+): when the disconnect
    /// finishes, after its usual events ([`Event::Disconnected`] included), a new attempt starts.
    /// A later `disconnect` cancels the remembered connect. See [`wants_active`](Session::wants_active).
    pub fn connect(&mut self, now: Millis) -> Result<(), CommandError> {
        self.notice_suspension(now);
        if !matches!(
            self.state,
            State::Inactive | State::Failed | State::Disconnecting
        ) {
            return Err(self.invalid("connect"));
        }
        // No broker URL yet is fine: a driver may learn it before it opens the transport (stompjs
        // reads `brokerURL` after `beforeConnect`); it reports the failure if there is still none.
        self.connect_frame()
            .encode(EncodeOptions::default(), &mut Vec::new())?;
        if self.state == State::Disconnecting {
            self.connect_after_disconnect = true;
            return Ok(());
        }
        self.streak = 0;
        self.start_attempt(now);
        Ok(())
    }

    /// Reconnects at once if waiting out a backoff, failed, or connected but silent for longer than
    /// the incoming heart-beat interval times `heartbeat_tolerance` (the same rule as the liveness
    /// deadline, for when the timer could not fire: a throttled or frozen page): for "the network
    /// is back" and "the page is visible again".
    pub fn reconnect_now(&mut self, now: Millis) -> Result<(), CommandError> {
        self.notice_suspension(now);
        match self.state {
            State::Inactive => Err(self.invalid("reconnect_now")),
            State::Reconnecting => {
                self.timers.stop(Timer::Reconnect);
                self.start_attempt(now);
                Ok(())
            }
            State::Failed => {
                self.streak = 0;
                self.start_attempt(now);
                Ok(())
            }
            State::Connected => {
                if self.is_silent_past_tolerance(now) {
                    self.heartbeat_lost(now);
                    if self.state == State::Reconnecting {
                        self.timers.stop(Timer::Reconnect);
                        self.start_attempt(now);
                    }
                }
                Ok(())
            }
            State::Connecting | State::Disconnecting => Ok(()),
        }
    }

    /// Drops the transport as if the network failed (stompjs's `forceDisconnect`); the reconnect
    /// policy then applies.
    pub fn drop_connection(&mut self, now: Millis) {
        self.notice_suspension(now);
        if self.transport == Transport::None {
            return;
        }
        self.close_transport(CloseReason::CommunicationFailure);
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Closed(dropped())),
            State::Connected => self.connection_lost(now),
            State::Disconnecting => self.finish_disconnect(now, false),
            _ => {}
        }
    }

    /// Ends the session (stompjs's `deactivate`). Gracefully while connected: what the application
    /// issued before is written first (frames backpressure held back), then DISCONNECT with a
    /// receipt; the transport closes on that RECEIPT, or when `disconnect_timeout` (timed from
    /// this call) runs out, giving up whatever is still unwritten. A DISCONNECT the negotiated
    /// version cannot write closes at once. `force` discards the transport at once, reported as
    /// stompjs's synthetic close (`TransportClosed` with code 4001, not clean), and gives up what
    /// waits. Ends in [`Event::Disconnected`] (whose `confirmed` says whether the broker's RECEIPT
    /// arrived) unless already inactive. Subscriptions are forgotten, what waited for a connection
    /// is given up, a pending reconnect is cancelled, and so is a connect remembered while
    /// disconnecting.
    pub fn disconnect(&mut self, now: Millis, force: bool) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.connect_after_disconnect = false;
        match self.state {
            State::Inactive => Ok(()),
            State::Connected if !force && self.config.disconnect_timeout > 0 => {
                self.timers.set(
                    Timer::Disconnect,
                    now.saturating_add(self.config.disconnect_timeout),
                );
                self.set_state(State::Disconnecting);
                self.queue.push(Job::Disconnect, Some(self.connection));
                self.flush_queue(now);
                Ok(())
            }
            State::Disconnecting if !force => Ok(()),
            _ => {
                if force {
                    // As stompjs discarding a socket: no closing handshake, a synthetic close.
                    self.close_transport_with(
                        CloseInfo {
                            code: 4001,
                            reason:
                                "Quick discarding socket without waiting for the shutdown sequence."
                                    .to_owned(),
                            clean: false,
                        },
                        CloseReason::Forced,
                    );
                } else {
                    self.close_transport(CloseReason::Normal);
                }
                self.finish_disconnect(now, false);
                Ok(())
            }
        }
    }

    /// Subscribes to `destination`; returns the id: the `id` header if given, else `sub-N` (the
    /// session makes every front end's ids). The subscription stays the same across reconnects, each
    /// of which sends the same SUBSCRIBE again — unless `per_connection`: then it belongs to the
    /// connection it is made on (or the next one, if not connected) and ends with it, reported in
    /// [`Event::SubscriptionsEnded`] (what a stompjs `onConnect` makes, and makes again after every
    /// reconnect). Allowed in every state but `Disconnecting`: when not connected, the SUBSCRIBE
    /// goes out on the next CONNECTED; behind backpressure, in issue order.
    pub fn subscribe(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        per_connection: bool,
    ) -> Result<String, CommandError> {
        self.notice_suspension(now);
        if self.state == State::Disconnecting {
            return Err(self.invalid("subscribe"));
        }
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        let id = match headers.get("id") {
            Some(id) if self.subscriptions.contains(id) => {
                return Err(CommandError::DuplicateSubscription(id.to_owned()))
            }
            Some(id) => id.to_owned(),
            None => self.subscriptions.generate_id(),
        };
        let mut stored = Headers::with_capacity(headers.len() + 2, headers.text_len() + 32)
            .with("destination", destination)
            .with("id", &id);
        for (name, value) in headers.iter() {
            if !matches!(name, "destination" | "id" | "receipt") {
                stored.push(name, value);
            }
        }
        let receipt = self.claim_receipt(headers)?;
        self.check_encodable(Command::Subscribe, &stored)?;
        let serial = self.subscriptions.next_serial();
        self.subscriptions.insert(Subscription {
            id: id.clone(),
            headers: stored,
            first_receipt: receipt,
            serial,
            sent: false,
            per_connection,
        });
        if self.state == State::Connected {
            let job = Job::Subscribe {
                id: id.clone(),
                serial,
            };
            let connection = Some(self.connection);
            if let Err(error) = self.enqueue_or_write(now, job, connection) {
                self.subscriptions.remove(&id);
                return Err(error);
            }
        }
        Ok(id)
    }

    /// Ends a subscription. UNSUBSCRIBE goes out (in issue order) if its SUBSCRIBE went out on this
    /// connection; otherwise the subscription is just forgotten (and a receipt asked for fails with
    /// [`ReceiptError::Discarded`]). MESSAGE events for it not yet polled become
    /// [`Event::UnhandledMessage`]. An unknown id is [`CommandError::UnknownSubscription`], with
    /// nothing done.
    pub fn unsubscribe(
        &mut self,
        now: Millis,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        self.notice_suspension(now);
        let Some(subscription) = self.subscriptions.get(id) else {
            return Err(CommandError::UnknownSubscription(id.to_owned()));
        };
        let sent = subscription.sent && self.state == State::Connected;
        let mut frame = Frame::new(Command::Unsubscribe).header("id", id);
        for (name, value) in headers.iter().filter(|(name, _)| *name != "id") {
            frame.headers.push(name, value);
        }
        let receipt = self.claim_receipt(&frame.headers)?;
        if sent {
            self.check_encodable(Command::Unsubscribe, &frame.headers)?;
            let connection = Some(self.connection);
            self.enqueue_or_write(now, Job::Frame(frame), connection)?;
        } else if let Some(id) = receipt {
            self.fail_receipt(id, ReceiptError::Discarded);
        }
        if let Some(never_sent) = self.subscriptions.remove(id).and_then(|s| s.first_receipt) {
            self.fail_receipt(never_sent, ReceiptError::Discarded);
        }
        Ok(())
    }

    /// Publishes a message (SEND); returns its ticket and whether it went out now. Written now when
    /// connected and nothing waits before it; else it waits, in issue order: behind backpressure
    /// (never refused for being many: a connected client accepts what stompjs would write to its
    /// socket), or for a connection while connecting or reconnecting (if
    /// `queue_while_disconnected`, or at-least-once; refused beyond `max_queued_frames` /
    /// `max_queued_bytes`). A SEND in a transaction belongs to the transaction's connection.
    /// Refused: larger than this client accepts on receipt, an at-least-once frame beyond
    /// `max_unconfirmed_bytes`, a header the version in use cannot write. See [`SendOptions`] for
    /// receipts and at-least-once.
    pub fn send(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body: Vec<u8>,
        options: SendOptions,
    ) -> Result<Accepted, CommandError> {
        self.notice_suspension(now);
        let connection = self.check_send(destination, headers, options)?;
        let mut frame = Frame {
            command: Command::Send,
            headers: Headers::with_capacity(headers.len() + 3, headers.text_len() + 64)
                .with("destination", destination),
            body,
        };
        for (name, value) in headers.iter().filter(|(name, _)| *name != "destination") {
            frame.headers.push(name, value);
        }
        let ticket = self.next_ticket + 1;
        self.add_receipt_headers(&mut frame.headers, options, ticket);
        let binary = options.binary || core::str::from_utf8(&frame.body).is_err();
        let skip_content_length = options.skip_content_length && !options.binary;
        self.check_receivable(&frame, skip_content_length)?;
        self.claim_receipt(&frame.headers)?;
        if skip_content_length && memchr::memchr(0, &frame.body).is_some() {
            return Err(crate::frame::EncodeError::NulInBodyWithoutContentLength.into());
        }
        if self.state != State::Connected || self.blocked() || !self.queue.is_empty() {
            // It waits: it must be writable when its turn comes.
            self.check_encodable(Command::Send, &frame.headers)?;
            self.check_bounds(frame.headers.text_len() + frame.body.len(), options)?;
        } else if options.retain {
            self.check_bounds(frame.headers.text_len() + frame.body.len(), options)?;
        }
        let job = Job::Send(SendJob {
            ticket,
            frame,
            binary,
            skip_content_length,
            retain: options.retain,
        });
        let outcome = self.enqueue_or_write(now, job, connection)?;
        self.next_ticket = ticket;
        Ok(Accepted { ticket, outcome })
    }

    /// The state and header rules of a SEND; returns the connection it belongs to, if only one (a
    /// transactional SEND).
    fn check_send(
        &self,
        destination: &str,
        headers: &Headers,
        options: SendOptions,
    ) -> Result<Option<u64>, CommandError> {
        match self.state {
            State::Connected => {}
            State::Connecting | State::Reconnecting => {
                if !self.config.queue_while_disconnected && !options.retain {
                    return Err(CommandError::NotConnected);
                }
            }
            _ => return Err(self.invalid("send")),
        }
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        if headers.get("transaction").is_some() {
            self.check_transaction(headers)?;
            return Ok(Some(self.connection));
        }
        Ok(None)
    }

    /// The bounds a publish of `size` bytes meets: what waits for a connection (only while not
    /// connected), what at-least-once delivery keeps.
    fn check_bounds(&self, size: usize, options: SendOptions) -> Result<(), CommandError> {
        if self.state != State::Connected {
            if self.queue.len() >= self.config.max_queued_frames {
                return Err(CommandError::QueueFull {
                    limit: "max_queued_frames",
                });
            }
            if self.queue.bytes() + size > self.config.max_queued_bytes {
                return Err(CommandError::QueueFull {
                    limit: "max_queued_bytes",
                });
            }
        }
        let (_, unconfirmed) = self.retained();
        if options.retain && unconfirmed + size > self.config.max_unconfirmed_bytes {
            return Err(CommandError::QueueFull {
                limit: "max_unconfirmed_bytes",
            });
        }
        Ok(())
    }

    /// The `receipt` (and, at-least-once, `dedup-id`) a publish asks for, unless its headers carry
    /// them: `<id_prefix><ticket>`.
    fn add_receipt_headers(&self, headers: &mut Headers, options: SendOptions, ticket: Ticket) {
        if !(options.receipt || options.retain) {
            return;
        }
        if headers.get("receipt").is_none() {
            let mut id = self.config.id_prefix.clone();
            push_decimal(&mut id, ticket);
            headers.push("receipt", &id);
        }
        if options.retain && headers.get("dedup-id").is_none() {
            let id = headers.get("receipt").unwrap_or_default().to_owned();
            headers.push("dedup-id", &id);
        }
    }

    /// Backpressure input: how many bytes the transport holds unwritten now (a WebSocket's
    /// `bufferedAmount`; `None` when it cannot say, taken as none). Over
    /// [`max_buffered_bytes`](super::Config::max_buffered_bytes) the session is congested: frames
    /// wait in the outbox, in issue order, until a report finds half of it drained; then they go
    /// out in order ([`Event::Written`] names the last publish written), as many as the bound
    /// allows. A new connection starts with nothing buffered.
    pub fn handle_buffered(&mut self, now: Millis, amount: Option<usize>) {
        self.notice_suspension(now);
        let limit = self.config.max_buffered_bytes;
        let amount = amount.unwrap_or(0);
        self.buffered = amount;
        self.congested = match self.congested {
            true => amount > limit / 2,
            false => amount >= limit,
        } && limit > 0;
        self.flush_queue(now);
    }

    /// Whether frames wait for [`handle_buffered`](Session::handle_buffered): the transport was
    /// found congested, or enough has been handed out since the last report to reach the bound, or
    /// frames still wait after [`set_config`](Session::set_config) raised or lifted the bound (the
    /// next report writes them). A driver that sets `max_buffered_bytes` reports the transport's
    /// buffered amount whenever this is true after it wrote, and again a little later while it
    /// stays true.
    pub fn wants_buffered(&self) -> bool {
        matches!(self.state, State::Connected | State::Disconnecting)
            && self.transport == Transport::Open
            && (self.blocked() || !self.queue.is_empty())
    }

    /// Whether a report found the transport congested (and none since found it half drained).
    pub fn congested(&self) -> bool {
        self.congested
    }

    /// [`send`](Session::send) for a text body that the caller keeps: when the frame can go out now
    /// (connected, nothing waiting before it, not at-least-once), the SEND's head — with
    /// `content-length: body_len` — is queued as a [`Transmit`](super::Transmit) whose
    /// `body_follows` is set, and `Ok(Some(ticket))` says so: the driver writes that head, the body
    /// (UTF-8 of exactly `body_len` bytes, or the caller's bytes with `options.binary`) and a NUL as
    /// one message. Otherwise `Ok(None)`, nothing done: call `send` with the body. A driver whose
    /// body is a JS value uses this, so that the body never crosses into wasm and back.
    pub fn send_head(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body_len: usize,
        options: SendOptions,
    ) -> Result<Option<Ticket>, CommandError> {
        self.notice_suspension(now);
        let free = self.state == State::Connected && !self.blocked() && self.queue.is_empty();
        if !free || options.retain || options.skip_content_length {
            return Ok(None);
        }
        // Connected and written now: the connection a transactional SEND belongs to is this one.
        self.check_send(destination, headers, options)?;
        if body_len > self.config.limits.max_body_bytes {
            return Err(CommandError::TooLarge(Limit::BodyBytes));
        }
        let ticket = self.next_ticket + 1;
        let mut head = Vec::new();
        if options.receipt && headers.get("receipt").is_none() {
            let mut with_receipt = headers.clone();
            self.add_receipt_headers(&mut with_receipt, options, ticket);
            self.write_head(now, destination, &with_receipt, body_len, ticket, &mut head)?;
        } else {
            self.write_head(now, destination, headers, body_len, ticket, &mut head)?;
        }
        self.next_ticket = ticket;
        self.last_sent = now;
        self.count_buffered(head.len() + body_len + 1);
        self.transmits.push_back(Transmit {
            bytes: head,
            binary: options.binary,
            body_follows: true,
        });
        Ok(Some(ticket))
    }

    fn write_head(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body_len: usize,
        ticket: Ticket,
        head: &mut Vec<u8>,
    ) -> Result<(), CommandError> {
        // As `check_receivable`: destination and content-length besides these.
        if headers.len() + 2 > self.config.limits.max_headers {
            return Err(CommandError::TooLarge(Limit::Headers));
        }
        self.claim_receipt(headers)?;
        let options = EncodeOptions::new(self.version.unwrap_or(Version::V1_2));
        encode_send_head(destination, headers, body_len, options, head)?;
        if head.len() > self.config.limits.max_header_bytes {
            head.clear();
            return Err(CommandError::TooLarge(Limit::HeaderBytes));
        }
        self.track_receipt(now, headers, Some(ticket));
        Ok(())
    }

    /// Acknowledges a message (ACK), with the headers the negotiated version wants: `id` under 1.2,
    /// `message-id` and `subscription` under 1.1, `message-id` under 1.0. Only on the connection
    /// that delivered it ([`CommandError::StaleAck`] otherwise: nothing sent, the broker redelivers
    /// it), never for an `ack: auto` subscription ([`CommandError::AutoAck`]); in issue order.
    pub fn ack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        self.ack_or_nack(now, Command::Ack, target, headers)
    }

    /// Rejects a message (NACK); STOMP 1.0 has none. As [`ack`](Session::ack).
    pub fn nack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        self.ack_or_nack(now, Command::Nack, target, headers)
    }

    /// Begins a transaction; returns its id (`id`, or `tx-N`). Needs a connection: a transaction
    /// does not outlive one (the broker aborts open transactions when the connection ends, reported
    /// as [`Event::TransactionsAborted`]; its frames still waiting are given up).
    pub fn begin(
        &mut self,
        now: Millis,
        id: Option<&str>,
        headers: &Headers,
    ) -> Result<String, CommandError> {
        self.notice_suspension(now);
        self.require_connected("begin")?;
        let id = match id {
            Some(id) if self.transactions.contains(id) => {
                return Err(CommandError::DuplicateTransaction(id.to_owned()))
            }
            Some(id) => id.to_owned(),
            None => loop {
                let id = numbered("tx-", self.next_transaction);
                self.next_transaction += 1;
                if !self.transactions.contains(&id) {
                    break id;
                }
            },
        };
        self.transaction_frame(now, Command::Begin, &id, headers)?;
        self.transactions.insert(id.clone(), ());
        Ok(id)
    }

    /// Commits an open transaction (after the frames issued before it).
    pub fn commit(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Commit, id, headers)
    }

    /// Aborts an open transaction (after the frames issued before it).
    pub fn abort(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Abort, id, headers)
    }
}
