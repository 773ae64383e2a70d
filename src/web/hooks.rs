//! Page and app hooks, installed while the driver wants to be connected and removed after:
//! - resume: when the page becomes visible again (`visibilitychange`) or the network comes back
//!   (`online`), a connection that is dead or waiting out a backoff should reconnect now, not after the
//!   delay (browser timers are throttled in hidden tabs, so a backoff may have been stretched);
//! - app lifecycle (mini-programs): `onAppHide` / `onAppShow`, which the session turns into its
//!   suspension rule.
//!
//! This module only registers and removes listeners; what they mean is the session's business.

use alloc::rc::Rc;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// What a hook reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    /// The page became visible, or the network came back.
    Resume,
    /// The mini-program app went to the background.
    AppHide,
    /// The mini-program app came back.
    AppShow,
}

/// Listeners registered on the page and on a mini-program API; removed on drop.
pub(crate) struct Hooks {
    document: Option<web_sys::EventTarget>,
    global: Option<web_sys::EventTarget>,
    on_visible: JsValue,
    on_online: JsValue,
    app: Option<(JsValue, JsValue, JsValue)>,
}

fn event_target(value: JsValue) -> Option<web_sys::EventTarget> {
    let add = crate::web::get(&value, "addEventListener").ok()?;
    add.is_function().then(|| value.unchecked_into())
}

fn call(api: &JsValue, method: &str, argument: &JsValue) -> bool {
    match crate::web::get(api, method).map(|f| f.dyn_into::<Function>()) {
        Ok(Ok(function)) => function.call1(api, argument).is_ok(),
        _ => false,
    }
}

impl Hooks {
    /// Registers the resume hooks when `resume`, and the app hooks on `app_api` (`wx`, `uni`, `tt`)
    /// when given.
    pub(crate) fn install(
        resume: bool,
        app_api: Option<JsValue>,
        report: Rc<dyn Fn(Hook)>,
    ) -> Hooks {
        let make = |hook: Hook| -> JsValue {
            let report = report.clone();
            Closure::<dyn FnMut()>::new(move || report(hook)).into_js_value()
        };
        let global = crate::web::global();
        let document = crate::web::get(&global, "document")
            .ok()
            .filter(|d| d.is_object())
            .and_then(event_target)
            .filter(|_| resume);
        let global_target = event_target(global.into()).filter(|_| resume);
        let on_visible = {
            let (report, document) = (report.clone(), document.clone());
            Closure::<dyn FnMut()>::new(move || {
                let hidden = document
                    .as_ref()
                    .and_then(|d| crate::web::get(d, "hidden").ok())
                    .and_then(|h| h.as_bool())
                    .unwrap_or(false);
                if !hidden {
                    report(Hook::Resume);
                }
            })
            .into_js_value()
        };
        let on_online = make(Hook::Resume);
        if let Some(document) = &document {
            let _ = document
                .add_event_listener_with_callback("visibilitychange", on_visible.unchecked_ref());
        }
        if let Some(global) = &global_target {
            let _ = global.add_event_listener_with_callback("online", on_online.unchecked_ref());
        }
        let app = app_api.and_then(|api| {
            let (on_hide, on_show) = (make(Hook::AppHide), make(Hook::AppShow));
            if !call(&api, "onAppShow", &on_show) {
                return None;
            }
            call(&api, "onAppHide", &on_hide);
            Some((api, on_hide, on_show))
        });
        Hooks {
            document,
            global: global_target,
            on_visible,
            on_online,
            app,
        }
    }
}

impl Drop for Hooks {
    fn drop(&mut self) {
        if let Some(document) = &self.document {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visible.unchecked_ref(),
            );
        }
        if let Some(global) = &self.global {
            let _ = global
                .remove_event_listener_with_callback("online", self.on_online.unchecked_ref());
        }
        if let Some((api, on_hide, on_show)) = &self.app {
            call(api, "offAppHide", on_hide);
            call(api, "offAppShow", on_show);
        }
    }
}
