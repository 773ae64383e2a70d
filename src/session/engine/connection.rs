//! A connection's life: attempts and CONNECT, heart-beat deadlines, losses, the reconnect schedule,
//! what ends with a connection, and the end of a disconnect. What the broker sends, and what
//! CONNECTED restores, is `incoming`.

use super::*;

impl Session {
    pub(super) fn start_attempt(&mut self, now: Millis) {
        // Bytes still waiting here were written to the transport this step closes (a flush before
        // a DISCONNECT that could not be written): the driver writes them to it before it closes it
        // (transmits before actions). Any a driver never took are dropped at `handle_open`.
        // Before CONNECTED the version is unknown: an ERROR from a 1.0 broker is not escaped. The
        // parser itself switches to the version CONNECTED names, at the exact byte where it ends (the
        // frames after it in the same message are read under that version): the session only reads it.
        // A frame over the limits is skipped (its bytes read, never stored) and reported as
        // `Item::Skipped`: a MESSAGE the broker redelivers must not end every connection.
        self.parser = Parser::with_limits(self.config.limits)
            .lenient_before_version(true)
            .skip_oversized(true)
            .skip_only(Command::Message);
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

    /// CONNECT (or STOMP). Its headers in stompjs's order: the connect headers first, then the ones
    /// the session writes (`accept-version`, `host`, `login`, `passcode`, `heart-beat`), each unless a
    /// connect header of that name replaces it (in its own place).
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
        let mut beat = String::with_capacity(41);
        push_decimal(&mut beat, config.heartbeat_outgoing);
        beat.push(',');
        push_decimal(&mut beat, config.heartbeat_incoming);
        let host = match &config.host {
            HostHeader::FromUrl => Some(url_host(self.current_url().unwrap_or(""))),
            HostHeader::Fixed(host) => Some(host.as_str()),
            HostHeader::Omit => None,
        };
        let mut headers = config.connect_headers.clone();
        let ours = [
            ("accept-version", Some(accept.as_str())),
            ("host", host.filter(|h| !h.is_empty())),
            ("login", config.login.as_deref()),
            ("passcode", config.passcode.as_deref()),
            ("heart-beat", Some(beat.as_str())),
        ];
        for (name, value) in ours {
            if let Some(value) = value {
                if !headers.contains(name) {
                    headers.push(name, value);
                }
            }
        }
        Frame {
            command,
            headers,
            body: Vec::new(),
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

    /// Writes a subscription's SUBSCRIBE (with its first receipt, which it spends).
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
        self.write_frame(now, &frame, false, false, None)?;
        self.subscriptions.spend_first_receipt(&subscription.id);
        if let Some(live) = self.subscriptions.get_mut(&subscription.id) {
            live.sent = true;
        }
        Ok(())
    }

    pub(super) fn heartbeat_lost(&mut self, now: Millis) {
        self.events.push_back(Event::HeartbeatLost {
            last_received: self.last_received,
        });
        self.close_transport(CloseReason::CommunicationFailure);
        self.connection_lost(now);
    }

    pub(super) fn protocol_error(&mut self, now: Millis, error: ParseError) {
        self.events.push_back(Event::ProtocolError(error));
        self.close_transport(CloseReason::Normal);
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
            // No reconnect (stompjs's `reconnectDelay: 0`): the client stays active, not
            // reconnecting, until `connect`, `reconnect_now` or `disconnect`.
            self.discard_queue();
            self.set_state(State::Failed);
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

    /// Settles what belonged to the connection that just ended: receipts, transactions and their
    /// waiting frames, waiting ACKs/NACKs and other frames of that connection, its per-connection
    /// subscriptions; counts it against the oldest unconfirmed at-least-once frame. A connection
    /// that stayed up for `stable_after` ends the reconnect streak.
    pub(super) fn end_connection(&mut self, now: Millis) {
        let was_connected = self.connected_at.is_some();
        if let Some(since) = self.connected_at.take() {
            if now.saturating_sub(since) >= self.config.stable_after {
                self.streak = 0;
            }
        }
        self.timers.stop(Timer::Connect);
        self.timers.stop(Timer::Disconnect);
        self.buffered = 0;
        self.congested = false;
        self.version = None;
        for pending in self.receipts.take_all() {
            // An at-least-once frame's receipt is awaited again on the next connection.
            if pending.waiter == Waiter::User && !self.retained.contains(&pending.id) {
                self.events.push_back(Event::ReceiptFailed {
                    id: pending.id,
                    ticket: pending.ticket,
                    error: ReceiptError::ConnectionLost,
                });
            }
        }
        // Frames that belong to this connection never go out on another. A transaction whose
        // COMMIT or ABORT still waited is aborted by the broker as an open one is.
        let scoped = self.queue.take_scoped(None);
        let mut aborted = self.transactions.take_ids();
        for queued in &scoped {
            if let Job::Frame(frame) = &queued.job {
                if matches!(frame.command, Command::Commit | Command::Abort) {
                    if let Some(tx) = frame.headers.get("transaction") {
                        aborted.push(tx.to_owned());
                    }
                }
            }
        }
        if !aborted.is_empty() {
            self.events
                .push_back(Event::TransactionsAborted(sorted(aborted)));
        }
        // At-least-once SENDs of a transaction, written and unconfirmed: the broker aborted the
        // transaction with the connection, so they are not sent again on the next one.
        for kept in self.retained.take_transactional() {
            let tx = kept.frame.headers.get("transaction").unwrap_or_default();
            self.events.push_back(Event::SendFailed {
                ticket: kept.ticket,
                error: ReceiptError::TransactionEnded(tx.to_owned()),
                receipt: Some(kept.receipt),
            });
        }
        self.give_up(scoped, ReceiptError::ConnectionLost);
        // Counted against the oldest unconfirmed frame only when the broker closed the connection
        // itself: RabbitMQ closes it (1000, no ERROR) on a SEND to a missing exchange, while a
        // connection that drops (1006: a crash under load, the network) says nothing of the frames.
        let refused = core::mem::take(&mut self.refused_close);
        self.error_seen = false;
        if was_connected && refused {
            let limit = self.config.max_delivery_attempts;
            if let Some(kept) = self.retained.note_lost_connection(limit) {
                self.events.push_back(Event::SendFailed {
                    ticket: kept.ticket,
                    receipt: Some(kept.receipt),
                    error: ReceiptError::GivenUp {
                        attempts: kept.lost_at_front,
                    },
                });
                self.events.push_back(Event::QueueDiscarded { frames: 1 });
            }
        }
        let ended = self.subscriptions.per_connection_ids();
        if !ended.is_empty() {
            for id in &ended {
                if let Some(receipt) = self.subscriptions.remove(id).and_then(|s| s.first_receipt) {
                    self.fail_receipt(receipt, ReceiptError::Discarded);
                }
            }
            self.events.push_back(Event::SubscriptionsEnded(ended));
        }
    }

    /// The user's disconnect is over (`confirmed`: by the broker's RECEIPT). A connect asked for
    /// meanwhile starts now.
    pub(super) fn finish_disconnect(&mut self, now: Millis, confirmed: bool) {
        self.end_connection(now);
        self.timers.stop_all();
        self.discard_queue();
        let mut ended = Vec::new();
        for subscription in self.subscriptions.take_all() {
            if let Some(id) = subscription.first_receipt {
                self.fail_receipt(id, ReceiptError::Discarded);
            }
            ended.push(subscription.id);
        }
        if !ended.is_empty() {
            self.events.push_back(Event::SubscriptionsEnded(ended));
        }
        self.set_state(State::Inactive);
        self.events.push_back(Event::Disconnected { confirmed });
        if core::mem::take(&mut self.connect_after_disconnect) {
            self.streak = 0;
            self.start_attempt(now);
        }
    }

    /// Gives up everything held for the application: at-least-once frames awaiting a RECEIPT (sent
    /// before), then what waits to be written; each publish fails ([`Event::SendFailed`]), one
    /// [`Event::QueueDiscarded`] counts them.
    pub(super) fn discard_queue(&mut self) {
        let retained = self.retained.take_all();
        let given_up = retained.len();
        for kept in retained {
            self.events.push_back(Event::SendFailed {
                ticket: kept.ticket,
                receipt: Some(kept.receipt),
                error: ReceiptError::Discarded,
            });
        }
        let queued = self.queue.take_all();
        let sends = self.give_up(queued, ReceiptError::Discarded);
        if given_up > 0 {
            // One count for both: replace the one `give_up` pushed, if any.
            if sends > 0 {
                if let Some(Event::QueueDiscarded { frames }) = self.events.back_mut() {
                    *frames += given_up;
                }
            } else {
                self.events
                    .push_back(Event::QueueDiscarded { frames: given_up });
            }
        }
    }

    pub(super) fn fail_receipt(&mut self, id: String, error: ReceiptError) {
        self.events.push_back(Event::ReceiptFailed {
            id,
            ticket: None,
            error,
        });
    }

    /// Closes the transport, if there is one, and reports it as closed (as a WebSocket's close event
    /// would: stompjs users expect `onWebSocketClose` whoever closed it).
    pub(super) fn close_transport(&mut self, reason: CloseReason) {
        self.close_transport_with(
            CloseInfo {
                code: 1000,
                reason: "closed by the client".to_owned(),
                clean: true,
            },
            reason,
        );
    }

    pub(super) fn close_transport_with(&mut self, info: CloseInfo, reason: CloseReason) {
        if self.transport != Transport::None {
            self.transport = Transport::None;
            self.actions.push_back(Action::Close(reason));
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
        let deadline = self.last_received.saturating_add(allowed).saturating_add(1);
        Some(deadline.max(self.late_wake_grace.unwrap_or(0)))
    }

    /// Called when the liveness deadline has passed: when the check itself ran more than
    /// [`LATE_WAKE_MS`] after it, the client, not the broker, was asleep (a throttled background tab,
    /// a mini-program resumed, a stalled thread), and what the broker sent meanwhile may still wait
    /// behind this timer in the event loop (Node runs due timers before reading sockets). The broker
    /// then gets one more incoming interval from now; returns whether that grace was granted (once
    /// per silence: a second late check finds it already spent).
    pub(super) fn grant_late_wake_grace(&mut self, now: Millis) -> bool {
        let Some(deadline) = self.heartbeat_in_deadline() else {
            return false;
        };
        if self.late_wake_grace.is_some() || now.saturating_sub(deadline) < LATE_WAKE_MS {
            return false;
        }
        self.late_wake_grace = Some(now.saturating_add(self.heartbeat.incoming));
        true
    }
}

/// How late a liveness check may run before its verdict waits for the event loop to catch up.
pub(super) const LATE_WAKE_MS: Millis = 100;

pub(super) fn dropped() -> CloseInfo {
    CloseInfo {
        code: 1006,
        reason: "connection dropped by the client".to_owned(),
        clean: false,
    }
}
