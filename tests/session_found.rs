//! Session defects found by the invariants of `tests/session_check/` (the proptest and the fuzz
//! target), each reduced to a minimal script, kept as regression tests now that they are fixed.

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{Command, Headers, Item, Parser};
use stomp_wasm::session::{Action, Event, ReceiptError, SendOptions, State};

const AT_LEAST_ONCE: SendOptions = SendOptions {
    receipt: true,
    binary: false,
    skip_content_length: false,
    retain: true,
};

/// docs/delivery.md §4: "never carries a `transaction` header onto another connection". An
/// at-least-once SEND in a transaction is written, kept for its RECEIPT (`retained`), and when the
/// connection ends before the RECEIPT it is written again on the next connection — with its
/// `transaction` header, naming a transaction the broker aborted with the old connection (or, if
/// the application began one of the same id since, a different one).
///
/// Found by the proptest: Connect, (accepted), Begin, Send { retain, tx }, DropConnection,
/// ReconnectNow, (accepted).
#[test]
fn an_at_least_once_send_in_a_transaction_never_reaches_another_connection() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let tx = h.session.begin(h.now, None, &headers(&[])).unwrap();
    let accepted = h
        .session
        .send(
            h.now,
            "/queue/a",
            &headers(&[("transaction", &tx)]),
            b"in tx".to_vec(),
            AT_LEAST_ONCE,
        )
        .expect("accepted");
    h.pump();
    h.clear();
    h.session.drop_connection(h.now);
    h.pump();
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    let carried: Vec<_> = h
        .sent_frames()
        .into_iter()
        .filter(|f| f.headers.get("transaction").is_some())
        .collect();
    assert!(
        carried.is_empty(),
        "frames of {tx} written on connection 2: {carried:?}"
    );
    // What §4 asks for instead: the publish is given up with its transaction, once.
    let failed: Vec<_> = h
        .log
        .iter()
        .filter(|e| matches!(e, Event::SendFailed { ticket, .. } if *ticket == accepted.ticket))
        .collect();
    assert_eq!(
        failed,
        [&Event::SendFailed {
            ticket: accepted.ticket,
            receipt: Some(format!("r-{}", accepted.ticket)),
            error: ReceiptError::TransactionEnded(tx.clone()),
        }]
    );
}

/// docs/delivery.md §2 and §6: `Written` means the frame was handed to the transport, and a
/// graceful disconnect writes what it accepted. A SEND held back by backpressure when `disconnect`
/// is called is flushed before the DISCONNECT; if the DISCONNECT cannot be written in the
/// negotiated version (a disconnect header with CR under 1.1), `write_disconnect` closes and
/// `finish_disconnect` ends the disconnect — and when a `connect` was made meanwhile (remembered
/// while disconnecting), `start_attempt` clears the transmits not yet polled: the SEND written a
/// moment before is dropped, and `Written` still reports it.
///
/// Found reading `flush_queue` against the checker's rule "a publish settled by `Written` has
/// reached the broker".
#[test]
fn a_send_flushed_before_an_unwritable_disconnect_is_not_dropped_when_a_connect_waits() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 1_000);
    h.connect_with("1.1", "0,0");
    h.session.handle_buffered(h.now, Some(10_000));
    let accepted = h
        .session
        .send(
            h.now,
            "/queue/a",
            &Headers::new(),
            b"accepted".to_vec(),
            SendOptions::default(),
        )
        .expect("accepted");
    let mut config = h.session.config().clone();
    config.disconnect_headers = headers(&[("x-note", "a\rb")]);
    h.session.set_config(config);
    h.session.disconnect(h.now, false).unwrap();
    h.session.connect(h.now).unwrap();
    h.pump();
    h.clear();
    // The transport drains: the SEND goes out, then the DISCONNECT fails to encode.
    h.session.handle_buffered(h.now, Some(0));
    h.pump();
    assert_eq!(
        h.session.state(),
        State::Connecting,
        "the remembered connect"
    );
    let written = h.events().contains(&Event::Written {
        through: accepted.ticket,
    });
    let sent = h.sent_commands();
    assert!(
        !written || sent.contains(&Command::Send),
        "Written {{ through: {} }} reported, and the broker read {sent:?}",
        accepted.ticket
    );
}

/// docs/delivery.md §1 and `Config::max_buffered_bytes`: frames wait for the transport to drain,
/// and a driver reports the transport's buffered amount whenever `wants_buffered()` is true. When
/// `set_config` raises `max_buffered_bytes` while frames wait only because the bytes handed out
/// reached the old bound (no report found the transport congested), `blocked()` turns false and so
/// does `wants_buffered()`, with the frames still waiting: no report comes, nothing flushes them,
/// and every later publish queues behind them, until the connection ends or a disconnect. The JS
/// package reaches it with `client.maxBufferedAmount = …` while frames are held back
/// (`Driver::configure` → `Session::set_config`).
///
/// Found reading `blocked()`/`wants_buffered()` against the liveness rule the checker now holds:
/// "connected with frames waiting ⇒ `wants_buffered()`".
#[test]
fn raising_the_backpressure_bound_never_strands_the_frames_waiting() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 100);
    h.connected();
    let publish = |h: &mut Harness| {
        h.session
            .send(
                h.now,
                "/queue/a",
                &Headers::new(),
                vec![b'x'; 60],
                SendOptions::default(),
            )
            .expect("accepted")
    };
    publish(&mut h);
    publish(&mut h);
    assert_eq!(h.session.queued().0, 1, "the second waits behind the first");
    assert!(h.session.wants_buffered());
    let mut config = h.session.config().clone();
    config.max_buffered_bytes = 10_000;
    h.session.set_config(config);
    publish(&mut h);
    h.pump();
    let waiting = h.session.queued().0;
    assert!(
        waiting == 0 || h.session.wants_buffered(),
        "{waiting} frames wait, and wants_buffered() is false: no report will release them"
    );
}

/// The call contract (`src/session/mod.rs`) said the outputs could be drained "in any order", and
/// the web driver (`src/web/driver/drive.rs`, `collect_outputs`) took the actions first: on
/// `Action::Close` it let the transport go, and the transmits left were never sent, although
/// `Written` reported them. Steps that do this: a flush that writes frames held back by
/// backpressure and then cannot write the DISCONNECT (below: a disconnect header 1.1 cannot carry),
/// and a CONNECTED followed by an ERROR in one transport message. The contract is now "transmits
/// before actions" (both drivers follow it): every frame reported written is polled before the
/// `Close` that ends its transport.
///
/// Found by driving the session in the web driver's old order against the checker's rule "a
/// publish settled by `Written` has reached the broker".
#[test]
fn frames_reported_written_are_polled_before_the_close_of_their_transport() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 1_000);
    h.connect_with("1.1", "0,0");
    h.session.handle_buffered(h.now, Some(10_000));
    let accepted = h
        .session
        .send(
            h.now,
            "/queue/a",
            &Headers::new(),
            b"accepted".to_vec(),
            SendOptions::default(),
        )
        .expect("accepted");
    let mut config = h.session.config().clone();
    config.disconnect_headers = headers(&[("x-note", "a\rb")]);
    h.session.set_config(config);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.clear();
    // The transport drains; the driver collects in the contract's order: the transmits (to the
    // transport it has), then the actions.
    h.session.handle_buffered(h.now, Some(0));
    let mut broker = Parser::new().follow_connected(false);
    while let Some(transmit) = h.session.poll_transmit() {
        broker.push(&transmit.bytes).unwrap();
    }
    let actions: Vec<Action> = std::iter::from_fn(|| h.session.poll_action()).collect();
    assert!(
        matches!(actions.as_slice(), [Action::Close(_)]),
        "{actions:?}"
    );
    let sent: Vec<Command> = std::iter::from_fn(|| broker.next_item())
        .filter_map(|item| match item {
            Item::Frame(frame) => Some(frame.command),
            _ => None,
        })
        .collect();
    let written = std::iter::from_fn(|| h.session.poll_event()).any(|e| {
        e == Event::Written {
            through: accepted.ticket,
        }
    });
    assert!(
        written && sent == [Command::Send],
        "Written {{ through: {} }}: {written}; the transport received {sent:?} before its Close",
        accepted.ticket
    );
}
