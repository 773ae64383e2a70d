//! The invariants, checked from what a driver and a broker can see: the commands the application
//! issued (each numbered by its `x-seq` header) and what became of them, the frames the broker read
//! on each connection, and the events. The driver calls it as it goes; any breach panics, naming
//! the rule.
//!
//! 1. Issue order: on each connection, the frames the broker reads are in the order their commands
//!    were issued — after the frames the session writes by itself at the start of a connection
//!    (the SUBSCRIBEs it restores, in the order they were made, then the at-least-once frames
//!    awaiting their RECEIPT, oldest first). No frame is read twice on one connection, no frame
//!    but an at-least-once SEND (at the start) on two; a COMMIT/ABORT comes after every SEND of
//!    its transaction issued before it; DISCONNECT comes last, and only after a graceful
//!    `disconnect` on that connection.
//! 2. No ACK/NACK crosses a connection: one issued on connection k is read on k only, and a
//!    stamped one (`AckTarget::of`) names the message it was made from, which k delivered.
//! 3. No transactional frame crosses a connection: a frame with a `transaction` header is read
//!    only on the connection its BEGIN was read on; UNSUBSCRIBE, BEGIN, COMMIT and ABORT only on
//!    the connection they were issued on, and UNSUBSCRIBE only where its SUBSCRIBE was read.
//! 4. Every publish settles exactly once, by its own ticket: `Sent` without a receipt at once
//!    (and the broker has read it when the call returns); `Queued` without one by the first
//!    `Written` covering it (the broker has read it then) or its `SendFailed`; with a receipt by
//!    one `Receipt`, `ReceiptFailed` or `SendFailed` naming its ticket and receipt. Every other
//!    receipt settles exactly once too, without a ticket. At the end (a forced disconnect),
//!    everything has settled.
//! 5. Bounds: `retained()` bytes within `max_unconfirmed_bytes`; a publish accepted while not
//!    connected found the queue below `max_queued_frames`/`max_queued_bytes`; a publish made
//!    while connected is never refused by those.
//! 6. (in the driver) A MESSAGE never ends a connection: it is reported once, as a message, an
//!    unhandled one, or `MessageRefused` with the limit it broke and its naming headers.
//! 7. `StateChanged` starts from the state the session was in; connections count up by one; after
//!    a CONNECTED every live subscription was SUBSCRIBEd and every unconfirmed at-least-once frame
//!    sent again.
//!
//! One file (~700 lines): the rules share one record of what was issued, read and settled, and
//! reading them side by side is how a gap between two rules is seen.

use std::collections::{BTreeMap, BTreeSet};

use stomp_wasm::frame::{Command, Frame, Version};
use stomp_wasm::session::{
    CommandError, Config, Event, SendOptions, SendOutcome, Session, State, Ticket,
};

use super::SEQ;

/// A message the session delivered (`Message` or `MessageRefused`), with its connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    /// The connection that delivered it.
    pub connection: u64,
    /// The frame as the session reported it.
    pub frame: Frame,
}

/// What an issued command was.
#[derive(Debug, Clone)]
pub enum Kind {
    /// SUBSCRIBE of this id.
    Subscribe(String),
    /// UNSUBSCRIBE of this id.
    Unsubscribe(String),
    /// ACK or NACK; of this message when stamped.
    Ack {
        /// ACK or NACK.
        command: Command,
        /// The message a stamped ACK was made from.
        names: Option<Delivered>,
        /// Its transaction.
        tx: Option<String>,
    },
    /// BEGIN, COMMIT or ABORT of this transaction.
    Tx(Command, String),
    /// A SEND.
    Send {
        /// Its ticket.
        ticket: Ticket,
        /// Its transaction.
        tx: Option<String>,
    },
}

impl Kind {
    fn command(&self) -> Command {
        match self {
            Kind::Subscribe(_) => Command::Subscribe,
            Kind::Unsubscribe(_) => Command::Unsubscribe,
            Kind::Ack { command, .. } | Kind::Tx(command, _) => *command,
            Kind::Send { .. } => Command::Send,
        }
    }
}

/// An accepted command.
#[derive(Debug)]
struct Issued {
    kind: Kind,
    /// The connection it belongs to (a frame that must not reach another): ACK, NACK,
    /// UNSUBSCRIBE, BEGIN, COMMIT, ABORT, a transactional SEND, and a SUBSCRIBE made while connected.
    scope: Option<u64>,
    /// The connection it was issued on, if connected then.
    issued_on: Option<u64>,
    /// The connections the broker read it on.
    read_on: Vec<u64>,
}

/// An accepted publish.
#[derive(Debug)]
struct Publish {
    seq: u64,
    receipt: Option<String>,
    retain: bool,
    outcome: SendOutcome,
    /// How many events settled it (`Sent` without a receipt: 1 at once).
    settled: u32,
}

/// A receipt an accepted command asked for.
#[derive(Debug)]
struct Asked {
    ticket: Option<Ticket>,
    settled: u32,
}

/// Where the start of a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// The restored SUBSCRIBEs (the last one's `x-seq`).
    Subscribes(u64),
    /// The at-least-once frames sent again (the last one's ticket).
    Resends(Ticket),
}

/// What the broker read on one connection.
#[derive(Debug)]
struct Connection {
    version: Version,
    /// Still in the frames the session writes by itself at CONNECTED.
    start: Option<Start>,
    /// The last `x-seq` read after the start.
    last_seq: u64,
    /// Subscriptions SUBSCRIBEd on it and not UNSUBSCRIBEd.
    subscribed: BTreeSet<String>,
    /// DISCONNECT was read.
    disconnected: bool,
}

/// The invariants' bookkeeping.
#[derive(Debug)]
pub struct Checker {
    next_seq: u64,
    commands: BTreeMap<u64, Issued>,
    publishes: BTreeMap<Ticket, Publish>,
    last_ticket: Ticket,
    receipts: BTreeMap<String, Asked>,
    connections: BTreeMap<u64, Connection>,
    last_connection: u64,
    /// The connection accepted in the current pump, if any.
    connected_now: Option<u64>,
    /// Messages delivered, of every connection.
    delivered: Vec<Delivered>,
    /// Transactions whose BEGIN the broker read: the connection and the BEGIN's `x-seq`.
    begun: BTreeMap<String, (u64, u64)>,
    /// The connection a graceful disconnect was issued on.
    disconnect_on: Option<u64>,
    /// Commands reported `Sent`: the broker must have read them by the end of the pump.
    must_be_read: Vec<u64>,
    /// The largest `max_unconfirmed_bytes` configured (lowering it applies to later publishes).
    max_unconfirmed: usize,
    id_prefix: String,
    state: State,
    /// How often each rule was checked on something that could break it (for tuning generators).
    pub counts: BTreeMap<&'static str, u64>,
}

impl Checker {
    /// Bookkeeping for a session made with `config`.
    pub fn new(config: &Config) -> Checker {
        Checker {
            next_seq: 0,
            commands: BTreeMap::new(),
            publishes: BTreeMap::new(),
            last_ticket: 0,
            receipts: BTreeMap::new(),
            connections: BTreeMap::new(),
            last_connection: 0,
            connected_now: None,
            delivered: Vec::new(),
            begun: BTreeMap::new(),
            disconnect_on: None,
            must_be_read: Vec::new(),
            max_unconfirmed: config.max_unconfirmed_bytes,
            id_prefix: config.id_prefix.clone(),
            state: State::Inactive,
            counts: BTreeMap::new(),
        }
    }

    // ----- what the application did -----

    /// The issue number for the next command.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// The configuration now (before a step).
    pub fn set_config(&mut self, config: &Config) {
        self.max_unconfirmed = self.max_unconfirmed.max(config.max_unconfirmed_bytes);
        assert_eq!(config.id_prefix, self.id_prefix);
    }

    /// A command was accepted; `scope`: the connection it was issued on, if connected.
    pub fn issued(&mut self, seq: u64, kind: Kind, scope: Option<u64>) {
        let read_on = Vec::new();
        let issued = Issued {
            kind,
            scope,
            issued_on: scope,
            read_on,
        };
        assert!(self.commands.insert(seq, issued).is_none());
    }

    /// An ACK or NACK was accepted and said `Sent`: the broker reads it in this step.
    pub fn must_be_read(&mut self, seq: u64) {
        self.must_be_read.push(seq);
    }

    /// An accepted command asked for `receipt` (for the publish `ticket`, if a SEND).
    pub fn asked(&mut self, receipt: Option<String>, ticket: Option<Ticket>) {
        if let Some(id) = receipt {
            let asked = Asked { ticket, settled: 0 };
            assert!(
                self.receipts.insert(id.clone(), asked).is_none(),
                "receipt {id} asked for twice"
            );
        }
    }

    /// A graceful disconnect began on `connection`: its DISCONNECT may be read there, last.
    pub fn disconnect_issued(&mut self, connection: u64) {
        self.disconnect_on = Some(connection);
    }

    /// A `send` or `send_head` returned `result`; `own`: the receipt header it carried.
    pub fn sent(
        &mut self,
        seq: u64,
        own: Option<String>,
        tx: Option<String>,
        options: SendOptions,
        result: Result<(Ticket, SendOutcome), &CommandError>,
        session: &Session,
    ) {
        let state = session.state();
        let (ticket, outcome) = match result {
            Err(error) => {
                if state == State::Connected {
                    if matches!(error, CommandError::QueueFull { .. }) {
                        bump(
                            &mut self.counts,
                            "at-least-once refused over max_unconfirmed_bytes",
                        );
                    }
                    assert!(
                        !matches!(error, CommandError::QueueFull { limit }
                            if *limit != "max_unconfirmed_bytes"),
                        "a publish refused while connected: {error:?}"
                    );
                }
                return;
            }
            Ok(accepted) => accepted,
        };
        assert_eq!(ticket, self.last_ticket + 1, "tickets count up by one");
        self.last_ticket = ticket;
        if state != State::Connected {
            assert_eq!(outcome, SendOutcome::Queued, "sent while {state}");
            let config = session.config();
            let (frames, bytes) = session.queued();
            bump(&mut self.counts, "publish queued while not connected");
            assert!(
                frames <= config.max_queued_frames && bytes <= config.max_queued_bytes,
                "a publish accepted while {state} made the queue {frames} frames, {bytes} bytes \
                 (bounds {}, {})",
                config.max_queued_frames,
                config.max_queued_bytes
            );
        }
        let receipt = own.or_else(|| {
            (options.receipt || options.retain).then(|| format!("{}{ticket}", self.id_prefix))
        });
        let scope = tx.as_ref().map(|_| session.connection());
        self.issued(seq, Kind::Send { ticket, tx }, scope);
        if let Some(issued) = self.commands.get_mut(&seq) {
            issued.issued_on = (state == State::Connected).then(|| session.connection());
        }
        let settled = u32::from(receipt.is_none() && outcome == SendOutcome::Sent);
        self.asked(receipt.clone(), Some(ticket));
        let publish = Publish {
            seq,
            receipt,
            retain: options.retain,
            outcome,
            settled,
        };
        self.publishes.insert(ticket, publish);
        if outcome == SendOutcome::Sent {
            self.must_be_read.push(seq);
        }
    }

    /// One of the last 8 messages delivered, chosen by `pick`.
    pub fn delivered(&self, pick: usize) -> Option<Delivered> {
        let recent = &self.delivered[self.delivered.len().saturating_sub(8)..];
        let n = recent.len();
        (n > 0).then(|| recent[pick % n].clone())
    }

    /// The subscriptions the broker knows on `connection`.
    pub fn subscribed_on(&self, connection: u64) -> Vec<String> {
        self.connections
            .get(&connection)
            .map(|c| c.subscribed.iter().cloned().collect())
            .unwrap_or_default()
    }

    // ----- what the driver saw -----

    /// `Event::Connected` for `connection`: what the broker reads on the transport from now on
    /// is that connection's.
    pub fn connected(&mut self, connection: u64, version: Version) {
        assert_eq!(
            connection,
            self.last_connection + 1,
            "connections count up by one"
        );
        self.last_connection = connection;
        self.connected_now = Some(connection);
        self.connections.insert(
            connection,
            Connection {
                version,
                start: Some(Start::Subscribes(0)),
                last_seq: 0,
                subscribed: BTreeSet::new(),
                disconnected: false,
            },
        );
    }

    /// An event, in the order polled, before the frames of its step are read.
    pub fn state_event(&mut self, event: &Event) {
        if let Event::StateChanged { from, to } = event {
            assert_eq!(*from, self.state, "StateChanged from a state it was not in");
            assert_ne!(from, to, "StateChanged without a change");
            self.state = *to;
        }
    }

    /// The broker read `frame` on `connection` (after its CONNECTED).
    pub fn read(&mut self, k: u64, frame: &Frame) {
        let conn = self.connections.get_mut(&k).expect("a connection");
        assert!(
            !conn.disconnected,
            "{} read on connection {k} after its DISCONNECT",
            frame.command
        );
        if frame.command == Command::Disconnect {
            assert_eq!(
                self.disconnect_on,
                Some(k),
                "DISCONNECT on connection {k}, where no graceful disconnect was issued"
            );
            conn.disconnected = true;
            bump(&mut self.counts, "DISCONNECT read last");
            conn.start = None;
            return;
        }
        let seq: u64 = frame
            .headers
            .get(SEQ)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a frame no command made: {frame:?}"));
        let issued = self
            .commands
            .get_mut(&seq)
            .unwrap_or_else(|| panic!("x-seq {seq}: a frame of a refused command: {frame:?}"));
        let command = frame.command;
        assert_eq!(command, issued.kind.command(), "x-seq {seq}: {frame:?}");
        assert!(
            !issued.read_on.contains(&k),
            "{command} x-seq {seq} read twice on connection {k}"
        );
        let earlier = !issued.read_on.is_empty();
        // The start of the connection: restored SUBSCRIBEs, then at-least-once frames again.
        let mut at_start = false;
        if let Some(start) = conn.start {
            match (&issued.kind, start) {
                (Kind::Subscribe(_), Start::Subscribes(last)) => {
                    assert!(
                        seq > last,
                        "restored SUBSCRIBEs out of order on connection {k}"
                    );
                    conn.start = Some(Start::Subscribes(seq));
                    at_start = true;
                    bump(&mut self.counts, "SUBSCRIBE restored at the start");
                }
                (Kind::Send { ticket, .. }, start) if earlier => {
                    if let Start::Resends(last) = start {
                        assert!(
                            *ticket > last,
                            "at-least-once frames sent again out of order on connection {k}"
                        );
                    }
                    conn.start = Some(Start::Resends(*ticket));
                    at_start = true;
                    bump(&mut self.counts, "at-least-once SEND again at the start");
                }
                _ => conn.start = None,
            }
        }
        if !at_start {
            assert!(
                !earlier,
                "{command} x-seq {seq} read again on connection {k} (read on {:?} before), \
                 not at its start",
                issued.read_on
            );
            assert!(
                seq > conn.last_seq,
                "{command} x-seq {seq} read on connection {k} after x-seq {}: out of issue order",
                conn.last_seq
            );
            conn.last_seq = seq;
            bump(&mut self.counts, "frame in issue order");
            if issued.issued_on.is_some_and(|j| j < k) {
                bump(&mut self.counts, "SEND issued on an earlier connection");
            }
            let scoped = match &issued.kind {
                Kind::Send { tx, .. } => tx.is_some(),
                _ => true,
            };
            if scoped {
                assert_eq!(
                    issued.scope,
                    Some(k),
                    "{command} x-seq {seq} issued on connection {:?} read on connection {k}",
                    issued.scope
                );
            }
        }
        issued.read_on.push(k);
        let kind = issued.kind.clone();
        let conn = self.connections.get_mut(&k).expect("a connection");
        match &kind {
            Kind::Subscribe(id) => assert!(
                conn.subscribed.insert(id.clone()),
                "SUBSCRIBE {id} twice on connection {k}"
            ),
            Kind::Unsubscribe(id) => {
                assert_eq!(frame.headers.get("id"), Some(id.as_str()));
                bump(&mut self.counts, "UNSUBSCRIBE where SUBSCRIBEd");
                assert!(
                    conn.subscribed.remove(id),
                    "UNSUBSCRIBE {id} on connection {k}, where it was not SUBSCRIBEd"
                );
            }
            Kind::Ack {
                names: Some(message),
                ..
            } => {
                assert_eq!(
                    message.connection, k,
                    "{command} of a message of connection {} read on connection {k}",
                    message.connection
                );
                bump(&mut self.counts, "stamped ACK/NACK on its connection");
                let m = &message.frame.headers;
                let named = match conn.version {
                    Version::V1_2 => [("id", m.get("ack").or(m.get("message-id")))].to_vec(),
                    Version::V1_1 => [
                        ("message-id", m.get("message-id")),
                        ("subscription", m.get("subscription")),
                    ]
                    .to_vec(),
                    Version::V1_0 => [("message-id", m.get("message-id"))].to_vec(),
                };
                for (name, value) in named {
                    assert_eq!(
                        frame.headers.get(name),
                        value,
                        "{command} names another message: {frame:?} for {message:?}"
                    );
                }
            }
            Kind::Ack { names: None, .. } | Kind::Send { .. } => {}
            Kind::Tx(Command::Begin, id) => {
                self.begun.insert(id.clone(), (k, seq));
            }
            Kind::Tx(_, id) => {
                let begun = self.begun.remove(id);
                assert!(
                    begun.is_some_and(|(c, _)| c == k),
                    "{command} of {id} on connection {k}, its BEGIN on {begun:?}"
                );
                let begin_seq = begun.map_or(0, |(_, s)| s);
                bump(&mut self.counts, "COMMIT/ABORT after its SENDs");
                // Every SEND of the transaction issued before it was read before it, here.
                for (s, earlier) in self.commands.range(begin_seq + 1..seq) {
                    if let Kind::Send { tx: Some(t), .. } = &earlier.kind {
                        assert!(
                            t != id || earlier.read_on.contains(&k),
                            "{command} of {id} (x-seq {seq}) read before its SEND x-seq {s}"
                        );
                    }
                }
            }
        }
        if let Some(tx) = frame.headers.get("transaction") {
            if !is_tx_command(frame.command) {
                bump(
                    &mut self.counts,
                    "transactional frame on its BEGIN's connection",
                );
                let begun = self.begun.get(tx).map(|(c, _)| *c);
                assert_eq!(
                    begun,
                    Some(k),
                    "{command} in transaction {tx} read on connection {k}, its BEGIN on {begun:?}"
                );
            }
        }
    }

    /// An event, after the frames of its step were read; `current`: the session's connection.
    pub fn event(&mut self, event: &Event, current: u64) {
        match event {
            Event::Message {
                connection, frame, ..
            }
            | Event::MessageRefused {
                connection, frame, ..
            } => {
                assert_eq!(
                    *connection, current,
                    "a message stamped with another connection"
                );
                self.delivered.push(Delivered {
                    connection: *connection,
                    frame: frame.clone(),
                });
            }
            Event::Receipt { id, ticket, .. } | Event::ReceiptFailed { id, ticket, .. } => {
                let asked = self
                    .receipts
                    .get_mut(id)
                    .unwrap_or_else(|| panic!("receipt {id} settled but never asked for"));
                asked.settled += 1;
                assert_eq!(asked.settled, 1, "receipt {id} settled twice: {event:?}");
                assert_eq!(*ticket, asked.ticket, "{event:?} names another publish");
                if let Some(ticket) = ticket {
                    bump(&mut self.counts, "publish settled by its receipt");
                    self.settle(*ticket, event);
                }
            }
            Event::SendFailed {
                ticket, receipt, ..
            } => {
                let publish = self
                    .publishes
                    .get(ticket)
                    .unwrap_or_else(|| panic!("{event:?}: no such publish"));
                assert_eq!(receipt, &publish.receipt, "{event:?} names another receipt");
                if let Some(id) = receipt {
                    let asked = self.receipts.get_mut(id).expect("asked");
                    asked.settled += 1;
                    assert_eq!(asked.settled, 1, "receipt {id} settled twice: {event:?}");
                }
                bump(&mut self.counts, "publish settled by SendFailed");
                self.settle(*ticket, event);
            }
            Event::Written { through } => {
                let last = self
                    .publishes
                    .get(through)
                    .unwrap_or_else(|| panic!("{event:?}: no such publish"));
                assert_eq!(last.outcome, SendOutcome::Queued, "{event:?} of a sent one");
                for (ticket, publish) in self.publishes.range_mut(..=through) {
                    let waiting = publish.outcome == SendOutcome::Queued
                        && publish.receipt.is_none()
                        && publish.settled == 0;
                    if waiting || ticket == through {
                        let issued = &self.commands[&publish.seq];
                        assert!(
                            !issued.read_on.is_empty(),
                            "{event:?}, but publish {ticket} was never written"
                        );
                    }
                    if waiting {
                        bump(&mut self.counts, "publish settled by Written");
                        publish.settled = 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn settle(&mut self, ticket: Ticket, event: &Event) {
        let publish = self
            .publishes
            .get_mut(&ticket)
            .unwrap_or_else(|| panic!("{event:?}: no such publish"));
        publish.settled += 1;
        assert_eq!(
            publish.settled, 1,
            "publish {ticket} settled twice, the second time by {event:?}"
        );
    }

    /// The checks at the end of each pump.
    pub fn end_of_pump(&mut self, session: &Session) {
        assert_eq!(
            session.state(),
            self.state,
            "state() disagrees with the events"
        );
        for seq in std::mem::take(&mut self.must_be_read) {
            let issued = &self.commands[&seq];
            assert!(
                !issued.read_on.is_empty(),
                "{:?} (x-seq {seq}) said Sent, and the broker did not read it",
                issued.kind
            );
        }
        if let Some(k) = self.connected_now.take() {
            let conn = self.connections.get_mut(&k).expect("a connection");
            conn.start = None;
            for id in session.subscription_ids() {
                assert!(
                    conn.subscribed.contains(id),
                    "subscription {id} not restored on connection {k}"
                );
            }
            for (ticket, publish) in &self.publishes {
                let read_on = &self.commands[&publish.seq].read_on;
                if publish.retain && publish.settled == 0 && read_on.iter().any(|c| *c < k) {
                    bump(&mut self.counts, "unconfirmed at-least-once sent again");
                    assert!(
                        read_on.contains(&k),
                        "at-least-once publish {ticket} not sent again on connection {k}"
                    );
                }
            }
        }
        let (retained, unconfirmed) = session.retained();
        if retained > 0 {
            bump(&mut self.counts, "retained within max_unconfirmed_bytes");
        }
        assert!(
            unconfirmed <= self.max_unconfirmed,
            "{unconfirmed} unconfirmed bytes, over {}",
            self.max_unconfirmed
        );
        assert!(session.pending_receipts() <= self.receipts.len());
    }

    /// At the end of a run: every publish and every receipt settled exactly once.
    pub fn all_settled(&self) {
        for (ticket, publish) in &self.publishes {
            assert_eq!(
                publish.settled, 1,
                "publish {ticket} ({publish:?}) never settled"
            );
        }
        for (id, asked) in &self.receipts {
            assert_eq!(asked.settled, 1, "receipt {id} ({asked:?}) never settled");
        }
    }
}

fn is_tx_command(command: Command) -> bool {
    matches!(command, Command::Begin | Command::Commit | Command::Abort)
}

fn bump(counts: &mut BTreeMap<&'static str, u64>, rule: &'static str) {
    *counts.entry(rule).or_default() += 1;
}
