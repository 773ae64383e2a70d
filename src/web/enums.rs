//! The stompjs v7 enums and helpers users import, with stompjs's values, so that
//! `import { ActivationState } from '@stomp/stompjs'` becomes the same import from `stomp-wasm`.

use wasm_bindgen::prelude::wasm_bindgen;

/// The client's activation state (`client.state`), as stompjs.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationState {
    /// Connecting, connected or reconnecting.
    ACTIVE = 0,
    /// `deactivate()` in progress.
    DEACTIVATING = 1,
    /// Not active (including after reconnect attempts ran out).
    INACTIVE = 2,
}

/// How reconnect delays grow, as stompjs.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconnectionTimeMode {
    /// Every attempt waits `reconnectDelay`.
    LINEAR = 0,
    /// Doubling from `reconnectDelay`, capped by `maxReconnectDelay`.
    EXPONENTIAL = 1,
}

/// WebSocket ready states, as stompjs.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StompSocketState {
    /// Opening.
    CONNECTING = 0,
    /// Open.
    OPEN = 1,
    /// Closing.
    CLOSING = 2,
    /// Closed.
    CLOSED = 3,
}

/// Heart-beat timer strategies, as stompjs's `TickerStrategy` (`TickerStrategy.Interval === 'interval'`,
/// `TickerStrategy.Worker === 'worker'`). A class with static getters: wasm-bindgen exports string enums
/// as types only, and stompjs users read these values at run time.
#[wasm_bindgen]
pub struct TickerStrategy;

#[wasm_bindgen]
impl TickerStrategy {
    /// `'interval'`: `setTimeout` on the page's thread.
    #[wasm_bindgen(getter = Interval)]
    pub fn interval() -> String {
        "interval".into()
    }

    /// `'worker'`: a Web Worker's timer, not throttled in background tabs.
    #[wasm_bindgen(getter = Worker)]
    pub fn worker() -> String {
        "worker".into()
    }
}

/// STOMP versions to offer (`stompVersions`), as stompjs's `Versions` class.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Versions {
    versions: Vec<String>,
}

#[wasm_bindgen]
impl Versions {
    /// `new Versions(['1.2', '1.1'])`.
    #[wasm_bindgen(constructor)]
    pub fn new(versions: Vec<String>) -> Versions {
        Versions { versions }
    }

    /// `"1.0"`.
    #[wasm_bindgen(getter, js_name = V1_0)]
    pub fn v1_0() -> String {
        "1.0".into()
    }

    /// `"1.1"`.
    #[wasm_bindgen(getter, js_name = V1_1)]
    pub fn v1_1() -> String {
        "1.1".into()
    }

    /// `"1.2"`.
    #[wasm_bindgen(getter, js_name = V1_2)]
    pub fn v1_2() -> String {
        "1.2".into()
    }

    /// `Versions.default`: 1.2, 1.1, 1.0.
    #[wasm_bindgen(getter, js_name = default)]
    pub fn default_versions() -> Versions {
        Versions::new(vec!["1.2".into(), "1.1".into(), "1.0".into()])
    }

    /// The versions, as given.
    #[wasm_bindgen(getter)]
    pub fn versions(&self) -> Vec<String> {
        self.versions.clone()
    }

    /// `"1.2,1.1"` for the `accept-version` header.
    #[wasm_bindgen(js_name = supportedVersions)]
    pub fn supported_versions(&self) -> String {
        self.versions.join(",")
    }

    /// The WebSocket subprotocols (`v12.stomp`, …).
    #[wasm_bindgen(js_name = protocolVersions)]
    pub fn protocol_versions(&self) -> Vec<String> {
        self.versions
            .iter()
            .map(|v| format!("v{}.stomp", v.replace('.', "")))
            .collect()
    }
}
