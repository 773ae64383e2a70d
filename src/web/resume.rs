//! Resume hooks: when the page becomes visible again or the network comes back, a connection that is
//! dead or waiting out a backoff should reconnect now, not after the delay (browser timers are
//! throttled in hidden tabs, so a backoff may have been stretched by minutes). Installed only where
//! `document` / `addEventListener` exist; removed on drop.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub(crate) struct ResumeHooks {
    document: Option<web_sys::EventTarget>,
    global: Option<web_sys::EventTarget>,
    on_visible: Closure<dyn FnMut(JsValue)>,
    on_online: Closure<dyn FnMut(JsValue)>,
}

impl ResumeHooks {
    pub(crate) fn install(resume: Rc<dyn Fn()>) -> Option<ResumeHooks> {
        let global = js_sys::global();
        let target = |value: JsValue| -> Option<web_sys::EventTarget> {
            let add = js_sys::Reflect::get(&value, &"addEventListener".into()).ok()?;
            add.is_function().then(|| value.unchecked_into())
        };
        let document = js_sys::Reflect::get(&global, &"document".into())
            .ok()
            .filter(|d| d.is_object())
            .and_then(target);
        let global_target = target(global.into());
        if document.is_none() && global_target.is_none() {
            return None;
        }
        let visible = resume.clone();
        let doc_for_check = document.clone();
        let on_visible = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let hidden = doc_for_check
                .as_ref()
                .and_then(|d| js_sys::Reflect::get(d, &"hidden".into()).ok())
                .and_then(|h| h.as_bool())
                .unwrap_or(false);
            if !hidden {
                visible();
            }
        });
        let on_online = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| resume());
        if let Some(document) = &document {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
        if let Some(global) = &global_target {
            let _ = global
                .add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        }
        Some(ResumeHooks {
            document,
            global: global_target,
            on_visible,
            on_online,
        })
    }
}

impl Drop for ResumeHooks {
    fn drop(&mut self) {
        if let Some(document) = &self.document {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visible.as_ref().unchecked_ref(),
            );
        }
        if let Some(global) = &self.global {
            let _ = global.remove_event_listener_with_callback(
                "online",
                self.on_online.as_ref().unchecked_ref(),
            );
        }
    }
}
