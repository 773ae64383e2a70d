//! Properties of the codec over random input: encode-then-parse gives the frames back under every
//! version and chunking; arbitrary bytes never panic the parser, never make it hold more than its
//! limits, and mean the same whatever the chunking; skipping frames over the limits changes nothing
//! but what would have failed on a limit, and keeps of them what a parser without limits reads.

use proptest::prelude::*;
use proptest::sample::select;
use stomp_wasm::frame::{
    Command, EncodeOptions, Frame, Headers, Item, Limit, Limits, ParseError, Parser, Skipped,
    Version, NAMING_HEADERS,
};

/// Characters that escaping, trimming and line splitting care about, mixed into arbitrary Unicode.
fn header_text(min_len: usize) -> impl Strategy<Value = String> {
    let special = select(vec![':', '\\', '\n', '\r', ' ', '\t', 'c', 'n', 'r']);
    let ch = prop_oneof![40 => any::<char>(), 20 => special, 1 => Just('\0')];
    prop::collection::vec(ch, min_len..8).prop_map(String::from_iter)
}

fn frame() -> impl Strategy<Value = Frame> {
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..48),
        prop::collection::vec(select(vec![0u8, b'\n', b'\r', b'a']), 0..8),
    ];
    (
        select(Command::ALL.to_vec()),
        prop::collection::vec((header_text(1), header_text(0)), 0..5),
        body,
    )
        .prop_map(|(command, headers, body)| Frame {
            command,
            headers: headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
            body,
        })
}

fn version() -> impl Strategy<Value = Version> {
    select(Version::ALL.to_vec())
}

/// Chunk sizes, used in turn until the input runs out.
fn chunking() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![4 => 1usize..8, 1 => 8usize..4096], 1..6)
}

fn chunks<'a>(bytes: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        out.push(chunk);
        rest = tail;
    }
    out
}

/// What [`Parser::buffered_bytes`] may reach for `limits`, skipping frames over them or not.
fn memory_bound(limits: Limits, skip: bool) -> usize {
    let body = match skip {
        true => limits.max_body_bytes.max(8278),
        false => limits.max_body_bytes,
    };
    2 * limits.max_header_bytes + 12 * limits.max_headers + body
}

/// Pushes every chunk, stopping at the first error, checking the memory bound after each push.
fn parse(parser: Parser, chunks: &[&[u8]]) -> (Vec<Item>, Option<ParseError>) {
    let bound = memory_bound(parser.limits(), false);
    parse_within(parser, chunks, bound)
}

/// [`parse`], with the memory bound given.
fn parse_within(
    mut parser: Parser,
    chunks: &[&[u8]],
    bound: usize,
) -> (Vec<Item>, Option<ParseError>) {
    let mut items = Vec::new();
    let mut error = None;
    for chunk in chunks {
        let result = parser.push(chunk);
        assert!(
            parser.buffered_bytes() <= bound,
            "holds {} octets, bound {bound}",
            parser.buffered_bytes()
        );
        items.extend(std::iter::from_fn(|| parser.next_item()));
        if let Err(e) = result {
            assert_eq!(parser.push(b"SEND\n\n\0"), Err(e), "errors are sticky");
            error = Some(e);
            break;
        }
    }
    (items, error)
}

/// The frame a faithful encode-then-parse gives back: the caller's `content-length` replaced by the
/// body's true length, last, when the body is not empty and the length is not skipped.
fn expected_back(frame: &Frame, options: EncodeOptions) -> Frame {
    let mut headers: Headers = frame
        .headers
        .iter()
        .filter(|(name, _)| *name != "content-length")
        .collect();
    if !frame.body.is_empty() && !options.skip_content_length {
        headers.push("content-length", &frame.body.len().to_string());
    }
    Frame {
        command: frame.command,
        headers,
        body: frame.body.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn encoded_frames_parse_back_whatever_the_chunking(
        frames in prop::collection::vec((frame(), any::<bool>(), 0usize..3), 1..5),
        version in version(),
        sizes in chunking(),
    ) {
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for (frame, skip_content_length, heartbeats) in &frames {
            let options = EncodeOptions { version, skip_content_length: *skip_content_length };
            let before = stream.clone();
            if frame.encode(options, &mut stream).is_err() {
                prop_assert_eq!(&stream, &before, "a refused frame leaves the buffer unchanged");
                continue;
            }
            expected.push(Item::Frame(expected_back(frame, options)));
            for _ in 0..*heartbeats {
                stream.extend_from_slice(if version == Version::V1_2 { b"\r\n" } else { b"\n" });
                expected.push(Item::Heartbeat);
            }
        }
        let parser = Parser::new().version(version).follow_connected(false);
        let (items, error) = parse(parser, &chunks(&stream, &sizes));
        prop_assert_eq!(error, None);
        prop_assert_eq!(items, expected);
    }

    #[test]
    fn frames_the_encoder_accepts_under_1_2_escape_every_special_character(
        name in "[a-z]{1,4}",
        value in header_text(0),
    ) {
        // Under 1.2 an escaped frame can carry any header text but NUL.
        let frame = Frame::new(Command::Send).header(&name, &value);
        let mut out = Vec::new();
        let result = frame.encode(EncodeOptions::new(Version::V1_2), &mut out);
        prop_assert_eq!(result.is_ok(), !value.contains('\0'));
    }
}

/// Streams that look enough like STOMP to reach deep into the parser: frame-shaped runs of valid and
/// invalid commands, header lines (content-length and version among them), EOLs of both kinds, bodies
/// with and without their NUL; frames encoded under any version; heart-beats; raw noise.
fn stompish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let bytes = |list: Vec<&'static [u8]>| select(list).prop_map(<[u8]>::to_vec);
    let command = prop_oneof![
        8 => select(Command::ALL.to_vec()).prop_map(|c| c.as_str().as_bytes().to_vec()),
        1 => bytes(vec![b"send", b"", b"SEND ", b"\0"]),
    ];
    let eol = || bytes(vec![b"\n", b"\n", b"\n", b"\n", b"\r\n", b"\r\n", b"\r"]);
    let noise = |max| {
        let octet = prop_oneof![1 => any::<u8>(), 1 => select(b"ab:\\cnr \t\r\0".to_vec())];
        prop::collection::vec(octet, 0..max)
    };
    let header = prop_oneof![
        3 => (0u32..40).prop_map(|n| format!("content-length:{n}").into_bytes()),
        2 => bytes(vec![
            b"version:1.0",
            b"version:1.1",
            b"version:1.2",
            b"content-length:99999999999999999999",
            b"content-length: 1",
            "\u{4e3b}\u{9898}:\u{4f60}\\c\u{597d}".as_bytes(),
        ]),
        4 => "[a-z]{1,5}:[ -~]{0,8}".prop_map(String::into_bytes),
        2 => noise(10),
        // The headers a skipped frame keeps, short, and around the longest it keeps (1 KiB of line).
        2 => (select(NAMING_HEADERS.to_vec()), "[ -~]{0,6}")
            .prop_map(|(name, value)| format!("{name}:{value}").into_bytes()),
        1 => (select(NAMING_HEADERS.to_vec()), 1020usize..1030).prop_map(|(name, len)| {
            format!("{name}:{}", "0".repeat(len - name.len() - 1)).into_bytes()
        }),
    ];
    let shaped = (
        command,
        eol(),
        prop::collection::vec((header, eol()), 0..4),
        eol(),
        noise(40),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(command, eol, headers, blank, body, nul)| {
            let mut out = [command, eol].concat();
            for (line, eol) in headers {
                out.extend(line);
                out.extend(eol);
            }
            out.extend(blank);
            out.extend(body);
            if nul {
                out.push(0);
            }
            out
        });
    let encoded = (frame(), version()).prop_map(|(frame, version)| {
        let mut out = Vec::new();
        let _refused = frame.encode(EncodeOptions::new(version), &mut out);
        out
    });
    let item = prop_oneof![4 => encoded, 4 => shaped, 2 => eol(), 1 => noise(8)];
    prop::collection::vec(item, 0..6).prop_map(|items| items.concat())
}

/// Valid frames, encoded under `version`, whose headers mix the [`NAMING_HEADERS`] with others, many of
/// them over [`small_limits`]; heart-beats between them.
fn frames_with_naming_headers(version: Version) -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        1 => select(NAMING_HEADERS.to_vec()).prop_map(str::to_owned),
        1 => header_text(1),
    ];
    let frame = (
        select(Command::ALL.to_vec()),
        prop::collection::vec((name, header_text(0)), 0..12),
        prop::collection::vec(select(vec![0u8, b'\n', b'a']), 0..64),
        any::<bool>(),
    );
    prop::collection::vec(frame, 1..5).prop_map(move |frames| {
        let mut out = Vec::new();
        for (command, headers, body, skip_content_length) in frames {
            let frame = Frame {
                command,
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect(),
                body,
            };
            let options = EncodeOptions {
                version,
                skip_content_length,
            };
            let _refused = frame.encode(options, &mut out);
            out.push(b'\n');
        }
        out
    })
}

/// A version, and a stream written for it.
fn stream() -> impl Strategy<Value = (Version, Vec<u8>)> {
    version().prop_flat_map(|version| {
        let bytes = prop_oneof![stompish_bytes(), frames_with_naming_headers(version)];
        (Just(version), bytes)
    })
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (0usize..96, 0usize..6, 0usize..48).prop_map(|(h, n, b)| Limits {
        max_header_bytes: h,
        max_headers: n,
        max_body_bytes: b,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_and_mean_the_same_whatever_the_chunking(
        bytes in prop_oneof![stompish_bytes(), prop::collection::vec(any::<u8>(), 0..256)],
        limits in prop_oneof![Just(Limits::DEFAULT), small_limits()],
        version in version(),
        follow in any::<bool>(),
        skip in any::<bool>(),
        sizes in chunking(),
    ) {
        let parser = || {
            Parser::with_limits(limits).version(version).follow_connected(follow).skip_oversized(skip)
        };
        let bound = memory_bound(limits, skip);
        let whole = parse_within(parser(), &[&bytes], bound);
        let chunked = parse_within(parser(), &chunks(&bytes, &sizes), bound);
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        let one_by_one = parse_within(parser(), &bytewise, bound);
        prop_assert_eq!(&chunked, &whole);
        prop_assert_eq!(&one_by_one, &whole);
    }

    #[test]
    fn parsed_frames_reencode_to_the_same_frames(
        bytes in stompish_bytes(),
        version in version(),
    ) {
        let (items, _) = parse(Parser::new().version(version).follow_connected(false), &[&bytes]);
        for item in items {
            let Item::Frame(frame) = item else { continue };
            let options = EncodeOptions::new(version);
            let mut out = Vec::new();
            if frame.encode(options, &mut out).is_err() {
                continue;
            }
            let (back, error) = parse(Parser::new().version(version).follow_connected(false), &[&out]);
            prop_assert_eq!(error, None);
            prop_assert_eq!(back, vec![Item::Frame(expected_back(&frame, options))]);
        }
    }
}

/// Checks a frame skipped for exceeding `limits` against the same frame read without limits.
fn check_skipped(
    skipped: &Skipped,
    full: &Frame,
    limits: Limits,
    version: Version,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(skipped.command, full.command);
    // What is kept is some of the frame's headers, in order: a prefix, then naming headers, each
    // name once at most (the first of the frame).
    let mut rest = full.headers.iter();
    for header in skipped.headers.iter() {
        prop_assert!(
            rest.any(|h| h == header),
            "{:?} not in {:?} in order",
            header,
            full.headers
        );
    }
    let prefix = skipped
        .headers
        .iter()
        .zip(full.headers.iter())
        .take_while(|(s, f)| s == f)
        .count();
    for (index, (name, _)) in skipped.headers.iter().enumerate().skip(prefix) {
        prop_assert!(
            NAMING_HEADERS.contains(&name),
            "{} kept past the limit",
            name
        );
        let repeated = skipped.headers.iter().take(index).any(|(n, _)| n == name);
        prop_assert!(!repeated, "a second {} kept", name);
    }
    match skipped.limit {
        Limit::BodyBytes => {
            prop_assert_eq!(&skipped.headers, &full.headers);
            prop_assert!(full.body.len() > limits.max_body_bytes);
        }
        Limit::Headers => {
            prop_assert!(full.headers.len() > limits.max_headers);
            let kept = skipped.headers.iter().take(limits.max_headers);
            prop_assert!(kept.eq(full.headers.iter().take(limits.max_headers)));
        }
        Limit::HeaderBytes => {}
    }
    for name in NAMING_HEADERS {
        let (kept, value) = (skipped.headers.get(name), full.headers.get(name));
        prop_assert!(
            kept.is_none() || kept == value,
            "{}: {:?} for {:?}",
            name,
            kept,
            value
        );
        // A line of at most 1 KiB is kept: so is any value that short even escaped (under 1.0 a
        // value may have been trimmed of any padding).
        let short = value.is_some_and(|v| name.len() + 1 + 2 * v.len() <= 1024);
        prop_assert!(
            !short || version == Version::V1_0 || kept == value,
            "{} dropped",
            name
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn skipping_changes_only_what_would_fail_on_a_limit(
        (version, bytes) in stream(),
        limits in prop_oneof![Just(Limits::DEFAULT), small_limits()],
        follow in any::<bool>(),
        sizes in chunking(),
    ) {
        let chunks = chunks(&bytes, &sizes);
        let parser = |skip| {
            Parser::with_limits(limits).version(version).follow_connected(follow).skip_oversized(skip)
        };
        let (strict, strict_error) = parse(parser(false), &chunks);
        let bound = memory_bound(limits, true);
        let (skipping, skipping_error) = parse_within(parser(true), &chunks, bound);
        prop_assert!(skipping.starts_with(&strict));
        match strict_error {
            Some(ParseError::LimitExceeded(limit)) => {
                // No item: the frame could not be skipped (its command line is too long, or it is
                // malformed), or it has not ended yet.
                if let Some(item) = skipping.get(strict.len()) {
                    prop_assert!(
                        matches!(item, Item::Skipped(s) if s.limit == limit),
                        "{:?} where the strict parser failed on {:?}", item, limit
                    );
                }
            }
            other => {
                prop_assert_eq!(skipping.len(), strict.len());
                prop_assert_eq!(skipping_error, other);
            }
        }
    }

    #[test]
    fn skipped_frames_agree_with_a_parser_without_limits(
        (version, bytes) in stream(),
        limits in small_limits(),
        sizes in chunking(),
    ) {
        let chunks = chunks(&bytes, &sizes);
        let unlimited = Limits {
            max_header_bytes: usize::MAX / 64,
            max_headers: usize::MAX / 64,
            max_body_bytes: usize::MAX / 64,
        };
        let parser = |limits| Parser::with_limits(limits).version(version).follow_connected(false);
        let (all, all_error) = parse_within(parser(unlimited), &chunks, usize::MAX);
        let skipper = parser(limits).skip_oversized(true);
        let (skipping, skipping_error) = parse_within(skipper, &chunks, memory_bound(limits, true));
        if all_error.is_none() && skipping_error.is_none() {
            prop_assert_eq!(all.len(), skipping.len());
        }
        // Up to where either failed, item by item.
        for (item, full) in skipping.iter().zip(&all) {
            match (item, full) {
                (Item::Skipped(skipped), Item::Frame(full)) => {
                    check_skipped(skipped, full, limits, version)?;
                }
                _ => prop_assert_eq!(item, full),
            }
        }
    }
}
