//! The driver's debug log: every line goes to the owner's `Notice::Debug`, and costs nothing when the
//! log is off (lines are built by closures only when it is on). Frames are shown as stompjs shows them
//! (`>>> ` and the head as written; the body too with `logRawCommunication`; `>>> PING`/`<<< PONG`
//! for heart-beats). Credentials never reach it: the values of `passcode`, `Authorization` and any
//! header named in the redaction list are shown as `[redacted]`, and a URL's user-info and query
//! values as `***`. Built without `core::fmt`, which the shipped wasm does not carry.

use alloc::string::String;
use alloc::vec::Vec;

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

    /// An outgoing frame as stompjs logs it: `>>> ` and the frame's head as written (command, header
    /// lines, blank line), the body and NUL too with `raw` (stompjs's `logRawCommunication`); a
    /// heart-beat as `>>> PING`. Secret header values are replaced.
    pub(crate) fn frame_out(&mut self, bytes: &[u8]) {
        if !self.config.enabled {
            return;
        }
        if is_heartbeat(bytes) {
            self.lines.push(String::from(">>> PING"));
            return;
        }
        let mut line = String::from(">>> ");
        let head = head_len(bytes);
        self.push_head(&mut line, bytes.get(..head).unwrap_or_default());
        if self.config.raw {
            // A binary body as text where it is UTF-8 (stompjs shows `[object ArrayBuffer]`).
            push_lossy(&mut line, bytes.get(head..).unwrap_or_default());
        }
        self.lines.push(line);
    }

    /// A SEND head whose body is joined on the JS side: logged as its head (the raw log never takes
    /// this path: it shows bodies).
    pub(crate) fn head_out(&mut self, head: &[u8], _body: &JsValue) {
        if self.config.enabled {
            let mut line = String::from(">>> ");
            self.push_head(&mut line, head);
            self.lines.push(line);
        }
    }

    /// An incoming message as stompjs logs it: with `raw`, `<<< ` and the message's text; else one
    /// `<<< ` line per frame with its head; a message of EOLs only as `<<< PONG`.
    pub(crate) fn frame_in(&mut self, bytes: &[u8]) {
        if !self.config.enabled {
            return;
        }
        if is_heartbeat(bytes) {
            self.lines.push(String::from("<<< PONG"));
            return;
        }
        if self.config.raw {
            let mut line = String::from("<<< ");
            let mut text = String::new();
            push_lossy(&mut text, bytes);
            self.push_head(&mut line, text.as_bytes());
            self.lines.push(line);
            return;
        }
        let mut parser = Parser::new().follow_connected(false);
        let _ = parser.push(bytes);
        let mut frames = 0;
        while let Some(item) = parser.next_item() {
            let Item::Frame(frame) = item else { continue };
            frames += 1;
            let mut line = String::from("<<< ");
            line.push_str(frame.command.as_str());
            line.push('\n');
            for (name, value) in frame.headers.iter() {
                self.push_header(&mut line, name, value);
                line.push('\n');
            }
            line.push('\n');
            self.lines.push(line);
        }
        if frames == 0 {
            let mut line = String::from("<<< ");
            push_decimal(&mut line, bytes.len() as u64);
            line.push_str(" bytes (part of a frame)");
            self.lines.push(line);
        }
    }

    /// `name:value`, the value replaced when the header is a secret or the user asked for it.
    fn push_header(&self, line: &mut String, name: &str, value: &str) {
        line.push_str(name);
        line.push(':');
        line.push_str(if self.redacted(name) {
            "[redacted]"
        } else {
            value
        });
    }

    /// Text lines (a frame's head, or more), each `name:value` line with a secret name redacted.
    fn push_head(&self, line: &mut String, head: &[u8]) {
        let text = core::str::from_utf8(head).unwrap_or("");
        let mut first = true;
        for part in split(text, b'\n') {
            if !first {
                line.push('\n');
            }
            match part.bytes().position(|b| b == b':') {
                Some(colon) if !first => {
                    let name = part.get(..colon).unwrap_or("");
                    self.push_header(line, name, part.get(colon + 1..).unwrap_or(""));
                }
                _ => line.push_str(part),
            }
            first = false;
        }
    }

    fn redacted(&self, name: &str) -> bool {
        crate::session::is_secret_header(name)
            || self
                .config
                .redact_headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
    }
}

/// A message of EOLs only: heart-beats.
fn is_heartbeat(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\n' || b == b'\r')
}

/// The length of a frame's head up to and including its blank line (all of it if there is none).
fn head_len(bytes: &[u8]) -> usize {
    bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(bytes.len(), |at| at + 2)
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
            if let Some(text) = crate::web::get(value, key).ok().and_then(|v| v.as_string()) {
                return text;
            }
        }
    }
    js_string(value).unwrap_or_else(|_| String::from("(an exception that cannot be shown)"))
}
