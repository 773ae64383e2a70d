//! Mini-program sockets: WeChat's `wx.connectSocket`, Douyin's `tt.connectSocket` and uni-app's
//! `uni.connectSocket`, which return a SocketTask instead of a WebSocket. Handlers are registered
//! synchronously right after `connectSocket` (later ones can miss `onOpen`); callbacks are always
//! passed, so uni returns a task rather than a Promise. SocketTasks cannot unregister handlers: ours
//! go quiet when detached (see [`Handlers`]).

use alloc::string::String;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::frame::Headers;
use crate::session::CloseInfo;
use crate::text::{concat, find};

use super::{
    array_buffer, call_method, close_info, event_bytes, joined, text, Handlers, Sink, SocketEvent,
    Transport,
};

/// Which mini-program API opens sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// WeChat (`wx`).
    Wx,
    /// uni-app (`uni`).
    Uni,
    /// Douyin / Toutiao (`tt`).
    Tt,
}

impl Platform {
    /// The global object the platform's API lives on: `"wx"`, `"uni"` or `"tt"`.
    pub fn global_name(self) -> &'static str {
        match self {
            Platform::Wx => "wx",
            Platform::Uni => "uni",
            Platform::Tt => "tt",
        }
    }

    /// The platform named `name` (`"wx"`, `"uni"`, `"tt"`).
    pub fn parse(name: &str) -> Option<Platform> {
        [Platform::Wx, Platform::Uni, Platform::Tt]
            .into_iter()
            .find(|p| p.global_name() == name)
    }

    /// The first of `wx`, `tt`, `uni` present with a `connectSocket` function.
    pub fn detect() -> Option<Platform> {
        [Platform::Wx, Platform::Tt, Platform::Uni]
            .into_iter()
            .find(|p| p.api().is_some())
    }

    /// The platform's API object, if it has `connectSocket`.
    pub(crate) fn api(self) -> Option<JsValue> {
        let api = Reflect::get(&js_sys::global(), &JsValue::from_str(self.global_name())).ok()?;
        let connect = Reflect::get(&api, &"connectSocket".into()).ok()?;
        connect.is_function().then_some(api)
    }
}

pub(crate) struct MiniProgramSocket {
    task: JsValue,
    handlers: Handlers,
    on_send_failed: JsValue,
}

/// The platform's `errMsg`, else a description of the value.
fn err_msg(value: &JsValue) -> String {
    Reflect::get(value, &"errMsg".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| crate::web::debug::describe_js(value))
}

impl MiniProgramSocket {
    pub(crate) fn open(
        platform: Platform,
        url: &str,
        protocols: &[&str],
        handshake: &Headers,
        sink: Sink,
    ) -> Result<MiniProgramSocket, JsValue> {
        let name = platform.global_name();
        let api = platform.api().ok_or_else(|| {
            JsValue::from(js_sys::TypeError::new(&concat(&[
                "platform '",
                name,
                "': no ",
                name,
                ".connectSocket here",
            ])))
        })?;
        let handlers = Handlers::new(sink);
        let options = Object::new();
        Reflect::set(&options, &"url".into(), &url.into())?;
        let protocol_list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        Reflect::set(&options, &"protocols".into(), &protocol_list)?;
        if !handshake.is_empty() {
            let header = Object::new();
            for (name, value) in handshake.iter() {
                Reflect::set(&header, &name.into(), &value.into())?;
            }
            Reflect::set(&options, &"header".into(), &header)?;
        }
        // A callback makes uni return a SocketTask rather than a Promise; `fail` is enough (and no
        // `new Function`: WeChat forbids code generation).
        let fail = handlers.make_with(move |sink, error| {
            let detail = err_msg(&error);
            let suspended = find(&detail, "suspend").is_some();
            sink(SocketEvent::OpenFailed {
                message: concat(&[name, ".connectSocket failed: ", &detail]),
                suspended,
            })
        });
        Reflect::set(&options, &"fail".into(), &fail)?;
        let task = call_method(&api, "connectSocket", Some(&options))?;
        if !task.is_object() {
            return Err(js_sys::TypeError::new(&concat(&[
                name,
                ".connectSocket did not return a SocketTask",
            ]))
            .into());
        }
        let register = |method: &str, f: fn(&Sink, JsValue)| {
            call_method(&task, method, Some(&handlers.make(f))).map(drop)
        };
        register("onOpen", |sink, _| sink(SocketEvent::Open))?;
        register("onMessage", |sink, event| {
            if let Some(bytes) = event_bytes(&event) {
                sink(SocketEvent::Message(bytes));
            }
        })?;
        register("onClose", |sink, event| {
            sink(SocketEvent::Close(close_info(&event), event))
        })?;
        register("onError", |sink, event| {
            let message = concat(&["SocketTask error: ", &err_msg(&event)]);
            sink(SocketEvent::Error(message, event))
        })?;
        // A SocketTask that cannot send is dead, even if it never reported a close (a frozen app).
        let on_send_failed = handlers.make(|sink, error| {
            let info = CloseInfo {
                code: 1006,
                reason: concat(&["send failed: ", &err_msg(&error)]),
                clean: false,
            };
            sink(SocketEvent::Close(info, error))
        });
        Ok(MiniProgramSocket {
            task,
            handlers,
            on_send_failed,
        })
    }

    fn send_data(&self, data: &JsValue) -> Result<(), JsValue> {
        let options = Object::new();
        Reflect::set(&options, &"data".into(), data)?;
        Reflect::set(&options, &"fail".into(), &self.on_send_failed)?;
        call_method(&self.task, "send", Some(&options)).map(drop)
    }
}

impl Transport for MiniProgramSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        let data: JsValue = match (binary, text(bytes)) {
            (false, Some(text)) => text.into(),
            _ => array_buffer(bytes).into(),
        };
        self.send_data(&data)
    }

    fn send_joined(&self, head: &str, body: &JsValue) -> Result<(), JsValue> {
        self.send_data(&joined(head, body))
    }

    fn close(&self, _discard: bool) {
        if self.handlers.detached() {
            return;
        }
        self.handlers.detach();
        let options = Object::new();
        let _ = Reflect::set(&options, &"code".into(), &1000.into());
        let _ = Reflect::set(&options, &"reason".into(), &"client closed".into());
        let _ = call_method(&self.task, "close", Some(&options));
    }

    fn raw(&self) -> JsValue {
        self.task.clone()
    }
}

impl Drop for MiniProgramSocket {
    fn drop(&mut self) {
        self.close(false);
    }
}
