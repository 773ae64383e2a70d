//! Runs the shared byte-stream vectors in `tests/vectors/*.json` (format in `tests/vectors/README.md`)
//! through the parser three ways: with the chunks as given, one byte per chunk, and all in one chunk.
//! Each way must give exactly the expected items, error, final version and partial-frame state.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use stomp_wasm::frame::{Item, Limits, ParseError, Parser, Version};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    name: String,
    description: String,
    version: String,
    #[serde(default)]
    limits: LimitsSpec,
    #[serde(default = "default_follow_connected")]
    follow_connected: bool,
    chunks: Vec<Chunk>,
    expected: Vec<Expected>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    final_version: Option<String>,
    #[serde(default)]
    in_frame: Option<bool>,
}

fn default_follow_connected() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsSpec {
    max_header_bytes: Option<usize>,
    max_headers: Option<usize>,
    max_body_bytes: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Chunk {
    text: Option<String>,
    base64: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Expected {
    Word(String),
    Frame(ExpectedFrame),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFrame {
    command: String,
    headers: Vec<(String, String)>,
    body_text: Option<String>,
    body_base64: Option<String>,
}

/// An item in a form both sides can be turned into and compared.
#[derive(Debug, PartialEq, Eq)]
enum Got {
    Heartbeat,
    Frame {
        command: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
}

/// What one run of a vector produced.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    items: Vec<Got>,
    error: Option<String>,
    final_version: String,
    in_frame: bool,
}

fn decode_base64(text: &str, context: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_else(|e| panic!("{context}: bad base64: {e}"))
}

/// The stable identifier a vector uses for an error.
fn error_id(error: ParseError) -> String {
    match error {
        ParseError::LimitExceeded(limit) => format!("LimitExceeded:{}", limit.name()),
        other => format!("{other:?}"),
    }
}

fn version(text: &str, context: &str) -> Version {
    Version::parse(text).unwrap_or_else(|| panic!("{context}: unknown version {text:?}"))
}

impl Vector {
    fn chunks(&self) -> Vec<Vec<u8>> {
        self.chunks
            .iter()
            .map(|chunk| match (&chunk.text, &chunk.base64) {
                (Some(text), None) => text.as_bytes().to_vec(),
                (None, Some(b64)) => decode_base64(b64, &self.name),
                _ => panic!("{}: a chunk has exactly one of text, base64", self.name),
            })
            .collect()
    }

    fn limits(&self) -> Limits {
        let d = Limits::DEFAULT;
        Limits {
            max_header_bytes: self.limits.max_header_bytes.unwrap_or(d.max_header_bytes),
            max_headers: self.limits.max_headers.unwrap_or(d.max_headers),
            max_body_bytes: self.limits.max_body_bytes.unwrap_or(d.max_body_bytes),
        }
    }

    fn expected_items(&self) -> Vec<Got> {
        self.expected
            .iter()
            .map(|item| match item {
                Expected::Word(word) if word == "heartbeat" => Got::Heartbeat,
                Expected::Word(word) => panic!("{}: unknown item {word:?}", self.name),
                Expected::Frame(frame) => Got::Frame {
                    command: frame.command.clone(),
                    headers: frame.headers.clone(),
                    body: match (&frame.body_text, &frame.body_base64) {
                        (Some(text), None) => text.as_bytes().to_vec(),
                        (None, Some(b64)) => decode_base64(b64, &self.name),
                        (None, None) => Vec::new(),
                        _ => panic!("{}: body_text or body_base64, not both", self.name),
                    },
                },
            })
            .collect()
    }

    fn run(&self, chunks: &[Vec<u8>]) -> Outcome {
        let mut parser = Parser::with_limits(self.limits())
            .version(version(&self.version, &self.name))
            .follow_connected(self.follow_connected);
        let mut error = None;
        for chunk in chunks {
            if let Err(e) = parser.push(chunk) {
                error = Some(error_id(e));
                break;
            }
        }
        let items = std::iter::from_fn(|| parser.next_item())
            .map(|item| match item {
                Item::Heartbeat => Got::Heartbeat,
                Item::Frame(frame) => Got::Frame {
                    command: frame.command.as_str().to_owned(),
                    headers: frame
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect(),
                    body: frame.body,
                },
            })
            .collect();
        Outcome {
            items,
            error,
            final_version: parser.current_version().as_str().to_owned(),
            in_frame: parser.in_frame(),
        }
    }

    /// Every way this vector's runs differ from what it expects.
    fn check(&self) -> Vec<String> {
        let given = self.chunks();
        let all: Vec<u8> = given.concat();
        let chunkings = [
            ("as given", given.clone()),
            ("one byte per chunk", all.iter().map(|&b| vec![b]).collect()),
            ("one chunk", vec![all.clone()]),
        ];
        let expected = Outcome {
            items: self.expected_items(),
            error: self.error.clone(),
            final_version: String::new(),
            in_frame: false,
        };
        let mut failures = Vec::new();
        for (how, chunks) in chunkings {
            let got = self.run(&chunks);
            let context = format!("vector {:?} ({how}): {}", self.name, self.description);
            if got.items != expected.items {
                failures.push(format!(
                    "{context}\n  items: expected {:?}\n              got {:?}",
                    expected.items, got.items
                ));
            }
            if got.error != expected.error {
                failures.push(format!(
                    "{context}\n  error: expected {:?}, got {:?}",
                    expected.error, got.error
                ));
            }
            if let Some(version) = self
                .final_version
                .as_ref()
                .filter(|v| **v != got.final_version)
            {
                failures.push(format!(
                    "{context}\n  final version: expected {version}, got {}",
                    got.final_version
                ));
            }
            if let Some(in_frame) = self.in_frame.filter(|f| *f != got.in_frame) {
                failures.push(format!(
                    "{context}\n  in_frame: expected {in_frame}, got {}",
                    got.in_frame
                ));
            }
        }
        failures
    }
}

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn load_all() -> Vec<Vector> {
    vector_files()
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).expect("readable vector file");
            serde_json::from_str::<Vec<Vector>>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect()
}

#[test]
fn every_vector_passes_with_every_chunking() {
    let vectors = load_all();
    assert!(vectors.len() >= 60, "only {} vectors", vectors.len());
    let failures: Vec<String> = vectors.iter().flat_map(Vector::check).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
