//! `Message`: a received frame as JS sees it. The frame stays in wasm memory and each property is
//! converted on first access and cached: a callback that reads only `body` pays for one string
//! decode, not for a headers object too (see ../shared/notes/performance.md). Freed by the JS
//! garbage collector (the package is built with weak references) or by `free()`.

use std::cell::RefCell;
use std::rc::Weak;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::frame::{Frame, Headers};
use crate::session::AckTarget;

use super::client::{ack_from_message, Shared};

/// A STOMP frame received from the broker: `MESSAGE` for subscriptions, and the frames passed to
/// `onConnect`, `onStompError`, `onUnhandledReceipt`, … (stompjs's `IMessage` / `IFrame`).
#[wasm_bindgen]
pub struct Message {
    frame: Frame,
    client: Weak<Shared>,
    headers: RefCell<Option<JsValue>>,
    body: RefCell<Option<JsValue>>,
}

impl Message {
    pub(crate) fn new(frame: Frame, client: Weak<Shared>) -> Message {
        Message {
            frame,
            client,
            headers: RefCell::new(None),
            body: RefCell::new(None),
        }
    }

    fn cached(cell: &RefCell<Option<JsValue>>, make: impl FnOnce() -> JsValue) -> JsValue {
        cell.borrow_mut().get_or_insert_with(make).clone()
    }
}

#[wasm_bindgen]
impl Message {
    /// The command (`"MESSAGE"`, `"CONNECTED"`, `"ERROR"`, `"RECEIPT"`).
    #[wasm_bindgen(getter)]
    pub fn command(&self) -> String {
        self.frame.command.as_str().to_owned()
    }

    /// The headers as a plain object (first value wins for a repeated name, as the spec says).
    #[wasm_bindgen(getter)]
    #[wasm_bindgen(unchecked_return_type = "StompHeaders")]
    pub fn headers(&self) -> JsValue {
        Message::cached(&self.headers, || headers_object(&self.frame.headers))
    }

    /// The body as text (UTF-8; invalid sequences become U+FFFD).
    #[wasm_bindgen(getter)]
    #[wasm_bindgen(unchecked_return_type = "string")]
    pub fn body(&self) -> JsValue {
        Message::cached(&self.body, || {
            JsValue::from_str(&String::from_utf8_lossy(&self.frame.body))
        })
    }

    /// The body bytes (a copy).
    #[wasm_bindgen(getter, js_name = binaryBody)]
    pub fn binary_body(&self) -> Uint8Array {
        Uint8Array::from(self.frame.body.as_slice())
    }

    /// Whether the body is not UTF-8 text (read `binaryBody` then).
    #[wasm_bindgen(getter, js_name = isBinaryBody)]
    pub fn is_binary_body(&self) -> bool {
        std::str::from_utf8(&self.frame.body).is_err()
    }

    /// Acknowledges this message (ACK) with the headers its version needs; optional extra headers
    /// (e.g. `{transaction: tx.id}`).
    pub fn ack(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        self.acknowledge(true, headers)
    }

    /// Rejects this message (NACK).
    pub fn nack(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StompHeaders")] headers: Option<Object>,
    ) -> Result<(), JsValue> {
        self.acknowledge(false, headers)
    }
}

impl Message {
    fn acknowledge(&self, ack: bool, headers: Option<Object>) -> Result<(), JsValue> {
        let Some(client) = self.client.upgrade() else {
            return Err(js_sys::Error::new("the client of this message is gone").into());
        };
        ack_from_message(&client, ack, AckTarget::of(&self.frame), headers)
    }
}

/// Headers as a plain JS object; the first of repeated names wins.
pub(crate) fn headers_object(headers: &Headers) -> JsValue {
    let object = Object::new();
    for (name, value) in headers.iter() {
        let key = JsValue::from_str(name);
        if !Reflect::has(&object, &key).unwrap_or(false) {
            let _ = Reflect::set(&object, &key, &JsValue::from_str(value));
        }
    }
    object.into()
}
