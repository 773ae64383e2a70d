//! The session driven by a script of operations, with every invariant of the delivery rules
//! (docs/delivery.md) checked after every step: shared by the proptest (`tests/session_props.rs`)
//! and the fuzz target (`fuzz/fuzz_targets/session.rs`, which includes this file by `#[path]`), so
//! that both check the same rules on the same driver. Each generates [`Op`]s its own way.
//!
//! The driver drains every output after every step as a driver must, and plays the broker: it
//! parses what the session writes, and answers with CONNECTED, MESSAGE (some over the client's
//! limits), RECEIPT, ERROR, raw bytes and heart-beats, in chunks. Every command it issues carries
//! its issue number in an `x-seq` header, so the broker side knows which command made each frame.
//! The rules themselves are in [`checker`].
#![allow(dead_code)]

mod broker;
mod checker;
mod ops;
mod steps;

use std::collections::VecDeque;

use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers, Item, Limits, Parser, Version};
use stomp_wasm::session::{
    AckTarget, Action, CloseInfo, CommandError, Config, Event, HostHeader, Millis, ReconnectPolicy,
    ReconnectTimeMode, SendOptions, SendOutcome, Session, State,
};

pub use checker::Checker;
use checker::Kind;
pub use ops::*;

/// The transport as the driver sees it, and the broker's end of it.
struct Transport {
    /// `handle_open` was called.
    open: bool,
    /// The connection it carries, once the session accepted a CONNECTED on it.
    connection: Option<u64>,
    /// The version the broker reads and writes.
    version: Version,
    /// The broker has read CONNECT (or STOMP) on it.
    read_connect: bool,
    /// Parses what the session writes, as the broker.
    broker: Parser,
    /// `receipt` headers the broker read on it.
    receipts_seen: Vec<String>,
    /// The versions the CONNECT it read offered, highest first.
    offered: Vec<Version>,
    /// Only whole frames (and EOLs) went to the session on it: no raw bytes that may have left
    /// its parser inside a frame.
    clean: bool,
}

/// The session, a virtual clock, a driver and a broker, and the checker.
pub struct Driver {
    /// The virtual clock.
    pub now: Millis,
    /// The engine under test.
    pub session: Session,
    /// Every event polled, in order (for the determinism check).
    pub log: Vec<Event>,
    /// Print every step and event (`SESSION_CHECK_TRACE`).
    pub trace: bool,
    /// After every step, a transport being opened opens and the broker answers CONNECTED with
    /// the best version offered: a cooperative broker, so that scripts spend their time connected.
    pub auto_accept: bool,
    transport: Option<Transport>,
    check: Checker,
    /// Bodies kept for heads written with `body_follows`.
    bodies: VecDeque<Vec<u8>>,
    /// The events of the current step.
    step_events: Vec<Event>,
    next_message: u64,
    next_receipt: u64,
}

impl Driver {
    /// A driver around a new session with `config`.
    pub fn new(config: Config) -> Driver {
        let check = Checker::new(&config);
        Driver {
            now: 0,
            session: Session::new(config),
            log: Vec::new(),
            trace: std::env::var_os("SESSION_CHECK_TRACE").is_some(),
            auto_accept: false,
            transport: None,
            check,
            bodies: VecDeque::new(),
            step_events: Vec::new(),
            next_message: 0,
            next_receipt: 0,
        }
    }

    /// How often each rule was checked on something that could break it.
    pub fn counts(&self) -> &std::collections::BTreeMap<&'static str, u64> {
        &self.check.counts
    }

    /// Runs `ops` then [`finish`](Driver::finish) (`auto_accept`: see the field); returns the
    /// driver.
    pub fn run_driver(config: Config, ops: &[Op], auto_accept: bool) -> Driver {
        let mut driver = Driver::new(config);
        driver.auto_accept = auto_accept;
        if driver.trace {
            eprintln!("{:?}", driver.session.config());
        }
        for op in ops {
            driver.step(op);
        }
        driver.finish();
        driver
    }

    /// Runs `ops` then [`finish`](Driver::finish); returns the event log.
    pub fn run(config: Config, ops: &[Op]) -> Vec<Event> {
        Driver::run_driver(config, ops, false).log
    }

    // ----- the driver's duty: drain every output, check what it sees -----

    /// Drains every output of the session and checks the invariants.
    fn pump(&mut self) {
        // Events first (a CONNECTED accepted in this step makes the frames after it legal, and
        // tells their connection); the checks that relate events to frames run after the frames.
        let mut events = Vec::new();
        while let Some(event) = self.session.poll_event() {
            if self.trace {
                eprintln!("    {event:?}");
            }
            if let Event::Connected {
                connection,
                version,
                ..
            } = &event
            {
                let transport = self
                    .transport
                    .as_mut()
                    .expect("Connected without a transport");
                assert!(
                    transport.connection.is_none(),
                    "a second Connected on one transport"
                );
                transport.connection = Some(*connection);
                transport.version = *version;
                transport.broker.set_version(*version);
                self.check.connected(*connection, *version);
            }
            self.check.state_event(&event);
            events.push(event);
        }
        while let Some(mut transmit) = self.session.poll_transmit() {
            let transport = self
                .transport
                .as_mut()
                .expect("bytes to write with no transport");
            assert!(transport.open, "bytes to write before the transport opened");
            if transmit.body_follows {
                let body = self
                    .bodies
                    .pop_front()
                    .expect("a head whose body nobody kept");
                transmit.bytes.extend_from_slice(&body);
                transmit.bytes.push(0);
            }
            transport
                .broker
                .push(&transmit.bytes)
                .unwrap_or_else(|e| panic!("the session wrote bytes that do not parse: {e}"));
            while let Some(item) = transport.broker.next_item() {
                let frame = match item {
                    Item::Heartbeat => {
                        assert!(
                            transport.connection.is_some(),
                            "a heart-beat before CONNECTED"
                        );
                        continue;
                    }
                    Item::Frame(frame) => frame,
                    Item::Skipped(skipped) => panic!("the broker skipped {skipped:?}"),
                };
                if self.trace {
                    eprintln!("    broker reads {frame:?}");
                }
                if let Some(receipt) = frame.headers.get("receipt") {
                    transport.receipts_seen.push(receipt.to_owned());
                }
                match transport.connection {
                    Some(connection) => self.check.read(connection, &frame),
                    None => {
                        assert!(
                            matches!(frame.command, Command::Connect | Command::Stomp)
                                && !transport.read_connect,
                            "{} before CONNECTED",
                            frame.command
                        );
                        transport.read_connect = true;
                        let offered = frame.headers.get("accept-version").unwrap_or("1.0");
                        transport.offered = offered.split(',').filter_map(Version::parse).collect();
                        transport.offered.sort_by_key(|v| std::cmp::Reverse(*v));
                    }
                }
            }
        }
        while let Some(action) = self.session.poll_action() {
            if self.trace {
                eprintln!("    {action:?}");
            }
            match action {
                Action::Open { index, url } => {
                    assert!(self.transport.is_none(), "a second transport");
                    assert_eq!(self.session.config().broker_urls.get(index), Some(&url));
                    self.transport = Some(Transport {
                        open: false,
                        connection: None,
                        version: Version::V1_2,
                        read_connect: false,
                        broker: Parser::new().follow_connected(false),
                        receipts_seen: Vec::new(),
                        offered: Vec::new(),
                        clean: true,
                    });
                    // A new attempt: the session dropped the heads it had not handed over.
                    self.bodies.clear();
                }
                Action::Close(_) => {
                    assert!(self.transport.is_some(), "Close with no transport");
                    self.transport = None;
                }
            }
        }
        for event in &events {
            self.check.event(event, self.session.connection());
        }
        self.check.end_of_pump(&self.session);
        self.check_state();
        if let Some(deadline) = self.session.poll_timeout() {
            assert!(
                deadline >= self.now,
                "deadline {deadline} in the past at {}",
                self.now
            );
        }
        self.log.extend(events.iter().cloned());
        self.step_events.extend(events);
    }

    /// The state agrees with the transport and with what was reported.
    fn check_state(&self) {
        let state = self.session.state();
        match state {
            State::Connected | State::Connecting | State::Disconnecting => {
                assert!(self.transport.is_some(), "{state} without a transport")
            }
            State::Inactive | State::Reconnecting | State::Failed => {
                assert!(self.transport.is_none(), "{state} with a transport")
            }
        }
        if state == State::Connected {
            assert!(
                self.transport
                    .as_ref()
                    .is_some_and(|t| t.connection == Some(self.session.connection())),
                "Connected without an accepted CONNECTED on this transport"
            );
        }
        if matches!(state, State::Inactive | State::Failed) {
            assert_eq!(self.session.queued(), (0, 0), "{state} keeps a queue");
            assert_eq!(self.session.retained(), (0, 0), "{state} keeps frames");
            assert_eq!(self.session.pending_receipts(), 0, "{state} keeps receipts");
            assert_eq!(self.session.open_transactions().count(), 0);
        }
        if !matches!(state, State::Connected | State::Disconnecting) {
            assert_eq!(self.session.open_transactions().count(), 0);
        }
        if state == State::Inactive {
            assert!(!self.session.wants_active());
        }
        // Liveness: frames that wait on an open connection wait for a report the session asks for.
        let (waiting, _) = self.session.queued();
        if matches!(state, State::Connected | State::Disconnecting) && waiting > 0 {
            assert!(
                self.session.wants_buffered(),
                "{waiting} frames wait on the connection and wants_buffered() is false: \
                 no report will release them"
            );
        }
    }

    /// Advances the clock to `target`, firing every deadline on the way at its time. Stops early
    /// (at a deadline) after many of them, to keep runs short.
    fn advance_to(&mut self, target: Millis) {
        let (mut steps, mut at_same_time) = (0, 0);
        while let Some(deadline) = self.session.poll_timeout() {
            if deadline > target {
                break;
            }
            steps += 1;
            if steps > 2_000 {
                return;
            }
            at_same_time = if deadline == self.now {
                at_same_time + 1
            } else {
                0
            };
            assert!(
                at_same_time < 50,
                "handle_timeout does not clear deadline {deadline}"
            );
            self.now = deadline.max(self.now);
            self.session.handle_timeout(self.now);
            self.pump();
        }
        self.now = target;
    }

    fn open(&self) -> bool {
        self.transport.as_ref().is_some_and(|t| t.open)
    }

    fn receipt(&mut self, asked: bool) -> Option<String> {
        asked.then(|| {
            self.next_receipt += 1;
            format!("u-{}", self.next_receipt)
        })
    }

    /// Headers of a command: its issue number, a receipt, the last open transaction.
    fn headers(&self, seq: u64, receipt: &Option<String>, tx: bool) -> (Headers, Option<String>) {
        let mut headers = Headers::new().with(SEQ, &seq.to_string());
        if let Some(receipt) = receipt {
            headers.push("receipt", receipt);
        }
        let tx = tx
            .then(|| self.session.open_transactions().last().map(str::to_owned))
            .flatten();
        if let Some(tx) = &tx {
            headers.push("transaction", tx);
        }
        (headers, tx)
    }

    /// Ends the run as a forced disconnect: every publish and every receipt has settled exactly
    /// once, nothing is left over.
    pub fn finish(&mut self) {
        let now = self.now;
        self.step_events.clear();
        self.session.disconnect(now, true).expect("disconnect");
        self.pump();
        // Subscriptions made while inactive are live and may hold a first receipt.
        let ids: Vec<String> = self.session.subscription_ids().map(Into::into).collect();
        for id in ids {
            self.session
                .unsubscribe(now, &id, &Headers::new())
                .expect("unsubscribe a live subscription");
        }
        self.pump();
        assert_eq!(self.session.state(), State::Inactive);
        assert_eq!(self.session.poll_timeout(), None);
        assert!(!self.session.wants_active());
        assert_eq!(self.session.queued(), (0, 0));
        assert_eq!(self.session.retained(), (0, 0));
        self.check.all_settled();
    }
}
