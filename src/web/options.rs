//! JS options object → typed options. Each key is matched by name and converted into the field's
//! type with plain `as_string`/`as_f64`/… conversions (serde-wasm-bindgen did the same for 22 KB more
//! wasm, 9 KB gzipped); an unknown key or a value of the wrong type is a `TypeError` naming the key. Functions (callbacks, `webSocketFactory`, `debug`) are taken as they are.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{Headers, Version};
use crate::session::{Config, ReconnectTimeMode};

use super::listeners::EventName;
use super::transport::PlatformChoice;

/// How the client's deadline timer fires (stompjs's `TickerStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TickerStrategy {
    /// `setTimeout` on the current thread.
    #[default]
    Interval,
    /// A Blob Web Worker's `setTimeout`, which background tabs do not throttle.
    Worker,
}

/// Everything `new Client(options)` and `configure(options)` set.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) session: Config,
    pub(crate) web_socket_factory: Option<Function>,
    pub(crate) debug: Option<Function>,
    pub(crate) before_connect: Option<Function>,
    pub(crate) heartbeat_strategy: TickerStrategy,
    pub(crate) force_binary_ws_frames: bool,
    pub(crate) log_raw_communication: bool,
    /// Header names whose values `debug` never shows, beyond passcode and Authorization.
    pub(crate) redact_headers: Vec<String>,
    /// Reconnect when the page becomes visible or the network comes back (default on).
    pub(crate) reconnect_on_resume: bool,
    /// The socket kind: `None` chooses (global WebSocket, else a mini-program API).
    pub(crate) platform: Option<PlatformChoice>,
    /// Connect headers also sent on the WebSocket handshake of mini-program sockets (`Authorization`
    /// always is).
    pub(crate) handshake_headers: Vec<String>,
    /// Mini-programs: reconnect on `onAppShow`, wait while hidden (default on).
    pub(crate) app_lifecycle: bool,
    /// Callbacks given as options (`onConnect`, …), applied to the client's slots.
    pub(crate) callbacks: Vec<(EventName, Option<Function>)>,
}

impl Options {
    /// The connect headers that also go on a mini-program socket's handshake.
    pub(crate) fn handshake(&self) -> Headers {
        self.session
            .connect_headers
            .iter()
            .filter(|(name, _)| {
                name.eq_ignore_ascii_case("authorization")
                    || self
                        .handshake_headers
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(name))
            })
            .collect()
    }

    pub(crate) fn new() -> Options {
        Options {
            reconnect_on_resume: true,
            app_lifecycle: true,
            ..Options::default()
        }
    }

    /// Applies every key of `object` (a plain JS object).
    pub(crate) fn apply_object(&mut self, object: &JsValue) -> Result<(), JsValue> {
        if object.is_undefined() || object.is_null() {
            return Ok(());
        }
        let Some(object) = super::client::plain_object(object) else {
            return Err(type_error("options must be an object"));
        };
        for key in Object::keys(object).iter() {
            let name = key.as_string().unwrap_or_default();
            let value = Reflect::get(object, &key)?;
            self.apply(&name, value)?;
        }
        Ok(())
    }

    /// Applies one option by its JS name.
    pub(crate) fn apply(&mut self, key: &str, value: JsValue) -> Result<(), JsValue> {
        let config = &mut self.session;
        match key {
            "brokerURL" => {
                config.broker_urls = if value.is_undefined() || value.is_null() {
                    Vec::new()
                } else if value.is_string() {
                    vec![typed::<String>(key, value)?]
                } else {
                    typed::<Vec<String>>(key, value)?
                }
            }
            "webSocketFactory" => self.web_socket_factory = function(key, value)?,
            "debug" => self.debug = function(key, value)?,
            "beforeConnect" => self.before_connect = function(key, value)?,
            "connectHeaders" => config.connect_headers = headers(key, value)?,
            "disconnectHeaders" => config.disconnect_headers = headers(key, value)?,
            "stompVersions" => config.accept_versions = versions(key, value)?,
            "heartbeatIncoming" => config.heartbeat_incoming = millis(key, value)?,
            "heartbeatOutgoing" => config.heartbeat_outgoing = millis(key, value)?,
            "heartbeatToleranceMultiplier" => {
                config.heartbeat_tolerance = typed::<f64>(key, value)?;
                if config.heartbeat_tolerance.is_nan() || config.heartbeat_tolerance < 1.0 {
                    return Err(type_error(&format!("{key} must be a number ≥ 1")));
                }
            }
            "heartbeatStrategy" => {
                self.heartbeat_strategy = match typed::<String>(key, value)?.as_str() {
                    "interval" => TickerStrategy::Interval,
                    "worker" => TickerStrategy::Worker,
                    _ => return Err(type_error(&format!("{key} must be 'interval' or 'worker'"))),
                }
            }
            "reconnectDelay" => config.reconnect.delay = millis(key, value)?,
            "reconnectTimeMode" => {
                config.reconnect.mode = match typed::<f64>(key, value)? as i64 {
                    0 => ReconnectTimeMode::Linear,
                    1 => ReconnectTimeMode::Exponential,
                    _ => {
                        return Err(type_error(&format!(
                            "{key} must be ReconnectionTimeMode.LINEAR (0) or EXPONENTIAL (1)"
                        )))
                    }
                }
            }
            "maxReconnectDelay" => config.reconnect.max_delay = millis(key, value)?,
            "maxReconnectAttempts" => config.reconnect.max_attempts = count(key, value)? as u32,
            "reconnectJitter" => {
                let jitter = typed::<f64>(key, value)?;
                if !(0.0..=1.0).contains(&jitter) {
                    return Err(type_error(&format!("{key} must be between 0 and 1")));
                }
                config.reconnect.jitter = jitter;
            }
            "reconnectSeed" => config.reconnect.seed = count(key, value)?,
            "connectionTimeout" => config.connection_timeout = millis(key, value)?,
            "receiptTimeout" => config.receipt_timeout = millis(key, value)?,
            "disconnectTimeout" => config.disconnect_timeout = millis(key, value)?,
            "queueWhileDisconnected" => config.queue_while_disconnected = typed(key, value)?,
            "maxQueuedFrames" => config.max_queued_frames = count(key, value)? as usize,
            "maxQueuedBytes" => config.max_queued_bytes = count(key, value)? as usize,
            "maxHeaderBytes" => config.limits.max_header_bytes = count(key, value)? as usize,
            "maxHeaders" => config.limits.max_headers = count(key, value)? as usize,
            "maxBodyBytes" => config.limits.max_body_bytes = count(key, value)? as usize,
            "forceBinaryWSFrames" => self.force_binary_ws_frames = typed(key, value)?,
            "logRawCommunication" => self.log_raw_communication = typed(key, value)?,
            "redactHeaders" => self.redact_headers = typed(key, value)?,
            "reconnectOnResume" => self.reconnect_on_resume = typed(key, value)?,
            "platform" => {
                self.platform = match value.as_string() {
                    None if value.is_undefined() || value.is_null() => None,
                    Some(name) => Some(PlatformChoice::parse(&name).ok_or_else(|| {
                        type_error(&format!("{key} must be 'browser', 'wx', 'uni' or 'tt'"))
                    })?),
                    None => return Err(type_error(&format!("option '{key}' must be a string"))),
                }
            }
            "handshakeHeaders" => self.handshake_headers = typed(key, value)?,
            "appLifecycle" => self.app_lifecycle = typed(key, value)?,
            _ => match EventName::from_property(key) {
                Some(event) => self.callbacks.push((event, function(key, value)?)),
                None => return Err(type_error(&format!("unknown option '{key}'"))),
            },
        }
        Ok(())
    }
}

/// A `TypeError` with this message.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A JS value of one option type: the plain conversions options need, each naming what it expects.
trait FromJs: Sized {
    const EXPECTED: &'static str;
    fn from_js(value: &JsValue) -> Option<Self>;
}

impl FromJs for String {
    const EXPECTED: &'static str = "a string";
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJs for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJs for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_f64()
    }
}

impl FromJs for Vec<String> {
    const EXPECTED: &'static str = "an array of strings";
    fn from_js(value: &JsValue) -> Option<Self> {
        value
            .dyn_ref::<js_sys::Array>()?
            .iter()
            .map(|item| item.as_string())
            .collect()
    }
}

fn typed<T: FromJs>(key: &str, value: JsValue) -> Result<T, JsValue> {
    T::from_js(&value).ok_or_else(|| type_error(&format!("option '{key}' must be {}", T::EXPECTED)))
}

fn millis(key: &str, value: JsValue) -> Result<u64, JsValue> {
    count(key, value)
}

fn count(key: &str, value: JsValue) -> Result<u64, JsValue> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.is_finite() && n.fract() == 0.0 => Ok(n as u64),
        _ => Err(type_error(&format!(
            "option '{key}' must be a non-negative integer"
        ))),
    }
}

fn function(key: &str, value: JsValue) -> Result<Option<Function>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| type_error(&format!("option '{key}' must be a function")))
}

/// A `{name: value}` object of strings into headers (insertion order kept).
pub(crate) fn headers(key: &str, value: JsValue) -> Result<Headers, JsValue> {
    let mut headers = Headers::new();
    if value.is_undefined() || value.is_null() {
        return Ok(headers);
    }
    let Some(object) = super::client::plain_object(&value) else {
        return Err(type_error(&format!("'{key}' must be an object of strings")));
    };
    for entry in Object::entries(object).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let item = entry.get(1);
        let text = match item.as_string() {
            Some(text) => text,
            None if item.as_f64().is_some() || item.as_bool().is_some() => {
                String::from(js_sys::JsString::from(item))
            }
            None => {
                return Err(type_error(&format!(
                    "header '{name}' in '{key}' must be a string"
                )))
            }
        };
        headers.push(&name, &text);
    }
    Ok(headers)
}

/// `stompVersions`: an array of `"1.2"`-style strings, or a `Versions` object (`{versions: […]}`).
fn versions(key: &str, value: JsValue) -> Result<Vec<Version>, JsValue> {
    let list = match Reflect::get(&value, &"versions".into()) {
        Ok(inner) if !inner.is_undefined() && !value.is_string() => inner,
        _ => value,
    };
    let names: Vec<String> = typed(key, list)?;
    let versions: Option<Vec<Version>> = names.iter().map(|n| Version::parse(n)).collect();
    match versions {
        Some(versions) if !versions.is_empty() => Ok(versions),
        _ => Err(type_error(&format!(
            "option '{key}' must list versions among '1.0', '1.1', '1.2'"
        ))),
    }
}
