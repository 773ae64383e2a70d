//! Received frames as plain JS objects: `{command, headers, body, binaryBody, isBinaryBody}`, plus
//! `ack(headers?)` / `nack(headers?)` on a MESSAGE (stompjs's `IMessage` / `IFrame`).
//!
//! Why plain objects and not a wasm-owned class with lazy getters: a wasm-owned object lives until the
//! garbage collector runs its finalizer, and with it everything it holds. Under a busy feed those
//! finalizers lag far behind (measured: 1,000,000 messages of 1 KiB peaked at 760 MB of JS heap and
//! grew wasm memory to 60 MB). A plain object is ordinary garbage, and the frame leaves wasm memory as
//! soon as the object is built, so memory stays flat however many messages arrive.
//!
//! The headers come from one `JSON.parse` of one string: one crossing and one decode instead of two
//! per header. `ack`/`nack` are one shared function per client, bound to the message's ids: no
//! allocation in wasm per message. Property and command names are made once per client.

use std::borrow::Cow;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{Command, Frame, Headers};
use crate::session::AckTarget;

/// Builds the JS objects for received frames. Property names, command names and `bind` are JS values
/// made once per client: each `JsValue::from_str` is a decode with a fixed cost, per message it added up.
pub(crate) struct MessageBuilder {
    keys: [JsValue; 7],
    commands: [JsValue; 4],
    bind: Function,
    /// `(isAck, ids, headers?)`: the client's function `ack`/`nack` are bound to.
    acknowledge: Function,
}

const KEYS: [&str; 7] = [
    "command",
    "headers",
    "isBinaryBody",
    "body",
    "binaryBody",
    "ack",
    "nack",
];
const COMMANDS: [Command; 4] = [
    Command::Message,
    Command::Connected,
    Command::Receipt,
    Command::Error,
];

impl MessageBuilder {
    pub(crate) fn new(acknowledge: Function) -> MessageBuilder {
        let bind = Reflect::get(&acknowledge, &JsValue::from_str("bind"))
            .ok()
            .and_then(|bind| bind.dyn_into::<Function>().ok())
            .unwrap_or_else(|| acknowledge.clone());
        MessageBuilder {
            keys: KEYS.map(JsValue::from_str),
            commands: COMMANDS.map(|c| JsValue::from_str(c.as_str())),
            bind,
            acknowledge,
        }
    }

    /// The JS object for `frame`; a MESSAGE gets `ack`/`nack`.
    pub(crate) fn build(&self, frame: &Frame) -> JsValue {
        let object = Object::new();
        let [command, headers, is_binary, body, binary_body, ack, nack] = &self.keys;
        let set = |key: &JsValue, value: &JsValue| {
            let _ = Reflect::set(&object, key, value);
        };
        let name = match COMMANDS.iter().position(|c| *c == frame.command) {
            Some(at) => self.commands[at].clone(),
            None => JsValue::from_str(frame.command.as_str()),
        };
        set(command, &name);
        set(headers, &headers_object(&frame.headers));
        let text = String::from_utf8_lossy(&frame.body);
        set(
            is_binary,
            &JsValue::from_bool(matches!(text, Cow::Owned(_))),
        );
        set(body, &JsValue::from_str(&text));
        set(binary_body, &Uint8Array::from(frame.body.as_slice()));
        if frame.command == Command::Message {
            let target = AckTarget::of(frame);
            let ids: Array = [
                target
                    .ack
                    .map_or(JsValue::NULL, |ack| JsValue::from_str(&ack)),
                JsValue::from_str(&target.message_id),
                JsValue::from_str(&target.subscription),
            ]
            .into_iter()
            .collect();
            set(ack, &self.bound(true, &ids));
            set(nack, &self.bound(false, &ids));
        }
        object.into()
    }

    /// `acknowledge.bind(null, isAck, ids)`: a plain JS function, collected with the message.
    fn bound(&self, is_ack: bool, ids: &Array) -> JsValue {
        self.bind
            .call3(
                &self.acknowledge,
                &JsValue::NULL,
                &JsValue::from_bool(is_ack),
                ids,
            )
            .unwrap_or(JsValue::UNDEFINED)
    }
}

/// The ids `message_object` bound, back as an [`AckTarget`].
pub(crate) fn ack_target(ids: &JsValue) -> Option<AckTarget> {
    let ids: &Array = ids.dyn_ref()?;
    Some(AckTarget {
        ack: ids.get(0).as_string(),
        message_id: ids.get(1).as_string()?,
        subscription: ids.get(2).as_string()?,
    })
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
