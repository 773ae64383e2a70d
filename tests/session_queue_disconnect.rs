//! Session: the bounded offline queue (what is queued, its bounds, its receipts, its flush order, what
//! discards it) and the user's disconnect (graceful with a receipt, timeout, force, never a reconnect).

mod session_support;

use session_support::{assert_frame, close_info, headers, Harness};
use stomp_wasm::frame::{Command, EncodeError, Frame, Headers, Version};
use stomp_wasm::session::{
    AckTarget, Action, CloseInfo, CloseReason, CommandError, Config, Event, ReceiptError,
    ReconnectPolicy, SendOptions, SendOutcome, Session, State,
};

fn send_at(
    h: &mut Harness,
    destination: &str,
    pairs: &[(&str, &str)],
    body: &[u8],
) -> Result<SendOutcome, CommandError> {
    let result = h.session.send(
        h.now,
        destination,
        &headers(pairs),
        body.to_vec(),
        SendOptions::default(),
    );
    h.pump();
    result.map(|accepted| accepted.outcome)
}

fn target() -> AckTarget {
    AckTarget {
        ack: Some("a-1".into()),
        message_id: "m-1".into(),
        subscription: "sub-0".into(),
        connection: None,
    }
}

/// Connected, then the broker drops the connection: the session waits 1 s to reconnect.
fn reconnecting(change: impl FnOnce(&mut Config)) -> Harness {
    let mut h = Harness::with(change);
    h.connected();
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Reconnecting);
    h.clear();
    h
}

// ----- the offline queue -----

#[test]
fn sends_while_reconnecting_are_queued_and_flushed_in_order_on_connected() {
    let mut h = reconnecting(|_| {});
    for (i, body) in ["1", "2", "3"].iter().enumerate() {
        let destination = format!("/queue/{i}");
        assert_eq!(
            send_at(&mut h, &destination, &[("x-n", body)], body.as_bytes()),
            Ok(SendOutcome::Queued)
        );
    }
    // An ACK needs the connection that delivered its message: not queued (issue 20.1).
    assert_eq!(
        h.session.ack(h.now, target(), &Headers::new()),
        Err(CommandError::NotConnected)
    );
    assert_eq!(h.session.queued().0, 3);
    assert!(h.sent_frames().is_empty());
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 3);
    for (i, frame) in frames[..3].iter().enumerate() {
        let n = (i + 1).to_string();
        let destination = format!("/queue/{i}");
        assert_frame(
            frame,
            Command::Send,
            &[
                ("destination", destination.as_str()),
                ("x-n", n.as_str()),
                ("content-length", "1"),
            ],
        );
        assert_eq!(frame.body, n.as_bytes());
    }
    assert_eq!(h.session.queued(), (0, 0));
}

#[test]
fn sends_while_the_first_attempt_connects_are_queued_too() {
    let mut h = Harness::new(session_support::config());
    h.start();
    assert_eq!(
        send_at(&mut h, "/q", &[], b"early"),
        Ok(SendOutcome::Queued)
    );
    h.open();
    assert_eq!(
        send_at(&mut h, "/q", &[], b"still early"),
        Ok(SendOutcome::Queued)
    );
    h.sent_frames();
    h.broker_send(Frame::new(Command::Connected).header("version", "1.2"));
    let bodies: Vec<_> = h.sent_frames().into_iter().map(|f| f.body).collect();
    assert_eq!(bodies, [b"early".to_vec(), b"still early".to_vec()]);
}

#[test]
fn queue_overflow_by_frame_count_is_an_error_and_drops_nothing() {
    let mut h = reconnecting(|c| c.max_queued_frames = 2);
    send_at(&mut h, "/q", &[], b"1").unwrap();
    send_at(&mut h, "/q", &[], b"2").unwrap();
    assert_eq!(
        send_at(&mut h, "/q", &[], b"3"),
        Err(CommandError::QueueFull {
            limit: "max_queued_frames"
        })
    );
    assert_eq!(h.session.queued().0, 2);
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    assert_eq!(h.sent_commands(), [Command::Send, Command::Send]);
}

#[test]
fn while_connected_nothing_is_refused_for_being_many() {
    // Issue 19: a publishing loop that never awaits must lose nothing; backpressure paces it.
    let mut h = Harness::with(|c| {
        c.max_queued_frames = 10;
        c.max_queued_bytes = 1_000;
        c.max_buffered_bytes = 1_000;
    });
    h.connected();
    let body = [b'x'; 200];
    let mut tickets = Vec::new();
    for _ in 0..2_000 {
        let accepted = h
            .session
            .send(
                h.now,
                "/q",
                &Headers::new(),
                body.to_vec(),
                SendOptions::default(),
            )
            .expect("accepted while connected");
        tickets.push(accepted.ticket);
    }
    h.pump();
    let waiting = h.session.queued().0;
    assert!(waiting > 1_900, "{waiting}");
    // The connection drops: the waiting frames wait for the next one, and count against the bounds
    // from now on (a publish made offline is refused).
    h.broker_close(1006);
    assert_eq!(
        send_at(&mut h, "/q", &[], b"offline"),
        Err(CommandError::QueueFull {
            limit: "max_queued_frames"
        })
    );
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), None);
    // The transport drains as fast as it is asked.
    while h.session.wants_buffered() {
        h.session.handle_buffered(h.now, Some(0));
        h.pump();
    }
    // Those written before the close were at-most-once; every one that waited goes out now.
    let written = h.sent_frames().len();
    assert_eq!(written, waiting);
    let last = h.written_through();
    assert_eq!(last, tickets.last().copied());
}

#[test]
fn queue_overflow_by_bytes_is_an_error_and_the_bound_itself_fits() {
    // Size = header text ("destination" + "/q/a" = 15) + body (10) = 25 bytes per frame.
    let mut h = reconnecting(|c| c.max_queued_bytes = 50);
    send_at(&mut h, "/q/a", &[], b"0123456789").unwrap();
    assert_eq!(h.session.queued(), (1, 25));
    send_at(&mut h, "/q/a", &[], b"0123456789").unwrap();
    assert_eq!(h.session.queued(), (2, 50));
    assert_eq!(
        send_at(&mut h, "/q/a", &[], b""),
        Err(CommandError::QueueFull {
            limit: "max_queued_bytes"
        })
    );
    assert_eq!(h.session.queued(), (2, 50));
}

#[test]
fn a_frame_larger_than_the_whole_queue_is_refused() {
    let mut h = reconnecting(|c| c.max_queued_bytes = 100);
    assert_eq!(
        send_at(&mut h, "/q", &[], &[b'x'; 200]),
        Err(CommandError::QueueFull {
            limit: "max_queued_bytes"
        })
    );
    assert_eq!(h.session.queued(), (0, 0));
}

#[test]
fn queued_frames_keep_their_receipts_timed_from_when_they_go_out() {
    let mut h = reconnecting(|c| c.receipt_timeout = 5_000);
    send_at(&mut h, "/q", &[("receipt", "r-q")], b"x").unwrap();
    assert_eq!(h.session.pending_receipts(), 0);
    assert_eq!(
        send_at(&mut h, "/q", &[("receipt", "r-q")], b"y"),
        Err(CommandError::DuplicateReceipt("r-q".into()))
    );
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    assert_eq!(h.sent_frames()[0].headers.get("receipt"), Some("r-q"));
    assert_eq!(h.session.pending_receipts(), 1);
    assert_eq!(h.session.poll_timeout(), Some(6_000));
    h.broker_receipt("r-q");
    assert!(h
        .events()
        .iter()
        .any(|e| matches!(e, Event::Receipt {  id, .. } if id == "r-q")));
}

#[test]
fn queueing_off_makes_sending_while_disconnected_an_error() {
    let mut h = reconnecting(|c| c.queue_while_disconnected = false);
    assert_eq!(
        send_at(&mut h, "/q", &[], b"x"),
        Err(CommandError::NotConnected)
    );
    assert_eq!(
        h.session.ack(h.now, target(), &Headers::new()),
        Err(CommandError::NotConnected)
    );
    assert_eq!(
        h.session.nack(h.now, target(), &Headers::new()),
        Err(CommandError::NotConnected)
    );
    assert_eq!(h.session.queued(), (0, 0));
}

#[test]
fn sending_when_inactive_failed_or_disconnecting_is_an_invalid_state() {
    let mut h = Harness::new(session_support::config());
    assert_eq!(
        send_at(&mut h, "/q", &[], b"x"),
        Err(CommandError::InvalidState {
            command: "send",
            state: State::Inactive
        })
    );
    assert_eq!(
        h.session.ack(0, target(), &Headers::new()),
        Err(CommandError::InvalidState {
            command: "ack",
            state: State::Inactive
        })
    );
    assert_eq!(
        h.session.nack(0, target(), &Headers::new()),
        Err(CommandError::InvalidState {
            command: "nack",
            state: State::Inactive
        })
    );
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    assert_eq!(
        send_at(&mut h, "/q", &[], b"x"),
        Err(CommandError::InvalidState {
            command: "send",
            state: State::Disconnecting
        })
    );
    assert_eq!(
        h.session.begin(h.now, None, &Headers::new()),
        Err(CommandError::InvalidState {
            command: "begin",
            state: State::Disconnecting
        })
    );
}

#[test]
fn send_needs_a_destination() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    assert_eq!(
        send_at(&mut h, "", &[], b"x"),
        Err(CommandError::MissingHeader("destination"))
    );
}

#[test]
fn queue_refuses_what_an_offered_version_could_not_write() {
    // Before the first CONNECTED, 1.0 is offered and has no escapes: a line break in a header
    // could never go out.
    let mut h = Harness::new(session_support::config());
    h.start();
    assert!(matches!(
        send_at(&mut h, "/q", &[("x-note", "a\nb")], b"x"),
        Err(CommandError::Header(name, EncodeError::Unrepresentable { .. })) if name == "x-note"
    ));
    // Offering only 1.2, it is queued and escaped when it goes out.
    let mut h = reconnecting(|c| c.accept_versions = vec![Version::V1_2]);
    send_at(&mut h, "/q", &[("x-note", "a\nb")], b"x").unwrap();
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    let frames = h.sent_frames();
    assert_eq!(frames[0].headers.get("x-note"), Some("a\nb"));
    let raw = String::from_utf8(h.sent_raw().pop().unwrap()).unwrap();
    assert!(raw.contains("x-note:a\\nb\n"), "{raw:?}");
}

#[test]
fn queue_refuses_a_nul_body_without_content_length() {
    let mut h = reconnecting(|_| {});
    let result = h.session.send(
        h.now,
        "/q",
        &Headers::new(),
        b"a\0b".to_vec(),
        SendOptions {
            skip_content_length: true,
            ..SendOptions::default()
        },
    );
    assert_eq!(
        result,
        Err(CommandError::Encode(
            EncodeError::NulInBodyWithoutContentLength
        ))
    );
}

#[test]
fn queued_binary_bodies_go_out_as_binary() {
    let mut h = reconnecting(|_| {});
    h.session
        .send(
            h.now,
            "/q",
            &Headers::new(),
            vec![0xff, 0x00],
            SendOptions::default(),
        )
        .unwrap();
    h.session
        .send(
            h.now,
            "/q",
            &Headers::new(),
            b"text".to_vec(),
            SendOptions {
                binary: true,
                ..SendOptions::default()
            },
        )
        .unwrap();
    h.session
        .send(
            h.now,
            "/q",
            &Headers::new(),
            b"text".to_vec(),
            SendOptions::default(),
        )
        .unwrap();
    h.advance(1_000);
    h.open();
    h.sent_transmits();
    h.broker_send(Frame::new(Command::Connected).header("version", "1.2"));
    let binary: Vec<bool> = h.sent_transmits().iter().map(|t| t.binary).collect();
    assert_eq!(binary, [true, true, false]);
}

#[test]
fn user_disconnect_discards_the_queue_and_fails_its_receipts() {
    let mut h = reconnecting(|_| {});
    send_at(&mut h, "/q", &[("receipt", "r-1")], b"x").unwrap();
    send_at(&mut h, "/q", &[], b"y").unwrap();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(
        h.events_but_states(),
        [
            Event::SendFailed {
                ticket: 1,
                receipt: Some("r-1".into()),
                error: ReceiptError::Discarded
            },
            Event::SendFailed {
                ticket: 2,
                receipt: None,
                error: ReceiptError::Discarded
            },
            Event::QueueDiscarded { frames: 2 },
            Event::Disconnected { confirmed: false },
        ]
    );
    assert_eq!(h.session.queued(), (0, 0));
}

#[test]
fn giving_up_reconnecting_discards_the_queue() {
    let mut h = reconnecting(|c| c.reconnect.max_attempts = 1);
    send_at(&mut h, "/q", &[("receipt", "r-1")], b"x").unwrap();
    h.advance(1_000);
    h.broker_close(1006);
    assert_eq!(
        h.events_but_states(),
        [
            Event::TransportClosed(close_info(1006)),
            Event::ConnectFailed(stomp_wasm::session::ConnectFailure::Closed(close_info(
                1006
            ))),
            Event::SendFailed {
                ticket: 1,
                receipt: Some("r-1".into()),
                error: ReceiptError::Discarded
            },
            Event::QueueDiscarded { frames: 1 },
            Event::ReconnectFailed { attempts: 1 },
        ]
    );
    assert_eq!(h.session.state(), State::Failed);
    assert_eq!(h.session.queued(), (0, 0));
}

#[test]
fn reconnect_off_discards_what_was_queued_for_the_failed_first_attempt() {
    let mut h = Harness::with(|c| c.reconnect.delay = 0);
    h.start();
    send_at(&mut h, "/q", &[], b"x").unwrap();
    h.broker_close(1006);
    // Still active (as stompjs with `reconnectDelay: 0`), not reconnecting.
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.session.wants_active());
    assert!(h.events().contains(&Event::QueueDiscarded { frames: 1 }));
}

#[test]
fn bytes_for_a_closed_transport_never_reach_the_next_one() {
    // A driver that did not drain poll_transmit before the transport closed.
    let config = Config {
        reconnect: ReconnectPolicy {
            delay: 1_000,
            ..ReconnectPolicy::default()
        },
        ..Config::new("ws://broker.test/ws")
    };
    let mut session = Session::new(config);
    session.connect(0).unwrap();
    session.handle_open(0);
    while session.poll_transmit().is_some() {}
    let mut connected = Vec::new();
    Frame::new(Command::Connected)
        .header("version", "1.2")
        .encode(Default::default(), &mut connected)
        .unwrap();
    session.handle_bytes(0, &connected);
    session
        .send(
            0,
            "/q",
            &Headers::new(),
            b"late".to_vec(),
            SendOptions::default(),
        )
        .unwrap();
    session.handle_close(0, close_info(1006));
    session.handle_timeout(1_000);
    session.handle_open(1_000);
    let first = session.poll_transmit().expect("CONNECT");
    assert!(first.bytes.starts_with(b"CONNECT\n"), "{first:?}");
    assert_eq!(session.poll_transmit(), None);
}

// ----- disconnect -----

#[test]
fn disconnect_sends_disconnect_with_a_receipt_and_closes_on_that_receipt() {
    let mut h = Harness::with(|c| c.disconnect_headers = headers(&[("x-bye", "now")]));
    h.connected();
    h.advance(100);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    let frames = h.sent_frames();
    assert_frame(
        &frames[0],
        Command::Disconnect,
        &[("receipt", "rcpt-0"), ("x-bye", "now")],
    );
    assert_eq!(h.session.state(), State::Disconnecting);
    assert_eq!(h.session.poll_timeout(), Some(5_100));
    h.clear();
    h.advance(200);
    h.broker_receipt("rcpt-0");
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(
        h.events(),
        [
            session_support::closed_by_client(),
            Event::StateChanged {
                from: State::Disconnecting,
                to: State::Inactive
            },
            Event::Disconnected { confirmed: true },
        ]
    );
    assert_eq!(h.closes, [300]);
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn disconnect_closes_after_disconnect_timeout_without_a_receipt() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.advance(100);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.clear();
    h.advance_to(5_099);
    assert_eq!(h.session.state(), State::Disconnecting);
    h.advance_to(5_100);
    assert_eq!(
        h.actions(),
        [Action::Close(CloseReason::CommunicationFailure)]
    );
    assert_eq!(h.session.state(), State::Inactive);
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: false }));
}

#[test]
fn forced_disconnect_closes_at_once() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.actions(), [Action::Close(CloseReason::Forced)]);
    assert_eq!(
        h.events(),
        [
            Event::TransportClosed(CloseInfo {
                code: 4001,
                reason: "Quick discarding socket without waiting for the shutdown sequence.".into(),
                clean: false,
            }),
            Event::StateChanged {
                from: State::Connected,
                to: State::Inactive
            },
            Event::Disconnected { confirmed: false },
        ]
    );
}

#[test]
fn forcing_a_graceful_disconnect_in_progress_closes_at_once() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    h.session.disconnect(h.now, false).unwrap(); // harmless
    h.pump();
    assert_eq!(h.sent_commands(), [Command::Disconnect]);
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert_eq!(h.session.state(), State::Inactive);
    assert_eq!(h.actions(), [Action::Close(CloseReason::Forced)]);
}

#[test]
fn disconnect_timeout_zero_closes_at_once() {
    let mut h = Harness::with(|c| c.disconnect_timeout = 0);
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.session.state(), State::Inactive);
}

#[test]
fn no_reconnect_after_a_user_disconnect() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.broker_receipt("rcpt-0");
    h.advance(3_600_000);
    assert_eq!(h.opens.len(), 1);
    assert_eq!(h.session.state(), State::Inactive);
    assert_eq!(h.session.poll_timeout(), None);
}

/// RabbitMQ's Web-STOMP answers DISCONNECT by closing (1000), with no RECEIPT: that confirms it, even
/// when the close is not clean (Chromium reports it so about one time in five: the TCP connection
/// ends before the closing handshake does); a connection that drops instead (1006) does not, and
/// any other clean close does.
#[test]
fn broker_closing_during_disconnect_finishes_it_confirmed_by_a_normal_or_clean_close() {
    for (code, clean, confirmed) in [
        (1000, true, true),
        (1000, false, true),
        (1006, false, false),
        (1011, true, true),
    ] {
        let mut h = Harness::new(session_support::config());
        h.connected();
        h.session.disconnect(h.now, false).unwrap();
        h.pump();
        h.clear();
        let info = CloseInfo {
            code,
            reason: "STOMP died".into(),
            clean,
        };
        h.conn = None;
        h.session.handle_close(h.now, info.clone());
        h.pump();
        assert_eq!(h.actions(), []);
        assert_eq!(
            h.events(),
            [
                Event::TransportClosed(info),
                Event::StateChanged {
                    from: State::Disconnecting,
                    to: State::Inactive
                },
                Event::Disconnected { confirmed },
            ],
            "{code}, clean: {clean}"
        );
        h.advance(60_000);
        assert_eq!(h.opens.len(), 1);
    }
}

#[test]
fn error_during_disconnect_finishes_it_without_reconnecting() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.clear();
    h.broker_error("bye");
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(h.session.state(), State::Inactive);
    h.advance(60_000);
    assert_eq!(h.opens.len(), 1);
}

#[test]
fn messages_and_receipts_still_arrive_while_disconnecting() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = h
        .session
        .subscribe(h.now, "/q", &Headers::new(), false)
        .unwrap();
    send_at(&mut h, "/q", &[("receipt", "r-1")], b"x").unwrap();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.clear();
    h.broker_message(&id, "m-1", None);
    h.broker_receipt("r-1");
    let events = h.events();
    assert!(matches!(events[0], Event::Message { .. }));
    assert!(matches!(&events[1], Event::Receipt {  id, .. } if id == "r-1"));
}

#[test]
fn disconnect_while_connecting_or_reconnecting_ends_at_once() {
    let mut h = Harness::new(session_support::config());
    h.start();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(
        h.actions(),
        [
            Action::Open {
                index: 0,
                url: session_support::URL.into()
            },
            Action::Close(CloseReason::Normal)
        ]
    );
    assert_eq!(h.session.state(), State::Inactive);

    let mut h = reconnecting(|_| {});
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(h.actions(), []);
    assert_eq!(h.session.state(), State::Inactive);
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: false }));
    h.advance(60_000);
    assert_eq!(h.opens.len(), 1);
}

#[test]
fn disconnect_from_failed_ends_in_inactive_and_when_inactive_does_nothing() {
    let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
    h.start();
    h.broker_close(1006);
    h.advance(1_000);
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    h.clear();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(
        h.events(),
        [
            Event::StateChanged {
                from: State::Failed,
                to: State::Inactive
            },
            Event::Disconnected { confirmed: false }
        ]
    );
    h.session.disconnect(h.now, false).unwrap();
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert!(h.events().is_empty());
}

#[test]
fn disconnect_receipt_id_avoids_pending_user_receipts() {
    let mut h = Harness::with(|c| c.disconnect_headers = headers(&[("receipt", "mine")]));
    h.connected();
    send_at(&mut h, "/q", &[("receipt", "rcpt-0")], b"x").unwrap();
    h.sent_frames();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_frame(
        &h.sent_frames()[0],
        Command::Disconnect,
        &[("receipt", "rcpt-1")],
    );
    // The user's receipt is not the disconnect's: it does not end the session.
    h.broker_receipt("rcpt-0");
    assert_eq!(h.session.state(), State::Disconnecting);
    h.broker_receipt("rcpt-1");
    assert_eq!(h.session.state(), State::Inactive);
}

#[test]
fn disconnect_that_cannot_be_written_closes_at_once_instead_of_hanging() {
    // Under 1.0 nothing is escaped: this DISCONNECT header cannot be written.
    let mut h = Harness::with(|c| c.disconnect_headers = headers(&[("x-note", "a\nb")]));
    h.connect_with("1.0", "0,0");
    assert_eq!(h.session.disconnect(h.now, false), Ok(()));
    h.pump();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(h.session.state(), State::Inactive);
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: false }));
}

#[test]
fn huge_disconnect_and_connection_timeouts_never_overflow() {
    let mut h = Harness::with(|c| {
        c.disconnect_timeout = u64::MAX;
        c.connection_timeout = u64::MAX;
    });
    h.now = 10;
    h.start();
    assert_eq!(h.session.poll_timeout(), Some(u64::MAX));
    h.accept(Some("1.2"), None);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(h.session.poll_timeout(), Some(u64::MAX));
}

#[test]
fn lowering_the_queue_bounds_keeps_what_is_queued_and_refuses_what_comes_next() {
    // Pinned after the session fuzz target asked: set_config applies to frames queued after it.
    let mut h = reconnecting(|c| c.max_queued_frames = 3);
    for body in [b"a", b"b", b"c"] {
        send_at(&mut h, "/q", &[], body).unwrap();
    }
    let mut lower = h.session.config().clone();
    lower.max_queued_frames = 1;
    h.session.set_config(lower);
    assert_eq!(h.session.queued().0, 3);
    assert_eq!(
        send_at(&mut h, "/q", &[], b"d"),
        Err(CommandError::QueueFull {
            limit: "max_queued_frames"
        })
    );
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    assert_eq!(h.sent_commands(), [Command::Send; 3]);
}
