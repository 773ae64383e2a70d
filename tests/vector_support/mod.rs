//! The runner of the shared byte-stream vectors (`tests/vectors/*.json`, format in
//! `tests/vectors/README.md`), used natively by `tests/vectors.rs` and on wasm32 by
//! `tests/wasm_node_vectors.rs`: each vector goes through the parser three ways (the chunks as given, one
//! octet per chunk, all in one chunk), and each way must give exactly the expected items, error, final
//! version and partial-frame state. The JSON files are embedded with `include_str!`, so the wasm32 build
//! (which has no file system) runs every vector too; `tests/vectors.rs` checks that [`FILES`] names every
//! file in the folder.
#![allow(dead_code)]

use base64::Engine as _;
use serde::Deserialize;
use stomp_wasm::frame::{Item, Limits, ParseError, Parser, Version};

/// Every vector file, by name, with its text. A new file in `tests/vectors/` goes here too (the native
/// test `vector_files_are_all_embedded` fails until it does).
pub const FILES: [(&str, &str); 8] = [
    ("bodies.json", include_str!("../vectors/bodies.json")),
    ("chunking.json", include_str!("../vectors/chunking.json")),
    ("escapes.json", include_str!("../vectors/escapes.json")),
    ("headers.json", include_str!("../vectors/headers.json")),
    (
        "heartbeats.json",
        include_str!("../vectors/heartbeats.json"),
    ),
    ("limits.json", include_str!("../vectors/limits.json")),
    ("unicode.json", include_str!("../vectors/unicode.json")),
    ("versions.json", include_str!("../vectors/versions.json")),
];

/// Every vector of every embedded file.
pub fn load_all() -> Vec<Vector> {
    FILES
        .iter()
        .flat_map(|(name, text)| {
            serde_json::from_str::<Vec<Vector>>(text).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect()
}

/// Runs every vector every way; the failures, described (empty when all pass).
pub fn failures(vectors: &[Vector]) -> Vec<String> {
    vectors.iter().flat_map(Vector::check).collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub name: String,
    description: String,
    pub version: String,
    #[serde(default)]
    limits: LimitsSpec,
    #[serde(default = "default_follow_connected")]
    follow_connected: bool,
    chunks: Vec<Chunk>,
    expected: Vec<Expected>,
    #[serde(default)]
    pub error: Option<String>,
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
pub fn error_id(error: ParseError) -> String {
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
                Item::Skipped(skipped) => panic!("{}: skipped {skipped:?}", self.name),
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
    pub fn check(&self) -> Vec<String> {
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
