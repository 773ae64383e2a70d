//! The session driven by arbitrary input: a configuration, then a script of broker bytes (raw or
//! encoded frames, in random chunks), application commands, transport events, app hide/show and
//! clock steps. After every step the target drains every output as a driver must and checks:
//! - at most one transport, and `Close` only for one that exists;
//! - no bytes without an open transport, and the bytes parse as STOMP;
//! - nothing but one CONNECT (or STOMP) on a transport before its CONNECTED;
//! - every receipt asked for settles at most once (and exactly once by the end), and no receipt
//!   settles that was not asked for;
//! - `poll_timeout()` is never in the past;
//! - every `StateChanged` starts from the state the session was in, and the state agrees with the
//!   transport (`Connected`/`Connecting`/`Disconnecting` hold one, the others none);
//! - bounded memory: the offline queue within its bounds, no more subscriptions or pending receipts
//!   than were made, nothing left over once disconnected.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers, Item, Limits, Parser, Version};
use stomp_wasm::session::{
    AckTarget, Action, CloseInfo, Config, Event, HostHeader, Millis, ReconnectPolicy,
    ReconnectTimeMode, SendOptions, Session, State,
};

/// Reads the fuzz input; zeros once it runs out.
struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[usize::from(self.u8()) % options.len()]
    }

    fn bytes(&mut self, max: usize) -> &[u8] {
        let n = (usize::from(self.u8()) % (max + 1)).min(self.data.len());
        let (taken, rest) = self.data.split_at(n);
        self.data = rest;
        taken
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

const LIMITS: Limits = Limits {
    max_header_bytes: 512,
    max_headers: 12,
    max_body_bytes: 2048,
};

fn config(input: &mut Input) -> Config {
    let versions = [
        vec![Version::V1_2, Version::V1_1, Version::V1_0],
        vec![Version::V1_2],
        vec![Version::V1_1, Version::V1_2],
        vec![Version::V1_0],
        vec![],
    ];
    let urls = 1 + usize::from(input.u8() % 3);
    Config {
        broker_urls: (0..urls)
            .map(|i| format!("ws://u:p@b{i}.test/ws?t=1"))
            .collect(),
        accept_versions: versions[usize::from(input.u8()) % versions.len()].clone(),
        use_stomp_command: input.bool(),
        host: match input.u8() % 3 {
            0 => HostHeader::Omit,
            1 => HostHeader::FromUrl,
            _ => HostHeader::Fixed("/".into()),
        },
        login: Some("guest".into()),
        passcode: Some("guest".into()),
        heartbeat_outgoing: input.pick(&[0, 500, 1_000, 10_000]),
        heartbeat_incoming: input.pick(&[0, 500, 1_000, 10_000]),
        heartbeat_tolerance: input.pick(&[0.5, 1.0, 1.5, 2.0, f64::NAN, 1e300]),
        connection_timeout: input.pick(&[0, 700, 3_000, u64::MAX]),
        receipt_timeout: input.pick(&[0, 1_000, 5_000, u64::MAX]),
        disconnect_timeout: input.pick(&[0, 1_000, 5_000, u64::MAX]),
        reconnect: ReconnectPolicy {
            delay: input.pick(&[0, 100, 1_000, u64::MAX]),
            mode: input.pick(&[ReconnectTimeMode::Linear, ReconnectTimeMode::Exponential]),
            max_delay: input.pick(&[0, 3_000, u64::MAX]),
            max_attempts: u32::from(input.u8() % 5),
            jitter: input.pick(&[0.0, 0.5, 1.0, -3.0, f64::NAN]),
            seed: u64::from(input.u16()),
        },
        stable_after: input.pick(&[0, 1_000, 10_000]),
        suspend_after: input.pick(&[0, 2_000, 5_000]),
        queue_while_disconnected: input.bool(),
        max_queued_frames: usize::from(input.u8() % 8),
        max_queued_bytes: input.pick(&[0, 100, 1 << 20]),
        limits: LIMITS,
        ..Config::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Opening,
    Open,
}

/// The driver and the broker end of at most one transport, with the invariants' bookkeeping.
struct Run {
    /// Print every step, event and action (set `SESSION_FUZZ_TRACE` to reproduce a finding).
    trace: bool,
    now: Millis,
    session: Session,
    transport: Option<Transport>,
    /// The current transport's broker has read a CONNECT (and nothing else before CONNECTED).
    read_connect: bool,
    /// The session accepted a CONNECTED on the current transport.
    connected: bool,
    /// Parses what the session writes, as the broker.
    broker: Parser,
    /// `receipt` headers the broker read on the current transport.
    receipts_seen: Vec<String>,
    /// Receipts asked for by accepted commands, and how often each settled.
    receipts: BTreeMap<String, u32>,
    /// Bodies kept for heads written with `body_follows` (`send_head`), in order.
    bodies: std::collections::VecDeque<Vec<u8>>,
    next_receipt: u32,
    subscribed: usize,
    state: State,
    /// The largest queue bounds configured so far (lowering them by `set_config` applies to frames
    /// queued after).
    queue_bounds: (usize, usize),
}

impl Run {
    fn new(config: Config) -> Run {
        Run {
            trace: std::env::var_os("SESSION_FUZZ_TRACE").is_some(),
            now: 0,
            session: Session::new(config),
            transport: None,
            read_connect: false,
            connected: false,
            broker: Parser::new().follow_connected(false),
            receipts_seen: Vec::new(),
            receipts: BTreeMap::new(),
            bodies: std::collections::VecDeque::new(),
            next_receipt: 0,
            subscribed: 0,
            state: State::Inactive,
            queue_bounds: (0, 0),
        }
    }

    /// Drains every output and checks the invariants.
    fn pump(&mut self) {
        // Events first: a CONNECTED accepted in this step makes the frames after it legal.
        while let Some(event) = self.session.poll_event() {
            if self.trace {
                eprintln!("    {event:?}");
            }
            self.event(event);
        }
        while let Some(mut transmit) = self.session.poll_transmit() {
            assert_eq!(
                self.transport,
                Some(Transport::Open),
                "bytes without an open transport"
            );
            if transmit.body_follows {
                let body = self.bodies.pop_front().expect("a head whose body nobody kept");
                transmit.bytes.extend_from_slice(&body);
                transmit.bytes.push(0);
            }
            self.broker
                .push(&transmit.bytes)
                .unwrap_or_else(|e| panic!("the session wrote bytes that do not parse: {e}"));
            while let Some(item) = self.broker.next_item() {
                match item {
                    Item::Heartbeat => assert!(self.connected, "heart-beat before CONNECTED"),
                    Item::Frame(frame) => {
                        if !self.connected {
                            assert!(
                                matches!(frame.command, Command::Connect | Command::Stomp)
                                    && !self.read_connect,
                                "{} before CONNECTED",
                                frame.command
                            );
                            self.read_connect = true;
                        }
                        if let Some(receipt) = frame.headers.get("receipt") {
                            self.receipts_seen.push(receipt.to_owned());
                        }
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
                    self.transport = Some(Transport::Opening);
                    self.read_connect = false;
                    self.connected = false;
                    self.broker = Parser::new().follow_connected(false);
                    self.receipts_seen.clear();
                    // A new attempt: the session dropped the heads it had not handed over.
                    self.bodies.clear();
                }
                Action::Close => {
                    assert!(self.transport.is_some(), "Close with no transport");
                    self.transport = None;
                }
            }
        }
        self.check();
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::StateChanged { from, to } => {
                assert_eq!(from, self.state, "StateChanged from a state it was not in");
                assert_ne!(from, to);
                self.state = to;
            }
            Event::Connected { version, .. } => {
                assert!(self.transport.is_some(), "Connected without a transport");
                self.connected = true;
                self.broker.set_version(version);
            }
            Event::Receipt { id, .. } | Event::ReceiptFailed { id, .. } => {
                let settled = self
                    .receipts
                    .get_mut(&id)
                    .unwrap_or_else(|| panic!("receipt {id} settled but never asked for"));
                *settled += 1;
                assert_eq!(*settled, 1, "receipt {id} settled twice");
            }
            Event::TransportClosed(_) => {}
            _ => {}
        }
    }

    fn check(&mut self) {
        let state = self.session.state();
        assert_eq!(state, self.state, "state() disagrees with the events");
        match state {
            State::Connected | State::Connecting | State::Disconnecting => {
                assert!(self.transport.is_some(), "{state} without a transport")
            }
            State::Inactive | State::Reconnecting | State::Failed => {
                assert!(self.transport.is_none(), "{state} with a transport")
            }
        }
        if state == State::Connected {
            assert!(self.connected, "Connected without an accepted CONNECTED");
        }
        if let Some(deadline) = self.session.poll_timeout() {
            assert!(
                deadline >= self.now,
                "deadline {deadline} in the past at {}",
                self.now
            );
        }
        let config = self.session.config();
        self.queue_bounds.0 = self.queue_bounds.0.max(config.max_queued_frames);
        self.queue_bounds.1 = self.queue_bounds.1.max(config.max_queued_bytes);
        let (frames, bytes) = self.session.queued();
        assert!(frames <= self.queue_bounds.0 && bytes <= self.queue_bounds.1);
        assert!(self.session.pending_receipts() <= self.receipts.len());
        assert!(self.session.subscription_ids().count() <= self.subscribed);
        if matches!(state, State::Inactive | State::Failed) {
            assert_eq!(self.session.queued(), (0, 0), "{state} keeps a queue");
            assert_eq!(self.session.pending_receipts(), 0, "{state} keeps receipts");
            assert_eq!(self.session.open_transactions().count(), 0);
        }
        if state == State::Inactive {
            assert!(!self.session.wants_active());
        }
    }

    fn receipt(&mut self, asked: bool) -> Option<String> {
        asked.then(|| {
            self.next_receipt += 1;
            format!("u-{}", self.next_receipt)
        })
    }

    fn asked<T, E>(&mut self, receipt: Option<String>, result: &Result<T, E>) {
        if let (Some(id), Ok(_)) = (receipt, result) {
            assert!(self.receipts.insert(id, 0).is_none());
        }
    }

    fn headers(&self, receipt: &Option<String>, tx: bool) -> Headers {
        let mut headers = Headers::new();
        if let Some(receipt) = receipt {
            headers.push("receipt", receipt);
        }
        if tx {
            if let Some(tx) = self.session.open_transactions().last() {
                headers.push("transaction", tx);
            }
        }
        headers
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

    /// The broker sends `bytes` in chunks of `chunk` octets (each a transport message).
    fn broker_bytes(&mut self, bytes: &[u8], chunk: usize) {
        for piece in bytes.chunks(chunk.max(1)) {
            if self.transport != Some(Transport::Open) {
                return;
            }
            self.session.handle_bytes(self.now, piece);
            self.pump();
        }
    }

    fn step(&mut self, input: &mut Input) {
        let now = self.now;
        let op = input.u8() % 26;
        if self.trace {
            eprintln!("t={now} op {op} ({:?})", self.session.state());
        }
        match op {
            0 => {
                let ms = Millis::from(input.u16() % 2_000);
                self.advance_to(now + ms);
            }
            1 => {
                let ms = Millis::from(input.u16()) * 100;
                self.advance_to(now + ms);
            }
            2 => {
                if self.session.connect(now).is_ok() {
                    assert!(self.session.wants_active());
                }
            }
            3 => {
                let force = input.bool();
                self.session
                    .disconnect(now, force)
                    .expect("disconnect never fails");
                assert!(!self.session.wants_active());
            }
            4 => {
                let _ = self.session.reconnect_now(now);
            }
            5 => self.session.drop_connection(now),
            6 => {
                let receipt = self.receipt(input.bool());
                let mut headers = self.headers(&receipt, false);
                match input.u8() % 4 {
                    0 => headers.push("id", &format!("own-{}", input.u8() % 3)),
                    1 => headers.push("x-note", "a\rb"),
                    2 => headers.push("x-note", "a:b\\c"),
                    _ => {}
                }
                headers.push("ack", "client-individual");
                let result = self.session.subscribe(now, "/topic/f", &headers);
                if result.is_ok() {
                    self.subscribed += 1;
                }
                self.asked(receipt, &result);
            }
            7 => {
                let ids: Vec<String> = self.session.subscription_ids().map(Into::into).collect();
                let id = match ids.len() {
                    0 => "none".to_owned(),
                    n => ids[usize::from(input.u8()) % n].clone(),
                };
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, false);
                let result = self.session.unsubscribe(now, &id, &headers);
                self.asked(receipt, &result);
            }
            8 => {
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, input.bool());
                let body = input.bytes(64).to_vec();
                let options = SendOptions {
                    binary: input.bool(),
                    skip_content_length: input.bool(),
                    // At-least-once needs a receipt (the session refuses it otherwise: fine too).
                    retain: input.bool(),
                };
                let result = self.session.send(now, "/queue/f", &headers, body, options);
                self.asked(receipt, &result);
            }
            9 => {
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, input.bool());
                let target = AckTarget {
                    ack: Some("a-1".into()),
                    message_id: "m-1".into(),
                    subscription: "sub-0".into(),
                };
                let result = if input.bool() {
                    self.session.nack(now, target, &headers)
                } else {
                    self.session.ack(now, target, &headers)
                };
                self.asked(receipt, &result);
            }
            10 => {
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, false);
                let own = format!("t-{}", input.u8() % 3);
                let id = input.bool().then_some(own.as_str());
                let result = self.session.begin(now, id, &headers);
                self.asked(receipt, &result);
            }
            11 => {
                let open: Vec<String> = self.session.open_transactions().map(Into::into).collect();
                let id = match open.len() {
                    0 => "t-none".to_owned(),
                    n => open[usize::from(input.u8()) % n].clone(),
                };
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, false);
                let result = if input.bool() {
                    self.session.commit(now, &id, &headers)
                } else {
                    self.session.abort(now, &id, &headers)
                };
                self.asked(receipt, &result);
            }
            12 => {
                if self.transport == Some(Transport::Opening) {
                    self.transport = Some(Transport::Open);
                    self.session.handle_open(now);
                }
            }
            13 => {
                if self.transport.is_some() {
                    self.transport = None;
                    let code = input.pick(&[1000, 1001, 1006, 1011, 4001]);
                    self.session.handle_close(
                        now,
                        CloseInfo {
                            code,
                            reason: String::new(),
                            clean: code == 1000,
                        },
                    );
                }
            }
            14 => {
                let chunk = usize::from(input.u8() % 16) + 1;
                let bytes = input.bytes(96).to_vec();
                self.broker_bytes(&bytes, chunk);
            }
            15..=19 => {
                let frame = self.broker_frame(op, input);
                let version = match self.session.version() {
                    Some(version) => version,
                    None => input.pick(&Version::ALL),
                };
                let mut bytes = Vec::new();
                if frame
                    .encode(EncodeOptions::new(version), &mut bytes)
                    .is_ok()
                {
                    if input.bool() {
                        bytes.push(b'\n');
                    }
                    let chunk = match input.u8() % 4 {
                        0 => 1,
                        1 => 7,
                        _ => bytes.len(),
                    };
                    self.broker_bytes(&bytes, chunk);
                }
            }
            20 => {
                let beats = vec![b'\n'; usize::from(input.u8())];
                self.broker_bytes(&beats, beats.len());
            }
            21 => {
                if input.bool() {
                    self.session.handle_app_hidden(now);
                } else {
                    self.session.handle_app_shown(now);
                }
            }
            22 => self.session.handle_suspend(now),
            23 => {
                // A SEND whose body the driver keeps (a JS string): the head now, the body after.
                let receipt = self.receipt(input.bool());
                let headers = self.headers(&receipt, input.bool());
                let body = input.bytes(64).to_vec();
                match self.session.send_head(now, "/queue/h", &headers, body.len()) {
                    Ok(true) => {
                        self.bodies.push_back(body);
                        self.asked(receipt, &Ok::<(), ()>(()));
                    }
                    Ok(false) => {}
                    Err(error) => self.asked(receipt, &Err::<(), _>(error)),
                }
            }
            24 => self.session.handle_congestion(now, input.bool()),
            _ => {
                let mut config = self.session.config().clone();
                match input.u8() % 4 {
                    0 => config.accept_versions = vec![input.pick(&Version::ALL)],
                    1 => config.receipt_timeout = input.pick(&[0, 200, 10_000]),
                    2 => {
                        config.connect_headers =
                            Headers::new().with("x-note", input.pick(&["ok", "two\nlines"]))
                    }
                    _ => config.max_queued_frames = usize::from(input.u8() % 4),
                }
                self.session.set_config(config);
            }
        }
        self.pump();
    }

    /// A frame from the broker: CONNECTED, MESSAGE, RECEIPT, ERROR, or a client command.
    fn broker_frame(&self, op: u8, input: &mut Input) -> Frame {
        match op {
            15 => {
                let mut frame = Frame::new(Command::Connected);
                if let Some(version) =
                    input.pick(&[None, Some("1.0"), Some("1.1"), Some("1.2"), Some("2.0")])
                {
                    frame.headers.push("version", version);
                }
                if let Some(beat) = input.pick(&[
                    None,
                    Some("0,0"),
                    Some("500,500"),
                    Some("1000,0"),
                    Some("0,1000"),
                    Some("x"),
                    Some("18446744073709551615,3000000000"),
                ]) {
                    frame.headers.push("heart-beat", beat);
                }
                frame
            }
            16 => {
                let ids: Vec<String> = self.session.subscription_ids().map(Into::into).collect();
                let id = match (input.bool(), ids.len()) {
                    (true, n) if n > 0 => ids[usize::from(input.u8()) % n].clone(),
                    _ => "unknown".to_owned(),
                };
                Frame::new(Command::Message)
                    .header("destination", "/topic/f")
                    .header("message-id", "m-1")
                    .header("subscription", &id)
                    .header("ack", "a:1\\x")
                    .body(input.bytes(32).to_vec())
            }
            17 => {
                let id = match (input.bool(), self.receipts_seen.len()) {
                    (true, n) if n > 0 => self.receipts_seen[usize::from(input.u8()) % n].clone(),
                    _ => "stray".to_owned(),
                };
                Frame::new(Command::Receipt).header("receipt-id", &id)
            }
            18 => {
                let mut frame = Frame::new(Command::Error).header("message", "boom \\ C:\\x");
                if let (true, n) = (input.bool(), self.receipts_seen.len()) {
                    if n > 0 {
                        let id = &self.receipts_seen[usize::from(input.u8()) % n];
                        frame.headers.push("receipt-id", id);
                    }
                }
                frame
            }
            _ => Frame::new(input.pick(&Command::ALL)).header("x", "y"),
        }
    }

    /// Ends the run: every receipt asked for has settled exactly once, nothing is left over.
    fn finish(&mut self) {
        let now = self.now;
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
        for (id, settled) in &self.receipts {
            assert_eq!(*settled, 1, "receipt {id} never settled");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input { data };
    let config = config(&mut input);
    let mut run = Run::new(config);
    if run.trace {
        eprintln!("{:?}", run.session.config());
    }
    let mut steps = 0;
    while !input.is_empty() && steps < 400 {
        run.step(&mut input);
        steps += 1;
    }
    run.finish();
});
