//! Session: ACK and NACK per version (1.0, 1.1, 1.2), transactions, and receipts (resolution, timeout,
//! connection loss, ERROR, unmatched).

mod session_support;

use session_support::{assert_frame, headers, Harness};
use stomp_wasm::frame::{Command, Frame, Headers};
use stomp_wasm::session::{
    AckTarget, CommandError, Event, ReceiptError, SendOptions, SendOutcome, State,
};

/// Connected under `version` with one client-ack subscription `sub-0`.
fn with_subscription(version: &str) -> Harness {
    let mut h = Harness::new(session_support::config());
    h.connect_with(version, "0,0");
    h.session
        .subscribe(
            h.now,
            "/queue/work",
            &headers(&[("ack", "client-individual")]),
            false,
        )
        .unwrap();
    h.pump();
    h.clear();
    h
}

/// The broker delivers a message; returns its frame as the application sees it.
fn deliver(h: &mut Harness, message_id: &str, ack: Option<&str>) -> Frame {
    h.broker_message("sub-0", message_id, ack);
    match h.events().pop() {
        Some(Event::Message { frame, .. }) => frame,
        other => panic!("expected a message, got {other:?}"),
    }
}

fn target(ack: Option<&str>) -> AckTarget {
    AckTarget {
        ack: ack.map(str::to_owned),
        message_id: "m-7".into(),
        subscription: "sub-0".into(),
        connection: None,
    }
}

fn one_frame(h: &mut Harness) -> Frame {
    h.pump();
    let mut frames = h.sent_frames();
    assert_eq!(frames.len(), 1, "{frames:?}");
    frames.remove(0)
}

fn send(h: &mut Harness, pairs: &[(&str, &str)]) -> Result<SendOutcome, CommandError> {
    let result = h.session.send(
        h.now,
        "/queue/out",
        &headers(pairs),
        b"x".to_vec(),
        SendOptions::default(),
    );
    h.pump();
    result.map(|accepted| accepted.outcome)
}

// ----- ACK / NACK -----

#[test]
fn ack_under_1_2_carries_the_messages_ack_header_as_id() {
    let mut h = with_subscription("1.2");
    let message = deliver(&mut h, "m-7", Some("a-7"));
    let target = AckTarget::of(&message, h.session.connection());
    assert_eq!(
        h.session.ack(h.now, target.clone(), &Headers::new()),
        Ok(SendOutcome::Sent)
    );
    assert_frame(&one_frame(&mut h), Command::Ack, &[("id", "a-7")]);
    h.session.nack(h.now, target, &Headers::new()).unwrap();
    assert_frame(&one_frame(&mut h), Command::Nack, &[("id", "a-7")]);
}

#[test]
fn ack_under_1_2_without_an_ack_header_uses_the_message_id() {
    let mut h = with_subscription("1.2");
    h.session.ack(h.now, target(None), &Headers::new()).unwrap();
    assert_frame(&one_frame(&mut h), Command::Ack, &[("id", "m-7")]);
}

#[test]
fn ack_under_1_1_carries_message_id_and_subscription() {
    let mut h = with_subscription("1.1");
    let message = deliver(&mut h, "m-7", None);
    h.session
        .ack(
            h.now,
            AckTarget::of(&message, h.session.connection()),
            &Headers::new(),
        )
        .unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Ack,
        &[("message-id", "m-7"), ("subscription", "sub-0")],
    );
    h.session
        .nack(
            h.now,
            AckTarget::of(&message, h.session.connection()),
            &Headers::new(),
        )
        .unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Nack,
        &[("message-id", "m-7"), ("subscription", "sub-0")],
    );
}

#[test]
fn ack_under_1_1_uses_the_message_id_even_if_the_message_had_an_ack_header() {
    let mut h = with_subscription("1.1");
    h.session
        .ack(h.now, target(Some("a-7")), &Headers::new())
        .unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Ack,
        &[("message-id", "m-7"), ("subscription", "sub-0")],
    );
}

#[test]
fn ack_under_1_0_carries_the_message_id_only_and_nack_is_an_error() {
    let mut h = with_subscription("1.0");
    let message = deliver(&mut h, "m-7", None);
    h.session
        .ack(
            h.now,
            AckTarget::of(&message, h.session.connection()),
            &Headers::new(),
        )
        .unwrap();
    assert_frame(&one_frame(&mut h), Command::Ack, &[("message-id", "m-7")]);
    assert_eq!(
        h.session.nack(
            h.now,
            AckTarget::of(&message, h.session.connection()),
            &Headers::new()
        ),
        Err(CommandError::NackUnsupported)
    );
    h.pump();
    assert!(h.sent_frames().is_empty());
}

#[test]
fn ack_headers_naming_the_message_are_the_sessions_and_others_follow() {
    let mut h = with_subscription("1.2");
    h.session
        .ack(
            h.now,
            target(Some("a-7")),
            &headers(&[
                ("id", "forged"),
                ("message-id", "forged"),
                ("subscription", "forged"),
                ("x-note", "ok"),
            ]),
        )
        .unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Ack,
        &[("id", "a-7"), ("x-note", "ok")],
    );
}

#[test]
fn ack_inside_a_transaction_carries_the_transaction_header() {
    let mut h = with_subscription("1.2");
    let tx = h.session.begin(h.now, None, &Headers::new()).unwrap();
    one_frame(&mut h);
    h.session
        .ack(
            h.now,
            target(Some("a-7")),
            &headers(&[("transaction", &tx)]),
        )
        .unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Ack,
        &[("id", "a-7"), ("transaction", "tx-0")],
    );
    assert_eq!(
        h.session.ack(
            h.now,
            target(Some("a-7")),
            &headers(&[("transaction", "nope")])
        ),
        Err(CommandError::UnknownTransaction("nope".into()))
    );
}

#[test]
fn an_ack_of_a_message_of_an_ended_connection_is_never_sent() {
    // Issue 20.1: RabbitMQ's delivery tags restart per connection, so a stale ACK would apply to
    // another message of the new connection.
    let mut h = with_subscription("1.2");
    let first = deliver(&mut h, "m-1", Some("1"));
    let stamp = h.session.connection();
    h.broker_close(1006);
    // While reconnecting: refused, nothing queued.
    assert_eq!(
        h.session
            .ack(h.now, AckTarget::of(&first, stamp), &Headers::new()),
        Err(CommandError::StaleAck)
    );
    assert_eq!(h.session.queued(), (0, 0));
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    h.clear();
    let second = deliver(&mut h, "m-2", Some("1"));
    // After the reconnect: the old message's ACK is refused, the new one's goes out.
    assert_eq!(
        h.session
            .ack(h.now, AckTarget::of(&first, stamp), &Headers::new()),
        Err(CommandError::StaleAck)
    );
    assert_eq!(
        h.session
            .nack(h.now, AckTarget::of(&first, stamp), &Headers::new()),
        Err(CommandError::StaleAck)
    );
    assert_eq!(
        h.session.ack(
            h.now,
            AckTarget::of(&second, h.session.connection()),
            &Headers::new()
        ),
        Ok(SendOutcome::Sent)
    );
    h.pump();
    assert_eq!(h.sent_commands(), [Command::Ack]);
}

#[test]
fn an_ack_by_id_goes_to_the_current_connection_and_needs_one() {
    let mut h = with_subscription("1.2");
    h.broker_close(1006);
    assert_eq!(
        h.session.ack(h.now, target(Some("a-7")), &Headers::new()),
        Err(CommandError::NotConnected)
    );
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    h.clear();
    assert_eq!(
        h.session.ack(h.now, target(Some("a-7")), &Headers::new()),
        Ok(SendOutcome::Sent)
    );
    assert_frame(&one_frame(&mut h), Command::Ack, &[("id", "a-7")]);
}

#[test]
fn an_ack_of_an_auto_ack_subscriptions_message_is_refused_and_never_sent() {
    // Issue 20.6: RabbitMQ closes the connection on it.
    let mut h = with_subscription("1.2");
    let auto = h
        .session
        .subscribe(h.now, "/queue/auto", &Headers::new(), false)
        .unwrap();
    h.pump();
    h.clear();
    h.broker_message(&auto, "m-9", None);
    let Some(Event::Message {
        frame, connection, ..
    }) = h.events().pop()
    else {
        panic!("no message");
    };
    for result in [
        h.session
            .ack(h.now, AckTarget::of(&frame, connection), &Headers::new()),
        h.session
            .nack(h.now, AckTarget::of(&frame, connection), &Headers::new()),
    ] {
        assert_eq!(result, Err(CommandError::AutoAck(auto.clone())));
    }
    h.pump();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn acks_waiting_behind_backpressure_are_dropped_with_their_connection() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 100);
    h.connected();
    h.session
        .subscribe(
            h.now,
            "/queue/work",
            &headers(&[("ack", "client-individual")]),
            false,
        )
        .unwrap();
    h.pump();
    let message = deliver(&mut h, "m-1", Some("1"));
    // The transport reports itself full: the ACK waits.
    h.session.handle_buffered(h.now, Some(1_000));
    assert_eq!(
        h.session.ack(
            h.now,
            AckTarget::of(&message, h.session.connection()),
            &Headers::new()
        ),
        Ok(SendOutcome::Queued)
    );
    h.clear();
    h.broker_close(1006);
    assert!(h.events().contains(&Event::AcksDropped { count: 1 }));
    assert_eq!(h.session.queued(), (0, 0));
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(h.sent_commands(), [Command::Subscribe]);
}

#[test]
fn a_nack_under_1_0_is_refused() {
    let mut h = with_subscription("1.0");
    assert_eq!(
        h.session.nack(h.now, target(Some("a-7")), &Headers::new()),
        Err(CommandError::NackUnsupported)
    );
}

// ----- transactions -----

#[test]
fn begin_generates_ids_and_sends_begin() {
    let mut h = with_subscription("1.2");
    assert_eq!(
        h.session.begin(h.now, None, &Headers::new()),
        Ok("tx-0".into())
    );
    assert_frame(
        &one_frame(&mut h),
        Command::Begin,
        &[("transaction", "tx-0")],
    );
    assert_eq!(
        h.session.begin(h.now, None, &Headers::new()),
        Ok("tx-1".into())
    );
    one_frame(&mut h);
    assert_eq!(
        h.session.open_transactions().collect::<Vec<_>>(),
        ["tx-0", "tx-1"]
    );
}

#[test]
fn begin_uses_a_given_id_once() {
    let mut h = with_subscription("1.2");
    assert_eq!(
        h.session.begin(
            h.now,
            Some("mine"),
            &headers(&[("transaction", "ignored"), ("x-a", "1")])
        ),
        Ok("mine".into())
    );
    assert_frame(
        &one_frame(&mut h),
        Command::Begin,
        &[("transaction", "mine"), ("x-a", "1")],
    );
    assert_eq!(
        h.session.begin(h.now, Some("mine"), &Headers::new()),
        Err(CommandError::DuplicateTransaction("mine".into()))
    );
}

#[test]
fn frames_sent_inside_a_transaction_carry_it_and_commit_ends_it() {
    let mut h = with_subscription("1.2");
    let tx = h.session.begin(h.now, None, &Headers::new()).unwrap();
    one_frame(&mut h);
    send(&mut h, &[("transaction", &tx)]).unwrap();
    assert_frame(
        &h.sent_frames()[0],
        Command::Send,
        &[
            ("destination", "/queue/out"),
            ("transaction", "tx-0"),
            ("content-length", "1"),
        ],
    );
    h.session.commit(h.now, &tx, &Headers::new()).unwrap();
    assert_frame(
        &one_frame(&mut h),
        Command::Commit,
        &[("transaction", "tx-0")],
    );
    assert!(h.session.open_transactions().next().is_none());
    assert_eq!(
        h.session.commit(h.now, &tx, &Headers::new()),
        Err(CommandError::UnknownTransaction("tx-0".into()))
    );
    assert_eq!(
        send(&mut h, &[("transaction", &tx)]),
        Err(CommandError::UnknownTransaction("tx-0".into()))
    );
}

#[test]
fn abort_sends_abort_and_ends_the_transaction() {
    let mut h = with_subscription("1.2");
    let tx = h.session.begin(h.now, Some("t"), &Headers::new()).unwrap();
    one_frame(&mut h);
    h.session.abort(h.now, &tx, &Headers::new()).unwrap();
    assert_frame(&one_frame(&mut h), Command::Abort, &[("transaction", "t")]);
    assert_eq!(
        h.session.abort(h.now, &tx, &Headers::new()),
        Err(CommandError::UnknownTransaction("t".into()))
    );
}

#[test]
fn transactions_need_a_connection() {
    let mut h = Harness::new(session_support::config());
    assert_eq!(
        h.session.begin(0, None, &Headers::new()),
        Err(CommandError::InvalidState {
            command: "begin",
            state: State::Inactive
        })
    );
    h.start();
    assert_eq!(
        h.session.begin(0, None, &Headers::new()),
        Err(CommandError::NotConnected)
    );
    assert_eq!(
        h.session.commit(0, "tx-0", &Headers::new()),
        Err(CommandError::NotConnected)
    );
}

#[test]
fn open_transactions_are_reported_aborted_when_the_connection_ends() {
    let mut h = with_subscription("1.2");
    h.session.begin(h.now, None, &Headers::new()).unwrap();
    h.session
        .begin(h.now, Some("mine"), &Headers::new())
        .unwrap();
    let done = h.session.begin(h.now, None, &Headers::new()).unwrap();
    h.session.commit(h.now, &done, &Headers::new()).unwrap();
    h.pump();
    h.sent_frames();
    h.broker_close(1006);
    // In id order (sorted when the connection ends; see session/ids.rs).
    assert!(h.events().contains(&Event::TransactionsAborted(vec![
        "mine".into(),
        "tx-0".into()
    ])));
    assert!(h.session.open_transactions().next().is_none());
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    assert_eq!(
        h.session.commit(h.now, "mine", &Headers::new()),
        Err(CommandError::UnknownTransaction("mine".into()))
    );
}

#[test]
fn user_disconnect_reports_open_transactions_aborted_too() {
    let mut h = with_subscription("1.2");
    h.session.begin(h.now, None, &Headers::new()).unwrap();
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert!(h
        .events()
        .contains(&Event::TransactionsAborted(vec!["tx-0".into()])));
}

#[test]
fn no_transactions_aborted_event_when_none_were_open() {
    let mut h = with_subscription("1.2");
    h.broker_close(1006);
    assert!(!h
        .events()
        .iter()
        .any(|e| matches!(e, Event::TransactionsAborted(_))));
}

// ----- receipts -----

#[test]
fn receipt_resolves_the_frame_that_asked_for_it() {
    let mut h = with_subscription("1.2");
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    assert_eq!(h.sent_frames()[0].headers.get("receipt"), Some("r-1"));
    assert_eq!(h.session.pending_receipts(), 1);
    h.broker_receipt("r-1");
    assert_eq!(
        h.events(),
        [Event::Receipt {
            ticket: Some(1),
            id: "r-1".into(),
            frame: Frame::new(Command::Receipt).header("receipt-id", "r-1"),
        }]
    );
    assert_eq!(h.session.pending_receipts(), 0);
    h.broker_receipt("r-1");
    assert!(matches!(
        h.events().as_slice(),
        [Event::UnhandledReceipt(_)]
    ));
}

#[test]
fn any_command_may_ask_for_a_receipt() {
    let mut h = with_subscription("1.2");
    let r = |id| headers(&[("receipt", id)]);
    let now = h.now;
    let s = &mut h.session;
    let sub = s
        .subscribe(now, "/topic/x", &r("r-subscribe"), false)
        .unwrap();
    s.unsubscribe(now, &sub, &r("r-unsubscribe")).unwrap();
    let tx = s.begin(now, None, &r("r-begin")).unwrap();
    s.commit(now, &tx, &r("r-commit")).unwrap();
    let tx = s.begin(now, None, &Headers::new()).unwrap();
    s.abort(now, &tx, &r("r-abort")).unwrap();
    s.ack(now, target(Some("a-1")), &r("r-ack")).unwrap();
    s.nack(now, target(Some("a-2")), &r("r-nack")).unwrap();
    s.send(now, "/q", &r("r-send"), Vec::new(), SendOptions::default())
        .unwrap();
    h.pump();
    let asked: Vec<String> = h
        .sent_frames()
        .iter()
        .filter_map(|f| f.headers.get("receipt").map(str::to_owned))
        .collect();
    let expected = [
        "r-subscribe",
        "r-unsubscribe",
        "r-begin",
        "r-commit",
        "r-abort",
        "r-ack",
        "r-nack",
        "r-send",
    ];
    assert_eq!(asked, expected);
    for id in expected {
        h.broker_receipt(id);
    }
    let resolved: Vec<String> = h
        .events()
        .into_iter()
        .map(|e| match e {
            Event::Receipt { id, .. } => id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(resolved, expected);
}

#[test]
fn receipt_times_out_exactly_at_receipt_timeout() {
    let mut h = Harness::with(|c| c.receipt_timeout = 5_000);
    h.connected();
    h.advance(100);
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    assert_eq!(h.session.poll_timeout(), Some(5_100));
    h.advance_to(5_099);
    assert!(h.events().is_empty());
    h.advance_to(5_100);
    assert_eq!(
        h.events(),
        [Event::ReceiptFailed {
            ticket: Some(1),
            id: "r-1".into(),
            error: ReceiptError::Timeout
        }]
    );
    assert_eq!(h.session.pending_receipts(), 0);
    assert_eq!(h.session.state(), State::Connected);
    // A RECEIPT after the timeout settles nothing more.
    h.broker_receipt("r-1");
    assert!(matches!(
        h.events().as_slice(),
        [Event::UnhandledReceipt(_)]
    ));
}

#[test]
fn receipt_timeout_zero_waits_forever() {
    let mut h = Harness::with(|c| c.receipt_timeout = 0);
    h.connected();
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    assert_eq!(h.session.poll_timeout(), None);
    h.advance(10_000_000);
    h.broker_receipt("r-1");
    assert!(matches!(h.events().as_slice(), [Event::Receipt { .. }]));
}

#[test]
fn huge_receipt_timeout_never_overflows() {
    let mut h = Harness::with(|c| c.receipt_timeout = u64::MAX);
    h.connected();
    h.advance(5);
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    assert_eq!(h.session.poll_timeout(), Some(u64::MAX));
}

#[test]
fn pending_receipts_fail_with_connection_lost_when_the_transport_closes() {
    let mut h = with_subscription("1.2");
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    send(&mut h, &[("receipt", "r-2")]).unwrap();
    send(&mut h, &[("receipt", "r-3")]).unwrap();
    h.broker_receipt("r-2");
    h.events();
    h.broker_close(1006);
    let failed: Vec<_> = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::ReceiptFailed { .. }))
        .collect();
    assert_eq!(
        failed,
        [
            Event::ReceiptFailed {
                ticket: Some(1),
                id: "r-1".into(),
                error: ReceiptError::ConnectionLost
            },
            Event::ReceiptFailed {
                ticket: Some(3),
                id: "r-3".into(),
                error: ReceiptError::ConnectionLost
            },
        ]
    );
    assert_eq!(h.session.pending_receipts(), 0);
}

#[test]
fn error_naming_a_receipt_fails_that_receipt_and_the_rest_are_lost() {
    let mut h = with_subscription("1.2");
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    send(&mut h, &[("receipt", "r-2")]).unwrap();
    let error = Frame::new(Command::Error)
        .header("receipt-id", "r-2")
        .header("message", "no such queue");
    h.broker_send(error.clone());
    // The broker closes after an ERROR that ends the connection; the session follows it.
    h.broker_close(1000);
    let events = h.events_but_states();
    assert_eq!(
        &events[..4],
        [
            Event::ReceiptFailed {
                ticket: Some(2),
                id: "r-2".into(),
                error: ReceiptError::Error(error.clone())
            },
            Event::StompError(error),
            Event::TransportClosed(session_support::close_info(1000)),
            Event::ReceiptFailed {
                ticket: Some(1),
                id: "r-1".into(),
                error: ReceiptError::ConnectionLost
            },
        ]
    );
}

#[test]
fn unmatched_receipt_is_unhandled() {
    let mut h = with_subscription("1.2");
    let stray = Frame::new(Command::Receipt).header("receipt-id", "who");
    h.broker_send(stray.clone());
    assert_eq!(h.events(), [Event::UnhandledReceipt(stray)]);
    let no_id = Frame::new(Command::Receipt);
    h.broker_send(no_id.clone());
    assert_eq!(h.events(), [Event::UnhandledReceipt(no_id)]);
}

#[test]
fn a_receipt_id_can_be_pending_only_once() {
    let mut h = with_subscription("1.2");
    send(&mut h, &[("receipt", "r-1")]).unwrap();
    assert_eq!(
        send(&mut h, &[("receipt", "r-1")]),
        Err(CommandError::DuplicateReceipt("r-1".into()))
    );
    assert_eq!(
        h.session
            .subscribe(h.now, "/a", &headers(&[("receipt", "r-1")]), false),
        Err(CommandError::DuplicateReceipt("r-1".into()))
    );
    h.broker_receipt("r-1");
    assert_eq!(send(&mut h, &[("receipt", "r-1")]), Ok(SendOutcome::Sent));
}

#[test]
fn generated_receipt_ids_skip_pending_ones() {
    let mut h = with_subscription("1.2");
    send(&mut h, &[("receipt", "rcpt-0")]).unwrap();
    assert_eq!(h.session.next_receipt_id(), "rcpt-1");
    assert_eq!(h.session.next_receipt_id(), "rcpt-2");
}
