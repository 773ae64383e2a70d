//! Event names and who listens: the stompjs single-slot callbacks (`client.onConnect = fn`) and any
//! number of `on(name, fn)` listeners per event. Calling them never lets an exception escape into the
//! client: a throw is caught and reported through `debug`.

use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};

/// Every event the client emits. `name` is what `on()` takes; `property` is the stompjs callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventName {
    Connect,
    Disconnect,
    StompError,
    WebSocketClose,
    WebSocketError,
    UnhandledMessage,
    UnhandledReceipt,
    UnhandledFrame,
    ChangeState,
    HeartbeatReceived,
    HeartbeatLost,
    /// Beyond stompjs: the detailed state (`"reconnecting"`, …) on every transition.
    State,
    /// Beyond stompjs: `{attempt, delay}` when a reconnect is scheduled.
    ReconnectScheduled,
    /// Beyond stompjs: reconnect attempts used up (`maxReconnectAttempts`).
    ReconnectFailed,
    /// Beyond stompjs: a connect attempt failed (`{reason, frame?}`).
    ConnectFailed,
    /// Beyond stompjs: a receipt failed (`{receiptId, error}`).
    ReceiptFailed,
    /// Beyond stompjs: queued frames were dropped (`{frames}`).
    QueueDiscarded,
    /// Beyond stompjs: the broker aborted these open transactions (`[ids]`).
    TransactionsAborted,
}

impl EventName {
    pub(crate) const ALL: [EventName; 18] = [
        EventName::Connect,
        EventName::Disconnect,
        EventName::StompError,
        EventName::WebSocketClose,
        EventName::WebSocketError,
        EventName::UnhandledMessage,
        EventName::UnhandledReceipt,
        EventName::UnhandledFrame,
        EventName::ChangeState,
        EventName::HeartbeatReceived,
        EventName::HeartbeatLost,
        EventName::State,
        EventName::ReconnectScheduled,
        EventName::ReconnectFailed,
        EventName::ConnectFailed,
        EventName::ReceiptFailed,
        EventName::QueueDiscarded,
        EventName::TransactionsAborted,
    ];

    /// The name `on()`/`off()` take.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            EventName::Connect => "connect",
            EventName::Disconnect => "disconnect",
            EventName::StompError => "stompError",
            EventName::WebSocketClose => "webSocketClose",
            EventName::WebSocketError => "webSocketError",
            EventName::UnhandledMessage => "unhandledMessage",
            EventName::UnhandledReceipt => "unhandledReceipt",
            EventName::UnhandledFrame => "unhandledFrame",
            EventName::ChangeState => "changeState",
            EventName::HeartbeatReceived => "heartbeatReceived",
            EventName::HeartbeatLost => "heartbeatLost",
            EventName::State => "state",
            EventName::ReconnectScheduled => "reconnectScheduled",
            EventName::ReconnectFailed => "reconnectFailed",
            EventName::ConnectFailed => "connectFailed",
            EventName::ReceiptFailed => "receiptFailed",
            EventName::QueueDiscarded => "queueDiscarded",
            EventName::TransactionsAborted => "transactionsAborted",
        }
    }

    /// The stompjs-style callback property (`onConnect`, …).
    pub(crate) fn property(self) -> String {
        let name = self.name();
        let mut property = String::with_capacity(name.len() + 2);
        property.push_str("on");
        property.push(name.as_bytes()[0].to_ascii_uppercase() as char);
        property.push_str(&name[1..]);
        property
    }

    pub(crate) fn from_name(name: &str) -> Option<EventName> {
        EventName::ALL.into_iter().find(|e| e.name() == name)
    }

    pub(crate) fn from_property(property: &str) -> Option<EventName> {
        let rest = property.strip_prefix("on")?;
        EventName::ALL.into_iter().find(|e| {
            let name = e.name();
            rest.len() == name.len()
                && rest.as_bytes()[0] == name.as_bytes()[0].to_ascii_uppercase()
                && rest[1..] == name[1..]
        })
    }
}

/// The callbacks: one stompjs-style slot and a list of `on()` listeners per event.
#[derive(Default)]
pub(crate) struct Listeners {
    slots: Vec<(EventName, Function)>,
    listeners: Vec<(EventName, Function)>,
}

impl Listeners {
    pub(crate) fn set_slot(&mut self, event: EventName, callback: Option<Function>) {
        self.slots.retain(|(e, _)| *e != event);
        if let Some(callback) = callback {
            self.slots.push((event, callback));
        }
    }

    pub(crate) fn slot(&self, event: EventName) -> Option<&Function> {
        self.slots.iter().find(|(e, _)| *e == event).map(|(_, f)| f)
    }

    pub(crate) fn add(&mut self, event: EventName, listener: Function) {
        self.listeners.push((event, listener));
    }

    pub(crate) fn remove(&mut self, event: EventName, listener: &Function) -> bool {
        let before = self.listeners.len();
        self.listeners
            .retain(|(e, f)| !(*e == event && JsValue::from(f) == JsValue::from(listener)));
        before != self.listeners.len()
    }

    /// Everyone to call for `event`, slot first. Cloned out so that callbacks may change listeners.
    pub(crate) fn targets(&self, event: EventName) -> Vec<Function> {
        self.slot(event)
            .into_iter()
            .chain(
                self.listeners
                    .iter()
                    .filter(|(e, _)| *e == event)
                    .map(|(_, f)| f),
            )
            .cloned()
            .collect()
    }
}

/// Calls `callback` with `args`; a throw is returned as a message instead of propagating.
pub(crate) fn call_guarded(callback: &Function, args: &[JsValue]) -> Result<JsValue, String> {
    let result = match args {
        [] => callback.call0(&JsValue::UNDEFINED),
        [a] => callback.call1(&JsValue::UNDEFINED, a),
        [a, b] => callback.call2(&JsValue::UNDEFINED, a, b),
        _ => {
            let array: Array = args.iter().collect();
            callback.apply(&JsValue::UNDEFINED, &array)
        }
    };
    result.map_err(|error| describe_error(&error))
}

/// A readable one-line description of a thrown JS value.
pub(crate) fn describe_error(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.to_string());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
