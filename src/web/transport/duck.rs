//! Any WebSocket-like object from `webSocketFactory` (SockJS, test doubles, wrappers): used only through
//! its `send`, `close`, `onopen`, `onmessage`, `onclose`, `onerror` and, if present, `binaryType`.

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::{array_buffer, close_info, message_bytes, text, Sink, SocketEvent, Transport};

pub(crate) struct DuckSocket {
    socket: JsValue,
    _handlers: [Closure<dyn FnMut(JsValue)>; 4],
}

const HANDLERS: [&str; 4] = ["onopen", "onmessage", "onclose", "onerror"];

impl DuckSocket {
    pub(crate) fn from_factory(factory: &Function, sink: Sink) -> Result<DuckSocket, JsValue> {
        let socket = factory.call0(&JsValue::UNDEFINED)?;
        if !socket.is_object() || !Reflect::get(&socket, &"send".into())?.is_function() {
            return Err(js_sys::TypeError::new(
                "webSocketFactory must return a WebSocket-like object (with send, close, onopen, onmessage, onclose, onerror)",
            )
            .into());
        }
        let _ = Reflect::set(&socket, &"binaryType".into(), &"arraybuffer".into());
        let on = |f: fn(&Sink, JsValue)| {
            let sink = sink.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| f(&sink, event))
        };
        let handlers = [
            on(|sink, _| sink(SocketEvent::Open)),
            on(|sink, event| {
                let data = Reflect::get(&event, &"data".into()).unwrap_or_default();
                if let Some(bytes) = message_bytes(&data) {
                    sink(SocketEvent::Message(bytes));
                }
            }),
            on(|sink, event| sink(SocketEvent::Close(close_info(&event), event))),
            on(|sink, event| sink(SocketEvent::Error(event))),
        ];
        for (name, handler) in HANDLERS.iter().zip(&handlers) {
            Reflect::set(&socket, &(*name).into(), handler.as_ref().unchecked_ref())?;
        }
        let duck = DuckSocket {
            socket,
            _handlers: handlers,
        };
        // A socket that is already open (readyState 1) will not fire onopen again.
        if Reflect::get(&duck.socket, &"readyState".into())?.as_f64() == Some(1.0) {
            sink(SocketEvent::Open);
        }
        Ok(duck)
    }

    fn detach(&self) {
        for name in HANDLERS {
            let _ = Reflect::set(&self.socket, &name.into(), &JsValue::NULL);
        }
    }

    fn call(&self, method: &str, argument: Option<&JsValue>) -> Result<(), JsValue> {
        let function: Function = Reflect::get(&self.socket, &method.into())?.dyn_into()?;
        match argument {
            Some(argument) => function.call1(&self.socket, argument)?,
            None => function.call0(&self.socket)?,
        };
        Ok(())
    }
}

impl Transport for DuckSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        let data: JsValue = match (binary, text(bytes)) {
            (false, Some(text)) => text.into(),
            _ => array_buffer(bytes).into(),
        };
        self.call("send", Some(&data))
    }

    fn close(&mut self) {
        self.detach();
        let _ = self.call("close", None);
    }

    fn raw(&self) -> JsValue {
        self.socket.clone()
    }
}

impl Drop for DuckSocket {
    fn drop(&mut self) {
        self.detach();
    }
}
