//! The platform `WebSocket` (browsers; Node with `globalThis.WebSocket` from `ws` or built in), with
//! `binaryType = "arraybuffer"` so that binary messages arrive in order, never as Blobs to be read.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, WebSocket};

use super::{array_buffer, close_info, message_bytes, text, Sink, SocketEvent, Transport};

pub(crate) struct BrowserSocket {
    socket: WebSocket,
    _handlers: [Closure<dyn FnMut(JsValue)>; 4],
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
        let on = |f: fn(&Sink, JsValue)| {
            let sink = sink.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| f(&sink, event))
        };
        let handlers = [
            on(|sink, _| sink(SocketEvent::Open)),
            on(|sink, event| {
                let data = js_sys::Reflect::get(&event, &"data".into()).unwrap_or_default();
                if let Some(bytes) = message_bytes(&data) {
                    sink(SocketEvent::Message(bytes));
                }
            }),
            on(|sink, event| sink(SocketEvent::Close(close_info(&event), event))),
            on(|sink, event| sink(SocketEvent::Error(event))),
        ];
        socket.set_onopen(Some(handlers[0].as_ref().unchecked_ref()));
        socket.set_onmessage(Some(handlers[1].as_ref().unchecked_ref()));
        socket.set_onclose(Some(handlers[2].as_ref().unchecked_ref()));
        socket.set_onerror(Some(handlers[3].as_ref().unchecked_ref()));
        Ok(BrowserSocket {
            socket,
            _handlers: handlers,
        })
    }

    fn detach(&self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
    }
}

impl Transport for BrowserSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        match (binary, text(bytes)) {
            (false, Some(text)) => self.socket.send_with_str(text),
            _ => self.socket.send_with_array_buffer(&array_buffer(bytes)),
        }
    }

    fn close(&mut self) {
        self.detach();
        let _ = self.socket.close();
    }

    fn raw(&self) -> JsValue {
        self.socket.clone().into()
    }
}

impl Drop for BrowserSocket {
    fn drop(&mut self) {
        self.detach();
    }
}
