//! Mini-program sockets: WeChat's `wx.connectSocket`, Douyin's `tt.connectSocket` and uni-app's
//! `uni.connectSocket`, which return a SocketTask instead of a WebSocket. Handlers are registered
//! synchronously right after `connectSocket` (later ones can miss `onOpen`); callbacks are always
//! passed, so uni returns a task rather than a Promise. SocketTasks cannot unregister handlers: ours
//! check a "detached" flag instead, and are plain JS functions the garbage collector frees.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::Headers;
use crate::session::CloseInfo;

use super::{array_buffer, close_info, message_bytes, text, Sink, SocketEvent, Transport};

/// Which mini-program API opens sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    /// WeChat (`wx`).
    Wx,
    /// uni-app (`uni`).
    Uni,
    /// Douyin / Toutiao (`tt`).
    Tt,
}

impl Platform {
    pub(crate) fn global_name(self) -> &'static str {
        match self {
            Platform::Wx => "wx",
            Platform::Uni => "uni",
            Platform::Tt => "tt",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Platform> {
        [Platform::Wx, Platform::Uni, Platform::Tt]
            .into_iter()
            .find(|p| p.global_name() == name)
    }

    /// The first of `wx`, `tt`, `uni` present with a `connectSocket` function.
    pub(crate) fn detect() -> Option<Platform> {
        [Platform::Wx, Platform::Tt, Platform::Uni]
            .into_iter()
            .find(|p| p.api().is_some())
    }

    /// The platform's API object, if it has `connectSocket`.
    pub(crate) fn api(self) -> Option<JsValue> {
        let api = Reflect::get(&js_sys::global(), &self.global_name().into()).ok()?;
        let connect = Reflect::get(&api, &"connectSocket".into()).ok()?;
        connect.is_function().then_some(api)
    }
}

pub(crate) struct MiniProgramSocket {
    task: JsValue,
    detached: Rc<Cell<bool>>,
    platform: Platform,
    on_send_failed: JsValue,
}

/// A one-argument JS function that forwards to `f` until the socket is detached.
fn handler(detached: &Rc<Cell<bool>>, sink: &Sink, f: fn(&Sink, JsValue)) -> JsValue {
    let (detached, sink) = (detached.clone(), sink.clone());
    Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if !detached.get() {
            f(&sink, event)
        }
    })
    .into_js_value()
}

fn call(target: &JsValue, method: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &method.into())?
        .dyn_into()
        .map_err(|_| js_sys::TypeError::new(&format!("SocketTask has no {method}()")))?;
    function.call1(target, argument)
}

fn err_msg(value: &JsValue) -> String {
    Reflect::get(value, &"errMsg".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| super::super::listeners::describe_error(value))
}

impl MiniProgramSocket {
    pub(crate) fn open(
        platform: Platform,
        url: &str,
        protocols: &[&str],
        handshake: &Headers,
        sink: Sink,
    ) -> Result<MiniProgramSocket, JsValue> {
        let api = platform.api().ok_or_else(|| {
            js_sys::TypeError::new(&format!(
                "platform '{}': no {}.connectSocket here",
                platform.global_name(),
                platform.global_name()
            ))
        })?;
        let detached = Rc::new(Cell::new(false));
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
        let name = platform.global_name();
        let fail = {
            let (detached, sink) = (detached.clone(), sink.clone());
            Closure::<dyn FnMut(JsValue)>::new(move |error: JsValue| {
                if !detached.get() {
                    sink(SocketEvent::OpenFailed(format!(
                        "{name}.connectSocket failed: {}",
                        err_msg(&error)
                    )));
                }
            })
            .into_js_value()
        };
        // A callback makes uni return a SocketTask rather than a Promise; `fail` is enough (and no
        // `new Function`: WeChat forbids code generation).
        Reflect::set(&options, &"fail".into(), &fail)?;
        let task = call(&api, "connectSocket", &options)?;
        if !task.is_object() {
            return Err(js_sys::TypeError::new(&format!(
                "{name}.connectSocket did not return a SocketTask"
            ))
            .into());
        }
        call(
            &task,
            "onOpen",
            &handler(&detached, &sink, |sink, _| sink(SocketEvent::Open)),
        )?;
        call(
            &task,
            "onMessage",
            &handler(&detached, &sink, |sink, event| {
                let data = Reflect::get(&event, &"data".into()).unwrap_or_default();
                if let Some(bytes) = message_bytes(&data) {
                    sink(SocketEvent::Message(bytes));
                }
            }),
        )?;
        call(
            &task,
            "onClose",
            &handler(&detached, &sink, |sink, event| {
                sink(SocketEvent::Close(close_info(&event), event))
            }),
        )?;
        call(
            &task,
            "onError",
            &handler(&detached, &sink, |sink, event| {
                let error = js_sys::Error::new(&format!("SocketTask error: {}", err_msg(&event)));
                sink(SocketEvent::Error(error.into()))
            }),
        )?;
        // A SocketTask that cannot send is dead, even if it never reported a close (a frozen app).
        let on_send_failed = handler(&detached, &sink, |sink, error| {
            let info = CloseInfo {
                code: 1006,
                reason: format!("send failed: {}", err_msg(&error)),
                clean: false,
            };
            sink(SocketEvent::Close(info, error))
        });
        Ok(MiniProgramSocket {
            task,
            detached,
            platform,
            on_send_failed,
        })
    }
}

impl Transport for MiniProgramSocket {
    fn send(&self, bytes: &[u8], binary: bool) -> Result<(), JsValue> {
        let data: JsValue = match (binary, text(bytes)) {
            (false, Some(text)) => text.into(),
            _ => array_buffer(bytes).into(),
        };
        let options = Object::new();
        Reflect::set(&options, &"data".into(), &data)?;
        Reflect::set(&options, &"fail".into(), &self.on_send_failed)?;
        call(&self.task, "send", &options).map(|_| ())
    }

    fn close(&mut self) {
        self.detached.set(true);
        let options = Object::new();
        let _ = Reflect::set(&options, &"code".into(), &1000.into());
        let _ = Reflect::set(&options, &"reason".into(), &"client closed".into());
        let _ = call(&self.task, "close", &options);
    }

    fn raw(&self) -> JsValue {
        self.task.clone()
    }
}

impl Drop for MiniProgramSocket {
    fn drop(&mut self) {
        self.detached.set(true);
    }
}

impl std::fmt::Debug for MiniProgramSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} SocketTask", self.platform.global_name())
    }
}
