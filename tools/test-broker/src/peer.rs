//! The broker's side of one STOMP session, sans-IO: client frames in, what to do out (frames to send,
//! messages to publish, subscriptions to register, close). Owns the protocol rules a correct broker
//! keeps (version and heart-beat negotiation, required headers per version, receipts, transactions,
//! ERROR then close on bad input) and the protocol-level faults (`never-connected`, `silent`,
//! `error-close`, `no-receipt` and the one-shot faults' timing). It does no I/O and knows nothing of
//! WebSocket; `conn` does the transport and the transport-level faults.

use std::collections::HashMap;

use stomp_wasm::frame::{Command, Frame, Headers, ParseError, Version};

use crate::scenario::{Fault, LimitKind, Scenario, Trigger};

/// How a subscription wants its messages acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckMode {
    /// No ACK expected.
    Auto,
    /// Cumulative ACK.
    Client,
    /// ACK per message.
    ClientIndividual,
}

/// A message routed to one of this connection's subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The subscription id.
    pub subscription: String,
    /// The broker-wide message id.
    pub message_id: String,
    /// The SEND's headers (`destination` first), without `receipt`, `transaction`, `content-length`.
    pub headers: Vec<(String, String)>,
    /// The SEND's body.
    pub body: Vec<u8>,
}

/// What the connection must do for the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Encode and send this frame under the negotiated version.
    Frame(Frame),
    /// Send these bytes as they are, as one message.
    Raw(Vec<u8>),
    /// Route a SEND to every matching subscription of the broker.
    Publish {
        /// Where to.
        destination: String,
        /// Headers for the MESSAGE.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Register a subscription with the hub.
    Subscribe {
        /// The subscription id (1.0 may omit it: the destination stands in).
        id: String,
        /// The destination.
        destination: String,
    },
    /// Remove a subscription.
    Unsubscribe {
        /// The subscription id.
        id: String,
    },
    /// The session is negotiated: the connection sends heart-beats every this many ms (0 = none).
    Heartbeat(u64),
    /// Close the WebSocket cleanly after what was sent.
    Close,
    /// Drop the TCP connection at once, without a close frame.
    Drop,
}

/// One connection's STOMP state.
#[derive(Debug)]
pub struct Peer {
    scenario: Scenario,
    /// Whether the fault applies to this connection.
    faulty: bool,
    version: Option<Version>,
    subscriptions: HashMap<String, AckMode>,
    transactions: HashMap<String, Vec<Out>>,
    fired: bool,
    silent: bool,
    closed: bool,
    session: u64,
}

impl Peer {
    /// A peer for connection number `session`, playing `scenario`'s fault if `faulty`.
    pub fn new(scenario: Scenario, faulty: bool, session: u64) -> Peer {
        Peer {
            scenario,
            faulty,
            version: None,
            subscriptions: HashMap::new(),
            transactions: HashMap::new(),
            fired: false,
            silent: false,
            closed: false,
            session,
        }
    }

    /// The negotiated version, once CONNECTED has been sent.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Whether the fault is active and is `fault`.
    fn is(&self, fault: Fault) -> bool {
        self.faulty && self.scenario.fault == fault
    }

    /// A frame from the client.
    pub fn on_frame(&mut self, frame: Frame) -> Vec<Out> {
        if self.silent || self.closed {
            return Vec::new();
        }
        let mut out = Vec::new();
        match (self.version, frame.command) {
            (None, Command::Connect | Command::Stomp) => self.connect(&frame, &mut out),
            (None, command) => self.error(&mut out, &format!("{command} before CONNECT"), None),
            (Some(_), Command::Connect | Command::Stomp) => {
                self.error(&mut out, "already connected", None)
            }
            (Some(version), _) => self.command(version, frame, &mut out),
        }
        out
    }

    /// The client's bytes broke the protocol: ERROR, then close.
    pub fn on_parse_error(&mut self, error: ParseError) -> Vec<Out> {
        let mut out = Vec::new();
        if !self.silent && !self.closed {
            self.error(&mut out, &error.to_string(), None);
        }
        out
    }

    /// A message routed here by the hub; nothing if the subscription is gone or the peer is silent.
    pub fn deliver(&mut self, delivery: Delivery) -> Vec<Out> {
        let Some(mode) = self.subscriptions.get(&delivery.subscription).copied() else {
            return Vec::new();
        };
        if self.silent || self.closed {
            return Vec::new();
        }
        let mut frame = Frame::new(Command::Message);
        for (name, value) in &delivery.headers {
            frame.headers.push(name, value);
        }
        frame.headers.set("subscription", &delivery.subscription);
        frame.headers.set("message-id", &delivery.message_id);
        if self.version == Some(Version::V1_2) && mode != AckMode::Auto {
            frame.headers.set("ack", &delivery.message_id);
        }
        frame.body = delivery.body;
        vec![Out::Frame(frame)]
    }

    fn connect(&mut self, frame: &Frame, out: &mut Vec<Out>) {
        if self.is(Fault::NeverConnected) {
            self.silent = true;
            return;
        }
        let offered: Vec<Version> = match frame.headers.get("accept-version") {
            None => vec![Version::V1_0],
            Some(list) => list
                .split(',')
                .filter_map(|v| Version::parse(v.trim()))
                .collect(),
        };
        let Some(version) = self
            .scenario
            .versions
            .iter()
            .copied()
            .filter(|v| offered.contains(v))
            .max()
        else {
            let supported: Vec<&str> = self.scenario.versions.iter().map(|v| v.as_str()).collect();
            let mut error = Frame::new(Command::Error)
                .header("version", &supported.join(","))
                .header("content-type", "text/plain")
                .header("message", "no common protocol version");
            error.body = format!("Supported protocol versions are {}", supported.join(" ")).into();
            out.push(Out::Frame(error));
            out.push(Out::Close);
            self.closed = true;
            return;
        };
        if self.fires(Trigger::Connect) && self.one_shot(out) {
            return;
        }
        self.version = Some(version);
        let mut connected = Frame::new(Command::Connected);
        if version != Version::V1_0 {
            connected.headers.push("version", version.as_str());
        }
        let (sx, sy) = self.scenario.heartbeat;
        let (_, cy) = frame
            .headers
            .get("heart-beat")
            .and_then(parse_heartbeat)
            .unwrap_or((0, 0));
        if version != Version::V1_0 && self.scenario.heartbeat_header {
            connected.headers.push("heart-beat", &format!("{sx},{sy}"));
        }
        connected
            .headers
            .push("session", &format!("session-{}", self.session));
        connected.headers.push("server", "stomp-test-broker/0.0");
        out.push(Out::Frame(connected));
        if self.is(Fault::Silent) {
            self.silent = true;
            return;
        }
        let every = if version != Version::V1_0 && sx > 0 && cy > 0 {
            sx.max(cy)
        } else {
            0
        };
        out.push(Out::Heartbeat(every));
        if self.fires(Trigger::Connected) {
            self.one_shot(out);
        }
    }

    fn command(&mut self, version: Version, frame: Frame, out: &mut Vec<Out>) {
        let receipt = frame.headers.get("receipt").map(str::to_owned);
        let command = frame.command;
        let result = match command {
            Command::Send => self.send(frame, out),
            Command::Subscribe => self.subscribe(version, &frame, out),
            Command::Unsubscribe => self.unsubscribe(version, &frame, out),
            Command::Ack | Command::Nack => ack(version, &frame),
            Command::Begin => self.begin(&frame),
            Command::Commit | Command::Abort => self.end_transaction(&frame, out),
            Command::Disconnect => Ok(()),
            command => Err(format!("{command} is not a client frame")),
        };
        if let Err(message) = result {
            self.error(out, &message, receipt.as_deref());
            return;
        }
        if let Some(id) = receipt {
            if !self.is(Fault::NoReceipt) {
                out.push(Out::Frame(
                    Frame::new(Command::Receipt).header("receipt-id", &id),
                ));
            }
        }
        match command {
            Command::Disconnect => {
                out.push(Out::Close);
                self.closed = true;
            }
            Command::Subscribe if self.fires(Trigger::Subscribe) => {
                self.one_shot(out);
            }
            Command::Send if self.fires(Trigger::Send) => {
                self.one_shot(out);
            }
            _ => {}
        }
    }

    fn send(&mut self, frame: Frame, out: &mut Vec<Out>) -> Result<(), String> {
        let destination = required(&frame, "destination")?.to_owned();
        let headers: Vec<(String, String)> = frame
            .headers
            .iter()
            .filter(|(name, _)| !matches!(*name, "receipt" | "transaction" | "content-length"))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let publish = Out::Publish {
            destination,
            headers,
            body: frame.body,
        };
        match frame.headers.get("transaction") {
            Some(tx) => self
                .transactions
                .get_mut(tx)
                .ok_or_else(|| format!("unknown transaction '{tx}'"))?
                .push(publish),
            None => out.push(publish),
        }
        Ok(())
    }

    fn subscribe(
        &mut self,
        version: Version,
        frame: &Frame,
        out: &mut Vec<Out>,
    ) -> Result<(), String> {
        let destination = required(frame, "destination")?.to_owned();
        let id = match (version, frame.headers.get("id")) {
            (_, Some(id)) => id.to_owned(),
            (Version::V1_0, None) => destination.clone(),
            (_, None) => return Err("SUBSCRIBE without 'id'".into()),
        };
        let mode = match frame.headers.get("ack").unwrap_or("auto") {
            "auto" => AckMode::Auto,
            "client" => AckMode::Client,
            "client-individual" if version != Version::V1_0 => AckMode::ClientIndividual,
            other => return Err(format!("unknown ack mode '{other}'")),
        };
        if self.subscriptions.insert(id.clone(), mode).is_some() {
            return Err(format!("subscription id '{id}' already in use"));
        }
        out.push(Out::Subscribe { id, destination });
        Ok(())
    }

    fn unsubscribe(
        &mut self,
        version: Version,
        frame: &Frame,
        out: &mut Vec<Out>,
    ) -> Result<(), String> {
        let id = match (
            version,
            frame.headers.get("id"),
            frame.headers.get("destination"),
        ) {
            (_, Some(id), _) => id.to_owned(),
            (Version::V1_0, None, Some(destination)) => destination.to_owned(),
            _ => return Err("UNSUBSCRIBE without 'id'".into()),
        };
        if self.subscriptions.remove(&id).is_none() {
            return Err(format!("no subscription '{id}'"));
        }
        out.push(Out::Unsubscribe { id });
        Ok(())
    }

    fn begin(&mut self, frame: &Frame) -> Result<(), String> {
        let tx = required(frame, "transaction")?.to_owned();
        if self.transactions.insert(tx.clone(), Vec::new()).is_some() {
            return Err(format!("transaction '{tx}' already begun"));
        }
        Ok(())
    }

    fn end_transaction(&mut self, frame: &Frame, out: &mut Vec<Out>) -> Result<(), String> {
        let tx = required(frame, "transaction")?;
        let sends = self
            .transactions
            .remove(tx)
            .ok_or_else(|| format!("unknown transaction '{tx}'"))?;
        if frame.command == Command::Commit {
            out.extend(sends);
        }
        Ok(())
    }

    fn error(&mut self, out: &mut Vec<Out>, message: &str, receipt: Option<&str>) {
        let mut error = Frame::new(Command::Error).header("message", &header_safe(message));
        if let Some(id) = receipt {
            error.headers.push("receipt-id", id);
        }
        error.headers.push("content-type", "text/plain");
        error.body = message.as_bytes().to_vec();
        out.push(Out::Frame(error));
        out.push(Out::Close);
        self.closed = true;
    }

    /// Whether the one-shot fault fires at `trigger` now (once per connection).
    fn fires(&self, trigger: Trigger) -> bool {
        self.faulty && !self.fired && self.scenario.trigger == trigger
    }

    /// Plays the one-shot fault; returns whether the session ends with it (nothing may follow).
    fn one_shot(&mut self, out: &mut Vec<Out>) -> bool {
        self.fired = true;
        match self.scenario.fault {
            Fault::Garbage => {
                out.push(Out::Raw(b"GARBAGE\x01 this is not STOMP\n\n\0".to_vec()));
                false
            }
            Fault::EolFlood => {
                out.push(Out::Raw(vec![b'\n'; self.scenario.size]));
                false
            }
            Fault::OverLimit => {
                out.push(Out::Frame(oversize_message(&self.scenario)));
                false
            }
            Fault::DropMidFrame => {
                let mut bytes = Vec::new();
                let frame = Frame::new(Command::Message)
                    .header("destination", "/dropped")
                    .header("subscription", "dropped")
                    .header("message-id", "dropped")
                    .body("this frame is never finished");
                // Escaping never matters for these headers.
                let _ = frame.encode(Default::default(), &mut bytes);
                bytes.truncate(bytes.len() / 2);
                out.push(Out::Raw(bytes));
                out.push(Out::Drop);
                self.closed = true;
                true
            }
            Fault::ErrorClose => {
                let mut error = Frame::new(Command::Error)
                    .header("message", "fault injected: error-close")
                    .header("content-type", "text/plain");
                error.body = b"the test broker was asked to fail this connection".to_vec();
                out.push(Out::Frame(error));
                out.push(Out::Close);
                self.closed = true;
                true
            }
            _ => false,
        }
    }
}

/// A MESSAGE over the limit the scenario names (sent to no subscription in particular).
fn oversize_message(scenario: &Scenario) -> Frame {
    let size = scenario.over_limit_size();
    let mut frame = Frame::new(Command::Message)
        .header("destination", "/over-limit")
        .header("subscription", "over-limit")
        .header("message-id", "over-limit");
    match scenario.limit {
        LimitKind::HeaderBytes => frame.headers.push("x-big", &"h".repeat(size)),
        LimitKind::Headers => {
            // `size` headers in all, the three above included.
            for n in 3..size {
                frame.headers.push(&format!("x-{n}"), "1");
            }
        }
        LimitKind::Body => frame.body = vec![b'b'; size],
    }
    frame
}

/// Checks the headers an ACK or NACK needs under `version`.
fn ack(version: Version, frame: &Frame) -> Result<(), String> {
    match version {
        Version::V1_0 if frame.command == Command::Nack => {
            Err("NACK does not exist in STOMP 1.0".into())
        }
        Version::V1_0 => required(frame, "message-id").map(drop),
        Version::V1_1 => required(frame, "message-id")
            .and(required(frame, "subscription"))
            .map(drop),
        Version::V1_2 => required(frame, "id").map(drop),
    }
}

fn required<'a>(frame: &'a Frame, name: &str) -> Result<&'a str, String> {
    frame
        .headers
        .get(name)
        .ok_or_else(|| format!("{} without '{name}'", frame.command))
}

/// A message made safe for a header under any version (no line breaks, no colons, no backslashes).
fn header_safe(message: &str) -> String {
    message
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | ':' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `"cx,cy"` into numbers.
pub fn parse_heartbeat(value: &str) -> Option<(u64, u64)> {
    let (x, y) = value.split_once(',')?;
    Some((x.trim().parse().ok()?, y.trim().parse().ok()?))
}

/// The headers of `frame` as owned pairs (for records).
pub fn header_pairs(headers: &Headers) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests;
