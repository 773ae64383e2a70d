//! [`Session`]: the protocol engine. Inputs (`handle_*`), commands, and outputs (`poll_*`); time is
//! passed in. Every rule of STOMP that depends on state is decided here and nowhere else.
//!
//! This file holds the state (every field, documented once) and the inputs and outputs; the rules
//! live in `engine/` by what they handle (connection, incoming, outgoing, commands, app), which is
//! why it is a little over 500 lines.

use alloc::borrow::ToOwned;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::{
    encode, numbered, push_decimal, Command, EncodeOptions, Frame, Headers, Item, ParseError,
    Parser, Skipped, Version, HEARTBEAT,
};

use super::backoff::Backoff;
use super::config::{url_host, Config, HostHeader, Millis};
use super::error::{CommandError, ReceiptError};
use super::event::{
    Action, CloseInfo, CloseReason, ConnectFailure, Event, NegotiatedHeartbeat, Ticket, Transmit,
};
use super::ids::{sorted, IdSet};
use super::outbox::{AckRequest, Job, Outbox, Queued, SendJob};
use super::receipts::{Receipts, Waiter};
use super::retained::{Kept, Retained};
use super::state::State;
use super::subscriptions::{Subscription, Subscriptions};
use super::timers::{Timer, TimerTable};

mod app;
mod commands;
mod connection;
mod incoming;
mod outgoing;

/// Options for [`Session::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendOptions {
    /// Send the frame as a binary WebSocket message even if its body is UTF-8 (stompjs's
    /// `binaryBody`). A body that is not UTF-8 always goes as binary. A binary body always carries
    /// `content-length` (as stompjs: `skip_content_length` does not apply to it).
    pub binary: bool,
    /// Leave out `content-length` (stompjs's `skipContentLengthHeader`), for a text body.
    pub skip_content_length: bool,
    /// Ask the broker for a RECEIPT: the session adds a `receipt` header (`<id_prefix><ticket>`)
    /// unless the headers carry one, and reports it as [`Event::Receipt`] /
    /// [`Event::ReceiptFailed`] with the publish's ticket.
    pub receipt: bool,
    /// At-least-once: as `receipt`, plus a `dedup-id` header (the receipt, unless the headers carry
    /// one), and the frame stays in the session until its RECEIPT, sent again, with the same
    /// headers, after every reconnect until then — after the subscriptions, before newer frames, in
    /// order. Its receipt does not time out; it is given up with the session's queue, or after
    /// [`Config::max_delivery_attempts`](super::Config::max_delivery_attempts). Bounded by
    /// `max_unconfirmed_bytes`. Duplicates are possible (at-least-once).
    pub retain: bool,
}

/// Whether a frame went out now or waits in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// Encoded and handed to [`Session::poll_transmit`].
    Sent,
    /// Waiting, in issue order: for a connection, or for the transport to drain (backpressure).
    Queued,
}

/// An accepted publish: its ticket (named by the events that settle it) and whether it went out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// The publish's ticket.
    pub ticket: Ticket,
    /// Written now, or waiting ([`Event::Written`] says when it is written, [`Event::SendFailed`]
    /// if it is given up).
    pub outcome: SendOutcome,
}

/// Which message an ACK or NACK refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckTarget {
    /// The MESSAGE's `ack` header (1.2), if known.
    pub ack: Option<String>,
    /// The MESSAGE's `message-id` (1.0, 1.1; and the 1.2 `id` when `ack` is unknown, as stompjs
    /// passes it).
    pub message_id: String,
    /// The subscription the MESSAGE came through.
    pub subscription: String,
    /// The connection that delivered the message ([`Event::Message`]); the ACK/NACK is sent only
    /// on it. `None`: the current one (stompjs's `ack(messageId, subscriptionId)`).
    pub connection: Option<u64>,
}

impl AckTarget {
    /// The target stompjs's `ack(messageId, subscriptionId)` names: `message_id` is the MESSAGE's
    /// `ack` header under 1.2 and its `message-id` before. It goes to the current connection.
    pub fn by_id(message_id: &str, subscription: &str) -> AckTarget {
        AckTarget {
            ack: None,
            message_id: message_id.to_owned(),
            subscription: subscription.to_owned(),
            connection: None,
        }
    }

    /// The target of a MESSAGE frame delivered on `connection`.
    pub fn of(message: &Frame, connection: u64) -> AckTarget {
        let header = |name| message.headers.get(name).unwrap_or("").to_owned();
        AckTarget {
            ack: message.headers.get("ack").map(str::to_owned),
            message_id: header("message-id"),
            subscription: header("subscription"),
            connection: Some(connection),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    None,
    Opening,
    Open,
}

/// The STOMP protocol engine, sans I/O. See the [module documentation](super) for the call contract.
#[derive(Debug)]
pub struct Session {
    config: Config,
    state: State,
    transport: Transport,
    url_index: usize,
    parser: Parser,
    version: Option<Version>,
    heartbeat: NegotiatedHeartbeat,
    server_headers: Headers,
    last_sent: Millis,
    last_received: Millis,
    /// Set when a liveness check ran late (see `woke_late`): the broker has until then to be heard.
    late_wake_grace: Option<Millis>,
    timers: TimerTable,
    subscriptions: Subscriptions,
    receipts: Receipts,
    /// What waits to be written, in issue order.
    queue: Outbox,
    /// At-least-once SENDs written and not yet receipted.
    retained: Retained,
    /// The current (or last) connection's number: counts CONNECTEDs.
    connection: u64,
    /// The broker sent an ERROR on the current connection.
    error_seen: bool,
    /// The connection that is ending was closed by the broker deliberately (see `handle_close`).
    refused_close: bool,
    /// The version of the last CONNECTED: what frames made while reconnecting are checked against.
    last_version: Option<Version>,
    next_ticket: Ticket,
    /// What the transport holds unwritten, as far as the session knows: the driver's last report
    /// plus every byte handed out since (counted only under `max_buffered_bytes`).
    buffered: usize,
    /// A report found the transport over `max_buffered_bytes`: frames wait in the outbox until one
    /// finds it half drained.
    congested: bool,
    /// Open transactions.
    transactions: IdSet,
    next_receipt: u64,
    next_transaction: u64,
    /// Reconnect attempts scheduled in the current streak: since `connect`, or since the end of the
    /// last connection that stayed up for `stable_after`.
    streak: u32,
    /// When the current connection got CONNECTED.
    connected_at: Option<Millis>,
    /// `connect` was called while disconnecting: start an attempt when the disconnect finishes.
    connect_after_disconnect: bool,
    /// When the app was hidden, while it is.
    hidden_since: Option<Millis>,
    /// The current hide has been taken as a suspension (the transport is gone).
    suspended: bool,
    backoff: Backoff,
    events: VecDeque<Event>,
    actions: VecDeque<Action>,
    transmits: VecDeque<Transmit>,
}

impl Session {
    /// A new, inactive session.
    pub fn new(config: Config) -> Session {
        Session {
            parser: Parser::with_limits(config.limits)
                .lenient_before_version(true)
                .skip_oversized(true)
                .skip_only(Command::Message),
            backoff: Backoff::new(config.reconnect.seed),
            config,
            state: State::Inactive,
            transport: Transport::None,
            url_index: 0,
            version: None,
            heartbeat: NegotiatedHeartbeat::default(),
            server_headers: Headers::new(),
            last_sent: 0,
            last_received: 0,
            late_wake_grace: None,
            timers: TimerTable::default(),
            subscriptions: Subscriptions::default(),
            receipts: Receipts::default(),
            queue: Outbox::default(),
            retained: Retained::default(),
            connection: 0,
            error_seen: false,
            refused_close: false,
            last_version: None,
            next_ticket: 0,
            buffered: 0,
            congested: false,
            transactions: IdSet::new(),
            next_receipt: 0,
            next_transaction: 0,
            streak: 0,
            connected_at: None,
            connect_after_disconnect: false,
            hidden_since: None,
            suspended: false,
            events: VecDeque::new(),
            actions: VecDeque::new(),
            transmits: VecDeque::new(),
        }
    }

    // ----- getters -----

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Whether the application wants the session connected, now or later (the last of
    /// [`connect`](Session::connect) and [`disconnect`](Session::disconnect) was `connect`): every
    /// state but `Inactive`, and `Disconnecting` only when a connect waits for the disconnect to
    /// finish. `Failed` counts (a [`reconnect_now`](Session::reconnect_now) or an app shown starts
    /// again). A driver keeps its page and app hooks installed while this is true.
    pub fn wants_active(&self) -> bool {
        match self.state {
            State::Inactive => false,
            State::Disconnecting => self.connect_after_disconnect,
            State::Connecting | State::Connected | State::Reconnecting | State::Failed => true,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the configuration. Applies from the next connection attempt (heart-beats, versions,
    /// headers) or the next decision (reconnect policy, queue bounds, timeouts).
    pub fn set_config(&mut self, config: Config) {
        if config.reconnect.seed != self.config.reconnect.seed {
            self.backoff = Backoff::new(config.reconnect.seed);
        }
        if self.url_index >= config.broker_urls.len() {
            self.url_index = 0;
        }
        self.config = config;
    }

    /// The negotiated version while connected.
    pub fn version(&self) -> Option<Version> {
        self.version.filter(|_| self.state == State::Connected)
    }

    /// The negotiated heart-beat intervals of the current connection.
    pub fn heartbeat(&self) -> NegotiatedHeartbeat {
        self.heartbeat
    }

    /// The headers of the last CONNECTED frame.
    pub fn server_headers(&self) -> &Headers {
        &self.server_headers
    }

    /// The broker URL of the current or next attempt.
    pub fn current_url(&self) -> Option<&str> {
        self.config
            .broker_urls
            .get(self.url_index)
            .map(String::as_str)
    }

    /// Reconnect attempts scheduled in the current streak: since [`connect`](Session::connect), or
    /// since the end of the last connection that stayed up for
    /// [`Config::stable_after`](super::Config::stable_after). A CONNECTED alone does not reset it.
    pub fn reconnect_attempts(&self) -> u32 {
        self.streak
    }

    /// Ids of the live subscriptions, in the order they were made.
    pub fn subscription_ids(&self) -> impl Iterator<Item = &str> {
        self.subscriptions.ids()
    }

    /// Whether nothing can happen by itself any more: inactive, no transport, nothing scheduled, and
    /// no connect waiting for a disconnect to finish. A driver may then let go of what it keeps for
    /// the session's sake (its owner's callbacks, hooks).
    pub fn at_rest(&self) -> bool {
        self.state == State::Inactive && !self.wants_active() && self.transport == Transport::None
    }

    /// The number of the current connection (the last CONNECTED's), 0 before the first one.
    pub fn connection(&self) -> u64 {
        self.connection
    }

    /// Frames (of any command) and bytes waiting to be written.
    pub fn queued(&self) -> (usize, usize) {
        (self.queue.len(), self.queue.bytes())
    }

    /// At-least-once frames written and awaiting their RECEIPT (kept to be sent again), and bytes
    /// (with those still waiting to be written: what `max_unconfirmed_bytes` bounds).
    pub fn retained(&self) -> (usize, usize) {
        (
            self.retained.len(),
            self.retained.bytes() + self.queue.unconfirmed_bytes(),
        )
    }

    /// Receipts waiting for the broker (sent frames; queued ones are not counted).
    pub fn pending_receipts(&self) -> usize {
        self.receipts.len()
    }

    /// Ids of the open transactions, in id order.
    pub fn open_transactions(&self) -> impl Iterator<Item = &str> {
        sorted(
            self.transactions
                .iter()
                .map(|(id, _)| id.as_str())
                .collect(),
        )
        .into_iter()
    }

    /// A fresh receipt id (`rcpt-N`) not pending now.
    pub fn next_receipt_id(&mut self) -> String {
        loop {
            let id = numbered("rcpt-", self.next_receipt);
            self.next_receipt += 1;
            if !self.receipt_in_use(&id) {
                return id;
            }
        }
    }

    // ----- outputs -----

    /// The next bytes to write to the transport.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for the application.
    ///
    /// A MESSAGE is routed when polled: if its subscription ended since the frame was parsed (a
    /// callback for an earlier frame of the same transport message unsubscribed), it comes as
    /// [`Event::UnhandledMessage`], as a frame for an unknown subscription does.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        match self.events.pop_front()? {
            Event::Message {
                subscription,
                frame,
                ..
            } if !self.subscriptions.contains(&subscription) => {
                Some(Event::UnhandledMessage(frame))
            }
            event => Some(event),
        }
    }

    /// The next thing to do with the transport.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When to call [`handle_timeout`](Session::handle_timeout) next; `None` when nothing is timed.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let mut next = [self.timers.next(), self.receipts.next_deadline()];
        if self.state == State::Connected {
            next[0] = min_some(next[0], self.heartbeat_out_deadline());
            next[1] = min_some(next[1], self.heartbeat_in_deadline());
        }
        min_some(next[0], next[1])
    }

    // ----- inputs -----

    /// The transport asked for by [`Action::Open`] is open: CONNECT goes out.
    pub fn handle_open(&mut self, now: Millis) {
        self.notice_suspension(now);
        if self.transport != Transport::Opening {
            return;
        }
        self.transport = Transport::Open;
        // Bytes a driver did not take before the last transport went are not this one's: nothing
        // goes before CONNECT.
        self.transmits.clear();
        self.last_received = now;
        self.late_wake_grace = None;
        let mut bytes = Vec::new();
        match self
            .connect_frame()
            .encode(EncodeOptions::default(), &mut bytes)
        {
            Ok(()) => self.push_transmit(now, bytes, false),
            Err(error) => {
                // Only connect headers changed by `set_config` since `connect` can get here.
                self.close_transport(CloseReason::Normal);
                self.failed_attempt(now, ConnectFailure::InvalidConnectHeaders(error));
            }
        }
    }

    /// Bytes arrived from the broker.
    pub fn handle_bytes(&mut self, now: Millis, bytes: &[u8]) {
        self.notice_suspension(now);
        if self.transport != Transport::Open {
            return;
        }
        self.last_received = now;
        self.late_wake_grace = None;
        let result = self.parser.push(bytes);
        let (mut heartbeats, mut framed) = (0, false);
        while self.transport == Transport::Open {
            // A run of EOLs is drained at once: a message of a million EOLs is one step here.
            heartbeats += self.parser.take_heartbeats();
            match self.parser.next_item() {
                Some(Item::Frame(frame)) => {
                    framed = true;
                    self.handle_frame(now, frame);
                }
                Some(Item::Heartbeat) => heartbeats += 1,
                Some(Item::Skipped(skipped)) => {
                    framed = true;
                    self.handle_oversized(now, skipped);
                }
                None => break,
            }
        }
        // An EOL in the same transport message as a frame is that frame's trailing EOL (RabbitMQ
        // ends every frame with `\0\n`), not a heart-beat; and a run of EOLs is one heart-beat.
        // (Either way it counted as activity.)
        if heartbeats > 0 && !framed && self.state == State::Connected {
            self.events.push_back(Event::HeartbeatReceived);
        }
        if let Err(error) = result {
            if self.transport == Transport::Open {
                self.protocol_error(now, error);
            }
        }
    }

    /// The transport closed (or failed to open). While the app is hidden this is a suspension (see
    /// [`handle_app_hidden`](Session::handle_app_hidden)), not a failure.
    pub fn handle_close(&mut self, now: Millis, info: CloseInfo) {
        if self.transport == Transport::None {
            self.notice_suspension(now);
            return;
        }
        // The transport is gone before the suspension rule runs: the rule must not close it again.
        self.transport = Transport::None;
        self.events.push_back(Event::TransportClosed(info.clone()));
        if self.hidden_since.is_some() {
            // The platform closed it with the app in the background (however long ago it was
            // hidden): a suspension.
            self.suspended = true;
            self.wait_suspended(now);
            return;
        }
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Closed(info)),
            State::Connected => {
                // The broker closed it deliberately (a normal close, or after an ERROR): what it
                // was given last may be what it refuses (see `end_connection`). A dropped
                // connection (1006) or a lost heart-beat says nothing about the frames.
                self.refused_close = info.clean || info.code == 1000 || self.error_seen;
                self.connection_lost(now)
            }
            // A normal close (1000) in answer to DISCONNECT confirms it as a RECEIPT would:
            // RabbitMQ's Web-STOMP (3.10) sends no RECEIPT for DISCONNECT, it closes with 1000
            // (measured). Its close may not be clean (Chromium says `wasClean: false` when the
            // broker drops the TCP connection before the closing handshake ends); the code is
            // still the broker's own answer.
            State::Disconnecting => self.finish_disconnect(now, info.clean || info.code == 1000),
            State::Inactive | State::Reconnecting | State::Failed => {}
        }
    }

    /// Time passed: fire whatever is due at `now`. Calling it early or twice is harmless.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.notice_suspension(now);
        while let Some(expired) = self.receipts.take_expired(now) {
            if expired.waiter == Waiter::User {
                self.events.push_back(Event::ReceiptFailed {
                    id: expired.id,
                    ticket: expired.ticket,
                    error: ReceiptError::Timeout,
                });
            }
        }
        if self.timers.expire(Timer::Connect, now) && self.state == State::Connecting {
            self.close_transport(CloseReason::CommunicationFailure);
            self.failed_attempt(now, ConnectFailure::Timeout);
        }
        if self.timers.expire(Timer::Disconnect, now) && self.state == State::Disconnecting {
            self.close_transport(CloseReason::CommunicationFailure);
            self.finish_disconnect(now, false);
        }
        if self.timers.expire(Timer::Reconnect, now) && self.state == State::Reconnecting {
            self.start_attempt(now);
        }
        if self.state == State::Connected {
            if self.is_silent_past_tolerance(now) {
                if !self.grant_late_wake_grace(now) {
                    self.heartbeat_lost(now);
                }
            } else if self.heartbeat_out_deadline().is_some_and(|d| d <= now) {
                self.push_transmit(now, HEARTBEAT.to_vec(), false);
            }
        }
    }
}

fn min_some(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
