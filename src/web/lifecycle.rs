//! Mini-program app lifecycle: `onAppHide` / `onAppShow`. About 5 s after an app is hidden its JS is
//! suspended and its sockets die, sometimes without `onClose`; heart-beats cannot survive that, so the
//! client reconnects when the app is shown again. This module only registers the hooks (and removes
//! them with `offAppHide` / `offAppShow` where the platform has them); the client decides what to do.

use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub(crate) struct AppLifecycle {
    api: JsValue,
    on_hide: JsValue,
    on_show: JsValue,
}

fn call(api: &JsValue, method: &str, argument: &JsValue) -> bool {
    match Reflect::get(api, &method.into()).map(|f| f.dyn_into::<Function>()) {
        Ok(Ok(function)) => function.call1(api, argument).is_ok(),
        _ => false,
    }
}

impl AppLifecycle {
    /// Registers the hooks on `api` (`wx`, `uni`, `tt`); `None` when it has no `onAppShow`.
    pub(crate) fn install(
        api: JsValue,
        hide: Rc<dyn Fn()>,
        show: Rc<dyn Fn()>,
    ) -> Option<AppLifecycle> {
        let on_hide = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| hide()).into_js_value();
        let on_show = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| show()).into_js_value();
        if !call(&api, "onAppShow", &on_show) {
            return None;
        }
        call(&api, "onAppHide", &on_hide);
        Some(AppLifecycle {
            api,
            on_hide,
            on_show,
        })
    }
}

impl Drop for AppLifecycle {
    fn drop(&mut self) {
        call(&self.api, "offAppHide", &self.on_hide);
        call(&self.api, "offAppShow", &self.on_show);
    }
}
