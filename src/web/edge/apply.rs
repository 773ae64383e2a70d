//! One option, already checked and normalised by client.js (`options.js`), applied to the driver's
//! configuration. `undefined` sets the default back — the default of [`DriverConfig::new`], the one
//! place defaults live (`tests/option_defaults.rs` checks that options.js shows the same ones).

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::JsValue;

use crate::frame::{push_decimal, Version};
use crate::session::{HostHeader, ReconnectTimeMode};

use super::super::driver::{DriverConfig, SocketKind};
use super::super::timer::TimerStrategy;
use super::super::transport::Platform;
use super::json::{list, unpack};
use super::option_ids as id;

/// Applies `value` (a number, a string — lists and headers NUL-packed —, a boolean, or undefined for
/// the default) to option number `option`.
pub(super) fn apply(
    config: &mut DriverConfig,
    option: u32,
    value: &JsValue,
) -> Result<(), JsValue> {
    let defaults = DriverConfig::new("");
    let was = defaults.session;
    let session = &mut config.session;
    let number = || value.as_f64().map(|n| n as u64);
    let size = |default: usize| value.as_f64().map_or(default, |n| n as usize);
    let text = || value.as_string().unwrap_or_default();
    let flag = |default: bool| value.as_bool().unwrap_or(default);
    match option {
        id::BROKER_URL => session.broker_urls = list(&text()),
        id::CONNECT_HEADERS => {
            session.login = None;
            session.passcode = None;
            session.host = HostHeader::Omit;
            session.connect_headers = unpack(&text());
        }
        id::DISCONNECT_HEADERS => session.disconnect_headers = unpack(&text()),
        id::STOMP_VERSIONS => {
            let versions: Vec<Version> = list(&text())
                .iter()
                .filter_map(|v| Version::parse(v))
                .collect();
            session.accept_versions = match versions.is_empty() {
                true => was.accept_versions,
                false => versions,
            };
        }
        id::HEARTBEAT_INCOMING => {
            session.heartbeat_incoming = number().unwrap_or(was.heartbeat_incoming)
        }
        id::HEARTBEAT_OUTGOING => {
            session.heartbeat_outgoing = number().unwrap_or(was.heartbeat_outgoing)
        }
        id::HEARTBEAT_TOLERANCE_MULTIPLIER => {
            session.heartbeat_tolerance = value.as_f64().unwrap_or(was.heartbeat_tolerance)
        }
        id::HEARTBEAT_STRATEGY => {
            config.timer = match text().as_str() {
                "worker" => TimerStrategy::Worker,
                "interval" => TimerStrategy::Interval,
                _ => defaults.timer,
            }
        }
        id::RECONNECT_DELAY => session.reconnect.delay = number().unwrap_or(was.reconnect.delay),
        id::RECONNECT_TIME_MODE => {
            session.reconnect.mode = match number() {
                Some(1) => ReconnectTimeMode::Exponential,
                Some(_) => ReconnectTimeMode::Linear,
                None => was.reconnect.mode,
            }
        }
        // As stompjs 7.5: 0 is no upper limit (the timer clamps what it cannot hold).
        id::MAX_RECONNECT_DELAY => {
            session.reconnect.max_delay = number().unwrap_or(was.reconnect.max_delay)
        }
        id::MAX_RECONNECT_ATTEMPTS => {
            session.reconnect.max_attempts = number().map_or(was.reconnect.max_attempts, |n| {
                n.min(u64::from(u32::MAX)) as u32
            })
        }
        id::RECONNECT_JITTER => {
            session.reconnect.jitter = value.as_f64().unwrap_or(was.reconnect.jitter)
        }
        id::RECONNECT_SEED => session.reconnect.seed = number().unwrap_or(was.reconnect.seed),
        id::CONNECTION_TIMEOUT => {
            session.connection_timeout = number().unwrap_or(was.connection_timeout)
        }
        id::RECEIPT_TIMEOUT => session.receipt_timeout = number().unwrap_or(was.receipt_timeout),
        id::DISCONNECT_TIMEOUT => {
            session.disconnect_timeout = number().unwrap_or(was.disconnect_timeout)
        }
        id::QUEUE_WHILE_DISCONNECTED => {
            session.queue_while_disconnected = flag(was.queue_while_disconnected)
        }
        id::MAX_QUEUED_FRAMES => session.max_queued_frames = size(was.max_queued_frames),
        id::MAX_QUEUED_BYTES => session.max_queued_bytes = size(was.max_queued_bytes),
        id::MAX_UNCONFIRMED_BYTES => {
            session.max_unconfirmed_bytes = size(was.max_unconfirmed_bytes)
        }
        id::MAX_DELIVERY_ATTEMPTS => {
            session.max_delivery_attempts = number().map_or(was.max_delivery_attempts, |n| {
                n.min(u64::from(u32::MAX)) as u32
            })
        }
        id::MAX_HEADER_BYTES => session.limits.max_header_bytes = size(was.limits.max_header_bytes),
        id::MAX_HEADERS => session.limits.max_headers = size(was.limits.max_headers),
        id::MAX_BODY_BYTES => session.limits.max_body_bytes = size(was.limits.max_body_bytes),
        id::MAX_BUFFERED_AMOUNT => session.max_buffered_bytes = size(was.max_buffered_bytes),
        id::FORCE_BINARY_WS_FRAMES => config.force_binary = flag(defaults.force_binary),
        id::SPLIT_LARGE_FRAMES => config.split_large_frames = flag(defaults.split_large_frames),
        id::MAX_WEB_SOCKET_CHUNK_SIZE => config.max_chunk_size = size(defaults.max_chunk_size),
        id::DISCARD_WEBSOCKET_ON_COMM_FAILURE => {
            config.discard_on_comm_failure = flag(defaults.discard_on_comm_failure)
        }
        id::APPEND_MISSING_NULL_ON_INCOMING => {
            config.append_missing_nul = flag(defaults.append_missing_nul)
        }
        id::LOG_RAW_COMMUNICATION => config.debug.raw = flag(defaults.debug.raw),
        id::DEBUG => config.debug.enabled = flag(defaults.debug.enabled),
        id::REDACT_HEADERS => config.debug.redact_headers = list(&text()),
        id::RECONNECT_ON_RESUME => config.reconnect_on_resume = flag(defaults.reconnect_on_resume),
        id::PLATFORM => {
            if !matches!(config.socket, SocketKind::Factory(_)) {
                config.socket = match text().as_str() {
                    "browser" => SocketKind::Browser,
                    other => {
                        Platform::parse(other).map_or(SocketKind::Auto, SocketKind::MiniProgram)
                    }
                }
            }
        }
        id::HANDSHAKE_HEADERS => config.handshake_headers = list(&text()),
        id::APP_LIFECYCLE => config.app_lifecycle = flag(defaults.app_lifecycle),
        _ => {
            let mut message = String::from("INVALID_OPTION\0unknown option number ");
            push_decimal(&mut message, u64::from(option));
            return Err(JsValue::from_str(&message));
        }
    }
    Ok(())
}
