//! The application's commands: connect, disconnect, subscribe, send, ack, transactions. Each is
//! checked against the state and refused with a typed [`CommandError`] rather than half done.

use super::connection::dropped;
use super::*;
use crate::frame::encode_send_head;

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
        if self.config.broker_urls.is_empty() {
            return Err(CommandError::NoBrokerUrl);
        }
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
        self.close_transport();
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Closed(dropped())),
            State::Connected => self.connection_lost(now),
            State::Disconnecting => self.finish_disconnect(now, false),
            _ => {}
        }
    }

    /// Ends the session (stompjs's `deactivate`): DISCONNECT with a receipt, then close on that
    /// RECEIPT or after `disconnect_timeout`; a DISCONNECT the negotiated version cannot write
    /// closes at once. `force` discards the transport at once, reported as stompjs's synthetic close
    /// (`TransportClosed` with code 4001, not clean). Ends in [`Event::Disconnected`] (whose
    /// `confirmed` says whether the broker's RECEIPT arrived) unless already inactive. Subscriptions
    /// are forgotten, the offline queue is discarded, a pending reconnect is cancelled, and so is a
    /// connect remembered while disconnecting.
    pub fn disconnect(&mut self, now: Millis, force: bool) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.connect_after_disconnect = false;
        match self.state {
            State::Inactive => Ok(()),
            State::Connected if !force && self.config.disconnect_timeout > 0 => {
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
                if self.write_frame(now, &frame, false, false).is_err() {
                    // A disconnect header this version cannot write: never stay connected for it.
                    self.close_transport();
                    self.finish_disconnect(now, false);
                    return Ok(());
                }
                self.receipts.insert(receipt, Waiter::Disconnect, None);
                self.timers.set(
                    Timer::Disconnect,
                    now.saturating_add(self.config.disconnect_timeout),
                );
                self.set_state(State::Disconnecting);
                Ok(())
            }
            State::Disconnecting if !force => Ok(()),
            _ => {
                if force {
                    // As stompjs discarding a socket: no closing handshake, a synthetic close.
                    self.close_transport_with(CloseInfo {
                        code: 4001,
                        reason:
                            "Quick discarding socket without waiting for the shutdown sequence."
                                .to_owned(),
                        clean: false,
                    });
                } else {
                    self.close_transport();
                }
                self.finish_disconnect(now, false);
                Ok(())
            }
        }
    }

    /// Subscribes to `destination`. The id is the `id` header if given, else `sub-N`; it stays the
    /// same across reconnects, each of which sends the same SUBSCRIBE again. Allowed in every state
    /// but `Disconnecting`: when not connected, the SUBSCRIBE goes out on the next CONNECTED.
    pub fn subscribe(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
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
        let mut stored = Headers::new()
            .with("destination", destination)
            .with("id", &id);
        for (name, value) in headers.iter() {
            if !matches!(name, "destination" | "id" | "receipt") {
                stored.push(name, value);
            }
        }
        let receipt = self.claim_receipt(headers)?;
        self.check_encodable(Command::Subscribe, &stored)?;
        let mut subscription = Subscription {
            id: id.clone(),
            headers: stored,
            first_receipt: receipt,
        };
        if self.state == State::Connected {
            self.send_subscribe(now, &subscription)?;
            subscription.first_receipt = None;
        }
        self.subscriptions.insert(subscription);
        Ok(id)
    }

    /// Ends a subscription. UNSUBSCRIBE goes out if connected; otherwise the subscription is just
    /// forgotten (and a receipt asked for fails with [`ReceiptError::Discarded`]). MESSAGE events for
    /// it not yet polled become [`Event::UnhandledMessage`].
    pub fn unsubscribe(
        &mut self,
        now: Millis,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        self.notice_suspension(now);
        if !self.subscriptions.contains(id) {
            return Err(CommandError::UnknownSubscription(id.to_owned()));
        }
        let mut frame = Frame::new(Command::Unsubscribe).header("id", id);
        for (name, value) in headers.iter().filter(|(name, _)| *name != "id") {
            frame.headers.push(name, value);
        }
        let receipt = self.claim_receipt(&frame.headers)?;
        if self.state == State::Connected {
            self.write_frame(now, &frame, false, false)?;
        } else if let Some(id) = receipt {
            self.fail_receipt(id, ReceiptError::Discarded);
        }
        if let Some(never_sent) = self.subscriptions.remove(id).and_then(|s| s.first_receipt) {
            self.fail_receipt(never_sent, ReceiptError::Discarded);
        }
        Ok(())
    }

    /// Publishes a message (SEND). Sent now when connected; queued while connecting or reconnecting
    /// (if `queue_while_disconnected`), bounded by the queue limits.
    pub fn send(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body: Vec<u8>,
        options: SendOptions,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        let mut frame = Frame::new(Command::Send).header("destination", destination);
        for (name, value) in headers.iter().filter(|(name, _)| *name != "destination") {
            frame.headers.push(name, value);
        }
        frame.body = body;
        if options.retain && frame.headers.get("receipt").is_none() {
            return Err(CommandError::MissingHeader("receipt"));
        }
        let binary = options.binary || core::str::from_utf8(&frame.body).is_err();
        self.dispatch(
            now,
            Queued::Send {
                frame,
                binary,
                skip_content_length: options.skip_content_length,
                retain: options.retain,
            },
        )
    }

    /// The transport is (`true`) or is no longer (`false`) taking more than it can write now (the
    /// driver watches the socket's buffered amount). While congested, SEND, ACK and NACK wait in the
    /// offline queue, bounded as ever, and go out in order when it clears ([`Event::Flushed`] says
    /// how many SENDs without a receipt were written). A new connection starts uncongested.
    pub fn handle_congestion(&mut self, now: Millis, congested: bool) {
        self.notice_suspension(now);
        let was = core::mem::replace(&mut self.congested, congested);
        if was && !congested && self.state == State::Connected {
            self.flush_queue(now);
        }
    }

    /// Whether the transport was last reported congested.
    pub fn congested(&self) -> bool {
        self.congested
    }

    /// [`send`](Session::send) for a text body that the caller keeps: when the frame can go out now
    /// (connected, nothing queued before it), the SEND's head — with `content-length: body_len` — is
    /// queued as a [`Transmit`](super::Transmit) whose `body_follows` is set, and `Ok(true)` says so:
    /// the driver writes that head, the body (UTF-8 of exactly `body_len` bytes) and a NUL as one
    /// text message. Otherwise `Ok(false)`, nothing done: call `send` with the body. A driver whose
    /// body is a JS string uses this, so that the body never crosses into wasm and back.
    pub fn send_head(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body_len: usize,
    ) -> Result<bool, CommandError> {
        self.notice_suspension(now);
        if self.state != State::Connected || self.congested || self.queue.len() > 0 {
            return Ok(false);
        }
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        if let Some(tx) = headers.get("transaction") {
            if !self.transactions.contains_key(tx) {
                return Err(CommandError::UnknownTransaction(tx.to_owned()));
            }
        }
        self.claim_receipt(headers)?;
        let mut head = Vec::new();
        let options = EncodeOptions::new(self.version.unwrap_or(Version::V1_2));
        encode_send_head(destination, headers, body_len, options, &mut head)?;
        self.track_receipt(now, headers);
        self.last_sent = now;
        self.transmits.push_back(Transmit {
            bytes: head,
            binary: false,
            body_follows: true,
        });
        Ok(true)
    }

    /// Acknowledges a message (ACK), with the headers the negotiated version wants: `id` under 1.2,
    /// `message-id` and `subscription` under 1.1, `message-id` under 1.0. Queued like SEND.
    pub fn ack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        self.ack_or_nack(now, Command::Ack, target, headers)
    }

    /// Rejects a message (NACK); STOMP 1.0 has no NACK. Queued like SEND.
    pub fn nack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        if self.state == State::Connected && self.version == Some(Version::V1_0) {
            return Err(CommandError::NackUnsupported);
        }
        self.ack_or_nack(now, Command::Nack, target, headers)
    }

    /// Begins a transaction; returns its id (`id`, or `tx-N`). Needs a connection: a transaction
    /// does not outlive one (the broker aborts open transactions when the connection ends, reported
    /// as [`Event::TransactionsAborted`]).
    pub fn begin(
        &mut self,
        now: Millis,
        id: Option<&str>,
        headers: &Headers,
    ) -> Result<String, CommandError> {
        self.notice_suspension(now);
        self.require_connected("begin")?;
        let id = match id {
            Some(id) if self.transactions.contains_key(id) => {
                return Err(CommandError::DuplicateTransaction(id.to_owned()))
            }
            Some(id) => id.to_owned(),
            None => loop {
                let id = numbered("tx-", self.next_transaction);
                self.next_transaction += 1;
                if !self.transactions.contains_key(&id) {
                    break id;
                }
            },
        };
        self.transaction_frame(now, Command::Begin, &id, headers)?;
        self.transactions.insert(id.clone(), 0);
        Ok(id)
    }

    /// Commits an open transaction.
    pub fn commit(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Commit, id, headers)
    }

    /// Aborts an open transaction.
    pub fn abort(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Abort, id, headers)
    }
}
