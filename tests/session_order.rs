//! Session: every frame in order, on the connection it belongs to (issue 20): frames held back by
//! backpressure keep the order they were issued in whatever their command, a transaction's frames
//! never outlive its connection, a graceful disconnect writes what it accepted before DISCONNECT,
//! each publish is settled by its own ticket, and subscriptions made by a connection's `onConnect`
//! end with it.

mod session_support;

use session_support::{headers, Harness};
use stomp_wasm::frame::{Command, Headers};
use stomp_wasm::session::{Event, ReceiptError, SendOptions, SendOutcome, State};

/// Connected with a backpressure bound of 1,000 bytes, the transport reported full.
fn congested() -> Harness {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 1_000);
    h.connected();
    h.session.handle_buffered(h.now, Some(10_000));
    h.clear();
    h
}

fn publish(h: &mut Harness, body: &str, pairs: &[(&str, &str)]) -> (u64, SendOutcome) {
    let accepted = h
        .session
        .send(
            h.now,
            "/queue/a",
            &headers(pairs),
            body.as_bytes().to_vec(),
            SendOptions::default(),
        )
        .expect("accepted");
    h.pump();
    (accepted.ticket, accepted.outcome)
}

/// Reports the transport empty until nothing waits.
fn drain(h: &mut Harness) {
    while h.session.wants_buffered() || h.session.queued().0 > 0 && h.session.congested() {
        h.session.handle_buffered(h.now, Some(0));
        h.pump();
    }
    h.session.handle_buffered(h.now, Some(0));
    h.pump();
}

#[test]
fn a_commit_never_overtakes_the_sends_of_its_transaction() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 1_000);
    h.connected();
    let tx = h.session.begin(h.now, None, &Headers::new()).unwrap();
    h.pump();
    let body = "x".repeat(200);
    let mut tickets = Vec::new();
    for _ in 0..30 {
        tickets.push(publish(&mut h, &body, &[("transaction", &tx)]).0);
    }
    h.session.commit(h.now, &tx, &Headers::new()).unwrap();
    h.pump();
    drain(&mut h);
    let commands = h.sent_commands();
    let sends = commands.iter().filter(|c| **c == Command::Send).count();
    assert_eq!(sends, 30);
    assert_eq!(commands.first(), Some(&Command::Begin));
    assert_eq!(commands.last(), Some(&Command::Commit), "{commands:?}");
    // Every waiting publish was reported written, up to the last ticket.
    let written = h.written_through();
    assert_eq!(written, tickets.last().copied());
}

#[test]
fn every_command_waits_behind_what_was_issued_before_it() {
    let mut h = congested();
    publish(&mut h, "first", &[]);
    let sub = h
        .session
        .subscribe(h.now, "/topic/t", &Headers::new(), false)
        .unwrap();
    publish(&mut h, "second", &[]);
    let tx = h
        .session
        .begin(h.now, Some("tx-a"), &Headers::new())
        .unwrap();
    h.session.abort(h.now, &tx, &Headers::new()).unwrap();
    h.pump();
    assert!(
        h.sent_frames().is_empty(),
        "nothing overtakes the first SEND"
    );
    drain(&mut h);
    assert_eq!(
        h.sent_commands(),
        [
            Command::Send,
            Command::Subscribe,
            Command::Send,
            Command::Begin,
            Command::Abort
        ]
    );
    // Once its SUBSCRIBE went out, an UNSUBSCRIBE is owed, in its turn.
    h.session.handle_buffered(h.now, Some(10_000));
    publish(&mut h, "third", &[]);
    h.session.unsubscribe(h.now, &sub, &Headers::new()).unwrap();
    h.pump();
    assert!(h.sent_frames().is_empty());
    drain(&mut h);
    assert_eq!(h.sent_commands(), [Command::Send, Command::Unsubscribe]);
}

#[test]
fn a_subscription_unsubscribed_before_its_subscribe_went_out_sends_neither() {
    let mut h = congested();
    publish(&mut h, "first", &[]);
    let sub = h
        .session
        .subscribe(h.now, "/topic/t", &Headers::new(), false)
        .unwrap();
    h.session.unsubscribe(h.now, &sub, &Headers::new()).unwrap();
    drain(&mut h);
    assert_eq!(h.sent_commands(), [Command::Send]);
}

#[test]
fn a_transactions_waiting_frames_are_given_up_with_its_connection() {
    let mut h = Harness::with(|c| c.max_buffered_bytes = 1_000);
    h.connected();
    let tx = h.session.begin(h.now, None, &Headers::new()).unwrap();
    h.pump();
    h.session.handle_buffered(h.now, Some(10_000));
    let (in_tx, _) = publish(&mut h, "in tx", &[("transaction", &tx)]);
    let (plain, _) = publish(&mut h, "plain", &[]);
    h.session.commit(h.now, &tx, &Headers::new()).unwrap();
    h.clear();
    h.broker_close(1006);
    let events = h.events();
    assert!(events.contains(&Event::TransactionsAborted(vec![tx.clone()])));
    assert!(events.contains(&Event::SendFailed {
        ticket: in_tx,
        receipt: None,
        error: ReceiptError::TransactionEnded(tx.clone()),
    }));
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::SendFailed { ticket, .. } if *ticket == plain)));
    // The plain SEND goes out on the next connection; nothing with the transaction does.
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].body, b"plain");
    assert!(frames[0].headers.get("transaction").is_none());
    assert!(h.log.contains(&Event::Written { through: plain }));
    assert!(h.session.commit(h.now, &tx, &Headers::new()).is_err());
}

#[test]
fn a_graceful_disconnect_writes_what_it_accepted_then_disconnect() {
    let mut h = congested();
    let mut tickets = Vec::new();
    for n in 0..30 {
        tickets.push(publish(&mut h, &format!("m{n}"), &[]).0);
    }
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(h.session.state(), State::Disconnecting);
    assert!(h.sent_frames().is_empty());
    drain(&mut h);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 31);
    let disconnect = frames.last().unwrap();
    assert_eq!(disconnect.command, Command::Disconnect);
    h.broker_receipt(disconnect.headers.get("receipt").unwrap());
    assert_eq!(h.session.state(), State::Inactive);
    assert!(h.log.contains(&Event::Written {
        through: *tickets.last().unwrap()
    }));
    assert!(h.log.contains(&Event::Disconnected { confirmed: true }));
    assert!(!h.log.iter().any(|e| matches!(e, Event::SendFailed { .. })));
}

#[test]
fn a_graceful_disconnect_that_times_out_gives_up_what_it_could_not_write() {
    let mut h = congested();
    let (ticket, _) = publish(&mut h, "stuck", &[]);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.advance(5_000);
    assert_eq!(h.session.state(), State::Inactive);
    let events = h.events_but_states();
    assert!(events.contains(&Event::SendFailed {
        ticket,
        receipt: None,
        error: ReceiptError::Discarded,
    }));
    assert!(events.contains(&Event::Disconnected { confirmed: false }));
}

#[test]
fn a_forced_disconnect_gives_up_what_waits_at_once() {
    let mut h = congested();
    let (a, _) = publish(&mut h, "a", &[]);
    let (b, _) = publish(&mut h, "b", &[("receipt", "own")]);
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    let failed: Vec<(u64, Option<String>)> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::SendFailed {
                ticket, receipt, ..
            } => Some((ticket, receipt)),
            _ => None,
        })
        .collect();
    assert_eq!(failed, [(a, None), (b, Some("own".into()))]);
}

#[test]
fn a_publish_with_its_own_receipt_header_is_settled_by_its_ticket() {
    // Issue 20.5: the front ends used to count "plain" sends, and a publish carrying the
    // application's own receipt header threw the count off.
    let mut h = congested();
    let (own, outcome) = publish(&mut h, "own", &[("receipt", "mine")]);
    assert_eq!(outcome, SendOutcome::Queued);
    let (plain, _) = publish(&mut h, "plain", &[]);
    drain(&mut h);
    assert!(h.log.contains(&Event::Written { through: plain }));
    assert!(own < plain);
    h.broker_receipt("mine");
    assert!(h.log.iter().any(|e| matches!(
        e,
        Event::Receipt { id, ticket: Some(t), .. } if id == "mine" && *t == own
    )));
}

#[test]
fn per_connection_subscriptions_end_with_their_connection_and_the_others_are_restored() {
    let mut h = Harness::new(session_support::config());
    let kept = {
        h.start();
        let id = h
            .session
            .subscribe(h.now, "/topic/kept", &Headers::new(), false)
            .unwrap();
        h.accept(Some("1.2"), Some("0,0"));
        id
    };
    let own = h
        .session
        .subscribe(h.now, "/topic/own", &Headers::new(), true)
        .unwrap();
    h.pump();
    h.clear();
    h.broker_close(1006);
    assert!(h
        .events()
        .contains(&Event::SubscriptionsEnded(vec![own.clone()])));
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].headers.get("id"), Some(kept.as_str()));
    assert_eq!(h.session.subscription_ids().collect::<Vec<_>>(), [kept]);
    // A disconnect ends every subscription, named.
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert!(h
        .events()
        .contains(&Event::SubscriptionsEnded(vec!["sub-0".into()])));
}

#[test]
fn a_binary_body_always_carries_content_length() {
    // Issue 19.3: stompjs ignores `skipContentLengthHeader` for binary bodies.
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session
        .send(
            h.now,
            "/q",
            &Headers::new(),
            vec![1, 0, 2],
            SendOptions {
                binary: true,
                skip_content_length: true,
                ..SendOptions::default()
            },
        )
        .unwrap();
    h.pump();
    let frames = h.sent_frames();
    assert_eq!(frames[0].headers.get("content-length"), Some("3"));
    assert_eq!(frames[0].body, [1, 0, 2]);
}

#[test]
fn a_send_larger_than_the_client_can_receive_is_refused() {
    // Issue 20.7a: the broker would deliver a MESSAGE no client with these limits can read.
    let mut h = Harness::new(session_support::config());
    h.connected();
    let many: Vec<(String, String)> = (0..130).map(|i| (format!("h{i}"), "v".into())).collect();
    let pairs: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(
        h.session.send(
            h.now,
            "/q",
            &headers(&pairs),
            Vec::new(),
            SendOptions::default()
        ),
        Err(stomp_wasm::session::CommandError::TooLarge(
            stomp_wasm::frame::Limit::Headers
        ))
    );
    let huge = vec![b'x'; 16 * 1024 * 1024 + 1];
    assert_eq!(
        h.session
            .send(h.now, "/q", &Headers::new(), huge, SendOptions::default()),
        Err(stomp_wasm::session::CommandError::TooLarge(
            stomp_wasm::frame::Limit::BodyBytes
        ))
    );
}

#[test]
fn a_message_over_the_limits_is_reported_and_the_connection_goes_on() {
    // Issue 20.7: a MESSAGE the client must refuse used to end the connection, and the broker
    // redelivered it on the next one, for ever.
    let mut h = Harness::new(session_support::config());
    h.connected();
    let sub = h
        .session
        .subscribe(
            h.now,
            "/queue/in",
            &headers(&[("ack", "client-individual")]),
            false,
        )
        .unwrap();
    h.pump();
    h.clear();
    let mut oversized = stomp_wasm::frame::Frame::new(Command::Message);
    for n in 0..200 {
        oversized.headers.push(&format!("x-{n}"), "v");
    }
    oversized.headers.push("subscription", &sub);
    oversized.headers.push("message-id", "m-big");
    oversized.headers.push("ack", "7");
    h.broker_send(oversized.body("payload"));
    h.broker_message(&sub, "m-next", Some("8"));
    assert_eq!(h.session.state(), State::Connected);
    let events = h.events();
    let Some(Event::MessageRefused {
        connection,
        limit,
        frame,
    }) = events.first().cloned()
    else {
        panic!("{events:?}");
    };
    assert_eq!(limit, stomp_wasm::frame::Limit::Headers);
    assert_eq!(frame.headers.get("subscription"), Some(sub.as_str()));
    assert_eq!(frame.headers.get("message-id"), Some("m-big"));
    assert!(frame.body.is_empty());
    assert!(
        matches!(&events[1], Event::Message { frame, .. } if frame.headers.get("message-id") == Some("m-next"))
    );
    // The application settles it: the ACK names it.
    h.session
        .ack(
            h.now,
            stomp_wasm::session::AckTarget::of(&frame, connection),
            &Headers::new(),
        )
        .unwrap();
    h.pump();
    let acks = h.sent_frames();
    assert_eq!(acks[0].command, Command::Ack);
    assert_eq!(acks[0].headers.get("id"), Some("7"));
    assert_eq!(h.opens.len(), 1, "no reconnect");
}
