//! Any WebSocket-like object from `webSocketFactory` (SockJS, test doubles, wrappers): used only through
//! its `send`, `close`, `onopen`, `onmessage`, `onclose`, `onerror` and, if present, `binaryType`,
//! `readyState`, `bufferedAmount` and `terminate`. Every call into it is user code, and may throw.

use alloc::string::String;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use super::{
    call_method, close_info, joined_data, message_data, message_event, Handlers, Sendable, Sink,
    SocketEvent, Transport,
};

pub(crate) struct DuckSocket {
    socket: JsValue,
    handlers: Handlers,
}

const HANDLERS: [&str; 3] = ["onopen", "onmessage", "onclose"];

impl DuckSocket {
    pub(crate) fn from_factory(factory: &Function, sink: Sink) -> Result<DuckSocket, JsValue> {
        DuckSocket::attach(factory.call0(&JsValue::UNDEFINED)?, sink)
    }

    /// The platform `WebSocket` (browsers; Node with `globalThis.WebSocket` from `ws` or built in),
    /// opened with the subprotocols, driven as any WebSocket-like object is (one transport for both:
    /// a browser socket is used through the same properties; `terminate()`, which Node's `ws` has,
    /// when discarding).
    pub(crate) fn open(url: &str, protocols: &[&str]) -> Result<JsValue, JsValue> {
        crate::web::shims::new_web_socket(url, &protocols.join(","))
    }

    /// Registers the handlers on `socket` (from a factory, or a platform `WebSocket`), with
    /// `binaryType = "arraybuffer"` so that binary messages arrive in order, never as Blobs to be read.
    pub(crate) fn attach(socket: JsValue, sink: Sink) -> Result<DuckSocket, JsValue> {
        let has_send = socket.is_object() && crate::web::get(&socket, "send")?.is_function();
        if !has_send {
            return Err(js_sys::TypeError::new(
                "webSocketFactory must return a WebSocket-like object (with send, close, onopen, onmessage, onclose, onerror)",
            )
            .into());
        }
        let _ = crate::web::set(&socket, "binaryType", &"arraybuffer".into());
        let handlers = Handlers::new(sink);
        let functions = [
            handlers.make(|sink, _| sink(SocketEvent::Open)),
            handlers.make(|sink, event| {
                if let Some(message) = message_event(&event) {
                    sink(message);
                }
            }),
            handlers.make(|sink, event| sink(SocketEvent::Close(close_info(&event), event))),
        ];
        for (name, function) in HANDLERS.iter().zip(&functions) {
            crate::web::set(&socket, name, function)?;
        }
        // Stays attached after close (see the browser socket).
        let on_error = handlers
            .make(|sink, event| sink(SocketEvent::Error(String::from("WebSocket error"), event)));
        crate::web::set(&socket, "onerror", &on_error)?;
        // A socket that is already open (readyState 1) will not fire onopen again.
        if crate::web::get(&socket, "readyState")?.as_f64() == Some(1.0) {
            (handlers.sink())(SocketEvent::Open);
        }
        Ok(DuckSocket { socket, handlers })
    }
}

impl Transport for DuckSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        let data = message_data(bytes, binary)?;
        self.socket
            .unchecked_ref::<Sendable>()
            .send_value(&data)
            .map(drop)
    }

    fn send_joined(&self, head: &[u8], body: &JsValue, binary: bool) -> Result<(), JsValue> {
        let data = joined_data(head, body, binary)?;
        self.socket
            .unchecked_ref::<Sendable>()
            .send_value(&data)
            .map(drop)
    }

    fn close(&self, discard: bool) {
        if self.handlers.detached() {
            return;
        }
        // Its handlers stay, doing nothing from now on: a wrapper that forwards events with
        // `this.onclose(event)` must find a function there (stompjs leaves functions too).
        self.handlers.detach();
        let terminate =
            discard && crate::web::get(&self.socket, "terminate").is_ok_and(|t| t.is_function());
        let _ = call_method(
            &self.socket,
            if terminate { "terminate" } else { "close" },
            None,
        );
    }

    /// Read with the driver's state released: a user's socket may have a getter here.
    fn buffered_amount(&self) -> Option<f64> {
        crate::web::get(&self.socket, "bufferedAmount")
            .ok()
            .and_then(|v| v.as_f64())
    }

    fn raw(&self) -> JsValue {
        self.socket.clone()
    }
}

impl Drop for DuckSocket {
    fn drop(&mut self) {
        self.close(false);
    }
}
