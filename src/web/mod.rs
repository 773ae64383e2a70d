//! The browser and mini-program layer (wasm32 only), in two parts:
//!
//! - the **driver** ([`Driver`]): runs the session with a real socket, timer and page/app hooks; Rust
//!   types in and out — what Rust front ends use, and what the JS edge delegates to;
//! - the **JS edge** (feature `js`): `ClientCore`, the wasm half of the npm package's `Client`, whose JS
//!   half (`src/web/edge/*.js`) owns the stompjs surface.
//!
//! No STOMP rule is decided here; if one is, it belongs in [`crate::session`].

mod clock;
pub(crate) mod debug;
pub mod driver;
#[cfg(feature = "js")]
mod edge;
mod hooks;
pub(crate) mod random;
mod timer;
pub mod transport;

use wasm_bindgen::JsValue;

pub use debug::DebugConfig;

#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function global_object() { return typeof globalThis === 'object' && globalThis ? globalThis : typeof self === 'object' && self ? self : typeof window === 'object' && window ? window : global; }"
)]
extern "C" {
    /// The global object (`globalThis`, else `self`, `window`, `global`): `js_sys::global()`'s answer
    /// in one import instead of four static accessors and a lazy cell.
    #[wasm_bindgen(js_name = global_object)]
    fn global_object() -> js_sys::Object;
}

/// The global object.
pub(crate) fn global() -> js_sys::Object {
    global_object()
}

#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function get_property(o, k) { return Reflect.get(o, k); }
export function set_property(o, k, v) { Reflect.set(o, k, v); }"
)]
extern "C" {
    /// `Reflect.get(object, key)`, the key passed as text (no key object made and dropped per call).
    #[wasm_bindgen(catch, js_name = get_property)]
    pub(crate) fn get(object: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    /// `Reflect.set(object, key, value)`, the key passed as text.
    #[wasm_bindgen(catch, js_name = set_property)]
    pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue>;
}
pub use driver::{Driver, DriverConfig, DriverError, Handler, Notice, SocketKind};
pub use timer::TimerStrategy;
pub use transport::Platform;
