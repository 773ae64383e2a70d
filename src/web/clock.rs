//! The driver's clock: monotonic milliseconds. `performance.now()` where the platform has it (browsers,
//! workers, Node), else `Date.now()` made non-decreasing. A wall clock that steps back an hour must not
//! stop outgoing heart-beats, and one that steps forward must not fake a heart-beat loss; only a
//! monotonic source avoids both (the fallback avoids the first).

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    type Performance;
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
}

pub(crate) struct Clock {
    performance: Option<Performance>,
    /// The last reading, so that the fallback never goes back.
    last: u64,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        let performance = crate::web::get(&crate::web::global(), "performance")
            .ok()
            .filter(|p| p.is_object() && crate::web::get(p, "now").is_ok_and(|n| n.is_function()))
            .map(JsCast::unchecked_into);
        Clock {
            performance,
            last: 0,
        }
    }

    /// Milliseconds since an arbitrary origin; never less than the previous reading.
    pub(crate) fn now(&mut self) -> u64 {
        let reading = match &self.performance {
            Some(performance) => performance.now(),
            None => js_sys::Date::now(),
        };
        // NaN and negatives (a broken polyfill) read as 0, then the guard keeps the last value.
        let reading = if reading > 0.0 { reading as u64 } else { 0 };
        self.last = self.last.max(reading);
        self.last
    }
}
