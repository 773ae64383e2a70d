//! The session's defaults (`Config::default()`, what the wasm applies when an option is `undefined`)
//! are the ones the JS option table (`src/web/edge/options.js`) shows for each option: one place for
//! defaults (the Rust config), checked here. The driver's own options are checked on wasm32
//! (`tests/wasm_node.rs`), where the driver exists.

mod defaults_support;

use defaults_support::{expect_default, js_defaults, JsDefault::*};
use stomp_wasm::session::{Config, ReconnectTimeMode};

#[test]
fn the_js_defaults_are_the_sessions() {
    let js = js_defaults();
    let c = Config::default();
    let n = |value: u64| Number(value as f64);
    for (name, value) in [
        ("heartbeatIncoming", n(c.heartbeat_incoming)),
        ("heartbeatOutgoing", n(c.heartbeat_outgoing)),
        (
            "heartbeatToleranceMultiplier",
            Number(c.heartbeat_tolerance),
        ),
        ("reconnectDelay", n(c.reconnect.delay)),
        ("maxReconnectDelay", n(c.reconnect.max_delay)),
        (
            "maxReconnectAttempts",
            n(u64::from(c.reconnect.max_attempts)),
        ),
        ("reconnectJitter", Number(c.reconnect.jitter)),
        ("connectionTimeout", n(c.connection_timeout)),
        ("receiptTimeout", n(c.receipt_timeout)),
        ("disconnectTimeout", n(c.disconnect_timeout)),
        ("queueWhileDisconnected", Bool(c.queue_while_disconnected)),
        ("maxQueuedFrames", n(c.max_queued_frames as u64)),
        ("maxQueuedBytes", n(c.max_queued_bytes as u64)),
        ("maxUnconfirmedBytes", n(c.max_unconfirmed_bytes as u64)),
        ("maxDeliveryAttempts", n(u64::from(c.max_delivery_attempts))),
        ("maxHeaderBytes", n(c.limits.max_header_bytes as u64)),
        ("maxHeaders", n(c.limits.max_headers as u64)),
        ("maxBodyBytes", n(c.limits.max_body_bytes as u64)),
        ("maxBufferedAmount", n(c.max_buffered_bytes as u64)),
    ] {
        expect_default(&js, name, value);
    }
    let mode = match c.reconnect.mode {
        ReconnectTimeMode::Linear => 0,
        ReconnectTimeMode::Exponential => 1,
    };
    expect_default(&js, "reconnectTimeMode", n(mode));
    // `Versions.default`: 1.2, 1.1, 1.0, as the session offers by default.
    expect_default(&js, "stompVersions", Other("Versions.default".into()));
    let offered: Vec<&str> = c.accept_versions.iter().map(|v| v.as_str()).collect();
    assert_eq!(offered, ["1.2", "1.1", "1.0"]);
}

#[test]
fn a_changed_default_would_be_caught() {
    // The parser reads what it must: a value that differs is reported.
    let js = js_defaults();
    let result = std::panic::catch_unwind(|| expect_default(&js, "reconnectDelay", Number(1.0)));
    assert!(result.is_err());
}
