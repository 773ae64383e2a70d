//! The driver's debug log: every line goes to the owner's `Notice::Debug`, and costs nothing when the
//! log is off (lines are built by closures only when it is on). Credentials never reach it: the values
//! of `passcode`, `Authorization` and any header named in the redaction list are shown as
//! `[redacted]`, and so are a URL's user-info and query values. Built without `core::fmt`, which the
//! shipped wasm does not carry.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::Reflect;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::push_decimal;
use crate::frame::{Item, Parser};
use crate::text::{concat, split};

/// What the log shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebugConfig {
    /// Whether the driver produces debug lines at all.
    pub enabled: bool,
    /// Also show frame bodies (stompjs's `logRawCommunication`).
    pub raw: bool,
    /// Header names whose values are never shown, beyond `passcode` and `Authorization`.
    pub redact_headers: Vec<String>,
}

#[derive(Default)]
pub(crate) struct DebugLog {
    config: DebugConfig,
    lines: Vec<String>,
}

impl DebugLog {
    pub(crate) fn configure(&mut self, config: DebugConfig) {
        self.config = config;
    }

    /// Queues the line `make` builds, if the log is on.
    pub(crate) fn log(&mut self, make: impl FnOnce() -> String) {
        if self.config.enabled {
            self.lines.push(make());
        }
    }

    /// Queues `parts` joined, if the log is on.
    pub(crate) fn say(&mut self, parts: &[&str]) {
        self.log(|| concat(parts));
    }

    /// The lines queued so far.
    pub(crate) fn take(&mut self) -> Vec<String> {
        core::mem::take(&mut self.lines)
    }

    pub(crate) fn frame_out(&mut self, bytes: &[u8]) {
        if self.config.enabled {
            let line = self.describe(">>> ", bytes);
            self.lines.push(line);
        }
    }

    /// A SEND head whose body is joined on the JS side (its `content-length` says how long it is).
    pub(crate) fn head_out(&mut self, head: &[u8]) {
        if !self.config.enabled {
            return;
        }
        let text = core::str::from_utf8(head).unwrap_or("");
        let mut lines = split(text, b'\n').filter(|line| !line.is_empty());
        let mut line = String::from(">>> ");
        line.push_str(lines.next().unwrap_or(""));
        let mut body = "0";
        for header in lines {
            let (name, value) = match header.bytes().position(|b| b == b':') {
                Some(colon) => (
                    header.get(..colon).unwrap_or(""),
                    header.get(colon + 1..).unwrap_or(""),
                ),
                None => (header, ""),
            };
            if name == "content-length" {
                body = value;
            }
            self.push_header(&mut line, name, value);
        }
        line.push_str(" (");
        line.push_str(body);
        line.push_str(" body bytes)");
        self.lines.push(line);
    }

    pub(crate) fn frame_in(&mut self, bytes: &[u8]) {
        if self.config.enabled {
            let line = self.describe("<<< ", bytes);
            self.lines.push(line);
        }
    }

    /// ` name:value`, the value replaced when the header is a secret or the user asked for it.
    fn push_header(&self, line: &mut String, name: &str, value: &str) {
        line.push(' ');
        line.push_str(name);
        line.push(':');
        line.push_str(if self.redacted(name) {
            "[redacted]"
        } else {
            value
        });
    }

    fn redacted(&self, name: &str) -> bool {
        crate::session::is_secret_header(name)
            || self
                .config
                .redact_headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
    }

    /// A frame's command and headers (redacted), plus its body when `raw` is on.
    fn describe(&self, prefix: &str, bytes: &[u8]) -> String {
        let mut line = String::from(prefix);
        if bytes.iter().all(|&b| b == b'\n' || b == b'\r') {
            line.push_str("heart-beat");
            return line;
        }
        let mut parser = Parser::new().follow_connected(false);
        let _ = parser.push(bytes);
        let mut frames = 0;
        while let Some(item) = parser.next_item() {
            let Item::Frame(frame) = item else { continue };
            if frames > 0 {
                line.push('\n');
            }
            frames += 1;
            line.push_str(frame.command.as_str());
            for (name, value) in frame.headers.iter() {
                self.push_header(&mut line, name, value);
            }
            line.push_str(" (");
            push_decimal(&mut line, frame.body.len() as u64);
            line.push_str(" body bytes)");
            if self.config.raw {
                line.push('\n');
                push_lossy(&mut line, &frame.body);
            }
        }
        if frames == 0 {
            push_decimal(&mut line, bytes.len() as u64);
            line.push_str(" bytes (partial frame)");
        }
        line
    }
}

/// Appends `bytes` as `String::from_utf8_lossy` shows them (each invalid sequence one U+FFFD),
/// without its `Utf8Chunks` iterator (0.5 KB of wasm for a debug line).
fn push_lossy(out: &mut String, mut bytes: &[u8]) {
    loop {
        match core::str::from_utf8(bytes) {
            Ok(text) => return out.push_str(text),
            Err(error) => {
                let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
                out.push_str(core::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                let skip = error.valid_up_to() + error.error_len().unwrap_or(bytes.len());
                bytes = bytes.get(skip..).unwrap_or_default();
            }
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// A readable one-line description of a thrown JS value (an Error's `name: message`).
pub(crate) fn describe_js(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return error.to_string().into();
    }
    if let Some(text) = value.as_string() {
        return text;
    }
    if value.is_object() {
        for key in ["message", "errMsg", "type"] {
            if let Some(text) = Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
            {
                return text;
            }
        }
    }
    js_string(value).unwrap_or_else(|_| String::from("(an exception that cannot be shown)"))
}
