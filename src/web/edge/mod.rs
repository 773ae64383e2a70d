//! The JS edge, Rust half: `ClientCore`, the wasm object behind the package's JS `Client` (the JS half,
//! `client.js` and its neighbours, owns the stompjs surface: options and their properties, callbacks
//! and listeners, Promises, message objects). Every value arrives here already converted by the JS
//! half into strings, numbers and booleans (headers packed as `name\0value\0…`), so this layer reads
//! no JS object and runs no user code; it delegates to the [`Driver`] and turns the driver's notices
//! into one call on the JS client per event or per frame (`notices`).
//!
//! Every number that crosses is in wire.js (`wire`, generated); option numbers in options.js
//! (`option_ids`, generated). A refused command throws a string `CODE\0message` — the code is the
//! session's ([`CommandError::code`](crate::session::CommandError::code)), which client.js turns into
//! the `Error` it throws (never matching the message).
//!
//! The JS client is held only while the driver can still produce events by itself (a socket, a
//! timer, a hook): an inactive client that its user drops is ordinary garbage.

mod apply;
mod json;
mod notices;
mod option_ids;
mod wire;

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::Cell;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::session::{AckTarget, SendOptions, SendOutcome};
use crate::text::{concat, split};

use super::driver::{Driver, DriverConfig, DriverError, SocketKind};
use json::{headers_from, pack, unpack};
use notices::JsHandler;

/// The wasm side of one JS `Client`.
#[wasm_bindgen]
pub struct ClientCore {
    driver: Driver,
    handler: Rc<JsHandler>,
    /// The error of the last refused `publish` or `command`, for `takeError` (see there).
    refused: Cell<Option<JsValue>>,
}

/// A refused command as JS gets it: `CODE\0message` (client.js makes the `Error`).
fn error(error: DriverError) -> JsValue {
    JsValue::from_str(&concat(&[error.code(), "\0", &error.message()]))
}

/// `flags` of `publish` (wire.js `PUBLISH`).
fn send_options(flags: u32) -> SendOptions {
    use wire::publish::*;
    SendOptions {
        binary: flags & BINARY != 0,
        skip_content_length: flags & SKIP_CONTENT_LENGTH != 0,
        receipt: flags & RECEIPT != 0,
        retain: flags & AT_LEAST_ONCE != 0,
    }
}

#[wasm_bindgen]
impl ClientCore {
    /// A core with the default options, inactive.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> ClientCore {
        let handler = Rc::new(JsHandler::new());
        let mut config = DriverConfig::new("");
        // Always asked: client.js re-reads `connectHeaders` before each attempt (users mutate it in
        // `beforeConnect`, as with stompjs) and runs the user's `beforeConnect`.
        config.before_connect = true;
        // Receipts and at-least-once `dedup-id`s unique among clients (not a secret).
        config.session.id_prefix = crate::web::random::id_prefix();
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

    /// Sets one option (`option_ids`), already checked and normalised by client.js: `value` is a
    /// number, a string (lists and headers packed with NUL), a boolean, or undefined for the default.
    /// Undefined, or null when refused (the error left for `takeError`, as `command`).
    pub fn set(&self, target: &JsValue, option: u32, value: JsValue) -> JsValue {
        self.bind(target);
        let mut config = self.driver.config();
        let applied = apply::apply(&mut config, option, &value)
            .and_then(|()| self.driver.configure(config).map_err(error));
        self.status(applied)
    }

    /// `webSocketFactory`: a function returning a WebSocket-like object, or null.
    #[wasm_bindgen(js_name = setFactory)]
    /// Undefined, or null when refused (as `set`).
    pub fn set_factory(&self, factory: Option<js_sys::Function>) -> JsValue {
        let mut config = self.driver.config();
        config.socket = match (factory, &config.socket) {
            (Some(factory), _) => SocketKind::Factory(factory),
            (None, SocketKind::Factory(_)) => SocketKind::Auto,
            (None, other) => other.clone(),
        };
        self.status(self.driver.configure(config).map_err(error))
    }

    /// What `set` and `setFactory` return: undefined, or null with the error kept for `takeError`.
    fn status(&self, result: Result<(), JsValue>) -> JsValue {
        match result {
            Ok(()) => JsValue::UNDEFINED,
            Err(refusal) => {
                self.refused.set(Some(refusal));
                JsValue::NULL
            }
        }
    }

    /// Every command but `publish`, one entry point (each export costs wasm and a glue method):
    /// wire.js `COMMAND` operations, with `a`–`d` and `n` as each reads them (see there). Returns
    /// the id for SUBSCRIBE (the session makes `sub-N` unless the headers name one) and BEGIN,
    /// undefined for the others; or null when refused, with the error left for
    /// [`take_error`](ClientCore::take_error): a value, not a `Result`, which the glue would read
    /// back through memory.
    #[allow(clippy::too_many_arguments)]
    pub fn command(
        &self,
        target: &JsValue,
        op: u32,
        a: &str,
        b: &str,
        c: &str,
        d: &str,
        n: f64,
    ) -> JsValue {
        use wire::command::*;
        self.bind(target);
        let done = |()| JsValue::UNDEFINED;
        let result = match op {
            ACTIVATE => self.driver.activate().map(done),
            DEACTIVATE | DEACTIVATE_FORCE => {
                self.driver.deactivate(op == DEACTIVATE_FORCE).map(done)
            }
            FORCE_DISCONNECT => self.driver.force_disconnect().map(done),
            RECONNECT_NOW => self.driver.reconnect_now().map(done),
            // `per_connection` (n = 1): made by a connection's `onConnect`, it ends with that
            // connection instead of being restored.
            SUBSCRIBE => self
                .driver
                .subscribe(a, &unpack(d), n != 0.0)
                .map(JsValue::from),
            UNSUBSCRIBE => self.driver.unsubscribe(a, &unpack(d)).map(done),
            // `n`: the connection that delivered the message (0: the current one, for stompjs's
            // `ack(messageId, subscriptionId)`).
            ACK | NACK => {
                let target = AckTarget {
                    ack: (!a.is_empty()).then(|| a.into()),
                    message_id: b.into(),
                    subscription: c.into(),
                    connection: (n >= 1.0).then_some(n as u64),
                };
                self.driver
                    .acknowledge(op == ACK, target, &unpack(d))
                    .map(|_| JsValue::UNDEFINED)
            }
            BEGIN => self
                .driver
                .begin((!a.is_empty()).then_some(a), &unpack(d))
                .map(JsValue::from),
            COMMIT | ABORT => self
                .driver
                .end_transaction(op == COMMIT, a, &unpack(d))
                .map(done),
            _ => Ok(JsValue::UNDEFINED),
        };
        match result {
            Ok(value) => value,
            Err(refusal) => {
                self.refused.set(Some(error(refusal)));
                JsValue::NULL
            }
        }
    }

    /// Publishes `body`: a JS string of `length` UTF-8 bytes (client.js counts them), or, with
    /// `PUBLISH.BINARY`, a `Uint8Array` of `length` bytes sent as a binary frame. `fields`: the
    /// destination and the packed headers, NUL-separated (one string: one crossing; client.js refuses
    /// a destination with a NUL). Returns wire.js `STATUS.WRITTEN` (written, nothing to wait for),
    /// `STATUS.REFUSED` with the error left for [`take_error`](ClientCore::take_error), or the
    /// publish's ticket: a status, not a `Result`, which the glue would read back through memory on
    /// every call of the hottest entry point.
    pub fn publish(
        &self,
        target: &JsValue,
        fields: &str,
        body: &JsValue,
        length: u32,
        flags: u32,
    ) -> f64 {
        self.bind(target);
        let mut parts = split(fields, 0);
        let destination = parts.next().unwrap_or("");
        let headers = headers_from(parts, fields);
        let options = send_options(flags);
        let published =
            self.driver
                .publish_js(destination, &headers, body, length as usize, options);
        match published {
            Ok(accepted) => {
                let waits =
                    options.receipt || options.retain || accepted.outcome == SendOutcome::Queued;
                match waits {
                    true => accepted.ticket as f64,
                    false => wire::status::WRITTEN,
                }
            }
            Err(refusal) => {
                self.refused.set(Some(error(refusal)));
                wire::status::REFUSED
            }
        }
    }

    /// The error of the last `publish` that returned `STATUS.REFUSED`, or `command` that returned
    /// null (then forgotten).
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&self) -> JsValue {
        self.refused.take().unwrap_or(JsValue::UNDEFINED)
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
    /// (A JS string made here: a returned `String` would be read back through memory by the glue.)
    pub fn state(&self) -> JsValue {
        JsValue::from_str(self.driver.state().as_str())
    }

    /// The negotiated version while connected.
    pub fn version(&self) -> JsValue {
        self.driver
            .version()
            .map_or(JsValue::UNDEFINED, |v| JsValue::from_str(v.as_str()))
    }

    /// The CONNECTED frame's headers, as JSON.
    #[wasm_bindgen(js_name = serverHeaders)]
    pub fn server_headers(&self) -> JsValue {
        let mut out = String::new();
        pack(&self.driver.server_headers(), &mut out);
        JsValue::from_str(&out)
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
