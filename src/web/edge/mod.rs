//! The JS edge, Rust half: `ClientCore`, the wasm object behind the package's JS `Client` (the JS half,
//! `client.js` next to this file, owns the stompjs surface: options and their properties, callbacks
//! and listeners, Promises, message objects). Every value arrives here already converted by the JS
//! half into strings, numbers and booleans (headers packed as `name\0value\0…`), so this layer reads
//! no JS object and runs no user code; it delegates to the [`Driver`] and turns the driver's notices
//! into one call on the JS client per event (`_e`) or per frame (`_f`, with the body as a view of wasm
//! memory, decoded once on the JS side).
//!
//! The JS client is held only while the driver can still produce events by itself (a socket, a
//! timer, a hook): an inactive client that its user drops is ordinary garbage.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::push_decimal;
use crate::frame::{Frame, Headers, Limits, Version};
use crate::session::{
    AckTarget, CommandError, Config as SessionConfig, ConnectFailure, Event, HostHeader,
    ReconnectPolicy, ReconnectTimeMode, SendOptions, SendOutcome, State,
};
use crate::text::{concat, find, split};

use super::driver::{Driver, DriverConfig, DriverError, Handler, Notice, SocketKind};
use super::timer::TimerStrategy;
use super::transport::Platform;
use option_ids as id;

mod option_ids;

#[wasm_bindgen]
extern "C" {
    /// The package's JS `Client` (client.js).
    pub type JsClient;
    #[wasm_bindgen(method, catch, js_name = _e)]
    fn event(this: &JsClient, kind: u32, a: &str, b: &str, n: f64, m: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = _f)]
    fn frame(
        this: &JsClient,
        kind: u32,
        headers: &str,
        body: &[u8],
        extra: &str,
    ) -> Result<(), JsValue>;
}

/// Event kinds of `_e`, and frame kinds of `_f` (client.js has the same numbers).
mod kind {
    pub const STATE: u32 = 0;
    pub const RECEIPT_FAILED: u32 = 1;
    pub const CONNECT_FAILED: u32 = 2;
    pub const HEARTBEAT_RECEIVED: u32 = 3;
    pub const HEARTBEAT_LOST: u32 = 4;
    pub const SOCKET_ERROR: u32 = 5;
    pub const SOCKET_CLOSED: u32 = 6;
    pub const TRANSACTIONS_ABORTED: u32 = 7;
    pub const QUEUE_DISCARDED: u32 = 8;
    pub const DISCONNECTED: u32 = 9;
    pub const RECONNECT_SCHEDULED: u32 = 10;
    pub const RECONNECT_FAILED: u32 = 11;
    pub const BEFORE_CONNECT: u32 = 12;
    pub const DEBUG: u32 = 13;
    pub const SUBSCRIPTION_LOST: u32 = 14;
    pub const FLUSHED: u32 = 15;

    pub const F_MESSAGE: u32 = 0;
    pub const F_UNHANDLED_MESSAGE: u32 = 1;
    pub const F_CONNECTED: u32 = 2;
    pub const F_RECEIPT: u32 = 3;
    pub const F_UNHANDLED_RECEIPT: u32 = 4;
    pub const F_ERROR: u32 = 5;
    pub const F_CONNECT_ERROR: u32 = 6;
    pub const F_UNHANDLED_FRAME: u32 = 7;
}

/// The wasm side of one JS `Client`.
#[wasm_bindgen]
pub struct ClientCore {
    driver: Driver,
    handler: Rc<JsHandler>,
    /// The error of the last refused `publish`, for `takeError` (see there).
    refused: Cell<Option<JsValue>>,
}

/// Turns notices into calls on the JS client.
struct JsHandler {
    target: RefCell<Option<JsValue>>,
    /// Packed headers of the frame being handed over (reused: no allocation per message).
    scratch: RefCell<String>,
}

/// A refused command as JS throws it: a TypeError where stompjs throws one (not connected, or not
/// allowed in this state), else an Error; either names the option or frame at fault.
fn error(error: DriverError) -> JsValue {
    let message = js_names(error.message());
    match error {
        DriverError::Command(CommandError::InvalidState { .. } | CommandError::NotConnected) => {
            js_sys::TypeError::new(&message).into()
        }
        _ => js_sys::Error::new(&message).into(),
    }
}

/// The session names limits as its `Config` fields do (`max_queued_frames`); JS users know them by
/// their option names.
fn js_names(mut message: String) -> String {
    const NAMES: [(&str, &str); 5] = [
        ("max_queued_frames", "maxQueuedFrames"),
        ("max_queued_bytes", "maxQueuedBytes"),
        ("max_header_bytes", "maxHeaderBytes"),
        ("max_headers", "maxHeaders"),
        ("max_body_bytes", "maxBodyBytes"),
    ];
    for (rust, js) in NAMES {
        while let Some(at) = find(&message, rust) {
            let (head, tail) = message.as_bytes().split_at(at);
            let tail = &tail[rust.len()..];
            // Cut around an ASCII match: both parts are UTF-8.
            let mut renamed = Vec::with_capacity(message.len() + js.len());
            renamed.extend_from_slice(head);
            renamed.extend_from_slice(js.as_bytes());
            renamed.extend_from_slice(tail);
            message = String::from_utf8(renamed).unwrap_or_default();
        }
    }
    message
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// `name\0value\0…` into headers (what client.js packs).
fn unpack(packed: &str) -> Headers {
    if packed.is_empty() {
        return Headers::new();
    }
    headers_from(split(packed, 0), packed)
}

/// Headers from the `name`, `value` pairs of `parts`, which split (part of) `text`: sized at once from
/// it, with room for one more header (a receipt, set by the caller), so that filling never grows.
fn headers_from<'a>(mut parts: impl Iterator<Item = &'a str>, text: &str) -> Headers {
    let separators = text.bytes().filter(|&b| b == 0).count();
    let mut headers = Headers::with_capacity(separators / 2 + 2, text.len() + 32);
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        headers.push(name, value);
    }
    headers
}

/// Headers as a JSON object (`{"name":"value",…}`), the first of repeated names only (as the spec
/// reads them): the JS side makes the headers object with one `JSON.parse`, which builds it faster than
/// any property-by-property loop (measured: such a loop was 15 % of the inbound path at 64 B).
fn pack(headers: &Headers, out: &mut String) {
    out.clear();
    out.reserve(headers.text_len() + 6 * headers.len() + 2);
    out.push('{');
    let repeats = headers.has_repeated_names();
    for (index, (name, value)) in headers.iter().enumerate() {
        if repeats
            && headers
                .iter()
                .take(index)
                .any(|(earlier, _)| earlier == name)
        {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        push_json_string(out, name);
        out.push(':');
        push_json_string(out, value);
    }
    out.push('}');
}

/// Appends `text` as a JSON string literal.
fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `get`: cut at ASCII bytes, always a character boundary; indexing would bring core's
        // formatted panic message for a bad one into the wasm (with its data: 5 KB).
        out.push_str(text.get(start..at).unwrap_or(""));
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        } else {
            out.push_str(escape);
        }
        start = at + 1;
    }
    out.push_str(text.get(start..).unwrap_or(""));
    out.push('"');
}

fn with_receipt(mut headers: Headers, receipt: &str) -> Headers {
    if !receipt.is_empty() {
        headers.set("receipt", receipt);
    }
    headers
}

/// `flags` of `publish`: 1 a binary frame (a `Uint8Array` body), 2 no content-length, 4 at-least-once.
fn send_options(flags: u32) -> SendOptions {
    SendOptions {
        binary: flags & 1 != 0,
        skip_content_length: flags & 2 != 0,
        retain: flags & 4 != 0,
    }
}

/// What `publish` returns for a publish it refused (the error waits in `takeError`).
const REFUSED: u32 = 2;

/// What `publish` returns: 0 written now, 1 waiting (the `Flushed` event says
/// when it is written; `QueueDiscarded` when it is given up).
fn queued(outcome: SendOutcome) -> u32 {
    match outcome {
        SendOutcome::Sent => 0,
        SendOutcome::Queued => 1,
    }
}

fn list(packed: &str) -> Vec<String> {
    split(packed, 0)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn state_code(state: State) -> f64 {
    match state {
        State::Connecting | State::Connected | State::Reconnecting => 0.0,
        State::Disconnecting => 1.0,
        State::Inactive | State::Failed => 2.0,
    }
}

#[wasm_bindgen]
impl ClientCore {
    /// A core with the default options, inactive.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> ClientCore {
        let handler = Rc::new(JsHandler {
            target: RefCell::new(None),
            scratch: RefCell::new(String::new()),
        });
        let mut config = DriverConfig::new("");
        config.session.broker_urls.clear();
        // Always asked: client.js re-reads `connectHeaders` before each attempt (users mutate it in
        // `beforeConnect`, as with stompjs) and runs the user's `beforeConnect`.
        config.before_connect = true;
        ClientCore {
            driver: Driver::new(config, handler.clone()),
            handler,
            refused: Cell::new(None),
        }
    }

    /// Remembers the JS client to report to (every entry point that can make events passes it).
    fn bind(&self, target: &JsValue) {
        if let Ok(mut slot) = self.handler.target.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(target.clone());
            }
        }
    }

    /// Sets one option, already checked and normalised by client.js: `value` is a number, a string
    /// (lists and headers packed with NUL), a boolean, or undefined for the default.
    pub fn set(&self, target: &JsValue, option: u32, value: JsValue) -> Result<(), JsValue> {
        self.bind(target);
        let mut config = self.driver.config();
        apply(&mut config, option, &value)?;
        self.driver.configure(config).map_err(error)
    }

    /// `webSocketFactory`: a function returning a WebSocket-like object, or null.
    #[wasm_bindgen(js_name = setFactory)]
    pub fn set_factory(&self, factory: Option<js_sys::Function>) -> Result<(), JsValue> {
        let mut config = self.driver.config();
        config.socket = match (factory, &config.socket) {
            (Some(factory), _) => SocketKind::Factory(factory),
            (None, SocketKind::Factory(_)) => SocketKind::Auto,
            (None, other) => other.clone(),
        };
        self.driver.configure(config).map_err(error)
    }

    /// The lifecycle commands, one entry point (each costs a wasm export and a glue method): `op` 0
    /// `activate()`, 1 `deactivate()`, 2 `deactivate({force: true})`, 3 `forceDisconnect()`, 4
    /// `reconnectNow()` (client.js's LIFECYCLE has the same numbers).
    pub fn lifecycle(&self, target: &JsValue, op: u32) -> Result<(), JsValue> {
        self.bind(target);
        match op {
            0 => self.driver.activate(),
            1 | 2 => self.driver.deactivate(op == 2),
            3 => self.driver.force_disconnect(),
            _ => self.driver.reconnect_now(),
        }
        .map_err(error)
    }

    /// Publishes `body`: a JS string of `length` UTF-8 bytes (client.js counts them), or, with flag
    /// 1, a `Uint8Array` of `length` bytes sent as a binary frame. `fields`: the destination, the
    /// receipt id (empty for none) and the packed headers, NUL-separated (one string: one crossing;
    /// client.js refuses a destination with a NUL). `flags`: 1 binary, 2 skip content-length, 4
    /// at-least-once. Returns 0 written now, 1 waiting, [`REFUSED`] with the error left for
    /// [`take_error`](ClientCore::take_error): a status, not a `Result`, which the glue would read
    /// back through memory on every call of the hottest entry point.
    pub fn publish(
        &self,
        target: &JsValue,
        fields: &str,
        body: &JsValue,
        length: u32,
        flags: u32,
    ) -> u32 {
        self.bind(target);
        let mut parts = split(fields, 0);
        let destination = parts.next().unwrap_or("");
        let receipt = parts.next().unwrap_or("");
        let headers = with_receipt(headers_from(parts, fields), receipt);
        let published = self.driver.publish_js(
            destination,
            &headers,
            body,
            length as usize,
            send_options(flags),
        );
        match published {
            Ok(outcome) => queued(outcome),
            Err(refused) => {
                self.refused.set(Some(error(refused)));
                REFUSED
            }
        }
    }

    /// The error of the last `publish` that returned [`REFUSED`] (then forgotten).
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&self) -> JsValue {
        self.refused.take().unwrap_or_default()
    }

    /// Subscribes with the given id (client.js makes `sub-N` ids when the user gives none).
    pub fn subscribe(
        &self,
        target: &JsValue,
        destination: &str,
        headers: &str,
    ) -> Result<String, JsValue> {
        self.bind(target);
        self.driver
            .subscribe(destination, &unpack(headers))
            .map_err(error)
    }

    /// `unsubscribe(id, headers)`.
    pub fn unsubscribe(&self, target: &JsValue, id: &str, headers: &str) -> Result<(), JsValue> {
        self.bind(target);
        self.driver.unsubscribe(id, &unpack(headers)).map_err(error)
    }

    /// ACK (`ack`) or NACK of a message: `ack_header` is the MESSAGE's `ack` header (empty if none).
    pub fn acknowledge(
        &self,
        target: &JsValue,
        ack: bool,
        ack_header: &str,
        message_id: &str,
        subscription: &str,
        headers: &str,
    ) -> Result<(), JsValue> {
        self.bind(target);
        let target = AckTarget {
            ack: (!ack_header.is_empty()).then(|| ack_header.into()),
            message_id: message_id.into(),
            subscription: subscription.into(),
        };
        self.driver
            .acknowledge(ack, target, &unpack(headers))
            .map(drop)
            .map_err(error)
    }

    /// `begin(id?)`: the transaction id.
    pub fn begin(&self, target: &JsValue, id: &str, headers: &str) -> Result<String, JsValue> {
        self.bind(target);
        let id = (!id.is_empty()).then_some(id);
        self.driver.begin(id, &unpack(headers)).map_err(error)
    }

    /// COMMIT (`commit`) or ABORT.
    #[wasm_bindgen(js_name = endTransaction)]
    pub fn end_transaction(
        &self,
        target: &JsValue,
        commit: bool,
        id: &str,
        headers: &str,
    ) -> Result<(), JsValue> {
        self.bind(target);
        self.driver
            .end_transaction(commit, id, &unpack(headers))
            .map_err(error)
    }

    /// The owner's `beforeConnect` for `generation` finished (`error` empty when it succeeded).
    #[wasm_bindgen(js_name = beforeConnectDone)]
    pub fn before_connect_done(&self, target: &JsValue, generation: f64, error: Option<String>) {
        self.bind(target);
        self.driver
            .before_connect_done(generation as u64, error.map_or(Ok(()), Err));
    }

    /// The detailed state: `inactive`, `connecting`, `connected`, `disconnecting`, `reconnecting`,
    /// `failed`.
    pub fn state(&self) -> String {
        self.driver.state().as_str().into()
    }

    /// The negotiated version while connected.
    pub fn version(&self) -> Option<String> {
        self.driver.version().map(|v| v.as_str().into())
    }

    /// The CONNECTED frame's headers, as JSON.
    #[wasm_bindgen(js_name = serverHeaders)]
    pub fn server_headers(&self) -> String {
        let mut out = String::new();
        pack(&self.driver.server_headers(), &mut out);
        out
    }

    /// The platform socket while one is open.
    pub fn socket(&self) -> JsValue {
        self.driver.socket()
    }

    /// The platform event of the socket close or error being reported (then forgotten).
    #[wasm_bindgen(js_name = takeSocketEvent)]
    pub fn take_socket_event(&self) -> JsValue {
        self.driver.take_socket_event()
    }

    /// Whether the timer runs in a Web Worker.
    #[wasm_bindgen(js_name = usesWorker)]
    pub fn uses_worker(&self) -> bool {
        self.driver.uses_worker_timer()
    }
}

/// Applies one option (see `client.js`'s table for what each means).
fn apply(config: &mut DriverConfig, option: u32, value: &JsValue) -> Result<(), JsValue> {
    let limits = Limits::DEFAULT;
    let session = &mut config.session;
    let number = || value.as_f64().map(|n| n as u64);
    let text = || value.as_string().unwrap_or_default();
    let flag = |default: bool| value.as_bool().unwrap_or(default);
    macro_rules! ms {
        ($field:expr, $default:expr) => {
            $field = number().unwrap_or($default)
        };
    }
    match option {
        id::BROKER_URL => session.broker_urls = list(&text()),
        id::CONNECT_HEADERS => {
            let headers = unpack(&text());
            session.login = None;
            session.passcode = None;
            session.host = HostHeader::Omit;
            session.connect_headers = headers;
        }
        id::DISCONNECT_HEADERS => session.disconnect_headers = unpack(&text()),
        id::STOMP_VERSIONS => {
            let versions: Vec<Version> = list(&text())
                .iter()
                .filter_map(|v| Version::parse(v))
                .collect();
            session.accept_versions = if versions.is_empty() {
                SessionConfig::default().accept_versions
            } else {
                versions
            };
        }
        id::HEARTBEAT_INCOMING => ms!(session.heartbeat_incoming, 10_000),
        id::HEARTBEAT_OUTGOING => ms!(session.heartbeat_outgoing, 10_000),
        id::HEARTBEAT_TOLERANCE_MULTIPLIER => {
            session.heartbeat_tolerance = value.as_f64().unwrap_or(2.0)
        }
        id::HEARTBEAT_STRATEGY => {
            config.timer = match text().as_str() {
                "worker" => TimerStrategy::Worker,
                _ => TimerStrategy::Interval,
            }
        }
        id::RECONNECT_DELAY => ms!(session.reconnect.delay, 5_000),
        id::RECONNECT_TIME_MODE => {
            session.reconnect.mode = match number() {
                Some(1) => ReconnectTimeMode::Exponential,
                _ => ReconnectTimeMode::Linear,
            }
        }
        // As stompjs 7.5: 0 is no upper limit (the timer clamps what it cannot hold).
        id::MAX_RECONNECT_DELAY => ms!(session.reconnect.max_delay, 15 * 60 * 1_000),
        id::MAX_RECONNECT_ATTEMPTS => {
            session.reconnect.max_attempts = number().unwrap_or(0).min(u64::from(u32::MAX)) as u32
        }
        id::RECONNECT_JITTER => session.reconnect.jitter = value.as_f64().unwrap_or(0.0),
        id::RECONNECT_SEED => ms!(session.reconnect.seed, ReconnectPolicy::default().seed),
        id::CONNECTION_TIMEOUT => ms!(session.connection_timeout, 0),
        id::RECEIPT_TIMEOUT => ms!(session.receipt_timeout, 30_000),
        id::DISCONNECT_TIMEOUT => ms!(session.disconnect_timeout, 5_000),
        id::QUEUE_WHILE_DISCONNECTED => session.queue_while_disconnected = flag(true),
        id::MAX_QUEUED_FRAMES => session.max_queued_frames = number().map_or(1_000, |n| n as usize),
        id::MAX_QUEUED_BYTES => {
            session.max_queued_bytes = number().map_or(4 * 1024 * 1024, |n| n as usize)
        }
        id::MAX_HEADER_BYTES => {
            session.limits.max_header_bytes =
                number().map_or(limits.max_header_bytes, |n| n as usize)
        }
        id::MAX_HEADERS => {
            session.limits.max_headers = number().map_or(limits.max_headers, |n| n as usize)
        }
        id::MAX_BODY_BYTES => {
            session.limits.max_body_bytes = number().map_or(limits.max_body_bytes, |n| n as usize)
        }
        id::FORCE_BINARY_WS_FRAMES => config.force_binary = flag(false),
        id::SPLIT_LARGE_FRAMES => config.split_large_frames = flag(false),
        id::APPEND_MISSING_NUL_LON_INCOMING => config.append_missing_nul = flag(false),
        id::DISCARD_WEBSOCKET_ON_COMM_FAILURE => config.discard_on_comm_failure = flag(false),
        id::MAX_WEB_SOCKET_CHUNK_SIZE => {
            config.max_chunk_size = number().map_or(8 * 1024, |n| n as usize)
        }
        id::LOG_RAW_COMMUNICATION => config.debug.raw = flag(false),
        id::DEBUG => config.debug.enabled = flag(false),
        id::REDACT_HEADERS => config.debug.redact_headers = list(&text()),
        id::RECONNECT_ON_RESUME => config.reconnect_on_resume = flag(true),
        id::PLATFORM => {
            if !matches!(config.socket, SocketKind::Factory(_)) {
                config.socket = match text().as_str() {
                    "browser" => SocketKind::Browser,
                    other => {
                        Platform::parse(other).map_or(SocketKind::Auto, SocketKind::MiniProgram)
                    }
                }
            }
        }
        id::HANDSHAKE_HEADERS => config.handshake_headers = list(&text()),
        id::APP_LIFECYCLE => config.app_lifecycle = flag(true),
        id::MAX_BUFFERED_AMOUNT => {
            config.session.max_buffered_bytes = value
                .as_f64()
                .map_or(super::driver::DEFAULT_MAX_BUFFERED_AMOUNT, |bytes| {
                    bytes as usize
                })
        }
        _ => {
            let mut message = String::from("unknown option number ");
            push_decimal(&mut message, u64::from(option));
            return Err(type_error(&message));
        }
    }
    Ok(())
}

impl JsHandler {
    fn target(&self) -> Option<JsClient> {
        let target = self.target.try_borrow().ok()?.clone()?;
        Some(target.unchecked_into())
    }

    fn event(&self, kind: u32, a: &str, b: &str, n: f64, m: f64) {
        if let Some(target) = self.target() {
            let _ = target.event(kind, a, b, n, m);
        }
    }

    fn frame(&self, kind: u32, frame: &Frame, extra: &str) {
        let Some(target) = self.target() else { return };
        let packed = match self.scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                pack(&frame.headers, &mut scratch);
                core::mem::take(&mut *scratch)
            }
            Err(_) => {
                let mut packed = String::new();
                pack(&frame.headers, &mut packed);
                packed
            }
        };
        let _ = target.frame(kind, &packed, &frame.body, extra);
        // Give the buffer back for the next frame (the call above may have handed over others).
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            if scratch.capacity() < packed.capacity() {
                *scratch = packed;
            }
        }
    }

    fn session_event(&self, driver: &Driver, event: Event) {
        use kind::*;
        match event {
            Event::StateChanged { to, .. } => {
                self.event(STATE, to.as_str(), "", state_code(to), 0.0)
            }
            Event::Connected {
                version, headers, ..
            } => {
                let frame = Frame {
                    command: crate::frame::Command::Connected,
                    headers,
                    body: Vec::new(),
                };
                self.frame(F_CONNECTED, &frame, version.as_str());
            }
            Event::Message { frame, .. } => self.frame(F_MESSAGE, &frame, ""),
            Event::UnhandledMessage(frame) => self.frame(F_UNHANDLED_MESSAGE, &frame, ""),
            Event::Receipt { id, frame } => self.frame(F_RECEIPT, &frame, &id),
            Event::ReceiptFailed { id, error } => {
                let message = concat(&["receipt '", &id, "': ", &error.message()]);
                self.event(RECEIPT_FAILED, &id, &message, 0.0, 0.0)
            }
            Event::UnhandledReceipt(frame) => self.frame(F_UNHANDLED_RECEIPT, &frame, ""),
            Event::UnhandledFrame(frame) => {
                self.frame(F_UNHANDLED_FRAME, &frame, frame.command.as_str())
            }
            Event::StompError(frame) => self.frame(F_ERROR, &frame, ""),
            Event::ConnectFailed(failure) => {
                let reason = match &failure {
                    ConnectFailure::Error(frame) => {
                        self.frame(F_CONNECT_ERROR, frame, "");
                        String::from("error")
                    }
                    ConnectFailure::Timeout => String::from("timeout"),
                    ConnectFailure::Closed(info) => {
                        let mut reason = String::from("closed (");
                        push_decimal(&mut reason, u64::from(info.code));
                        reason.push(')');
                        reason
                    }
                    ConnectFailure::Protocol(error) => error.message(),
                    ConnectFailure::InvalidConnectHeaders(error) => error.message(),
                    ConnectFailure::VersionNotOffered { version } => concat(&[
                        "the broker chose a version that was not offered: ",
                        version.as_deref().unwrap_or("1.0 (no version header)"),
                    ]),
                };
                self.event(CONNECT_FAILED, &reason, "", 0.0, 0.0)
            }
            Event::HeartbeatReceived => self.event(HEARTBEAT_RECEIVED, "", "", 0.0, 0.0),
            Event::HeartbeatLost { .. } => self.event(HEARTBEAT_LOST, "", "", 0.0, 0.0),
            Event::ProtocolError(error) => self.event(
                SOCKET_ERROR,
                &js_names(error.message()),
                "protocol",
                0.0,
                0.0,
            ),
            Event::TransportClosed(info) => {
                let clean = if info.clean { "1" } else { "" };
                self.event(
                    SOCKET_CLOSED,
                    &info.reason,
                    clean,
                    f64::from(info.code),
                    0.0,
                )
            }
            Event::TransactionsAborted(ids) => {
                self.event(TRANSACTIONS_ABORTED, &ids.join("\0"), "", 0.0, 0.0)
            }
            Event::QueueDiscarded { frames, sends } => {
                self.event(QUEUE_DISCARDED, "", "", frames as f64, sends as f64)
            }
            Event::Flushed { sends } => self.event(FLUSHED, "", "", sends as f64, 0.0),
            Event::Disconnected { confirmed } => {
                self.event(DISCONNECTED, "", "", if confirmed { 1.0 } else { 0.0 }, 0.0)
            }
            Event::ReconnectScheduled { attempt, delay, at } => {
                let mut at_text = String::new();
                push_decimal(&mut at_text, at);
                self.event(
                    RECONNECT_SCHEDULED,
                    &at_text,
                    "",
                    f64::from(attempt),
                    delay as f64,
                )
            }
            Event::ReconnectFailed { attempts } => {
                self.event(RECONNECT_FAILED, "", "", f64::from(attempts), 0.0)
            }
            Event::SubscriptionLost { id, error } => {
                self.event(SUBSCRIPTION_LOST, &id, &error.message(), 0.0, 0.0)
            }
        }
        let _ = driver;
    }
}

impl Handler for JsHandler {
    fn notice(&self, driver: &Driver, notice: Notice) {
        match notice {
            Notice::Event(event) => self.session_event(driver, event),
            Notice::BeforeConnect(generation) => {
                self.event(kind::BEFORE_CONNECT, "", "", generation as f64, 0.0)
            }
            Notice::SocketError(message) => self.event(kind::SOCKET_ERROR, &message, "", 0.0, 0.0),
            Notice::Debug(line) => self.event(kind::DEBUG, &line, "", 0.0, 0.0),
        }
    }

    fn idle(&self, driver: &Driver) {
        // Nothing can happen by itself any more (no socket, no timer, no hook) once the session is
        // at rest and does not want to be connected.
        let at_rest = driver
            .with_session(|s| {
                matches!(s.state(), State::Inactive | State::Failed) && !s.wants_active()
            })
            .unwrap_or(false);
        if at_rest {
            if let Ok(mut target) = self.target.try_borrow_mut() {
                *target = None;
            }
        }
    }
}
