//! The browser and mini-program layer: the only wasm-bindgen code. Thin drivers that feed the
//! session, drain its outputs and translate them to JS: the exported `Client` and its options,
//! received messages as plain objects, the transports, the deadline timer, and the resume (visibility/online) hooks. No STOMP
//! rule is decided here; if one is, it belongs in `crate::session`.

mod client;
mod debug;
#[allow(missing_docs)] // wasm-bindgen generates undocumented items for exported enums
mod enums;
mod lifecycle;
mod listeners;
mod message;
mod options;
mod resume;
mod timer;
mod transport;
mod types;

pub use client::{Client, StompSubscription, StompTransaction};
pub use enums::{
    ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions,
};
