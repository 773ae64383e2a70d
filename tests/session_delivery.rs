//! Delivery guarantees (issue #14): at-least-once SENDs kept until their RECEIPT and sent again after a
//! reconnect (after re-subscription, before newer frames, in order, with the same receipt), given up
//! only with the queue; and backpressure — frames wait while the transport holds `max_buffered_bytes`
//! (as reported, plus what went out since) and go out in order when it drains, with `Flushed` telling
//! the driver how many written.

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{Command, Frame};
use stomp_wasm::session::{
    CommandError, Config, Event, ReceiptError, SendOptions, SendOutcome, State,
};

const AT_LEAST_ONCE: SendOptions = SendOptions {
    receipt: true,
    binary: false,
    skip_content_length: false,
    retain: true,
};

fn send(h: &mut Harness, body: &str, pairs: &[(&str, &str)], options: SendOptions) -> SendOutcome {
    let outcome = h
        .session
        .send(
            h.now,
            "/queue/a",
            &headers(pairs),
            body.as_bytes().to_vec(),
            options,
        )
        .expect("send");
    h.pump();
    outcome.outcome
}

fn sends(frames: &[Frame]) -> Vec<(String, String)> {
    frames
        .iter()
        .filter(|f| f.command == Command::Send)
        .map(|f| {
            let receipt = f.headers.get("receipt").unwrap_or("-").to_owned();
            (receipt, String::from_utf8(f.body.clone()).unwrap())
        })
        .collect()
}

#[test]
fn unreceipted_frames_are_sent_again_after_the_subscriptions_and_before_newer_ones() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session
        .subscribe(h.now, "/queue/in", &headers(&[]), false)
        .unwrap();
    send(&mut h, "one", &[("receipt", "k-1")], AT_LEAST_ONCE);
    send(&mut h, "two", &[("receipt", "k-2")], AT_LEAST_ONCE);
    h.broker_receipt("k-1");
    assert_eq!(h.session.retained().0, 1);
    h.clear();
    // The connection drops: k-2's receipt does not fail, the frame is kept.
    h.broker_close(1006);
    assert!(!h
        .events()
        .iter()
        .any(|e| matches!(e, Event::ReceiptFailed { .. })));
    // Something newer waits in the queue meanwhile.
    assert_eq!(
        send(&mut h, "three", &[("receipt", "k-3")], AT_LEAST_ONCE),
        SendOutcome::Queued
    );
    send(&mut h, "four", &[], SendOptions::default());
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    let written = h.sent_frames();
    let commands: Vec<Command> = written.iter().map(|f| f.command).collect();
    assert_eq!(commands[0], Command::Subscribe, "re-subscription first");
    assert_eq!(
        sends(&written),
        [
            ("k-2".into(), "two".into()),
            ("k-3".into(), "three".into()),
            ("-".into(), "four".into())
        ]
    );
    // The same receipt settles it on the new connection.
    h.broker_receipt("k-2");
    h.broker_receipt("k-3");
    let events = h.events();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Receipt {  id, .. } if id == "k-2")));
    assert!(events.contains(&Event::Written { through: 4 }));
    assert_eq!(h.session.retained(), (0, 0));
}

#[test]
fn their_receipts_do_not_time_out() {
    let mut h = Harness::with(|c| c.receipt_timeout = 1_000);
    h.connected();
    send(&mut h, "x", &[("receipt", "k-1")], AT_LEAST_ONCE);
    send(&mut h, "y", &[("receipt", "plain")], SendOptions::default());
    h.advance(60_000);
    let failed: Vec<String> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::ReceiptFailed {
                id,
                error: ReceiptError::Timeout,
                ..
            } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["plain"]);
    assert_eq!(h.session.retained().0, 1);
}

#[test]
fn they_are_bounded_in_bytes_by_max_unconfirmed_bytes() {
    let mut h = Harness::with(|c| {
        c.max_queued_frames = 1;
        c.max_unconfirmed_bytes = 1_000;
    });
    h.connected();
    // Not by the frame count (that bounds what waits for a connection): by bytes.
    send(&mut h, "aaaaaaaaaa", &[], AT_LEAST_ONCE);
    let (_, each) = h.session.retained();
    let mut accepted = 1;
    let refused = loop {
        match h.session.send(
            h.now,
            "/queue/a",
            &headers(&[]),
            b"bbbbbbbbbb".to_vec(),
            AT_LEAST_ONCE,
        ) {
            Ok(_) => accepted += 1,
            Err(error) => break error,
        }
    };
    // Later receipt ids are a digit or two longer.
    assert!(
        (1_000 / (each + 4)..=1_000 / each).contains(&accepted),
        "{accepted}"
    );
    assert_eq!(
        refused,
        CommandError::QueueFull {
            limit: "max_unconfirmed_bytes"
        }
    );
    h.pump();
    h.broker_receipt("r-1");
    send(&mut h, "bbbbbbbbbb", &[], AT_LEAST_ONCE);
}

#[test]
fn the_session_makes_their_receipt_and_dedup_id() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "x", &[], AT_LEAST_ONCE);
    send(&mut h, "y", &[("receipt", "mine")], AT_LEAST_ONCE);
    send(&mut h, "w", &[("dedup-id", "stable")], AT_LEAST_ONCE);
    send(
        &mut h,
        "z",
        &[],
        SendOptions {
            retain: false,
            ..AT_LEAST_ONCE
        },
    );
    let frames = h.sent_frames();
    let ids: Vec<(Option<&str>, Option<&str>)> = frames
        .iter()
        .map(|f| (f.headers.get("receipt"), f.headers.get("dedup-id")))
        .collect();
    assert_eq!(
        ids,
        [
            (Some("r-1"), Some("r-1")),
            (Some("mine"), Some("mine")),
            (Some("r-3"), Some("stable")),
            (Some("r-4"), None)
        ]
    );
    // The caller's `dedup-id` is the frame's only one (shared mode's leaders keep it stable).
    assert!(frames
        .iter()
        .all(|f| f.headers.iter().filter(|(n, _)| *n == "dedup-id").count() <= 1));
}

#[test]
fn each_leaves_when_its_own_receipt_comes_in_any_order() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    for body in ["1", "2", "3"] {
        send(&mut h, body, &[], AT_LEAST_ONCE);
    }
    h.broker_receipt("r-2");
    assert_eq!(h.session.retained().0, 2);
    h.broker_receipt("r-3");
    h.broker_close(1006);
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(sends(&h.sent_frames()), [("r-1".into(), "1".into())]);
    let receipts: Vec<Option<u64>> = h
        .log
        .iter()
        .filter_map(|e| match e {
            Event::Receipt { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect();
    assert_eq!(receipts, [Some(2), Some(3)]);
}

#[test]
fn a_frame_whose_connection_dies_three_times_in_a_row_is_given_up_and_the_rest_go_on() {
    // Issue 20.3: RabbitMQ closes the connection on a SEND to a missing exchange, with no ERROR.
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "poison", &[], AT_LEAST_ONCE);
    send(&mut h, "good", &[], AT_LEAST_ONCE);
    for attempt in 1..=3 {
        h.broker_close(1000);
        if attempt < 3 {
            assert!(!h
                .events()
                .iter()
                .any(|e| matches!(e, Event::SendFailed { .. })));
            h.advance(1_000);
            h.clear();
            h.accept(Some("1.2"), Some("0,0"));
        }
    }
    let events = h.events();
    assert!(events.contains(&Event::SendFailed {
        ticket: 1,
        receipt: Some("r-1".into()),
        error: ReceiptError::GivenUp { attempts: 3 },
    }));
    assert_eq!(
        ReceiptError::GivenUp { attempts: 3 }.message(),
        "given up after 3 attempts: the connection ended each time before its RECEIPT (the broker refuses it)"
    );
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(sends(&h.sent_frames()), [("r-2".into(), "good".into())]);
    h.broker_receipt("r-2");
    assert_eq!(h.session.retained(), (0, 0));
}

#[test]
fn only_the_oldest_unconfirmed_frame_counts_a_lost_connection() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "1", &[], AT_LEAST_ONCE);
    send(&mut h, "2", &[], AT_LEAST_ONCE);
    // Twice with 1 in front, then 1 is confirmed: 2 starts its own count.
    for _ in 0..2 {
        h.broker_close(1000);
        h.advance(1_000);
        h.clear();
        h.accept(Some("1.2"), Some("0,0"));
    }
    h.broker_receipt("r-1");
    for _ in 0..2 {
        h.broker_close(1000);
        h.advance(1_000);
        h.clear();
        h.accept(Some("1.2"), Some("0,0"));
    }
    assert!(!h.log.iter().any(|e| matches!(e, Event::SendFailed { .. })));
    assert_eq!(h.session.retained().0, 1);
}

#[test]
fn connections_that_drop_never_give_a_frame_up() {
    // RabbitMQ 3.10.8 crashes connections under heavy publishing (1006, no ERROR): that says nothing
    // about the frames in flight, however often it happens.
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "1", &[], AT_LEAST_ONCE);
    for _ in 0..6 {
        h.broker_close(1006);
        h.advance(1_000);
        h.clear();
        h.accept(Some("1.2"), Some("0,0"));
    }
    assert!(!h.log.iter().any(|e| matches!(e, Event::SendFailed { .. })));
    assert_eq!(sends(&h.sent_frames()), [("r-1".into(), "1".into())]);
}

#[test]
fn an_error_then_a_close_counts_as_the_broker_refusing() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "x", &[], AT_LEAST_ONCE);
    for _ in 0..3 {
        h.broker_error("not allowed");
        h.broker_close(1006);
        h.advance(1_000);
        h.clear();
        h.accept(Some("1.2"), Some("0,0"));
    }
    assert!(h.log.iter().any(|e| matches!(
        e,
        Event::SendFailed {
            error: ReceiptError::GivenUp { attempts: 3 },
            ..
        }
    )));
}

#[test]
fn a_disconnect_gives_them_up_and_fails_their_publish() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "x", &[("receipt", "k-1")], AT_LEAST_ONCE);
    h.broker_close(1006);
    h.clear();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    let events = h.events_but_states();
    assert_eq!(
        events[..2],
        [
            Event::SendFailed {
                ticket: 1,
                receipt: Some("k-1".into()),
                error: ReceiptError::Discarded
            },
            Event::QueueDiscarded { frames: 1 },
        ]
    );
    assert_eq!(h.session.retained(), (0, 0));
}

#[test]
fn giving_up_reconnecting_gives_them_up() {
    let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
    h.connected();
    send(&mut h, "x", &[("receipt", "k-1")], AT_LEAST_ONCE);
    h.broker_close(1006);
    h.advance(1_000);
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.events().iter().any(|e| *e
        == Event::SendFailed {
            ticket: 1,
            receipt: Some("k-1".into()),
            error: ReceiptError::Discarded
        }));
}

#[test]
fn a_frame_the_broker_refuses_is_not_sent_again() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    send(&mut h, "x", &[("receipt", "k-1")], AT_LEAST_ONCE);
    h.broker_send(
        Frame::new(Command::Error)
            .header("receipt-id", "k-1")
            .header("message", "access refused"),
    );
    assert!(h.events().iter().any(
        |e| matches!(e, Event::ReceiptFailed { id, error: ReceiptError::Error(_), .. } if id == "k-1")
    ));
    assert_eq!(h.session.retained(), (0, 0));
    h.broker_close(1000);
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    assert!(sends(&h.sent_frames()).is_empty());
}

/// A session with a backpressure bound of `limit` bytes, connected, the broker's log cleared.
fn bounded(limit: usize) -> Harness {
    let mut h = Harness::new(Config {
        max_buffered_bytes: limit,
        ..session_support::config()
    });
    h.connected();
    h.clear();
    h
}

#[test]
fn while_congested_frames_wait_and_go_out_in_order_when_it_clears() {
    let mut h = bounded(1_000);
    h.session.handle_buffered(h.now, Some(5_000));
    assert!(h.session.congested() && h.session.wants_buffered());
    assert_eq!(
        send(&mut h, "1", &[], SendOptions::default()),
        SendOutcome::Queued
    );
    assert_eq!(
        send(&mut h, "2", &[("receipt", "r-2")], SendOptions::default()),
        SendOutcome::Queued
    );
    assert_eq!(
        send(&mut h, "3", &[], SendOptions::default()),
        SendOutcome::Queued
    );
    // A head for a JS body is declined too: it must not overtake the queue.
    assert!(!h.send_head("/queue/a", &headers(&[]), "4"));
    // Under the bound but not yet half drained: still congested.
    h.session.handle_buffered(h.now, Some(600));
    h.pump();
    assert!(h.session.congested());
    assert!(h.sent_frames().is_empty());
    h.session.handle_buffered(h.now, Some(500));
    h.pump();
    let written: Vec<String> = sends(&h.sent_frames())
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert_eq!(written, ["1", "2", "3"]);
    // Two of them had no receipt: the driver settles two waiting callers, in order.
    assert!(h
        .events()
        .iter()
        .any(|e| matches!(e, Event::Written { .. })));
    assert!(h.send_head("/queue/a", &headers(&[]), "now"));
    assert!(!h.session.wants_buffered());
}

#[test]
fn the_transport_never_holds_more_than_the_bound_and_one_frame() {
    let limit = 1_000;
    let mut h = bounded(limit);
    let body = "x".repeat(150);
    // Nothing is reported: every byte handed out counts, and the frame that reaches the bound is the
    // last one out.
    let mut outcomes = Vec::new();
    for _ in 0..20 {
        outcomes.push(send(&mut h, &body, &[], SendOptions::default()));
    }
    let direct = outcomes.iter().filter(|o| **o == SendOutcome::Sent).count();
    assert!(outcomes[..direct].iter().all(|o| *o == SendOutcome::Sent));
    assert!(outcomes[direct..].iter().all(|o| *o == SendOutcome::Queued));
    let frames: Vec<usize> = h.sent_raw().iter().map(Vec::len).collect();
    let total: usize = frames.iter().sum();
    let last = *frames.last().expect("some went out");
    assert!(
        total >= limit && total - last < limit,
        "{frames:?} for {limit}"
    );
    assert!(h.session.wants_buffered() && !h.session.congested());
    // The transport wrote everything: a report of 0 lets the queue out, again up to the bound and
    // one frame, and no further.
    h.session.handle_buffered(h.now, Some(0));
    h.pump();
    let flushed: Vec<usize> = h.sent_raw().iter().map(Vec::len).collect();
    assert_eq!(flushed.len(), frames.len(), "{flushed:?}");
    assert!(h.session.wants_buffered());
    // A transport that cannot say is taken as empty; the rest goes out.
    h.session.handle_buffered(h.now, None);
    h.pump();
    h.session.handle_buffered(h.now, None);
    h.pump();
    assert_eq!(sends(&h.sent_frames()).len(), 20);
}

#[test]
fn without_a_bound_nothing_waits_for_a_report() {
    let mut h = bounded(0);
    for _ in 0..50 {
        assert_eq!(
            send(&mut h, &"x".repeat(1_000), &[], SendOptions::default()),
            SendOutcome::Sent
        );
    }
    assert!(!h.session.wants_buffered());
    h.session.handle_buffered(h.now, Some(1 << 30));
    assert!(!h.session.wants_buffered());
    assert_eq!(
        send(&mut h, "still", &[], SendOptions::default()),
        SendOutcome::Sent
    );
}

#[test]
fn a_new_connection_starts_uncongested() {
    let mut h = bounded(1_000);
    h.session.handle_buffered(h.now, Some(5_000));
    send(&mut h, "queued", &[], SendOptions::default());
    h.broker_close(1006);
    assert!(!h.session.congested());
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(sends(&h.sent_frames()), [("-".into(), "queued".into())]);
    assert_eq!(
        send(&mut h, "direct", &[], SendOptions::default()),
        SendOutcome::Sent
    );
}
