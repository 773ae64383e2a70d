//! A connection's life: attempts, CONNECTED and what it restores, the frames the broker sends,
//! heart-beat deadlines, losses, the reconnect schedule and the end of a disconnect.

use super::*;

impl Session {
    pub(super) fn start_attempt(&mut self, now: Millis) {
        // Bytes not drained for an earlier transport must never reach this one before CONNECT.
        self.transmits.clear();
        // Before CONNECTED the version is unknown: an ERROR from a 1.0 broker is not escaped.
        self.parser = Parser::with_limits(self.config.limits).lenient_before_version(true);
        self.version = None;
        self.heartbeat = NegotiatedHeartbeat::default();
        self.transport = Transport::Opening;
        self.set_state(State::Connecting);
        if self.config.connection_timeout > 0 {
            self.timers.set(
                Timer::Connect,
                now.saturating_add(self.config.connection_timeout),
            );
        }
        let url = self.current_url().unwrap_or_default().to_owned();
        self.actions.push_back(Action::Open {
            index: self.url_index,
            url,
        });
    }

    pub(super) fn connect_frame(&self) -> Frame {
        let config = &self.config;
        let command = match config.use_stomp_command {
            true => Command::Stomp,
            false => Command::Connect,
        };
        // Newest first, as brokers are asked to pick the highest they share; each once.
        let mut accept = String::with_capacity(11);
        for version in [Version::V1_2, Version::V1_1, Version::V1_0] {
            if self.offers(version) {
                if !accept.is_empty() {
                    accept.push(',');
                }
                accept.push_str(version.as_str());
            }
        }
        let mut headers = Headers::new().with("accept-version", &accept);
        match &config.host {
            HostHeader::FromUrl => match url_host(self.current_url().unwrap_or("")) {
                "" => {}
                host => headers.push("host", host),
            },
            HostHeader::Fixed(host) => headers.push("host", host),
            HostHeader::Omit => {}
        }
        if let Some(login) = &config.login {
            headers.push("login", login);
        }
        if let Some(passcode) = &config.passcode {
            headers.push("passcode", passcode);
        }
        let mut beat = String::with_capacity(41);
        push_decimal(&mut beat, config.heartbeat_outgoing);
        beat.push(',');
        push_decimal(&mut beat, config.heartbeat_incoming);
        headers.push("heart-beat", &beat);
        for (name, value) in config.connect_headers.iter() {
            headers.set(name, value);
        }
        Frame {
            command,
            headers,
            body: Vec::new(),
        }
    }

    pub(super) fn handle_frame(&mut self, now: Millis, frame: Frame) {
        match (self.state, frame.command) {
            (State::Connecting, Command::Connected) => self.on_connected(now, frame),
            (State::Connecting, Command::Error) => {
                self.close_transport();
                self.failed_attempt(now, ConnectFailure::Error(frame));
            }
            (State::Connected | State::Disconnecting, Command::Message) => {
                match frame.headers.get("subscription") {
                    Some(id) if self.subscriptions.contains(id) => {
                        let subscription = id.to_owned();
                        self.events.push_back(Event::Message {
                            subscription,
                            frame,
                        });
                    }
                    _ => self.events.push_back(Event::UnhandledMessage(frame)),
                }
            }
            (State::Connected | State::Disconnecting, Command::Receipt) => {
                self.on_receipt(now, frame)
            }
            (State::Connected | State::Disconnecting, Command::Error) => {
                if let Some(id) = frame.headers.get("receipt-id") {
                    if let Some(pending) = self.receipts.take(id) {
                        // The broker refused the frame: sending it again will not help.
                        self.retained.remove(&pending.id);
                        if pending.waiter == Waiter::User {
                            self.events.push_back(Event::ReceiptFailed {
                                id: pending.id,
                                error: ReceiptError::Error(frame.clone()),
                            });
                        }
                    }
                }
                self.events.push_back(Event::StompError(frame));
                // The spec has the broker close after ERROR; do not wait for it.
                self.close_transport();
                match self.state {
                    State::Disconnecting => self.finish_disconnect(now, false),
                    _ => self.connection_lost(now),
                }
            }
            _ => self.events.push_back(Event::UnhandledFrame(frame)),
        }
    }

    pub(super) fn on_connected(&mut self, now: Millis, frame: Frame) {
        // No `version` header means 1.0; a version we did not offer cannot be spoken.
        let named = frame.headers.get("version");
        let version = match named {
            None => Some(Version::V1_0),
            Some(text) => Version::parse(text),
        };
        let Some(version) = version.filter(|v| self.offers(*v)) else {
            let version = named.map(str::to_owned);
            self.close_transport();
            self.failed_attempt(now, ConnectFailure::VersionNotOffered { version });
            return;
        };
        self.parser.set_version(version);
        let (sx, sy) = frame
            .headers
            .get("heart-beat")
            .and_then(parse_heartbeat)
            .unwrap_or((0, 0));
        let (cx, cy) = (
            self.config.heartbeat_outgoing,
            self.config.heartbeat_incoming,
        );
        self.heartbeat = NegotiatedHeartbeat {
            outgoing: if cx > 0 && sy > 0 { cx.max(sy) } else { 0 },
            incoming: if cy > 0 && sx > 0 { cy.max(sx) } else { 0 },
        };
        self.version = Some(version);
        self.server_headers = frame.headers.clone();
        self.timers.stop(Timer::Connect);
        // The streak is not reset here: only a connection that stays up for `stable_after` ends it
        // (see `end_connection`), so a broker that accepts and then drops at once is backed off.
        self.connected_at = Some(now);
        // Heart-beating starts with the connection: the outgoing interval counts from now.
        self.last_sent = now;
        self.set_state(State::Connected);
        self.congested = false;
        self.resubscribe(now);
        self.resend_retained(now);
        self.flush_queue(now);
        self.events.push_back(Event::Connected {
            version,
            heartbeat: self.heartbeat,
            headers: frame.headers,
        });
    }

    pub(super) fn resubscribe(&mut self, now: Millis) {
        let mut subscriptions = core::mem::take(&mut self.subscriptions);
        let mut lost = Vec::new();
        subscriptions.for_each_in_order(|subscription| {
            // Checked encodable under the strictest offered version when made; only a `set_config`
            // offering a stricter version since can make this fail.
            match self.send_subscribe(now, subscription) {
                Ok(()) => true,
                Err(error) => {
                    if let CommandError::Encode(error) = error {
                        lost.push((subscription.id.clone(), error));
                    }
                    false
                }
            }
        });
        self.subscriptions = subscriptions;
        for (id, error) in lost {
            if let Some(receipt) = self.subscriptions.remove(&id).and_then(|s| s.first_receipt) {
                self.fail_receipt(receipt, ReceiptError::Discarded);
            }
            self.events.push_back(Event::SubscriptionLost { id, error });
        }
    }

    /// Whether CONNECT offers `version` (an empty list offers every version).
    pub(super) fn offers(&self, version: Version) -> bool {
        let offered = &self.config.accept_versions;
        offered.is_empty() || offered.contains(&version)
    }

    /// The strictest version CONNECT offers: what a frame made before CONNECTED must be writable in.
    pub(super) fn strictest_offered(&self) -> Version {
        Version::ALL
            .into_iter()
            .find(|v| self.offers(*v))
            .unwrap_or(Version::V1_0)
    }

    pub(super) fn send_subscribe(
        &mut self,
        now: Millis,
        subscription: &Subscription,
    ) -> Result<(), CommandError> {
        let mut frame = Frame {
            command: Command::Subscribe,
            headers: subscription.headers.clone(),
            body: Vec::new(),
        };
        if let Some(receipt) = &subscription.first_receipt {
            frame.headers.push("receipt", receipt);
        }
        self.write_frame(now, &frame, false, false)
    }

    /// Writes what waited in the queue, in order, while connected and not congested.
    pub(super) fn flush_queue(&mut self, now: Millis) {
        let mut sends = 0;
        while self.state == State::Connected && !self.congested {
            let Some(item) = self.queue.pop() else { break };
            let plain = item.is_plain_send();
            if self.write_queued(now, &item).is_err() {
                // Checked against the strictest offered version when queued; only a NACK meeting a
                // 1.0 broker gets here. Report it rather than drop it silently.
                self.discard(vec![item]);
            } else if plain {
                sends += 1;
            }
        }
        if sends > 0 {
            self.events.push_back(Event::Flushed { sends });
        }
    }

    /// At-least-once frames the last connection took without a RECEIPT: written again, in order.
    pub(super) fn resend_retained(&mut self, now: Millis) {
        let kept: Vec<Kept> = self.retained.in_order().cloned().collect();
        for item in kept {
            // Encodable under the strictest offered version (checked when made): this cannot fail
            // unless `set_config` offered a stricter one since; then give the frame up, reported.
            if self
                .write_frame(now, &item.frame, item.binary, item.skip_content_length)
                .is_err()
            {
                self.retained.remove(&item.receipt);
                self.fail_receipt(item.receipt, ReceiptError::Discarded);
            }
        }
    }

    /// Writes a SEND, ACK or NACK (the ACK/NACK headers for the negotiated version). An
    /// at-least-once SEND is kept until its RECEIPT.
    pub(super) fn write_queued(&mut self, now: Millis, item: &Queued) -> Result<(), CommandError> {
        match item {
            Queued::Send {
                frame,
                binary,
                skip_content_length,
                retain: true,
            } => {
                let receipt = frame.headers.get("receipt").unwrap_or_default();
                self.retained.push(Kept {
                    receipt: receipt.to_owned(),
                    frame: frame.clone(),
                    binary: *binary,
                    skip_content_length: *skip_content_length,
                });
                let written = self.write_frame(now, frame, *binary, *skip_content_length);
                if written.is_err() {
                    self.retained.remove(receipt);
                }
                written
            }
            Queued::Send {
                frame,
                binary,
                skip_content_length,
                retain: false,
            } => self.write_frame(now, frame, *binary, *skip_content_length),
            Queued::Ack(request) => {
                let frame = self.ack_frame(request)?;
                self.write_frame(now, &frame, false, false)
            }
        }
    }

    pub(super) fn on_receipt(&mut self, now: Millis, frame: Frame) {
        let id = frame.headers.get("receipt-id").unwrap_or("");
        match self.receipts.take(id) {
            Some(pending) if pending.waiter == Waiter::Disconnect => {
                self.close_transport();
                self.finish_disconnect(now, true);
            }
            Some(pending) => {
                self.retained.remove(&pending.id);
                self.events.push_back(Event::Receipt {
                    id: pending.id,
                    frame,
                })
            }
            None => self.events.push_back(Event::UnhandledReceipt(frame)),
        }
    }

    pub(super) fn heartbeat_lost(&mut self, now: Millis) {
        self.events.push_back(Event::HeartbeatLost {
            last_received: self.last_received,
        });
        self.close_transport();
        self.connection_lost(now);
    }

    pub(super) fn protocol_error(&mut self, now: Millis, error: ParseError) {
        self.events.push_back(Event::ProtocolError(error));
        self.close_transport();
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Protocol(error)),
            State::Disconnecting => self.finish_disconnect(now, false),
            _ => self.connection_lost(now),
        }
    }

    /// A connect attempt failed: try the next broker URL after the backoff.
    pub(super) fn failed_attempt(&mut self, now: Millis, failure: ConnectFailure) {
        self.events.push_back(Event::ConnectFailed(failure));
        self.after_failed_attempt(now);
    }

    pub(super) fn after_failed_attempt(&mut self, now: Millis) {
        self.timers.stop(Timer::Connect);
        if !self.config.broker_urls.is_empty() {
            self.url_index = (self.url_index + 1) % self.config.broker_urls.len();
        }
        self.end_connection(now);
        self.schedule_reconnect(now);
    }

    /// An established connection ended without the user asking: reconnect to the same URL.
    pub(super) fn connection_lost(&mut self, now: Millis) {
        self.end_connection(now);
        self.schedule_reconnect(now);
    }

    pub(super) fn schedule_reconnect(&mut self, now: Millis) {
        let policy = &self.config.reconnect;
        if policy.delay == 0 {
            self.discard_queue();
            self.set_state(State::Inactive);
            return;
        }
        if policy.max_attempts > 0 && self.streak >= policy.max_attempts {
            self.discard_queue();
            self.set_state(State::Failed);
            self.events.push_back(Event::ReconnectFailed {
                attempts: self.streak,
            });
            return;
        }
        self.streak += 1;
        let delay = self.backoff.delay(policy, self.streak);
        let at = now.saturating_add(delay);
        self.timers.set(Timer::Reconnect, at);
        self.set_state(State::Reconnecting);
        self.events.push_back(Event::ReconnectScheduled {
            attempt: self.streak,
            delay,
            at,
        });
    }

    /// Settles what belonged to the connection that just ended: receipts and transactions. A
    /// connection that stayed up for `stable_after` ends the reconnect streak.
    pub(super) fn end_connection(&mut self, now: Millis) {
        if let Some(since) = self.connected_at.take() {
            if now.saturating_sub(since) >= self.config.stable_after {
                self.streak = 0;
            }
        }
        self.timers.stop(Timer::Connect);
        self.timers.stop(Timer::Disconnect);
        self.congested = false;
        for pending in self.receipts.take_all() {
            // An at-least-once frame's receipt is awaited again on the next connection.
            if pending.waiter == Waiter::User && !self.retained.contains(&pending.id) {
                self.events.push_back(Event::ReceiptFailed {
                    id: pending.id,
                    error: ReceiptError::ConnectionLost,
                });
            }
        }
        if !self.transactions.is_empty() {
            let aborted = core::mem::take(&mut self.transactions)
                .into_keys()
                .collect();
            self.events.push_back(Event::TransactionsAborted(aborted));
        }
    }

    /// The user's disconnect is over (`confirmed`: by the broker's RECEIPT). A connect asked for
    /// meanwhile starts now.
    pub(super) fn finish_disconnect(&mut self, now: Millis, confirmed: bool) {
        self.end_connection(now);
        self.timers.stop_all();
        self.discard_queue();
        for subscription in self.subscriptions.take_all() {
            if let Some(id) = subscription.first_receipt {
                self.fail_receipt(id, ReceiptError::Discarded);
            }
        }
        self.set_state(State::Inactive);
        self.events.push_back(Event::Disconnected { confirmed });
        if core::mem::take(&mut self.connect_after_disconnect) {
            self.streak = 0;
            self.start_attempt(now);
        }
    }

    /// Gives up everything held for the application: at-least-once frames awaiting a RECEIPT (sent
    /// before, and their receipts fail), then the queue.
    pub(super) fn discard_queue(&mut self) {
        let retained = self.retained.take_all();
        let frames = retained.len();
        for id in retained {
            self.fail_receipt(id, ReceiptError::Discarded);
        }
        let items = self.queue.take_all();
        if items.is_empty() && frames > 0 {
            self.events
                .push_back(Event::QueueDiscarded { frames, sends: 0 });
            return;
        }
        self.discard_counting(items, frames);
    }

    pub(super) fn discard(&mut self, items: Vec<Queued>) {
        self.discard_counting(items, 0);
    }

    fn discard_counting(&mut self, items: Vec<Queued>, already: usize) {
        if items.is_empty() {
            return;
        }
        let frames = items.len() + already;
        let mut sends = 0;
        for item in &items {
            if item.is_plain_send() {
                sends += 1;
            }
            if let Some(id) = item.receipt() {
                self.events.push_back(Event::ReceiptFailed {
                    id: id.to_owned(),
                    error: ReceiptError::Discarded,
                });
            }
        }
        self.events
            .push_back(Event::QueueDiscarded { frames, sends });
    }

    pub(super) fn fail_receipt(&mut self, id: String, error: ReceiptError) {
        self.events.push_back(Event::ReceiptFailed { id, error });
    }

    /// Closes the transport, if there is one, and reports it as closed (as a WebSocket's close event
    /// would: stompjs users expect `onWebSocketClose` whoever closed it).
    pub(super) fn close_transport(&mut self) {
        self.close_transport_with(CloseInfo {
            code: 1000,
            reason: "closed by the client".to_owned(),
            clean: true,
        });
    }

    pub(super) fn close_transport_with(&mut self, info: CloseInfo) {
        if self.transport != Transport::None {
            self.transport = Transport::None;
            self.actions.push_back(Action::Close);
            self.events.push_back(Event::TransportClosed(info));
        }
    }

    pub(super) fn set_state(&mut self, to: State) {
        if self.state != to {
            let from = core::mem::replace(&mut self.state, to);
            self.events.push_back(Event::StateChanged { from, to });
        }
    }

    /// Whether the broker has been silent past the liveness tolerance at `now`.
    pub(super) fn is_silent_past_tolerance(&self, now: Millis) -> bool {
        self.heartbeat_in_deadline().is_some_and(|d| d <= now)
    }

    pub(super) fn heartbeat_out_deadline(&self) -> Option<Millis> {
        let interval = self.heartbeat.outgoing;
        (interval > 0).then(|| self.last_sent.saturating_add(interval))
    }

    /// The first instant at which the broker has been silent for longer than allowed.
    pub(super) fn heartbeat_in_deadline(&self) -> Option<Millis> {
        let interval = self.heartbeat.incoming;
        if interval == 0 {
            return None;
        }
        let tolerance = match self.config.heartbeat_tolerance {
            t if t.is_finite() && t >= 1.0 => t,
            _ => 1.0,
        };
        // A silence of s whole milliseconds is longer than the allowed x exactly when s > floor(x);
        // `as` rounds a non-negative float down (and saturates), as `floor` would (std only).
        let allowed = (interval as f64 * tolerance) as Millis;
        Some(self.last_received.saturating_add(allowed).saturating_add(1))
    }
}

/// `cx,cy` (spaces around the numbers allowed); `None` if malformed or out of range.
fn parse_heartbeat(text: &str) -> Option<(Millis, Millis)> {
    let comma = text.bytes().position(|b| b == b',')?;
    Some((
        parse_millis(&text[..comma])?,
        parse_millis(&text[comma + 1..])?,
    ))
}

/// A decimal number of milliseconds, digits only once trimmed; `None` if it overflows `u64`.
fn parse_millis(text: &str) -> Option<Millis> {
    let digits = text.trim_ascii();
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0 as Millis, |n, digit| {
        let digit = Millis::from(digit.checked_sub(b'0').filter(|d| *d <= 9)?);
        n.checked_mul(10)?.checked_add(digit)
    })
}

pub(super) fn dropped() -> CloseInfo {
    CloseInfo {
        code: 1006,
        reason: "connection dropped by the client".to_owned(),
        clean: false,
    }
}
