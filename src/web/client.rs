//! The JS `Client`: a thin driver around [`Session`]. It feeds the session what the socket and the
//! timer report, drains the session's outputs (open/close the socket, write bytes, arm the timer) and
//! turns its events into the stompjs-named callbacks and `on()` listeners. No STOMP rule is decided
//! here.
//!
//! Re-entrancy: user callbacks may call any client method. Socket and timer events go through an
//! inbox, and one `drive` loop at a time drains it; no borrow is held while user code runs.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{Command, Frame, Headers, Version};
use crate::session::{
    AckTarget, Action, CommandError, ConnectFailure, Event, SendOptions, Session, State,
};

use super::debug::Debug;
use super::enums::ActivationState;
use super::lifecycle::AppLifecycle;
use super::listeners::{call_guarded, describe_error, EventName, Listeners};
use super::message::{ack_target, headers_object, MessageBuilder};
use super::options::{headers as headers_from, type_error, Options};
use super::resume::ResumeHooks;
use super::timer::DeadlineTimer;
use super::transport::{self, Kind, SocketEvent, Transport};

/// What the socket and timer report, waiting for the drive loop.
enum Input {
    Socket(u64, SocketEvent),
    Timer,
    /// `beforeConnect` settled for transport generation `.0`; `.1` is the error if it failed.
    BeforeConnectDone(u64, Option<String>),
    Resume,
    AppHide,
    AppShow,
    /// The transport for generation `.0` was opened (or could not be).
    Opened(u64, Result<Box<dyn Transport>, JsValue>),
}

/// State shared by the `Client`, its messages, subscriptions and the JS handlers.
pub(crate) struct Shared {
    inner: RefCell<Inner>,
    inbox: RefCell<VecDeque<Input>>,
    driving: Cell<bool>,
}

struct Inner {
    session: Session,
    options: Options,
    listeners: Listeners,
    debug: Debug,
    transport: Option<Box<dyn Transport>>,
    /// Counts transports asked for; socket events carry it so a stale one is ignored.
    generation: u64,
    timer: Option<DeadlineTimer>,
    resume: Option<ResumeHooks>,
    lifecycle: Option<AppLifecycle>,
    /// When the mini-program was hidden, while it is.
    hidden_since: Option<u64>,
    subscriptions: Vec<(String, Function)>,
    receipt_watchers: Vec<(String, Function)>,
    receipt_promises: Vec<(String, Function, Function)>,
    deactivate_waiters: Vec<Function>,
    activate_after_disconnect: bool,
    last_close_event: Option<JsValue>,
    /// Makes received frames into JS objects (set up right after the client, which it refers to).
    messages: Option<MessageBuilder>,
}

/// Work for JS that the drive loop runs with no borrow held.
enum Call {
    Emit(EventName, Vec<JsValue>),
    Invoke(Function, Vec<JsValue>, &'static str),
    BeforeConnect(Function, u64),
    /// Open the transport for this generation (user code may run: `webSocketFactory`).
    Open(u64),
}

/// A STOMP client over WebSocket, with the @stomp/stompjs v7 API.
///
/// ```js
/// import init, { Client } from 'stomp-wasm';
/// await init();
/// const client = new Client({ brokerURL: 'ws://127.0.0.1:15674/ws',
///                             connectHeaders: { login: 'guest', passcode: 'guest' } });
/// client.onConnect = () => {
///   client.subscribe('/topic/chat', (message) => console.log(message.body));
///   client.publish({ destination: '/topic/chat', body: '你好 👋' });
/// };
/// client.activate();
/// ```
#[wasm_bindgen]
pub struct Client {
    shared: Rc<Shared>,
}

/// About this long after a mini-program is hidden, the platform suspends it and its sockets die.
const SUSPENDED_AFTER: u64 = 5_000;

fn now() -> u64 {
    js_sys::Date::now() as u64
}

fn js_error(error: &CommandError) -> JsValue {
    match error {
        CommandError::InvalidState { .. } | CommandError::NotConnected => {
            js_sys::TypeError::new(&error.to_string()).into()
        }
        _ => js_sys::Error::new(&error.to_string()).into(),
    }
}

impl Client {
    fn inner(&self) -> std::cell::RefMut<'_, Inner> {
        self.shared.inner.borrow_mut()
    }

    /// Runs `f` on the inner state, then drives the session.
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let result = {
            let mut inner = self.inner();
            inner.notice_suspension(now());
            f(&mut inner)
        };
        drive(&self.shared);
        result
    }

    fn set_option(&self, key: &str, value: JsValue) -> Result<(), JsValue> {
        self.with(|inner| inner.apply(key, value))
    }
}

#[wasm_bindgen]
impl Client {
    /// Creates a client; `options` as stompjs's `StompConfig` (plus the extensions in the README).
    /// An unknown option or a value of the wrong type throws a `TypeError` naming it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        let mut parsed = Options::new();
        parsed.apply_object(&options)?;
        let mut inner = Inner {
            session: Session::new(parsed.session.clone()),
            debug: Debug::default(),
            options: Options::new(),
            listeners: Listeners::default(),
            transport: None,
            generation: 0,
            timer: None,
            resume: None,
            lifecycle: None,
            hidden_since: None,
            subscriptions: Vec::new(),
            receipt_watchers: Vec::new(),
            receipt_promises: Vec::new(),
            deactivate_waiters: Vec::new(),
            activate_after_disconnect: false,
            last_close_event: None,
            messages: None,
        };
        inner.install(parsed);
        let shared = Rc::new(Shared {
            inner: RefCell::new(inner),
            inbox: RefCell::new(VecDeque::new()),
            driving: Cell::new(false),
        });
        let weak = Rc::downgrade(&shared);
        let acknowledge =
            Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> Result<(), JsValue>>::new(
                move |is_ack: JsValue, ids: JsValue, headers: JsValue| {
                    let shared = weak.upgrade().ok_or_else(|| {
                        JsValue::from(js_sys::Error::new("the client of this message is gone"))
                    })?;
                    let target = ack_target(&ids).ok_or_else(|| {
                        type_error("ack()/nack() must be called on a received message")
                    })?;
                    let headers = plain_object(&headers).cloned();
                    ack_from_message(&shared, is_ack.as_bool() == Some(true), target, headers)
                },
            );
        shared.inner.borrow_mut().messages = Some(MessageBuilder::new(
            acknowledge.into_js_value().unchecked_into(),
        ));
        Ok(Client { shared })
    }

    /// Changes options (only the keys given), as stompjs's `configure`.
    pub fn configure(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        self.with(|inner| {
            let object = plain_object(&options)
                .ok_or_else(|| type_error("configure() takes an options object"))?;
            for key in Object::keys(object).iter() {
                let name = key.as_string().unwrap_or_default();
                inner.apply(&name, Reflect::get(object, &key)?)?;
            }
            Ok(())
        })
    }

    /// Starts connecting, and keeps reconnecting per the policy until `deactivate()`.
    pub fn activate(&self) -> Result<(), JsValue> {
        let shared = Rc::downgrade(&self.shared);
        self.with(|inner| {
            if inner.session.state() == State::Disconnecting {
                inner.activate_after_disconnect = true;
                return Ok(());
            }
            if inner.session.state().is_active() {
                inner.debug.log(|| "activate(): already active".into());
                return Ok(());
            }
            inner.ensure_timer(&shared);
            inner.ensure_resume_hooks(&shared);
            inner.ensure_lifecycle_hooks(&shared);
            inner.session.connect(now()).map_err(|e| js_error(&e))
        })
    }

    /// Disconnects gracefully (DISCONNECT, then close on its RECEIPT or after `disconnectTimeout`), or
    /// at once with `{force: true}`. The Promise always settles.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn deactivate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ force?: boolean }")] options: Option<Object>,
    ) -> Promise {
        let force = options
            .and_then(|options| Reflect::get(&options, &"force".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let mut resolver = None;
        let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        self.with(|inner| {
            inner.activate_after_disconnect = false;
            // The executor ran synchronously; no resolver is impossible (and then nothing waits).
            let Some(resolve) = resolver.take() else {
                return;
            };
            match inner.session.state() {
                State::Inactive => {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
                _ => {
                    inner.deactivate_waiters.push(resolve);
                    // Disconnect cannot fail from an active state; an error would leave the waiter
                    // to the Disconnected event, which every path produces.
                    let _ = inner.session.disconnect(now(), force);
                }
            }
        });
        promise
    }

    /// Closes the socket without DISCONNECT, as if the network dropped; the client reconnects per the
    /// policy (stompjs's `forceDisconnect`).
    #[wasm_bindgen(js_name = forceDisconnect)]
    pub fn force_disconnect(&self) {
        self.with(|inner| inner.session.drop_connection(now()));
    }

    /// Reconnects at once if waiting out a backoff, failed, or silent past a heart-beat interval.
    #[wasm_bindgen(js_name = reconnectNow)]
    pub fn reconnect_now(&self) -> Result<(), JsValue> {
        self.with(|inner| inner.session.reconnect_now(now()).map_err(|e| js_error(&e)))
    }

    /// Sends a message: `{destination, body?, binaryBody?, headers?, receipt?, skipContentLengthHeader?}`.
    /// Returns a Promise settled by the broker's RECEIPT when `receipt: true`, else when the frame is
    /// written or queued; rejected with an Error naming the problem otherwise.
    #[wasm_bindgen(unchecked_return_type = "Promise<IFrame | undefined>")]
    pub fn publish(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IPublishParams")] params: JsValue,
    ) -> Promise {
        match self.with(|inner| inner.publish(&params)) {
            Ok(Some(promise)) => promise,
            Ok(None) => Promise::resolve(&JsValue::UNDEFINED),
            Err(error) => Promise::reject(&error),
        }
    }

    /// Subscribes; `callback(message)` gets every MESSAGE. The subscription survives reconnects (it is
    /// re-sent with the same id). Returns `{id, unsubscribe(headers?)}`.
    pub fn subscribe(
        &self,
        destination: &str,
        #[wasm_bindgen(unchecked_param_type = "messageCallbackType")] callback: Function,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<StompSubscription, JsValue> {
        let id = self.with(|inner| {
            let headers = headers_from("headers", optional(headers))?;
            let id = inner
                .session
                .subscribe(now(), destination, &headers)
                .map_err(|e| js_error(&e))?;
            inner.subscriptions.push((id.clone(), callback));
            Ok::<_, JsValue>(id)
        })?;
        Ok(StompSubscription {
            id,
            client: Rc::downgrade(&self.shared),
        })
    }

    /// Ends a subscription by id.
    pub fn unsubscribe(
        &self,
        id: &str,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        unsubscribe(&self.shared, id, headers)
    }

    /// Acknowledges a message by id (the `ack` header under 1.2, `message-id` before).
    pub fn ack(
        &self,
        message_id: &str,
        subscription_id: &str,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        ack_from_message(
            &self.shared,
            true,
            AckTarget::by_id(message_id, subscription_id),
            headers,
        )
    }

    /// Rejects a message by id (not in STOMP 1.0).
    pub fn nack(
        &self,
        message_id: &str,
        subscription_id: &str,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        ack_from_message(
            &self.shared,
            false,
            AckTarget::by_id(message_id, subscription_id),
            headers,
        )
    }

    /// Begins a transaction; returns `{id, commit(), abort()}`.
    pub fn begin(&self, transaction_id: Option<String>) -> Result<StompTransaction, JsValue> {
        let id = self.with(|inner| {
            inner
                .session
                .begin(now(), transaction_id.as_deref(), &Headers::new())
                .map_err(|e| js_error(&e))
        })?;
        Ok(StompTransaction {
            id,
            client: Rc::downgrade(&self.shared),
        })
    }

    /// Commits a transaction.
    pub fn commit(&self, transaction_id: &str) -> Result<(), JsValue> {
        end_transaction(&self.shared, true, transaction_id)
    }

    /// Aborts a transaction.
    pub fn abort(&self, transaction_id: &str) -> Result<(), JsValue> {
        end_transaction(&self.shared, false, transaction_id)
    }

    /// Calls `callback(frame)` when the RECEIPT for `receiptId` arrives (put `receipt: receiptId` in
    /// the headers of the frame you send).
    #[wasm_bindgen(js_name = watchForReceipt)]
    pub fn watch_for_receipt(
        &self,
        receipt_id: &str,
        #[wasm_bindgen(unchecked_param_type = "frameCallbackType")] callback: Function,
    ) {
        self.inner()
            .receipt_watchers
            .push((receipt_id.to_owned(), callback));
    }

    /// Adds a listener: `on('connect', fn)`, `on('message'…)` — any event name (see the README).
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof ClientEventMap")] name: &str,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: Function,
    ) -> Result<(), JsValue> {
        let event = event_name(name)?;
        self.inner().listeners.add(event, listener);
        Ok(())
    }

    /// Removes a listener added with `on`.
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof ClientEventMap")] name: &str,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: Function,
    ) -> Result<bool, JsValue> {
        let event = event_name(name)?;
        Ok(self.inner().listeners.remove(event, &listener))
    }

    /// Whether a STOMP session is established.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.inner().session.state() == State::Connected
    }

    /// Whether the client is active (connecting, connected or reconnecting).
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        self.inner().session.state().is_active()
    }

    /// The activation state, as stompjs (`ActivationState`).
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> ActivationState {
        activation(self.inner().session.state())
    }

    /// The detailed state: `"inactive" | "connecting" | "connected" | "disconnecting" |
    /// "reconnecting" | "failed"`.
    #[wasm_bindgen(getter, js_name = connectionState)]
    pub fn connection_state(&self) -> String {
        self.inner().session.state().as_str().to_owned()
    }

    /// The negotiated STOMP version while connected.
    #[wasm_bindgen(getter, js_name = connectedVersion)]
    pub fn connected_version(&self) -> Option<String> {
        self.inner()
            .session
            .version()
            .map(|v| v.as_str().to_owned())
    }

    /// The CONNECTED frame's headers (`server`, `session`, `heart-beat`, `version`).
    #[wasm_bindgen(getter, js_name = serverHeaders)]
    #[wasm_bindgen(unchecked_return_type = "StompHeaders")]
    pub fn server_headers(&self) -> JsValue {
        headers_object(self.inner().session.server_headers())
    }

    /// The underlying socket while one is open.
    #[wasm_bindgen(getter, js_name = webSocket)]
    pub fn web_socket(&self) -> JsValue {
        self.inner()
            .transport
            .as_ref()
            .map_or(JsValue::UNDEFINED, |t| t.raw())
    }

    /// Whether heart-beat timers run in a Web Worker (`heartbeatStrategy: 'worker'` took effect).
    #[wasm_bindgen(getter, js_name = usesWorkerTimer)]
    pub fn uses_worker_timer(&self) -> bool {
        self.inner()
            .timer
            .as_ref()
            .is_some_and(DeadlineTimer::uses_worker)
    }
}

macro_rules! option_properties {
    ($($setter:ident => $js:ident),* $(,)?) => {
        #[wasm_bindgen]
        impl Client {
            $(
                #[doc = concat!("Sets the `", stringify!($js), "` option (stompjs-style assignment).")]
                #[wasm_bindgen(setter = $js)]
                pub fn $setter(&self, value: JsValue) -> Result<(), JsValue> {
                    self.set_option(stringify!($js), value)
                }
            )*
        }
    };
}

option_properties! {
    set_broker_url => brokerURL,
    set_web_socket_factory => webSocketFactory,
    set_connect_headers => connectHeaders,
    set_disconnect_headers => disconnectHeaders,
    set_stomp_versions => stompVersions,
    set_heartbeat_incoming => heartbeatIncoming,
    set_heartbeat_outgoing => heartbeatOutgoing,
    set_heartbeat_tolerance_multiplier => heartbeatToleranceMultiplier,
    set_heartbeat_strategy => heartbeatStrategy,
    set_reconnect_delay => reconnectDelay,
    set_reconnect_time_mode => reconnectTimeMode,
    set_max_reconnect_delay => maxReconnectDelay,
    set_max_reconnect_attempts => maxReconnectAttempts,
    set_reconnect_jitter => reconnectJitter,
    set_connection_timeout => connectionTimeout,
    set_receipt_timeout => receiptTimeout,
    set_disconnect_timeout => disconnectTimeout,
    set_queue_while_disconnected => queueWhileDisconnected,
    set_max_queued_frames => maxQueuedFrames,
    set_max_queued_bytes => maxQueuedBytes,
    set_force_binary_ws_frames => forceBinaryWSFrames,
    set_log_raw_communication => logRawCommunication,
    set_debug => debug,
    set_before_connect => beforeConnect,
}

macro_rules! callback_properties {
    ($($getter:ident, $setter:ident => $js:ident: $event:ident),* $(,)?) => {
        #[wasm_bindgen]
        impl Client {
            $(
                #[doc = concat!("The `", stringify!($js), "` callback.")]
                #[wasm_bindgen(getter = $js)]
                pub fn $getter(&self) -> Option<Function> {
                    self.inner().listeners.slot(EventName::$event).cloned()
                }

                #[doc = concat!("Sets the `", stringify!($js), "` callback.")]
                #[wasm_bindgen(setter = $js)]
                pub fn $setter(&self, value: JsValue) -> Result<(), JsValue> {
                    self.set_option(stringify!($js), value)
                }
            )*
        }
    };
}

callback_properties! {
    on_connect, set_on_connect => onConnect: Connect,
    on_disconnect, set_on_disconnect => onDisconnect: Disconnect,
    on_stomp_error, set_on_stomp_error => onStompError: StompError,
    on_web_socket_close, set_on_web_socket_close => onWebSocketClose: WebSocketClose,
    on_web_socket_error, set_on_web_socket_error => onWebSocketError: WebSocketError,
    on_unhandled_message, set_on_unhandled_message => onUnhandledMessage: UnhandledMessage,
    on_unhandled_receipt, set_on_unhandled_receipt => onUnhandledReceipt: UnhandledReceipt,
    on_unhandled_frame, set_on_unhandled_frame => onUnhandledFrame: UnhandledFrame,
    on_change_state, set_on_change_state => onChangeState: ChangeState,
    on_heartbeat_received, set_on_heartbeat_received => onHeartbeatReceived: HeartbeatReceived,
    on_heartbeat_lost, set_on_heartbeat_lost => onHeartbeatLost: HeartbeatLost,
}

/// A live subscription: `{id, unsubscribe(headers?)}`.
#[wasm_bindgen]
pub struct StompSubscription {
    id: String,
    client: Weak<Shared>,
}

#[wasm_bindgen]
impl StompSubscription {
    /// The subscription id (`sub-N`, or the `id` header given).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Ends the subscription.
    pub fn unsubscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        match self.client.upgrade() {
            Some(shared) => unsubscribe(&shared, &self.id, headers),
            None => Err(js_sys::Error::new("the client of this subscription is gone").into()),
        }
    }
}

/// An open transaction: `{id, commit(), abort()}`.
#[wasm_bindgen]
pub struct StompTransaction {
    id: String,
    client: Weak<Shared>,
}

#[wasm_bindgen]
impl StompTransaction {
    /// The transaction id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Commits it.
    pub fn commit(&self) -> Result<(), JsValue> {
        self.end(true)
    }

    /// Aborts it.
    pub fn abort(&self) -> Result<(), JsValue> {
        self.end(false)
    }
}

impl StompTransaction {
    fn end(&self, commit: bool) -> Result<(), JsValue> {
        match self.client.upgrade() {
            Some(shared) => end_transaction(&shared, commit, &self.id),
            None => Err(js_sys::Error::new("the client of this transaction is gone").into()),
        }
    }
}

/// `value` as an object, whatever realm made it (an `instanceof Object` test would refuse objects
/// from an iframe or a mini-program's other contexts).
pub(crate) fn plain_object(value: &JsValue) -> Option<&Object> {
    (value.is_object() && !value.is_function()).then(|| value.unchecked_ref())
}

/// An optional object argument as a plain value (`undefined` when absent).
fn optional(value: Option<Object>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from)
}

fn event_name(name: &str) -> Result<EventName, JsValue> {
    EventName::from_name(name).ok_or_else(|| type_error(&format!("unknown event '{name}'")))
}

fn activation(state: State) -> ActivationState {
    match state {
        State::Connecting | State::Connected | State::Reconnecting => ActivationState::ACTIVE,
        State::Disconnecting => ActivationState::DEACTIVATING,
        State::Inactive | State::Failed => ActivationState::INACTIVE,
    }
}

fn unsubscribe(shared: &Rc<Shared>, id: &str, headers: Option<Object>) -> Result<(), JsValue> {
    let result = {
        let mut inner = shared.inner.borrow_mut();
        let headers = headers_from("headers", optional(headers))?;
        let result = inner.session.unsubscribe(now(), id, &headers);
        inner.subscriptions.retain(|(sub, _)| sub != id);
        result.map_err(|e| js_error(&e))
    };
    drive(shared);
    result
}

pub(crate) fn ack_from_message(
    shared: &Rc<Shared>,
    ack: bool,
    target: AckTarget,
    headers: Option<Object>,
) -> Result<(), JsValue> {
    let result = {
        let mut inner = shared.inner.borrow_mut();
        let headers = headers_from("headers", optional(headers))?;
        let outcome = match ack {
            true => inner.session.ack(now(), target, &headers),
            false => inner.session.nack(now(), target, &headers),
        };
        outcome.map(|_| ()).map_err(|e| js_error(&e))
    };
    drive(shared);
    result
}

fn end_transaction(shared: &Rc<Shared>, commit: bool, id: &str) -> Result<(), JsValue> {
    let result = {
        let mut inner = shared.inner.borrow_mut();
        let headers = Headers::new();
        let outcome = match commit {
            true => inner.session.commit(now(), id, &headers),
            false => inner.session.abort(now(), id, &headers),
        };
        outcome.map_err(|e| js_error(&e))
    };
    drive(shared);
    result
}

impl Inner {
    /// Takes newly parsed options into use.
    fn install(&mut self, mut options: Options) {
        for (event, callback) in options.callbacks.drain(..) {
            self.listeners.set_slot(event, callback);
        }
        let mut config = options.session.clone();
        if config.broker_urls.is_empty() && options.web_socket_factory.is_some() {
            // The factory decides where to connect; the session still needs one "URL" to rotate.
            config.broker_urls.push(String::new());
        }
        self.session.set_config(config);
        self.debug = Debug::new(
            options.debug.clone(),
            options.log_raw_communication,
            &options.redact_headers,
        );
        self.options = options;
    }

    fn apply(&mut self, key: &str, value: JsValue) -> Result<(), JsValue> {
        let mut options = std::mem::take(&mut self.options);
        let result = options.apply(key, value);
        self.install(options);
        result
    }

    fn ensure_timer(&mut self, shared: &Weak<Shared>) {
        if self.timer.is_some() {
            return;
        }
        let weak = shared.clone();
        let on_fire: Rc<dyn Fn()> = Rc::new(move || {
            if let Some(shared) = weak.upgrade() {
                shared.inbox.borrow_mut().push_back(Input::Timer);
                drive(&shared);
            }
        });
        let debug = &self.debug;
        self.timer = Some(DeadlineTimer::new(
            self.options.heartbeat_strategy,
            on_fire,
            &|note| debug.log(|| note.to_owned()),
        ));
    }

    fn ensure_resume_hooks(&mut self, shared: &Weak<Shared>) {
        if self.resume.is_some() || !self.options.reconnect_on_resume {
            return;
        }
        let weak = shared.clone();
        self.resume = ResumeHooks::install(Rc::new(move || {
            if let Some(shared) = weak.upgrade() {
                shared.inbox.borrow_mut().push_back(Input::Resume);
                drive(&shared);
            }
        }));
    }

    fn ensure_lifecycle_hooks(&mut self, shared: &Weak<Shared>) {
        if self.lifecycle.is_some() || !self.options.app_lifecycle {
            return;
        }
        let Kind::MiniProgram(platform, _) = self.transport_kind() else {
            return;
        };
        let Some(api) = platform.api() else { return };
        let hook = |input: fn() -> Input| -> Rc<dyn Fn()> {
            let weak = shared.clone();
            Rc::new(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.inbox.borrow_mut().push_back(input());
                    drive(&shared);
                }
            })
        };
        self.lifecycle =
            AppLifecycle::install(api, hook(|| Input::AppHide), hook(|| Input::AppShow));
    }

    /// The socket kind the options call for.
    fn transport_kind(&self) -> Kind {
        match &self.options.web_socket_factory {
            Some(factory) => Kind::Factory(factory.clone()),
            None => Kind::choose(self.options.platform, self.options.handshake()),
        }
    }

    /// A mini-program thawed from a suspension runs its overdue timers (and maybe a publish) before
    /// `onAppShow`. Hidden this long, its socket is gone whatever the platform reported, so the
    /// session hears of it before anything else happens and queues what comes next.
    fn notice_suspension(&mut self, now: u64) {
        let suspended = self
            .hidden_since
            .is_some_and(|since| now.saturating_sub(since) >= SUSPENDED_AFTER);
        if suspended && self.session.state() == State::Connected {
            self.session.handle_suspend(now);
        }
    }

    /// The app was shown: a suspended, dead or backing-off connection reconnects at once.
    fn app_shown(&mut self, now: u64) {
        let hidden_for = self
            .hidden_since
            .take()
            .map(|since| now.saturating_sub(since));
        self.debug
            .log(|| format!("app shown (hidden {} ms)", hidden_for.unwrap_or(0)));
        // A suspension was noticed before this input (`notice_suspension`); a dead or backing-off
        // connection reconnects now.
        let _ = self.session.reconnect_now(now);
    }

    /// Sends (or queues) one SEND; with `receipt: true`, returns the Promise its RECEIPT settles.
    fn publish(&mut self, params: &JsValue) -> Result<Option<Promise>, JsValue> {
        let object = plain_object(params).ok_or_else(|| {
            type_error("publish() takes {destination, body?, binaryBody?, headers?}")
        })?;
        let mut destination = None;
        let mut body: Vec<u8> = Vec::new();
        let mut options = SendOptions::default();
        let mut headers = Headers::new();
        let mut want_receipt = false;
        for key in Object::keys(object).iter() {
            let name = key.as_string().unwrap_or_default();
            let value = Reflect::get(object, &key)?;
            if value.is_undefined() {
                continue;
            }
            match name.as_str() {
                "destination" => {
                    destination =
                        Some(value.as_string().ok_or_else(|| {
                            type_error("publish(): 'destination' must be a string")
                        })?)
                }
                "body" => {
                    body = value
                        .as_string()
                        .ok_or_else(|| type_error("publish(): 'body' must be a string"))?
                        .into_bytes()
                }
                "binaryBody" => {
                    let bytes = value.dyn_ref::<Uint8Array>().ok_or_else(|| {
                        type_error("publish(): 'binaryBody' must be a Uint8Array")
                    })?;
                    body = bytes.to_vec();
                    options.binary = true;
                }
                "headers" => headers = headers_from("headers", value)?,
                "receipt" => {
                    want_receipt = value
                        .as_bool()
                        .ok_or_else(|| type_error("publish(): 'receipt' must be a boolean"))?
                }
                "skipContentLengthHeader" => {
                    options.skip_content_length = value.as_bool().ok_or_else(|| {
                        type_error("publish(): 'skipContentLengthHeader' must be a boolean")
                    })?
                }
                _ => {
                    return Err(type_error(&format!(
                        "publish(): unknown parameter '{name}'"
                    )))
                }
            }
        }
        let destination =
            destination.ok_or_else(|| type_error("publish(): 'destination' is required"))?;
        options.binary |= self.options.force_binary_ws_frames;
        let receipt = if want_receipt {
            let id = self.session.next_receipt_id();
            headers.set("receipt", &id);
            Some(id)
        } else {
            None
        };
        self.session
            .send(now(), &destination, &headers, body, options)
            .map_err(|e| js_error(&e))?;
        Ok(receipt.map(|id| {
            let mut settle = None;
            let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
            if let Some((resolve, reject)) = settle {
                self.receipt_promises.push((id, resolve, reject));
            }
            promise
        }))
    }

    /// One step of the drive loop: feed one input to the session, carry out its actions and
    /// transmits, arm the timer, and collect the JS calls its events need.
    fn step(&mut self, input: Option<Input>, calls: &mut Vec<Call>) {
        let now = now();
        self.notice_suspension(now);
        match input {
            Some(Input::Timer) => {
                if let Some(timer) = &mut self.timer {
                    timer.fired();
                }
                self.session.handle_timeout(now);
            }
            Some(Input::Resume) => {
                let _ = self.session.reconnect_now(now);
            }
            Some(Input::AppHide) => {
                self.debug.log(|| "app hidden".into());
                self.hidden_since = Some(now);
            }
            Some(Input::AppShow) => self.app_shown(now),
            Some(Input::Opened(generation, opened)) if generation == self.generation => {
                self.transport_opened(now, opened, calls);
            }
            Some(Input::Opened(_, opened)) => {
                // Superseded while it opened (deactivated, or a newer attempt): close it.
                if let Ok(mut transport) = opened {
                    transport.close();
                }
            }
            Some(Input::Socket(generation, event)) if generation == self.generation => {
                self.socket_event(now, event, calls);
            }
            Some(Input::Socket(..)) => {}
            Some(Input::BeforeConnectDone(generation, error)) if generation == self.generation => {
                match error {
                    None => calls.push(Call::Open(generation)),
                    Some(error) => {
                        self.debug.log(|| format!("beforeConnect failed: {error}"));
                        self.session.handle_close(
                            now,
                            crate::session::CloseInfo {
                                code: 1006,
                                reason: format!("beforeConnect failed: {error}"),
                                clean: false,
                            },
                        );
                    }
                }
            }
            Some(Input::BeforeConnectDone(..)) | None => {}
        }
        while let Some(action) = self.session.poll_action() {
            match action {
                Action::Open { url, .. } => {
                    self.generation += 1;
                    self.debug.log(|| format!("opening {url}"));
                    match self.options.before_connect.clone() {
                        Some(hook) => calls.push(Call::BeforeConnect(hook, self.generation)),
                        None => calls.push(Call::Open(self.generation)),
                    }
                }
                Action::Close => {
                    self.generation += 1;
                    if let Some(mut transport) = self.transport.take() {
                        transport.close();
                    }
                }
            }
        }
        while let Some(transport) = &self.transport {
            let Some(transmit) = self.session.poll_transmit() else {
                break;
            };
            self.debug.frame_out(&transmit.bytes);
            let binary = transmit.binary || self.options.force_binary_ws_frames;
            if let Err(error) = transport.send(&transmit.bytes, binary) {
                let message = describe_error(&error);
                self.debug.log(|| format!("send failed: {message}"));
                calls.push(Call::Emit(EventName::WebSocketError, vec![error]));
            }
        }
        while let Some(event) = self.session.poll_event() {
            self.event(event, calls);
        }
        if let Some(timer) = &mut self.timer {
            timer.schedule(self.session.poll_timeout(), now);
        }
    }

    /// What opening the current transport needs: done with the borrow released, since a
    /// `webSocketFactory` is user code.
    fn transport_request(
        &self,
        shared: &Weak<Shared>,
    ) -> (String, Vec<Version>, Kind, transport::Sink) {
        let url = self.session.current_url().unwrap_or_default().to_owned();
        let generation = self.generation;
        let weak = shared.clone();
        let sink: transport::Sink = Rc::new(move |event| {
            if let Some(shared) = weak.upgrade() {
                shared
                    .inbox
                    .borrow_mut()
                    .push_back(Input::Socket(generation, event));
                drive(&shared);
            }
        });
        let versions = self.session.config().accept_versions.clone();
        (url, versions, self.transport_kind(), sink)
    }

    fn transport_opened(
        &mut self,
        now: u64,
        opened: Result<Box<dyn Transport>, JsValue>,
        calls: &mut Vec<Call>,
    ) {
        match opened {
            Ok(transport) => self.transport = Some(transport),
            Err(error) => {
                let message = describe_error(&error);
                self.debug
                    .log(|| format!("cannot open the socket: {message}"));
                calls.push(Call::Emit(EventName::WebSocketError, vec![error]));
                self.session.handle_close(
                    now,
                    crate::session::CloseInfo {
                        code: 1006,
                        reason: message,
                        clean: false,
                    },
                );
            }
        }
    }

    fn socket_event(&mut self, now: u64, event: SocketEvent, calls: &mut Vec<Call>) {
        match event {
            SocketEvent::Open => self.session.handle_open(now),
            SocketEvent::Message(bytes) => {
                self.debug.frame_in(&bytes);
                self.session.handle_bytes(now, &bytes);
            }
            SocketEvent::Close(_, event) if self.hidden_since.is_some() => {
                // Closed by the platform while the app is in the background: wait for the show.
                self.transport = None;
                self.last_close_event = Some(event);
                self.session.handle_suspend(now);
            }
            SocketEvent::Close(info, event) => {
                self.transport = None;
                self.last_close_event = Some(event);
                self.session.handle_close(now, info);
            }
            SocketEvent::OpenFailed(message) => {
                self.transport = None;
                self.debug.log(|| message.clone());
                let suspended = self.hidden_since.is_some() || message.contains("suspend");
                calls.push(Call::Emit(
                    EventName::WebSocketError,
                    vec![js_sys::Error::new(&message).into()],
                ));
                if suspended {
                    self.session.handle_suspend(now);
                } else {
                    self.session.handle_close(
                        now,
                        crate::session::CloseInfo {
                            code: 1006,
                            reason: message,
                            clean: false,
                        },
                    );
                }
            }
            SocketEvent::Error(event) => {
                calls.push(Call::Emit(EventName::WebSocketError, vec![event]))
            }
        }
    }

    /// The JS object for a received frame; the frame is dropped after.
    fn frame_value(&self, frame: Frame) -> JsValue {
        match &self.messages {
            Some(builder) => builder.build(&frame),
            None => JsValue::UNDEFINED,
        }
    }

    fn event(&mut self, event: Event, calls: &mut Vec<Call>) {
        match event {
            Event::StateChanged { from, to } => {
                self.debug.log(|| format!("state: {from} -> {to}"));
                calls.push(Call::Emit(EventName::State, vec![to.as_str().into()]));
                let (before, after) = (activation(from), activation(to));
                if before != after {
                    calls.push(Call::Emit(
                        EventName::ChangeState,
                        vec![(after as u32).into()],
                    ));
                }
                if to == State::Inactive && self.activate_after_disconnect {
                    self.activate_after_disconnect = false;
                    let _ = self.session.connect(now());
                }
            }
            Event::Connected {
                version, headers, ..
            } => {
                self.debug.log(|| format!("connected: STOMP {version}"));
                let frame = Frame {
                    command: Command::Connected,
                    headers,
                    body: Vec::new(),
                };
                calls.push(Call::Emit(
                    EventName::Connect,
                    vec![self.frame_value(frame)],
                ));
            }
            Event::Message {
                subscription,
                frame,
            } => {
                let callback = self
                    .subscriptions
                    .iter()
                    .find(|(id, _)| *id == subscription)
                    .map(|(_, f)| f.clone());
                let message = self.frame_value(frame);
                calls.push(invoke_or_emit(
                    callback,
                    message,
                    "subscription callback",
                    EventName::UnhandledMessage,
                ));
            }
            Event::SubscriptionLost { id, error } => {
                self.debug
                    .log(|| format!("subscription {id} could not be sent again: {error}"));
            }
            Event::UnhandledMessage(frame) => {
                let message = self.frame_value(frame);
                calls.push(Call::Emit(EventName::UnhandledMessage, vec![message]));
            }
            Event::Receipt { id, frame } => {
                let value = self.frame_value(frame);
                let mut handled = false;
                if let Some(at) = self.receipt_promises.iter().position(|(r, ..)| *r == id) {
                    let (_, resolve, _) = self.receipt_promises.remove(at);
                    calls.push(Call::Invoke(resolve, vec![value.clone()], "receipt"));
                    handled = true;
                }
                if let Some(at) = self.receipt_watchers.iter().position(|(r, _)| *r == id) {
                    let (_, callback) = self.receipt_watchers.remove(at);
                    calls.push(Call::Invoke(
                        callback,
                        vec![value.clone()],
                        "watchForReceipt callback",
                    ));
                    handled = true;
                }
                if !handled {
                    calls.push(Call::Emit(EventName::UnhandledReceipt, vec![value]));
                }
            }
            Event::ReceiptFailed { id, error } => {
                let message = format!("receipt '{id}': {error}");
                self.debug.log(|| message.clone());
                if let Some(at) = self.receipt_promises.iter().position(|(r, ..)| *r == id) {
                    let (_, _, reject) = self.receipt_promises.remove(at);
                    let error: JsValue = js_sys::Error::new(&message).into();
                    calls.push(Call::Invoke(reject, vec![error], "receipt"));
                }
                self.receipt_watchers.retain(|(r, _)| *r != id);
                let detail = Object::new();
                let _ = Reflect::set(&detail, &"receiptId".into(), &id.into());
                let _ = Reflect::set(&detail, &"error".into(), &message.into());
                calls.push(Call::Emit(EventName::ReceiptFailed, vec![detail.into()]));
            }
            Event::UnhandledReceipt(frame) => {
                let value = self.frame_value(frame);
                let watcher = self.take_watcher(&value);
                calls.push(invoke_or_emit(
                    watcher,
                    value,
                    "watchForReceipt callback",
                    EventName::UnhandledReceipt,
                ));
            }
            Event::UnhandledFrame(frame) => {
                let value = self.frame_value(frame);
                calls.push(Call::Emit(EventName::UnhandledFrame, vec![value]));
            }
            Event::StompError(frame) => {
                let value = self.frame_value(frame);
                calls.push(Call::Emit(EventName::StompError, vec![value]));
            }
            Event::ConnectFailed(failure) => {
                let detail = Object::new();
                let reason = match &failure {
                    ConnectFailure::Error(_) => "error".to_owned(),
                    ConnectFailure::Timeout => "timeout".to_owned(),
                    ConnectFailure::Closed(info) => format!("closed ({})", info.code),
                    ConnectFailure::Protocol(error) => error.to_string(),
                    ConnectFailure::InvalidConnectHeaders(error) => error.to_string(),
                    ConnectFailure::VersionNotOffered { .. } => "version not offered".to_owned(),
                };
                self.debug
                    .log(|| format!("connect attempt failed: {reason}"));
                let _ = Reflect::set(&detail, &"reason".into(), &reason.into());
                if let ConnectFailure::Error(frame) = failure {
                    let value = self.frame_value(frame);
                    let _ = Reflect::set(&detail, &"frame".into(), &value);
                    calls.push(Call::Emit(EventName::StompError, vec![value]));
                }
                calls.push(Call::Emit(EventName::ConnectFailed, vec![detail.into()]));
            }
            Event::HeartbeatReceived => {
                calls.push(Call::Emit(EventName::HeartbeatReceived, vec![]))
            }
            Event::HeartbeatLost { .. } => {
                self.debug.log(|| "heart-beat lost".into());
                calls.push(Call::Emit(EventName::HeartbeatLost, vec![]));
            }
            Event::ProtocolError(error) => {
                let message = error.to_string();
                self.debug.log(|| message.clone());
                let error: JsValue = js_sys::Error::new(&message).into();
                calls.push(Call::Emit(EventName::WebSocketError, vec![error]));
            }
            Event::TransportClosed(info) => {
                let event = self.last_close_event.take().unwrap_or_else(|| {
                    let detail = Object::new();
                    let _ = Reflect::set(&detail, &"code".into(), &info.code.into());
                    let _ = Reflect::set(&detail, &"reason".into(), &info.reason.clone().into());
                    let _ = Reflect::set(&detail, &"wasClean".into(), &info.clean.into());
                    detail.into()
                });
                self.debug
                    .log(|| format!("socket closed: {} {}", info.code, info.reason));
                calls.push(Call::Emit(EventName::WebSocketClose, vec![event]));
            }
            Event::TransactionsAborted(ids) => {
                let list: js_sys::Array = ids.iter().map(|id| JsValue::from_str(id)).collect();
                calls.push(Call::Emit(
                    EventName::TransactionsAborted,
                    vec![list.into()],
                ));
            }
            Event::QueueDiscarded { frames } => {
                self.debug
                    .log(|| format!("offline queue discarded: {frames} frame(s)"));
                let detail = Object::new();
                let _ = Reflect::set(&detail, &"frames".into(), &(frames as u32).into());
                calls.push(Call::Emit(EventName::QueueDiscarded, vec![detail.into()]));
            }
            Event::Disconnected { .. } => {
                // Deactivated: the page and app hooks go until the next activate().
                self.lifecycle = None;
                self.resume = None;
                calls.push(Call::Emit(EventName::Disconnect, vec![]));
                for resolve in self.deactivate_waiters.drain(..) {
                    calls.push(Call::Invoke(resolve, vec![], "deactivate"));
                }
                self.subscriptions.clear();
                self.receipt_watchers.clear();
            }
            Event::ReconnectScheduled { attempt, delay, at } => {
                self.debug
                    .log(|| format!("reconnect attempt {attempt} in {delay} ms"));
                let detail = Object::new();
                let _ = Reflect::set(&detail, &"attempt".into(), &attempt.into());
                let _ = Reflect::set(&detail, &"delay".into(), &(delay as f64).into());
                let _ = Reflect::set(&detail, &"at".into(), &(at as f64).into());
                calls.push(Call::Emit(
                    EventName::ReconnectScheduled,
                    vec![detail.into()],
                ));
            }
            Event::ReconnectFailed { attempts } => {
                self.debug
                    .log(|| format!("gave up after {attempts} reconnect attempts"));
                let detail = Object::new();
                let _ = Reflect::set(&detail, &"attempts".into(), &attempts.into());
                calls.push(Call::Emit(EventName::ReconnectFailed, vec![detail.into()]));
            }
        }
    }

    /// A `watchForReceipt` callback for a RECEIPT the session did not track (the user put the
    /// `receipt` header in by hand and the session saw it already settled, or never saw it).
    fn take_watcher(&mut self, frame: &JsValue) -> Option<Function> {
        let headers = Reflect::get(frame, &"headers".into()).ok()?;
        let id = Reflect::get(&headers, &"receipt-id".into())
            .ok()?
            .as_string()?;
        let at = self.receipt_watchers.iter().position(|(r, _)| *r == id)?;
        Some(self.receipt_watchers.remove(at).1)
    }
}

/// Drains the inbox and the session's outputs until both are empty, calling user code with no borrow
/// held. Re-entrant calls return at once: the running loop picks up what they queued.
pub(crate) fn drive(shared: &Rc<Shared>) {
    if shared.driving.replace(true) {
        return;
    }
    loop {
        let input = shared.inbox.borrow_mut().pop_front();
        let had_input = input.is_some();
        let mut calls = Vec::new();
        let debug = {
            let mut inner = shared.inner.borrow_mut();
            inner.step(input, &mut calls);
            inner.debug.clone()
        };
        // User code may call client methods; their outputs are drained by the next step.
        debug.flush();
        let had_calls = !calls.is_empty();
        for call in calls {
            run_call(shared, &debug, call);
        }
        debug.flush();
        if !had_input && !had_calls && shared.inbox.borrow().is_empty() {
            break;
        }
    }
    shared.driving.set(false);
}

fn run_call(shared: &Rc<Shared>, debug: &Debug, call: Call) {
    match call {
        Call::Emit(event, args) => {
            let targets = shared.inner.borrow().listeners.targets(event);
            for target in targets {
                if let Err(error) = call_guarded(&target, &args) {
                    debug.log(|| format!("{} callback threw: {error}", event.property()));
                }
            }
        }
        Call::Invoke(callback, args, what) => {
            if let Err(error) = call_guarded(&callback, &args) {
                debug.log(|| format!("{what} threw: {error}"));
            }
        }
        Call::Open(generation) => {
            let weak = Rc::downgrade(shared);
            let (url, versions, kind, sink) = shared.inner.borrow().transport_request(&weak);
            // Events a socket reports while it is being opened queue behind its `Opened`.
            let before = shared.inbox.borrow().len();
            let opened = transport::open(&url, &versions, kind, sink);
            shared
                .inbox
                .borrow_mut()
                .insert(before, Input::Opened(generation, opened));
        }
        Call::BeforeConnect(hook, generation) => {
            let client: JsValue = Client {
                shared: shared.clone(),
            }
            .into();
            let weak = Rc::downgrade(shared);
            let finish = move |error: Option<String>| {
                if let Some(shared) = weak.upgrade() {
                    shared
                        .inbox
                        .borrow_mut()
                        .push_back(Input::BeforeConnectDone(generation, error));
                    drive(&shared);
                }
            };
            match call_guarded(&hook, &[client]) {
                Err(error) => finish(Some(error)),
                Ok(result) if result.has_type::<Promise>() || is_thenable(&result) => {
                    let promise = Promise::resolve(&result);
                    let finish = Rc::new(finish);
                    let (ok, fail) = (finish.clone(), finish);
                    let on_ok: JsValue =
                        Closure::<dyn FnMut(JsValue)>::once_into_js(move |_: JsValue| ok(None));
                    let on_fail: JsValue =
                        Closure::<dyn FnMut(JsValue)>::once_into_js(move |e: JsValue| {
                            fail(Some(describe_error(&e)))
                        });
                    // `then` through Reflect: js-sys's typed `then` wants Rust closures, and
                    // these are one-shot JS functions already.
                    if let Ok(then) = Reflect::get(&promise, &"then".into()) {
                        if let Some(then) = then.dyn_ref::<Function>() {
                            let _ = then.call2(&promise, &on_ok, &on_fail);
                        }
                    }
                }
                Ok(_) => {
                    // Synchronous hook: open right away, in this same drive loop.
                    shared
                        .inbox
                        .borrow_mut()
                        .push_back(Input::BeforeConnectDone(generation, None));
                }
            }
        }
    }
}

/// `callback(value)` if there is one, else the `fallback` event with `value`.
fn invoke_or_emit(
    callback: Option<Function>,
    value: JsValue,
    what: &'static str,
    fallback: EventName,
) -> Call {
    match callback {
        Some(callback) => Call::Invoke(callback, vec![value], what),
        None => Call::Emit(fallback, vec![value]),
    }
}

fn is_thenable(value: &JsValue) -> bool {
    value.is_object()
        && Reflect::get(value, &"then".into())
            .map(|t| t.is_function())
            .unwrap_or(false)
}
