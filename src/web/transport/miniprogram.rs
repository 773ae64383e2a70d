//! Mini-program sockets: WeChat's `wx.connectSocket`, Douyin's `tt.connectSocket`, Alipay's
//! `my.connectSocket` and uni-app's `uni.connectSocket`, which return a SocketTask instead of a WebSocket.
//! Handlers are registered synchronously right after `connectSocket` (later ones can miss `onOpen`);
//! callbacks are always passed, so uni returns a task rather than a Promise, and Alipay gets
//! `multiple: true`, without which it opens its one global socket and returns no task. SocketTasks
//! cannot unregister handlers: ours go quiet when detached (see [`Handlers`]).

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, RefCell};

use js_sys::{Array, Object};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::Headers;
use crate::session::CloseInfo;
use crate::text::{concat, find};

use super::{
    call_method, close_info, joined_data, message_data, message_event, Handlers, Sink, SocketEvent,
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
    /// Alipay (`my`): its main thread has no WebAssembly, so the package's engine compiled to JavaScript
    /// runs there.
    My,
}

impl Platform {
    /// The global object the platform's API lives on: `"wx"`, `"uni"`, `"tt"` or `"my"`.
    pub fn global_name(self) -> &'static str {
        match self {
            Platform::Wx => "wx",
            Platform::Uni => "uni",
            Platform::Tt => "tt",
            Platform::My => "my",
        }
    }

    /// The platform named `name` (`"wx"`, `"uni"`, `"tt"`, `"my"`).
    pub fn parse(name: &str) -> Option<Platform> {
        [Platform::Wx, Platform::Uni, Platform::Tt, Platform::My]
            .into_iter()
            .find(|p| p.global_name() == name)
    }

    /// The first of `wx`, `tt`, `my`, `uni` present with a `connectSocket` function (a uni-app build
    /// for a platform has that platform's own object too, and it is the one used).
    pub fn detect() -> Option<Platform> {
        [Platform::Wx, Platform::Tt, Platform::My, Platform::Uni]
            .into_iter()
            .find(|p| p.api().is_some())
    }

    /// The platform's API object, if it has `connectSocket`.
    pub(crate) fn api(self) -> Option<JsValue> {
        let api = crate::web::get(&crate::web::global(), self.global_name()).ok()?;
        let connect = crate::web::get(&api, "connectSocket").ok()?;
        connect.is_function().then_some(api)
    }
}

pub(crate) struct MiniProgramSocket {
    task: JsValue,
    handlers: Handlers,
    on_send_done: JsValue,
    on_send_failed: JsValue,
    /// What `send` was given and has not yet confirmed (`success`/`fail`): SocketTasks have no
    /// `bufferedAmount`, and the confirmations come in order.
    in_flight: Rc<InFlight>,
}

/// Sizes of the messages sent and not yet confirmed, oldest first, and their sum.
#[derive(Default)]
struct InFlight {
    sizes: RefCell<VecDeque<f64>>,
    total: Cell<f64>,
}

impl InFlight {
    fn sent(&self, size: f64) {
        if let Ok(mut sizes) = self.sizes.try_borrow_mut() {
            sizes.push_back(size);
            self.total.set(self.total.get() + size);
        }
    }

    fn confirmed(&self) {
        if let Ok(mut sizes) = self.sizes.try_borrow_mut() {
            if let Some(size) = sizes.pop_front() {
                self.total.set((self.total.get() - size).max(0.0));
            }
        }
    }
}

/// The platform's `errMsg` (Alipay: `errorMessage`), else a description of the value.
fn err_msg(value: &JsValue) -> String {
    ["errMsg", "errorMessage"]
        .into_iter()
        .find_map(|key| crate::web::get(value, key).ok()?.as_string())
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
        crate::web::set(&options, "url", &url.into())?;
        let protocol_list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        crate::web::set(&options, "protocols", &protocol_list)?;
        if platform == Platform::My {
            crate::web::set(&options, "multiple", &JsValue::TRUE)?;
        }
        if !handshake.is_empty() {
            let header = Object::new();
            for (name, value) in handshake.iter() {
                crate::web::set(&header, name, &value.into())?;
            }
            crate::web::set(&options, "header", &header)?;
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
        crate::web::set(&options, "fail", &fail)?;
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
            if let Some(message) = message_event(&event) {
                sink(message);
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
        let in_flight = Rc::new(InFlight::default());
        let done = in_flight.clone();
        let on_send_done =
            Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| done.confirmed()).into_js_value();
        let failed = in_flight.clone();
        let on_send_failed = handlers.make_with(move |sink, error| {
            failed.confirmed();
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
            on_send_done,
            on_send_failed,
            in_flight,
        })
    }

    fn send_data(&self, data: &JsValue, size: f64) -> Result<(), JsValue> {
        let options = Object::new();
        crate::web::set(&options, "data", data)?;
        crate::web::set(&options, "success", &self.on_send_done)?;
        crate::web::set(&options, "fail", &self.on_send_failed)?;
        self.in_flight.sent(size);
        let sent = call_method(&self.task, "send", Some(&options)).map(drop);
        if sent.is_err() {
            self.in_flight.confirmed();
        }
        sent
    }
}

impl Transport for MiniProgramSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        self.send_data(&message_data(bytes, binary)?, bytes.len() as f64)
    }

    fn send_joined(&self, head: &[u8], body: &JsValue, binary: bool) -> Result<(), JsValue> {
        let data = joined_data(head, body, binary)?;
        let size = match binary {
            true => data.unchecked_ref::<js_sys::ArrayBuffer>().byte_length(),
            // UTF-16 units: near enough for pacing (the exact byte count is not needed here).
            false => js_sys::JsString::from(data.clone()).length(),
        };
        self.send_data(&data, f64::from(size))
    }

    fn buffered_amount(&self) -> Option<f64> {
        Some(self.in_flight.total.get())
    }

    fn close(&self, _discard: bool) {
        if self.handlers.detached() {
            return;
        }
        self.handlers.detach();
        let options = Object::new();
        let _ = crate::web::set(&options, "code", &1000.into());
        let _ = crate::web::set(&options, "reason", &"client closed".into());
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
