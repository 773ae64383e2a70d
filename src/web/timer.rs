//! The driver's one deadline timer, driven by the session's `poll_timeout`: one pending timeout at a
//! time instead of a pile of intervals. Two strategies, as stompjs's `heartbeatStrategy`: `setTimeout`
//! on this thread, or a Blob Web Worker whose timers background tabs do not throttle (Chrome clamps a
//! hidden page's chained timers to about once a minute).
//!
//! The worker can fail where the driver cannot see it at once: a Content-Security-Policy without
//! `worker-src blob:` makes Chromium refuse it asynchronously. So the worker must prove itself: it
//! answers a first ping, and until it has, a watchdog on this thread waits; its `error` event or a
//! silent watchdog switches the timer to `setTimeout` (said through the driver's debug log), and the
//! pending deadline is re-armed there. Without Worker or Blob URLs at all (Node, mini-programs) the
//! worker strategy starts as `setTimeout`.
//!
//! `setTimeout` takes a signed 32-bit delay: longer ones wrap and fire at once, so a far deadline (a
//! broker's `heart-beat:0,3000000000`, a huge `receiptTimeout`) is armed at most 2^31−1 ms ahead and
//! re-armed when that fires.

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::Cell;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout, catch)]
    fn set_timeout(callback: &Function, delay: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearTimeout, catch)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
}

/// Calls `callback` once, `delay` ms from now (on this thread); whether it could be armed.
pub(crate) fn after(delay: f64, callback: &Function) -> bool {
    set_timeout(callback, delay).is_ok()
}

/// The longest delay `setTimeout` takes without wrapping.
pub(crate) const MAX_DELAY: u64 = 2_147_483_647;

/// How long a new worker has to answer its first ping before the timer gives up on it.
const WORKER_PROOF: f64 = 2_000.0;

const WORKER_SOURCE: &str = "var t;postMessage(0);onmessage=function(e){clearTimeout(t);if(e.data>=0)t=setTimeout(function(){postMessage(0)},e.data)}";

/// How the timer fires (stompjs's `TickerStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimerStrategy {
    /// `setTimeout` on the current thread.
    #[default]
    Interval,
    /// A Blob Web Worker's `setTimeout`, which background tabs do not throttle.
    Worker,
}

/// Fires `on_fire` at (or after) the deadline last given to [`schedule`](DeadlineTimer::schedule).
pub(crate) struct DeadlineTimer {
    fire: Function,
    backend: Backend,
    /// The deadline the pending timeout fires at, on the driver's clock.
    armed_for: Option<u64>,
    /// Why the worker was given up, once, for the debug log.
    note: Option<String>,
}

enum Backend {
    Timeout(Option<JsValue>),
    Worker(WorkerTimer),
}

struct WorkerTimer {
    worker: web_sys::Worker,
    /// Set by its `error` event, or by the watchdog when its first message never came.
    failed: Rc<Cell<bool>>,
    _keep: [JsValue; 2],
}

impl DeadlineTimer {
    /// A timer with the given strategy.
    pub(crate) fn new(strategy: TimerStrategy, on_fire: Rc<dyn Fn()>) -> DeadlineTimer {
        let fire: Function = Closure::<dyn FnMut()>::new(move || on_fire())
            .into_js_value()
            .unchecked_into();
        let mut note = None;
        let backend = match strategy {
            TimerStrategy::Interval => Backend::Timeout(None),
            TimerStrategy::Worker => match start_worker(&fire) {
                Ok(worker) => Backend::Worker(worker),
                Err(reason) => {
                    note = Some(fallback_note(&reason));
                    Backend::Timeout(None)
                }
            },
        };
        DeadlineTimer {
            fire,
            backend,
            armed_for: None,
            note,
        }
    }

    /// Arms the timer for `deadline` (or disarms it for `None`). A later deadline than the armed one
    /// keeps the armed timeout: firing early is harmless, and re-arming on every received message
    /// would cost a clearTimeout/setTimeout pair per frame.
    pub(crate) fn schedule(&mut self, deadline: Option<u64>, now: u64) {
        self.check_worker();
        match (deadline, self.armed_for) {
            (None, None) => {}
            (None, Some(_)) => self.cancel(),
            (Some(at), Some(armed)) if armed <= at && armed >= now => {}
            (Some(at), _) => {
                self.cancel();
                let delay = at.saturating_sub(now).min(MAX_DELAY);
                let armed = match &mut self.backend {
                    Backend::Timeout(handle) => {
                        *handle = set_timeout(&self.fire, delay as f64).ok();
                        handle.is_some()
                    }
                    Backend::Worker(timer) => timer
                        .worker
                        .post_message(&JsValue::from_f64(delay as f64))
                        .is_ok(),
                };
                self.armed_for = armed.then_some(now + delay);
            }
        }
    }

    /// The timer fired: nothing is armed any more.
    pub(crate) fn fired(&mut self) {
        self.armed_for = None;
        if let Backend::Timeout(handle) = &mut self.backend {
            *handle = None;
        }
    }

    /// Whether the timer runs in a Web Worker that has not failed.
    pub(crate) fn uses_worker(&self) -> bool {
        matches!(&self.backend, Backend::Worker(timer) if !timer.failed.get())
    }

    /// A note for the debug log (the worker strategy fell back), once.
    pub(crate) fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// A worker that failed is replaced by `setTimeout`, and what it had armed is armed again.
    fn check_worker(&mut self) {
        let failed = matches!(&self.backend, Backend::Worker(timer) if timer.failed.get());
        if failed {
            if let Backend::Worker(timer) = &self.backend {
                timer.stop();
            }
            self.backend = Backend::Timeout(None);
            self.armed_for = None;
            self.note = Some(fallback_note(
                "the worker did not start: blocked by worker-src?",
            ));
        }
    }

    fn cancel(&mut self) {
        self.armed_for = None;
        match &mut self.backend {
            Backend::Timeout(handle) => {
                if let Some(handle) = handle.take() {
                    let _ = clear_timeout(&handle);
                }
            }
            Backend::Worker(timer) => {
                let _ = timer.worker.post_message(&JsValue::from_f64(-1.0));
            }
        }
    }
}

impl Drop for DeadlineTimer {
    fn drop(&mut self) {
        self.cancel();
        if let Backend::Worker(timer) = &self.backend {
            timer.stop();
        }
    }
}

impl WorkerTimer {
    fn stop(&self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

fn fallback_note(reason: &str) -> String {
    let mut note = String::from("heartbeatStrategy 'worker' unavailable (");
    note.push_str(reason);
    note.push_str("); using 'interval'");
    note
}

fn start_worker(fire: &Function) -> Result<WorkerTimer, String> {
    for name in ["Worker", "Blob", "URL"] {
        if !super::transport::has_global(name) {
            let mut reason = String::from("no ");
            reason.push_str(name);
            return Err(reason);
        }
    }
    let describe = |e: JsValue| super::debug::describe_js(&e);
    let parts: js_sys::Array = core::iter::once(JsValue::from_str(WORKER_SOURCE)).collect();
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let worker = web_sys::Worker::new(&url).map_err(describe);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker?;

    let proven = Rc::new(Cell::new(false));
    let failed = Rc::new(Cell::new(false));
    let on_message = {
        let (proven, fire) = (proven.clone(), fire.clone());
        Closure::<dyn FnMut()>::new(move || {
            if proven.replace(true) {
                let _ = fire.call0(&JsValue::UNDEFINED);
            }
        })
        .into_js_value()
    };
    // A failure calls the timer's callback too, so that the driver runs and re-arms on `setTimeout`.
    let on_failure = {
        let (proven, failed, fire) = (proven.clone(), failed.clone(), fire.clone());
        Closure::<dyn FnMut()>::new(move || {
            if !proven.get() && !failed.replace(true) {
                let _ = fire.call0(&JsValue::UNDEFINED);
            }
        })
        .into_js_value()
    };
    worker.set_onmessage(Some(on_message.unchecked_ref()));
    worker.set_onerror(Some(on_failure.unchecked_ref()));
    // The watchdog: no first message in time means the worker never ran.
    let _ = set_timeout(on_failure.unchecked_ref(), WORKER_PROOF);
    Ok(WorkerTimer {
        worker,
        failed,
        _keep: [on_message, on_failure],
    })
}
