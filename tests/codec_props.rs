//! Properties of the codec over random input: encode-then-parse gives the frames back under every
//! version and chunking; arbitrary bytes never panic the parser, never make it hold more than its
//! limits, and mean the same whatever the chunking.

use proptest::prelude::*;
use proptest::sample::select;
use stomp_wasm::frame::{
    Command, EncodeOptions, Frame, Headers, Item, Limits, ParseError, Parser, Version,
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

/// Pushes every chunk, stopping at the first error, checking the memory bound after each push.
fn parse(mut parser: Parser, chunks: &[&[u8]]) -> (Vec<Item>, Option<ParseError>) {
    let limits = parser.limits();
    let bound = 2 * limits.max_header_bytes + 12 * limits.max_headers + limits.max_body_bytes;
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
        sizes in chunking(),
    ) {
        let parser = || Parser::with_limits(limits).version(version).follow_connected(follow);
        let whole = parse(parser(), &[&bytes]);
        let chunked = parse(parser(), &chunks(&bytes, &sizes));
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        let one_by_one = parse(parser(), &bytewise);
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
