//! Session: the application's lifecycle. The intended state (the last of `connect` and `disconnect`
//! wins, as @stomp/stompjs 7.4+), what a forced disconnect reports, and `wants_active` for the driver.

mod session_support;

use session_support::{closed_by_client, Harness};
use stomp_wasm::frame::Headers;
use stomp_wasm::session::{Action, CloseInfo, CloseReason, Event, State};

fn discarded() -> Event {
    Event::TransportClosed(CloseInfo {
        code: 4001,
        reason: "Quick discarding socket without waiting for the shutdown sequence.".into(),
        clean: false,
    })
}

fn open_action() -> Action {
    Action::Open {
        index: 0,
        url: session_support::URL.into(),
    }
}

/// Connected, then a graceful disconnect under way (DISCONNECT sent, `rcpt-0` awaited).
fn disconnecting() -> Harness {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.clear();
    assert_eq!(h.session.state(), State::Disconnecting);
    h
}

#[test]
fn connect_while_disconnecting_starts_again_once_the_receipt_ends_the_disconnect() {
    let mut h = disconnecting();
    assert!(!h.session.wants_active());
    h.session.connect(h.now).unwrap();
    h.pump();
    assert!(h.session.wants_active());
    assert_eq!(
        h.session.state(),
        State::Disconnecting,
        "the disconnect goes on"
    );
    assert!(h.actions().is_empty());
    h.advance(50);
    h.broker_receipt("rcpt-0");
    assert_eq!(
        h.actions(),
        [Action::Close(CloseReason::Normal), open_action()]
    );
    assert_eq!(
        h.events(),
        [
            closed_by_client(),
            Event::StateChanged {
                from: State::Disconnecting,
                to: State::Inactive
            },
            Event::Disconnected { confirmed: true },
            Event::StateChanged {
                from: State::Inactive,
                to: State::Connecting
            },
        ]
    );
    h.accept(Some("1.2"), None);
    assert_eq!(h.session.state(), State::Connected);
    assert_eq!(h.opens.len(), 2);
}

#[test]
fn connect_while_disconnecting_starts_again_after_a_disconnect_timeout_or_a_close() {
    let mut h = disconnecting();
    h.session.connect(h.now).unwrap();
    h.advance(5_000);
    assert_eq!(
        h.actions(),
        [
            Action::Close(CloseReason::CommunicationFailure),
            open_action()
        ]
    );
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: false }));
    assert_eq!(h.session.state(), State::Connecting);

    let mut h = disconnecting();
    h.session.connect(h.now).unwrap();
    h.broker_close(1000);
    assert_eq!(h.actions(), [open_action()]);
    assert_eq!(h.session.state(), State::Connecting);
}

#[test]
fn disconnect_after_connect_while_disconnecting_cancels_the_connect() {
    for force in [false, true] {
        let mut h = disconnecting();
        h.session.connect(h.now).unwrap();
        h.session.disconnect(h.now, force).unwrap();
        h.pump();
        assert!(!h.session.wants_active());
        if !force {
            h.broker_receipt("rcpt-0");
        }
        assert_eq!(h.session.state(), State::Inactive, "force {force}");
        h.advance(60_000);
        assert_eq!(h.opens.len(), 1, "force {force}: no new attempt");
        assert_eq!(h.session.poll_timeout(), None);
    }
}

#[test]
fn disconnect_while_waiting_to_reconnect_cancels_the_reconnect() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Reconnecting);
    assert!(h.session.poll_timeout().is_some());
    h.clear();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert_eq!(h.session.state(), State::Inactive);
    assert!(!h.session.wants_active());
    assert_eq!(h.session.poll_timeout(), None);
    assert!(h.actions().is_empty());
    h.advance(3_600_000);
    assert_eq!(h.opens.len(), 1);
}

#[test]
fn forced_disconnect_reports_a_discarded_socket_and_an_unconfirmed_disconnect() {
    // Connected, connecting (transport opening or open) and mid-way through a graceful disconnect.
    for setup in 0..4 {
        let mut h = Harness::new(session_support::config());
        match setup {
            0 => h.connected(),
            1 => h.start(),
            2 => {
                h.start();
                h.open();
            }
            _ => {
                h.connected();
                h.session.disconnect(h.now, false).unwrap();
                h.pump();
            }
        }
        h.clear();
        h.session.disconnect(h.now, true).unwrap();
        h.pump();
        assert_eq!(
            h.actions(),
            [Action::Close(CloseReason::Forced)],
            "setup {setup}"
        );
        let events = h.events_but_states();
        assert_eq!(
            events,
            [discarded(), Event::Disconnected { confirmed: false }],
            "setup {setup}"
        );
    }
}

#[test]
fn disconnected_is_confirmed_only_by_the_disconnect_receipt() {
    // The broker closes first, or sends ERROR: not confirmed.
    let mut h = disconnecting();
    h.broker_error("bye");
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: false }));
    // A user receipt is not the disconnect's.
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.session
        .send(
            h.now,
            "/q",
            &session_support::headers(&[("receipt", "mine")]),
            b"x".to_vec(),
            Default::default(),
        )
        .unwrap();
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.broker_receipt("mine");
    assert_eq!(h.session.state(), State::Disconnecting);
    h.broker_receipt("rcpt-0");
    assert!(h
        .events()
        .contains(&Event::Disconnected { confirmed: true }));
}

#[test]
fn wants_active_follows_the_last_of_connect_and_disconnect() {
    let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
    assert!(!h.session.wants_active());
    h.start();
    assert!(h.session.wants_active());
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Reconnecting);
    assert!(h.session.wants_active());
    h.advance(1_000);
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.session.wants_active(), "failed still wants a connection");
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    assert!(!h.session.wants_active());
    h.start();
    h.accept(Some("1.2"), None);
    assert!(h.session.wants_active());
    h.session
        .subscribe(h.now, "/q", &Headers::new(), false)
        .unwrap();
    h.session.disconnect(h.now, false).unwrap();
    h.session.connect(h.now).unwrap();
    h.session.disconnect(h.now, false).unwrap();
    h.session.connect(h.now).unwrap();
    h.pump();
    assert!(h.session.wants_active());
    h.broker_receipt("rcpt-0");
    assert_eq!(h.session.state(), State::Connecting);
    h.clear();
    // The disconnect forgot the subscription: the new connection starts without it.
    h.accept(Some("1.2"), None);
    assert_eq!(h.session.subscription_ids().count(), 0);
}

// ----- app lifecycle (mini-programs) -----

fn suspended_close() -> Event {
    Event::TransportClosed(CloseInfo {
        code: 1001,
        reason: "app suspended".into(),
        clean: false,
    })
}

/// Connected with heart-beats off; the app is hidden at t = 1 000.
fn hidden() -> Harness {
    let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
    h.connected();
    h.advance_to(1_000);
    h.session.handle_app_hidden(h.now);
    h.pump();
    assert!(h.session.app_hidden());
    h
}

#[test]
fn a_hide_shorter_than_suspend_after_changes_nothing() {
    let mut h = hidden();
    h.advance_to(5_999);
    h.session.handle_timeout(h.now);
    h.broker_message("nobody", "m-1", None);
    h.pump();
    assert_eq!(h.session.state(), State::Connected);
    assert!(h.actions().is_empty());
    h.session.handle_app_shown(h.now);
    h.pump();
    assert!(!h.session.app_hidden());
    assert_eq!(h.session.state(), State::Connected);
    assert_eq!(h.opens.len(), 1);
}

#[test]
fn the_first_input_after_suspend_after_takes_the_app_as_suspended() {
    // A thawed mini-program runs an overdue timer before onAppShow.
    let mut h = hidden();
    h.clear();
    h.now = 6_000;
    h.session.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(
        h.events(),
        [
            suspended_close(),
            Event::StateChanged {
                from: State::Connected,
                to: State::Reconnecting
            }
        ]
    );
    assert_eq!(h.session.poll_timeout(), None, "nothing scheduled");
    assert_eq!(h.session.reconnect_attempts(), 0, "nothing counted");
    h.advance(600_000);
    assert_eq!(h.opens.len(), 1, "no attempt while suspended");
    h.session.handle_app_shown(h.now);
    h.pump();
    assert_eq!(h.actions(), [open_action()]);
    h.accept(Some("1.2"), None);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn a_publish_at_thaw_is_queued_not_written_to_the_dead_socket() {
    let mut h = hidden();
    h.clear();
    h.now = 7_000;
    let outcome = h
        .session
        .send(
            h.now,
            "/q",
            &Headers::new(),
            b"hi".to_vec(),
            Default::default(),
        )
        .unwrap();
    h.pump();
    assert_eq!(outcome.outcome, stomp_wasm::session::SendOutcome::Queued);
    assert!(h.sent_frames().is_empty());
    assert_eq!(h.events_but_states(), [suspended_close()]);
    h.session.handle_app_shown(h.now);
    h.pump();
    h.accept(Some("1.2"), None);
    let commands = h.sent_commands();
    assert_eq!(commands.last(), Some(&stomp_wasm::frame::Command::Send));
}

#[test]
fn every_kind_of_input_notices_the_suspension_first() {
    type Input = fn(&mut Harness);
    let inputs: [(&str, Input); 6] = [
        ("handle_bytes", |h| h.session.handle_bytes(h.now, b"\n")),
        ("handle_timeout", |h| h.session.handle_timeout(h.now)),
        ("reconnect_now", |h| {
            let _ = h.session.reconnect_now(h.now);
        }),
        ("subscribe", |h| {
            let _ = h.session.subscribe(h.now, "/q", &Headers::new(), false);
        }),
        ("handle_app_hidden", |h| h.session.handle_app_hidden(h.now)),
        ("drop_connection", |h| h.session.drop_connection(h.now)),
    ];
    for (name, input) in inputs {
        let mut h = hidden();
        h.clear();
        h.now = 6_000;
        input(&mut h);
        h.pump();
        assert_eq!(
            h.events_but_states().first(),
            Some(&suspended_close()),
            "{name}"
        );
        let expected = match name {
            "reconnect_now" => State::Connecting, // then it does what it is asked
            _ => State::Reconnecting,
        };
        assert_eq!(h.session.state(), expected, "{name}");
        assert_eq!(h.session.reconnect_attempts(), 0, "{name}");
    }
}

#[test]
fn a_close_while_hidden_is_a_suspension_not_a_failed_attempt() {
    // While connected: the reconnect that follows is not scheduled.
    let mut h = hidden();
    h.clear();
    h.advance(2_000);
    h.broker_close(1006);
    let events = h.events_but_states();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(h.session.state(), State::Reconnecting);
    assert_eq!(h.session.poll_timeout(), None);
    // While connecting, the attempt is not counted: max_attempts = 1 is still available after it.
    let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
    h.start();
    h.session.handle_app_hidden(h.now);
    for _ in 0..3 {
        h.broker_close(1006);
        assert!(!h.log.iter().any(|e| matches!(e, Event::ConnectFailed(_))));
        assert_eq!(h.session.state(), State::Reconnecting);
        assert_eq!(h.session.reconnect_attempts(), 0);
        h.session.handle_app_shown(h.now);
        h.session.handle_app_hidden(h.now);
        h.pump();
    }
    h.session.handle_app_shown(h.now);
    h.pump();
    h.accept(Some("1.2"), None);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn an_overdue_reconnect_at_thaw_waits_for_the_show() {
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.broker_close(1006); // reconnect due at 1 000
    h.session.handle_app_hidden(900);
    h.clear();
    h.now = 20_000;
    h.session.handle_timeout(h.now);
    h.pump();
    assert!(
        h.actions().is_empty(),
        "no attempt while the app is thawing"
    );
    assert_eq!(h.session.state(), State::Reconnecting);
    assert_eq!(h.session.poll_timeout(), None);
    h.session.handle_app_shown(h.now);
    h.pump();
    assert_eq!(h.actions(), [open_action()]);
}

#[test]
fn shown_reconnects_at_once_when_backing_off_or_dead_and_leaves_a_healthy_connection() {
    // Backing off (not hidden long enough to be suspended).
    let mut h = Harness::new(session_support::config());
    h.connected();
    h.broker_close(1006);
    h.session.handle_app_hidden(h.now);
    h.advance(500);
    h.session.handle_app_shown(h.now);
    h.pump();
    assert_eq!(h.opens.len(), 2);
    assert_eq!(h.opens[1].at, 500);
    // Dead: silent past interval × tolerance (3 000 × 2), the timer never fired.
    let mut h = Harness::with(|c| c.heartbeat_incoming = 3_000);
    h.connect_with("1.2", "3000,0");
    h.session.handle_app_hidden(h.now);
    h.now = 4_000;
    h.session.handle_app_shown(h.now);
    h.pump();
    assert_eq!(
        h.session.state(),
        State::Connected,
        "silent 4 s < 6 s: alive"
    );
    h.now = 6_001;
    h.session.handle_app_shown(h.now);
    h.pump();
    assert!(h.log.contains(&Event::HeartbeatLost { last_received: 0 }));
    assert_eq!(h.session.state(), State::Connecting);
    assert_eq!(h.opens.len(), 2);
    // Inactive: nothing.
    let mut h = Harness::new(session_support::config());
    h.session.handle_app_hidden(0);
    h.session.handle_app_shown(10_000);
    h.pump();
    assert!(h.actions().is_empty());
}

#[test]
fn suspend_after_is_configurable_and_applies_once_per_hide() {
    let mut h = Harness::with(|c| c.suspend_after = 60_000);
    h.connected();
    h.session.handle_app_hidden(0);
    h.now = 59_999;
    h.session.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.session.state(), State::Connected);
    h.now = 60_000;
    h.session.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.session.state(), State::Reconnecting);
    // Still hidden, reconnected by hand: no second suspension for the same hide.
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    h.accept(Some("1.2"), None);
    h.now = 200_000;
    h.session.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn suspension_while_disconnecting_ends_the_disconnect() {
    let mut h = disconnecting();
    h.session.handle_app_hidden(h.now);
    h.now += 5_000;
    h.session.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.session.state(), State::Inactive);
    assert_eq!(
        h.events_but_states(),
        [suspended_close(), Event::Disconnected { confirmed: false }]
    );
}

#[test]
fn a_close_reported_after_suspend_after_is_that_close_not_a_second_one() {
    // Found by the session fuzz target: the suspension rule ran before the close was recorded and
    // asked the driver to close a transport it had just reported closed.
    let mut h = hidden();
    h.clear();
    h.now = 9_000;
    h.broker_close(1006);
    assert!(
        h.actions().is_empty(),
        "no Close for a transport already gone"
    );
    assert_eq!(
        h.events(),
        [
            Event::TransportClosed(session_support::close_info(1006)),
            Event::StateChanged {
                from: State::Connected,
                to: State::Reconnecting
            }
        ]
    );
    assert_eq!(h.session.poll_timeout(), None);
    h.session.handle_app_shown(h.now);
    h.pump();
    assert_eq!(h.actions(), [open_action()]);
}
