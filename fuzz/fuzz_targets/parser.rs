//! The parser over arbitrary bytes in arbitrary chunks: it never panics, holds no more than its limits
//! allow, and every frame it yields that the encoder accepts parses back to the same frame.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stomp_wasm::frame::{EncodeOptions, Frame, Item, Limits, Parser, Version};

const LIMITS: Limits = Limits {
    max_header_bytes: 1024,
    max_headers: 16,
    max_body_bytes: 4096,
};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, input)) = data.split_first() else {
        return;
    };
    let mut parser = Parser::with_limits(LIMITS).version(Version::ALL[usize::from(seed % 3)]);
    for chunk in input.chunks(usize::from(seed / 3) + 1) {
        let failed = parser.push(chunk).is_err();
        assert!(parser.buffered_bytes() <= 2 * 1024 + 12 * 16 + 4096);
        while let Some(item) = parser.next_item() {
            if let Item::Frame(frame) = item {
                round_trip(&frame, parser.current_version());
            }
        }
        if failed {
            return;
        }
    }
});

/// Encodes `frame` under `version` and parses it back: the same frame, but for `content-length`.
fn round_trip(frame: &Frame, version: Version) {
    let mut bytes = Vec::new();
    if frame
        .encode(EncodeOptions::new(version), &mut bytes)
        .is_err()
    {
        return;
    }
    let mut parser = Parser::new().version(version).follow_connected(false);
    parser.push(&bytes).expect("an encoded frame parses");
    let Some(Item::Frame(back)) = parser.next_item() else {
        panic!("no frame")
    };
    assert_eq!(parser.next_item(), None);
    let without_length = |f: &Frame| {
        f.headers
            .iter()
            .filter(|(n, _)| *n != "content-length")
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!((back.command, &back.body), (frame.command, &frame.body));
    assert_eq!(without_length(&back), without_length(frame));
}
