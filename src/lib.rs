//! stomp-wasm: a STOMP 1.2 client (1.1 and 1.0 negotiated too) in Rust, compiled to WebAssembly for
//! browser H5 pages and mini-programs, and usable as a plain Rust crate.
//!
//! - [`frame`]: the codec, a streaming parser and an encoder. No JS, no I/O, no clock.
//! - [`session`]: the sans-IO protocol engine: inputs and time in, frames, events and actions out.
//! - `web` (wasm32 with the `std` feature): the JS `Client`, transports and timers, built with
//!   wasm-bindgen.
//!
//! [`frame`] and [`session`] need only `core` and `alloc`: without the default `std` feature the
//! crate is `no_std`. `cargo rustc --lib --no-default-features --crate-type rlib` (natively and with
//! `--target wasm32-unknown-unknown`) proves it; the `cdylib` crate type cannot be linked without
//! std, which is what provides its panic handler and allocator. Their error types implement
//! `core::error::Error`, and each has a `message()` built without `core::fmt`, so a size-minded
//! driver can report errors without linking the formatting machinery.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod frame;
pub mod session;
#[cfg(all(target_arch = "wasm32", feature = "std"))]
pub mod web;
