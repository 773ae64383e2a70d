//! Session: heart-beat negotiation, outgoing EOLs on an idle line, and the incoming liveness deadline,
//! with their timing edges (exactly at a deadline, one millisecond either side).

mod session_support;

use session_support::Harness;
use stomp_wasm::frame::Command;
use stomp_wasm::frame::Headers;
use stomp_wasm::session::{Action, CloseReason, Event, NegotiatedHeartbeat, SendOptions, State};

/// A harness whose CONNECT offers `cx,cy`, connected at t=0 with the broker's `sx,sy`.
fn connected(cx: u64, cy: u64, broker: &str) -> Harness {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = cx;
        c.heartbeat_incoming = cy;
    });
    h.connect_with("1.2", broker);
    h
}

#[test]
fn outgoing_is_the_larger_of_cx_and_sy_and_incoming_the_larger_of_cy_and_sx() {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = 1_000;
        c.heartbeat_incoming = 3_000;
    });
    h.start();
    let connect = h.accept(Some("1.2"), Some("2000,2500"));
    assert_eq!(connect.headers.get("heart-beat"), Some("1000,3000"));
    let expected = NegotiatedHeartbeat {
        outgoing: 2_500,
        incoming: 3_000,
    };
    assert_eq!(h.session.heartbeat(), expected);
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::Connected { heartbeat, .. } if *heartbeat == expected
    )));
}

#[test]
fn heart_beats_are_off_in_a_direction_where_either_side_says_zero() {
    for (cx, cy, broker) in [
        (0, 0, "1000,1000"),
        (1_000, 1_000, "0,0"),
        (0, 1_000, "0,1000"),
        (1_000, 0, "1000,0"),
    ] {
        let mut h = connected(cx, cy, broker);
        assert_eq!(
            h.session.heartbeat(),
            NegotiatedHeartbeat::default(),
            "{cx},{cy} vs {broker}"
        );
        assert_eq!(h.session.poll_timeout(), None);
        h.advance(60_000);
        assert!(h.sent_heartbeats().is_empty());
        assert_eq!(h.session.state(), State::Connected);
    }
    // One direction on, the other off.
    let h = connected(1_000, 0, "0,1000");
    assert_eq!(
        h.session.heartbeat(),
        NegotiatedHeartbeat {
            outgoing: 1_000,
            incoming: 0
        }
    );
}

#[test]
fn eol_goes_out_exactly_at_the_outgoing_deadline_not_before() {
    let mut h = connected(1_000, 0, "0,1000");
    assert_eq!(h.session.poll_timeout(), Some(1_000));
    h.advance(999);
    assert!(h.sent_heartbeats().is_empty());
    h.advance(1);
    assert_eq!(h.sent_heartbeats(), [1_000]);
    assert_eq!(h.sent_raw(), [b"\n".to_vec()]);
    h.advance(2_500);
    assert_eq!(h.sent_heartbeats(), [2_000, 3_000]);
    assert!(h.sent_frames().is_empty());
}

#[test]
fn eol_goes_out_only_when_nothing_else_was_sent_during_the_interval() {
    let mut h = connected(1_000, 0, "0,1000");
    h.advance(600);
    h.session
        .send(
            h.now,
            "/queue/a",
            &Headers::new(),
            b"x".to_vec(),
            SendOptions::default(),
        )
        .unwrap();
    h.pump();
    assert_eq!(h.sent_commands(), [Command::Send]);
    assert_eq!(h.session.poll_timeout(), Some(1_600));
    h.advance_to(1_599);
    assert!(h.sent_heartbeats().is_empty());
    h.advance_to(1_600);
    assert_eq!(h.sent_heartbeats(), [1_600]);
}

#[test]
fn outgoing_interval_starts_at_connected_not_at_connect() {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = 500;
        c.heartbeat_incoming = 0;
    });
    h.start();
    h.open_and_read_connect(); // CONNECT at t=0
    h.now = 700; // the broker takes longer than one interval to answer
    h.broker_send(
        stomp_wasm::frame::Frame::new(Command::Connected)
            .header("version", "1.2")
            .header("heart-beat", "0,500"),
    );
    assert_eq!(h.session.poll_timeout(), Some(1_200));
    h.advance_to(1_199);
    assert!(h.sent_heartbeats().is_empty());
    h.advance_to(1_200);
    assert_eq!(h.sent_heartbeats(), [1_200]);
}

#[test]
fn heartbeat_lost_just_after_tolerance_not_at_it() {
    let mut h = connected(0, 1_000, "1000,0");
    assert_eq!(h.session.poll_timeout(), Some(2_001));
    h.advance_to(2_000); // silent for exactly interval × 2
    assert_eq!(h.session.state(), State::Connected);
    assert!(h.events().is_empty());
    h.advance(1);
    assert_eq!(
        h.actions(),
        [Action::Close(CloseReason::CommunicationFailure)]
    );
    assert_eq!(
        h.events(),
        [
            Event::HeartbeatLost { last_received: 0 },
            session_support::closed_by_client(),
            Event::StateChanged {
                from: State::Connected,
                to: State::Reconnecting
            },
            Event::ReconnectScheduled {
                attempt: 1,
                delay: 1_000,
                at: 3_001
            },
        ]
    );
}

#[test]
fn a_late_liveness_check_gives_the_broker_one_interval_to_be_heard() {
    // The deadline is 2_001; the check runs only at 2_500 (the client was asleep): no verdict yet,
    // the broker's bytes waiting in the event loop may arrive first.
    let mut h = connected(0, 1_000, "1000,0");
    h.wake_late(2_500);
    assert_eq!(h.session.state(), State::Connected);
    assert!(h.events().is_empty());
    assert_eq!(h.session.poll_timeout(), Some(3_500));
    h.broker_bytes(b"\n");
    assert_eq!(
        h.session.poll_timeout(),
        Some(4_501),
        "heard: the usual deadline again"
    );
    // Silent again: a punctual check loses the connection at once, and so does a second late one
    // inside one silence after its grace ran out.
    h.advance_to(4_501);
    assert_eq!(h.session.state(), State::Reconnecting);

    let mut h = connected(0, 1_000, "1000,0");
    h.wake_late(2_500);
    h.wake_late(3_900); // late again, past the grace: the grace is spent
    assert!(h
        .events()
        .contains(&Event::HeartbeatLost { last_received: 0 }));
}

#[test]
fn a_check_late_by_less_than_the_threshold_is_punctual() {
    let mut h = connected(0, 1_000, "1000,0");
    h.wake_late(2_001 + 99);
    assert_eq!(h.session.state(), State::Reconnecting);
}

#[test]
fn fractional_tolerance_loses_the_connection_at_the_first_millisecond_past_it() {
    // 1001 × 1.5 = 1501.5 ms: silent for 1501 ms is within it, 1502 ms is not.
    let mut h = Harness::with(|c| {
        c.heartbeat_incoming = 1_001;
        c.heartbeat_tolerance = 1.5;
    });
    h.connect_with("1.2", "1001,0");
    h.advance_to(1_501);
    assert_eq!(h.session.state(), State::Connected);
    h.advance_to(1_502);
    assert_eq!(h.session.state(), State::Reconnecting);
    assert!(h
        .events()
        .contains(&Event::HeartbeatLost { last_received: 0 }));
}

#[test]
fn tolerance_multiplier_is_configurable_and_below_one_reads_as_one() {
    let mut h = Harness::with(|c| {
        c.heartbeat_incoming = 1_000;
        c.heartbeat_tolerance = 3.0;
    });
    h.connect_with("1.2", "1000,0");
    assert_eq!(h.session.poll_timeout(), Some(3_001));

    for tolerance in [0.5, 0.0, -1.0, f64::NAN, f64::INFINITY] {
        let mut h = Harness::with(|c| {
            c.heartbeat_incoming = 1_000;
            c.heartbeat_tolerance = tolerance;
        });
        h.connect_with("1.2", "1000,0");
        assert_eq!(h.session.poll_timeout(), Some(1_001), "{tolerance}");
    }
}

#[test]
fn any_received_byte_counts_as_activity() {
    let mut h = connected(0, 1_000, "1000,0");
    h.advance_to(1_500);
    h.broker_bytes(b"MESS"); // the start of a frame, not even a whole command line
    assert_eq!(h.session.poll_timeout(), Some(3_501));
    h.advance_to(3_500);
    assert_eq!(h.session.state(), State::Connected);
    h.broker_bytes(b"AGE\ndestination:/q\nsubscription:none\nmessage-id:1\n\n\0");
    h.advance_to(5_500);
    assert_eq!(h.session.state(), State::Connected);
    h.advance_to(5_501);
    assert_eq!(h.session.state(), State::Reconnecting);
}

#[test]
fn broker_heart_beats_are_reported_and_keep_the_connection_alive() {
    let mut h = connected(0, 1_000, "1000,0");
    for _ in 0..10 {
        h.advance(1_900);
        h.broker_heartbeat();
    }
    h.broker_bytes(b"\r\n");
    assert_eq!(h.session.state(), State::Connected);
    let events = h.events();
    assert_eq!(events.len(), 11);
    assert!(events.iter().all(|e| *e == Event::HeartbeatReceived));
}

#[test]
fn frames_count_as_activity_but_are_not_heart_beat_events() {
    let mut h = connected(0, 1_000, "1000,0");
    h.advance(1_500);
    h.broker_message("nobody", "m-1", None);
    assert!(!h.events().contains(&Event::HeartbeatReceived));
    assert_eq!(h.session.poll_timeout(), Some(3_501));
}

#[test]
fn eol_before_connected_is_not_a_heart_beat_event() {
    let mut h = Harness::new(session_support::config());
    h.start();
    h.open();
    h.clear();
    h.broker_heartbeat();
    assert!(h.events().is_empty());
}

#[test]
fn heartbeat_lost_reconnects_to_the_same_url_per_policy() {
    let mut h = Harness::with(|c| {
        c.broker_urls = vec!["ws://a.test/ws".into(), "ws://b.test/ws".into()];
        c.heartbeat_incoming = 1_000;
    });
    h.connect_with("1.2", "1000,0");
    h.advance_to(3_001);
    assert_eq!(h.opens.len(), 2);
    assert_eq!((h.opens[1].at, h.opens[1].index), (3_001, 0));
}

#[test]
fn huge_broker_heart_beat_values_never_overflow_a_deadline() {
    let mut h = connected(1_000, 1_000, "18446744073709551615,18446744073709551615");
    assert_eq!(
        h.session.heartbeat(),
        NegotiatedHeartbeat {
            outgoing: u64::MAX,
            incoming: u64::MAX
        }
    );
    assert!(h.session.poll_timeout().is_some_and(|t| t >= h.now));
    h.advance(10_000_000);
    assert_eq!(h.session.state(), State::Connected);
    assert!(h.sent_heartbeats().is_empty());
}

#[test]
fn no_heart_beats_and_no_liveness_check_while_disconnecting() {
    let mut h = Harness::with(|c| {
        c.heartbeat_outgoing = 1_000;
        c.heartbeat_incoming = 1_000;
        c.disconnect_timeout = 10_000;
    });
    h.connect_with("1.2", "1000,1000");
    h.advance(500);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.advance(9_000);
    assert!(h.sent_heartbeats().is_empty());
    assert_eq!(h.session.state(), State::Disconnecting);
    assert!(!h
        .events()
        .iter()
        .any(|e| matches!(e, Event::HeartbeatLost { .. })));
}

#[test]
fn eol_after_a_frame_in_the_same_message_is_not_a_heartbeat() {
    let mut h = Harness::with(|_| {});
    h.connected();
    // RabbitMQ ends every frame with "\0\n", in the same WebSocket message.
    h.broker_bytes(b"RECEIPT\nreceipt-id:x\n\n\0\n");
    h.broker_bytes(b"\n");
    let beats = h
        .events()
        .iter()
        .filter(|e| matches!(e, Event::HeartbeatReceived))
        .count();
    assert_eq!(beats, 1, "only the EOL that came alone is a heart-beat");
}

#[test]
fn a_run_of_eols_in_one_message_is_one_heart_beat() {
    let mut h = connected(0, 1_000, "1000,0");
    h.broker_bytes(b"\n\n\r\n\n");
    assert_eq!(h.events(), [Event::HeartbeatReceived]);
    // One WebSocket message of 8 MiB of EOLs (issue #11 point 4): one event, not 8,388,608.
    h.broker_bytes(&vec![b'\n'; 8 << 20]);
    assert_eq!(h.events(), [Event::HeartbeatReceived]);
    assert_eq!(h.session.state(), State::Connected);
}
