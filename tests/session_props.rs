//! Session properties: random configurations driven by random scripts of application commands,
//! transport events, broker frames (some over the client's limits) and time steps, through the
//! driver and checker shared with the fuzz target (`tests/session_check/`, which lists every
//! invariant). Whatever happens, the session never panics and keeps them all: frames in issue
//! order per connection, no ACK/NACK or transactional frame on another connection, every publish
//! settled exactly once by its own ticket, the queue and at-least-once bounds, no MESSAGE ending a
//! connection, one transport, nothing before CONNECTED but CONNECT, no deadline in the past, and
//! the same inputs give the same events.

mod session_check;

use proptest::prelude::*;
use session_check::{Ask, Change, Driver, Op, Oversize};
use stomp_wasm::session::{Config, Event};

fn ask() -> impl Strategy<Value = Ask> {
    prop_oneof![3 => Just(Ask::No), 1 => Just(Ask::Header), 1 => Just(Ask::Option)]
}

fn oversize() -> impl Strategy<Value = Oversize> {
    prop_oneof![
        6 => Just(Oversize::No),
        1 => Just(Oversize::Headers),
        1 => Just(Oversize::HeadBytes),
        1 => Just(Oversize::Body),
    ]
}

fn chunk() -> impl Strategy<Value = u8> {
    prop_oneof![4 => Just(0u8), 1 => 1u8..17]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        any::<u8>().prop_map(Change::Versions),
        any::<u8>().prop_map(Change::ReceiptTimeout),
        any::<bool>().prop_map(Change::ConnectHeaders),
        any::<bool>().prop_map(Change::DisconnectHeaders),
        any::<u8>().prop_map(Change::MaxBuffered),
        any::<u8>().prop_map(Change::MaxQueuedFrames),
        any::<u8>().prop_map(Change::MaxQueuedBytes),
        any::<bool>().prop_map(Change::QueueWhileDisconnected),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let app = prop_oneof![
        8 => (0u64..1_500).prop_map(Op::Advance),
        1 => (0u64..40_000).prop_map(Op::Advance),
        4 => Just(Op::Connect),
        1 => prop::bool::weighted(0.3).prop_map(|force| Op::Disconnect { force }),
        2 => Just(Op::ReconnectNow),
        1 => Just(Op::DropConnection),
        3 => (proptest::option::of(0u8..3), 0u8..3, prop::bool::weighted(0.3), any::<bool>(),
              prop_oneof![4 => Just(0u8), 1 => 1u8..3])
            .prop_map(|(own_id, ack, per_connection, receipt, odd)| Op::Subscribe {
                own_id, ack, per_connection, receipt, odd,
            }),
        1 => (any::<usize>(), any::<bool>())
            .prop_map(|(pick, receipt)| Op::Unsubscribe { pick, receipt }),
        8 => (0usize..120, prop::bool::weighted(0.1), ask(), prop::bool::weighted(0.3),
              prop::bool::weighted(0.3), prop::bool::weighted(0.1), prop::bool::weighted(0.1))
            .prop_map(|(body, bytes, receipt, retain, tx, binary, skip_content_length)| {
                Op::Send { body, bytes, receipt, retain, tx, binary, skip_content_length }
            }),
        2 => (0usize..64, ask(), prop::bool::weighted(0.3), any::<bool>())
            .prop_map(|(body, receipt, tx, binary)| Op::SendHead { body, receipt, tx, binary }),
        4 => (any::<bool>(), any::<usize>(), prop::bool::weighted(0.3), any::<bool>(),
              prop::bool::weighted(0.3))
            .prop_map(|(nack, pick, by_id, receipt, tx)| Op::Ack { nack, pick, by_id, receipt, tx }),
        2 => (proptest::option::of(0u8..3), any::<bool>())
            .prop_map(|(own_id, receipt)| Op::Begin { own_id, receipt }),
        2 => (any::<bool>(), any::<usize>(), any::<bool>())
            .prop_map(|(commit, pick, receipt)| Op::End { commit, pick, receipt }),
        3 => prop::sample::select(vec![None, Some(0), Some(100), Some(1_000), Some(100_000)])
            .prop_map(Op::Buffered),
        2 => Just(Op::Drain),
        1 => prop_oneof![Just(Op::AppHidden), Just(Op::AppShown), Just(Op::Suspend)],
        1 => change().prop_map(Op::SetConfig),
    ];
    let broker = prop_oneof![
        12 => Just(Op::Open),
        1 => prop::sample::select(vec![1000u16, 1001, 1006, 1011, 4001]).prop_map(Op::Close),
        12 => (prop_oneof![6 => Just(0u8), 1 => 1u8..5], prop_oneof![4 => Just(0u8), 1 => 1u8..7],
              chunk())
            .prop_map(|(version, heart_beat, chunk)| Op::Connected { version, heart_beat, chunk }),
        6 => (any::<usize>(), prop::bool::weighted(0.85), 0u8..3, 0usize..200, oversize(), chunk())
            .prop_map(|(pick, known, ack, body, oversize, chunk)| Op::Message {
                pick, known, ack, body, oversize, chunk,
            }),
        5 => (any::<usize>(), prop::bool::weighted(0.1), chunk())
            .prop_map(|(pick, stray, chunk)| Op::Receipt { pick, stray, chunk }),
        1 => (proptest::option::of(any::<usize>()), chunk())
            .prop_map(|(pick, chunk)| Op::Error { pick, chunk }),
        1 => any::<u8>().prop_map(Op::OtherFrame),
        1 => (1u8..4).prop_map(Op::Heartbeats),
        1 => (proptest::collection::vec(any::<u8>(), 0..24), chunk())
            .prop_map(|(bytes, chunk)| Op::Bytes { bytes, chunk }),
    ];
    prop_oneof![1 => app, 1 => broker]
}

/// Random operations; most scripts begin by connecting, so the connected states get their share.
fn script(max: usize) -> impl Strategy<Value = Vec<Op>> {
    (
        prop::bool::weighted(0.8),
        0u8..5,
        proptest::collection::vec(op(), 0..max),
    )
        .prop_map(|(connect_first, version, rest)| {
            let mut ops = Vec::new();
            if connect_first {
                ops.extend([
                    Op::Connect,
                    Op::Open,
                    Op::Connected {
                        version: version % 2,
                        heart_beat: 0,
                        chunk: 0,
                    },
                ]);
            }
            ops.extend(rest);
            ops
        })
}

/// A configuration from 40 choices (see `session_check::config`; all zeros is the plainest).
fn config() -> impl Strategy<Value = Config> {
    proptest::collection::vec(any::<u8>(), 40).prop_map(|choices| {
        let mut choices = choices.into_iter();
        session_check::config(&mut |n| usize::from(choices.next().unwrap_or(0)) % n)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_and_commands_keep_every_invariant(
        config in config(),
        ops in script(100),
    ) {
        Driver::run_driver(config, &ops, false);
    }

    #[test]
    fn a_cooperative_broker_keeps_every_invariant(
        config in config(),
        ops in proptest::collection::vec(op(), 0..150),
    ) {
        Driver::run_driver(config, &ops, true);
    }

    #[test]
    fn the_same_inputs_give_the_same_events(
        config in config(),
        ops in script(40),
    ) {
        prop_assert_eq!(Driver::run(config.clone(), &ops), Driver::run(config, &ops));
    }
}

/// A fixed long script through every state, so the invariants are checked on a known path too:
/// backpressure, at-least-once re-sends, transactions, stamped ACKs, oversized MESSAGEs, heart-beat
/// loss and a graceful disconnect with frames still waiting.
#[test]
fn a_long_scripted_run_keeps_every_invariant() {
    let mut config = session_check::config(&mut |_| 0);
    config.broker_urls.push("ws://b.test/ws".into());
    config.heartbeat_outgoing = 1_000;
    config.heartbeat_incoming = 1_000;
    config.connection_timeout = 3_000;
    config.receipt_timeout = 2_000;
    config.max_buffered_bytes = 300;
    config.reconnect.delay = 500;
    let send = |retain, tx, receipt| Op::Send {
        body: 40,
        bytes: false,
        receipt,
        retain,
        tx,
        binary: false,
        skip_content_length: false,
    };
    let mut ops = vec![
        Op::Subscribe {
            own_id: None,
            ack: 2,
            per_connection: false,
            receipt: true,
            odd: 0,
        },
        Op::Connect,
    ];
    for round in 0..20usize {
        ops.extend([
            Op::Open,
            send(true, false, Ask::Option),
            Op::Connected {
                version: (round % 2) as u8,
                heart_beat: 2,
                chunk: (round % 3) as u8,
            },
            Op::Subscribe {
                own_id: None,
                ack: 1,
                per_connection: true,
                receipt: false,
                odd: 0,
            },
            Op::Begin {
                own_id: None,
                receipt: true,
            },
            Op::Buffered(Some(100_000)),
            send(false, true, Ask::No),
            send(false, false, Ask::Header),
            send(true, false, Ask::Option),
            Op::Message {
                pick: round,
                known: true,
                ack: 1,
                body: 10,
                oversize: [Oversize::No, Oversize::Body, Oversize::Headers][round % 3],
                chunk: 0,
            },
            Op::Ack {
                nack: round % 2 == 1,
                pick: usize::MAX,
                by_id: false,
                receipt: true,
                tx: true,
            },
            Op::End {
                commit: true,
                pick: 0,
                receipt: false,
            },
            Op::Drain,
            Op::Receipt {
                pick: round,
                stray: false,
                chunk: 0,
            },
            Op::Advance(900),
            Op::Heartbeats(1),
            Op::Advance(2_500),
            Op::Advance(600),
        ]);
    }
    ops.extend([
        Op::Open,
        Op::Connected {
            version: 0,
            heart_beat: 0,
            chunk: 0,
        },
        Op::Buffered(Some(100_000)),
        send(false, false, Ask::No),
        Op::Disconnect { force: false },
        Op::Drain,
    ]);
    let log = Driver::run(config, &ops);
    let count = |f: fn(&Event) -> bool| log.iter().filter(|e| f(e)).count();
    assert!(count(|e| matches!(e, Event::HeartbeatLost { .. })) > 0);
    assert!(count(|e| matches!(e, Event::Connected { .. })) > 10);
    assert!(count(|e| matches!(e, Event::MessageRefused { .. })) > 3);
    assert!(count(|e| matches!(e, Event::Written { .. })) > 3);
    assert!(
        count(|e| matches!(
            e,
            Event::Receipt {
                ticket: Some(_),
                ..
            }
        )) > 3
    );
}
