//! `Message`: a received frame as JS sees it. Properties are converted on first access and cached,
//! so a callback that reads only `body` pays for one string decode. Once the callback has returned,
//! the client [`detach`](MessageState::detach)es the message: what was not read yet is converted, and
//! the frame leaves wasm memory. A message kept by user code then holds only JS values, so wasm
//! memory stays flat however many messages arrive, whenever the garbage collector finalizes them.
//!
//! The headers object is built by `JSON.parse` of one string: one boundary crossing and one decode
//! instead of two per header (measured: building it header by header was a third of the receive
//! path for 1 KiB messages).

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::frame::{Command, Frame, Headers};
use crate::session::AckTarget;

use super::client::{ack_from_message, Shared};

/// A STOMP frame received from the broker: `MESSAGE` for subscriptions, and the frames passed to
/// `onConnect`, `onStompError`, `onUnhandledReceipt`, … (stompjs's `IMessage` / `IFrame`).
#[wasm_bindgen]
pub struct Message {
    state: Rc<RefCell<MessageState>>,
    client: Weak<Shared>,
}

/// What a message holds: the frame until it is detached, the JS values made from it.
pub(crate) struct MessageState {
    command: Command,
    frame: Option<Frame>,
    headers: Option<JsValue>,
    body: Option<JsValue>,
    /// A copy of a body that is not UTF-8, kept when the frame goes.
    binary: Option<Uint8Array>,
    /// Kept when the frame goes, for `ack()` / `nack()` afterwards.
    ack: Option<AckTarget>,
}

impl Message {
    /// A message for `frame`, and the handle the client detaches it with.
    pub(crate) fn new(frame: Frame, client: Weak<Shared>) -> (Message, Rc<RefCell<MessageState>>) {
        let state = Rc::new(RefCell::new(MessageState {
            command: frame.command,
            frame: Some(frame),
            headers: None,
            body: None,
            binary: None,
            ack: None,
        }));
        let message = Message {
            state: state.clone(),
            client,
        };
        (message, state)
    }
}

impl MessageState {
    fn headers(&mut self) -> JsValue {
        if let (None, Some(frame)) = (&self.headers, &self.frame) {
            self.headers = Some(headers_object(&frame.headers));
        }
        self.headers.clone().unwrap_or_else(|| Object::new().into())
    }

    fn body(&mut self) -> JsValue {
        if let (None, Some(frame)) = (&self.body, &self.frame) {
            let text = String::from_utf8_lossy(&frame.body);
            if let Cow::Owned(_) = text {
                // Not UTF-8: keep the bytes, which the text no longer says.
                self.binary = Some(Uint8Array::from(frame.body.as_slice()));
            }
            self.body = Some(JsValue::from_str(&text));
        }
        self.body.clone().unwrap_or_else(|| JsValue::from_str(""))
    }

    /// Converts what was not read yet and lets the frame go (after the callback returned).
    pub(crate) fn detach(&mut self) {
        if self.frame.is_none() {
            return;
        }
        self.headers();
        self.body();
        let Some(frame) = self.frame.take() else {
            return;
        };
        if frame.command == Command::Message {
            self.ack = Some(AckTarget::of(&frame));
        }
    }
}

#[wasm_bindgen]
impl Message {
    /// The command (`"MESSAGE"`, `"CONNECTED"`, `"ERROR"`, `"RECEIPT"`).
    #[wasm_bindgen(getter)]
    pub fn command(&self) -> String {
        self.state.borrow().command.as_str().to_owned()
    }

    /// The headers as a plain object (first value wins for a repeated name, as the spec says).
    #[wasm_bindgen(getter)]
    #[wasm_bindgen(unchecked_return_type = "StompHeaders")]
    pub fn headers(&self) -> JsValue {
        self.state.borrow_mut().headers()
    }

    /// The body as text (UTF-8; invalid sequences become U+FFFD).
    #[wasm_bindgen(getter)]
    #[wasm_bindgen(unchecked_return_type = "string")]
    pub fn body(&self) -> JsValue {
        self.state.borrow_mut().body()
    }

    /// The body bytes (a copy).
    #[wasm_bindgen(getter, js_name = binaryBody)]
    pub fn binary_body(&self) -> Uint8Array {
        let mut state = self.state.borrow_mut();
        if let Some(frame) = &state.frame {
            return Uint8Array::from(frame.body.as_slice());
        }
        match &state.binary {
            Some(bytes) => Uint8Array::new(bytes),
            None => Uint8Array::from(state.body().as_string().unwrap_or_default().as_bytes()),
        }
    }

    /// Whether the body is not UTF-8 text (read `binaryBody` then).
    #[wasm_bindgen(getter, js_name = isBinaryBody)]
    pub fn is_binary_body(&self) -> bool {
        let state = self.state.borrow();
        match (&state.frame, &state.body) {
            (Some(frame), None) => std::str::from_utf8(&frame.body).is_err(),
            _ => state.binary.is_some(),
        }
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
        let target = {
            let state = self.state.borrow();
            match (&state.frame, &state.ack) {
                (Some(frame), _) => AckTarget::of(frame),
                (None, Some(target)) => target.clone(),
                (None, None) => {
                    return Err(js_sys::TypeError::new(&format!(
                        "{} frames cannot be acknowledged",
                        state.command
                    ))
                    .into())
                }
            }
        };
        ack_from_message(&client, ack, target, headers)
    }
}

/// Headers as a plain JS object; the first of repeated names wins. One `JSON.parse` of the whole
/// set, falling back to one property at a time should the text not parse.
pub(crate) fn headers_object(headers: &Headers) -> JsValue {
    let mut json = String::with_capacity(headers.text_len() + 6 * headers.len() + 2);
    json.push('{');
    for (index, (name, value)) in headers.iter().enumerate() {
        if headers
            .iter()
            .take(index)
            .any(|(earlier, _)| earlier == name)
        {
            continue;
        }
        if json.len() > 1 {
            json.push(',');
        }
        push_json_string(&mut json, name);
        json.push(':');
        push_json_string(&mut json, value);
    }
    json.push('}');
    if let Ok(object) = js_sys::JSON::parse(&json) {
        return object;
    }
    let object = Object::new();
    for (name, value) in headers.iter() {
        let key = JsValue::from_str(name);
        if !Reflect::has(&object, &key).unwrap_or(false) {
            let _ = Reflect::set(&object, &key, &JsValue::from_str(value));
        }
    }
    object.into()
}

/// Appends `text` as a JSON string literal.
fn push_json_string(json: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    json.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1f => "",
            _ => continue,
        };
        json.push_str(&text[start..at]);
        if escape.is_empty() {
            json.push_str("\\u00");
            json.push(HEX[(byte >> 4) as usize] as char);
            json.push(HEX[(byte & 15) as usize] as char);
        } else {
            json.push_str(escape);
        }
        start = at + 1;
    }
    json.push_str(&text[start..]);
    json.push('"');
}
