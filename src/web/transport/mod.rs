//! Transports: the socket kinds the driver can speak through, behind one small trait. Each registers
//! its JS event handlers once, as JS functions that outlive it and go quiet when it is detached (a
//! flag), so a closed socket can never feed the driver again and a late `error` event (Node's `ws`
//! emits one asynchronously when a socket is closed while still connecting) always finds a listener.
//! No protocol logic here: bytes in, bytes out, open/close/error reported.
//!
//! This is the one place where the driver's API carries `JsValue`s: the platform's socket object and
//! its raw events, which the JS edge hands to `onWebSocketClose`/`onWebSocketError` as stompjs does.

mod chunks;
mod duck;
mod miniprogram;

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use js_sys::{ArrayBuffer, Function, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{Headers, Version};
use crate::session::CloseInfo;
use crate::web::shims;

pub(crate) use chunks::utf8_pieces;
pub(crate) use duck::DuckSocket;
pub(crate) use miniprogram::MiniProgramSocket;
pub use miniprogram::Platform;

/// What a socket reports.
pub(crate) enum SocketEvent {
    Open,
    /// Bytes of one WebSocket message (text messages as their UTF-8 bytes), and whether it was a
    /// text message.
    Message(Vec<u8>, bool),
    /// The socket closed; the platform's event object rides along for `onWebSocketClose`.
    Close(CloseInfo, JsValue),
    /// The platform reported an error (a close usually follows); its event object rides along.
    Error(String, JsValue),
    /// The platform refused to open the socket (mini-programs' `connectSocket` `fail`); `suspended`
    /// when it said so because the app is suspended (`runningState=suspend`).
    OpenFailed {
        message: String,
        suspended: bool,
    },
}

/// Which kind of socket to open.
#[derive(Clone)]
pub(crate) enum Kind {
    /// Whatever the factory returns (stompjs's `webSocketFactory`; user code).
    Factory(Function),
    /// The global `WebSocket`.
    Browser,
    /// A mini-program SocketTask, with the connect headers that go on the handshake.
    MiniProgram(Platform, Headers),
}

/// Where a socket's events go.
pub(crate) type Sink = Rc<dyn Fn(SocketEvent)>;

/// A connected (or connecting) socket. Every method may run user code (a factory's socket is the
/// user's object), so the driver calls them with no borrow held.
pub(crate) trait Transport {
    /// Writes one message: binary as one `ArrayBuffer` copy of `bytes`, text as a string.
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue>;
    /// Writes one message made of `head`, the caller's `body` and a NUL, joined on the JS side (see
    /// [`joined_data`]): a published body never crosses into wasm and back.
    fn send_joined(&self, head: &[u8], body: &JsValue, binary: bool) -> Result<(), JsValue>;
    /// Detaches the handlers and closes the socket (`terminate()` when `discard` and the socket has
    /// one, as stompjs discards a socket).
    fn close(&self, discard: bool);
    /// Bytes given to `send` and not yet written to the network, where the platform says.
    fn buffered_amount(&self) -> Option<f64>;
    /// The platform socket object (stompjs's `client.webSocket`).
    fn raw(&self) -> JsValue;
}

/// A set of JS handler functions that forward to a sink until detached. They are JS functions owned
/// by the JS garbage collector (`Closure::into_js_value`), so they stay valid for as long as the
/// socket holds them, whatever happens to the transport.
pub(crate) struct Handlers {
    detached: Rc<Cell<bool>>,
    sink: Sink,
}

impl Handlers {
    pub(crate) fn new(sink: Sink) -> Handlers {
        Handlers {
            detached: Rc::new(Cell::new(false)),
            sink,
        }
    }

    /// A one-argument JS function calling `f(sink, argument)` until [`detach`](Handlers::detach).
    pub(crate) fn make(&self, f: fn(&Sink, JsValue)) -> JsValue {
        self.make_with(f)
    }

    /// [`make`](Handlers::make) for a closure.
    pub(crate) fn make_with(&self, f: impl Fn(&Sink, JsValue) + 'static) -> JsValue {
        let (detached, sink) = (self.detached.clone(), self.sink.clone());
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if !detached.get() {
                f(&sink, event)
            }
        })
        .into_js_value()
    }

    pub(crate) fn detach(&self) {
        self.detached.set(true);
    }

    pub(crate) fn detached(&self) -> bool {
        self.detached.get()
    }

    pub(crate) fn sink(&self) -> &Sink {
        &self.sink
    }
}

/// The WebSocket subprotocols for the offered versions, newest first.
pub(crate) fn subprotocols(versions: &[Version]) -> Vec<&'static str> {
    [Version::V1_2, Version::V1_1, Version::V1_0]
        .into_iter()
        .filter(|v| versions.contains(v))
        .map(Version::subprotocol)
        .collect()
}

/// Opens a transport of `kind` to `url`. May run user code (`Kind::Factory`).
pub(crate) fn open(
    url: &str,
    versions: &[Version],
    kind: Kind,
    sink: Sink,
) -> Result<Rc<dyn Transport>, JsValue> {
    let protocols = subprotocols(versions);
    Ok(match kind {
        Kind::Factory(factory) => Rc::new(DuckSocket::from_factory(&factory, sink)?),
        Kind::MiniProgram(platform, handshake) => Rc::new(MiniProgramSocket::open(
            platform, url, &protocols, &handshake, sink,
        )?),
        Kind::Browser if !has_global("WebSocket") => {
            return Err(js_sys::TypeError::new(
                "no WebSocket in this environment: pass webSocketFactory, set platform ('wx', 'uni', 'tt'), or set globalThis.WebSocket (e.g. from the 'ws' package in Node)",
            )
            .into())
        }
        Kind::Browser => Rc::new(DuckSocket::attach(DuckSocket::open(url, &protocols)?, sink)?),
    })
}

/// Whether the global object has a function named `name`.
pub(crate) fn has_global(name: &str) -> bool {
    crate::web::get(&crate::web::global(), name)
        .map(|c| c.is_function())
        .unwrap_or(false)
}

/// The bytes of a message event's binary data: an ArrayBuffer or a view of one.
fn binary_bytes(data: &JsValue) -> Option<Vec<u8>> {
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        return Some(Uint8Array::new(buffer).to_vec());
    }
    if ArrayBuffer::is_view(data) {
        let view: &Uint8Array = data.unchecked_ref();
        let bytes = Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset(),
            view.byte_length(),
        );
        return Some(bytes.to_vec());
    }
    None
}

/// A message event as [`SocketEvent::Message`]: a string `data` as its UTF-8 bytes (a text message),
/// ArrayBuffers and views as they are.
pub(crate) fn message_event(event: &JsValue) -> Option<SocketEvent> {
    let data = crate::web::get(event, "data").ok()?;
    match data.as_string() {
        Some(text) => Some(SocketEvent::Message(text.into_bytes(), true)),
        None => binary_bytes(&data).map(|bytes| SocketEvent::Message(bytes, false)),
    }
}

/// Reads a close event (`{code, reason, wasClean}`) into [`CloseInfo`]. Without `wasClean` (a
/// mini-program SocketTask's `onClose` gives only `{code, reason}`), a 1000 close is a clean one: else
/// RabbitMQ's close in answer to DISCONNECT would never confirm it there, and `onDisconnect` (the 2.x
/// `disconnect(callback)`) would never run.
pub(crate) fn close_info(event: &JsValue) -> CloseInfo {
    let get = |name: &str| crate::web::get(event, name).unwrap_or_default();
    let code = get("code").as_f64().map_or(1006, |c| c as u16);
    CloseInfo {
        code,
        reason: get("reason").as_string().unwrap_or_default(),
        clean: get("wasClean").as_bool().unwrap_or(code == 1000),
    }
}

/// The bytes as a fresh `ArrayBuffer`: the one copy out of wasm memory, which the socket may keep.
pub(crate) fn array_buffer(bytes: &[u8]) -> ArrayBuffer {
    Uint8Array::from(bytes).buffer()
}

/// What one frame is sent as: a string for a text frame, one `ArrayBuffer` copy for a binary one;
/// an error is a failed send.
pub(crate) fn message_data(bytes: &[u8], binary: bool) -> Result<JsValue, JsValue> {
    match binary {
        true => Ok(array_buffer(bytes).into()),
        false => shims::text_of(bytes),
    }
}

/// Calls `object[method](argument)` (or with no argument), reporting a missing method as a TypeError.
pub(crate) fn call_method(
    object: &JsValue,
    method: &str,
    argument: Option<&JsValue>,
) -> Result<JsValue, JsValue> {
    let function: Function = crate::web::get(object, method)?.dyn_into().map_err(|_| {
        let mut message = String::from("the socket has no ");
        message.push_str(method);
        message.push_str("()");
        JsValue::from(js_sys::TypeError::new(&message))
    })?;
    match argument {
        Some(argument) => function.call1(object, argument),
        None => function.call0(object),
    }
}

/// What a SEND head and the caller's body are sent as: one string (a text frame, `body` a JS
/// string) or one `ArrayBuffer` (`binary`, `body` a `Uint8Array`); an error (the join could not
/// allocate) is a failed send.
pub(crate) fn joined_data(head: &[u8], body: &JsValue, binary: bool) -> Result<JsValue, JsValue> {
    match binary {
        true => shims::joined_bytes(head, body),
        // The session encodes heads as UTF-8 (command, escaped headers).
        false => shims::joined(core::str::from_utf8(head).unwrap_or(""), body),
    }
}

#[wasm_bindgen]
extern "C" {
    /// Anything with a `send(data)` method: a WebSocket, a WebSocket-like object.
    pub(crate) type Sendable;
    #[wasm_bindgen(method, catch, js_name = send)]
    pub(crate) fn send_value(this: &Sendable, data: &JsValue) -> Result<JsValue, JsValue>;
}
