//! Transports: the socket kinds the client can speak through, behind one small trait. Each owns its
//! JS event handlers and detaches them when closed or dropped, so a closed socket can never feed the
//! session again. No protocol logic here: bytes in, bytes out, open/close/error reported.

mod duck;
mod miniprogram;
mod websocket;

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{Headers, Version};
use crate::session::CloseInfo;

pub(crate) use duck::DuckSocket;
pub(crate) use miniprogram::{MiniProgramSocket, Platform};
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
    /// The platform refused to open the socket (mini-programs' `connectSocket` `fail`).
    OpenFailed(String),
}

/// Which kind of socket to open.
pub(crate) enum Kind {
    /// Whatever `webSocketFactory` returns.
    Factory(Function),
    /// The global `WebSocket`.
    Browser,
    /// A mini-program SocketTask, with the connect headers that go on the handshake.
    MiniProgram(Platform, Headers),
}

impl Kind {
    /// The socket kind when no factory is given: `platform` if set, else the global `WebSocket` if
    /// there is one, else the first mini-program API found.
    pub(crate) fn choose(platform: Option<PlatformChoice>, handshake: Headers) -> Kind {
        match platform {
            Some(PlatformChoice::Browser) => Kind::Browser,
            Some(PlatformChoice::MiniProgram(platform)) => Kind::MiniProgram(platform, handshake),
            None if has_global_websocket() => Kind::Browser,
            None => match Platform::detect() {
                Some(platform) => Kind::MiniProgram(platform, handshake),
                None => Kind::Browser,
            },
        }
    }
}

/// The `platform` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlatformChoice {
    Browser,
    MiniProgram(Platform),
}

impl PlatformChoice {
    pub(crate) fn parse(name: &str) -> Option<PlatformChoice> {
        match name {
            "browser" => Some(PlatformChoice::Browser),
            other => Platform::parse(other).map(PlatformChoice::MiniProgram),
        }
    }
}

fn has_global_websocket() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"WebSocket".into())
        .map(|c| c.is_function())
        .unwrap_or(false)
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

/// Opens a transport of `kind` to `url`.
pub(crate) fn open(
    url: &str,
    versions: &[Version],
    kind: Kind,
    sink: Sink,
) -> Result<Box<dyn Transport>, JsValue> {
    let protocols = subprotocols(versions);
    match kind {
        Kind::Factory(factory) => Ok(Box::new(DuckSocket::from_factory(&factory, sink)?)),
        Kind::MiniProgram(platform, handshake) => Ok(Box::new(MiniProgramSocket::open(
            platform, url, &protocols, &handshake, sink,
        )?)),
        Kind::Browser if !has_global_websocket() => Err(js_sys::TypeError::new(
            "no WebSocket in this environment: pass webSocketFactory, set platform ('wx', 'uni', 'tt'), or set globalThis.WebSocket (e.g. from the 'ws' package in Node)",
        )
        .into()),
        Kind::Browser => Ok(Box::new(BrowserSocket::open(url, &protocols, sink)?)),
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
