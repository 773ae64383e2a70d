//! The one `debug` hook: every log line goes through it, and costs nothing when it is off (messages
//! are built by closures only when a hook is set). Lines wait in a buffer until the drive loop
//! [`flush`](Debug::flush)es them with no borrow of the client held, so a hook may read the client. Credentials never reach it: `passcode`,
//! `Authorization` and any header named in `redactHeaders` are shown as `[redacted]`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::frame::{Item, Parser};

/// Cheap to clone (the drive loop takes a copy per step): the settings sit behind one `Rc`.
#[derive(Clone, Default)]
pub(crate) struct Debug(Option<Rc<Settings>>);

struct Settings {
    hook: Function,
    raw: bool,
    redact: Vec<String>,
    pending: RefCell<Vec<String>>,
}

impl Debug {
    pub(crate) fn new(hook: Option<Function>, raw: bool, extra: &[String]) -> Debug {
        Debug(hook.map(|hook| {
            let mut redact = vec!["passcode".to_owned(), "authorization".to_owned()];
            redact.extend(extra.iter().map(|name| name.to_ascii_lowercase()));
            Rc::new(Settings {
                hook,
                raw,
                redact,
                pending: RefCell::new(Vec::new()),
            })
        }))
    }

    pub(crate) fn enabled(&self) -> bool {
        self.0.is_some()
    }

    /// Queues the message `make` builds, if a hook is set.
    pub(crate) fn log(&self, make: impl FnOnce() -> String) {
        if let Some(settings) = &self.0 {
            settings.pending.borrow_mut().push(make());
        }
    }

    /// Calls the hook with every queued message. A throwing hook is ignored.
    pub(crate) fn flush(&self) {
        let Some(settings) = &self.0 else { return };
        let lines = std::mem::take(&mut *settings.pending.borrow_mut());
        for line in lines {
            let _ = settings
                .hook
                .call1(&JsValue::UNDEFINED, &JsValue::from_str(&line));
        }
    }

    pub(crate) fn frame_out(&self, bytes: &[u8]) {
        if self.enabled() {
            self.log(|| format!(">>> {}", self.describe(bytes)));
        }
    }

    pub(crate) fn frame_in(&self, bytes: &[u8]) {
        if self.enabled() {
            self.log(|| format!("<<< {}", self.describe(bytes)));
        }
    }

    /// A frame's command and headers (redacted), plus its body when `logRawCommunication` is on.
    fn describe(&self, bytes: &[u8]) -> String {
        let Some(settings) = &self.0 else {
            return String::new();
        };
        if bytes.iter().all(|&b| b == b'\n' || b == b'\r') {
            return "heart-beat".to_owned();
        }
        let mut parser = Parser::new().follow_connected(false);
        let _ = parser.push(bytes);
        let mut lines = Vec::new();
        while let Some(item) = parser.next_item() {
            let Item::Frame(frame) = item else { continue };
            let mut line = frame.command.as_str().to_owned();
            for (name, value) in frame.headers.iter() {
                let shown = if settings.redact.contains(&name.to_ascii_lowercase()) {
                    "[redacted]"
                } else {
                    value
                };
                line.push_str(&format!(" {name}:{shown}"));
            }
            line.push_str(&format!(" ({} body bytes)", frame.body.len()));
            if settings.raw {
                line.push('\n');
                line.push_str(&String::from_utf8_lossy(&frame.body));
            }
            lines.push(line);
        }
        if lines.is_empty() {
            return format!("{} bytes (partial frame)", bytes.len());
        }
        lines.join("\n")
    }
}
