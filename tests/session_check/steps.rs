//! One step of a script: an operation carried out on the session (as the application, the
//! transport or the broker), then every output drained and checked.

use super::*;

impl Driver {
    // ----- the script -----

    /// Runs one operation, drains the outputs and checks every invariant.
    pub fn step(&mut self, op: &Op) {
        self.step_op(op);
        if self.auto_accept && self.transport.as_ref().is_some_and(|t| !t.open) {
            self.step_op(&Op::Open);
            let connected = Op::Connected {
                version: 0,
                heart_beat: 0,
                chunk: 0,
            };
            self.step_op(&connected);
        }
    }

    pub(super) fn step_op(&mut self, op: &Op) {
        let now = self.now;
        if self.trace {
            eprintln!("t={now} {:?}: {op:?}", self.session.state());
        }
        self.step_events.clear();
        self.check.set_config(self.session.config());
        match op {
            Op::Advance(ms) => self.advance_to(now.saturating_add(*ms)),
            Op::Connect => {
                if self.session.connect(now).is_ok() {
                    assert!(self.session.wants_active());
                }
            }
            Op::Disconnect { force } => {
                let graceful = self.session.state() == State::Connected && !force;
                self.session
                    .disconnect(now, *force)
                    .expect("disconnect never fails");
                assert!(!self.session.wants_active());
                if graceful && self.session.state() == State::Disconnecting {
                    self.check.disconnect_issued(self.session.connection());
                }
            }
            Op::ReconnectNow => {
                let _ = self.session.reconnect_now(now);
            }
            Op::DropConnection => self.session.drop_connection(now),
            Op::Subscribe {
                own_id,
                ack,
                per_connection,
                receipt,
                odd,
            } => {
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (mut headers, _) = self.headers(seq, &receipt, false);
                if let Some(id) = own_id {
                    headers.push("id", &format!("own-{id}"));
                }
                match ack % 3 {
                    0 => {}
                    1 => headers.push("ack", "client"),
                    _ => headers.push("ack", "client-individual"),
                }
                match odd % 3 {
                    1 => headers.push("x-note", "a\rb"),
                    2 => headers.push("x-note", "a:b\\c"),
                    _ => {}
                }
                let result = self
                    .session
                    .subscribe(now, "/topic/f", &headers, *per_connection);
                if let Ok(id) = &result {
                    let connected = self.session.state() == State::Connected;
                    let scope = connected.then(|| self.session.connection());
                    self.check.issued(seq, Kind::Subscribe(id.clone()), scope);
                    self.check.asked(receipt, None);
                }
            }
            Op::Unsubscribe { pick, receipt } => {
                let ids: Vec<String> = self.session.subscription_ids().map(Into::into).collect();
                let id = match ids.len() {
                    0 => "none".to_owned(),
                    n => ids[pick % n].clone(),
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                if self.session.unsubscribe(now, &id, &headers).is_ok() {
                    let connected = self.session.state() == State::Connected;
                    let scope = connected.then(|| self.session.connection());
                    self.check.issued(seq, Kind::Unsubscribe(id), scope);
                    self.check.asked(receipt, None);
                }
            }
            Op::Send {
                body,
                bytes,
                receipt,
                retain,
                tx,
                binary,
                skip_content_length,
            } => {
                let seq = self.check.next_seq();
                let own = self.receipt(*receipt == Ask::Header);
                let (headers, tx) = self.headers(seq, &own, *tx);
                let body = match bytes {
                    true => vec![0xff; *body],
                    false => vec![b'x'; *body],
                };
                let options = SendOptions {
                    binary: *binary,
                    skip_content_length: *skip_content_length,
                    receipt: *receipt == Ask::Option,
                    retain: *retain,
                };
                let result = self.session.send(now, "/queue/f", &headers, body, options);
                self.check.sent(
                    seq,
                    own,
                    tx,
                    options,
                    result.as_ref().map(|a| (a.ticket, a.outcome)),
                    &self.session,
                );
            }
            Op::SendHead {
                body,
                receipt,
                tx,
                binary,
            } => {
                let seq = self.check.next_seq();
                let own = self.receipt(*receipt == Ask::Header);
                let (headers, tx) = self.headers(seq, &own, *tx);
                let options = SendOptions {
                    binary: *binary,
                    receipt: *receipt == Ask::Option,
                    ..SendOptions::default()
                };
                let result = self
                    .session
                    .send_head(now, "/queue/h", &headers, *body, options);
                match result {
                    Ok(Some(ticket)) => {
                        self.bodies.push_back(vec![b'h'; *body]);
                        let accepted = Ok::<_, &CommandError>((ticket, SendOutcome::Sent));
                        self.check
                            .sent(seq, own, tx, options, accepted, &self.session);
                    }
                    Ok(None) => {}
                    Err(error) => {
                        self.check
                            .sent(seq, own, tx, options, Err(&error), &self.session)
                    }
                }
            }
            Op::Ack {
                nack,
                pick,
                by_id,
                receipt,
                tx,
            } => {
                let Some(message) = self.check.delivered(*pick) else {
                    return self.pump();
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, tx) = self.headers(seq, &receipt, *tx);
                let target = match by_id {
                    true => {
                        let id = message
                            .frame
                            .headers
                            .get("ack")
                            .or(message.frame.headers.get("message-id"))
                            .unwrap_or("");
                        let subscription = message.frame.headers.get("subscription");
                        AckTarget::by_id(id, subscription.unwrap_or(""))
                    }
                    false => AckTarget::of(&message.frame, message.connection),
                };
                let result = match nack {
                    true => self.session.nack(now, target, &headers),
                    false => self.session.ack(now, target, &headers),
                };
                if result.is_ok() {
                    let connection = self.session.connection();
                    assert_eq!(self.session.state(), State::Connected, "ACK accepted");
                    if !by_id {
                        assert_eq!(
                            message.connection, connection,
                            "an ACK of a message of connection {} accepted on connection \
                             {connection}",
                            message.connection
                        );
                    }
                    let command = if *nack { Command::Nack } else { Command::Ack };
                    let names = (!by_id).then_some(message);
                    self.check
                        .issued(seq, Kind::Ack { command, names, tx }, Some(connection));
                    self.check.asked(receipt, None);
                    if result == Ok(SendOutcome::Sent) {
                        self.check.must_be_read(seq);
                    }
                }
            }
            Op::Begin { own_id, receipt } => {
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                let own = own_id.map(|n| format!("t-{n}"));
                if let Ok(id) = self.session.begin(now, own.as_deref(), &headers) {
                    let connection = self.session.connection();
                    self.check
                        .issued(seq, Kind::Tx(Command::Begin, id), Some(connection));
                    self.check.asked(receipt, None);
                }
            }
            Op::End {
                commit,
                pick,
                receipt,
            } => {
                let open: Vec<String> = self.session.open_transactions().map(Into::into).collect();
                let id = match open.len() {
                    0 => "t-none".to_owned(),
                    n => open[pick % n].clone(),
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                let (command, result) = match commit {
                    true => (Command::Commit, self.session.commit(now, &id, &headers)),
                    false => (Command::Abort, self.session.abort(now, &id, &headers)),
                };
                if result.is_ok() {
                    let connection = self.session.connection();
                    self.check
                        .issued(seq, Kind::Tx(command, id), Some(connection));
                    self.check.asked(receipt, None);
                }
            }
            Op::Buffered(amount) => self.session.handle_buffered(now, *amount),
            Op::Drain => {
                for _ in 0..8 {
                    self.session.handle_buffered(now, Some(0));
                    self.pump();
                    if !self.session.wants_buffered() {
                        break;
                    }
                }
            }
            Op::AppHidden => self.session.handle_app_hidden(now),
            Op::AppShown => self.session.handle_app_shown(now),
            Op::Suspend => self.session.handle_suspend(now),
            Op::SetConfig(change) => {
                let mut config = self.session.config().clone();
                match *change {
                    Change::Versions(v) => {
                        config.accept_versions = vec![Version::ALL[usize::from(v) % 3]]
                    }
                    Change::ReceiptTimeout(t) => {
                        config.receipt_timeout = [0, 200, 10_000][usize::from(t) % 3]
                    }
                    Change::ConnectHeaders(bad) => {
                        let value = if bad { "two\nlines" } else { "ok" };
                        config.connect_headers = Headers::new().with("x-note", value)
                    }
                    Change::DisconnectHeaders(bad) => {
                        let value = if bad { "a\rb" } else { "ok" };
                        config.disconnect_headers = Headers::new().with("x-note", value)
                    }
                    Change::MaxBuffered(n) => {
                        config.max_buffered_bytes = [0, 64, 300, 1_000][usize::from(n) % 4]
                    }
                    Change::MaxQueuedFrames(n) => config.max_queued_frames = usize::from(n % 8),
                    Change::MaxQueuedBytes(n) => {
                        config.max_queued_bytes = [0, 100, 400, 1 << 20][usize::from(n) % 4]
                    }
                    Change::QueueWhileDisconnected(on) => config.queue_while_disconnected = on,
                }
                self.session.set_config(config);
            }
            Op::Open => {
                if let Some(transport) = self.transport.as_mut().filter(|t| !t.open) {
                    transport.open = true;
                    self.session.handle_open(now);
                }
            }
            Op::Close(code) => {
                if self.transport.take().is_some() {
                    let info = CloseInfo {
                        code: *code,
                        reason: String::new(),
                        clean: *code == 1000,
                    };
                    self.session.handle_close(now, info);
                }
            }
            Op::Connected {
                version,
                heart_beat,
                chunk,
            } => {
                // A broker answers CONNECT once (another CONNECTED comes by `OtherFrame`).
                let Some(transport) = self.transport.as_ref().filter(|t| t.connection.is_none())
                else {
                    return self.pump();
                };
                let mut frame = Frame::new(Command::Connected);
                let version = match usize::from(*version) % VERSIONS.len() {
                    0 => transport.offered.first().map(|v| v.as_str()),
                    n => VERSIONS[n],
                };
                if let Some(v) = version {
                    frame.headers.push("version", v);
                }
                if let Some(hb) = HEART_BEATS[usize::from(*heart_beat) % HEART_BEATS.len()] {
                    frame.headers.push("heart-beat", hb);
                }
                self.broker_send(&frame, *chunk);
            }
            Op::Message {
                pick,
                known,
                ack,
                body,
                oversize,
                chunk,
            } => return self.broker_message(*pick, *known, *ack, *body, *oversize, *chunk),
            Op::Receipt { pick, stray, chunk } => {
                let seen = self
                    .transport
                    .as_ref()
                    .map_or(&[][..], |t| &t.receipts_seen);
                let id = match (stray, seen.len()) {
                    (true, _) | (_, 0) => "stray".to_owned(),
                    (false, n) => seen[pick % n].clone(),
                };
                let frame = Frame::new(Command::Receipt).header("receipt-id", &id);
                self.broker_send(&frame, *chunk);
            }
            Op::Error { pick, chunk } => {
                let mut frame = Frame::new(Command::Error).header("message", "boom \\ C:\\x");
                let seen = self
                    .transport
                    .as_ref()
                    .map_or(&[][..], |t| &t.receipts_seen);
                if let (Some(pick), false) = (pick, seen.is_empty()) {
                    let id = seen[pick % seen.len()].clone();
                    frame.headers.push("receipt-id", &id);
                }
                self.broker_send(&frame, *chunk);
            }
            Op::OtherFrame(command) => {
                let command = Command::ALL[usize::from(*command) % Command::ALL.len()];
                self.broker_send(&Frame::new(command).header("x", "y"), 0);
            }
            Op::Heartbeats(n) => {
                if self.open() {
                    self.broker_bytes(&vec![b'\n'; usize::from(*n).max(1)], 0);
                }
            }
            Op::Bytes { bytes, chunk } => {
                if let Some(transport) = self.transport.as_mut().filter(|t| t.open) {
                    transport.clean &= bytes.iter().all(|b| matches!(b, b'\n' | b'\r'));
                }
                self.broker_bytes(bytes, *chunk)
            }
        }
        self.pump();
    }
}
