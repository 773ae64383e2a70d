//! Transports: the socket kinds the client can speak through, behind one small trait. Each owns its
//! JS event handlers and detaches them when closed or dropped, so a closed socket can never feed the
//! session again. No protocol logic here: bytes in, bytes out, open/close/error reported.

mod duck;
mod websocket;

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::Version;
use crate::session::CloseInfo;

pub(crate) use duck::DuckSocket;
pub(crate) use websocket::BrowserSocket;

/// What a socket reports.
pub(crate) enum SocketEvent {
    Open,
    /// Bytes of one WebSocket message (text messages as their UTF-8 bytes).
    Message(Vec<u8>),
    /// The socket closed; the platform's event object rides along for `onWebSocketClose`.
    Close(CloseInfo, JsValue),
    /// The platform reported an error (a close usually follows).
    Error(JsValue),
}

/// Where a socket's events go.
pub(crate) type Sink = Rc<dyn Fn(SocketEvent)>;

/// A connected (or connecting) socket.
pub(crate) trait Transport {
    /// Writes one message: binary as an ArrayBuffer, text as a string.
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue>;
    /// Detaches the handlers and closes the socket.
    fn close(&mut self);
    /// The platform socket object (stompjs's `client.webSocket`).
    fn raw(&self) -> JsValue;
}

/// The WebSocket subprotocols for the offered versions, newest first.
pub(crate) fn subprotocols(versions: &[Version]) -> Vec<&'static str> {
    let mut versions = versions.to_vec();
    versions.sort_by(|a, b| b.cmp(a));
    versions.dedup();
    versions.into_iter().map(Version::subprotocol).collect()
}

/// Opens the transport for `url`: through `factory` when given, else the global `WebSocket`.
pub(crate) fn open(
    url: &str,
    versions: &[Version],
    factory: Option<&Function>,
    sink: Sink,
) -> Result<Box<dyn Transport>, JsValue> {
    match factory {
        Some(factory) => Ok(Box::new(DuckSocket::from_factory(factory, sink)?)),
        None => {
            let global = js_sys::global();
            let constructor = js_sys::Reflect::get(&global, &"WebSocket".into())?;
            if !constructor.is_function() {
                return Err(js_sys::TypeError::new(
                    "no WebSocket in this environment: pass webSocketFactory, or set globalThis.WebSocket (e.g. from the 'ws' package in Node)",
                )
                .into());
            }
            Ok(Box::new(BrowserSocket::open(
                url,
                &subprotocols(versions),
                sink,
            )?))
        }
    }
}

/// Reads a `MessageEvent`'s data into bytes: strings as UTF-8, ArrayBuffers and views as they are.
pub(crate) fn message_bytes(data: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = data.as_string() {
        return Some(text.into_bytes());
    }
    if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(buffer).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(data) {
        let view: &js_sys::Uint8Array = data.unchecked_ref();
        let bytes = js_sys::Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset(),
            view.byte_length(),
        );
        return Some(bytes.to_vec());
    }
    None
}

/// Reads a close event (`{code, reason, wasClean}`) into [`CloseInfo`].
pub(crate) fn close_info(event: &JsValue) -> CloseInfo {
    let get = |name: &str| js_sys::Reflect::get(event, &name.into()).unwrap_or(JsValue::UNDEFINED);
    CloseInfo {
        code: get("code").as_f64().map_or(1006, |c| c as u16),
        reason: get("reason").as_string().unwrap_or_default(),
        clean: get("wasClean").as_bool().unwrap_or(false),
    }
}

/// The bytes as an ArrayBuffer copy (what every socket kind accepts for binary).
pub(crate) fn array_buffer(bytes: &[u8]) -> js_sys::ArrayBuffer {
    js_sys::Uint8Array::from(bytes).buffer()
}

/// The bytes as a JS string; our text frames are always UTF-8.
pub(crate) fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}
