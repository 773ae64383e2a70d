//! What the broker sends: CONNECTED and what it restores (subscriptions, at-least-once frames, the
//! queue), MESSAGE routed to its subscription, RECEIPT and ERROR settling what asked for them, and a
//! frame over the limits.

use super::*;

impl Session {
    pub(super) fn handle_frame(&mut self, now: Millis, frame: Frame) {
        match (self.state, frame.command) {
            (State::Connecting, Command::Connected) => self.on_connected(now, frame),
            (State::Connecting, Command::Error) => {
                self.close_transport(CloseReason::Normal);
                self.failed_attempt(now, ConnectFailure::Error(frame));
            }
            (State::Connected | State::Disconnecting, Command::Message) => {
                match frame.headers.get("subscription") {
                    Some(id) if self.subscriptions.contains(id) => {
                        let subscription = id.to_owned();
                        self.events.push_back(Event::Message {
                            subscription,
                            connection: self.connection,
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
                                ticket: pending.ticket,
                                error: ReceiptError::Error(frame.clone()),
                            });
                        }
                    }
                }
                // The broker closes the connection after an ERROR that ends it (STOMP 1.2 says it
                // must), and the session follows that close. Some ERRORs end nothing: RabbitMQ
                // answers an ACK or NACK for a subscription it just ended with "Subscription not
                // found" and keeps the connection. As stompjs, the session does not close it itself
                // — unless it is leaving anyway (disconnecting: not confirmed).
                self.error_seen = true;
                self.events.push_back(Event::StompError(frame));
                if self.state == State::Disconnecting {
                    self.close_transport(CloseReason::Normal);
                    self.finish_disconnect(now, false);
                }
            }
            _ => self.events.push_back(Event::UnhandledFrame(frame)),
        }
    }

    /// A frame over the client's limits, skipped by the parser: a MESSAGE is reported with the
    /// headers that name it ([`Event::MessageRefused`]) and the connection goes on; any other frame
    /// is a protocol error, as before.
    pub(super) fn handle_oversized(&mut self, now: Millis, skipped: Skipped) {
        let connected = matches!(self.state, State::Connected | State::Disconnecting);
        if skipped.command == Command::Message && connected {
            let frame = Frame {
                command: Command::Message,
                headers: skipped.headers,
                body: Vec::new(),
            };
            self.events.push_back(Event::MessageRefused {
                connection: self.connection,
                limit: skipped.limit,
                frame,
            });
            return;
        }
        self.protocol_error(now, ParseError::LimitExceeded(skipped.limit));
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
            self.close_transport(CloseReason::Normal);
            self.failed_attempt(now, ConnectFailure::VersionNotOffered { version });
            return;
        };
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
        self.last_version = Some(version);
        self.connection += 1;
        self.server_headers = frame.headers.clone();
        self.timers.stop(Timer::Connect);
        // The streak is not reset here: only a connection that stays up for `stable_after` ends it
        // (see `end_connection`), so a broker that accepts and then drops at once is backed off.
        self.connected_at = Some(now);
        // Heart-beating starts with the connection: the outgoing interval counts from now.
        self.last_sent = now;
        self.set_state(State::Connected);
        self.buffered = 0;
        self.congested = false;
        self.resubscribe(now);
        self.resend_retained(now);
        self.flush_queue(now);
        self.events.push_back(Event::Connected {
            connection: self.connection,
            version,
            heartbeat: self.heartbeat,
            headers: frame.headers,
        });
    }

    pub(super) fn resubscribe(&mut self, now: Millis) {
        self.subscriptions.mark_unsent();
        let all: Vec<Subscription> = self
            .subscriptions
            .ids()
            .filter_map(|id| self.subscriptions.get(id).cloned())
            .collect();
        let mut lost = Vec::new();
        for subscription in all {
            // Checked encodable in the version in use when made; a broker that negotiates a
            // stricter one (or a `set_config` offering one) can make this fail.
            if let Err(CommandError::Encode(error)) = self.send_subscribe(now, &subscription) {
                lost.push((subscription.id, error));
            }
        }
        for (id, error) in lost {
            if let Some(receipt) = self.subscriptions.remove(&id).and_then(|s| s.first_receipt) {
                self.fail_receipt(receipt, ReceiptError::Discarded);
            }
            self.events.push_back(Event::SubscriptionLost { id, error });
        }
    }

    /// At-least-once frames the last connection took without a RECEIPT: written again, in order.
    pub(super) fn resend_retained(&mut self, now: Millis) {
        let kept: Vec<Kept> = self.retained.in_order().cloned().collect();
        for item in kept {
            // Writable in the version in use when made: only a broker that negotiates a stricter
            // version can make this fail; then the frame is given up, reported.
            let written = self.write_frame(
                now,
                &item.frame,
                item.binary,
                item.skip_content_length,
                Some(item.ticket),
            );
            if let Err(error) = written {
                self.retained.remove(&item.receipt);
                let error = match error {
                    CommandError::Encode(error) => ReceiptError::Unwritable(error),
                    _ => ReceiptError::Discarded,
                };
                self.events.push_back(Event::SendFailed {
                    ticket: item.ticket,
                    receipt: Some(item.receipt),
                    error,
                });
                self.events.push_back(Event::QueueDiscarded { frames: 1 });
            }
        }
    }

    pub(super) fn on_receipt(&mut self, now: Millis, frame: Frame) {
        let id = frame.headers.get("receipt-id").unwrap_or("");
        match self.receipts.take(id) {
            Some(pending) if pending.waiter == Waiter::Disconnect => {
                self.close_transport(CloseReason::Normal);
                self.finish_disconnect(now, true);
            }
            Some(pending) => {
                self.retained.remove(&pending.id);
                self.events.push_back(Event::Receipt {
                    id: pending.id,
                    ticket: pending.ticket,
                    frame,
                })
            }
            None => self.events.push_back(Event::UnhandledReceipt(frame)),
        }
    }
}

/// `cx,cy` (spaces around the numbers allowed); `None` if malformed or out of range.
fn parse_heartbeat(text: &str) -> Option<(Millis, Millis)> {
    // Cut at the comma's byte position with `get` (no char searcher, no panic path).
    let comma = text.bytes().position(|b| b == b',')?;
    Some((
        parse_millis(text.get(..comma)?)?,
        parse_millis(text.get(comma + 1..)?)?,
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
