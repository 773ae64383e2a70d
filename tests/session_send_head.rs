//! `Session::send_head`: a SEND whose text body the driver keeps (a JS string), written after the head
//! the session encodes — the same frame `send` would have written, receipts and all, and only when it
//! can go out now.

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{encode, Command, EncodeOptions, Headers};
use stomp_wasm::session::{Event, SendOptions, State};

#[test]
fn a_head_with_the_body_kept_aside_writes_the_frame_send_would_write() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.clear();
    let body = "你好 👋, a body that stays in JS";
    assert!(h.send_head("/topic/chat", &headers(&[("priority", "5")]), body));
    let written = h.raw.last().unwrap().bytes.clone();
    let mut expected = Vec::new();
    let send_headers = headers(&[("destination", "/topic/chat"), ("priority", "5")]);
    encode(
        Command::Send,
        &send_headers,
        body.as_bytes(),
        EncodeOptions::default(),
        &mut expected,
    )
    .unwrap();
    assert_eq!(written, expected);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].body, body.as_bytes());
}

#[test]
fn a_receipt_asked_for_is_tracked_as_for_send() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.clear();
    assert!(h.send_head("/queue/a", &headers(&[("receipt", "r-1")]), "x"));
    assert_eq!(h.session.pending_receipts(), 1);
    h.broker_receipt("r-1");
    assert!(h
        .events()
        .iter()
        .any(|e| matches!(e, Event::Receipt {  id, .. } if id == "r-1")));
    // A receipt id already pending is refused, as by send.
    assert!(h.send_head("/queue/a", &headers(&[("receipt", "r-2")]), "x"));
    let error = h
        .session
        .send_head(
            h.now,
            "/queue/a",
            &headers(&[("receipt", "r-2")]),
            1,
            SendOptions::default(),
        )
        .unwrap_err();
    assert_eq!(
        error.message(),
        "a receipt with id 'r-2' is already pending"
    );
}

#[test]
fn not_connected_or_behind_queued_frames_it_declines_and_does_nothing() {
    let mut h = Harness::new(session_support::config());
    // Not connected: declined (the caller sends with the body, which queues it).
    assert!(!h.send_head("/queue/a", &Headers::new(), "x"));
    h.start();
    assert_eq!(h.session.state(), State::Connecting);
    assert!(!h.send_head("/queue/a", &Headers::new(), "x"));
    h.session
        .send(
            h.now,
            "/queue/a",
            &Headers::new(),
            b"queued".to_vec(),
            SendOptions::default(),
        )
        .unwrap();
    assert_eq!(h.session.queued().0, 1);
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(h.session.queued().0, 0, "flushed on CONNECTED");
    // Queued frames go first; with nothing queued any more, the head goes out.
    assert!(h.send_head("/queue/a", &Headers::new(), "now"));
    let bodies: Vec<Vec<u8>> = h
        .sent_frames()
        .into_iter()
        .filter(|f| f.command == Command::Send)
        .map(|f| f.body)
        .collect();
    assert_eq!(bodies, [b"queued".to_vec(), b"now".to_vec()]);
}

#[test]
fn an_empty_destination_or_unknown_transaction_is_refused() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    assert!(h
        .session
        .send_head(h.now, "", &Headers::new(), 1, SendOptions::default())
        .is_err());
    assert!(h
        .session
        .send_head(
            h.now,
            "/queue/a",
            &headers(&[("transaction", "tx-9")]),
            1,
            SendOptions::default()
        )
        .is_err());
    assert!(h.session.poll_transmit().is_none());
}
