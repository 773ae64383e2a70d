//! [`Session`]: the protocol engine. Inputs (`handle_*`), commands, and outputs (`poll_*`); time is
//! passed in. Every rule of STOMP that depends on state is decided here and nowhere else.

use alloc::borrow::ToOwned;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::frame::{
    encode, numbered, push_decimal, Command, EncodeOptions, Frame, Headers, Item, ParseError,
    Parser, Version, HEARTBEAT,
};

use super::backoff::Backoff;
use super::config::{url_host, Config, HostHeader, Millis};
use super::error::{CommandError, ReceiptError};
use super::event::{Action, CloseInfo, ConnectFailure, Event, NegotiatedHeartbeat, Transmit};
use super::ids::IdMap;
use super::queue::{AckRequest, OfflineQueue, Queued};
use super::receipts::{Receipts, Waiter};
use super::state::State;
use super::subscriptions::{Subscription, Subscriptions};
use super::timers::{Timer, TimerTable};

/// Options for [`Session::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendOptions {
    /// Send the frame as a binary WebSocket message even if its body is UTF-8 (stompjs's
    /// `binaryBody`). A body that is not UTF-8 always goes as binary.
    pub binary: bool,
    /// Leave out `content-length` (stompjs's `skipContentLengthHeader`).
    pub skip_content_length: bool,
}

/// Whether a frame went out now or waits in the offline queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// Encoded and handed to [`Session::poll_transmit`].
    Sent,
    /// Queued until the next CONNECTED.
    Queued,
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
}

impl AckTarget {
    /// The target stompjs's `ack(messageId, subscriptionId)` names: `message_id` is the MESSAGE's
    /// `ack` header under 1.2 and its `message-id` before.
    pub fn by_id(message_id: &str, subscription: &str) -> AckTarget {
        AckTarget {
            ack: None,
            message_id: message_id.to_owned(),
            subscription: subscription.to_owned(),
        }
    }

    /// The target of a received MESSAGE frame.
    pub fn of(message: &Frame) -> AckTarget {
        let header = |name| message.headers.get(name).unwrap_or("").to_owned();
        AckTarget {
            ack: message.headers.get("ack").map(str::to_owned),
            message_id: header("message-id"),
            subscription: header("subscription"),
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
    timers: TimerTable,
    subscriptions: Subscriptions,
    receipts: Receipts,
    queue: OfflineQueue,
    /// Open transactions (a set: the numbers are 0).
    transactions: IdMap,
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
            parser: Parser::with_limits(config.limits).lenient_before_version(true),
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
            timers: TimerTable::default(),
            subscriptions: Subscriptions::default(),
            receipts: Receipts::default(),
            queue: OfflineQueue::default(),
            transactions: IdMap::new(),
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

    /// Frames and bytes waiting in the offline queue.
    pub fn queued(&self) -> (usize, usize) {
        (self.queue.len(), self.queue.bytes())
    }

    /// Receipts waiting for the broker (sent frames; queued ones are not counted).
    pub fn pending_receipts(&self) -> usize {
        self.receipts.len()
    }

    /// Ids of the open transactions, in id order.
    pub fn open_transactions(&self) -> impl Iterator<Item = &str> {
        self.transactions.keys().map(String::as_str)
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
        self.last_received = now;
        let mut bytes = Vec::new();
        match self
            .connect_frame()
            .encode(EncodeOptions::default(), &mut bytes)
        {
            Ok(()) => self.push_transmit(now, bytes, false),
            Err(error) => {
                // Only connect headers changed by `set_config` since `connect` can get here.
                self.close_transport();
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
            State::Connected => self.connection_lost(now),
            State::Disconnecting => self.finish_disconnect(now, false),
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
                    error: ReceiptError::Timeout,
                });
            }
        }
        if self.timers.expire(Timer::Connect, now) && self.state == State::Connecting {
            self.close_transport();
            self.failed_attempt(now, ConnectFailure::Timeout);
        }
        if self.timers.expire(Timer::Disconnect, now) && self.state == State::Disconnecting {
            self.close_transport();
            self.finish_disconnect(now, false);
        }
        if self.timers.expire(Timer::Reconnect, now) && self.state == State::Reconnecting {
            self.start_attempt(now);
        }
        if self.state == State::Connected {
            if self.is_silent_past_tolerance(now) {
                self.heartbeat_lost(now);
            } else if self.heartbeat_out_deadline().is_some_and(|d| d <= now) {
                self.push_transmit(now, HEARTBEAT.to_vec(), false);
            }
        }
    }

    // ----- commands -----

    /// Starts connecting (stompjs's `activate`). Allowed when inactive or failed; while
    /// `Disconnecting` it is accepted and remembered (the last of any sequence of `connect` and
    /// [`disconnect`](Session::disconnect) wins, as in @stomp/stompjs 7.4+): when the disconnect
    /// finishes, after its usual events ([`Event::Disconnected`] included), a new attempt starts.
    /// A later `disconnect` cancels the remembered connect. See [`wants_active`](Session::wants_active).
    pub fn connect(&mut self, now: Millis) -> Result<(), CommandError> {
        self.notice_suspension(now);
        if !matches!(
            self.state,
            State::Inactive | State::Failed | State::Disconnecting
        ) {
            return Err(self.invalid("connect"));
        }
        if self.config.broker_urls.is_empty() {
            return Err(CommandError::NoBrokerUrl);
        }
        self.connect_frame()
            .encode(EncodeOptions::default(), &mut Vec::new())?;
        if self.state == State::Disconnecting {
            self.connect_after_disconnect = true;
            return Ok(());
        }
        self.streak = 0;
        self.start_attempt(now);
        Ok(())
    }

    /// Reconnects at once if waiting out a backoff, failed, or connected but silent for longer than
    /// the incoming heart-beat interval times `heartbeat_tolerance` (the same rule as the liveness
    /// deadline, for when the timer could not fire: a throttled or frozen page): for "the network
    /// is back" and "the page is visible again".
    pub fn reconnect_now(&mut self, now: Millis) -> Result<(), CommandError> {
        self.notice_suspension(now);
        match self.state {
            State::Inactive => Err(self.invalid("reconnect_now")),
            State::Reconnecting => {
                self.timers.stop(Timer::Reconnect);
                self.start_attempt(now);
                Ok(())
            }
            State::Failed => {
                self.streak = 0;
                self.start_attempt(now);
                Ok(())
            }
            State::Connected => {
                if self.is_silent_past_tolerance(now) {
                    self.heartbeat_lost(now);
                    if self.state == State::Reconnecting {
                        self.timers.stop(Timer::Reconnect);
                        self.start_attempt(now);
                    }
                }
                Ok(())
            }
            State::Connecting | State::Disconnecting => Ok(()),
        }
    }

    /// The platform suspended the app (a mini-program in the background) and took the transport
    /// with it, or refused to open one (`runningState=suspend`). Not the broker's fault: it does not
    /// count as a failed attempt and schedules nothing. The session waits in `Reconnecting` for
    /// [`reconnect_now`](Session::reconnect_now) when the app is shown again.
    pub fn handle_suspend(&mut self, now: Millis) {
        self.notice_suspension(now);
        self.suspend(now);
    }

    /// The app went to the background (a mini-program's `onAppHide`). For platforms that suspend
    /// hidden apps and kill their sockets; not for a browser tab's visibility. From now on:
    /// - a transport close is a suspension, not a failed attempt: the session waits in
    ///   `Reconnecting` without scheduling or counting an attempt;
    /// - once the hide is [`Config::suspend_after`](super::Config::suspend_after) old, the next
    ///   input or command first takes the app as suspended (a thawed app runs its overdue timers,
    ///   and maybe a publish, before it hears `onAppShow`): the transport is reported closed with
    ///   code 1001 and the session waits as above, so what comes next is queued, not written to a
    ///   dead socket.
    ///
    /// A second hide before a show keeps the first one's time.
    pub fn handle_app_hidden(&mut self, now: Millis) {
        self.notice_suspension(now);
        if self.hidden_since.is_none() {
            self.hidden_since = Some(now);
        }
    }

    /// The app came back to the foreground (a mini-program's `onAppShow`): a suspended, dead
    /// (silent past the heart-beat tolerance), backing-off or failed connection reconnects at once,
    /// as [`reconnect_now`](Session::reconnect_now); a healthy one is left alone.
    pub fn handle_app_shown(&mut self, now: Millis) {
        self.notice_suspension(now);
        self.hidden_since = None;
        self.suspended = false;
        if self.state != State::Inactive {
            let _ = self.reconnect_now(now);
        }
    }

    /// Whether the app is hidden (between [`handle_app_hidden`](Session::handle_app_hidden) and
    /// [`handle_app_shown`](Session::handle_app_shown)).
    pub fn app_hidden(&self) -> bool {
        self.hidden_since.is_some()
    }

    /// The suspension rule, checked at the top of every input and command: a hide at least
    /// `suspend_after` old means the platform suspended the app, once per hide.
    fn notice_suspension(&mut self, now: Millis) {
        let Some(since) = self.hidden_since else {
            return;
        };
        if !self.suspended && now.saturating_sub(since) >= self.config.suspend_after {
            self.suspended = true;
            self.suspend(now);
        }
    }

    /// The transport is gone because the app is suspended: report it closed (1001) and wait.
    fn suspend(&mut self, now: Millis) {
        self.close_transport_with(CloseInfo {
            code: 1001,
            reason: "app suspended".to_owned(),
            clean: false,
        });
        self.wait_suspended(now);
    }

    /// Waits in `Reconnecting` with nothing scheduled and no attempt counted, for the app to be
    /// shown (or `reconnect_now`); a disconnect in progress is over.
    fn wait_suspended(&mut self, now: Millis) {
        match self.state {
            State::Connecting | State::Connected | State::Reconnecting => {
                self.end_connection(now);
                self.timers.stop(Timer::Reconnect);
                self.set_state(State::Reconnecting);
            }
            State::Disconnecting => self.finish_disconnect(now, false),
            State::Inactive | State::Failed => {}
        }
    }

    /// Drops the transport as if the network failed (stompjs's `forceDisconnect`); the reconnect
    /// policy then applies.
    pub fn drop_connection(&mut self, now: Millis) {
        self.notice_suspension(now);
        if self.transport == Transport::None {
            return;
        }
        self.close_transport();
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Closed(dropped())),
            State::Connected => self.connection_lost(now),
            State::Disconnecting => self.finish_disconnect(now, false),
            _ => {}
        }
    }

    /// Ends the session (stompjs's `deactivate`): DISCONNECT with a receipt, then close on that
    /// RECEIPT or after `disconnect_timeout`; a DISCONNECT the negotiated version cannot write
    /// closes at once. `force` discards the transport at once, reported as stompjs's synthetic close
    /// (`TransportClosed` with code 4001, not clean). Ends in [`Event::Disconnected`] (whose
    /// `confirmed` says whether the broker's RECEIPT arrived) unless already inactive. Subscriptions
    /// are forgotten, the offline queue is discarded, a pending reconnect is cancelled, and so is a
    /// connect remembered while disconnecting.
    pub fn disconnect(&mut self, now: Millis, force: bool) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.connect_after_disconnect = false;
        match self.state {
            State::Inactive => Ok(()),
            State::Connected if !force && self.config.disconnect_timeout > 0 => {
                let receipt = self.next_receipt_id();
                let mut headers = Headers::new().with("receipt", &receipt);
                for (name, value) in self.config.disconnect_headers.iter() {
                    if name != "receipt" {
                        headers.push(name, value);
                    }
                }
                let frame = Frame {
                    command: Command::Disconnect,
                    headers,
                    body: Vec::new(),
                };
                if self.write_frame(now, &frame, false, false).is_err() {
                    // A disconnect header this version cannot write: never stay connected for it.
                    self.close_transport();
                    self.finish_disconnect(now, false);
                    return Ok(());
                }
                self.receipts.insert(receipt, Waiter::Disconnect, None);
                self.timers.set(
                    Timer::Disconnect,
                    now.saturating_add(self.config.disconnect_timeout),
                );
                self.set_state(State::Disconnecting);
                Ok(())
            }
            State::Disconnecting if !force => Ok(()),
            _ => {
                if force {
                    // As stompjs discarding a socket: no closing handshake, a synthetic close.
                    self.close_transport_with(CloseInfo {
                        code: 4001,
                        reason:
                            "Quick discarding socket without waiting for the shutdown sequence."
                                .to_owned(),
                        clean: false,
                    });
                } else {
                    self.close_transport();
                }
                self.finish_disconnect(now, false);
                Ok(())
            }
        }
    }

    /// Subscribes to `destination`. The id is the `id` header if given, else `sub-N`; it stays the
    /// same across reconnects, each of which sends the same SUBSCRIBE again. Allowed in every state
    /// but `Disconnecting`: when not connected, the SUBSCRIBE goes out on the next CONNECTED.
    pub fn subscribe(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
    ) -> Result<String, CommandError> {
        self.notice_suspension(now);
        if self.state == State::Disconnecting {
            return Err(self.invalid("subscribe"));
        }
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        let id = match headers.get("id") {
            Some(id) if self.subscriptions.contains(id) => {
                return Err(CommandError::DuplicateSubscription(id.to_owned()))
            }
            Some(id) => id.to_owned(),
            None => self.subscriptions.generate_id(),
        };
        let mut stored = Headers::new()
            .with("destination", destination)
            .with("id", &id);
        for (name, value) in headers.iter() {
            if !matches!(name, "destination" | "id" | "receipt") {
                stored.push(name, value);
            }
        }
        let receipt = self.claim_receipt(headers)?;
        self.check_encodable(Command::Subscribe, &stored)?;
        let mut subscription = Subscription {
            id: id.clone(),
            headers: stored,
            first_receipt: receipt,
        };
        if self.state == State::Connected {
            self.send_subscribe(now, &subscription)?;
            subscription.first_receipt = None;
        }
        self.subscriptions.insert(subscription);
        Ok(id)
    }

    /// Ends a subscription. UNSUBSCRIBE goes out if connected; otherwise the subscription is just
    /// forgotten (and a receipt asked for fails with [`ReceiptError::Discarded`]). MESSAGE events for
    /// it not yet polled become [`Event::UnhandledMessage`].
    pub fn unsubscribe(
        &mut self,
        now: Millis,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        self.notice_suspension(now);
        if !self.subscriptions.contains(id) {
            return Err(CommandError::UnknownSubscription(id.to_owned()));
        }
        let mut frame = Frame::new(Command::Unsubscribe).header("id", id);
        for (name, value) in headers.iter().filter(|(name, _)| *name != "id") {
            frame.headers.push(name, value);
        }
        let receipt = self.claim_receipt(&frame.headers)?;
        if self.state == State::Connected {
            self.write_frame(now, &frame, false, false)?;
        } else if let Some(id) = receipt {
            self.fail_receipt(id, ReceiptError::Discarded);
        }
        if let Some(never_sent) = self.subscriptions.remove(id).and_then(|s| s.first_receipt) {
            self.fail_receipt(never_sent, ReceiptError::Discarded);
        }
        Ok(())
    }

    /// Publishes a message (SEND). Sent now when connected; queued while connecting or reconnecting
    /// (if `queue_while_disconnected`), bounded by the queue limits.
    pub fn send(
        &mut self,
        now: Millis,
        destination: &str,
        headers: &Headers,
        body: Vec<u8>,
        options: SendOptions,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        if destination.is_empty() {
            return Err(CommandError::MissingHeader("destination"));
        }
        let mut frame = Frame::new(Command::Send).header("destination", destination);
        for (name, value) in headers.iter().filter(|(name, _)| *name != "destination") {
            frame.headers.push(name, value);
        }
        frame.body = body;
        let binary = options.binary || core::str::from_utf8(&frame.body).is_err();
        self.dispatch(
            now,
            Queued::Send {
                frame,
                binary,
                skip_content_length: options.skip_content_length,
            },
        )
    }

    /// Acknowledges a message (ACK), with the headers the negotiated version wants: `id` under 1.2,
    /// `message-id` and `subscription` under 1.1, `message-id` under 1.0. Queued like SEND.
    pub fn ack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        self.ack_or_nack(now, Command::Ack, target, headers)
    }

    /// Rejects a message (NACK); STOMP 1.0 has no NACK. Queued like SEND.
    pub fn nack(
        &mut self,
        now: Millis,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        self.notice_suspension(now);
        if self.state == State::Connected && self.version == Some(Version::V1_0) {
            return Err(CommandError::NackUnsupported);
        }
        self.ack_or_nack(now, Command::Nack, target, headers)
    }

    /// Begins a transaction; returns its id (`id`, or `tx-N`). Needs a connection: a transaction
    /// does not outlive one (the broker aborts open transactions when the connection ends, reported
    /// as [`Event::TransactionsAborted`]).
    pub fn begin(
        &mut self,
        now: Millis,
        id: Option<&str>,
        headers: &Headers,
    ) -> Result<String, CommandError> {
        self.notice_suspension(now);
        self.require_connected("begin")?;
        let id = match id {
            Some(id) if self.transactions.contains_key(id) => {
                return Err(CommandError::DuplicateTransaction(id.to_owned()))
            }
            Some(id) => id.to_owned(),
            None => loop {
                let id = numbered("tx-", self.next_transaction);
                self.next_transaction += 1;
                if !self.transactions.contains_key(&id) {
                    break id;
                }
            },
        };
        self.transaction_frame(now, Command::Begin, &id, headers)?;
        self.transactions.insert(id.clone(), 0);
        Ok(id)
    }

    /// Commits an open transaction.
    pub fn commit(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Commit, id, headers)
    }

    /// Aborts an open transaction.
    pub fn abort(&mut self, now: Millis, id: &str, headers: &Headers) -> Result<(), CommandError> {
        self.notice_suspension(now);
        self.end_transaction(now, Command::Abort, id, headers)
    }

    // ----- internals: connection lifecycle -----

    fn start_attempt(&mut self, now: Millis) {
        // Bytes not drained for an earlier transport must never reach this one before CONNECT.
        self.transmits.clear();
        // Before CONNECTED the version is unknown: an ERROR from a 1.0 broker is not escaped.
        self.parser = Parser::with_limits(self.config.limits).lenient_before_version(true);
        self.version = None;
        self.heartbeat = NegotiatedHeartbeat::default();
        self.transport = Transport::Opening;
        self.set_state(State::Connecting);
        if self.config.connection_timeout > 0 {
            self.timers.set(
                Timer::Connect,
                now.saturating_add(self.config.connection_timeout),
            );
        }
        let url = self.current_url().unwrap_or_default().to_owned();
        self.actions.push_back(Action::Open {
            index: self.url_index,
            url,
        });
    }

    fn connect_frame(&self) -> Frame {
        let config = &self.config;
        let command = match config.use_stomp_command {
            true => Command::Stomp,
            false => Command::Connect,
        };
        // Newest first, as brokers are asked to pick the highest they share; each once.
        let mut accept = String::with_capacity(11);
        for version in [Version::V1_2, Version::V1_1, Version::V1_0] {
            if self.offers(version) {
                if !accept.is_empty() {
                    accept.push(',');
                }
                accept.push_str(version.as_str());
            }
        }
        let mut headers = Headers::new().with("accept-version", &accept);
        match &config.host {
            HostHeader::FromUrl => match url_host(self.current_url().unwrap_or("")) {
                "" => {}
                host => headers.push("host", host),
            },
            HostHeader::Fixed(host) => headers.push("host", host),
            HostHeader::Omit => {}
        }
        if let Some(login) = &config.login {
            headers.push("login", login);
        }
        if let Some(passcode) = &config.passcode {
            headers.push("passcode", passcode);
        }
        let mut beat = String::with_capacity(41);
        push_decimal(&mut beat, config.heartbeat_outgoing);
        beat.push(',');
        push_decimal(&mut beat, config.heartbeat_incoming);
        headers.push("heart-beat", &beat);
        for (name, value) in config.connect_headers.iter() {
            headers.set(name, value);
        }
        Frame {
            command,
            headers,
            body: Vec::new(),
        }
    }

    fn handle_frame(&mut self, now: Millis, frame: Frame) {
        match (self.state, frame.command) {
            (State::Connecting, Command::Connected) => self.on_connected(now, frame),
            (State::Connecting, Command::Error) => {
                self.close_transport();
                self.failed_attempt(now, ConnectFailure::Error(frame));
            }
            (State::Connected | State::Disconnecting, Command::Message) => {
                match frame.headers.get("subscription") {
                    Some(id) if self.subscriptions.contains(id) => {
                        let subscription = id.to_owned();
                        self.events.push_back(Event::Message {
                            subscription,
                            frame,
                        });
                    }
                    _ => self.events.push_back(Event::UnhandledMessage(frame)),
                }
            }
            (State::Connected | State::Disconnecting, Command::Receipt) => {
                self.on_receipt(now, frame)
            }
            (State::Connected | State::Disconnecting, Command::Error) => {
                if let Some(id) = frame.headers.get("receipt-id") {
                    if let Some(pending) = self.receipts.take(id) {
                        if pending.waiter == Waiter::User {
                            self.events.push_back(Event::ReceiptFailed {
                                id: pending.id,
                                error: ReceiptError::Error(frame.clone()),
                            });
                        }
                    }
                }
                self.events.push_back(Event::StompError(frame));
                // The spec has the broker close after ERROR; do not wait for it.
                self.close_transport();
                match self.state {
                    State::Disconnecting => self.finish_disconnect(now, false),
                    _ => self.connection_lost(now),
                }
            }
            _ => self.events.push_back(Event::UnhandledFrame(frame)),
        }
    }

    fn on_connected(&mut self, now: Millis, frame: Frame) {
        // No `version` header means 1.0; a version we did not offer cannot be spoken.
        let named = frame.headers.get("version");
        let version = match named {
            None => Some(Version::V1_0),
            Some(text) => Version::parse(text),
        };
        let Some(version) = version.filter(|v| self.offers(*v)) else {
            let version = named.map(str::to_owned);
            self.close_transport();
            self.failed_attempt(now, ConnectFailure::VersionNotOffered { version });
            return;
        };
        self.parser.set_version(version);
        let (sx, sy) = frame
            .headers
            .get("heart-beat")
            .and_then(parse_heartbeat)
            .unwrap_or((0, 0));
        let (cx, cy) = (
            self.config.heartbeat_outgoing,
            self.config.heartbeat_incoming,
        );
        self.heartbeat = NegotiatedHeartbeat {
            outgoing: if cx > 0 && sy > 0 { cx.max(sy) } else { 0 },
            incoming: if cy > 0 && sx > 0 { cy.max(sx) } else { 0 },
        };
        self.version = Some(version);
        self.server_headers = frame.headers.clone();
        self.timers.stop(Timer::Connect);
        // The streak is not reset here: only a connection that stays up for `stable_after` ends it
        // (see `end_connection`), so a broker that accepts and then drops at once is backed off.
        self.connected_at = Some(now);
        // Heart-beating starts with the connection: the outgoing interval counts from now.
        self.last_sent = now;
        self.set_state(State::Connected);
        self.resubscribe(now);
        self.flush_queue(now);
        self.events.push_back(Event::Connected {
            version,
            heartbeat: self.heartbeat,
            headers: frame.headers,
        });
    }

    fn resubscribe(&mut self, now: Millis) {
        let mut subscriptions = core::mem::take(&mut self.subscriptions);
        let mut lost = Vec::new();
        subscriptions.for_each_in_order(|subscription| {
            // Checked encodable under the strictest offered version when made; only a `set_config`
            // offering a stricter version since can make this fail.
            match self.send_subscribe(now, subscription) {
                Ok(()) => true,
                Err(error) => {
                    if let CommandError::Encode(error) = error {
                        lost.push((subscription.id.clone(), error));
                    }
                    false
                }
            }
        });
        self.subscriptions = subscriptions;
        for (id, error) in lost {
            if let Some(receipt) = self.subscriptions.remove(&id).and_then(|s| s.first_receipt) {
                self.fail_receipt(receipt, ReceiptError::Discarded);
            }
            self.events.push_back(Event::SubscriptionLost { id, error });
        }
    }

    /// Whether CONNECT offers `version` (an empty list offers every version).
    fn offers(&self, version: Version) -> bool {
        let offered = &self.config.accept_versions;
        offered.is_empty() || offered.contains(&version)
    }

    /// The strictest version CONNECT offers: what a frame made before CONNECTED must be writable in.
    fn strictest_offered(&self) -> Version {
        Version::ALL
            .into_iter()
            .find(|v| self.offers(*v))
            .unwrap_or(Version::V1_0)
    }

    fn send_subscribe(
        &mut self,
        now: Millis,
        subscription: &Subscription,
    ) -> Result<(), CommandError> {
        let mut frame = Frame {
            command: Command::Subscribe,
            headers: subscription.headers.clone(),
            body: Vec::new(),
        };
        if let Some(receipt) = &subscription.first_receipt {
            frame.headers.push("receipt", receipt);
        }
        self.write_frame(now, &frame, false, false)
    }

    fn flush_queue(&mut self, now: Millis) {
        while self.state == State::Connected {
            let Some(item) = self.queue.pop() else { break };
            if self.write_queued(now, &item).is_err() {
                // Checked against the strictest offered version when queued; only a NACK meeting a
                // 1.0 broker gets here. Report it rather than drop it silently.
                self.discard(vec![item]);
            }
        }
    }

    /// Writes a SEND, ACK or NACK (the ACK/NACK headers for the negotiated version).
    fn write_queued(&mut self, now: Millis, item: &Queued) -> Result<(), CommandError> {
        match item {
            Queued::Send {
                frame,
                binary,
                skip_content_length,
            } => self.write_frame(now, frame, *binary, *skip_content_length),
            Queued::Ack(request) => {
                let frame = self.ack_frame(request)?;
                self.write_frame(now, &frame, false, false)
            }
        }
    }

    fn on_receipt(&mut self, now: Millis, frame: Frame) {
        let id = frame.headers.get("receipt-id").unwrap_or("");
        match self.receipts.take(id) {
            Some(pending) if pending.waiter == Waiter::Disconnect => {
                self.close_transport();
                self.finish_disconnect(now, true);
            }
            Some(pending) => self.events.push_back(Event::Receipt {
                id: pending.id,
                frame,
            }),
            None => self.events.push_back(Event::UnhandledReceipt(frame)),
        }
    }

    fn heartbeat_lost(&mut self, now: Millis) {
        self.events.push_back(Event::HeartbeatLost {
            last_received: self.last_received,
        });
        self.close_transport();
        self.connection_lost(now);
    }

    fn protocol_error(&mut self, now: Millis, error: ParseError) {
        self.events.push_back(Event::ProtocolError(error));
        self.close_transport();
        match self.state {
            State::Connecting => self.failed_attempt(now, ConnectFailure::Protocol(error)),
            State::Disconnecting => self.finish_disconnect(now, false),
            _ => self.connection_lost(now),
        }
    }

    /// A connect attempt failed: try the next broker URL after the backoff.
    fn failed_attempt(&mut self, now: Millis, failure: ConnectFailure) {
        self.events.push_back(Event::ConnectFailed(failure));
        self.after_failed_attempt(now);
    }

    fn after_failed_attempt(&mut self, now: Millis) {
        self.timers.stop(Timer::Connect);
        if !self.config.broker_urls.is_empty() {
            self.url_index = (self.url_index + 1) % self.config.broker_urls.len();
        }
        self.end_connection(now);
        self.schedule_reconnect(now);
    }

    /// An established connection ended without the user asking: reconnect to the same URL.
    fn connection_lost(&mut self, now: Millis) {
        self.end_connection(now);
        self.schedule_reconnect(now);
    }

    fn schedule_reconnect(&mut self, now: Millis) {
        let policy = &self.config.reconnect;
        if policy.delay == 0 {
            self.discard_queue();
            self.set_state(State::Inactive);
            return;
        }
        if policy.max_attempts > 0 && self.streak >= policy.max_attempts {
            self.discard_queue();
            self.set_state(State::Failed);
            self.events.push_back(Event::ReconnectFailed {
                attempts: self.streak,
            });
            return;
        }
        self.streak += 1;
        let delay = self.backoff.delay(policy, self.streak);
        let at = now.saturating_add(delay);
        self.timers.set(Timer::Reconnect, at);
        self.set_state(State::Reconnecting);
        self.events.push_back(Event::ReconnectScheduled {
            attempt: self.streak,
            delay,
            at,
        });
    }

    /// Settles what belonged to the connection that just ended: receipts and transactions. A
    /// connection that stayed up for `stable_after` ends the reconnect streak.
    fn end_connection(&mut self, now: Millis) {
        if let Some(since) = self.connected_at.take() {
            if now.saturating_sub(since) >= self.config.stable_after {
                self.streak = 0;
            }
        }
        self.timers.stop(Timer::Connect);
        self.timers.stop(Timer::Disconnect);
        for pending in self.receipts.take_all() {
            if pending.waiter == Waiter::User {
                self.events.push_back(Event::ReceiptFailed {
                    id: pending.id,
                    error: ReceiptError::ConnectionLost,
                });
            }
        }
        if !self.transactions.is_empty() {
            let aborted = core::mem::take(&mut self.transactions)
                .into_keys()
                .collect();
            self.events.push_back(Event::TransactionsAborted(aborted));
        }
    }

    /// The user's disconnect is over (`confirmed`: by the broker's RECEIPT). A connect asked for
    /// meanwhile starts now.
    fn finish_disconnect(&mut self, now: Millis, confirmed: bool) {
        self.end_connection(now);
        self.timers.stop_all();
        self.discard_queue();
        for subscription in self.subscriptions.take_all() {
            if let Some(id) = subscription.first_receipt {
                self.fail_receipt(id, ReceiptError::Discarded);
            }
        }
        self.set_state(State::Inactive);
        self.events.push_back(Event::Disconnected { confirmed });
        if core::mem::take(&mut self.connect_after_disconnect) {
            self.streak = 0;
            self.start_attempt(now);
        }
    }

    fn discard_queue(&mut self) {
        let items = self.queue.take_all();
        self.discard(items);
    }

    fn discard(&mut self, items: Vec<Queued>) {
        if items.is_empty() {
            return;
        }
        let frames = items.len();
        for item in &items {
            if let Some(id) = item.receipt() {
                self.events.push_back(Event::ReceiptFailed {
                    id: id.to_owned(),
                    error: ReceiptError::Discarded,
                });
            }
        }
        self.events.push_back(Event::QueueDiscarded { frames });
    }

    fn fail_receipt(&mut self, id: String, error: ReceiptError) {
        self.events.push_back(Event::ReceiptFailed { id, error });
    }

    /// Closes the transport, if there is one, and reports it as closed (as a WebSocket's close event
    /// would: stompjs users expect `onWebSocketClose` whoever closed it).
    fn close_transport(&mut self) {
        self.close_transport_with(CloseInfo {
            code: 1000,
            reason: "closed by the client".to_owned(),
            clean: true,
        });
    }

    fn close_transport_with(&mut self, info: CloseInfo) {
        if self.transport != Transport::None {
            self.transport = Transport::None;
            self.actions.push_back(Action::Close);
            self.events.push_back(Event::TransportClosed(info));
        }
    }

    fn set_state(&mut self, to: State) {
        if self.state != to {
            let from = core::mem::replace(&mut self.state, to);
            self.events.push_back(Event::StateChanged { from, to });
        }
    }

    // ----- internals: frames -----

    fn dispatch(&mut self, now: Millis, item: Queued) -> Result<SendOutcome, CommandError> {
        let frame = match &item {
            Queued::Send { frame, .. } => frame,
            Queued::Ack(request) => &request.frame,
        };
        if let Some(tx) = frame.headers.get("transaction") {
            if !self.transactions.contains_key(tx) {
                return Err(CommandError::UnknownTransaction(tx.to_owned()));
            }
        }
        match self.state {
            State::Connected => {
                self.claim_receipt(&frame.headers)?;
                self.write_queued(now, &item).map(|()| SendOutcome::Sent)
            }
            State::Connecting | State::Reconnecting => {
                if !self.config.queue_while_disconnected {
                    return Err(CommandError::NotConnected);
                }
                self.claim_receipt(&frame.headers)?;
                if let Queued::Send {
                    frame,
                    skip_content_length,
                    ..
                } = &item
                {
                    self.check_encodable(frame.command, &frame.headers)?;
                    if *skip_content_length && memchr::memchr(0, &frame.body).is_some() {
                        return Err(crate::frame::EncodeError::NulInBodyWithoutContentLength.into());
                    }
                }
                let (max_frames, max_bytes) =
                    (self.config.max_queued_frames, self.config.max_queued_bytes);
                self.queue.push(item, max_frames, max_bytes)?;
                Ok(SendOutcome::Queued)
            }
            _ => Err(self.invalid(match frame.command {
                Command::Send => "send",
                Command::Ack => "ack",
                _ => "nack",
            })),
        }
    }

    fn ack_or_nack(
        &mut self,
        now: Millis,
        command: Command,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, CommandError> {
        let mut frame = Frame::new(command);
        for (name, value) in headers.iter() {
            if !matches!(name, "id" | "message-id" | "subscription") {
                frame.headers.push(name, value);
            }
        }
        let request = AckRequest {
            command,
            ack: target.ack,
            message_id: target.message_id,
            subscription: target.subscription,
            frame,
        };
        self.dispatch(now, Queued::Ack(request))
    }

    /// The ACK/NACK frame for the negotiated version.
    fn ack_frame(&self, request: &AckRequest) -> Result<Frame, CommandError> {
        let version = self.version.unwrap_or(Version::V1_2);
        let mut headers = match version {
            Version::V1_2 => {
                Headers::new().with("id", request.ack.as_deref().unwrap_or(&request.message_id))
            }
            Version::V1_1 => Headers::new()
                .with("message-id", &request.message_id)
                .with("subscription", &request.subscription),
            Version::V1_0 if request.command == Command::Nack => {
                return Err(CommandError::NackUnsupported)
            }
            Version::V1_0 => Headers::new().with("message-id", &request.message_id),
        };
        for (name, value) in request.frame.headers.iter() {
            headers.push(name, value);
        }
        Ok(Frame {
            command: request.command,
            headers,
            body: Vec::new(),
        })
    }

    fn transaction_frame(
        &mut self,
        now: Millis,
        command: Command,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        let mut frame = Frame::new(command).header("transaction", id);
        for (name, value) in headers.iter().filter(|(n, _)| *n != "transaction") {
            frame.headers.push(name, value);
        }
        self.claim_receipt(&frame.headers)?;
        self.write_frame(now, &frame, false, false)
    }

    fn end_transaction(
        &mut self,
        now: Millis,
        command: Command,
        id: &str,
        headers: &Headers,
    ) -> Result<(), CommandError> {
        self.require_connected(match command {
            Command::Commit => "commit",
            _ => "abort",
        })?;
        if !self.transactions.contains_key(id) {
            return Err(CommandError::UnknownTransaction(id.to_owned()));
        }
        self.transaction_frame(now, command, id, headers)?;
        self.transactions.remove(id);
        Ok(())
    }

    /// Encodes `frame` for the negotiated version and queues it for the transport; registers its
    /// receipt, if it asks for one, with a deadline from now.
    fn write_frame(
        &mut self,
        now: Millis,
        frame: &Frame,
        binary: bool,
        skip_content_length: bool,
    ) -> Result<(), CommandError> {
        let options = EncodeOptions {
            version: self.version.unwrap_or(Version::V1_2),
            skip_content_length,
        };
        let mut bytes = Vec::new();
        encode(
            frame.command,
            &frame.headers,
            &frame.body,
            options,
            &mut bytes,
        )?;
        if let Some(id) = frame.headers.get("receipt") {
            if frame.command != Command::Disconnect {
                let timeout = self.config.receipt_timeout;
                let deadline = (timeout > 0).then(|| now.saturating_add(timeout));
                self.receipts.insert(id.to_owned(), Waiter::User, deadline);
            }
        }
        self.push_transmit(now, bytes, binary);
        Ok(())
    }

    fn push_transmit(&mut self, now: Millis, bytes: Vec<u8>, binary: bool) {
        self.last_sent = now;
        self.transmits.push_back(Transmit { bytes, binary });
    }

    /// Refuses a frame that some offered version could not encode, so that a queued frame or a
    /// subscription never fails later, whatever version the next CONNECTED names: the strictest
    /// offered version decides (1.0 escapes nothing; 1.1 has no `\r`), even while connected under a
    /// laxer one (the next connection may be to an older broker).
    fn check_encodable(&self, command: Command, headers: &Headers) -> Result<(), CommandError> {
        let mut scratch = Vec::new();
        encode(
            command,
            headers,
            &[],
            EncodeOptions::new(self.strictest_offered()),
            &mut scratch,
        )?;
        Ok(())
    }

    /// The `receipt` header of a command about to be sent or queued, checked not to be pending.
    fn claim_receipt(&self, headers: &Headers) -> Result<Option<String>, CommandError> {
        match headers.get("receipt") {
            Some(id) if self.receipt_in_use(id) => {
                Err(CommandError::DuplicateReceipt(id.to_owned()))
            }
            other => Ok(other.map(str::to_owned)),
        }
    }

    fn receipt_in_use(&self, id: &str) -> bool {
        self.receipts.contains(id)
            || self.queue.has_receipt(id)
            || self.subscriptions.has_receipt(id)
    }

    fn require_connected(&self, command: &'static str) -> Result<(), CommandError> {
        match self.state {
            State::Connected => Ok(()),
            State::Connecting | State::Reconnecting => Err(CommandError::NotConnected),
            _ => Err(self.invalid(command)),
        }
    }

    fn invalid(&self, command: &'static str) -> CommandError {
        CommandError::InvalidState {
            command,
            state: self.state,
        }
    }

    /// Whether the broker has been silent past the liveness tolerance at `now`.
    fn is_silent_past_tolerance(&self, now: Millis) -> bool {
        self.heartbeat_in_deadline().is_some_and(|d| d <= now)
    }

    fn heartbeat_out_deadline(&self) -> Option<Millis> {
        let interval = self.heartbeat.outgoing;
        (interval > 0).then(|| self.last_sent.saturating_add(interval))
    }

    /// The first instant at which the broker has been silent for longer than allowed.
    fn heartbeat_in_deadline(&self) -> Option<Millis> {
        let interval = self.heartbeat.incoming;
        if interval == 0 {
            return None;
        }
        let tolerance = match self.config.heartbeat_tolerance {
            t if t.is_finite() && t >= 1.0 => t,
            _ => 1.0,
        };
        // A silence of s whole milliseconds is longer than the allowed x exactly when s > floor(x);
        // `as` rounds a non-negative float down (and saturates), as `floor` would (std only).
        let allowed = (interval as f64 * tolerance) as Millis;
        Some(self.last_received.saturating_add(allowed).saturating_add(1))
    }
}

/// `cx,cy` (spaces around the numbers allowed); `None` if malformed or out of range.
fn parse_heartbeat(text: &str) -> Option<(Millis, Millis)> {
    let comma = text.bytes().position(|b| b == b',')?;
    Some((
        parse_millis(&text[..comma])?,
        parse_millis(&text[comma + 1..])?,
    ))
}

/// A decimal number of milliseconds, digits only once trimmed; `None` if it overflows `u64`.
fn parse_millis(text: &str) -> Option<Millis> {
    let digits = text.trim_ascii();
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0 as Millis, |n, digit| {
        let digit = Millis::from(digit.checked_sub(b'0').filter(|d| *d <= 9)?);
        n.checked_mul(10)?.checked_add(digit)
    })
}

fn min_some(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn dropped() -> CloseInfo {
    CloseInfo {
        code: 1006,
        reason: "connection dropped by the client".to_owned(),
        clean: false,
    }
}
