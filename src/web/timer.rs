//! The client's one deadline timer, driven by the session's `poll_timeout`: one pending timeout at a
//! time instead of a pile of intervals. Two strategies, as stompjs's `heartbeatStrategy`: `setTimeout`
//! on this thread, or a Blob Web Worker whose timers background tabs do not throttle (Chrome clamps a
//! hidden page's chained timers to about once a minute). Without Worker or Blob URLs (CSP, Node,
//! mini-programs) the worker strategy falls back to `setTimeout`, and says so through `debug`.

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::options::TickerStrategy;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout, catch)]
    fn set_timeout(callback: &Function, delay: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

const WORKER_SOURCE: &str = "let t;onmessage=function(e){clearTimeout(t);if(e.data>=0)t=setTimeout(function(){postMessage(0)},e.data)}";

/// Fires `on_fire` once at the deadline last given to [`schedule`](DeadlineTimer::schedule).
pub(crate) struct DeadlineTimer {
    fire: Closure<dyn FnMut(JsValue)>,
    backend: Backend,
    /// The deadline the pending timeout fires at, in the client's clock.
    armed_for: Option<u64>,
}

enum Backend {
    Timeout(Option<JsValue>),
    Worker(web_sys::Worker),
}

impl DeadlineTimer {
    /// A timer with the given strategy; `note` receives a message when the worker strategy falls back.
    pub(crate) fn new(
        strategy: TickerStrategy,
        on_fire: Rc<dyn Fn()>,
        note: &dyn Fn(&str),
    ) -> DeadlineTimer {
        let fire = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| on_fire());
        let backend = match strategy {
            TickerStrategy::Interval => Backend::Timeout(None),
            TickerStrategy::Worker => match start_worker(&fire) {
                Ok(worker) => Backend::Worker(worker),
                Err(reason) => {
                    note(&format!(
                        "heartbeatStrategy 'worker' unavailable ({reason}); using 'interval'"
                    ));
                    Backend::Timeout(None)
                }
            },
        };
        DeadlineTimer {
            fire,
            backend,
            armed_for: None,
        }
    }

    /// Arms the timer for `deadline` (or disarms it for `None`). A later deadline than the armed one
    /// keeps the armed timeout: firing early is harmless, and re-arming on every received message
    /// would cost a clearTimeout/setTimeout pair per frame.
    pub(crate) fn schedule(&mut self, deadline: Option<u64>, now: u64) {
        match (deadline, self.armed_for) {
            (None, None) => {}
            (None, Some(_)) => self.cancel(),
            (Some(at), Some(armed)) if armed <= at && armed >= now => {}
            (Some(at), _) => {
                self.cancel();
                let delay = at.saturating_sub(now) as f64;
                let armed = match &mut self.backend {
                    Backend::Timeout(handle) => {
                        *handle = set_timeout(self.fire.as_ref().unchecked_ref(), delay).ok();
                        handle.is_some()
                    }
                    Backend::Worker(worker) => worker.post_message(&delay.into()).is_ok(),
                };
                self.armed_for = armed.then_some(at);
            }
        }
    }

    /// The deadline has fired: nothing is armed any more.
    pub(crate) fn fired(&mut self) {
        self.armed_for = None;
        if let Backend::Timeout(handle) = &mut self.backend {
            *handle = None;
        }
    }

    fn cancel(&mut self) {
        self.armed_for = None;
        match &mut self.backend {
            Backend::Timeout(handle) => {
                if let Some(handle) = handle.take() {
                    clear_timeout(&handle);
                }
            }
            Backend::Worker(worker) => {
                let _ = worker.post_message(&(-1.0).into());
            }
        }
    }

    /// Whether the timer runs in a Web Worker.
    pub(crate) fn uses_worker(&self) -> bool {
        matches!(self.backend, Backend::Worker(_))
    }
}

impl Drop for DeadlineTimer {
    fn drop(&mut self) {
        self.cancel();
        if let Backend::Worker(worker) = &self.backend {
            worker.set_onmessage(None);
            worker.terminate();
        }
    }
}

fn start_worker(fire: &Closure<dyn FnMut(JsValue)>) -> Result<web_sys::Worker, String> {
    let global = js_sys::global();
    for name in ["Worker", "Blob", "URL"] {
        let present = js_sys::Reflect::get(&global, &name.into())
            .map(|v| v.is_function())
            .unwrap_or(false);
        if !present {
            return Err(format!("no {name}"));
        }
    }
    let parts: js_sys::Array = std::iter::once(JsValue::from_str(WORKER_SOURCE)).collect();
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let describe = |e: JsValue| super::listeners::describe_error(&e);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let worker = web_sys::Worker::new(&url).map_err(describe);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker?;
    worker.set_onmessage(Some(fire.as_ref().unchecked_ref()));
    Ok(worker)
}
