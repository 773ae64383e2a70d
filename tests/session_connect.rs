//! Session: the CONNECT frame, CONNECTED negotiation, failed attempts before CONNECTED, the connection
//! timeout, and the states a connection goes through.

mod session_support;

use session_support::{assert_frame, close_info, config, headers, Harness, URL};
use stomp_wasm::frame::{Command, EncodeError, Frame, ParseError, Version};
use stomp_wasm::session::{
    Action, CloseReason, CommandError, ConnectFailure, Event, HostHeader, NegotiatedHeartbeat,
    SendOptions, Session, State,
};

#[test]
fn connect_frame_by_default_offers_every_version_and_heart_beat_without_host() {
    let mut h = Harness::new(stomp_wasm::session::Config::new(URL));
    h.start();
    assert_eq!(
        h.actions(),
        [Action::Open {
            index: 0,
            url: URL.to_owned()
        }]
    );
    let connect = h.open_and_read_connect();
    assert_frame(
        &connect,
        Command::Connect,
        &[
            ("accept-version", "1.2,1.1,1.0"),
            ("heart-beat", "10000,10000"),
        ],
    );
}

#[test]
fn host_header_can_be_the_url_host() {
    let mut h = Harness::with(|c| c.host = HostHeader::FromUrl);
    h.start();
    let connect = h.open_and_read_connect();
    assert_frame(
        &connect,
        Command::Connect,
        &[
            ("accept-version", "1.2,1.1,1.0"),
            ("host", "broker.test"),
            ("heart-beat", "0,0"),
        ],
    );
}

#[test]
fn connect_frame_carries_the_custom_headers_then_login_passcode_heart_beat_in_stompjs_order() {
    let mut h = Harness::with(|c| {
        c.host = HostHeader::FromUrl;
        c.login = Some("guest".into());
        c.passcode = Some("s3cret".into());
        c.heartbeat_outgoing = 4_000;
        c.heartbeat_incoming = 6_000;
        c.connect_headers = headers(&[("client-id", "web-1"), ("x-tenant", "acme")]);
    });
    h.start();
    let connect = h.open_and_read_connect();
    assert_frame(
        &connect,
        Command::Connect,
        &[
            ("client-id", "web-1"),
            ("x-tenant", "acme"),
            ("accept-version", "1.2,1.1,1.0"),
            ("host", "broker.test"),
            ("login", "guest"),
            ("passcode", "s3cret"),
            ("heart-beat", "4000,6000"),
        ],
    );
}

#[test]
fn custom_connect_header_replaces_the_one_the_session_writes() {
    let mut h = Harness::with(|c| {
        c.host = HostHeader::FromUrl;
        c.connect_headers = headers(&[("host", "/"), ("heart-beat", "0,0")]);
    });
    h.start();
    let connect = h.open_and_read_connect();
    assert_frame(
        &connect,
        Command::Connect,
        &[
            ("host", "/"),
            ("heart-beat", "0,0"),
            ("accept-version", "1.2,1.1,1.0"),
        ],
    );
}

#[test]
fn accept_version_lists_the_configured_versions_once_each_newest_first() {
    for (versions, expected) in [
        (vec![Version::V1_1], "1.1"),
        (vec![Version::V1_0, Version::V1_2], "1.2,1.0"),
        (vec![Version::V1_1, Version::V1_2, Version::V1_1], "1.2,1.1"),
    ] {
        let mut h = Harness::with(|c| c.accept_versions = versions.clone());
        h.start();
        let connect = h.open_and_read_connect();
        assert_eq!(connect.headers.get("accept-version"), Some(expected));
    }
}

#[test]
fn host_header_can_be_fixed_or_left_out() {
    let mut h = Harness::with(|c| c.host = HostHeader::Fixed("/vhost".into()));
    h.start();
    assert_eq!(
        h.open_and_read_connect().headers.get("host"),
        Some("/vhost")
    );

    let mut h = Harness::with(|c| c.host = HostHeader::Omit);
    h.start();
    assert!(!h.open_and_read_connect().headers.contains("host"));
}

#[test]
fn host_header_follows_the_url_of_each_attempt() {
    let mut h = Harness::with(|c| {
        c.host = HostHeader::FromUrl;
        c.broker_urls = vec![
            "wss://user:pw@one.example:443/stomp".into(),
            "ws://[::1]:15674/ws".into(),
        ];
    });
    h.start();
    assert_eq!(
        h.open_and_read_connect().headers.get("host"),
        Some("one.example")
    );
    h.broker_close(1006);
    h.advance(1_000);
    assert_eq!(h.open_and_read_connect().headers.get("host"), Some("[::1]"));
}

#[test]
fn stomp_command_replaces_connect_when_asked() {
    let mut h = Harness::with(|c| c.use_stomp_command = true);
    h.start();
    assert_eq!(h.open_and_read_connect().command, Command::Stomp);
}

#[test]
fn connect_frame_is_never_escaped() {
    let mut h = Harness::with(|c| {
        c.login = Some("a:b\\c".into());
        c.accept_versions = vec![Version::V1_2];
    });
    h.start();
    h.open();
    let raw = h.sent_raw();
    assert_eq!(raw.len(), 1);
    let text = String::from_utf8(raw[0].clone()).unwrap();
    assert!(text.contains("\nlogin:a:b\\c\n"), "{text:?}");
}

#[test]
fn connect_refuses_connect_headers_that_cannot_be_written() {
    let mut session = Session::new(stomp_wasm::session::Config {
        connect_headers: headers(&[("x-note", "two\nlines")]),
        ..config()
    });
    assert!(matches!(
        session.connect(0),
        Err(CommandError::Encode(EncodeError::Unrepresentable { .. }))
    ));
    assert_eq!(session.state(), State::Inactive);
    assert_eq!(session.poll_action(), None);
    assert_eq!(session.poll_event(), None);
}

#[test]
fn connect_without_a_broker_url_asks_for_a_transport_anyway() {
    // Issue 19.8: stompjs reads `brokerURL` after `beforeConnect`; a driver may learn it before it
    // opens the transport, and reports the failure if there is still none.
    let mut session = Session::new(stomp_wasm::session::Config::default());
    assert_eq!(session.connect(0), Ok(()));
    assert_eq!(session.state(), State::Connecting);
    assert_eq!(
        session.poll_action(),
        Some(Action::Open {
            index: 0,
            url: String::new()
        })
    );
}

#[test]
fn connect_is_refused_while_active() {
    let mut h = Harness::new(config());
    h.start();
    assert_eq!(
        h.session.connect(0),
        Err(CommandError::InvalidState {
            command: "connect",
            state: State::Connecting
        })
    );
    h.accept(Some("1.2"), None);
    assert_eq!(
        h.session.connect(0),
        Err(CommandError::InvalidState {
            command: "connect",
            state: State::Connected
        })
    );
}

#[test]
fn connected_reports_version_heartbeat_session_and_server() {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = 1_000;
        c.heartbeat_incoming = 2_000;
    });
    h.start();
    h.accept(Some("1.1"), Some("3000,500"));
    let connected = h
        .events()
        .into_iter()
        .find(|e| matches!(e, Event::Connected { .. }))
        .expect("Connected event");
    let Event::Connected {
        version,
        heartbeat,
        headers,
        ..
    } = connected
    else {
        unreachable!()
    };
    assert_eq!(version, Version::V1_1);
    assert_eq!(
        heartbeat,
        NegotiatedHeartbeat {
            outgoing: 1_000,
            incoming: 3_000
        }
    );
    assert_eq!(headers.get("session"), Some("session-1"));
    assert_eq!(headers.get("server"), Some("test-broker/1.0"));
    assert_eq!(h.session.version(), Some(Version::V1_1));
    assert_eq!(
        h.session.server_headers().get("server"),
        Some("test-broker/1.0")
    );
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn connected_without_version_means_1_0() {
    let mut h = Harness::new(config());
    h.start();
    h.accept(None, None);
    assert_eq!(h.session.version(), Some(Version::V1_0));
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::Connected {
            version: Version::V1_0,
            ..
        }
    )));
}

#[test]
fn absent_or_malformed_heart_beat_means_none_and_never_a_crash() {
    let cases: [Option<&str>; 12] = [
        None,
        Some(""),
        Some("abc"),
        Some("1000"),
        Some("1000,"),
        Some(",1000"),
        Some("-1,1000"),
        Some("1000,-1"),
        Some("1.5,1000"),
        Some("99999999999999999999,1000"),
        Some("1000;1000"),
        Some("1000,1000,1000"),
    ];
    for heart_beat in cases {
        let mut h = Harness::with(|c| {
            c.heartbeat_outgoing = 1_000;
            c.heartbeat_incoming = 1_000;
        });
        h.start();
        h.accept(Some("1.2"), heart_beat);
        assert_eq!(h.session.state(), State::Connected, "{heart_beat:?}");
        assert_eq!(
            h.session.heartbeat(),
            NegotiatedHeartbeat::default(),
            "{heart_beat:?}"
        );
        assert_eq!(h.session.poll_timeout(), None, "{heart_beat:?}");
        h.advance(100_000);
        assert_eq!(h.sent_heartbeats(), Vec::<u64>::new());
        assert_eq!(h.session.state(), State::Connected);
    }
}

#[test]
fn heart_beat_with_spaces_around_the_numbers_is_read() {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = 1_000;
        c.heartbeat_incoming = 1_000;
    });
    h.start();
    h.accept(Some("1.2"), Some(" 2000 , 3000 "));
    assert_eq!(
        h.session.heartbeat(),
        NegotiatedHeartbeat {
            outgoing: 3_000,
            incoming: 2_000
        }
    );
}

#[test]
fn error_before_connected_is_a_failed_attempt_carrying_the_frame() {
    let mut h = Harness::new(config());
    h.start();
    h.open_and_read_connect();
    h.clear();
    let error = Frame::new(Command::Error)
        .header("message", "Bad CONNECT")
        .body("Access refused for user 'guest'");
    h.broker_send(error.clone());
    let mut received = error.clone();
    received
        .headers
        .push("content-length", &error.body.len().to_string());
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(
        h.events(),
        [
            session_support::closed_by_client(),
            Event::ConnectFailed(ConnectFailure::Error(received)),
            Event::StateChanged {
                from: State::Connecting,
                to: State::Reconnecting
            },
            Event::ReconnectScheduled {
                attempt: 1,
                delay: 1_000,
                at: 1_000
            },
        ]
    );
    assert_eq!(h.session.reconnect_attempts(), 1);
}

#[test]
fn close_before_connected_is_a_failed_attempt() {
    let mut h = Harness::new(config());
    h.start();
    h.clear();
    h.now = 30;
    h.broker_close(1006); // failed to open
    assert_eq!(
        h.events(),
        [
            Event::TransportClosed(close_info(1006)),
            Event::ConnectFailed(ConnectFailure::Closed(close_info(1006))),
            Event::StateChanged {
                from: State::Connecting,
                to: State::Reconnecting
            },
            Event::ReconnectScheduled {
                attempt: 1,
                delay: 1_000,
                at: 1_030
            },
        ]
    );
    assert_eq!(h.actions(), []);
}

#[test]
fn garbage_before_connected_is_a_protocol_error_and_a_failed_attempt() {
    let mut h = Harness::new(config());
    h.start();
    h.open_and_read_connect();
    h.clear();
    h.broker_bytes(b"HELLO\n\n\0");
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    let events = h.events_but_states();
    assert_eq!(
        &events[..3],
        [
            Event::ProtocolError(ParseError::UnknownCommand),
            session_support::closed_by_client(),
            Event::ConnectFailed(ConnectFailure::Protocol(ParseError::UnknownCommand)),
        ]
    );
    assert_eq!(h.session.state(), State::Reconnecting);
}

#[test]
fn frames_other_than_connected_before_it_are_unhandled() {
    let mut h = Harness::new(config());
    h.start();
    h.open_and_read_connect();
    h.clear();
    let receipt = Frame::new(Command::Receipt).header("receipt-id", "x");
    h.broker_send(receipt.clone());
    assert_eq!(h.events(), [Event::UnhandledFrame(receipt)]);
    assert_eq!(h.session.state(), State::Connecting);
}

#[test]
fn connection_timeout_closes_and_counts_as_a_failed_attempt() {
    let mut h = Harness::with(|c| c.connection_timeout = 3_000);
    h.start();
    h.now = 100;
    h.open_and_read_connect();
    h.clear();
    assert_eq!(h.session.poll_timeout(), Some(3_000));
    h.advance_to(2_999);
    assert_eq!(h.session.state(), State::Connecting);
    assert!(h.actions().is_empty());
    h.advance(1);
    assert_eq!(
        h.actions(),
        [Action::Close(CloseReason::CommunicationFailure)]
    );
    assert_eq!(
        h.events(),
        [
            session_support::closed_by_client(),
            Event::ConnectFailed(ConnectFailure::Timeout),
            Event::StateChanged {
                from: State::Connecting,
                to: State::Reconnecting
            },
            Event::ReconnectScheduled {
                attempt: 1,
                delay: 1_000,
                at: 4_000
            },
        ]
    );
    assert_eq!(h.session.reconnect_attempts(), 1);
    // The next attempt gets its own timeout, counted from its own start.
    h.advance_to(4_000);
    assert_eq!(h.opens.len(), 2);
    assert_eq!(h.session.poll_timeout(), Some(7_000));
}

#[test]
fn connection_timeout_counts_even_if_the_transport_never_opens() {
    let mut h = Harness::with(|c| c.connection_timeout = 500);
    h.start();
    h.advance(500);
    assert_eq!(
        h.actions(),
        [
            Action::Open {
                index: 0,
                url: URL.into()
            },
            Action::Close(CloseReason::CommunicationFailure)
        ]
    );
    assert!(h
        .events()
        .contains(&Event::ConnectFailed(ConnectFailure::Timeout)));
    // A late open of the abandoned transport is ignored.
    h.session.handle_open(h.now);
    assert_eq!(h.session.poll_transmit(), None);
}

#[test]
fn connection_timeout_stops_on_connected() {
    let mut h = Harness::with(|c| c.connection_timeout = 3_000);
    h.start();
    h.now = 2_000;
    h.accept(Some("1.2"), Some("0,0"));
    assert_eq!(h.session.poll_timeout(), None);
    h.advance(10_000);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn connection_timeout_zero_waits_forever() {
    let mut h = Harness::new(config());
    h.start();
    h.open();
    assert_eq!(h.session.poll_timeout(), None);
    h.advance(1_000_000);
    assert_eq!(h.session.state(), State::Connecting);
}

#[test]
fn connecting_reports_each_state_change_once() {
    let mut h = Harness::new(config());
    h.start();
    h.accept(Some("1.2"), None);
    assert_eq!(
        h.state_path(),
        [State::Inactive, State::Connecting, State::Connected]
    );
    assert!(State::Connected.is_active());
    assert_eq!(State::Connecting.as_str(), "connecting");
}

#[test]
fn version_is_only_known_while_connected() {
    let mut h = Harness::new(config());
    assert_eq!(h.session.version(), None);
    h.start();
    h.open();
    assert_eq!(h.session.version(), None);
    h.broker_send(Frame::new(Command::Connected).header("version", "1.2"));
    assert_eq!(h.session.version(), Some(Version::V1_2));
    h.broker_close(1006);
    assert_eq!(h.session.version(), None);
}

#[test]
fn a_second_connected_is_unhandled() {
    let mut h = Harness::new(config());
    h.connected();
    let again = Frame::new(Command::Connected).header("version", "1.2");
    h.broker_send(again.clone());
    assert_eq!(h.events(), [Event::UnhandledFrame(again)]);
}

#[test]
fn connect_headers_made_unwritable_by_set_config_fail_that_attempt() {
    let mut h = Harness::new(config());
    h.connected();
    let mut changed = h.session.config().clone();
    changed.connect_headers = headers(&[("x-note", "two\nlines")]);
    h.session.set_config(changed);
    h.broker_close(1006);
    h.advance(1_000);
    h.clear();
    h.open();
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert!(matches!(
        h.events_but_states().get(1),
        Some(Event::ConnectFailed(ConnectFailure::InvalidConnectHeaders(
            EncodeError::Unrepresentable { .. }
        )))
    ));
    assert_eq!(h.session.state(), State::Reconnecting);
}

// ----- protocol edges (issue #11 point 13) -----

#[test]
fn connected_naming_a_version_not_offered_is_a_failed_attempt() {
    let cases: [(Option<&str>, &[Version]); 4] = [
        (Some("1.0"), &[Version::V1_2, Version::V1_1]),
        (Some("1.2"), &[Version::V1_1]),
        (Some("9.9"), &[Version::V1_2, Version::V1_1, Version::V1_0]),
        (None, &[Version::V1_2, Version::V1_1]),
    ];
    for (named, offered) in cases {
        let mut h = Harness::with(|c| c.accept_versions = offered.to_vec());
        h.start();
        h.accept(named, None);
        assert_eq!(h.session.state(), State::Reconnecting, "{named:?}");
        assert_eq!(h.session.version(), None);
        assert!(h.actions().contains(&Action::Close(CloseReason::Normal)));
        let events = h.events_but_states();
        assert!(
            events.contains(&Event::ConnectFailed(ConnectFailure::VersionNotOffered {
                version: named.map(str::to_owned)
            })),
            "{named:?}: {events:?}"
        );
        assert!(!events.iter().any(|e| matches!(e, Event::Connected { .. })));
        assert_eq!(h.session.reconnect_attempts(), 1);
    }
}

#[test]
fn connected_without_version_is_fine_when_1_0_was_offered() {
    let mut h = Harness::with(|c| c.accept_versions = vec![Version::V1_0]);
    h.start();
    h.accept(None, None);
    assert_eq!(h.session.version(), Some(Version::V1_0));
}

#[test]
fn a_second_connected_never_changes_the_escaping_mid_session() {
    let mut h = Harness::new(config());
    h.connected();
    let id = h
        .session
        .subscribe(h.now, "/q", &headers(&[]), false)
        .unwrap();
    h.pump();
    h.clear();
    // A second CONNECTED naming 1.0, and a 1.2-escaped MESSAGE after it in the same chunk.
    let mut bytes = b"CONNECTED\nversion:1.0\n\n\0".to_vec();
    bytes.extend_from_slice(
        format!("MESSAGE\nsubscription:{id}\nmessage-id:m\\c1\n\nhi\0").as_bytes(),
    );
    h.broker_bytes(&bytes);
    let events = h.events();
    assert!(matches!(&events[0], Event::UnhandledFrame(f) if f.command == Command::Connected));
    let Event::Message { frame, .. } = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(
        frame.headers.get("message-id"),
        Some("m:1"),
        "read under 1.2"
    );
    assert_eq!(events.len(), 2);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn an_error_before_connected_with_backslashes_is_the_connect_failures_error_frame() {
    // A 1.0 broker escapes nothing: its ERROR text may hold any backslash.
    let mut h = Harness::new(config());
    h.start();
    h.open();
    h.clear();
    h.broker_bytes(b"ERROR\nmessage:access refused for 'DOM\\alice' at C:\\x\\\n\nbad login\0");
    let events = h.events_but_states();
    let Some(Event::ConnectFailed(ConnectFailure::Error(frame))) =
        events.iter().find(|e| matches!(e, Event::ConnectFailed(_)))
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        frame.headers.get("message"),
        Some("access refused for 'DOM\\alice' at C:\\x\\")
    );
    assert_eq!(frame.body, b"bad login");
    assert!(!events.iter().any(|e| matches!(e, Event::ProtocolError(_))));
}

#[test]
fn after_connected_an_undefined_escape_is_still_a_protocol_error() {
    let mut h = Harness::new(config());
    h.connected();
    h.broker_bytes(b"ERROR\nmessage:a\\qb\n\n\0");
    assert!(h
        .events()
        .contains(&Event::ProtocolError(ParseError::InvalidEscape)));
}

#[test]
fn headers_are_checked_against_the_negotiated_version_then_the_last_then_the_strictest_offered() {
    // Issue 19.14: the default offers 1.0 too, yet connected under 1.2 a SUBSCRIBE (as a SEND)
    // escapes what 1.2 escapes, and while reconnecting the last negotiated version decides.
    let awkward = headers(&[("x-note", "a\rb\nc"), ("x:colon", "v")]);
    let mut h = Harness::new(config());
    h.start();
    // Before the first CONNECTED: the strictest offered version (1.0) cannot write them.
    // The error names the header.
    assert!(matches!(
        h.session.subscribe(h.now, "/q", &awkward, false),
        Err(CommandError::Header(name, _)) if name == "x-note"
    ));
    assert!(matches!(
        h.session
            .send(h.now, "/q", &awkward, Vec::new(), SendOptions::default()),
        Err(CommandError::Header(name, _)) if name == "x-note"
    ));
    h.accept(Some("1.2"), Some("0,0"));
    h.clear();
    let id = h.session.subscribe(h.now, "/q", &awkward, false).unwrap();
    h.session
        .send(h.now, "/q", &awkward, Vec::new(), SendOptions::default())
        .unwrap();
    h.pump();
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 2);
    for frame in &frames {
        assert_eq!(frame.headers.get("x-note"), Some("a\rb\nc"));
        assert_eq!(frame.headers.get("x:colon"), Some("v"));
    }
    // While reconnecting after a 1.2 connection: accepted (queued) alike, sent escaped.
    h.broker_close(1006);
    assert!(h
        .session
        .send(h.now, "/q", &awkward, Vec::new(), SendOptions::default())
        .is_ok());
    h.advance(1_000);
    h.clear();
    h.accept(Some("1.2"), Some("0,0"));
    let frames = h.sent_frames();
    assert_eq!(frames[0].headers.get("id"), Some(id.as_str()));
    assert_eq!(frames[1].headers.get("x-note"), Some("a\rb\nc"));
}

#[test]
fn a_re_subscribe_that_cannot_be_written_is_reported_lost() {
    // Offered 1.2 only when made; then set_config offers 1.1 only and the broker speaks 1.1.
    let mut h = Harness::with(|c| c.accept_versions = vec![Version::V1_2]);
    h.start();
    let id = h
        .session
        .subscribe(
            h.now,
            "/q",
            &headers(&[("x-note", "a\rb"), ("receipt", "r-sub")]),
            false,
        )
        .unwrap();
    let kept = h
        .session
        .subscribe(h.now, "/k", &headers(&[]), false)
        .unwrap();
    let mut changed = h.session.config().clone();
    changed.accept_versions = vec![Version::V1_1];
    h.session.set_config(changed);
    h.accept(Some("1.1"), None);
    assert_eq!(h.session.state(), State::Connected);
    let frames = h.sent_frames();
    assert_eq!(frames.len(), 1, "only the SUBSCRIBE that can be written");
    assert_eq!(frames[0].headers.get("id"), Some(kept.as_str()));
    let events = h.events_but_states();
    assert!(events.contains(&Event::SubscriptionLost {
        id: id.clone(),
        error: EncodeError::Unrepresentable {
            in_value: true,
            byte: b'\r'
        }
    }));
    assert!(events.contains(&Event::ReceiptFailed {
        ticket: None,
        id: "r-sub".into(),
        error: stomp_wasm::session::ReceiptError::Discarded
    }));
    assert_eq!(h.session.subscription_ids().collect::<Vec<_>>(), [kept]);
}

#[test]
fn errors_have_messages_built_without_fmt_that_display_writes() {
    let failures = [
        (
            ConnectFailure::Closed(close_info(1006)),
            "the transport closed before CONNECTED (code 1006)",
        ),
        (
            ConnectFailure::VersionNotOffered {
                version: Some("9.9".into()),
            },
            "the broker chose STOMP version '9.9', which was not offered",
        ),
        (
            ConnectFailure::Error(Frame::new(Command::Error).header("message", "Bad CONNECT")),
            "the broker refused the connection: Bad CONNECT",
        ),
    ];
    for (failure, message) in failures {
        assert_eq!(failure.message(), message);
        assert_eq!(failure.to_string(), message);
    }
    let refused = CommandError::InvalidState {
        command: "subscribe",
        state: State::Disconnecting,
    };
    assert_eq!(
        refused.message(),
        "There is no underlying STOMP connection: subscribe is not allowed while the client is disconnecting"
    );
    assert_eq!(
        CommandError::DuplicateReceipt("r-1".into()).message(),
        "a receipt with id 'r-1' is already pending"
    );
    assert_eq!(
        ParseError::LimitExceeded(stomp_wasm::frame::Limit::BodyBytes).message(),
        "invalid frame: exceeds the max_body_bytes limit"
    );
    let error: &dyn std::error::Error = &refused;
    assert_eq!(error.to_string(), refused.message());
}

#[test]
fn debug_output_of_a_session_never_shows_the_passcode() {
    let mut session = Session::new(stomp_wasm::session::Config {
        passcode: Some("s3cret".into()),
        connect_headers: headers(&[("Authorization", "Bearer s3cret")]),
        ..config()
    });
    session.connect(0).unwrap();
    let _ = session.poll_action();
    session.handle_open(0);
    // The CONNECT frame is waiting in the session, not yet polled.
    let text = format!("{session:?}");
    assert!(text.contains("Transmit"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    // Not even as a list of byte values.
    let connect = session.poll_transmit().unwrap();
    assert_eq!(
        format!("{connect:?}"),
        format!(
            "Transmit {{ len: {}, binary: false, body_follows: false }}",
            connect.bytes.len()
        )
    );
}
