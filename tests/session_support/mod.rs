//! Shared harness for the session tests: a virtual clock, the [`Session`], and a scripted broker built on
//! the codec. After every step it drains every output of the session (transmits, actions, events), the way
//! a driver must, and checks what a driver can see: at most one transport, no bytes without an open
//! transport, nothing but CONNECT before the broker's CONNECTED, and no deadline in the past.
//!
//! Included with `mod session_support;` from each `tests/session_*.rs` file; each file uses a part of it.
#![allow(dead_code)]

use stomp_wasm::frame::{Command, EncodeOptions, Frame, Headers, Item, Parser, Version};
use stomp_wasm::session::{
    Action, CloseInfo, Config, Event, Millis, ReconnectPolicy, ReconnectTimeMode, SendOptions,
    Session, State, Ticket, Transmit,
};

/// The URL of the default test configuration.
pub const URL: &str = "ws://broker.test:15674/ws";

/// A configuration for tests: one URL, heart-beats off, reconnect after 1 s (linear, no jitter), no
/// connection timeout, receipt timeout 30 s, disconnect timeout 5 s, no backpressure (the harness
/// reports no buffered amount unless a test does), receipts `r-N`.
pub fn config() -> Config {
    Config {
        heartbeat_outgoing: 0,
        heartbeat_incoming: 0,
        max_buffered_bytes: 0,
        id_prefix: "r-".into(),
        reconnect: ReconnectPolicy {
            delay: 1_000,
            ..ReconnectPolicy::default()
        },
        ..Config::new(URL)
    }
}

/// The transport as the driver sees it, and the broker's side of it.
#[derive(Debug)]
pub struct Conn {
    /// Index of the URL in the configuration.
    pub index: usize,
    /// The URL.
    pub url: String,
    /// Whether `handle_open` was called (otherwise it is still opening).
    pub open: bool,
    /// Whether the broker has sent CONNECTED on it.
    pub connected: bool,
    /// The version the broker speaks on it (after CONNECTED: the negotiated one).
    pub version: Version,
    /// Frames the broker has read on it.
    pub frames_read: usize,
    /// The broker sent a CONNECTED whose version it could not read: follow the session's.
    follow_session: bool,
    /// `receipt` headers of the frames the broker has read on it, in order.
    pub receipts_seen: Vec<String>,
    parser: Parser,
}

/// One `Action::Open` the session asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// When.
    pub at: Millis,
    /// Index of the URL.
    pub index: usize,
    /// The URL.
    pub url: String,
}

/// The session, a virtual clock, and the broker end of at most one transport.
pub struct Harness {
    /// The virtual clock.
    pub now: Millis,
    /// The engine under test.
    pub session: Session,
    /// The current transport, if any.
    pub conn: Option<Conn>,
    /// Every transport the session asked to open, in order.
    pub opens: Vec<Opened>,
    /// When the session closed a transport (`Action::Close(CloseReason::Normal)`).
    pub closes: Vec<Millis>,
    frames: Vec<Frame>,
    frame_times: Vec<Millis>,
    /// Every transmit written, in order (heads with their bodies joined).
    pub raw: Vec<Transmit>,
    heartbeats: Vec<Millis>,
    events: Vec<Event>,
    actions: Vec<Action>,
    /// Every event ever polled, in order (not drained by [`Harness::events`]).
    pub log: Vec<Event>,
    /// Bodies kept for heads written with `body_follows` (see [`Harness::send_head`]).
    bodies: std::collections::VecDeque<Vec<u8>>,
}

impl Harness {
    /// A harness at time 0 around a new session.
    pub fn new(config: Config) -> Harness {
        Harness {
            now: 0,
            session: Session::new(config),
            conn: None,
            opens: Vec::new(),
            closes: Vec::new(),
            frames: Vec::new(),
            frame_times: Vec::new(),
            raw: Vec::new(),
            heartbeats: Vec::new(),
            events: Vec::new(),
            actions: Vec::new(),
            log: Vec::new(),
            bodies: std::collections::VecDeque::new(),
        }
    }

    /// `Session::send_head` for a text body the harness keeps (and writes after the head, as a driver
    /// does); returns what it returned.
    pub fn send_head(&mut self, destination: &str, headers: &Headers, body: &str) -> bool {
        let taken = self
            .session
            .send_head(
                self.now,
                destination,
                headers,
                body.len(),
                SendOptions::default(),
            )
            .expect("send_head");
        if taken.is_some() {
            self.bodies.push_back(body.as_bytes().to_vec());
        }
        self.pump();
        taken.is_some()
    }

    /// A harness around [`config`] changed by `change`.
    pub fn with(change: impl FnOnce(&mut Config)) -> Harness {
        let mut config = config();
        change(&mut config);
        Harness::new(config)
    }

    // ----- the driver -----

    /// Drains every output of the session and checks the driver-visible invariants. Called after every
    /// step; tests that call the session directly call it themselves.
    pub fn pump(&mut self) {
        // Within one step, bytes always belong to the transport that was current when the step began
        // (a new transport needs `handle_open`, which is a step of its own), so transmits go first.
        while let Some(mut transmit) = self.session.poll_transmit() {
            let now = self.now;
            if transmit.body_follows {
                // What a driver does with `Session::send_head`: head, the body it kept, NUL.
                let body = self
                    .bodies
                    .pop_front()
                    .unwrap_or_else(|| panic!("t={now}: a head whose body nobody kept"));
                transmit.bytes.extend_from_slice(&body);
                transmit.bytes.push(0);
                transmit.body_follows = false;
            }
            let conn = self
                .conn
                .as_mut()
                .unwrap_or_else(|| panic!("t={now}: bytes to write with no transport"));
            assert!(
                conn.open,
                "t={now}: bytes to write before the transport opened"
            );
            conn.parser.push(&transmit.bytes).unwrap_or_else(|e| {
                panic!("t={now}: the session wrote bytes the broker cannot parse: {e}")
            });
            self.raw.push(transmit);
            while let Some(item) = conn.parser.next_item() {
                match item {
                    Item::Heartbeat => {
                        assert!(conn.connected, "t={now}: heart-beat before CONNECTED");
                        self.heartbeats.push(now);
                    }
                    Item::Frame(frame) => {
                        if !conn.connected {
                            assert!(
                                matches!(frame.command, Command::Connect | Command::Stomp)
                                    && conn.frames_read == 0,
                                "t={now}: {} before CONNECTED (frame {} on this transport)",
                                frame.command,
                                conn.frames_read
                            );
                        }
                        conn.frames_read += 1;
                        if let Some(receipt) = frame.headers.get("receipt") {
                            conn.receipts_seen.push(receipt.to_owned());
                        }
                        self.frames.push(frame);
                        self.frame_times.push(now);
                    }
                    Item::Skipped(skipped) => {
                        panic!("t={now}: the broker's parser skipped {skipped:?}")
                    }
                }
            }
        }
        while let Some(action) = self.session.poll_action() {
            match &action {
                Action::Open { index, url } => {
                    assert!(
                        self.conn.is_none(),
                        "t={}: asked to open a second transport",
                        self.now
                    );
                    assert_eq!(
                        self.session.config().broker_urls.get(*index),
                        Some(url),
                        "Open names a URL that is not at its index"
                    );
                    self.opens.push(Opened {
                        at: self.now,
                        index: *index,
                        url: url.clone(),
                    });
                    self.conn = Some(Conn {
                        index: *index,
                        url: url.clone(),
                        open: false,
                        connected: false,
                        version: Version::V1_2,
                        frames_read: 0,
                        follow_session: false,
                        receipts_seen: Vec::new(),
                        parser: Parser::new().follow_connected(false),
                    });
                }
                Action::Close(_) => {
                    assert!(
                        self.conn.is_some(),
                        "t={}: asked to close with no transport",
                        self.now
                    );
                    self.conn = None;
                    self.closes.push(self.now);
                }
            }
            self.actions.push(action);
        }
        while let Some(event) = self.session.poll_event() {
            self.log.push(event.clone());
            self.events.push(event);
        }
        if let Some(deadline) = self.session.poll_timeout() {
            assert!(
                deadline >= self.now,
                "t={}: poll_timeout() is in the past: {deadline}",
                self.now
            );
        }
    }

    /// Advances the clock by `ms`, stopping at every deadline on the way to fire it (quinn-proto's
    /// `Pair::step`).
    pub fn advance(&mut self, ms: Millis) {
        self.advance_to(self.now + ms);
    }

    /// Advances the clock to `target`, firing every deadline on the way at its exact time.
    pub fn advance_to(&mut self, target: Millis) {
        assert!(target >= self.now, "the clock does not go back");
        let mut steps = 0;
        while let Some(deadline) = self.session.poll_timeout() {
            if deadline > target {
                break;
            }
            steps += 1;
            assert!(
                steps < 100_000,
                "t={}: handle_timeout does not clear deadline {deadline}",
                self.now
            );
            self.now = deadline.max(self.now);
            self.session.handle_timeout(self.now);
            self.pump();
        }
        self.now = target;
    }

    /// The timer fires only at `at`, late (a throttled tab, a stalled thread): one `handle_timeout`.
    pub fn wake_late(&mut self, at: Millis) {
        assert!(at >= self.now, "the clock does not go back");
        self.now = at;
        self.session.handle_timeout(at);
        self.pump();
    }

    // ----- commands -----

    /// `connect` (it must succeed).
    pub fn start(&mut self) {
        self.session.connect(self.now).expect("connect");
        self.pump();
    }

    /// The transport the session asked for opens.
    pub fn open(&mut self) {
        let conn = self
            .conn
            .as_mut()
            .expect("open: no transport was asked for");
        assert!(!conn.open, "open: the transport is already open");
        conn.open = true;
        self.session.handle_open(self.now);
        self.pump();
    }

    /// The transport opens and the broker reads CONNECT; returns it.
    pub fn open_and_read_connect(&mut self) -> Frame {
        self.open();
        let frames = self.sent_frames();
        match frames.as_slice() {
            [frame] if matches!(frame.command, Command::Connect | Command::Stomp) => frame.clone(),
            other => panic!("expected CONNECT, the broker read {other:?}"),
        }
    }

    /// Opens the pending transport, reads CONNECT and answers CONNECTED (`version` absent if `None`,
    /// `heart-beat` absent if `None`). Returns the CONNECT frame.
    pub fn accept(&mut self, version: Option<&str>, heart_beat: Option<&str>) -> Frame {
        let connect = self.open_and_read_connect();
        let mut connected = Frame::new(Command::Connected);
        if let Some(version) = version {
            connected.headers.push("version", version);
        }
        if let Some(heart_beat) = heart_beat {
            connected.headers.push("heart-beat", heart_beat);
        }
        connected.headers.push("session", "session-1");
        connected.headers.push("server", "test-broker/1.0");
        self.broker_send(connected);
        connect
    }

    /// `connect`, open, CONNECT, CONNECTED with this version and heart-beat; then forgets the frames,
    /// heart-beats and events so far, so the test starts from a connected session.
    pub fn connect_with(&mut self, version: &str, heart_beat: &str) {
        self.start();
        self.accept(Some(version), Some(heart_beat));
        assert_eq!(self.session.state(), State::Connected, "{:?}", self.events);
        self.clear();
    }

    /// [`connect_with`](Harness::connect_with) under 1.2 with heart-beats off.
    pub fn connected(&mut self) {
        self.connect_with("1.2", "0,0");
    }

    /// Forgets the frames, heart-beats, raw bytes, actions and events recorded so far.
    pub fn clear(&mut self) {
        self.frames.clear();
        self.frame_times.clear();
        self.raw.clear();
        self.heartbeats.clear();
        self.events.clear();
        self.actions.clear();
    }

    // ----- the broker -----

    /// The broker writes `frame` (encoded for the connection's version).
    pub fn broker_send(&mut self, frame: Frame) {
        let version = self
            .conn
            .as_ref()
            .expect("broker_send: no transport")
            .version;
        let mut bytes = Vec::new();
        frame
            .encode(EncodeOptions::new(version), &mut bytes)
            .expect("the broker's frame encodes");
        if frame.command == Command::Connected {
            let negotiated = match frame.headers.get("version") {
                None => Some(Version::V1_0),
                Some(text) => Version::parse(text),
            };
            let conn = self.conn.as_mut().expect("transport");
            conn.connected = true;
            match negotiated {
                Some(version) => {
                    conn.version = version;
                    conn.parser.set_version(version);
                }
                None => conn.follow_session = true,
            }
        }
        self.broker_bytes(&bytes);
    }

    /// The broker writes raw bytes.
    pub fn broker_bytes(&mut self, bytes: &[u8]) {
        assert!(
            self.conn.as_ref().is_some_and(|c| c.open),
            "broker_bytes: no open transport"
        );
        self.session.handle_bytes(self.now, bytes);
        self.pump();
        // A CONNECTED with a version the broker could not read: follow what the session negotiated.
        if let (Some(conn), Some(version)) = (self.conn.as_mut(), self.session.version()) {
            if conn.follow_session {
                conn.follow_session = false;
                conn.version = version;
                conn.parser.set_version(version);
            }
        }
    }

    /// The broker sends one heart-beat (an EOL).
    pub fn broker_heartbeat(&mut self) {
        self.broker_bytes(b"\n");
    }

    /// The broker sends MESSAGE for `subscription` (with `ack` header if given).
    pub fn broker_message(&mut self, subscription: &str, message_id: &str, ack: Option<&str>) {
        let mut frame = Frame::new(Command::Message)
            .header("destination", "/queue/test")
            .header("message-id", message_id)
            .header("subscription", subscription);
        if let Some(ack) = ack {
            frame.headers.push("ack", ack);
        }
        self.broker_send(frame.body("payload"));
    }

    /// The broker sends RECEIPT for `id`.
    pub fn broker_receipt(&mut self, id: &str) {
        self.broker_send(Frame::new(Command::Receipt).header("receipt-id", id));
    }

    /// The broker sends ERROR with this `message` header.
    pub fn broker_error(&mut self, message: &str) {
        self.broker_send(Frame::new(Command::Error).header("message", message));
    }

    /// The transport closes from the broker's side (or fails to open) with this WebSocket code.
    pub fn broker_close(&mut self, code: u16) {
        assert!(self.conn.is_some(), "broker_close: no transport");
        self.conn = None;
        self.session.handle_close(self.now, close_info(code));
        self.pump();
    }

    // ----- what was seen -----

    /// Frames the broker read since the last call.
    pub fn sent_frames(&mut self) -> Vec<Frame> {
        self.frame_times.clear();
        std::mem::take(&mut self.frames)
    }

    /// Frames the broker read since the last call, with the time each was written.
    pub fn sent_frames_at(&mut self) -> Vec<(Millis, Frame)> {
        let times = std::mem::take(&mut self.frame_times);
        times
            .into_iter()
            .zip(std::mem::take(&mut self.frames))
            .collect()
    }

    /// The last ticket any `Written` event in the log reported written through.
    pub fn written_through(&self) -> Option<Ticket> {
        self.log
            .iter()
            .filter_map(|e| match e {
                Event::Written { through } => Some(*through),
                _ => None,
            })
            .max()
    }

    /// Commands of the frames the broker read since the last call.
    pub fn sent_commands(&mut self) -> Vec<Command> {
        self.sent_frames().into_iter().map(|f| f.command).collect()
    }

    /// The bytes of each transmit since the last call.
    pub fn sent_raw(&mut self) -> Vec<Vec<u8>> {
        self.sent_transmits().into_iter().map(|t| t.bytes).collect()
    }

    /// The transmits since the last call.
    pub fn sent_transmits(&mut self) -> Vec<Transmit> {
        std::mem::take(&mut self.raw)
    }

    /// When each heart-beat the session sent went out, since the last call.
    pub fn sent_heartbeats(&mut self) -> Vec<Millis> {
        std::mem::take(&mut self.heartbeats)
    }

    /// Events since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Events since the last call, without the `StateChanged` ones.
    pub fn events_but_states(&mut self) -> Vec<Event> {
        self.events()
            .into_iter()
            .filter(|e| !matches!(e, Event::StateChanged { .. }))
            .collect()
    }

    /// Actions since the last call (the harness has already applied them).
    pub fn actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    /// Whether a transport exists (opening or open).
    pub fn has_transport(&self) -> bool {
        self.conn.is_some()
    }

    /// The `ReconnectScheduled` delays in the whole event log, in order.
    pub fn scheduled_delays(&self) -> Vec<Millis> {
        self.log
            .iter()
            .filter_map(|e| match e {
                Event::ReconnectScheduled { delay, .. } => Some(*delay),
                _ => None,
            })
            .collect()
    }

    /// Every state the session went through (from the event log), starting with `Inactive`.
    pub fn state_path(&self) -> Vec<State> {
        let mut path = vec![State::Inactive];
        for event in &self.log {
            if let Event::StateChanged { from, to } = event {
                assert_eq!(
                    path.last(),
                    Some(from),
                    "StateChanged from a state it was not in"
                );
                assert_ne!(from, to, "StateChanged without a change");
                path.push(*to);
            }
        }
        path
    }
}

/// A `CloseInfo` with this code (clean when 1000).
pub fn close_info(code: u16) -> CloseInfo {
    CloseInfo {
        code,
        reason: String::new(),
        clean: code == 1000,
    }
}

/// The headers of `frame` as (name, value) pairs, in order.
pub fn pairs(frame: &Frame) -> Vec<(String, String)> {
    frame
        .headers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// Asserts a frame's command and exact headers (in order).
#[track_caller]
pub fn assert_frame(frame: &Frame, command: Command, headers: &[(&str, &str)]) {
    assert_eq!(frame.command, command, "command of {frame:?}");
    let expected: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(pairs(frame), expected, "headers of {}", frame.command);
}

/// Headers from pairs.
pub fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs.iter().copied().collect()
}

/// The reconnect delays the documented policy gives for attempts `attempts` (1-based, one draw of the
/// jitter generator per scheduled attempt): an independent implementation of the formula in
/// `ReconnectPolicy`'s docs, with SplitMix64 as the seeded generator.
pub struct ReferenceBackoff {
    state: u64,
}

impl ReferenceBackoff {
    /// A generator seeded like the session's.
    pub fn new(seed: u64) -> ReferenceBackoff {
        ReferenceBackoff { state: seed }
    }

    fn next_unit(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The un-jittered delay for `attempt`.
    pub fn base(policy: &ReconnectPolicy, attempt: u32) -> Millis {
        let base = match policy.mode {
            ReconnectTimeMode::Linear => policy.delay,
            ReconnectTimeMode::Exponential => policy
                .delay
                .saturating_mul(1u64 << attempt.saturating_sub(1).min(63)),
        };
        match policy.max_delay {
            0 => base,
            cap => base.min(cap.max(policy.delay)),
        }
    }

    /// The delay before `attempt`.
    pub fn delay(&mut self, policy: &ReconnectPolicy, attempt: u32) -> Millis {
        let capped = ReferenceBackoff::base(policy, attempt);
        if policy.jitter <= 0.0 {
            return capped;
        }
        let taken = (capped as f64 * policy.jitter.min(1.0) * self.next_unit()) as Millis;
        capped - taken.min(capped)
    }
}

/// The `TransportClosed` event the session reports when it closes the transport itself.
pub fn closed_by_client() -> Event {
    Event::TransportClosed(CloseInfo {
        code: 1000,
        reason: "closed by the client".into(),
        clean: true,
    })
}
