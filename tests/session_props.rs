//! Session properties: random configurations driven by random sequences of broker inputs, application
//! commands and time steps. Whatever happens, the session never panics and:
//! - at most one transport exists (the harness refuses a second `Open`, and bytes without a transport);
//! - nothing but CONNECT reaches the broker before its CONNECTED;
//! - `poll_timeout()` is never in the past after a step;
//! - at-least-once frames stay within `max_unconfirmed_bytes`;
//! - every receipt asked for settles exactly once (one `Receipt`, `ReceiptFailed`, or the
//!   `SendFailed` of its publish);
//! - the state agrees with the transport the driver holds, and every `StateChanged` starts from the
//!   state the session was in;
//! - the same inputs give the same events (the session is deterministic).

mod session_support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use session_support::Harness;
use stomp_wasm::frame::{Command, Frame, Headers, Version};
use stomp_wasm::session::{
    AckTarget, Config, Event, HostHeader, ReconnectPolicy, ReconnectTimeMode, SendOptions, State,
};

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    Connect,
    Disconnect(bool),
    ReconnectNow,
    DropConnection,
    Subscribe {
        own_id: Option<u8>,
        receipt: bool,
    },
    Unsubscribe {
        pick: usize,
        receipt: bool,
    },
    Send {
        size: usize,
        receipt: bool,
        tx: bool,
    },
    Ack {
        nack: bool,
        receipt: bool,
        tx: bool,
    },
    Begin {
        receipt: bool,
    },
    End {
        commit: bool,
        pick: usize,
        receipt: bool,
    },
    Open,
    Close(u16),
    Connected {
        version: usize,
        heart_beat: usize,
    },
    Error {
        pick: Option<usize>,
    },
    Receipt {
        pick: usize,
        stray: bool,
    },
    Message {
        pick: usize,
        known: bool,
    },
    Heartbeat,
    Bytes(Vec<u8>),
}

const VERSIONS: [Option<&str>; 5] = [None, Some("1.0"), Some("1.1"), Some("1.2"), Some("9.9")];
const HEART_BEATS: [Option<&str>; 7] = [
    None,
    Some("0,0"),
    Some("500,500"),
    Some("1000,0"),
    Some("0,1000"),
    Some("junk"),
    Some("18446744073709551615,1"),
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..1_500).prop_map(Op::Advance),
        1 => (0u64..40_000).prop_map(Op::Advance),
        2 => Just(Op::Connect),
        1 => any::<bool>().prop_map(Op::Disconnect),
        1 => Just(Op::ReconnectNow),
        1 => Just(Op::DropConnection),
        2 => (proptest::option::of(0u8..3), any::<bool>())
            .prop_map(|(own_id, receipt)| Op::Subscribe { own_id, receipt }),
        1 => (any::<usize>(), any::<bool>())
            .prop_map(|(pick, receipt)| Op::Unsubscribe { pick, receipt }),
        4 => (0usize..120, any::<bool>(), any::<bool>())
            .prop_map(|(size, receipt, tx)| Op::Send { size, receipt, tx }),
        2 => (any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(nack, receipt, tx)| Op::Ack { nack, receipt, tx }),
        1 => any::<bool>().prop_map(|receipt| Op::Begin { receipt }),
        1 => (any::<bool>(), any::<usize>(), any::<bool>())
            .prop_map(|(commit, pick, receipt)| Op::End { commit, pick, receipt }),
        4 => Just(Op::Open),
        1 => prop_oneof![Just(1000u16), Just(1006), Just(1011)].prop_map(Op::Close),
        4 => (0..VERSIONS.len(), 0..HEART_BEATS.len())
            .prop_map(|(version, heart_beat)| Op::Connected { version, heart_beat }),
        1 => proptest::option::of(any::<usize>()).prop_map(|pick| Op::Error { pick }),
        4 => (any::<usize>(), prop::bool::weighted(0.2))
            .prop_map(|(pick, stray)| Op::Receipt { pick, stray }),
        3 => (any::<usize>(), prop::bool::weighted(0.8))
            .prop_map(|(pick, known)| Op::Message { pick, known }),
        1 => Just(Op::Heartbeat),
        1 => proptest::collection::vec(any::<u8>(), 0..24).prop_map(Op::Bytes),
    ]
}

/// Random operations; most scripts begin by connecting, so the connected states get their share.
fn script(max: usize) -> impl Strategy<Value = Vec<Op>> {
    (
        prop::bool::weighted(0.75),
        0..VERSIONS.len(),
        0..HEART_BEATS.len(),
        proptest::collection::vec(op(), 0..max),
    )
        .prop_map(|(connect_first, version, heart_beat, rest)| {
            let mut ops = Vec::new();
            if connect_first {
                ops.extend([
                    Op::Connect,
                    Op::Open,
                    Op::Connected {
                        version,
                        heart_beat,
                    },
                ]);
            }
            ops.extend(rest);
            ops
        })
}

fn config() -> impl Strategy<Value = Config> {
    let timing = (
        prop::sample::select(vec![0u64, 500, 1_000, 5_000]),
        prop::sample::select(vec![0u64, 500, 1_000, 5_000]),
        prop::sample::select(vec![0.5f64, 1.0, 1.5, 2.0, 3.0]),
        prop::sample::select(vec![0u64, 800, 3_000, u64::MAX]),
        prop::sample::select(vec![0u64, 1_000, 5_000]),
        prop::sample::select(vec![0u64, 1_000, 5_000]),
    );
    let reconnect = (
        prop::sample::select(vec![0u64, 100, 1_000]),
        any::<bool>(),
        prop::sample::select(vec![0u64, 3_000]),
        0u32..4,
        prop::sample::select(vec![0.0f64, 0.5, 1.0]),
        any::<u64>(),
    )
        .prop_map(
            |(delay, exponential, max_delay, max_attempts, jitter, seed)| ReconnectPolicy {
                delay,
                mode: if exponential {
                    ReconnectTimeMode::Exponential
                } else {
                    ReconnectTimeMode::Linear
                },
                max_delay,
                max_attempts,
                jitter,
                seed,
            },
        );
    let queue = (
        any::<bool>(),
        0usize..6,
        prop::sample::select(vec![0usize, 60, 400, 1 << 20]),
    );
    let versions = prop::sample::subsequence(Version::ALL.to_vec(), 1..=3);
    (timing, reconnect, queue, versions, 1usize..4).prop_map(
        |(
            (out, inc, tolerance, connection_timeout, receipt_timeout, disconnect_timeout),
            reconnect,
            (queue_while_disconnected, max_queued_frames, max_queued_bytes),
            accept_versions,
            urls,
        )| Config {
            broker_urls: (0..urls).map(|i| format!("ws://b{i}.test/ws")).collect(),
            accept_versions,
            host: HostHeader::FromUrl,
            heartbeat_outgoing: out,
            heartbeat_incoming: inc,
            heartbeat_tolerance: tolerance,
            connection_timeout,
            receipt_timeout,
            disconnect_timeout,
            reconnect,
            queue_while_disconnected,
            max_queued_frames,
            max_queued_bytes,
            ..Config::default()
        },
    )
}

/// Drives one run and checks the invariants; returns the event log.
struct Run {
    h: Harness,
    /// Receipt ids asked for by accepted commands, with how often each settled.
    receipts: BTreeMap<String, u32>,
    next_receipt: u32,
}

impl Run {
    fn new(config: Config) -> Run {
        Run {
            h: Harness::new(config),
            receipts: BTreeMap::new(),
            next_receipt: 0,
        }
    }

    fn receipt(&mut self, asked: bool) -> Option<String> {
        asked.then(|| {
            self.next_receipt += 1;
            format!("u-{}", self.next_receipt)
        })
    }

    fn headers_with(receipt: &Option<String>, tx: Option<String>) -> Headers {
        let mut headers = Headers::new();
        if let Some(receipt) = receipt {
            headers.push("receipt", receipt);
        }
        if let Some(tx) = tx {
            headers.push("transaction", &tx);
        }
        headers
    }

    fn pick_tx(&self, asked: bool) -> Option<String> {
        let last = self.h.session.open_transactions().last();
        last.filter(|_| asked).map(str::to_owned)
    }

    /// Records a receipt asked for by a command that was accepted.
    fn asked<T, E>(&mut self, receipt: Option<String>, result: Result<T, E>) {
        if let (Some(id), Ok(_)) = (receipt, result) {
            assert!(self.receipts.insert(id, 0).is_none());
        }
    }

    fn step(&mut self, op: &Op) {
        let now = self.h.now;
        match op.clone() {
            Op::Advance(ms) => self.h.advance(ms),
            Op::Connect => {
                let _ = self.h.session.connect(now);
            }
            Op::Disconnect(force) => self.h.session.disconnect(now, force).unwrap(),
            Op::ReconnectNow => {
                let _ = self.h.session.reconnect_now(now);
            }
            Op::DropConnection => {
                self.h.session.drop_connection(now);
            }
            Op::Subscribe { own_id, receipt } => {
                let receipt = self.receipt(receipt);
                let mut headers = Run::headers_with(&receipt, None);
                if let Some(id) = own_id {
                    headers.push("id", &format!("own-{id}"));
                }
                headers.push("ack", "client");
                let result = self.h.session.subscribe(now, "/topic/p", &headers, false);
                self.asked(receipt, result);
            }
            Op::Unsubscribe { pick, receipt } => {
                let ids: Vec<String> = self.h.session.subscription_ids().map(Into::into).collect();
                let id = match ids.len() {
                    0 => "none".to_owned(),
                    n => ids[pick % n].clone(),
                };
                let receipt = self.receipt(receipt);
                let result =
                    self.h
                        .session
                        .unsubscribe(now, &id, &Run::headers_with(&receipt, None));
                self.asked(receipt, result);
            }
            Op::Send { size, receipt, tx } => {
                let receipt = self.receipt(receipt);
                let headers = Run::headers_with(&receipt, self.pick_tx(tx));
                let result = self.h.session.send(
                    now,
                    "/queue/p",
                    &headers,
                    vec![b'x'; size],
                    SendOptions::default(),
                );
                self.asked(receipt, result);
            }
            Op::Ack { nack, receipt, tx } => {
                let receipt = self.receipt(receipt);
                let headers = Run::headers_with(&receipt, self.pick_tx(tx));
                let target = AckTarget {
                    ack: Some("a-1".into()),
                    message_id: "m-1".into(),
                    subscription: "sub-0".into(),
                    connection: None,
                };
                let result = if nack {
                    self.h.session.nack(now, target, &headers)
                } else {
                    self.h.session.ack(now, target, &headers)
                };
                self.asked(receipt, result);
            }
            Op::Begin { receipt } => {
                let receipt = self.receipt(receipt);
                let result = self
                    .h
                    .session
                    .begin(now, None, &Run::headers_with(&receipt, None));
                self.asked(receipt, result);
            }
            Op::End {
                commit,
                pick,
                receipt,
            } => {
                let open: Vec<String> =
                    self.h.session.open_transactions().map(Into::into).collect();
                let id = match open.len() {
                    0 => "tx-none".to_owned(),
                    n => open[pick % n].clone(),
                };
                let receipt = self.receipt(receipt);
                let headers = Run::headers_with(&receipt, None);
                let result = if commit {
                    self.h.session.commit(now, &id, &headers)
                } else {
                    self.h.session.abort(now, &id, &headers)
                };
                self.asked(receipt, result);
            }
            Op::Open => {
                if self.h.conn.as_ref().is_some_and(|c| !c.open) {
                    self.h.open();
                }
            }
            Op::Close(code) => {
                if self.h.has_transport() {
                    self.h.broker_close(code);
                }
            }
            Op::Connected {
                version,
                heart_beat,
            } => {
                if self.broker_can_send() {
                    let mut frame = Frame::new(Command::Connected);
                    if let Some(v) = VERSIONS[version] {
                        frame.headers.push("version", v);
                    }
                    if let Some(hb) = HEART_BEATS[heart_beat] {
                        frame.headers.push("heart-beat", hb);
                    }
                    self.h.broker_send(frame);
                }
            }
            Op::Error { pick } => {
                if self.broker_can_send() {
                    let mut frame = Frame::new(Command::Error).header("message", "boom");
                    let seen = &self.h.conn.as_ref().unwrap().receipts_seen;
                    if let (Some(pick), false) = (pick, seen.is_empty()) {
                        let id = seen[pick % seen.len()].clone();
                        frame.headers.push("receipt-id", &id);
                    }
                    self.h.broker_send(frame);
                }
            }
            Op::Receipt { pick, stray } => {
                if self.broker_can_send() {
                    let seen = &self.h.conn.as_ref().unwrap().receipts_seen;
                    let id = match (stray, seen.len()) {
                        (true, _) | (_, 0) => "stray".to_owned(),
                        (false, n) => seen[pick % n].clone(),
                    };
                    self.h.broker_receipt(&id);
                }
            }
            Op::Message { pick, known } => {
                if self.broker_can_send() {
                    let ids: Vec<String> =
                        self.h.session.subscription_ids().map(Into::into).collect();
                    let id = match (known, ids.len()) {
                        (false, _) | (_, 0) => "unknown".to_owned(),
                        (true, n) => ids[pick % n].clone(),
                    };
                    self.h.broker_message(&id, "m-1", Some("a-1"));
                }
            }
            Op::Heartbeat => {
                if self.broker_can_send() {
                    self.h.broker_heartbeat();
                }
            }
            Op::Bytes(bytes) => {
                if self.broker_can_send() {
                    self.h.broker_bytes(&bytes);
                }
            }
        }
        self.h.pump();
        self.check();
    }

    fn broker_can_send(&self) -> bool {
        self.h.conn.as_ref().is_some_and(|c| c.open)
    }

    fn check(&mut self) {
        let config = self.h.session.config();
        let (_, unconfirmed) = self.h.session.retained();
        assert!(
            unconfirmed <= config.max_unconfirmed_bytes,
            "{unconfirmed} unconfirmed bytes"
        );
        let state = self.h.session.state();
        match state {
            State::Connected => assert!(
                self.h.conn.as_ref().is_some_and(|c| c.connected),
                "connected without a transport that got CONNECTED"
            ),
            State::Connecting | State::Disconnecting => {
                assert!(self.h.has_transport(), "{state} without a transport")
            }
            State::Inactive | State::Reconnecting | State::Failed => {
                assert!(!self.h.has_transport(), "{state} with a transport")
            }
        }
        if !matches!(state, State::Connected | State::Disconnecting) {
            assert!(self.h.session.open_transactions().next().is_none());
        }
        if matches!(state, State::Inactive | State::Failed) {
            assert_eq!(self.h.session.queued(), (0, 0), "{state} keeps a queue");
            assert_eq!(self.h.session.pending_receipts(), 0);
        }
        for event in self.h.events() {
            let id = match &event {
                Event::Receipt { id, .. } | Event::ReceiptFailed { id, .. } => id,
                Event::SendFailed {
                    receipt: Some(id), ..
                } => id,
                _ => continue,
            };
            let settled = self
                .receipts
                .get_mut(id)
                .unwrap_or_else(|| panic!("receipt {id} settled but never asked for"));
            *settled += 1;
            assert_eq!(*settled, 1, "receipt {id} settled twice");
        }
    }

    /// Ends the session and checks that every receipt asked for has settled.
    fn finish(&mut self) {
        let now = self.h.now;
        self.h.session.disconnect(now, true).unwrap();
        self.h.pump();
        // Subscriptions made while inactive still hold their first receipt: they are live.
        let ids: Vec<String> = self.h.session.subscription_ids().map(Into::into).collect();
        for id in ids {
            self.h
                .session
                .unsubscribe(now, &id, &Headers::new())
                .unwrap();
        }
        self.h.pump();
        self.check();
        assert_eq!(self.h.session.state(), State::Inactive);
        assert_eq!(self.h.session.poll_timeout(), None);
        for (id, settled) in &self.receipts {
            assert_eq!(*settled, 1, "receipt {id} never settled");
        }
        let path = self.h.state_path();
        assert_eq!(path.last(), Some(&self.h.session.state()));
    }
}

fn run(config: Config, ops: &[Op]) -> Vec<Event> {
    let mut run = Run::new(config);
    for op in ops {
        run.step(op);
    }
    run.finish();
    run.h.log
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_and_commands_keep_every_invariant(
        config in config(),
        ops in script(80),
    ) {
        run(config, &ops);
    }

    #[test]
    fn the_same_inputs_give_the_same_events(
        config in config(),
        ops in script(40),
    ) {
        prop_assert_eq!(run(config.clone(), &ops), run(config, &ops));
    }
}

/// A fixed long script through every state, so the invariants are checked on a known path too.
#[test]
fn a_long_scripted_run_keeps_every_invariant() {
    let config = Config {
        broker_urls: vec!["ws://a.test/ws".into(), "ws://b.test/ws".into()],
        heartbeat_outgoing: 1_000,
        heartbeat_incoming: 1_000,
        connection_timeout: 3_000,
        receipt_timeout: 2_000,
        max_queued_frames: 3,
        reconnect: ReconnectPolicy {
            delay: 500,
            max_attempts: 2,
            jitter: 1.0,
            ..ReconnectPolicy::default()
        },
        ..Config::default()
    };
    let mut ops = vec![
        Op::Subscribe {
            own_id: None,
            receipt: true,
        },
        Op::Connect,
    ];
    for round in 0..20 {
        ops.extend([
            Op::Open,
            Op::Send {
                size: 10,
                receipt: true,
                tx: false,
            },
            Op::Connected {
                version: 1 + round % 3,
                heart_beat: 2,
            },
            Op::Begin { receipt: true },
            Op::Send {
                size: 5,
                receipt: true,
                tx: true,
            },
            Op::Receipt {
                pick: round,
                stray: false,
            },
            Op::Advance(900),
            Op::Heartbeat,
            Op::Message {
                pick: 0,
                known: true,
            },
            Op::Advance(2_500),
            Op::Advance(600),
        ]);
    }
    ops.push(Op::Disconnect(false));
    let log = run(config, &ops);
    assert!(log.iter().any(|e| matches!(e, Event::HeartbeatLost { .. })));
    assert!(log.iter().any(|e| matches!(e, Event::Connected { .. })));
}
