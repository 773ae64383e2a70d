//! Runs the shared byte-stream vectors in `tests/vectors/*.json` (format in `tests/vectors/README.md`)
//! natively, through the runner in `tests/vector_support/` (the same runner runs them on wasm32 in
//! `tests/wasm_node_vectors.rs`): each vector with the chunks as given, one byte per chunk, and all in
//! one chunk, each way giving exactly the expected items, error, final version and partial-frame state.

mod vector_support;

use std::collections::BTreeSet;
use std::path::Path;

use stomp_wasm::frame::ParseError;
use vector_support::{error_id, failures, load_all, FILES};

#[test]
fn every_vector_passes_with_every_chunking() {
    let vectors = load_all();
    assert!(vectors.len() >= 100, "only {} vectors", vectors.len());
    let failures = failures(&vectors);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn vector_files_are_all_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let embedded: BTreeSet<String> = FILES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(
        on_disk, embedded,
        "tests/vector_support/mod.rs FILES must list every tests/vectors/*.json"
    );
    for (name, text) in FILES {
        let file = std::fs::read_to_string(dir.join(name)).expect("readable vector file");
        assert_eq!(file, text, "{name}: the embedded text is the file's");
    }
}

#[test]
fn vector_names_are_unique() {
    let vectors = load_all();
    let names: BTreeSet<&str> = vectors.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names.len(), vectors.len());
}

#[test]
fn vectors_cover_every_parse_error() {
    let covered: BTreeSet<String> = load_all().into_iter().filter_map(|v| v.error).collect();
    let all = [
        ParseError::UnknownCommand,
        ParseError::HeaderWithoutColon,
        ParseError::EmptyHeaderName,
        ParseError::InvalidEscape,
        ParseError::InvalidUtf8,
        ParseError::BareCarriageReturn,
        ParseError::InvalidContentLength,
        ParseError::MissingNul,
        ParseError::LimitExceeded(stomp_wasm::frame::Limit::HeaderBytes),
        ParseError::LimitExceeded(stomp_wasm::frame::Limit::Headers),
        ParseError::LimitExceeded(stomp_wasm::frame::Limit::BodyBytes),
    ];
    for error in all {
        assert!(
            covered.contains(&error_id(error)),
            "no vector ends in {error:?}"
        );
    }
}

#[test]
fn vectors_cover_every_version() {
    let versions: BTreeSet<String> = load_all().into_iter().map(|v| v.version).collect();
    assert_eq!(
        versions,
        BTreeSet::from(["1.0", "1.1", "1.2"].map(String::from))
    );
}
