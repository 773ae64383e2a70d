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

mod checker;

use std::collections::VecDeque;

use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers, Item, Limits, Parser, Version};
use stomp_wasm::session::{
    AckTarget, Action, CloseInfo, CommandError, Config, Event, HostHeader, Millis, ReconnectPolicy,
    ReconnectTimeMode, SendOptions, SendOutcome, Session, State,
};

pub use checker::Checker;
use checker::Kind;

/// The client's receive limits in every run: small, so that the broker's oversized MESSAGEs are
/// cheap to make.
pub const LIMITS: Limits = Limits {
    max_header_bytes: 512,
    max_headers: 12,
    max_body_bytes: 2048,
};

/// The header every command carries: its issue number (1, 2, …).
pub const SEQ: &str = "x-seq";

/// How a publish asks for a RECEIPT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// It does not.
    No,
    /// Its own `receipt` header.
    Header,
    /// `SendOptions::receipt` (the session makes the header).
    Option,
}

/// Which of the client's limits a MESSAGE from the broker exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// None.
    No,
    /// More headers than `max_headers`.
    Headers,
    /// A head longer than `max_header_bytes`.
    HeadBytes,
    /// A body longer than `max_body_bytes`.
    Body,
}

/// A `set_config` change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Offer one version only.
    Versions(u8),
    /// Another receipt timeout.
    ReceiptTimeout(u8),
    /// Connect headers, one that CONNECT cannot carry if true.
    ConnectHeaders(bool),
    /// Disconnect headers, one that 1.0 and 1.1 cannot write if true.
    DisconnectHeaders(bool),
    /// Another backpressure bound.
    MaxBuffered(u8),
    /// Another `max_queued_frames`.
    MaxQueuedFrames(u8),
    /// Another `max_queued_bytes`.
    MaxQueuedBytes(u8),
    /// Queue while disconnected, or not.
    QueueWhileDisconnected(bool),
}

/// One step of a script: a command of the application, a transport event, a frame or bytes from
/// the broker, or time passing. Indices (`pick`) choose among what exists at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// The clock moves on this many milliseconds, firing every deadline on the way.
    Advance(Millis),
    /// `connect`.
    Connect,
    /// `disconnect`.
    Disconnect {
        /// Forced.
        force: bool,
    },
    /// `reconnect_now`.
    ReconnectNow,
    /// `drop_connection`.
    DropConnection,
    /// `subscribe`.
    Subscribe {
        /// An `id` header `own-N`.
        own_id: Option<u8>,
        /// 0 auto (no header), 1 client, 2 client-individual.
        ack: u8,
        /// Belongs to the connection it is made on.
        per_connection: bool,
        /// With a `receipt` header.
        receipt: bool,
        /// 1: a value with CR (1.2 only), 2: one with `:` and `\`.
        odd: u8,
    },
    /// `unsubscribe` of a live subscription (or an unknown id).
    Unsubscribe {
        /// Which one.
        pick: usize,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `send`.
    Send {
        /// Body length.
        body: usize,
        /// A body that is not UTF-8.
        bytes: bool,
        /// A receipt.
        receipt: Ask,
        /// At-least-once.
        retain: bool,
        /// In the last open transaction.
        tx: bool,
        /// `SendOptions::binary`.
        binary: bool,
        /// `SendOptions::skip_content_length`.
        skip_content_length: bool,
    },
    /// `send_head` (the body kept by the driver).
    SendHead {
        /// Body length.
        body: usize,
        /// A receipt.
        receipt: Ask,
        /// In the last open transaction.
        tx: bool,
        /// `SendOptions::binary`.
        binary: bool,
    },
    /// `ack` or `nack` of a message delivered earlier.
    Ack {
        /// NACK.
        nack: bool,
        /// Which message (of every connection's).
        pick: usize,
        /// By id (`AckTarget::by_id`, the current connection) instead of stamped.
        by_id: bool,
        /// With a `receipt` header.
        receipt: bool,
        /// In the last open transaction.
        tx: bool,
    },
    /// `begin`.
    Begin {
        /// Id `t-N`, or the session's.
        own_id: Option<u8>,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `commit` or `abort` of an open transaction (or an unknown one).
    End {
        /// Commit, else abort.
        commit: bool,
        /// Which one.
        pick: usize,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `handle_buffered`.
    Buffered(Option<usize>),
    /// Reports the transport empty until nothing waits (at most a few rounds).
    Drain,
    /// `handle_app_hidden`.
    AppHidden,
    /// `handle_app_shown`.
    AppShown,
    /// `handle_suspend`.
    Suspend,
    /// `set_config`.
    SetConfig(Change),
    /// The transport being opened opens.
    Open,
    /// The transport closes (from the broker's side) with this code.
    Close(u16),
    /// The broker sends CONNECTED.
    Connected {
        /// Index into [`VERSIONS`].
        version: u8,
        /// Index into [`HEART_BEATS`].
        heart_beat: u8,
        /// Transport message size (0: one message).
        chunk: u8,
    },
    /// The broker sends MESSAGE.
    Message {
        /// Which subscription of this connection.
        pick: usize,
        /// For a subscription of this connection, else an unknown one.
        known: bool,
        /// 0: no `ack` header, 1: `a-N`, 2: `a:N\x` (escaped).
        ack: u8,
        /// Body length (beyond the limit, when oversized by body).
        body: usize,
        /// Over a limit.
        oversize: Oversize,
        /// Transport message size (0: one message).
        chunk: u8,
    },
    /// The broker sends RECEIPT.
    Receipt {
        /// Which receipt it read on this transport.
        pick: usize,
        /// A receipt nobody asked for.
        stray: bool,
        /// Transport message size.
        chunk: u8,
    },
    /// The broker sends ERROR (naming a receipt it read, if `pick`).
    Error {
        /// Which receipt.
        pick: Option<usize>,
        /// Transport message size.
        chunk: u8,
    },
    /// The broker sends a frame of this command (index into `Command::ALL`).
    OtherFrame(u8),
    /// The broker sends this many EOLs in one message.
    Heartbeats(u8),
    /// The broker sends raw bytes.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// Transport message size.
        chunk: u8,
    },
}

/// `version` header values of the broker's CONNECTED; the first is replaced by the highest
/// version the CONNECT offered.
pub const VERSIONS: [Option<&str>; 5] = [Some("1.2"), Some("1.1"), None, Some("1.0"), Some("9.9")];
/// `heart-beat` header values of the broker's CONNECTED.
pub const HEART_BEATS: [Option<&str>; 7] = [
    Some("0,0"),
    None,
    Some("500,500"),
    Some("1000,0"),
    Some("0,1000"),
    Some("junk"),
    Some("18446744073709551615,3000000000"),
];

/// A configuration from choices: `pick(n)` returns an index below `n`. Index 0 is always the
/// plainest option (what shrinking goes to).
pub fn config(pick: &mut impl FnMut(usize) -> usize) -> Config {
    fn one<T: Copy>(pick: &mut impl FnMut(usize) -> usize, options: &[T]) -> T {
        options[pick(options.len()) % options.len()]
    }
    let versions = [
        vec![Version::V1_2, Version::V1_1, Version::V1_0],
        vec![Version::V1_2],
        vec![Version::V1_1, Version::V1_2],
        vec![Version::V1_0],
        vec![],
    ];
    let urls = 1 + pick(3);
    Config {
        broker_urls: (0..urls)
            .map(|i| format!("ws://u:p@b{i}.test/ws?t=1"))
            .collect(),
        accept_versions: versions[pick(versions.len())].clone(),
        use_stomp_command: pick(2) == 1,
        host: match pick(3) {
            0 => HostHeader::Omit,
            1 => HostHeader::FromUrl,
            _ => HostHeader::Fixed("/".into()),
        },
        login: Some("guest".into()),
        passcode: Some("guest".into()),
        heartbeat_outgoing: one(pick, &[0, 500, 1_000, 10_000]),
        // Mostly off: the broker sends heart-beats only when a script says so.
        heartbeat_incoming: one(pick, &[0, 0, 0, 0, 500, 1_000, 10_000]),
        heartbeat_tolerance: one(pick, &[2.0, 0.5, 1.0, 1.5, f64::NAN, 1e300]),
        connection_timeout: one(pick, &[0, 0, 3_000, 700, u64::MAX]),
        receipt_timeout: one(pick, &[5_000, 0, 1_000, u64::MAX]),
        disconnect_timeout: one(pick, &[5_000, 0, 1_000, u64::MAX]),
        reconnect: ReconnectPolicy {
            delay: one(pick, &[1_000, 1_000, 100, 100, 0, u64::MAX]),
            mode: one(
                pick,
                &[ReconnectTimeMode::Linear, ReconnectTimeMode::Exponential],
            ),
            max_delay: one(pick, &[0, 3_000, u64::MAX]),
            max_attempts: one(pick, &[0, 0, 0, 1, 2, 4]),
            jitter: one(pick, &[0.0, 0.5, 1.0, -3.0, f64::NAN]),
            seed: (pick(256) as u64) << 8 | pick(256) as u64,
        },
        stable_after: one(pick, &[10_000, 0, 1_000]),
        suspend_after: one(pick, &[5_000, 0, 2_000]),
        queue_while_disconnected: pick(4) != 3,
        max_queued_frames: one(pick, &[1_000, 0, 1, 2, 3, 5, 7]),
        max_queued_bytes: one(pick, &[1 << 20, 0, 100, 400]),
        max_unconfirmed_bytes: one(pick, &[64 << 20, 0, 150, 600]),
        max_delivery_attempts: one(pick, &[3, 0, 1]),
        max_buffered_bytes: one(pick, &[0, 64, 300, 1_000]),
        id_prefix: "m-".into(),
        limits: LIMITS,
        ..Config::default()
    }
}

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

    /// The broker sends `bytes` in transport messages of `chunk` octets (0: one message).
    fn broker_bytes(&mut self, bytes: &[u8], chunk: u8) {
        // At most 16 messages: a long frame in one-octet chunks would only be slow.
        let size = match chunk {
            0 => bytes.len(),
            n => usize::from(n).max(bytes.len().div_ceil(16)),
        };
        for piece in bytes.chunks(size.max(1)) {
            if !self.open() {
                return;
            }
            self.session.handle_bytes(self.now, piece);
            self.pump();
        }
    }

    /// The broker encodes `frame` in the version it speaks and sends it.
    fn broker_send(&mut self, frame: &Frame, chunk: u8) {
        let Some(transport) = self.transport.as_ref().filter(|t| t.open) else {
            return;
        };
        let mut bytes = Vec::new();
        if frame
            .encode(EncodeOptions::new(transport.version), &mut bytes)
            .is_ok()
        {
            bytes.push(b'\n');
            self.broker_bytes(&bytes, chunk);
        }
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

    // ----- the script -----

    /// Runs one operation, drains the outputs and checks every invariant.
    pub fn step(&mut self, op: &Op) {
        self.step_op(op);
        if self.auto_accept && self.transport.as_ref().is_some_and(|t| !t.open) {
            self.step_op(&Op::Open);
            let connected = Op::Connected {
                version: 0,
                heart_beat: 0,
                chunk: 0,
            };
            self.step_op(&connected);
        }
    }

    fn step_op(&mut self, op: &Op) {
        let now = self.now;
        if self.trace {
            eprintln!("t={now} {:?}: {op:?}", self.session.state());
        }
        self.step_events.clear();
        self.check.set_config(self.session.config());
        match op {
            Op::Advance(ms) => self.advance_to(now.saturating_add(*ms)),
            Op::Connect => {
                if self.session.connect(now).is_ok() {
                    assert!(self.session.wants_active());
                }
            }
            Op::Disconnect { force } => {
                let graceful = self.session.state() == State::Connected && !force;
                self.session
                    .disconnect(now, *force)
                    .expect("disconnect never fails");
                assert!(!self.session.wants_active());
                if graceful && self.session.state() == State::Disconnecting {
                    self.check.disconnect_issued(self.session.connection());
                }
            }
            Op::ReconnectNow => {
                let _ = self.session.reconnect_now(now);
            }
            Op::DropConnection => self.session.drop_connection(now),
            Op::Subscribe {
                own_id,
                ack,
                per_connection,
                receipt,
                odd,
            } => {
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (mut headers, _) = self.headers(seq, &receipt, false);
                if let Some(id) = own_id {
                    headers.push("id", &format!("own-{id}"));
                }
                match ack % 3 {
                    0 => {}
                    1 => headers.push("ack", "client"),
                    _ => headers.push("ack", "client-individual"),
                }
                match odd % 3 {
                    1 => headers.push("x-note", "a\rb"),
                    2 => headers.push("x-note", "a:b\\c"),
                    _ => {}
                }
                let result = self
                    .session
                    .subscribe(now, "/topic/f", &headers, *per_connection);
                if let Ok(id) = &result {
                    let connected = self.session.state() == State::Connected;
                    let scope = connected.then(|| self.session.connection());
                    self.check.issued(seq, Kind::Subscribe(id.clone()), scope);
                    self.check.asked(receipt, None);
                }
            }
            Op::Unsubscribe { pick, receipt } => {
                let ids: Vec<String> = self.session.subscription_ids().map(Into::into).collect();
                let id = match ids.len() {
                    0 => "none".to_owned(),
                    n => ids[pick % n].clone(),
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                if self.session.unsubscribe(now, &id, &headers).is_ok() {
                    let connected = self.session.state() == State::Connected;
                    let scope = connected.then(|| self.session.connection());
                    self.check.issued(seq, Kind::Unsubscribe(id), scope);
                    self.check.asked(receipt, None);
                }
            }
            Op::Send {
                body,
                bytes,
                receipt,
                retain,
                tx,
                binary,
                skip_content_length,
            } => {
                let seq = self.check.next_seq();
                let own = self.receipt(*receipt == Ask::Header);
                let (headers, tx) = self.headers(seq, &own, *tx);
                let body = match bytes {
                    true => vec![0xff; *body],
                    false => vec![b'x'; *body],
                };
                let options = SendOptions {
                    binary: *binary,
                    skip_content_length: *skip_content_length,
                    receipt: *receipt == Ask::Option,
                    retain: *retain,
                };
                let result = self.session.send(now, "/queue/f", &headers, body, options);
                self.check.sent(
                    seq,
                    own,
                    tx,
                    options,
                    result.as_ref().map(|a| (a.ticket, a.outcome)),
                    &self.session,
                );
            }
            Op::SendHead {
                body,
                receipt,
                tx,
                binary,
            } => {
                let seq = self.check.next_seq();
                let own = self.receipt(*receipt == Ask::Header);
                let (headers, tx) = self.headers(seq, &own, *tx);
                let options = SendOptions {
                    binary: *binary,
                    receipt: *receipt == Ask::Option,
                    ..SendOptions::default()
                };
                let result = self
                    .session
                    .send_head(now, "/queue/h", &headers, *body, options);
                match result {
                    Ok(Some(ticket)) => {
                        self.bodies.push_back(vec![b'h'; *body]);
                        let accepted = Ok::<_, &CommandError>((ticket, SendOutcome::Sent));
                        self.check
                            .sent(seq, own, tx, options, accepted, &self.session);
                    }
                    Ok(None) => {}
                    Err(error) => {
                        self.check
                            .sent(seq, own, tx, options, Err(&error), &self.session)
                    }
                }
            }
            Op::Ack {
                nack,
                pick,
                by_id,
                receipt,
                tx,
            } => {
                let Some(message) = self.check.delivered(*pick) else {
                    return self.pump();
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, tx) = self.headers(seq, &receipt, *tx);
                let target = match by_id {
                    true => {
                        let id = message
                            .frame
                            .headers
                            .get("ack")
                            .or(message.frame.headers.get("message-id"))
                            .unwrap_or("");
                        let subscription = message.frame.headers.get("subscription");
                        AckTarget::by_id(id, subscription.unwrap_or(""))
                    }
                    false => AckTarget::of(&message.frame, message.connection),
                };
                let result = match nack {
                    true => self.session.nack(now, target, &headers),
                    false => self.session.ack(now, target, &headers),
                };
                if result.is_ok() {
                    let connection = self.session.connection();
                    assert_eq!(self.session.state(), State::Connected, "ACK accepted");
                    if !by_id {
                        assert_eq!(
                            message.connection, connection,
                            "an ACK of a message of connection {} accepted on connection \
                             {connection}",
                            message.connection
                        );
                    }
                    let command = if *nack { Command::Nack } else { Command::Ack };
                    let names = (!by_id).then_some(message);
                    self.check
                        .issued(seq, Kind::Ack { command, names, tx }, Some(connection));
                    self.check.asked(receipt, None);
                    if result == Ok(SendOutcome::Sent) {
                        self.check.must_be_read(seq);
                    }
                }
            }
            Op::Begin { own_id, receipt } => {
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                let own = own_id.map(|n| format!("t-{n}"));
                if let Ok(id) = self.session.begin(now, own.as_deref(), &headers) {
                    let connection = self.session.connection();
                    self.check
                        .issued(seq, Kind::Tx(Command::Begin, id), Some(connection));
                    self.check.asked(receipt, None);
                }
            }
            Op::End {
                commit,
                pick,
                receipt,
            } => {
                let open: Vec<String> = self.session.open_transactions().map(Into::into).collect();
                let id = match open.len() {
                    0 => "t-none".to_owned(),
                    n => open[pick % n].clone(),
                };
                let seq = self.check.next_seq();
                let receipt = self.receipt(*receipt);
                let (headers, _) = self.headers(seq, &receipt, false);
                let (command, result) = match commit {
                    true => (Command::Commit, self.session.commit(now, &id, &headers)),
                    false => (Command::Abort, self.session.abort(now, &id, &headers)),
                };
                if result.is_ok() {
                    let connection = self.session.connection();
                    self.check
                        .issued(seq, Kind::Tx(command, id), Some(connection));
                    self.check.asked(receipt, None);
                }
            }
            Op::Buffered(amount) => self.session.handle_buffered(now, *amount),
            Op::Drain => {
                for _ in 0..8 {
                    self.session.handle_buffered(now, Some(0));
                    self.pump();
                    if !self.session.wants_buffered() {
                        break;
                    }
                }
            }
            Op::AppHidden => self.session.handle_app_hidden(now),
            Op::AppShown => self.session.handle_app_shown(now),
            Op::Suspend => self.session.handle_suspend(now),
            Op::SetConfig(change) => {
                let mut config = self.session.config().clone();
                match *change {
                    Change::Versions(v) => {
                        config.accept_versions = vec![Version::ALL[usize::from(v) % 3]]
                    }
                    Change::ReceiptTimeout(t) => {
                        config.receipt_timeout = [0, 200, 10_000][usize::from(t) % 3]
                    }
                    Change::ConnectHeaders(bad) => {
                        let value = if bad { "two\nlines" } else { "ok" };
                        config.connect_headers = Headers::new().with("x-note", value)
                    }
                    Change::DisconnectHeaders(bad) => {
                        let value = if bad { "a\rb" } else { "ok" };
                        config.disconnect_headers = Headers::new().with("x-note", value)
                    }
                    Change::MaxBuffered(n) => {
                        config.max_buffered_bytes = [0, 64, 300, 1_000][usize::from(n) % 4]
                    }
                    Change::MaxQueuedFrames(n) => config.max_queued_frames = usize::from(n % 8),
                    Change::MaxQueuedBytes(n) => {
                        config.max_queued_bytes = [0, 100, 400, 1 << 20][usize::from(n) % 4]
                    }
                    Change::QueueWhileDisconnected(on) => config.queue_while_disconnected = on,
                }
                self.session.set_config(config);
            }
            Op::Open => {
                if let Some(transport) = self.transport.as_mut().filter(|t| !t.open) {
                    transport.open = true;
                    self.session.handle_open(now);
                }
            }
            Op::Close(code) => {
                if self.transport.take().is_some() {
                    let info = CloseInfo {
                        code: *code,
                        reason: String::new(),
                        clean: *code == 1000,
                    };
                    self.session.handle_close(now, info);
                }
            }
            Op::Connected {
                version,
                heart_beat,
                chunk,
            } => {
                // A broker answers CONNECT once (another CONNECTED comes by `OtherFrame`).
                let Some(transport) = self.transport.as_ref().filter(|t| t.connection.is_none())
                else {
                    return self.pump();
                };
                let mut frame = Frame::new(Command::Connected);
                let version = match usize::from(*version) % VERSIONS.len() {
                    0 => transport.offered.first().map(|v| v.as_str()),
                    n => VERSIONS[n],
                };
                if let Some(v) = version {
                    frame.headers.push("version", v);
                }
                if let Some(hb) = HEART_BEATS[usize::from(*heart_beat) % HEART_BEATS.len()] {
                    frame.headers.push("heart-beat", hb);
                }
                self.broker_send(&frame, *chunk);
            }
            Op::Message {
                pick,
                known,
                ack,
                body,
                oversize,
                chunk,
            } => return self.broker_message(*pick, *known, *ack, *body, *oversize, *chunk),
            Op::Receipt { pick, stray, chunk } => {
                let seen = self
                    .transport
                    .as_ref()
                    .map_or(&[][..], |t| &t.receipts_seen);
                let id = match (stray, seen.len()) {
                    (true, _) | (_, 0) => "stray".to_owned(),
                    (false, n) => seen[pick % n].clone(),
                };
                let frame = Frame::new(Command::Receipt).header("receipt-id", &id);
                self.broker_send(&frame, *chunk);
            }
            Op::Error { pick, chunk } => {
                let mut frame = Frame::new(Command::Error).header("message", "boom \\ C:\\x");
                let seen = self
                    .transport
                    .as_ref()
                    .map_or(&[][..], |t| &t.receipts_seen);
                if let (Some(pick), false) = (pick, seen.is_empty()) {
                    let id = seen[pick % seen.len()].clone();
                    frame.headers.push("receipt-id", &id);
                }
                self.broker_send(&frame, *chunk);
            }
            Op::OtherFrame(command) => {
                let command = Command::ALL[usize::from(*command) % Command::ALL.len()];
                self.broker_send(&Frame::new(command).header("x", "y"), 0);
            }
            Op::Heartbeats(n) => {
                if self.open() {
                    self.broker_bytes(&vec![b'\n'; usize::from(*n).max(1)], 0);
                }
            }
            Op::Bytes { bytes, chunk } => {
                if let Some(transport) = self.transport.as_mut().filter(|t| t.open) {
                    transport.clean &= bytes.iter().all(|b| matches!(b, b'\n' | b'\r'));
                }
                self.broker_bytes(bytes, *chunk)
            }
        }
        self.pump();
    }

    /// The broker sends a MESSAGE; the session must take it without ending the connection,
    /// reporting it once (as a message, an unhandled one, or refused when over the limits).
    fn broker_message(
        &mut self,
        pick: usize,
        known: bool,
        ack: u8,
        body: usize,
        oversize: Oversize,
        chunk: u8,
    ) {
        let Some(transport) = self.transport.as_ref().filter(|t| t.open) else {
            return self.pump();
        };
        let subscriptions = transport
            .connection
            .map(|c| self.check.subscribed_on(c))
            .unwrap_or_default();
        let subscription = match (known, subscriptions.len()) {
            (true, n) if n > 0 => subscriptions[pick % n].clone(),
            _ => "unknown".to_owned(),
        };
        self.next_message += 1;
        let n = self.next_message;
        let message_id = format!("m-{n}");
        let mut frame = Frame::new(Command::Message)
            .header("destination", "/topic/f")
            .header("message-id", &message_id)
            .header("subscription", &subscription);
        match ack % 3 {
            0 => {}
            1 => frame.headers.push("ack", &format!("a-{n}")),
            _ => frame.headers.push("ack", &format!("a:{n}\\x")),
        }
        let limits = self.session.config().limits;
        let mut size = body % 64;
        match oversize {
            Oversize::No => {}
            Oversize::Headers => {
                for i in 0..limits.max_headers {
                    frame.headers.push(&format!("x-{i}"), "v");
                }
            }
            Oversize::HeadBytes => frame
                .headers
                .push("x-pad", &"p".repeat(limits.max_header_bytes)),
            Oversize::Body => size = limits.max_body_bytes + 1 + body % 100,
        }
        let frame = frame.body(vec![b'b'; size]);
        let state = self.session.state();
        let connection = self.session.connection();
        let clean = transport.clean;
        self.step_events.clear();
        self.broker_send(&frame, chunk);
        self.pump();
        if !clean || !matches!(state, State::Connected | State::Disconnecting) {
            return;
        }
        // The suspension rule runs first: a hide old enough means there was no transport.
        let suspended = self
            .step_events
            .iter()
            .any(|e| matches!(e, Event::TransportClosed(info) if info.code == 1001 && !info.clean));
        if suspended {
            return;
        }
        let rule = match oversize {
            Oversize::No => "MESSAGE within the limits kept the connection",
            _ => "MESSAGE over the limits refused, the connection kept",
        };
        *self.check.counts.entry(rule).or_default() += 1;
        let mut reports = 0;
        for event in &self.step_events {
            let (got, refused) = match event {
                Event::Message { frame, .. } | Event::UnhandledMessage(frame) => (frame, None),
                Event::MessageRefused { frame, limit, .. } => (frame, Some(*limit)),
                Event::TransportClosed(_) | Event::ProtocolError(_) => panic!(
                    "a MESSAGE ({oversize:?}) ended the connection: {:?}",
                    self.step_events
                ),
                _ => continue,
            };
            if got.headers.get("message-id") != Some(message_id.as_str()) {
                continue;
            }
            reports += 1;
            let expected = match oversize {
                Oversize::No => None,
                Oversize::Headers => Some(stomp_wasm::frame::Limit::Headers),
                Oversize::HeadBytes => Some(stomp_wasm::frame::Limit::HeaderBytes),
                Oversize::Body => Some(stomp_wasm::frame::Limit::BodyBytes),
            };
            assert_eq!(
                refused, expected,
                "MESSAGE {message_id} reported as {event:?}"
            );
            for name in ["subscription", "ack"] {
                assert_eq!(
                    got.headers.get(name),
                    frame.headers.get(name),
                    "the {name} header of {event:?}"
                );
            }
        }
        assert_eq!(
            reports, 1,
            "MESSAGE {message_id} reported {reports} times: {:?}",
            self.step_events
        );
        assert!(self.transport.is_some(), "a MESSAGE closed the transport");
        assert_eq!(self.session.connection(), connection);
        assert_eq!(self.session.state(), state);
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
