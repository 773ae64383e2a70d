//! stomp-wasm: a STOMP 1.2 client (1.1 and 1.0 negotiated too) in Rust, compiled to WebAssembly for
//! browser H5 pages and mini-programs, and usable as a plain Rust crate.
//!
//! - [`frame`]: the codec, a streaming parser and an encoder. No JS, no I/O, no clock.
//! - [`session`]: the sans-IO protocol engine: inputs and time in, frames, events and actions out.
//! - `client` (feature `std`, on by default): the Rust API, an async client for Rust front ends (the
//!   `Client` itself is wasm32's; its configuration, messages, events and errors build everywhere).
//! - `web` (wasm32 only): the driver (session, socket, timer, hooks) and, with the `js` feature, the
//!   wasm half of the npm package's JS `Client`.
//!
//! `no_std` + `alloc`: the npm package's wasm is built without std (its panic machinery and
//! formatting are most of a small module's size); `std` (on by default) only adds `std`-dependent
//! conveniences.
//!
//! [`frame`] and [`session`] need only `core` and `alloc`, and their error types implement
//! `core::error::Error`, each with a `message()` built without `core::fmt`. The `cdylib` crate type
//! links only with a panic handler and an allocator: std's (the default `std` feature), or the npm
//! build's own (`npm`); `cargo rustc --lib --no-default-features --crate-type rlib` (natively and for
//! wasm32) proves the library itself needs no std.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

// With `std` only: a Rust front end has std anyway, and the npm package's wasm (no_std) then
// compiles none of it, which keeps that wasm byte-identical (its mere presence changed the
// inlining of shared code: +115 bytes, measured).
// Its docs link to the wasm32-only `Client` and streams: checked by `cargo doc --target wasm32-…`.
#[cfg(feature = "std")]
#[cfg_attr(not(target_arch = "wasm32"), allow(rustdoc::broken_intra_doc_links))]
pub mod client;
pub mod frame;
#[cfg(all(target_arch = "wasm32", feature = "npm", not(feature = "std")))]
mod npm;
pub mod session;
#[cfg(target_arch = "wasm32")]
mod text;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// The README's Rust example ("From Rust", `no_run`), compiled for wasm32 by
/// `cargo test --doc --target wasm32-unknown-unknown` (scripts/test-all).
#[cfg(all(doctest, target_arch = "wasm32", feature = "std"))]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
