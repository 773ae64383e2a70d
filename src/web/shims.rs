//! The few JS functions the driver needs that web-sys and js-sys do not give in one call, written in
//! JS and imported from one inline module.
//!
//! One module, not one per caller: wasm-bindgen makes every `inline_js` a file of its own, which a page
//! loads as a separate request. Six of them made the headless-browser test pages fetch six modules at
//! once, more connections than the test runner's HTTP server (tiny_http 0.12) serves without losing one:
//! its thread pool can leave a new connection queued behind keep-alive ones, and the page never loads
//! (`wasm-pack test --headless` then fails after 300 s with "Failed to detect test as having been run").
//! For the package it changes nothing: `scripts/bundle.mjs` folds the glue into one file either way.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export function soon(f) { if (typeof Promise === 'function') Promise.resolve().then(f); else setTimeout(f, 0); }
export function global_object() { return typeof globalThis === 'object' && globalThis ? globalThis : typeof self === 'object' && self ? self : typeof window === 'object' && window ? window : global; }
export function get_property(o, k) { return Reflect.get(o, k); }
export function set_property(o, k, v) { Reflect.set(o, k, v); }
export function new_web_socket(u, p) { return new WebSocket(u, p ? p.split(',') : []); }
let d = null; export function text_of(v) { if (d === null) d = new TextDecoder(); return d.decode(v); }
export function joined(h, b) { return h + b + '\\0'; }
export function joined_bytes(h, b) { const f = new Uint8Array(h.length + b.length + 1); f.set(h); f.set(b, h.length); return f.buffer; }
")]
extern "C" {
    /// Calls `f` once, as soon as the current JS task is done (a microtask where there are Promises).
    #[wasm_bindgen(catch)]
    pub(crate) fn soon(f: &Function) -> Result<(), JsValue>;

    /// The global object (`globalThis`, else `self`, `window`, `global`): `js_sys::global()`'s answer
    /// in one import instead of four static accessors and a lazy cell.
    pub(crate) fn global_object() -> js_sys::Object;

    /// `Reflect.get(object, key)`, the key passed as text (no key object made and dropped per call).
    #[wasm_bindgen(catch, js_name = get_property)]
    pub(crate) fn get(object: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    /// `Reflect.set(object, key, value)`, the key passed as text.
    #[wasm_bindgen(catch, js_name = set_property)]
    pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue>;

    /// `new WebSocket(url, protocols)`, the protocols comma-separated (none of them has a comma).
    #[wasm_bindgen(catch)]
    pub(crate) fn new_web_socket(url: &str, protocols: &str) -> Result<JsValue, JsValue>;

    /// A text frame's bytes as a JS string, decoded once on the JS side: the session already knows
    /// they are UTF-8 (a body that is not goes as a binary frame), so there is no check here.
    /// `catch`: like the joins below, it allocates on the JS side, and an exception thrown through
    /// wasm (out of memory, a string past the engine's limit) would leave the driver mid-step.
    #[wasm_bindgen(catch)]
    pub(crate) fn text_of(bytes: &[u8]) -> Result<JsValue, JsValue>;

    /// A text frame `head + body + NUL` as one JS string, built on the JS side in one call.
    #[wasm_bindgen(catch)]
    pub(crate) fn joined(head: &str, body: &JsValue) -> Result<JsValue, JsValue>;
    /// A binary frame `head + body + NUL` as one `ArrayBuffer`: the `Uint8Array` body is copied
    /// once, as stompjs copies it, and never into wasm (`head` is a view of wasm memory).
    #[wasm_bindgen(catch)]
    pub(crate) fn joined_bytes(head: &[u8], body: &JsValue) -> Result<JsValue, JsValue>;
}
