//! The Rust API: an async STOMP client for Rust front ends (Leptos, Yew, Dioxus, plain `web-sys`)
//! on wasm32, over the same driver as the npm package.
//!
//! - [`Client`] (wasm32): `activate`, `deactivate().await` (always completes), `subscribe` → a
//!   [`Subscription`] that is a [`Stream`](futures_core::Stream) of [`Message`]s and unsubscribes
//!   on drop, `publish` → a [`Published`] future (written, or receipted), `ack`/`nack`, `begin` →
//!   a [`Transaction`] (aborts on drop), `events` → an [`Events`] stream of [`ClientEvent`]s;
//! - [`Config`]: typed settings (`Duration`s, enums, `Option` for "off"), failover URLs;
//! - [`Error`]: the one error type (`Display`, `core::error::Error`).
//!
//! The data types ([`Config`], [`Publish`], [`Message`], [`Receipt`], [`ClientEvent`], [`Error`])
//! build on every target, so an app's own logic and tests can use them natively; the client itself
//! needs a browser, a worker or a mini-program (wasm32).
//!
//! The API does not need the `js` feature: a Rust app depends on the crate with
//! `default-features = false, features = ["std"]` and gets no `#[wasm_bindgen]` export of the JS
//! package (no `ClientCore`, none of its glue).
//!
//! How it maps to the layers: each call is one command of the driver
//! ([`crate::web::Driver`]); the driver's notices go to a router that hands each event to whoever
//! waits for it (a subscription's queue, a publish future, a `deactivate` future) and everything
//! else to the event streams. No STOMP rule is decided here (queueing, re-subscribing, receipts,
//! heart-beats and reconnects are the session's).
//!
//! ```
//! use std::time::Duration;
//! use stomp_wasm::client::{Config, Delivery, Publish, Reconnect};
//!
//! // Natively too: the configuration, and what to publish.
//! let config = Config {
//!     reconnect: Some(Reconnect { max_attempts: Some(10), ..Reconnect::linear(Duration::from_secs(2)) }),
//!     delivery: Delivery::AtLeastOnce,
//!     ..Config::new("ws://127.0.0.1:15674/ws").credentials("guest", "guest")
//! };
//! config.check()?;
//! let hello = Publish::new("/topic/chat", "hello").header("content-type", "text/plain");
//! assert_eq!(hello.destination(), "/topic/chat");
//! # Ok::<(), stomp_wasm::client::Error>(())
//! ```
//!
//! The same in a browser: see [`Client`] (wasm32 only).

// The hand-over machinery is used by the wasm32 client and by the native tests.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod channel;
mod config;
mod error;
mod event;
mod message;
mod publish;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod router;

#[cfg(target_arch = "wasm32")]
mod futures;
#[cfg(target_arch = "wasm32")]
mod handle;
#[cfg(target_arch = "wasm32")]
mod streams;
#[cfg(target_arch = "wasm32")]
mod transaction;

pub use config::{Config, Delivery, Heartbeat, Logging, QueueLimits, Reconnect, SocketApi, Ticker};
pub use error::Error;
pub use event::ClientEvent;
pub use message::{Message, Receipt};
pub use publish::Publish;

pub use crate::frame::{Headers, Limits, Version};
pub use crate::session::{HostHeader, ReconnectTimeMode, State};

#[cfg(target_arch = "wasm32")]
pub use futures::{Deactivated, Published};
#[cfg(target_arch = "wasm32")]
pub use handle::Client;
#[cfg(target_arch = "wasm32")]
pub use streams::{Events, Subscription};
#[cfg(target_arch = "wasm32")]
pub use transaction::Transaction;
