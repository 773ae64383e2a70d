//! Session: the subscription registry. Stable ids, the exact SUBSCRIBE re-sent on every (re)connect before
//! the offline queue is flushed, UNSUBSCRIBE, and MESSAGE routing.

mod session_support;

use session_support::{assert_frame, headers, Harness};
use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers};
use stomp_wasm::session::{CommandError, Event, ReceiptError, SendOptions, State};

fn subscribe(h: &mut Harness, destination: &str, pairs: &[(&str, &str)]) -> String {
    let id = h
        .session
        .subscribe(h.now, destination, &headers(pairs), false)
        .expect("subscribe");
    h.pump();
    id
}

/// The broker drops the connection; the session reconnects after 1 s and the broker accepts.
fn lose_and_reconnect(h: &mut Harness) {
    h.broker_close(1006);
    h.advance(1_000);
    h.accept(Some("1.2"), Some("0,0"));
}

#[test]
fn subscribe_while_connected_sends_subscribe_with_a_generated_id() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(&mut h, "/topic/chat", &[]);
    assert_eq!(id, "sub-0");
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1);
    assert_frame(
        &frames[0],
        Command::Subscribe,
        &[("destination", "/topic/chat"), ("id", "sub-0")],
    );
    assert_eq!(subscribe(&mut h, "/topic/other", &[]), "sub-1");
}

#[test]
fn subscribe_keeps_the_users_id_ack_mode_and_headers() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(
        &mut h,
        "/queue/work",
        &[
            ("id", "mine"),
            ("ack", "client-individual"),
            ("destination", "/ignored"),
            ("selector", "kind = 'a'"),
        ],
    );
    assert_eq!(id, "mine");
    assert_frame(
        &h.sent_frames()[0],
        Command::Subscribe,
        &[
            ("destination", "/queue/work"),
            ("id", "mine"),
            ("ack", "client-individual"),
            ("selector", "kind = 'a'"),
        ],
    );
}

#[test]
fn every_ack_mode_is_written_as_given() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    for mode in ["auto", "client", "client-individual"] {
        subscribe(&mut h, "/queue/a", &[("ack", mode)]);
        assert_eq!(h.sent_frames()[0].headers.get("ack"), Some(mode));
    }
}

#[test]
fn generated_ids_are_never_reused_and_skip_user_ids() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    assert_eq!(subscribe(&mut h, "/a", &[("id", "sub-1")]), "sub-1");
    assert_eq!(subscribe(&mut h, "/b", &[]), "sub-0");
    assert_eq!(subscribe(&mut h, "/c", &[]), "sub-2");
    h.session
        .unsubscribe(h.now, "sub-0", &Headers::new())
        .unwrap();
    assert_eq!(subscribe(&mut h, "/d", &[]), "sub-3");
    assert_eq!(
        h.session.subscription_ids().collect::<Vec<_>>(),
        ["sub-1", "sub-2", "sub-3"]
    );
}

#[test]
fn duplicate_id_and_empty_destination_are_refused() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    subscribe(&mut h, "/a", &[("id", "x")]);
    h.sent_frames();
    assert_eq!(
        h.session
            .subscribe(h.now, "/b", &headers(&[("id", "x")]), false),
        Err(CommandError::DuplicateSubscription("x".into()))
    );
    assert_eq!(
        h.session.subscribe(h.now, "", &Headers::new(), false),
        Err(CommandError::MissingHeader("destination"))
    );
    h.pump();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.session.subscription_ids().collect::<Vec<_>>(), ["x"]);
}

#[test]
fn subscriptions_made_before_connected_go_out_right_after_it() {
    let mut h = Harness::new(session_support::config());
    let before_connect = subscribe(&mut h, "/topic/a", &[]);
    h.start();
    let while_connecting = subscribe(&mut h, "/topic/b", &[("ack", "client")]);
    h.accept(Some("1.2"), None);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 2);
    assert_frame(
        &frames[0],
        Command::Subscribe,
        &[("destination", "/topic/a"), ("id", before_connect.as_str())],
    );
    assert_frame(
        &frames[1],
        Command::Subscribe,
        &[
            ("destination", "/topic/b"),
            ("id", while_connecting.as_str()),
            ("ack", "client"),
        ],
    );
}

#[test]
fn resubscribes_after_reconnect_before_flushing_queue() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    subscribe(&mut h, "/topic/a", &[]);
    subscribe(&mut h, "/queue/b", &[("id", "mine"), ("ack", "client")]);
    h.sent_frames();
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Reconnecting);
    for body in ["one", "two"] {
        h.session
            .send(
                h.now,
                "/queue/out",
                &Headers::new(),
                body.into(),
                SendOptions::default(),
            )
            .unwrap();
    }
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    let frames = h.sent_frames();
    let commands: Vec<_> = frames.iter().map(|f| f.command).collect();
    assert_eq!(
        commands,
        [
            Command::Subscribe,
            Command::Subscribe,
            Command::Send,
            Command::Send
        ]
    );
    assert_frame(
        &frames[0],
        Command::Subscribe,
        &[("destination", "/topic/a"), ("id", "sub-0")],
    );
    assert_frame(
        &frames[1],
        Command::Subscribe,
        &[
            ("destination", "/queue/b"),
            ("id", "mine"),
            ("ack", "client"),
        ],
    );
    assert_eq!(frames[3].body, b"two");
    // The Connected event comes after the frames went out.
    assert!(matches!(
        h.events_but_states().last(),
        Some(Event::Connected { .. })
    ));
}

#[test]
fn every_reconnect_sends_the_same_subscribes_again() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    subscribe(&mut h, "/topic/a", &[("x-prio", "9")]);
    let first = h.sent_frames();
    for _ in 0..3 {
        lose_and_reconnect(&mut h);
        assert_eq!(h.sent_frames(), first);
    }
}

#[test]
fn a_subscribe_receipt_goes_with_the_first_subscribe_only() {
    let mut h = Harness::new(session_support::config());
    h.start();
    subscribe(&mut h, "/topic/a", &[("receipt", "r-sub")]);
    h.accept(Some("1.2"), None);
    let frames = h.sent_frames();
    assert_frame(
        &frames[0],
        Command::Subscribe,
        &[
            ("destination", "/topic/a"),
            ("id", "sub-0"),
            ("receipt", "r-sub"),
        ],
    );
    h.broker_receipt("r-sub");
    assert!(h
        .events()
        .iter()
        .any(|e| matches!(e, Event::Receipt {  id, .. } if id == "r-sub")));
    lose_and_reconnect(&mut h);
    assert_frame(
        &h.sent_frames()[0],
        Command::Subscribe,
        &[("destination", "/topic/a"), ("id", "sub-0")],
    );
}

#[test]
fn unsubscribe_sends_unsubscribe_and_forgets_the_subscription() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(&mut h, "/topic/a", &[]);
    subscribe(&mut h, "/topic/b", &[]);
    h.sent_frames();
    h.session
        .unsubscribe(
            h.now,
            &id,
            &headers(&[("id", "ignored"), ("x-why", "done")]),
        )
        .unwrap();
    h.pump();
    assert_frame(
        &h.sent_frames()[0],
        Command::Unsubscribe,
        &[("id", "sub-0"), ("x-why", "done")],
    );
    lose_and_reconnect(&mut h);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].headers.get("id"), Some("sub-1"));
}

#[test]
fn unsubscribe_while_disconnected_just_forgets_and_its_receipt_is_discarded() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(&mut h, "/topic/a", &[]);
    h.broker_close(1006);
    h.clear();
    h.session
        .unsubscribe(h.now, &id, &headers(&[("receipt", "r-unsub")]))
        .unwrap();
    h.pump();
    assert_eq!(
        h.events(),
        [Event::ReceiptFailed {
            ticket: None,
            id: "r-unsub".into(),
            error: ReceiptError::Discarded
        }]
    );
    h.advance(1_000);
    h.accept(Some("1.2"), None);
    assert!(h.sent_frames().is_empty());
}

#[test]
fn unsubscribing_before_the_first_subscribe_went_out_fails_its_receipt() {
    let mut h = Harness::new(session_support::config());
    let id = subscribe(&mut h, "/topic/a", &[("receipt", "r-sub")]);
    h.session.unsubscribe(0, &id, &Headers::new()).unwrap();
    h.pump();
    assert_eq!(
        h.events(),
        [Event::ReceiptFailed {
            ticket: None,
            id: "r-sub".into(),
            error: ReceiptError::Discarded
        }]
    );
}

#[test]
fn unsubscribe_of_an_unknown_id_is_an_error() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    assert_eq!(
        h.session.unsubscribe(h.now, "nope", &Headers::new()),
        Err(CommandError::UnknownSubscription("nope".into()))
    );
}

#[test]
fn message_for_a_live_subscription_is_a_message_event() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(&mut h, "/queue/test", &[]);
    h.broker_message(&id, "m-1", None);
    let events = h.events();
    let [Event::Message {
        subscription,
        frame,
        ..
    }] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(subscription, "sub-0");
    assert_eq!(frame.headers.get("message-id"), Some("m-1"));
    assert_eq!(frame.body, b"payload");
}

#[test]
fn message_for_an_unknown_or_ended_subscription_is_unhandled() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let id = subscribe(&mut h, "/queue/test", &[]);
    h.session.unsubscribe(h.now, &id, &Headers::new()).unwrap();
    h.pump();
    for subscription in [id.as_str(), "never"] {
        h.broker_message(subscription, "m-1", None);
        assert!(matches!(
            h.events().as_slice(),
            [Event::UnhandledMessage(frame)] if frame.headers.get("subscription") == Some(subscription)
        ));
    }
    let no_header = Frame::new(Command::Message).header("message-id", "m-2");
    h.broker_send(no_header.clone());
    assert_eq!(h.events(), [Event::UnhandledMessage(no_header)]);
}

#[test]
fn subscribe_is_refused_while_disconnecting() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    assert_eq!(
        h.session.subscribe(h.now, "/a", &Headers::new(), false),
        Err(CommandError::InvalidState {
            command: "subscribe",
            state: State::Disconnecting
        })
    );
}

#[test]
fn subscribe_refuses_headers_an_offered_version_cannot_write() {
    // Before the first CONNECTED 1.0 is offered, and 1.0 has no escaping: a line break in a value
    // could not be sent to a 1.0 broker.
    let mut h = Harness::new(session_support::config());
    assert!(matches!(
        h.session
            .subscribe(0, "/a", &headers(&[("x-note", "two\nlines")]), false),
        Err(CommandError::Header(name, _)) if name == "x-note"
    ));
    assert_eq!(h.session.subscription_ids().count(), 0);
    h.pump();
}

#[test]
fn user_disconnect_forgets_subscriptions() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    subscribe(&mut h, "/a", &[]);
    h.session.disconnect(h.now, true).unwrap();
    h.pump();
    assert_eq!(h.session.subscription_ids().count(), 0);
    h.clear();
    h.start();
    h.accept(Some("1.2"), None);
    assert!(h.sent_frames().is_empty());
}

#[test]
fn unsubscribing_mid_batch_makes_the_rest_of_the_batch_for_it_unhandled() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    let a = subscribe(&mut h, "/queue/a", &[]);
    let b = subscribe(&mut h, "/queue/b", &[]);
    h.clear();
    // One WebSocket message holding four MESSAGE frames: a, b, a, a.
    let mut batch = Vec::new();
    for (n, id) in [&a, &b, &a, &a].into_iter().enumerate() {
        Frame::new(Command::Message)
            .header("subscription", id)
            .header("message-id", &format!("m-{n}"))
            .body("x")
            .encode(EncodeOptions::default(), &mut batch)
            .unwrap();
    }
    h.session.handle_bytes(h.now, &batch);
    // The driver polls one event and runs the callback, which unsubscribes.
    let Some(Event::Message { subscription, .. }) = h.session.poll_event() else {
        panic!("a MESSAGE first")
    };
    assert_eq!(subscription, a);
    h.session.unsubscribe(h.now, &a, &Headers::new()).unwrap();
    let rest: Vec<(bool, String)> = std::iter::from_fn(|| h.session.poll_event())
        .map(|event| match event {
            Event::Message { frame, .. } => (true, frame.headers.get("message-id").unwrap().into()),
            Event::UnhandledMessage(frame) => {
                assert_eq!(frame.headers.get("subscription"), Some(a.as_str()));
                (false, frame.headers.get("message-id").unwrap().into())
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rest,
        [
            (true, "m-1".to_owned()),
            (false, "m-2".to_owned()),
            (false, "m-3".to_owned())
        ]
    );
    h.pump();
    assert_eq!(h.sent_commands(), [Command::Unsubscribe]);
}
