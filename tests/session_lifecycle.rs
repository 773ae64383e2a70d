//! Session: the application's lifecycle. The intended state (the last of `connect` and `disconnect`
//! wins, as @stomp/stompjs 7.4+), what a forced disconnect reports, and `wants_active` for the driver.

mod session_support;

use session_support::{closed_by_client, Harness};
use stomp_wasm::frame::Headers;
use stomp_wasm::session::{Action, CloseInfo, Event, State};

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
    assert_eq!(h.actions(), [Action::Close, open_action()]);
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
    assert_eq!(h.actions(), [Action::Close, open_action()]);
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
        assert_eq!(h.actions(), [Action::Close], "setup {setup}");
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
    h.session.subscribe(h.now, "/q", &Headers::new()).unwrap();
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
