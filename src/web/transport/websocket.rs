//! The platform `WebSocket` (browsers; Node with `globalThis.WebSocket` from `ws` or built in), with
//! `binaryType = "arraybuffer"` so that binary messages arrive in order, never as Blobs to be read.

use alloc::string::String;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, WebSocket};

use super::{
    close_info, joined_data, message_data, message_event, Handlers, Sendable, Sink, SocketEvent,
    Transport,
};

pub(crate) struct BrowserSocket {
    socket: WebSocket,
    handlers: Handlers,
}

impl BrowserSocket {
    pub(crate) fn open(
        url: &str,
        protocols: &[&str],
        sink: Sink,
    ) -> Result<BrowserSocket, JsValue> {
        let list: js_sys::Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        let socket = WebSocket::new_with_str_sequence(url, &list)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let handlers = Handlers::new(sink);
        let set = |f: &JsValue| Some(f.unchecked_ref::<js_sys::Function>().clone());
        socket.set_onopen(set(&handlers.make(|sink, _| sink(SocketEvent::Open))).as_ref());
        socket.set_onmessage(
            set(&handlers.make(|sink, event| {
                if let Some(message) = message_event(&event) {
                    sink(message);
                }
            }))
            .as_ref(),
        );
        socket.set_onclose(
            set(&handlers.make(|sink, event| sink(SocketEvent::Close(close_info(&event), event))))
                .as_ref(),
        );
        // Stays attached after `close()`: Node's `ws` emits an `error` event, asynchronously, for a
        // socket closed while connecting, and an EventEmitter with no listener throws it.
        socket.set_onerror(
            set(&handlers.make(|sink, event| {
                sink(SocketEvent::Error(String::from("WebSocket error"), event))
            }))
            .as_ref(),
        );
        Ok(BrowserSocket { socket, handlers })
    }
}

impl Transport for BrowserSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        let socket: &Sendable = self.socket.unchecked_ref();
        socket.send_value(&message_data(bytes, binary)?).map(drop)
    }

    fn send_joined(&self, head: &[u8], body: &JsValue, binary: bool) -> Result<(), JsValue> {
        let socket: &Sendable = self.socket.unchecked_ref();
        socket
            .send_value(&joined_data(head, body, binary)?)
            .map(drop)
    }

    fn close(&self, discard: bool) {
        if self.handlers.detached() {
            return;
        }
        // The handlers stay, doing nothing from now on (as a duck socket's: see there).
        self.handlers.detach();
        if discard
            && Reflect::get(&self.socket, &JsValue::from_str("terminate"))
                .is_ok_and(|t| t.is_function())
        {
            let _ = super::call_method(&self.socket, "terminate", None);
        } else {
            let _ = self.socket.close();
        }
    }

    fn buffered_amount(&self) -> Option<f64> {
        Some(f64::from(self.socket.buffered_amount()))
    }

    fn raw(&self) -> JsValue {
        self.socket.clone().into()
    }
}

impl Drop for BrowserSocket {
    fn drop(&mut self) {
        self.close(false);
    }
}
