//! The driver: runs a [`Session`] in a browser, a worker, Node or a mini-program. It owns the session,
//! the transport, the deadline timer, the page/app hooks and the inbox, feeds the session what they
//! report, carries out what the session asks (open or close a socket, write bytes, wake at a
//! deadline) and hands every session event to its owner, a [`Handler`] — the JS edge, or a Rust front
//! end. Rust types in and out; `JsValue`s appear only where a transport's own objects do.
//!
//! It decides no STOMP rule: those are the session's (heart-beats, reconnects, suspension, queueing).
//!
//! Its parts: `config` (what it runs with), this module (the handle and its commands), `drive` (the
//! inbox and the drive loop), `outgoing` (how frames reach a socket: splitting, joined bodies,
//! backpressure reports).
//!
//! # Re-entrancy, and frames written before a call returns
//! The owner's code runs only from [`Handler::notice`], and a transport's code (a `webSocketFactory`
//! socket is user code) only from the drive loop; both with no borrow of the driver's state held, so
//! either may call the driver back.
//!
//! - A command writes what it produced before it returns, wherever it is called from: outside the
//!   loop it runs the loop; called back from inside it (an `onConnect`, a message callback), it
//!   carries out the session's actions and writes its frames at once, as stompjs writes to its socket
//!   before `publish()` returns, and leaves the events to the running loop. The loop delivers events
//!   one at a time, each after every frame made before it was written, so the order on the wire is
//!   the order the application issued frames in.
//! - Inputs (socket, timer, hooks) wait in an inbox that one loop drains. A socket event that arrives
//!   while a command called from outside the loop runs (a test socket answering `send()` at once) is
//!   handled right after the command returns (a microtask), as a real socket's event would be: the
//!   caller has registered what the command returned (a subscription id, a publish ticket) by then.
//! - Session events are polled one at a time and handed over one at a time, so a callback that
//!   unsubscribes sees none of the messages for that subscription that were parsed with it (the
//!   session turns those into unhandled messages).

mod config;
mod drive;
mod outgoing;

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;

use crate::frame::{Headers, Version};
use crate::session::{
    Accepted, AckTarget, CommandError, Event, SendOptions, SendOutcome, Session, State,
};

use super::clock::Clock;
use super::debug::DebugLog;
use super::hooks::{Hook, Hooks};
use super::timer::DeadlineTimer;
use super::transport::{SocketEvent, Transport};

pub use config::{DriverConfig, SocketKind};

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

    /// A stable name of the kind of error ([`CommandError::code`], or `REENTRANT`).
    pub fn code(&self) -> &'static str {
        match self {
            DriverError::Command(error) => error.code(),
            DriverError::Reentrant => "REENTRANT",
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
    /// The drive loop is running (a command now is a call back from inside it).
    driving: Cell<bool>,
    /// A command called from outside the loop is running: socket events wait in `later`.
    commanding: Cell<bool>,
    /// Socket events that arrived during a command, for the microtask after it.
    later: RefCell<VecDeque<Input>>,
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
    /// The caller's bodies of the SEND heads the session has queued with `body_follows`, in order:
    /// a JS string, or a `Uint8Array` for a binary frame (`true`).
    bodies: VecDeque<(JsValue, bool)>,
    /// A look at a congested socket's buffered amount is scheduled (`outgoing::poll_drain`).
    drain_pending: bool,
    /// Reads a congested socket's buffered amount again and reports it (`Input::Drained`).
    drain_poll: Option<js_sys::Function>,
    /// Hands the socket events that waited for a command over to the loop (`drive::run_later`).
    later_poll: Option<js_sys::Function>,
}

impl Driver {
    /// A driver for `config`, reporting to `handler`.
    pub fn new(config: DriverConfig, handler: Rc<dyn Handler>) -> Driver {
        let mut log = DebugLog::default();
        log.configure(config.debug.clone());
        let core = Core {
            session: Session::new(config.session.clone()),
            config,
            transport: None,
            generation: 0,
            timer: None,
            hooks: None,
            clock: Clock::new(),
            log,
            socket_event: JsValue::UNDEFINED,
            bodies: VecDeque::new(),
            drain_pending: false,
            drain_poll: None,
            later_poll: None,
        };
        Driver {
            shared: Rc::new(Shared {
                core: RefCell::new(core),
                inbox: RefCell::new(VecDeque::new()),
                driving: Cell::new(false),
                commanding: Cell::new(false),
                later: RefCell::new(VecDeque::new()),
                handler: RefCell::new(Some(handler)),
            }),
        }
    }

    // ----- commands -----

    /// Runs `f` on the core with the current time, then writes what it produced (see the module
    /// documentation): the whole loop when called from outside it, the actions and frames alone
    /// when called back from inside it.
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
        drive::after_command(&self.shared);
        result.map_err(DriverError::from)
    }

    /// Replaces the configuration; it applies from the next attempt or decision, as the session's.
    pub fn configure(&self, config: DriverConfig) -> Result<(), DriverError> {
        let weak = Rc::downgrade(&self.shared);
        self.command(|core, _| {
            core.log.configure(config.debug.clone());
            core.session.set_config(config.session.clone());
            // A raised or lifted `maxBufferedAmount` lets waiting frames go at the next report.
            if core.session.wants_buffered() {
                core.poll_drain(&weak);
            }
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
            .unwrap_or_else(|| DriverConfig::new(""))
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

    /// Ends the session: a graceful DISCONNECT after what was accepted before, or at once with
    /// `force` (the socket is discarded).
    pub fn deactivate(&self, force: bool) -> Result<(), DriverError> {
        self.command(|core, now| core.session.disconnect(now, force))
    }

    /// Drops the socket as if the network failed; the reconnect policy applies.
    pub fn force_disconnect(&self) -> Result<(), DriverError> {
        self.command(|core, now| {
            core.session.drop_connection(now);
            Ok(())
        })
    }

    /// Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat tolerance.
    pub fn reconnect_now(&self) -> Result<(), DriverError> {
        self.command(|core, now| core.session.reconnect_now(now))
    }

    /// Subscribes; returns the subscription id (the session's `sub-N` unless `headers` name one).
    /// `per_connection`: it ends with its connection instead of being restored (see
    /// [`Session::subscribe`]).
    pub fn subscribe(
        &self,
        destination: &str,
        headers: &Headers,
        per_connection: bool,
    ) -> Result<String, DriverError> {
        self.command(|core, now| {
            core.session
                .subscribe(now, destination, headers, per_connection)
        })
    }

    /// Ends a subscription.
    pub fn unsubscribe(&self, id: &str, headers: &Headers) -> Result<(), DriverError> {
        self.command(|core, now| core.session.unsubscribe(now, id, headers))
    }

    /// Publishes a message (SEND), written now or waiting in order; returns its ticket.
    pub fn publish(
        &self,
        destination: &str,
        headers: &Headers,
        body: Vec<u8>,
        options: SendOptions,
    ) -> Result<Accepted, DriverError> {
        self.command(|core, now| core.session.send(now, destination, headers, body, options))
    }

    /// Publishes the caller's JS body of `length` bytes: a string (UTF-8 length), or a `Uint8Array`
    /// when `options.binary`. When it can go out now, only the head is encoded here and the body is
    /// joined to it on the JS side (it never crosses into wasm and back); otherwise it is read into
    /// wasm and sent as [`publish`](Driver::publish) does. Either way it is written before this
    /// returns when the connection is free.
    #[cfg(feature = "js")]
    pub(crate) fn publish_js(
        &self,
        destination: &str,
        headers: &Headers,
        body: &JsValue,
        length: usize,
        options: SendOptions,
    ) -> Result<Accepted, DriverError> {
        self.command(|core, now| {
            // The raw debug log shows bodies, forced binary frames need the bytes, and so does a
            // frame to be split into pieces: the long way. (A binary frame is never split, and forced
            // binary frames are already binary.)
            let direct = !core.config.debug.raw
                && (options.binary || !core.config.force_binary && !core.config.split_large_frames);
            if direct {
                if let Some(ticket) =
                    core.session
                        .send_head(now, destination, headers, length, options)?
                {
                    core.bodies.push_back((body.clone(), options.binary));
                    return Ok(Accepted {
                        ticket,
                        outcome: SendOutcome::Sent,
                    });
                }
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
        drive::push_input(&self.shared, Input::BeforeConnectDone(generation, result));
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

    /// The platform's socket object while one is open (stompjs's `webSocket`): the object the
    /// client writes to.
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
}
