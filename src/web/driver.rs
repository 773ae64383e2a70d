//! The driver: runs a [`Session`] in a browser, a worker, Node or a mini-program. It owns the session,
//! the transport, the deadline timer, the page/app hooks and the inbox, feeds the session what they
//! report, carries out what the session asks (open or close a socket, write bytes, wake at a
//! deadline) and hands every session event to its owner, a [`Handler`] — the JS edge, or a Rust front
//! end. Rust types in and out; `JsValue`s appear only where a transport's own objects do.
//!
//! It decides no STOMP rule: those are the session's (heart-beats, reconnects, suspension, queueing).
//!
//! # Re-entrancy
//! The owner's code runs only from [`Handler::notice`], and a transport's code (a `webSocketFactory`
//! socket is user code) only from the drive loop; both with no borrow of the driver's state held, so
//! either may call the driver back. Inputs (socket, timer, hooks) wait in an inbox; one drive loop at a
//! time drains it, and a call made from inside the loop returns at once, its outputs carried out by the
//! running loop, in order. Session events are polled one at a time and handed over one at a time, so a
//! callback that unsubscribes sees none of the messages for that subscription that were parsed with
//! it (the session turns those into unhandled messages).

use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;

use crate::frame::{push_decimal, Headers, Version};
use crate::session::redacted_url;
use crate::session::{
    AckTarget, Action, CloseInfo, CommandError, Config as SessionConfig, Event, SendOptions,
    SendOutcome, Session, State, Transmit,
};
use crate::text::concat;

use super::clock::Clock;
use super::debug::{describe_js, DebugConfig, DebugLog};
use super::hooks::{Hook, Hooks};
use super::timer::{DeadlineTimer, TimerStrategy};
use super::transport::{self, Kind, Platform, SocketEvent, Transport};

/// The driver's default backpressure bound (the session's
/// [`max_buffered_bytes`](crate::session::Config::max_buffered_bytes)): 256 KiB.
pub const DEFAULT_MAX_BUFFERED_AMOUNT: usize = 262_144;

/// How often a congested socket's buffered amount is looked at again (ms).
const DRAIN_POLL: f64 = 10.0;

/// Which socket API the driver opens.
#[derive(Clone, Default)]
pub enum SocketKind {
    /// The global `WebSocket` if there is one, else the first mini-program API found.
    #[default]
    Auto,
    /// The global `WebSocket`.
    Browser,
    /// A mini-program's `connectSocket`.
    MiniProgram(Platform),
    /// A JS function returning a WebSocket-like object (stompjs's `webSocketFactory`).
    Factory(js_sys::Function),
}

/// How the driver runs: the session's configuration plus what only a driver knows.
#[derive(Clone, Default)]
pub struct DriverConfig {
    /// The protocol engine's configuration.
    pub session: SessionConfig,
    /// Which socket API to open.
    pub socket: SocketKind,
    /// Connect headers also sent on a mini-program socket's handshake (`Authorization` always is).
    pub handshake_headers: Vec<String>,
    /// How the deadline timer fires.
    pub timer: TimerStrategy,
    /// Reconnect at once when the page becomes visible or the network comes back.
    pub reconnect_on_resume: bool,
    /// Mini-programs: follow the app's hide/show (the session's suspension rule).
    pub app_lifecycle: bool,
    /// Every frame as a binary WebSocket message.
    pub force_binary: bool,
    /// stompjs's `splitLargeFrames`: a text frame longer than [`max_chunk_size`] bytes is written as
    /// several WebSocket messages, cut at UTF-8 character boundaries (binary frames never are).
    ///
    /// [`max_chunk_size`]: DriverConfig::max_chunk_size
    pub split_large_frames: bool,
    /// stompjs's `maxWebSocketChunkSize`: the most bytes of one message when splitting (default 8 KiB).
    pub max_chunk_size: usize,
    /// stompjs's `appendMissingNULLonIncoming`: a text message that does not end with the NUL that ends
    /// a frame gets one (React Native cuts strings at NUL, so each frame arrives without it).
    pub append_missing_nul: bool,
    /// stompjs's `discardWebsocketOnCommFailure`: a socket given up on because the broker went silent
    /// (heart-beats lost, no CONNECTED or no DISCONNECT receipt in time) or by
    /// [`Driver::force_disconnect`] is discarded (`terminate()` where the socket has it, as Node's `ws`
    /// does) rather than closed with a closing handshake that a dead network never completes.
    pub discard_on_comm_failure: bool,
    /// The debug log.
    pub debug: DebugConfig,
    /// Before each connection attempt, ask the owner ([`Notice::BeforeConnect`]) and wait for
    /// [`Driver::before_connect_done`].
    pub before_connect: bool,
}

impl DriverConfig {
    /// The defaults (as stompjs's), for one broker URL.
    pub fn new(url: impl Into<String>) -> DriverConfig {
        DriverConfig {
            session: SessionConfig {
                max_buffered_bytes: DEFAULT_MAX_BUFFERED_AMOUNT,
                ..SessionConfig::new(url)
            },
            ..DriverConfig::default_settings()
        }
    }

    fn default_settings() -> DriverConfig {
        DriverConfig {
            reconnect_on_resume: true,
            app_lifecycle: true,
            max_chunk_size: 8 * 1024,
            ..DriverConfig::default()
        }
    }

    /// The connect headers that also go on a mini-program socket's handshake.
    fn handshake(&self) -> Headers {
        self.session
            .connect_headers
            .iter()
            .filter(|(name, _)| {
                name.eq_ignore_ascii_case("authorization")
                    || self
                        .handshake_headers
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(name))
            })
            .collect()
    }

    /// The session's configuration as the driver runs it: with a socket factory and no broker URL,
    /// one empty URL (the factory decides where to connect; the session still needs a URL to rotate).
    fn session_config(&self) -> SessionConfig {
        let mut session = self.session.clone();
        if session.broker_urls.is_empty() && matches!(self.socket, SocketKind::Factory(_)) {
            session.broker_urls.push(String::new());
        }
        session
    }

    /// The socket kind to open now.
    fn kind(&self) -> Kind {
        let mini = |platform| Kind::MiniProgram(platform, self.handshake());
        match &self.socket {
            SocketKind::Factory(factory) => Kind::Factory(factory.clone()),
            SocketKind::Browser => Kind::Browser,
            SocketKind::MiniProgram(platform) => mini(*platform),
            SocketKind::Auto if transport::has_global("WebSocket") => Kind::Browser,
            SocketKind::Auto => Platform::detect().map_or(Kind::Browser, mini),
        }
    }

    /// The mini-program API whose app lifecycle to follow, if any.
    fn app_api(&self) -> Option<JsValue> {
        if !self.app_lifecycle {
            return None;
        }
        match self.kind() {
            Kind::MiniProgram(platform, _) => platform.api(),
            _ => None,
        }
    }
}

/// What the driver tells its owner, in order.
#[derive(Debug)]
pub enum Notice {
    /// A session event.
    Event(Event),
    /// A connection attempt waits for the owner's `beforeConnect`: answer with
    /// [`Driver::before_connect_done`] and this generation.
    BeforeConnect(u64),
    /// The socket reported an error, or could not be opened or written to. The platform's own event
    /// object, if any, is [`Driver::take_socket_event`].
    SocketError(String),
    /// A debug log line.
    Debug(String),
}

/// The driver's owner: hears every [`Notice`], with no borrow of the driver held (it may call the
/// driver back).
pub trait Handler {
    /// One notice.
    fn notice(&self, driver: &Driver, notice: Notice);
    /// The drive loop has nothing left to do (a good moment to let go of anything the owner held
    /// for the loop's sake).
    fn idle(&self, _driver: &Driver) {}
}

/// Why the driver refused a command.
#[derive(Debug, Clone, PartialEq)]
pub enum DriverError {
    /// The session refused it.
    Command(CommandError),
    /// Called while the driver's state was borrowed: only a bug in a layer above can do this.
    Reentrant,
}

impl From<CommandError> for DriverError {
    fn from(error: CommandError) -> Self {
        DriverError::Command(error)
    }
}

impl DriverError {
    /// A message naming the problem, built without `core::fmt`.
    pub fn message(&self) -> String {
        match self {
            DriverError::Command(error) => error.message(),
            DriverError::Reentrant => String::from("the client was called while it was busy"),
        }
    }
}

/// A handle to a driver; clones share it.
#[derive(Clone)]
pub struct Driver {
    shared: Rc<Shared>,
}

struct Shared {
    core: RefCell<Core>,
    inbox: RefCell<VecDeque<Input>>,
    driving: Cell<bool>,
    handler: RefCell<Option<Rc<dyn Handler>>>,
}

/// What the socket, the timer and the hooks report, waiting for the drive loop.
enum Input {
    Socket(u64, SocketEvent),
    Timer,
    Hook(Hook),
    /// The transport for a generation was opened (or could not be: why, and the thrown value).
    Opened(u64, Result<Rc<dyn Transport>, (String, JsValue)>),
    /// The owner's `beforeConnect` for a generation finished.
    BeforeConnectDone(u64, Result<(), String>),
    /// The socket's buffered amount, read for backpressure (`None`: no socket, or it cannot say).
    Drained(Option<f64>),
}

/// What the drive loop does with no borrow held.
enum Work {
    Open {
        generation: u64,
        url: String,
        versions: Vec<Version>,
        kind: Kind,
    },
    Close(Rc<dyn Transport>, bool),
    Send(Rc<dyn Transport>, Vec<Outgoing>, bool),
    Notice(Notice),
}

/// One WebSocket message to write.
enum Outgoing {
    Frame(Transmit),
    /// A SEND's head (from `Session::send_head`) and the caller's body it was made for: a JS string,
    /// or a `Uint8Array` when binary.
    Joined(Vec<u8>, JsValue, bool),
}

struct Core {
    session: Session,
    config: DriverConfig,
    transport: Option<Rc<dyn Transport>>,
    /// Counts transports asked for; socket events carry it so that a stale one is ignored.
    generation: u64,
    timer: Option<DeadlineTimer>,
    hooks: Option<Hooks>,
    clock: Clock,
    log: DebugLog,
    /// The platform's event object of the last socket close or error.
    socket_event: JsValue,
    /// The close the session asks for next, in answer to the same call, discards the socket
    /// (`deactivate({force: true})`, or a communication failure with `discard_on_comm_failure`).
    discard: bool,
    /// The caller's bodies of the SEND heads the session has queued with `body_follows`, in order:
    /// a JS string, or a `Uint8Array` for a binary frame (`true`).
    bodies: VecDeque<(JsValue, bool)>,
    /// A look at a congested socket's buffered amount is scheduled (`poll_drain`).
    drain_pending: bool,
    /// Reads a congested socket's buffered amount again and reports it (`Input::Drained`).
    drain_poll: Option<js_sys::Function>,
}

impl Driver {
    /// A driver for `config`, reporting to `handler`.
    pub fn new(config: DriverConfig, handler: Rc<dyn Handler>) -> Driver {
        let mut log = DebugLog::default();
        log.configure(config.debug.clone());
        let core = Core {
            session: Session::new(config.session_config()),
            config,
            transport: None,
            generation: 0,
            timer: None,
            hooks: None,
            clock: Clock::new(),
            log,
            socket_event: JsValue::UNDEFINED,
            discard: false,
            bodies: VecDeque::new(),
            drain_pending: false,
            drain_poll: None,
        };
        Driver {
            shared: Rc::new(Shared {
                core: RefCell::new(core),
                inbox: RefCell::new(VecDeque::new()),
                driving: Cell::new(false),
                handler: RefCell::new(Some(handler)),
            }),
        }
    }

    // ----- commands -----

    /// Runs `f` on the core with the current time, then drives.
    fn command<T>(
        &self,
        f: impl FnOnce(&mut Core, u64) -> Result<T, CommandError>,
    ) -> Result<T, DriverError> {
        let result = {
            let Ok(mut core) = self.shared.core.try_borrow_mut() else {
                return Err(DriverError::Reentrant);
            };
            let now = core.clock.now();
            f(&mut core, now)
        };
        drive(&self.shared);
        result.map_err(DriverError::from)
    }

    /// Replaces the configuration; it applies from the next attempt or decision, as the session's.
    pub fn configure(&self, config: DriverConfig) -> Result<(), DriverError> {
        self.command(|core, _| {
            core.log.configure(config.debug.clone());
            core.session.set_config(config.session_config());
            if core.config.timer != config.timer && !core.session.state().is_active() {
                core.timer = None;
            }
            core.config = config;
            Ok(())
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> DriverConfig {
        self.peek(|core| core.config.clone())
            .unwrap_or_else(DriverConfig::default_settings)
    }

    /// Starts connecting (stompjs's `activate`); during a `deactivate` it takes effect when the
    /// disconnect has finished.
    pub fn activate(&self) -> Result<(), DriverError> {
        self.command(|core, now| {
            if core.session.state().is_active() {
                core.log.say(&["activate(): already active"]);
                return Ok(());
            }
            core.session.connect(now)
        })
    }

    /// Ends the session: a graceful DISCONNECT, or at once with `force` (the socket is discarded).
    pub fn deactivate(&self, force: bool) -> Result<(), DriverError> {
        self.command(|core, now| {
            core.discard = force;
            core.session.disconnect(now, force)
        })
    }

    /// Drops the socket as if the network failed; the reconnect policy applies.
    pub fn force_disconnect(&self) -> Result<(), DriverError> {
        self.command(|core, now| {
            core.discard = core.config.discard_on_comm_failure;
            core.session.drop_connection(now);
            Ok(())
        })
    }

    /// Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat tolerance.
    pub fn reconnect_now(&self) -> Result<(), DriverError> {
        self.command(|core, now| core.session.reconnect_now(now))
    }

    /// Subscribes; returns the subscription id.
    pub fn subscribe(&self, destination: &str, headers: &Headers) -> Result<String, DriverError> {
        self.command(|core, now| core.session.subscribe(now, destination, headers))
    }

    /// Ends a subscription.
    pub fn unsubscribe(&self, id: &str, headers: &Headers) -> Result<(), DriverError> {
        self.command(|core, now| core.session.unsubscribe(now, id, headers))
    }

    /// Publishes a message (SEND), sent now or queued.
    pub fn publish(
        &self,
        destination: &str,
        headers: &Headers,
        body: Vec<u8>,
        options: SendOptions,
    ) -> Result<SendOutcome, DriverError> {
        self.command(|core, now| core.session.send(now, destination, headers, body, options))
    }

    /// Publishes the caller's JS body of `length` bytes: a string (UTF-8 length), or a `Uint8Array`
    /// when `options.binary`. When it can go out now, only the head is encoded here and the body is
    /// joined to it on the JS side (it never crosses into wasm and back); otherwise it is read into
    /// wasm and sent as [`publish`](Driver::publish) does.
    #[cfg(feature = "js")]
    pub(crate) fn publish_js(
        &self,
        destination: &str,
        headers: &Headers,
        body: &JsValue,
        length: usize,
        options: SendOptions,
    ) -> Result<SendOutcome, DriverError> {
        // Called from inside a callback, the frame is written after the callback returns: bytes the
        // caller may change before then are copied now, as stompjs copies them at once.
        let copy;
        let body = match options.binary && self.shared.driving.get() {
            true => {
                copy = JsValue::from(js_sys::Uint8Array::new(body));
                &copy
            }
            false => body,
        };
        self.command(|core, now| {
            // The raw debug log shows bodies, forced binary frames need the bytes, so does a frame to
            // be split into pieces, and an at-least-once frame is kept to be sent again: the long way.
            // (A binary frame is never split, and forced binary frames are already binary.)
            let direct = !options.skip_content_length
                && !options.retain
                && !core.config.debug.raw
                && (options.binary || !core.config.force_binary && !core.config.split_large_frames);
            if direct && core.session.send_head(now, destination, headers, length)? {
                core.bodies.push_back((body.clone(), options.binary));
                return Ok(SendOutcome::Sent);
            }
            // Read under the borrow, but no user code runs: client.js hands over a plain string, or
            // a plain `Uint8Array` view (never a subclass with getters of its own).
            let bytes = match options.binary {
                true => wasm_bindgen::JsCast::unchecked_ref::<js_sys::Uint8Array>(body).to_vec(),
                false => body.as_string().unwrap_or_default().into_bytes(),
            };
            core.session.send(now, destination, headers, bytes, options)
        })
    }

    /// Acknowledges (`ack`) or rejects a message.
    pub fn acknowledge(
        &self,
        ack: bool,
        target: AckTarget,
        headers: &Headers,
    ) -> Result<SendOutcome, DriverError> {
        self.command(|core, now| match ack {
            true => core.session.ack(now, target, headers),
            false => core.session.nack(now, target, headers),
        })
    }

    /// Begins a transaction; returns its id.
    pub fn begin(&self, id: Option<&str>, headers: &Headers) -> Result<String, DriverError> {
        self.command(|core, now| core.session.begin(now, id, headers))
    }

    /// Commits (`commit`) or aborts a transaction.
    pub fn end_transaction(
        &self,
        commit: bool,
        id: &str,
        headers: &Headers,
    ) -> Result<(), DriverError> {
        self.command(|core, now| match commit {
            true => core.session.commit(now, id, headers),
            false => core.session.abort(now, id, headers),
        })
    }

    /// The owner's `beforeConnect` for `generation` finished; an error fails the attempt.
    pub fn before_connect_done(&self, generation: u64, result: Result<(), String>) {
        self.push(Input::BeforeConnectDone(generation, result));
    }

    // ----- getters -----

    fn peek<T>(&self, f: impl FnOnce(&Core) -> T) -> Option<T> {
        self.shared.core.try_borrow().ok().map(|core| f(&core))
    }

    /// The session's state.
    pub fn state(&self) -> State {
        self.peek(|core| core.session.state())
            .unwrap_or(State::Inactive)
    }

    /// The negotiated version while connected.
    pub fn version(&self) -> Option<Version> {
        self.peek(|core| core.session.version()).flatten()
    }

    /// The headers of the last CONNECTED frame.
    pub fn server_headers(&self) -> Headers {
        self.peek(|core| core.session.server_headers().clone())
            .unwrap_or_default()
    }

    /// Whether the deadline timer runs in a Web Worker.
    pub fn uses_worker_timer(&self) -> bool {
        self.peek(|core| core.timer.as_ref().is_some_and(DeadlineTimer::uses_worker))
            .unwrap_or(false)
    }

    /// The platform's socket object while one is open (stompjs's `webSocket`).
    pub fn socket(&self) -> JsValue {
        self.peek(|core| core.transport.as_ref().map(|t| t.raw()))
            .flatten()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// The platform's event object of the last socket close or error not yet taken: what the
    /// socket reported with the `TransportClosed` event or `SocketError` notice being handled (none
    /// when the session closed the socket itself).
    pub fn take_socket_event(&self) -> JsValue {
        self.shared
            .core
            .try_borrow_mut()
            .map(|mut core| core::mem::replace(&mut core.socket_event, JsValue::UNDEFINED))
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Reads the session (for getters the driver does not repeat).
    pub fn with_session<T>(&self, f: impl FnOnce(&Session) -> T) -> Option<T> {
        self.peek(|core| f(&core.session))
    }

    fn push(&self, input: Input) {
        push_input(&self.shared, input);
    }
}

fn push_input(shared: &Rc<Shared>, input: Input) {
    if let Ok(mut inbox) = shared.inbox.try_borrow_mut() {
        inbox.push_back(input);
    }
    drive(shared);
}

/// An input source's way back in: a weak handle, so that sockets and timers never keep a driver alive.
fn reporter(shared: &Rc<Shared>) -> Weak<Shared> {
    Rc::downgrade(shared)
}

impl Core {
    /// Feeds one input to the session.
    fn feed(&mut self, input: Input, shared: &Weak<Shared>, work: &mut Vec<Work>) {
        let now = self.clock.now();
        match input {
            Input::Timer => {
                if let Some(timer) = &mut self.timer {
                    timer.fired();
                }
                // A close asked for on a deadline gives up on a silent broker.
                self.discard |= self.config.discard_on_comm_failure;
                self.session.handle_timeout(now);
            }
            Input::Hook(Hook::Resume) => {
                let _ = self.session.reconnect_now(now);
            }
            Input::Hook(Hook::AppHide) => {
                self.log.say(&["app hidden"]);
                self.session.handle_app_hidden(now);
            }
            Input::Hook(Hook::AppShow) => {
                self.log.say(&["app shown"]);
                self.session.handle_app_shown(now);
            }
            Input::Opened(generation, opened) if generation == self.generation => match opened {
                Ok(transport) => self.transport = Some(transport),
                Err((described, error)) => {
                    let message = concat(&["cannot open the socket: ", &described]);
                    self.log.log(|| message.clone());
                    self.socket_event = error;
                    work.push(Work::Notice(Notice::SocketError(message.clone())));
                    self.session.handle_close(now, dropped(message));
                }
            },
            Input::Opened(_, opened) => {
                // Superseded while it opened (deactivated, or a newer attempt): close it.
                if let Ok(transport) = opened {
                    work.push(Work::Close(transport, false));
                }
            }
            Input::Socket(generation, event) if generation == self.generation => {
                self.socket_event(now, event, work);
            }
            Input::Socket(..) => {}
            Input::BeforeConnectDone(generation, result) if generation == self.generation => {
                match result {
                    Ok(()) => work.push(self.open_request(generation)),
                    Err(error) => {
                        let message = concat(&["beforeConnect failed: ", &error]);
                        self.log.log(|| message.clone());
                        self.session.handle_close(now, dropped(message));
                    }
                }
            }
            Input::BeforeConnectDone(..) => {}
            Input::Drained(amount) => {
                let was = self.session.congested();
                // A `bufferedAmount` is a count of bytes: anything else reads as "cannot say".
                let amount = amount.filter(|a| *a >= 0.0).map(|a| a as usize);
                self.session.handle_buffered(now, amount);
                match (was, self.session.congested()) {
                    (false, true) => self
                        .log
                        .say(&["backpressure: the socket is full; frames wait"]),
                    (true, false) => self
                        .log
                        .say(&["backpressure: the socket drained; frames go out"]),
                    _ => {}
                }
                if self.session.wants_buffered() {
                    self.poll_drain(shared);
                }
            }
        }
    }

    /// Looks at the socket's buffered amount again in a moment (once: a look already scheduled
    /// serves).
    fn poll_drain(&mut self, shared: &Weak<Shared>) {
        if core::mem::replace(&mut self.drain_pending, true) {
            return;
        }
        let poll = self.drain_poll.get_or_insert_with(|| {
            let weak = shared.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let Some(shared) = weak.upgrade() else { return };
                let transport = shared.core.try_borrow_mut().ok().and_then(|mut core| {
                    core.drain_pending = false;
                    core.transport.clone()
                });
                // Read with no borrow held (a user's socket may have a getter there).
                let amount = transport.and_then(|t| t.buffered_amount());
                push_input(&shared, Input::Drained(amount));
            })
            .into_js_value()
            .into()
        });
        super::timer::after(DRAIN_POLL, poll);
    }

    fn socket_event(&mut self, now: u64, event: SocketEvent, work: &mut Vec<Work>) {
        match event {
            SocketEvent::Open => self.session.handle_open(now),
            SocketEvent::Message(mut bytes, text) => {
                if text && self.config.append_missing_nul {
                    append_missing_nul(&mut bytes);
                }
                self.log.frame_in(&bytes);
                self.session.handle_bytes(now, &bytes);
            }
            SocketEvent::Close(info, event) => {
                self.transport = None;
                self.socket_event = event;
                self.session.handle_close(now, info);
            }
            SocketEvent::OpenFailed { message, suspended } => {
                self.transport = None;
                self.log.log(|| message.clone());
                work.push(Work::Notice(Notice::SocketError(message.clone())));
                if suspended {
                    self.session.handle_suspend(now);
                } else {
                    self.session.handle_close(now, dropped(message));
                }
            }
            SocketEvent::Error(message, event) => {
                self.socket_event = event;
                work.push(Work::Notice(Notice::SocketError(message)));
            }
        }
    }

    fn open_request(&mut self, generation: u64) -> Work {
        Work::Open {
            generation,
            url: self.session.current_url().unwrap_or_default().into(),
            versions: self.session.config().accept_versions.clone(),
            kind: self.config.kind(),
        }
    }

    /// Collects what the session asks for: actions, transmits, and one event. Returns whether it
    /// found anything.
    fn collect(&mut self, shared: &Weak<Shared>, work: &mut Vec<Work>) {
        while let Some(action) = self.session.poll_action() {
            match action {
                Action::Open { url, .. } => {
                    // A new attempt: the session dropped whatever it had not handed over.
                    self.bodies.clear();
                    self.generation += 1;
                    let shown = redacted_url(&url);
                    self.log.say(&["opening ", &shown]);
                    if self.config.before_connect {
                        work.push(Work::Notice(Notice::BeforeConnect(self.generation)));
                    } else {
                        work.push(self.open_request(self.generation));
                    }
                }
                Action::Close => {
                    self.generation += 1;
                    let discard = core::mem::take(&mut self.discard);
                    if let Some(transport) = self.transport.take() {
                        work.push(Work::Close(transport, discard));
                    }
                }
            }
        }
        // Meant for a close the same call would make: one that did not come must not apply later.
        self.discard = false;
        if let Some(transport) = &self.transport {
            let mut batch = Vec::new();
            while let Some(transmit) = self.session.poll_transmit() {
                match transmit.body_follows {
                    true => self.log.head_out(&transmit.bytes),
                    false => self.log.frame_out(&transmit.bytes),
                }
                if transmit.body_follows {
                    let (body, binary) = self.bodies.pop_front().unwrap_or_default();
                    batch.push(Outgoing::Joined(transmit.bytes, body, binary));
                } else {
                    split_into(&self.config, &mut self.log, transmit, &mut batch);
                }
            }
            if !batch.is_empty() {
                work.push(Work::Send(
                    transport.clone(),
                    batch,
                    self.config.force_binary,
                ));
            }
        }
        for line in self.log.take() {
            work.push(Work::Notice(Notice::Debug(line)));
        }
        if let Some(event) = self.session.poll_event() {
            if let Event::StateChanged { from, to } = &event {
                self.log
                    .say(&["state: ", from.as_str(), " -> ", to.as_str()]);
                for line in self.log.take() {
                    work.push(Work::Notice(Notice::Debug(line)));
                }
            }
            work.push(Work::Notice(Notice::Event(event)));
        }
        self.sync_hooks(shared);
    }

    /// Page and app hooks exist while the session wants to be connected.
    fn sync_hooks(&mut self, shared: &Weak<Shared>) {
        let wanted = self.session.wants_active();
        if wanted == self.hooks.is_some() {
            return;
        }
        self.hooks = wanted.then(|| {
            let weak = shared.clone();
            let report = Rc::new(move |hook| {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Hook(hook));
                }
            });
            Hooks::install(
                self.config.reconnect_on_resume,
                self.config.app_api(),
                report,
            )
        });
    }

    /// Arms the timer for the session's next deadline (creating the timer when first needed).
    fn arm_timer(&mut self, shared: &Weak<Shared>) {
        let deadline = self.session.poll_timeout();
        if self.timer.is_none() {
            if deadline.is_none() {
                return;
            }
            let weak = shared.clone();
            let on_fire = Rc::new(move || {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Timer);
                }
            });
            self.timer = Some(DeadlineTimer::new(self.config.timer, on_fire));
        }
        let now = self.clock.now();
        if let Some(timer) = &mut self.timer {
            timer.schedule(deadline, now);
            if let Some(note) = timer.take_note() {
                self.log.log(|| note);
            }
        }
    }
}

/// Adds `transmit` to `batch`: as it is, or, with `split_large_frames`, a text frame longer than
/// `max_chunk_size` as several text messages (stompjs's `splitLargeFrames`; the broker reassembles
/// the frame from the stream). Binary frames, and every frame under `force_binary`, go whole.
fn split_into(
    config: &DriverConfig,
    log: &mut DebugLog,
    transmit: Transmit,
    batch: &mut Vec<Outgoing>,
) {
    let max = config.max_chunk_size;
    if !config.split_large_frames
        || config.force_binary
        || transmit.binary
        || transmit.bytes.len() <= max
    {
        batch.push(Outgoing::Frame(transmit));
        return;
    }
    let mut pieces = 0u64;
    for piece in transport::utf8_pieces(&transmit.bytes, max) {
        pieces += 1;
        batch.push(Outgoing::Frame(Transmit {
            bytes: piece.to_vec(),
            binary: false,
            body_follows: false,
        }));
    }
    log.log(|| {
        let mut line = String::from("split a frame of ");
        push_decimal(&mut line, transmit.bytes.len() as u64);
        line.push_str(" bytes into ");
        push_decimal(&mut line, pieces);
        line.push_str(" messages");
        line
    });
}

/// Ends a text message with the NUL that ends a frame, unless it has one or is only heart-beats (EOLs),
/// which carry none: each message is then taken to be one whole frame, as stompjs does.
fn append_missing_nul(bytes: &mut Vec<u8>) {
    let beats_only = bytes.iter().all(|&b| b == b'\n' || b == b'\r');
    if !beats_only && bytes.last() != Some(&0) {
        bytes.push(0);
    }
}

fn dropped(reason: String) -> CloseInfo {
    CloseInfo {
        code: 1006,
        reason,
        clean: false,
    }
}

/// Drains the inbox and the session's outputs until both are empty, running user and transport code
/// with no borrow held. Re-entrant calls return at once: the running loop picks up what they queued.
fn drive(shared: &Rc<Shared>) {
    if shared.driving.replace(true) {
        return;
    }
    let weak = reporter(shared);
    let driver = Driver {
        shared: shared.clone(),
    };
    let mut work = Vec::new();
    loop {
        let input = shared
            .inbox
            .try_borrow_mut()
            .ok()
            .and_then(|mut inbox| inbox.pop_front());
        let had_input = input.is_some();
        {
            let Ok(mut core) = shared.core.try_borrow_mut() else {
                break;
            };
            if let Some(input) = input {
                core.feed(input, &weak, &mut work);
            }
            core.collect(&weak, &mut work);
        }
        let had_work = !work.is_empty();
        for item in work.drain(..) {
            run(shared, &driver, item);
        }
        let inbox_empty = shared.inbox.try_borrow().map_or(true, |i| i.is_empty());
        if !had_input && !had_work && inbox_empty {
            break;
        }
    }
    let lines = match shared.core.try_borrow_mut() {
        Ok(mut core) => {
            core.arm_timer(&weak);
            core.log.take()
        }
        Err(_) => Vec::new(),
    };
    for line in lines {
        run(shared, &driver, Work::Notice(Notice::Debug(line)));
    }
    shared.driving.set(false);
    if let Some(handler) = handler(shared) {
        handler.idle(&driver);
    }
}

fn handler(shared: &Shared) -> Option<Rc<dyn Handler>> {
    shared.handler.try_borrow().ok().and_then(|h| h.clone())
}

/// One piece of work, with no borrow held.
fn run(shared: &Rc<Shared>, driver: &Driver, work: Work) {
    match work {
        Work::Notice(notice) => {
            if let Some(handler) = handler(shared) {
                handler.notice(driver, notice);
            }
        }
        Work::Close(transport, discard) => transport.close(discard),
        Work::Send(transport, batch, force_binary) => {
            for outgoing in batch {
                let sent = match outgoing {
                    Outgoing::Frame(transmit) => {
                        transport.send(&transmit.bytes, transmit.binary || force_binary)
                    }
                    Outgoing::Joined(head, body, binary) => {
                        transport.send_joined(&head, &body, binary)
                    }
                };
                if let Err(error) = sent {
                    let message = concat(&["send failed: ", &describe_js(&error)]);
                    if let Ok(mut core) = shared.core.try_borrow_mut() {
                        core.socket_event = error;
                    }
                    if let Some(handler) = handler(shared) {
                        handler.notice(driver, Notice::SocketError(message));
                    }
                    break;
                }
            }
            // Backpressure: once the session has handed out enough to reach its bound, the socket's
            // buffered amount is read (with no borrow held: a user's socket may have a getter
            // there) and reported; the drive loop goes on with what that lets out.
            let look = shared
                .core
                .try_borrow()
                .is_ok_and(|core| core.session.wants_buffered() && !core.drain_pending);
            if look {
                push_input(shared, Input::Drained(transport.buffered_amount()));
            }
        }
        Work::Open {
            generation,
            url,
            versions,
            kind,
        } => {
            let weak = reporter(shared);
            let sink: transport::Sink = Rc::new(move |event| {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Socket(generation, event));
                }
            });
            // Events a socket reports while it is being opened queue behind its `Opened`.
            let before = shared.inbox.try_borrow().map_or(0, |i| i.len());
            // Described here, with no borrow held: a thrown value's `toString` is user code too.
            let opened = transport::open(&url, &versions, kind, sink)
                .map_err(|error| (describe_js(&error), error));
            if let Ok(mut inbox) = shared.inbox.try_borrow_mut() {
                let at = before.min(inbox.len());
                inbox.insert(at, Input::Opened(generation, opened));
            }
        }
    }
}
