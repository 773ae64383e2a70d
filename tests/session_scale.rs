//! Session: cost that does not grow with the work in flight (issue #12). Tens of thousands of
//! receipted frames, subscriptions and transactions complete; every per-frame lookup is O(1), so
//! these run in milliseconds (no timing is asserted here: timings belong in `make bench`).

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers};
use stomp_wasm::session::{Event, SendOptions, State};

const N: usize = 30_000;

/// Encodes `frames` as one transport message.
fn batch(frames: impl IntoIterator<Item = Frame>) -> Vec<u8> {
    let mut bytes = Vec::new();
    for frame in frames {
        frame.encode(EncodeOptions::default(), &mut bytes).unwrap();
    }
    bytes
}

/// Sends `N` empty frames to `/q`, the `n`-th asking for the receipt `{prefix}-{n}`.
fn send_receipted(h: &mut Harness, prefix: &str) {
    for n in 0..N {
        let id = format!("{prefix}-{n}");
        h.session
            .send(
                h.now,
                "/q",
                &headers(&[("receipt", &id)]),
                Vec::new(),
                SendOptions::default(),
            )
            .unwrap();
    }
}

#[test]
fn thirty_thousand_receipted_sends_and_their_receipts_complete() {
    let mut h = Harness::with(|c| c.receipt_timeout = 60_000);
    h.connected();
    let mut ids = Vec::with_capacity(N);
    for _ in 0..N {
        let id = h.session.next_receipt_id();
        h.session
            .send(
                h.now,
                "/queue/bulk",
                &headers(&[("receipt", &id)]),
                b"x".to_vec(),
                SendOptions::default(),
            )
            .unwrap();
        ids.push(id);
    }
    h.pump();
    assert_eq!(h.session.pending_receipts(), N);
    assert_eq!(h.sent_frames().len(), N);
    assert_eq!(h.session.poll_timeout(), Some(60_000));
    // The broker confirms them in reverse order, in one message.
    let receipts = ids
        .iter()
        .rev()
        .map(|id| Frame::new(Command::Receipt).header("receipt-id", id));
    h.broker_bytes(&batch(receipts));
    let settled = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::Receipt { .. }))
        .count();
    assert_eq!(settled, N);
    assert_eq!(h.session.pending_receipts(), 0);
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn thirty_thousand_receipts_time_out_at_once() {
    let mut h = Harness::with(|c| c.receipt_timeout = 1_000);
    h.connected();
    send_receipted(&mut h, "r");
    h.pump();
    h.clear();
    h.advance(1_000);
    let failed = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::ReceiptFailed { .. }))
        .count();
    assert_eq!(failed, N);
    assert_eq!(h.session.pending_receipts(), 0);
}

#[test]
fn thirty_thousand_queued_receipted_sends_flush_on_connected() {
    let mut h = Harness::with(|c| {
        c.max_queued_frames = N;
        c.receipt_timeout = 0;
    });
    h.start();
    send_receipted(&mut h, "q");
    assert_eq!(h.session.queued().0, N);
    h.accept(Some("1.2"), None);
    assert_eq!(h.sent_frames().len(), N);
    assert_eq!(h.session.pending_receipts(), N);
}

#[test]
fn messages_route_among_ten_thousand_subscriptions() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let ids: Vec<String> = (0..10_000)
        .map(|_| {
            h.session
                .subscribe(h.now, "/topic/t", &Headers::new(), false)
                .unwrap()
        })
        .collect();
    h.pump();
    h.clear();
    let messages = ids.iter().rev().map(|id| {
        Frame::new(Command::Message)
            .header("subscription", id)
            .body("x")
    });
    h.broker_bytes(&batch(messages));
    let routed = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count();
    assert_eq!(routed, ids.len());
    // They are re-sent in the order made after a reconnect, and unsubscribed by id.
    for id in ids.iter().step_by(2) {
        h.session.unsubscribe(h.now, id, &Headers::new()).unwrap();
    }
    h.pump();
    assert_eq!(h.sent_frames().len(), ids.len() / 2);
    h.broker_close(1006);
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    let resent: Vec<String> = h
        .sent_frames()
        .into_iter()
        .map(|f| f.headers.get("id").unwrap().to_owned())
        .collect();
    let expected: Vec<String> = ids.iter().skip(1).step_by(2).cloned().collect();
    assert_eq!(resent, expected);
}

#[test]
fn ten_thousand_open_transactions_are_looked_up_by_id() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let txs: Vec<String> = (0..10_000)
        .map(|_| h.session.begin(h.now, None, &Headers::new()).unwrap())
        .collect();
    for tx in &txs {
        h.session
            .send(
                h.now,
                "/q",
                &headers(&[("transaction", tx)]),
                Vec::new(),
                SendOptions::default(),
            )
            .unwrap();
    }
    for tx in txs.iter().rev() {
        h.session.commit(h.now, tx, &Headers::new()).unwrap();
    }
    h.pump();
    assert_eq!(h.sent_frames().len(), 30_000);
    assert_eq!(h.session.open_transactions().count(), 0);
    assert_eq!(h.session.state(), State::Connected);
}
