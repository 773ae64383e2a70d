//! Delivery guarantees (issue #14): at-least-once SENDs kept until their RECEIPT and sent again after a
//! reconnect (after re-subscription, before newer frames, in order, with the same receipt), given up
//! only with the queue; and congestion — frames wait while the transport is congested and go out in
//! order when it clears, with `Flushed` telling the driver how many written.

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{Command, Frame};
use stomp_wasm::session::{CommandError, Event, ReceiptError, SendOptions, SendOutcome, State};

const AT_LEAST_ONCE: SendOptions = SendOptions {
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
    outcome
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
        .subscribe(h.now, "/queue/in", &headers(&[]))
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
        .any(|e| matches!(e, Event::Receipt { id, .. } if id == "k-2")));
    assert!(events.contains(&Event::Flushed { sends: 1 }));
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
            } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["plain"]);
    assert_eq!(h.session.retained().0, 1);
}

#[test]
fn they_count_against_the_queue_bounds() {
    let mut h = Harness::with(|c| c.max_queued_frames = 2);
    h.connected();
    send(&mut h, "a", &[("receipt", "k-1")], AT_LEAST_ONCE);
    send(&mut h, "b", &[("receipt", "k-2")], AT_LEAST_ONCE);
    let refused = h.session.send(
        h.now,
        "/queue/a",
        &headers(&[("receipt", "k-3")]),
        b"c".to_vec(),
        AT_LEAST_ONCE,
    );
    assert_eq!(
        refused,
        Err(CommandError::QueueFull {
            limit: "max_queued_frames"
        })
    );
    h.broker_receipt("k-1");
    send(&mut h, "c", &[("receipt", "k-3")], AT_LEAST_ONCE);
}

#[test]
fn they_need_a_receipt_header() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let result = h.session.send(
        h.now,
        "/queue/a",
        &headers(&[]),
        b"x".to_vec(),
        AT_LEAST_ONCE,
    );
    assert_eq!(result, Err(CommandError::MissingHeader("receipt")));
}

#[test]
fn a_disconnect_gives_them_up_and_fails_their_receipts() {
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
            Event::ReceiptFailed {
                id: "k-1".into(),
                error: ReceiptError::Discarded
            },
            Event::QueueDiscarded {
                frames: 1,
                sends: 0
            },
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
        == Event::ReceiptFailed {
            id: "k-1".into(),
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
        |e| matches!(e, Event::ReceiptFailed { id, error: ReceiptError::Error(_) } if id == "k-1")
    ));
    assert_eq!(h.session.retained(), (0, 0));
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    assert!(sends(&h.sent_frames()).is_empty());
}

#[test]
fn while_congested_frames_wait_and_go_out_in_order_when_it_clears() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.clear();
    h.session.handle_congestion(h.now, true);
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
    assert!(h.sent_frames().is_empty());
    h.session.handle_congestion(h.now, false);
    h.pump();
    let written: Vec<String> = sends(&h.sent_frames())
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert_eq!(written, ["1", "2", "3"]);
    // Two of them had no receipt: the driver settles two waiting callers, in order.
    assert!(h.events().contains(&Event::Flushed { sends: 2 }));
    assert!(h.send_head("/queue/a", &headers(&[]), "now"));
}

#[test]
fn a_new_connection_starts_uncongested() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.handle_congestion(h.now, true);
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
