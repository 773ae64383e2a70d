//! stomp-wasm: a STOMP 1.2 client (1.1 and 1.0 negotiated too) in Rust, compiled to WebAssembly for
//! browser H5 pages and mini-programs, and usable as a plain Rust crate.
//!
//! - [`frame`]: the codec, a streaming parser and an encoder. No JS, no I/O, no clock.
//! - [`session`]: the sans-IO protocol engine: inputs and time in, frames, events and actions out.
//! - `web` (wasm32 only): the JS `Client`, transports and timers, built with wasm-bindgen.
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod frame;
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod web;
