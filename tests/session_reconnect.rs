//! Session: ERROR after CONNECTED, the reconnect policy (linear, exponential, cap, seeded jitter, attempt
//! limit, reset on success, failover across URLs, `reconnect_now`), a reconnect storm, and the state
//! machine with its typed errors.

mod session_support;

use session_support::{Harness, ReferenceBackoff};
use stomp_wasm::frame::{Command, Frame, Headers, ParseError};
use stomp_wasm::session::{
    Action, CloseReason, CommandError, ConnectFailure, Event, ReconnectPolicy, ReconnectTimeMode,
    SendOptions, State,
};

fn policy(mode: ReconnectTimeMode, jitter: f64) -> ReconnectPolicy {
    ReconnectPolicy {
        delay: 1_000,
        mode,
        max_delay: 10_000,
        max_attempts: 0,
        jitter,
        seed: 42,
    }
}

fn harness(reconnect: ReconnectPolicy) -> Harness {
    Harness::with(|c| c.reconnect = reconnect)
}

/// Fails the attempt in progress (the transport does not open), then waits until the next one starts.
/// Returns false if no next attempt is scheduled.
fn fail_and_wait(h: &mut Harness) -> bool {
    h.broker_close(1006);
    match h.session.poll_timeout() {
        Some(at) if h.session.state() == State::Reconnecting => {
            h.advance_to(at);
            true
        }
        _ => false,
    }
}

fn open_times(h: &Harness) -> Vec<u64> {
    h.opens.iter().map(|o| o.at).collect()
}

#[test]
fn error_after_connected_is_reported_and_the_brokers_close_reconnects() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    h.connected();
    h.session
        .subscribe(h.now, "/q", &Headers::new(), false)
        .unwrap();
    h.pump();
    h.clear();
    h.advance(50);
    let error = Frame::new(Command::Error).header("message", "resource deleted");
    h.broker_send(error.clone());
    // As stompjs: the ERROR is reported, the connection is the broker's to close.
    assert!(h.actions().is_empty());
    assert_eq!(h.events(), [Event::StompError(error)]);
    assert_eq!(h.session.state(), State::Connected);
    h.broker_close(1000);
    assert_eq!(
        h.events(),
        [
            Event::TransportClosed(session_support::close_info(1000)),
            Event::StateChanged {
                from: State::Connected,
                to: State::Reconnecting
            },
            Event::ReconnectScheduled {
                attempt: 1,
                delay: 1_000,
                at: 1_050
            },
        ]
    );
    h.advance_to(1_050);
    assert_eq!(open_times(&h), [0, 1_050]);
    h.accept(Some("1.2"), None);
    assert_eq!(h.sent_commands(), [Command::Subscribe]);
}

#[test]
fn protocol_error_after_connected_closes_and_reconnects() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    h.connected();
    h.broker_bytes(b"MESSAGE\nbad header\n\n\0");
    assert_eq!(h.actions(), [Action::Close(CloseReason::Normal)]);
    assert_eq!(
        h.events()[0],
        Event::ProtocolError(ParseError::HeaderWithoutColon)
    );
    assert_eq!(h.session.state(), State::Reconnecting);
    h.advance(1_000);
    assert_eq!(h.opens.len(), 2);
}

#[test]
fn dropping_the_connection_acts_as_a_network_failure() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    h.connected();
    h.session.drop_connection(h.now);
    h.pump();
    assert_eq!(
        h.actions(),
        [Action::Close(CloseReason::CommunicationFailure)]
    );
    assert!(h.events().contains(&Event::ReconnectScheduled {
        attempt: 1,
        delay: 1_000,
        at: 1_000
    }));
}

#[test]
fn linear_backoff_waits_the_same_delay_before_each_attempt() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    h.start();
    for _ in 0..4 {
        assert!(fail_and_wait(&mut h));
    }
    assert_eq!(h.scheduled_delays(), [1_000; 4]);
    assert_eq!(open_times(&h), [0, 1_000, 2_000, 3_000, 4_000]);
}

#[test]
fn exponential_backoff_doubles_up_to_max_delay() {
    let mut h = harness(policy(ReconnectTimeMode::Exponential, 0.0));
    h.start();
    for _ in 0..6 {
        assert!(fail_and_wait(&mut h));
    }
    assert_eq!(
        h.scheduled_delays(),
        [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]
    );
    assert_eq!(
        open_times(&h),
        [0, 1_000, 3_000, 7_000, 15_000, 25_000, 35_000]
    );
    let attempts: Vec<u32> = h
        .log
        .iter()
        .filter_map(|e| match e {
            Event::ReconnectScheduled { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn jittered_backoff_sequence_is_fixed_for_a_seed() {
    let policy = ReconnectPolicy {
        max_delay: 30_000,
        ..policy(ReconnectTimeMode::Exponential, 1.0)
    };
    let mut h = harness(policy.clone());
    h.start();
    for _ in 0..8 {
        assert!(fail_and_wait(&mut h));
    }
    // Pinned: seed 42, SplitMix64, full jitter over 1 s doubling to a 30 s cap.
    let golden = [259, 1_681, 2_886, 5_247, 15_392, 3_954, 23_448, 5_982];
    assert_eq!(h.scheduled_delays(), golden);
    let mut reference = ReferenceBackoff::new(42);
    let expected: Vec<u64> = (1..=8).map(|k| reference.delay(&policy, k)).collect();
    assert_eq!(expected, golden);
    // Another seed, another sequence.
    let mut other = harness(ReconnectPolicy { seed: 43, ..policy });
    other.start();
    for _ in 0..8 {
        assert!(fail_and_wait(&mut other));
    }
    assert_ne!(other.scheduled_delays(), golden);
}

#[test]
fn jitter_takes_at_most_its_fraction_of_each_delay() {
    for (jitter, seed) in [(0.25, 1), (0.5, 2), (1.0, 3), (1.0, 4)] {
        let policy = ReconnectPolicy {
            seed,
            max_delay: 20_000,
            ..policy(ReconnectTimeMode::Exponential, jitter)
        };
        let mut h = harness(policy.clone());
        h.start();
        for _ in 0..200 {
            assert!(fail_and_wait(&mut h));
        }
        let delays = h.scheduled_delays();
        let mut reference = ReferenceBackoff::new(seed);
        for (k, &delay) in (1..).zip(&delays) {
            let base = ReferenceBackoff::base(&policy, k);
            assert!(delay <= base, "attempt {k}: {delay} > {base}");
            assert!(
                delay as f64 >= base as f64 * (1.0 - jitter),
                "attempt {k}: {delay} below {} of {base}",
                1.0 - jitter
            );
            assert_eq!(delay, reference.delay(&policy, k), "attempt {k}");
        }
        if jitter == 1.0 {
            assert!(delays.iter().any(|&d| d < 5_000), "full jitter goes low");
        }
    }
}

#[test]
fn reconnect_delay_zero_means_no_reconnect_and_the_session_stays_active() {
    // Issue 19.6: as stompjs, the client stays active (not reconnecting) until a disconnect.
    let mut h = harness(ReconnectPolicy {
        delay: 0,
        ..ReconnectPolicy::default()
    });
    h.connected();
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.session.wants_active());
    assert!(!h
        .events()
        .iter()
        .any(|e| matches!(e, Event::ReconnectFailed { .. })));
    assert!(h.scheduled_delays().is_empty());
    assert_eq!(h.session.poll_timeout(), None);
    h.advance(3_600_000);
    assert_eq!(h.opens.len(), 1);
    // `connect` starts again; a failed first attempt stops the same way.
    h.start();
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    assert_eq!(h.opens.len(), 2);
    // A disconnect, then a connect, from there (what stompjs code does in onWebSocketClose).
    h.session.disconnect(h.now, false).unwrap();
    assert_eq!(h.session.state(), State::Inactive);
    h.start();
    assert_eq!(h.opens.len(), 3);
}

#[test]
fn max_reconnect_attempts_then_failed_and_a_final_event() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 3,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    h.start();
    assert!(fail_and_wait(&mut h));
    assert!(fail_and_wait(&mut h));
    assert!(fail_and_wait(&mut h));
    assert_eq!(h.session.reconnect_attempts(), 3);
    h.clear();
    assert!(!fail_and_wait(&mut h));
    assert_eq!(
        h.events_but_states().last(),
        Some(&Event::ReconnectFailed { attempts: 3 })
    );
    assert_eq!(h.session.state(), State::Failed);
    assert!(!h.session.state().is_active());
    assert_eq!(h.session.poll_timeout(), None);
    h.advance(3_600_000);
    assert_eq!(open_times(&h), [0, 1_000, 2_000, 3_000]);
}

#[test]
fn auth_failures_count_toward_max_reconnect_attempts() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 2,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    h.start();
    for _ in 0..3 {
        h.open_and_read_connect();
        h.broker_send(Frame::new(Command::Error).header("message", "Bad CONNECT"));
        if let Some(at) = h.session.poll_timeout() {
            h.advance_to(at);
        }
    }
    let failures = h
        .log
        .iter()
        .filter(|e| matches!(e, Event::ConnectFailed(ConnectFailure::Error(_))))
        .count();
    assert_eq!(failures, 3);
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.log.contains(&Event::ReconnectFailed { attempts: 2 }));
}

#[test]
fn connection_timeouts_count_toward_max_reconnect_attempts() {
    let mut h = Harness::with(|c| {
        c.connection_timeout = 500;
        c.reconnect = ReconnectPolicy {
            max_attempts: 2,
            ..policy(ReconnectTimeMode::Linear, 0.0)
        };
    });
    h.start();
    h.advance(10_000);
    assert_eq!(open_times(&h), [0, 1_500, 3_000]);
    assert_eq!(h.closes, [500, 2_000, 3_500]);
    assert_eq!(h.session.state(), State::Failed);
}

#[test]
fn delay_resets_only_after_a_connection_that_stayed_up_for_stable_after() {
    let mut h = harness(policy(ReconnectTimeMode::Exponential, 0.0));
    assert_eq!(h.session.config().stable_after, 10_000, "the default");
    h.start();
    for _ in 0..3 {
        assert!(fail_and_wait(&mut h));
    }
    assert_eq!(h.scheduled_delays(), [1_000, 2_000, 4_000]);
    // Up for just under `stable_after`: the streak goes on.
    h.accept(Some("1.2"), None);
    assert_eq!(
        h.session.reconnect_attempts(),
        3,
        "CONNECTED alone resets nothing"
    );
    h.advance(9_999);
    h.broker_close(1006);
    assert_eq!(h.scheduled_delays(), [1_000, 2_000, 4_000, 8_000]);
    h.advance(8_000);
    // Up for exactly `stable_after`: its end starts a new streak.
    h.accept(Some("1.2"), None);
    h.advance(10_000);
    h.broker_close(1006);
    assert_eq!(h.scheduled_delays(), [1_000, 2_000, 4_000, 8_000, 1_000]);
    assert!(h.log.contains(&Event::ReconnectScheduled {
        attempt: 1,
        delay: 1_000,
        at: h.now + 1_000
    }));
}

#[test]
fn stable_after_zero_resets_at_any_end_after_connected() {
    let mut h = Harness::with(|c| {
        c.reconnect = policy(ReconnectTimeMode::Exponential, 0.0);
        c.stable_after = 0;
    });
    h.start();
    assert!(fail_and_wait(&mut h));
    assert!(fail_and_wait(&mut h));
    h.accept(Some("1.2"), None);
    h.broker_close(1006);
    assert_eq!(h.scheduled_delays(), [1_000, 2_000, 1_000]);
}

#[test]
fn exponential_backoff_with_max_delay_zero_has_no_cap() {
    // As stompjs 7.5: `maxReconnectDelay: 0` means no upper limit.
    let mut h = harness(ReconnectPolicy {
        max_delay: 0,
        ..policy(ReconnectTimeMode::Exponential, 0.0)
    });
    h.start();
    for _ in 0..12 {
        assert!(fail_and_wait(&mut h));
    }
    let expected: Vec<u64> = (0..12).map(|k| 1_000 << k).collect();
    assert_eq!(h.scheduled_delays(), expected);
}

#[test]
fn a_max_delay_below_the_base_delay_is_the_base_delay() {
    let mut h = harness(ReconnectPolicy {
        max_delay: 300,
        ..policy(ReconnectTimeMode::Exponential, 0.0)
    });
    h.start();
    for _ in 0..3 {
        assert!(fail_and_wait(&mut h));
    }
    assert_eq!(h.scheduled_delays(), [1_000; 3]);
}

#[test]
fn failover_rotates_urls_in_order() {
    let urls = ["ws://a.test/ws", "ws://b.test/ws", "ws://c.test/ws"];
    let mut h = Harness::with(|c| {
        c.broker_urls = urls.iter().map(|u| u.to_string()).collect();
        c.reconnect = policy(ReconnectTimeMode::Linear, 0.0);
    });
    h.start();
    for _ in 0..4 {
        assert!(fail_and_wait(&mut h));
    }
    let order: Vec<(usize, &str)> = h.opens.iter().map(|o| (o.index, o.url.as_str())).collect();
    assert_eq!(
        order,
        [
            (0, urls[0]),
            (1, urls[1]),
            (2, urls[2]),
            (0, urls[0]),
            (1, urls[1])
        ]
    );
    assert_eq!(h.session.current_url(), Some(urls[1]));
}

#[test]
fn failover_moves_on_after_an_error_or_a_timeout_too() {
    let mut h = Harness::with(|c| {
        c.broker_urls = vec!["ws://a.test/ws".into(), "ws://b.test/ws".into()];
        c.connection_timeout = 500;
        c.reconnect = policy(ReconnectTimeMode::Linear, 0.0);
    });
    h.start();
    h.open_and_read_connect();
    h.broker_error("Bad CONNECT"); // a.test refuses
    h.advance(1_000);
    h.advance(500); // b.test times out
    h.advance(1_000);
    let order: Vec<usize> = h.opens.iter().map(|o| o.index).collect();
    assert_eq!(order, [0, 1, 0]);
}

#[test]
fn connection_loss_reconnects_to_the_url_that_worked() {
    let mut h = Harness::with(|c| {
        c.broker_urls = vec!["ws://a.test/ws".into(), "ws://b.test/ws".into()];
        c.reconnect = policy(ReconnectTimeMode::Linear, 0.0);
    });
    h.start();
    assert!(fail_and_wait(&mut h));
    h.accept(Some("1.2"), None);
    h.broker_close(1001);
    h.advance(1_000);
    h.open_and_read_connect();
    h.broker_error("x"); // ERROR before CONNECTED: not a loss but a failure, so move on
    h.advance(1_000);
    let order: Vec<usize> = h.opens.iter().map(|o| o.index).collect();
    assert_eq!(order, [0, 1, 1, 0]);
}

#[test]
fn reconnect_now_skips_the_backoff() {
    let mut h = harness(ReconnectPolicy {
        delay: 10_000,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    h.connected();
    h.broker_close(1006);
    h.advance(50);
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    assert_eq!(open_times(&h), [0, 50]);
    h.accept(Some("1.2"), None);
    h.advance(60_000);
    assert_eq!(h.opens.len(), 2, "the skipped timer must not fire later");
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn reconnect_now_from_failed_starts_a_fresh_streak() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 1,
        ..policy(ReconnectTimeMode::Exponential, 0.0)
    });
    h.start();
    assert!(fail_and_wait(&mut h));
    assert!(!fail_and_wait(&mut h));
    assert_eq!(h.session.state(), State::Failed);
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    assert_eq!(h.session.state(), State::Connecting);
    assert_eq!(h.session.reconnect_attempts(), 0);
    assert!(fail_and_wait(&mut h));
    assert_eq!(h.scheduled_delays(), [1_000, 1_000]);
}

#[test]
fn connect_from_failed_starts_again_too() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 1,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    h.start();
    assert!(fail_and_wait(&mut h));
    assert!(!fail_and_wait(&mut h));
    h.start();
    h.accept(Some("1.2"), None);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn reconnect_now_is_an_error_when_inactive_and_a_no_op_when_busy_or_healthy() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    assert_eq!(
        h.session.reconnect_now(0),
        Err(CommandError::InvalidState {
            command: "reconnect_now",
            state: State::Inactive
        })
    );
    h.start();
    h.session.reconnect_now(0).unwrap();
    h.pump();
    assert_eq!(h.opens.len(), 1);
    h.accept(Some("1.2"), None);
    h.advance(100_000);
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    assert_eq!(h.opens.len(), 1);
    assert_eq!(h.session.state(), State::Connected);
}

#[test]
fn reconnect_now_while_connected_but_silent_past_the_tolerance_reconnects_at_once() {
    let mut h = Harness::with(|c| {
        c.heartbeat_incoming = 10_000;
        c.heartbeat_tolerance = 1.5;
        c.reconnect = policy(ReconnectTimeMode::Linear, 0.0);
    });
    h.connect_with("1.2", "10000,0");
    // The clock jumps without the timer firing (a throttled page): only reconnect_now runs.
    for silent in [10_001, 15_000] {
        h.now = silent; // silent past one interval, not past interval × tolerance: still fine
        h.session.reconnect_now(h.now).unwrap();
        h.pump();
        assert_eq!(h.session.state(), State::Connected, "silent {silent} ms");
        assert!(h.actions().is_empty());
    }
    h.now = 15_001;
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    assert_eq!(
        h.actions(),
        [
            Action::Close(CloseReason::CommunicationFailure),
            Action::Open {
                index: 0,
                url: session_support::URL.into()
            }
        ]
    );
    assert!(h
        .events()
        .contains(&Event::HeartbeatLost { last_received: 0 }));
    assert_eq!(h.session.state(), State::Connecting);
    assert_eq!(open_times(&h), [0, 15_001]);
}

/// The broker accepts and then drops the connection `up` ms after CONNECTED, `cycles` times (or
/// until the session stops reconnecting); returns the `ReconnectScheduled` attempts and delays.
fn accept_then_drop(h: &mut Harness, cycles: usize, up: u64) -> Vec<(u32, u64)> {
    h.session
        .subscribe(h.now, "/topic/storm", &Headers::new(), false)
        .unwrap();
    h.start();
    let mut scheduled = Vec::new();
    for cycle in 0..cycles {
        h.advance(7); // the broker takes 7 ms to answer
        h.accept(Some("1.2"), Some("0,0"));
        assert_eq!(h.sent_commands(), [Command::Subscribe], "cycle {cycle}");
        h.advance(up);
        h.broker_close(1011);
        match h.events_but_states().last() {
            Some(Event::ReconnectScheduled { attempt, delay, at }) => {
                assert_eq!(*at, h.now + delay);
                scheduled.push((*attempt, *delay));
                h.advance_to(*at);
            }
            _ => break,
        }
    }
    scheduled
}

#[test]
fn a_broker_that_drops_right_after_connected_is_backed_off_exponentially() {
    // Issue #11 point 7: each CONNECTED used to reset the streak, so this reconnected forever at the
    // base delay. The connections never stay up for `stable_after`, so the streak goes on.
    let policy = ReconnectPolicy {
        max_delay: 30_000,
        ..policy(ReconnectTimeMode::Exponential, 1.0)
    };
    let mut h = Harness::with(|c| c.reconnect = policy.clone());
    let scheduled = accept_then_drop(&mut h, 100, 0);
    let mut reference = ReferenceBackoff::new(42);
    let expected: Vec<(u32, u64)> = (1..=100)
        .map(|k| (k, reference.delay(&policy, k)))
        .collect();
    assert_eq!(scheduled, expected);
    let bases: Vec<u64> = (1..=7)
        .map(|k| ReferenceBackoff::base(&policy, k))
        .collect();
    assert_eq!(bases, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    assert_eq!(h.opens.len(), 101);
}

#[test]
fn a_broker_that_drops_right_after_connected_stays_at_the_linear_delay() {
    let mut h = harness(policy(ReconnectTimeMode::Linear, 0.0));
    let scheduled = accept_then_drop(&mut h, 20, 500);
    let expected: Vec<(u32, u64)> = (1..=20).map(|k| (k, 1_000)).collect();
    assert_eq!(scheduled, expected);
}

#[test]
fn a_broker_that_drops_right_after_connected_uses_up_max_attempts() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 3,
        ..policy(ReconnectTimeMode::Exponential, 0.0)
    });
    let scheduled = accept_then_drop(&mut h, 100, 9_999);
    assert_eq!(scheduled, [(1, 1_000), (2, 2_000), (3, 4_000)]);
    assert_eq!(h.session.state(), State::Failed);
    assert!(h.log.contains(&Event::ReconnectFailed { attempts: 3 }));
    assert_eq!(h.opens.len(), 4);
}

#[test]
fn connections_that_stay_up_for_stable_after_reset_the_streak_every_time() {
    // The same storm with connections that last 10 s: every reconnect is attempt 1, with the base
    // delay jittered by the seeded sequence in order; the attempt limit is never reached.
    let policy = ReconnectPolicy {
        max_attempts: 3,
        max_delay: 30_000,
        ..policy(ReconnectTimeMode::Exponential, 1.0)
    };
    let mut h = Harness::with(|c| c.reconnect = policy.clone());
    let scheduled = accept_then_drop(&mut h, 100, 10_000);
    let mut reference = ReferenceBackoff::new(42);
    let expected: Vec<(u32, u64)> = (0..100).map(|_| (1, reference.delay(&policy, 1))).collect();
    assert_eq!(scheduled, expected);
    assert!(!h
        .log
        .iter()
        .any(|e| matches!(e, Event::ReconnectFailed { .. })));
    assert_eq!(h.session.state(), State::Connecting);
}

#[test]
fn failure_storm_follows_the_exponential_policy_and_rotates_urls() {
    let policy = ReconnectPolicy {
        max_attempts: 100,
        max_delay: 60_000,
        seed: 7,
        ..policy(ReconnectTimeMode::Exponential, 0.5)
    };
    let mut h = Harness::with(|c| {
        c.broker_urls = vec!["ws://a.test/ws".into(), "ws://b.test/ws".into()];
        c.reconnect = policy.clone();
    });
    h.start();
    let mut reference = ReferenceBackoff::new(7);
    let mut at = 0;
    let mut expected = vec![(0, 0)];
    for k in 1..=100 {
        at += reference.delay(&policy, k);
        expected.push((at, (k as usize) % 2));
    }
    while fail_and_wait(&mut h) {}
    let opens: Vec<(u64, usize)> = h.opens.iter().map(|o| (o.at, o.index)).collect();
    assert_eq!(opens, expected);
    assert!(h.log.contains(&Event::ReconnectFailed { attempts: 100 }));
}

#[test]
fn the_states_follow_the_state_machine_with_one_event_per_transition() {
    let mut h = harness(ReconnectPolicy {
        max_attempts: 1,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    h.start();
    h.accept(Some("1.2"), None);
    h.broker_close(1006);
    h.advance(1_000);
    h.broker_close(1006);
    h.session.reconnect_now(h.now).unwrap();
    h.pump();
    h.accept(Some("1.2"), None);
    h.session.disconnect(h.now, false).unwrap();
    h.pump();
    h.broker_receipt("rcpt-0");
    assert_eq!(
        h.state_path(),
        [
            State::Inactive,
            State::Connecting,
            State::Connected,
            State::Reconnecting,
            State::Connecting,
            State::Failed,
            State::Connecting,
            State::Connected,
            State::Disconnecting,
            State::Inactive,
        ]
    );
}

#[test]
fn commands_illegal_in_a_state_are_typed_errors() {
    let invalid = |command, state| CommandError::InvalidState { command, state };
    let send = |h: &mut Harness| {
        h.session.send(
            h.now,
            "/q",
            &Headers::new(),
            Vec::new(),
            SendOptions::default(),
        )
    };
    let mut h = harness(ReconnectPolicy {
        max_attempts: 1,
        ..policy(ReconnectTimeMode::Linear, 0.0)
    });
    // Inactive
    assert_eq!(send(&mut h), Err(invalid("send", State::Inactive)));
    assert_eq!(
        h.session.begin(0, None, &Headers::new()),
        Err(invalid("begin", State::Inactive))
    );
    // Connecting
    h.start();
    assert_eq!(
        h.session.connect(0),
        Err(invalid("connect", State::Connecting))
    );
    // Reconnecting
    h.broker_close(1006);
    assert_eq!(
        h.session.connect(h.now),
        Err(invalid("connect", State::Reconnecting))
    );
    assert_eq!(
        h.session.begin(h.now, None, &Headers::new()),
        Err(CommandError::NotConnected)
    );
    // Failed
    h.advance(1_000);
    h.broker_close(1006);
    assert_eq!(h.session.state(), State::Failed);
    assert_eq!(send(&mut h), Err(invalid("send", State::Failed)));
    assert_eq!(
        h.session.commit(h.now, "tx", &Headers::new()),
        Err(invalid("commit", State::Failed))
    );
    assert_eq!(
        h.session.abort(h.now, "tx", &Headers::new()),
        Err(invalid("abort", State::Failed))
    );
    // Disconnecting
    h.start();
    h.accept(Some("1.2"), None);
    h.session.disconnect(h.now, false).unwrap();
    assert_eq!(h.session.connect(h.now), Ok(()), "remembered, not refused");
    assert_eq!(
        h.session.subscribe(h.now, "/q", &Headers::new(), false),
        Err(invalid("subscribe", State::Disconnecting))
    );
}

mod suspend {
    use super::*;

    #[test]
    fn suspend_while_connected_waits_for_reconnect_now_without_counting_an_attempt() {
        let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
        h.connected();
        h.session.handle_suspend(h.now);
        h.pump();
        assert_eq!(h.session.state(), State::Reconnecting);
        assert_eq!(h.session.reconnect_attempts(), 0);
        assert_eq!(
            h.session.poll_timeout(),
            None,
            "nothing is scheduled while suspended"
        );
        h.advance(600_000);
        assert_eq!(
            h.session.state(),
            State::Reconnecting,
            "no attempt while suspended"
        );
        h.session.reconnect_now(h.now).unwrap();
        h.pump();
        assert_eq!(h.session.state(), State::Connecting);
    }

    #[test]
    fn suspend_refusing_a_transport_does_not_count_toward_max_attempts() {
        let mut h = Harness::with(|c| c.reconnect.max_attempts = 1);
        h.connected();
        for _ in 0..5 {
            h.session.reconnect_now(h.now).unwrap();
            h.session.handle_suspend(h.now);
            h.pump();
            assert_eq!(h.session.state(), State::Reconnecting);
        }
        assert_eq!(h.session.reconnect_attempts(), 0);
    }
}
