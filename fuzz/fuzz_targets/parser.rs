//! The parser over arbitrary bytes in arbitrary chunks: it never panics, holds no more than its limits
//! allow, and every frame it yields that the encoder accepts parses back to the same frame. Alongside,
//! the same chunks go through a parser that skips frames over the limits (`skip_oversized`), which
//! must yield what the strict one does up to its first error, a skipped frame where that error is a
//! limit, and of each skipped frame what a parser without limits reads of it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stomp_wasm::frame::{
    Command, EncodeOptions, Frame, Item, Limit, Limits, ParseError, Parser, Skipped, Version,
    NAMING_HEADERS,
};

const LIMITS: Limits = Limits {
    max_header_bytes: 1024,
    max_headers: 16,
    max_body_bytes: 4096,
};

/// Limits short inputs pass often, each of them, so that skipping is reached everywhere.
const SMALL: Limits = Limits {
    max_header_bytes: 96,
    max_headers: 4,
    max_body_bytes: 48,
};

const UNLIMITED: Limits = Limits {
    max_header_bytes: usize::MAX / 64,
    max_headers: usize::MAX / 64,
    max_body_bytes: usize::MAX / 64,
};

/// What the parser may hold: `2 * max_header_bytes + 12 * max_headers + max_body_bytes`, or while it
/// skips a frame, 8278 octets (the line being read and the naming headers) instead of the body.
fn bound(limits: Limits, skip: bool) -> usize {
    let body = match skip {
        true => limits.max_body_bytes.max(8278),
        false => limits.max_body_bytes,
    };
    2 * limits.max_header_bytes + 12 * limits.max_headers + body
}

fuzz_target!(|data: &[u8]| {
    let Some((&[seed, mode], input)) = data.split_first_chunk::<2>() else {
        return;
    };
    let version = Version::ALL[usize::from(seed % 3)];
    let follow = mode & 1 != 0;
    let limits = if mode & 2 != 0 { SMALL } else { LIMITS };
    let parser = |limits| {
        Parser::with_limits(limits)
            .version(version)
            .follow_connected(follow)
    };
    let chunks: Vec<&[u8]> = input.chunks(usize::from(seed / 3) + 1).collect();
    let (strict, strict_error) = parse(parser(limits), &chunks, bound(limits, false));
    for item in &strict {
        if let Item::Frame(frame) = item {
            for version in Version::ALL {
                round_trip(frame, version);
            }
        }
    }
    let skipper = parser(limits).skip_oversized(true);
    let (skipping, skipping_error) = parse(skipper, &chunks, bound(limits, true));
    assert!(skipping.starts_with(&strict));
    match strict_error {
        Some(ParseError::LimitExceeded(limit)) => {
            if let Some(item) = skipping.get(strict.len()) {
                assert!(
                    matches!(item, Item::Skipped(s) if s.limit == limit),
                    "{item:?}"
                );
            }
        }
        other => assert_eq!((skipping.len(), skipping_error), (strict.len(), other)),
    }
    let (all, _) = parse(parser(UNLIMITED), &chunks, usize::MAX);
    for (item, full) in skipping.iter().zip(&all) {
        match (item, full) {
            (Item::Skipped(skipped), Item::Frame(full)) => {
                check_skipped(skipped, full);
                if full.command == Command::Connected {
                    break; // the unlimited parser follows it, the skipping one does not
                }
            }
            _ => assert_eq!(item, full),
        }
    }
});

/// Pushes every chunk, stopping at the first error, checking the memory bound after each push.
fn parse(mut parser: Parser, chunks: &[&[u8]], bound: usize) -> (Vec<Item>, Option<ParseError>) {
    let mut items = Vec::new();
    for chunk in chunks {
        let result = parser.push(chunk);
        assert!(parser.buffered_bytes() <= bound);
        items.extend(std::iter::from_fn(|| parser.next_item()));
        if let Err(error) = result {
            return (items, Some(error));
        }
    }
    (items, None)
}

/// A skipped frame keeps some of the frame's headers, in order, the first of each naming header
/// among them, and all of them when only its body was over the limit.
fn check_skipped(skipped: &Skipped, full: &Frame) {
    assert_eq!(skipped.command, full.command);
    let mut rest = full.headers.iter();
    assert!(skipped.headers.iter().all(|h| rest.any(|f| f == h)));
    for name in NAMING_HEADERS {
        let kept = skipped.headers.get(name);
        assert!(kept.is_none() || kept == full.headers.get(name), "{name}");
    }
    if skipped.limit == Limit::BodyBytes {
        assert_eq!(skipped.headers, full.headers);
    }
}

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
