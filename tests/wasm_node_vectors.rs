//! Every shared byte-stream vector (`tests/vectors/*.json`) run through the parser compiled to wasm32 —
//! the shipped target — in Node (`wasm-pack test --node`), by the same runner as the native
//! `tests/vectors.rs` (`tests/vector_support/`, the files embedded with `include_str!`): each vector
//! with the chunks as given, one octet per chunk and all in one chunk.
#![cfg(target_arch = "wasm32")]

mod vector_support;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn every_vector_passes_with_every_chunking_on_wasm32() {
    let vectors = vector_support::load_all();
    assert!(vectors.len() >= 100, "only {} vectors", vectors.len());
    let failures = vector_support::failures(&vectors);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
