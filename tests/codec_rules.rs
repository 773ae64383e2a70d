//! The codec's rules, one test each: the push parser over any chunking, bodies, headers and escapes per
//! version, limits and bounded memory, frames over the limits skipped, version switching on CONNECTED,
//! and the encoder's refusals.

use stomp_wasm::frame::{
    encode, Command, EncodeError, EncodeOptions, Frame, Headers, Item, Limit, Limits, ParseError,
    Parser, Skipped, Version, NAMING_HEADERS,
};

/// Pushes every chunk (stopping at the first error) and drains every item.
fn run(parser: &mut Parser, chunks: &[&[u8]]) -> (Vec<Item>, Option<ParseError>) {
    let mut error = None;
    for chunk in chunks {
        if let Err(e) = parser.push(chunk) {
            error = Some(e);
            break;
        }
    }
    (std::iter::from_fn(|| parser.next_item()).collect(), error)
}

/// Parses `bytes` in one chunk under `version`; panics on error.
fn items(version: Version, bytes: &[u8]) -> Vec<Item> {
    let (items, error) = run(&mut Parser::new().version(version), &[bytes]);
    assert_eq!(
        error,
        None,
        "unexpected error for {:?}",
        String::from_utf8_lossy(bytes)
    );
    items
}

/// The only item of `bytes`, which must be a frame.
fn frame(version: Version, bytes: &[u8]) -> Frame {
    match items(version, bytes).as_slice() {
        [Item::Frame(frame)] => frame.clone(),
        other => panic!("expected one frame, got {other:?}"),
    }
}

/// The error `bytes` ends in, pushed in one chunk and then one byte at a time (both must agree).
fn error(version: Version, bytes: &[u8]) -> ParseError {
    error_with(Parser::new().version(version), bytes)
}

fn error_with(parser: Parser, bytes: &[u8]) -> ParseError {
    let limits = parser.limits();
    let whole = run(
        &mut Parser::with_limits(limits).version(parser.current_version()),
        &[bytes],
    )
    .1;
    let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
    let mut parser = parser;
    let split = run(&mut parser, &bytewise).1;
    assert_eq!(whole, split, "chunking changed the error");
    whole.expect("expected an error")
}

fn headers(frame: &Frame) -> Vec<(&str, &str)> {
    frame.headers.iter().collect()
}

fn encoded(frame: &Frame, options: EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    frame.encode(options, &mut out).map(|()| out)
}

const V10: Version = Version::V1_0;
const V11: Version = Version::V1_1;
const V12: Version = Version::V1_2;

// ---------------------------------------------------------------------------------------------------
// Push parsing over arbitrary chunks

#[test]
fn one_byte_chunks_give_the_same_frames_as_one_chunk() {
    let bytes = b"MESSAGE\ndestination:/q\ncontent-length:3\n\na\0b\0\nSEND\nx:y\n\nhello\0";
    let whole = items(V12, bytes);
    let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
    let (split, error) = run(&mut Parser::new(), &bytewise);
    assert_eq!(error, None);
    assert_eq!(split, whole);
    assert_eq!(whole.len(), 3);
}

#[test]
fn many_frames_and_heartbeats_in_one_chunk_come_out_in_order() {
    let got = items(
        V12,
        b"\nRECEIPT\nreceipt-id:1\n\n\0\r\n\nRECEIPT\nreceipt-id:2\n\n\0",
    );
    let kinds: Vec<String> = got
        .iter()
        .map(|item| match item {
            Item::Heartbeat => "hb".to_owned(),
            Item::Frame(f) => f.headers.get("receipt-id").unwrap_or_default().to_owned(),
            Item::Skipped(s) => panic!("skipped {s:?} without skip_oversized"),
        })
        .collect();
    assert_eq!(kinds, ["hb", "1", "hb", "hb", "2"]);
}

#[test]
fn every_prefix_of_a_frame_is_partial() {
    let bytes =
        "\r\nMESSAGE\r\ndestination:/q/\\c你好\r\ncontent-length:6\r\n\r\na\0😀\0".as_bytes();
    // Start after the heart-beat so that the prefixes are prefixes of the frame itself.
    let frame_start = 2;
    for end in frame_start..bytes.len() {
        let mut parser = Parser::new();
        parser.push(&bytes[..frame_start]).unwrap();
        assert_eq!(parser.next_item(), Some(Item::Heartbeat));
        assert_eq!(
            parser.push(&bytes[frame_start..end]),
            Ok(()),
            "prefix of {end} bytes"
        );
        assert_eq!(
            parser.next_item(),
            None,
            "prefix of {end} bytes yielded an item"
        );
        assert_eq!(parser.in_frame(), end > frame_start);
        parser.push(&bytes[end..]).unwrap();
        assert!(matches!(parser.next_item(), Some(Item::Frame(_))));
        assert!(!parser.in_frame());
    }
}

#[test]
fn eols_between_frames_are_heartbeats_never_frames() {
    let got = items(V12, b"\n\n\nSEND\n\n\0\n\n");
    let heartbeats = got.iter().filter(|i| **i == Item::Heartbeat).count();
    let frames = got.iter().filter(|i| matches!(i, Item::Frame(_))).count();
    assert_eq!((heartbeats, frames), (5, 1));
    assert_eq!(got[3], Item::Frame(Frame::new(Command::Send)));
}

#[test]
fn crlf_heartbeat_is_one_heartbeat() {
    assert_eq!(items(V12, b"\r\n\r\n"), [Item::Heartbeat, Item::Heartbeat]);
}

#[test]
fn crlf_heartbeat_split_across_chunks() {
    let mut parser = Parser::new();
    parser.push(b"\r").unwrap();
    assert_eq!(parser.next_item(), None);
    assert!(!parser.in_frame(), "half a heart-beat is not a frame");
    parser.push(b"\n").unwrap();
    assert_eq!(parser.next_item(), Some(Item::Heartbeat));
    assert_eq!(parser.next_item(), None);
}

#[test]
fn cr_not_followed_by_lf_between_frames_is_an_error() {
    assert_eq!(error(V12, b"\rSEND\n\n\0"), ParseError::BareCarriageReturn);
}

#[test]
fn heartbeat_runs_are_drained_one_at_a_time() {
    let mut parser = Parser::new();
    parser.push(&[b'\n'; 10_000]).unwrap();
    parser.push(b"SEND\n\n\0\n").unwrap();
    assert_eq!(parser.pending(), 10_002);
    for _ in 0..10_000 {
        assert_eq!(parser.next_item(), Some(Item::Heartbeat));
    }
    assert!(matches!(parser.next_item(), Some(Item::Frame(_))));
    assert_eq!(parser.next_item(), Some(Item::Heartbeat));
    assert_eq!((parser.next_item(), parser.pending()), (None, 0));
}

#[test]
fn crlf_and_lf_line_endings_mix_in_one_frame() {
    let f = frame(V12, b"SEND\r\na:1\nb:2\r\n\r\nbody\0");
    assert_eq!(headers(&f), [("a", "1"), ("b", "2")]);
    assert_eq!(f.body, b"body");
}

#[test]
fn bare_cr_inside_a_header_line_is_an_error() {
    assert_eq!(
        error(V12, b"SEND\na:x\ry\n\n\0"),
        ParseError::BareCarriageReturn
    );
    assert_eq!(
        error(V12, b"SEND\r\r\n\n\0"),
        ParseError::BareCarriageReturn
    );
}

// ---------------------------------------------------------------------------------------------------
// Commands

#[test]
fn unknown_or_miscased_command_is_an_error() {
    assert_eq!(error(V12, b"send\n\n\0"), ParseError::UnknownCommand);
    assert_eq!(error(V12, b"SEND \n\n\0"), ParseError::UnknownCommand);
    assert_eq!(error(V12, b"\0\n"), ParseError::UnknownCommand);
}

#[test]
fn every_client_and_server_command_parses() {
    for command in Command::ALL {
        let bytes = format!("{command}\n\n\0");
        assert_eq!(frame(V12, bytes.as_bytes()).command, command);
    }
}

// ---------------------------------------------------------------------------------------------------
// Bodies

#[test]
fn counted_body_keeps_nul_octets() {
    let f = frame(V12, b"MESSAGE\ncontent-length:5\n\n\0a\0\0b\0");
    assert_eq!(f.body, b"\0a\0\0b");
}

#[test]
fn missing_nul_after_counted_body_is_an_error() {
    assert_eq!(
        error(V12, b"SEND\ncontent-length:2\n\nabc\0"),
        ParseError::MissingNul
    );
    assert_eq!(
        error(V12, b"SEND\ncontent-length:0\n\n\n"),
        ParseError::MissingNul
    );
}

#[test]
fn body_without_content_length_ends_at_first_nul() {
    let (got, error) = run(&mut Parser::new(), &[b"SEND\n\nab\0cd\n\0"]);
    assert_eq!(got.len(), 1);
    assert!(matches!(&got[0], Item::Frame(f) if f.body == b"ab"));
    // The octets after the first NUL start a new frame, and "cd" is not a command.
    assert_eq!(error, Some(ParseError::UnknownCommand));
}

#[test]
fn zero_content_length_is_an_empty_body() {
    assert_eq!(frame(V12, b"SEND\ncontent-length:0\n\n\0").body, b"");
}

#[test]
fn content_length_must_be_a_plain_decimal() {
    for bad in ["-1", "+5", "0x10", " 5", "5 ", "", "1e3", "٣"] {
        let bytes = format!("SEND\ncontent-length:{bad}\n\nhello\0");
        assert_eq!(
            error(V12, bytes.as_bytes()),
            ParseError::InvalidContentLength,
            "content-length {bad:?}"
        );
    }
    assert_eq!(
        frame(V12, b"SEND\ncontent-length:0005\n\nhello\0").body,
        b"hello"
    );
}

#[test]
fn first_content_length_wins() {
    let f = frame(V12, b"SEND\ncontent-length:2\ncontent-length:9\n\nhi\0");
    assert_eq!(f.body, b"hi");
    assert_eq!(f.headers.get_all("content-length").count(), 2);
}

#[test]
fn content_length_over_the_body_limit_fails_before_the_body_arrives() {
    let limits = Limits {
        max_body_bytes: 10,
        ..Limits::DEFAULT
    };
    let mut parser = Parser::with_limits(limits);
    assert_eq!(
        parser.push(b"SEND\ncontent-length:11\n\n"),
        Err(ParseError::LimitExceeded(Limit::BodyBytes))
    );
    let huge = b"SEND\ncontent-length:99999999999999999999999999\n\n";
    assert_eq!(
        error(V12, huge),
        ParseError::LimitExceeded(Limit::BodyBytes)
    );
}

// ---------------------------------------------------------------------------------------------------
// Headers

#[test]
fn header_values_are_not_trimmed_under_1_2() {
    let f = frame(V12, b"SEND\na: padded \t\nb:\n\n\0");
    assert_eq!(headers(&f), [("a", " padded \t"), ("b", "")]);
}

#[test]
fn header_names_are_not_trimmed() {
    for version in Version::ALL {
        let f = frame(version, b"SEND\n a :v\n\n\0");
        assert_eq!(headers(&f), [(" a ", "v")], "{version}");
    }
}

#[test]
fn header_values_are_not_trimmed_under_1_1() {
    assert_eq!(headers(&frame(V11, b"SEND\na: x \n\n\0")), [("a", " x ")]);
}

#[test]
fn header_values_are_trimmed_of_spaces_and_tabs_under_1_0() {
    let f = frame(V10, b"SEND\na: \tpadded\t \ncontent-length: 2 \n\nhi\0");
    assert_eq!(headers(&f), [("a", "padded"), ("content-length", "2")]);
    assert_eq!(f.body, b"hi");
}

#[test]
fn header_line_without_colon_is_an_error() {
    assert_eq!(
        error(V12, b"SEND\nno-colon\n\n\0"),
        ParseError::HeaderWithoutColon
    );
}

#[test]
fn header_line_starting_with_colon_is_an_error() {
    assert_eq!(
        error(V12, b"SEND\n:value\n\n\0"),
        ParseError::EmptyHeaderName
    );
}

#[test]
fn repeated_headers_are_all_kept_in_order_and_lookup_returns_the_first() {
    let f = frame(V12, b"MESSAGE\nfoo:World\nfoo:Hello\nbar:x\nfoo:!\n\n\0");
    assert_eq!(f.headers.get("foo"), Some("World"));
    assert_eq!(
        f.headers.get_all("foo").collect::<Vec<_>>(),
        ["World", "Hello", "!"]
    );
    assert_eq!(f.headers.len(), 4);
    assert_eq!(f.headers.at(2), Some(("bar", "x")));
}

#[test]
fn first_colon_separates_name_and_value() {
    assert_eq!(headers(&frame(V12, b"SEND\na:b:c\n\n\0")), [("a", "b:c")]);
}

#[test]
fn escapes_are_decoded_under_1_2() {
    let f = frame(V12, b"SEND\nk\\cey:a\\r\\nb\\cc\\\\d\n\n\0");
    assert_eq!(headers(&f), [("k:ey", "a\r\nb:c\\d")]);
}

#[test]
fn escapes_under_1_1_exclude_carriage_return() {
    let f = frame(V11, b"SEND\nk:a\\nb\\cc\\\\d\n\n\0");
    assert_eq!(headers(&f), [("k", "a\nb:c\\d")]);
    assert_eq!(
        error(V11, b"SEND\nk:a\\rb\n\n\0"),
        ParseError::InvalidEscape
    );
}

#[test]
fn backslashes_are_literal_under_1_0() {
    let f = frame(V10, b"SEND\nk\\t:a\\nb\\\n\n\0");
    assert_eq!(headers(&f), [("k\\t", "a\\nb\\")]);
}

#[test]
fn undefined_escape_is_an_error() {
    for bad in [&b"k:a\\tb"[..], b"k:ab\\", b"k\\:v", b"k:\\C", b"k:\\ "] {
        let mut bytes = b"SEND\n".to_vec();
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(b"\n\n\0");
        assert_eq!(error(V12, &bytes), ParseError::InvalidEscape, "{bad:?}");
    }
}

#[test]
fn connect_stomp_and_connected_are_never_unescaped() {
    for command in ["CONNECT", "STOMP", "CONNECTED"] {
        for version in [V11, V12] {
            let bytes = format!("{command}\npasscode:a\\cb\\n\\t\\\nversion:{version}\n\n\0");
            let f = frame(version, bytes.as_bytes());
            assert_eq!(
                f.headers.get("passcode"),
                Some("a\\cb\\n\\t\\"),
                "{command} {version}"
            );
        }
    }
}

#[test]
fn header_that_is_not_utf8_is_an_error() {
    assert_eq!(
        error(V12, b"SEND\nk:\xff\xfe\n\n\0"),
        ParseError::InvalidUtf8
    );
    // The body is octets, not text: anything goes there.
    assert_eq!(frame(V12, b"SEND\n\n\xff\xfe\0").body, b"\xff\xfe");
}

#[test]
fn unicode_headers_and_bodies_survive() {
    let bytes = "MESSAGE\n主题:你好\\c世界 👋\n\n表情 😀🎉\0".as_bytes();
    let f = frame(V12, bytes);
    assert_eq!(headers(&f), [("主题", "你好:世界 👋")]);
    assert_eq!(f.body_text(), Ok("表情 😀🎉"));
}

// ---------------------------------------------------------------------------------------------------
// Limits and memory

#[test]
fn limits_default_to_8k_of_head_128_headers_and_16m_of_body() {
    let limits = Parser::new().limits();
    assert_eq!(limits, Limits::default());
    assert_eq!(
        (
            limits.max_header_bytes,
            limits.max_headers,
            limits.max_body_bytes
        ),
        (8 * 1024, 128, 16 * 1024 * 1024)
    );
}

#[test]
fn limits_exceeded_name_the_limit() {
    let limits = Limits {
        max_header_bytes: 64,
        max_headers: 2,
        max_body_bytes: 8,
    };
    let cases: [(&[u8], Limit); 4] = [
        (&[b'a'; 100], Limit::HeaderBytes),
        (b"SEND\na:1\nb:2\nc:3\n\n\0", Limit::Headers),
        (b"SEND\n\n123456789\0", Limit::BodyBytes),
        (b"SEND\ncontent-length:9\n\n123456789\0", Limit::BodyBytes),
    ];
    for (bytes, limit) in cases {
        let e = error_with(Parser::with_limits(limits), bytes);
        assert_eq!(e, ParseError::LimitExceeded(limit));
        assert!(
            e.to_string().contains(limit.name()),
            "{e} names {}",
            limit.name()
        );
    }
    assert_eq!(
        [Limit::HeaderBytes, Limit::Headers, Limit::BodyBytes].map(Limit::name),
        ["max_header_bytes", "max_headers", "max_body_bytes"]
    );
}

#[test]
fn frames_exactly_at_the_limits_are_accepted() {
    let head = b"SEND\na:1\nb:2\n\n"; // 14 octets of head, blank line included
    let limits = Limits {
        max_header_bytes: head.len(),
        max_headers: 2,
        max_body_bytes: 4,
    };
    let mut bytes = head.to_vec();
    bytes.extend_from_slice(b"body\0");
    for chunking in [bytes.len(), 1] {
        let chunks: Vec<&[u8]> = bytes.chunks(chunking).collect();
        let (got, error) = run(&mut Parser::with_limits(limits), &chunks);
        assert_eq!((got.len(), error), (1, None));
    }
    bytes.insert(5, b'x'); // one more octet of head
    assert_eq!(
        error_with(Parser::with_limits(limits), &bytes),
        ParseError::LimitExceeded(Limit::HeaderBytes)
    );
}

/// What [`Parser::buffered_bytes`] may reach for `limits`.
fn memory_bound(limits: Limits) -> usize {
    2 * limits.max_header_bytes + 12 * limits.max_headers + limits.max_body_bytes
}

#[test]
fn memory_stays_bounded_by_the_limits_whatever_the_input() {
    let limits = Limits {
        max_header_bytes: 1000,
        max_headers: 10,
        max_body_bytes: 5000,
    };
    let endless_line = vec![b'A'; 100_000];
    let endless_body = [&b"SEND\n\n"[..], &[b'x'; 100_000]].concat();
    let many_headers = [&b"SEND\n"[..], &b"a:b\n".repeat(1000)].concat();
    for input in [endless_line, endless_body, many_headers] {
        for chunk_size in [1, 7, 4096, input.len()] {
            let mut parser = Parser::with_limits(limits);
            for chunk in input.chunks(chunk_size) {
                let result = parser.push(chunk);
                assert!(parser.buffered_bytes() <= memory_bound(limits));
                if result.is_err() {
                    break;
                }
            }
            assert!(matches!(
                parser.push(b""),
                Err(ParseError::LimitExceeded(_))
            ));
        }
    }
}

#[test]
fn content_length_promise_allocates_nothing_until_the_body_arrives() {
    let mut parser = Parser::new();
    parser.push(b"SEND\ncontent-length:16000000\n\n").unwrap();
    assert!(
        parser.buffered_bytes() < 4096,
        "held {}",
        parser.buffered_bytes()
    );
    parser.push(b"abc").unwrap();
    assert!(
        parser.buffered_bytes() < 4096,
        "held {}",
        parser.buffered_bytes()
    );
}

#[test]
fn parser_is_linear_in_chunking() {
    // A 1 MiB counted body pushed one byte at a time completes, and what the parser holds never
    // exceeds the body itself plus a small head: it appends each octet once, and grows its buffers
    // geometrically (amortised O(1) per octet) without re-scanning what it has seen.
    const BODY: usize = 1 << 20;
    let mut bytes = format!("MESSAGE\ndestination:/q\ncontent-length:{BODY}\n\n").into_bytes();
    let head = bytes.len();
    bytes.extend((0..BODY).map(|i| (i % 251) as u8));
    bytes.push(0);
    bytes.extend_from_slice(b"MESSAGE\n\n");
    bytes.extend(std::iter::repeat_n(b'z', BODY));
    bytes.push(0);

    let mut parser = Parser::new();
    let mut max_held = 0;
    for byte in &bytes {
        parser.push(std::slice::from_ref(byte)).unwrap();
        max_held = max_held.max(parser.buffered_bytes());
    }
    assert!(
        max_held <= 2 * BODY + 2 * head,
        "held up to {max_held} octets"
    );
    let Some(Item::Frame(counted)) = parser.next_item() else {
        panic!("no counted frame")
    };
    assert_eq!(counted.body.len(), BODY);
    assert_eq!(
        counted.body.capacity(),
        BODY,
        "a counted body is never over-allocated"
    );
    assert!(counted
        .body
        .iter()
        .enumerate()
        .all(|(i, &b)| b == (i % 251) as u8));
    let Some(Item::Frame(to_nul)) = parser.next_item() else {
        panic!("no NUL-ended frame")
    };
    assert_eq!(to_nul.body.len(), BODY);
    assert!(
        parser.buffered_bytes() <= 2 * head,
        "buffers handed over with the frames"
    );
}

// ---------------------------------------------------------------------------------------------------
// Skipping frames over the limits (`Parser::skip_oversized`)

const SMALL: Limits = Limits {
    max_header_bytes: 64,
    max_headers: 3,
    max_body_bytes: 8,
};

/// A frame that always parses, to show the stream goes on after a skipped one.
const NEXT: &[u8] = b"RECEIPT\nreceipt-id:next\n\n\0\n";

fn skipper(limits: Limits) -> Parser {
    Parser::with_limits(limits).skip_oversized(true)
}

/// `bytes` through `make()` whole, one byte at a time, and in chunks of 2, 3, 7, 64 and 4096 octets:
/// every way gives the same items and error, which it returns.
fn every_chunking(make: impl Fn() -> Parser, bytes: &[u8]) -> (Vec<Item>, Option<ParseError>) {
    let whole = run(&mut make(), &[bytes]);
    for size in [1, 2, 3, 7, 64, 4096] {
        let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
        assert_eq!(run(&mut make(), &chunks), whole, "chunks of {size}");
    }
    whole
}

/// Headers as `(name, value)` pairs.
type Pairs<'a> = &'a [(&'a str, &'a str)];

fn skipped(command: Command, headers: Pairs, limit: Limit) -> Item {
    Item::Skipped(Skipped {
        command,
        headers: headers.iter().copied().collect(),
        limit,
    })
}

fn next_frame() -> [Item; 2] {
    [
        Item::Frame(Frame::new(Command::Receipt).header("receipt-id", "next")),
        Item::Heartbeat,
    ]
}

#[test]
fn skipping_is_off_by_default() {
    let bytes = [&b"MESSAGE\n\n123456789\0"[..], NEXT].concat();
    for mut parser in [
        Parser::with_limits(SMALL),
        skipper(SMALL).skip_oversized(false),
    ] {
        let (got, error) = run(&mut parser, &[&bytes]);
        assert_eq!(
            (got, error),
            (vec![], Some(ParseError::LimitExceeded(Limit::BodyBytes)))
        );
    }
}

#[test]
fn a_frame_over_each_limit_is_skipped_and_the_next_frame_parses() {
    let long_line = format!("x:{}\n", "a".repeat(100));
    let cases: [(Vec<u8>, Pairs, Limit); 4] = [
        (
            // The head passes 64 octets on the long line; what follows it is read for names only.
            [
                "MESSAGE\nsubscription:s\n",
                &long_line,
                "y:z\nmessage-id:m\n\nbody\0",
            ]
            .concat()
            .into_bytes(),
            &[("subscription", "s"), ("message-id", "m")],
            Limit::HeaderBytes,
        ),
        (
            b"MESSAGE\na:1\nb:2\nc:3\nd:4\nsubscription:s\nack:k\n\n\0".to_vec(),
            &[
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
                ("subscription", "s"),
                ("ack", "k"),
            ],
            Limit::Headers,
        ),
        (
            // Counted, with NULs in it: the body is skipped by its length.
            b"MESSAGE\nsubscription:s\ncontent-length:12\n\n12345\0\0x89ab\0".to_vec(),
            &[("subscription", "s"), ("content-length", "12")],
            Limit::BodyBytes,
        ),
        (
            b"MESSAGE\nsubscription:s\n\n123456789\0".to_vec(),
            &[("subscription", "s")],
            Limit::BodyBytes,
        ),
    ];
    for (frame, headers, limit) in cases {
        let bytes = [&frame[..], NEXT].concat();
        let (got, error) = every_chunking(|| skipper(SMALL), &bytes);
        assert_eq!(error, None, "{limit:?}");
        let mut expected = vec![skipped(Command::Message, headers, limit)];
        expected.extend(next_frame());
        assert_eq!(got, expected);
        // Without skipping, the same bytes fail on that limit.
        assert_eq!(
            error_with(Parser::with_limits(SMALL), &bytes),
            ParseError::LimitExceeded(limit)
        );
    }
}

/// The naming headers, as written (escaped under 1.1 and 1.2), and as read back.
const NAMING: [(&str, &str, &str); 7] = [
    ("subscription", "sub-0", "sub-0"),
    ("message-id", "T_1@@session\\c7", "T_1@@session:7"),
    ("ack", "a\\\\1", "a\\1"),
    ("receipt-id", "r-1", "r-1"),
    ("destination", "/queue/a\\nb", "/queue/a\nb"),
    ("content-length", "3", "3"),
    ("content-type", "text/plain", "text/plain"),
];

fn naming_lines() -> String {
    NAMING
        .iter()
        .map(|(name, raw, _)| format!("{name}:{raw}\n"))
        .collect()
}

fn naming_read() -> Vec<(&'static str, &'static str)> {
    NAMING
        .iter()
        .map(|&(name, _, value)| (name, value))
        .collect()
}

#[test]
fn naming_headers_after_200_others_are_kept() {
    assert_eq!(
        NAMING_HEADERS.to_vec(),
        NAMING.map(|(name, _, _)| name).to_vec()
    );
    let others: String = (0..200).map(|i| format!("h{i}:v{i}\n")).collect();
    let bytes = ["MESSAGE\n", &others, &naming_lines(), "\na\0b\0"]
        .concat()
        .into_bytes();
    let bytes = [&bytes[..], NEXT].concat();
    let (got, error) = every_chunking(Parser::new, &bytes);
    assert_eq!(
        error,
        Some(ParseError::LimitExceeded(Limit::Headers)),
        "off by default"
    );
    assert!(got.is_empty());

    let (got, error) = every_chunking(|| Parser::new().skip_oversized(true), &bytes);
    assert_eq!(error, None);
    let kept: Vec<(String, String)> = (0..128)
        .map(|i| (format!("h{i}"), format!("v{i}")))
        .collect();
    let mut headers: Vec<(&str, &str)> =
        kept.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    headers.extend(naming_read());
    let mut expected = vec![skipped(Command::Message, &headers, Limit::Headers)];
    expected.extend(next_frame());
    assert_eq!(got, expected);
}

#[test]
fn naming_headers_after_a_head_over_its_bytes_are_kept() {
    // 10 KiB of head before them, default limits (8 KiB): none of the others is kept past the limit.
    let big = format!("big:{}\n", "x".repeat(10 * 1024));
    let bytes = [
        "MESSAGE\nfirst:1\n",
        &big,
        "after:2\n",
        &naming_lines(),
        "\na\0b\0",
    ]
    .concat()
    .into_bytes();
    let bytes = [&bytes[..], NEXT].concat();
    let (got, error) = every_chunking(|| Parser::new().skip_oversized(true), &bytes);
    assert_eq!(error, None);
    let mut headers = vec![("first", "1")];
    headers.extend(naming_read());
    let mut expected = vec![skipped(Command::Message, &headers, Limit::HeaderBytes)];
    expected.extend(next_frame());
    assert_eq!(got, expected);
}

#[test]
fn only_the_first_of_a_naming_header_counts_and_only_up_to_1_kib() {
    let limits = Limits {
        max_headers: 1,
        ..Limits::DEFAULT
    };
    let bytes = [
        "MESSAGE\nmessage-id:1\nx:y\nmessage-id:2\n".to_owned(),
        // The first subscription is too long to keep, so none is (the second is not the frame's).
        format!("subscription:{}\nsubscription:short\n", "s".repeat(1100)),
        // 1024 octets of line is kept (its CR is not counted); 1025 is not.
        format!("ack:{}\r\n", "a".repeat(1020)),
        format!("destination:{}\n", "d".repeat(1013)),
        "\n\0".to_owned(),
    ]
    .concat()
    .into_bytes();
    let (got, error) = every_chunking(|| skipper(limits), &bytes);
    assert_eq!(error, None);
    let ack = "a".repeat(1020);
    assert_eq!(
        got,
        [skipped(
            Command::Message,
            &[("message-id", "1"), ("ack", &ack)],
            Limit::Headers
        )]
    );
}

#[test]
fn what_cannot_be_skipped_is_still_an_error() {
    let many: String = (0..4).map(|i| format!("h{i}:v\n")).collect();
    let cases: [(String, ParseError); 8] = [
        // The command line itself is over the head limit: there is no frame to name.
        (
            "a".repeat(100),
            ParseError::LimitExceeded(Limit::HeaderBytes),
        ),
        (
            format!("MESSAGE{}\n\n\0", "x".repeat(100)),
            ParseError::LimitExceeded(Limit::HeaderBytes),
        ),
        // A content-length too long to read: the end of the frame cannot be found.
        (
            format!("MESSAGE\n{many}content-length:{}1\n\n1\0", "0".repeat(1010)),
            ParseError::LimitExceeded(Limit::Headers),
        ),
        (
            format!("MESSAGE\n{many}content-length:x\n\n\0"),
            ParseError::InvalidContentLength,
        ),
        (
            format!("MESSAGE\n{many}content-length:1\n\n12\0"),
            ParseError::MissingNul,
        ),
        (
            format!("MESSAGE\n{many}subscription:a\\qb\n\n\0"),
            ParseError::InvalidEscape,
        ),
        (
            format!("MESSAGE\n{many}ack\n\n\0"),
            ParseError::HeaderWithoutColon,
        ),
        (
            format!("MESSAGE\n{many}x:a\rb\n\n\0"),
            ParseError::BareCarriageReturn,
        ),
    ];
    for (bytes, expected) in cases {
        let (got, error) = every_chunking(|| skipper(SMALL), bytes.as_bytes());
        assert_eq!((got, error), (vec![], Some(expected)), "{bytes:?}");
    }
}

#[test]
fn lines_past_a_limit_that_are_not_kept_are_not_read() {
    // Malformed as they are, they would be errors in a frame within the limits.
    let bytes = b"MESSAGE\na:1\nb:2\nc:3\nno colon\n\xff\xfe:x\nk:bad\\q\n:v\nack:1\n\n\0";
    let (got, error) = every_chunking(|| skipper(SMALL), bytes);
    assert_eq!(error, None);
    assert_eq!(
        got,
        [skipped(
            Command::Message,
            &[("a", "1"), ("b", "2"), ("c", "3"), ("ack", "1")],
            Limit::Headers
        )]
    );
}

#[test]
fn lines_past_a_limit_are_read_as_far_as_a_naming_header_can_go() {
    // A bare CR is an error in the first 1026 octets of a line (a naming header of 1024, its CR, and
    // one octet to tell it is longer); after that it is not seen, however the line was cut. The long
    // line crosses the 8 KiB head limit, so that line-by-line the skip starts with most of it read.
    let line = |at: usize| format!("x:{}\r{}\n", "a".repeat(at - 2), "a".repeat(9000 - at));
    for (at, error) in [
        (1024, Some(ParseError::BareCarriageReturn)),
        (1026, None),
        (2000, None),
    ] {
        let bytes = ["MESSAGE\n", &line(at), "\n\0"].concat().into_bytes();
        let (got, got_error) = every_chunking(|| Parser::new().skip_oversized(true), &bytes);
        assert_eq!(got_error, error, "CR at {at}");
        assert_eq!(got.len(), usize::from(error.is_none()));
    }
}

#[test]
fn naming_headers_follow_the_version_rules() {
    let limits = Limits {
        max_headers: 0,
        ..Limits::DEFAULT
    };
    let bytes = b"MESSAGE\nsubscription: s\\c1 \nack:a\\rb\n\n\0";
    let read = |version| every_chunking(|| skipper(limits).version(version), bytes);
    // 1.0: no escapes, values trimmed.
    assert_eq!(
        read(V10),
        (
            vec![skipped(
                Command::Message,
                &[("subscription", "s\\c1"), ("ack", "a\\rb")],
                Limit::Headers
            )],
            None
        )
    );
    assert_eq!(
        read(V12).0,
        [skipped(
            Command::Message,
            &[("subscription", " s:1 "), ("ack", "a\rb")],
            Limit::Headers
        )]
    );
    assert_eq!(read(V11), (vec![], Some(ParseError::InvalidEscape)));
}

#[test]
fn every_prefix_of_a_skipped_frame_is_partial() {
    let bytes =
        b"MESSAGE\r\na:1\r\nb:2\r\nc:3\r\nd:4\r\nack:x\r\ncontent-length:9\r\n\r\n1234\x005678\0";
    for end in 0..bytes.len() {
        let mut parser = skipper(SMALL);
        parser.push(&bytes[..end]).unwrap();
        assert_eq!(parser.next_item(), None, "prefix of {end} octets");
        assert_eq!(parser.in_frame(), end > 0);
        parser.push(&bytes[end..]).unwrap();
        assert!(matches!(parser.next_item(), Some(Item::Skipped(s)) if s.limit == Limit::Headers));
        assert!(!parser.in_frame());
    }
}

#[test]
fn a_skipped_connected_switches_no_version_and_reset_ends_a_skip() {
    let limits = Limits {
        max_headers: 0,
        ..Limits::DEFAULT
    };
    let mut parser = skipper(limits);
    parser.push(b"CONNECTED\nversion:1.0\n\n\0").unwrap();
    assert!(
        matches!(parser.next_item(), Some(Item::Skipped(s)) if s.command == Command::Connected)
    );
    assert_eq!(parser.current_version(), V12);

    let mut parser = skipper(SMALL);
    parser.push(b"MESSAGE\n\n123456789").unwrap();
    assert!(parser.in_frame());
    parser.reset();
    parser.push(b"SEND\n\nabc\0").unwrap();
    assert_eq!(
        parser.next_item(),
        Some(Item::Frame(Frame::new(Command::Send).body("abc")))
    );
}

/// What [`Parser::buffered_bytes`] may reach while a frame is skipped.
fn skip_memory_bound(limits: Limits) -> usize {
    2 * limits.max_header_bytes + 12 * limits.max_headers + 8278
}

/// Pushes `chunks` (an iterator, so that a gigabyte need not exist at once) into `parser`, checking
/// after each push that it holds no more than `bound`; returns the items.
fn push_bounded<'a>(
    parser: &mut Parser,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    bound: usize,
) -> Vec<Item> {
    let mut max_held = 0;
    for chunk in chunks {
        parser.push(chunk).unwrap();
        max_held = max_held.max(parser.buffered_bytes());
    }
    assert!(max_held <= bound, "held {max_held} octets, bound {bound}");
    std::iter::from_fn(|| parser.next_item()).collect()
}

#[test]
fn a_gigabyte_body_is_skipped_within_the_limits() {
    const GIB: usize = 1 << 30;
    let limits = Limits {
        max_body_bytes: 64 * 1024,
        ..Limits::DEFAULT
    };
    assert!(skip_memory_bound(limits) <= memory_bound(limits));
    let chunk = vec![b'x'; 64 * 1024];
    let body = || std::iter::repeat_n(&chunk[..], GIB / chunk.len());
    let head = format!("MESSAGE\nsubscription:s\ncontent-length:{GIB}\n\n");
    for head in [head.as_str(), "MESSAGE\nsubscription:s\n\n"] {
        let mut parser = skipper(limits);
        let stream = std::iter::once(head.as_bytes())
            .chain(body())
            .chain([&b"\0"[..], NEXT]);
        let got = push_bounded(&mut parser, stream, memory_bound(limits));
        assert!(matches!(&got[0], Item::Skipped(s) if s.limit == Limit::BodyBytes));
        assert_eq!(got[1..], next_frame());
    }
}

#[test]
fn a_head_of_megabytes_is_skipped_within_the_limits() {
    let limits = Limits {
        max_body_bytes: 64 * 1024,
        ..Limits::DEFAULT
    };
    let many = "a:b\n".repeat(300_000);
    let long = format!("long:{}\n", "x".repeat(5 << 20));
    let naming = naming_lines();
    for others in [&many, &long] {
        let bytes = ["MESSAGE\n", others, &naming, "\na\0b\0"]
            .concat()
            .into_bytes();
        let bytes = [&bytes[..], NEXT].concat();
        for size in [7, 64 * 1024] {
            let got = push_bounded(
                &mut skipper(limits),
                bytes.chunks(size),
                memory_bound(limits),
            );
            let Item::Skipped(skipped) = &got[0] else {
                panic!("not skipped: {:?}", got[0])
            };
            assert_eq!(skipped.headers.get("content-length"), Some("3"));
            assert_eq!(got[1..], next_frame());
        }
    }
}

#[test]
fn memory_while_skipping_stays_bounded_under_tiny_limits() {
    let limits = Limits {
        max_header_bytes: 16,
        max_headers: 1,
        max_body_bytes: 0,
    };
    // Every naming header at its longest (but content-length, so that the body goes to a NUL), after
    // an endless line, then an endless body.
    let naming: String = NAMING_HEADERS
        .iter()
        .filter(|name| **name != "content-length")
        .map(|name| format!("{name}:{}\n", "v".repeat(1023 - name.len())))
        .collect();
    let bytes = [
        "SEND\nx:",
        &"y".repeat(100_000),
        "\n",
        &naming,
        "\n",
        &"b".repeat(100_000),
    ]
    .concat()
    .into_bytes();
    for size in [1, 13, 4096] {
        let mut parser = skipper(limits);
        let got = push_bounded(&mut parser, bytes.chunks(size), skip_memory_bound(limits));
        assert!(got.is_empty() && parser.in_frame());
        // Once the frame ends, the parser holds no more than its limits allow outside a skip.
        parser.push(b"\0SEND\n\n").unwrap();
        assert!(matches!(parser.next_item(), Some(Item::Skipped(_))));
        assert!(parser.buffered_bytes() <= memory_bound(limits));
    }
}

// ---------------------------------------------------------------------------------------------------
// Errors

#[test]
fn an_error_is_sticky_until_reset() {
    let mut parser = Parser::new();
    assert_eq!(parser.push(b"BOGUS\n"), Err(ParseError::UnknownCommand));
    assert_eq!(parser.push(b"SEND\n\n\0"), Err(ParseError::UnknownCommand));
    assert_eq!(parser.next_item(), None);
    parser.reset();
    parser.push(b"SEND\n\n\0").unwrap();
    assert!(matches!(parser.next_item(), Some(Item::Frame(_))));
}

#[test]
fn items_completed_before_an_error_can_still_be_drained() {
    let (got, error) = run(&mut Parser::new(), &[b"\nSEND\n\n\0\nBAD\n"]);
    assert_eq!(got.len(), 3);
    assert_eq!(error, Some(ParseError::UnknownCommand));
}

#[test]
fn parse_errors_display_what_is_wrong() {
    let all = [
        ParseError::UnknownCommand,
        ParseError::HeaderWithoutColon,
        ParseError::EmptyHeaderName,
        ParseError::InvalidEscape,
        ParseError::InvalidUtf8,
        ParseError::BareCarriageReturn,
        ParseError::InvalidContentLength,
        ParseError::MissingNul,
        ParseError::LimitExceeded(Limit::Headers),
    ];
    let texts: std::collections::HashSet<String> = all.iter().map(|e| e.to_string()).collect();
    assert_eq!(texts.len(), all.len(), "each error reads differently");
    assert!(texts.iter().all(|t| t.starts_with("invalid frame: ")));
}

// ---------------------------------------------------------------------------------------------------
// Versions

#[test]
fn connected_switches_the_parser_to_the_version_it_names() {
    // Same chunk: the MESSAGE after CONNECTED is read under 1.0 (no unescaping, values trimmed).
    let mut parser = Parser::new();
    let (got, error) = run(
        &mut parser,
        &[b"CONNECTED\nversion:1.0\n\n\0MESSAGE\nk: a\\cb \n\n\0"],
    );
    assert_eq!(error, None);
    assert_eq!(parser.current_version(), V10);
    let Item::Frame(message) = &got[1] else {
        panic!()
    };
    assert_eq!(message.headers.get("k"), Some("a\\cb"));

    let mut parser = Parser::new().version(V10);
    parser.push(b"CONNECTED\nversion:1.1\n\n\0").unwrap();
    assert_eq!(parser.current_version(), V11);
}

#[test]
fn connected_without_version_means_1_0() {
    let mut parser = Parser::new();
    parser.push(b"CONNECTED\nserver:old\n\n\0").unwrap();
    assert_eq!(parser.current_version(), V10);
}

#[test]
fn connected_with_unknown_version_keeps_the_current_one() {
    let mut parser = Parser::new().version(V11);
    parser.push(b"CONNECTED\nversion:9.9\n\n\0").unwrap();
    assert_eq!(parser.current_version(), V11);
}

#[test]
fn follow_connected_off_keeps_the_version_and_reset_restores_it() {
    let mut parser = Parser::new().version(V11).follow_connected(false);
    parser.push(b"CONNECTED\nversion:1.2\n\n\0").unwrap();
    assert_eq!(parser.current_version(), V11);

    let mut parser = Parser::new().version(V11);
    parser.push(b"CONNECTED\nversion:1.2\n\n\0SEND\n").unwrap();
    assert_eq!(parser.current_version(), V12);
    parser.reset();
    assert_eq!(parser.current_version(), V11);
    assert!(!parser.in_frame());
    assert_eq!(parser.pending(), 0);
}

// ---------------------------------------------------------------------------------------------------
// Encoder

#[test]
fn encoder_escapes_per_version() {
    let f = Frame::new(Command::Send).header("a:b", "c\nd:e\\f");
    let v12 = encoded(&f, EncodeOptions::new(V12)).unwrap();
    assert_eq!(v12, b"SEND\na\\cb:c\\nd\\ce\\\\f\n\n\0");
    let v11 = encoded(&f, EncodeOptions::new(V11)).unwrap();
    assert_eq!(v11, v12, "1.1 escapes the same octets except CR");
    let cr = Frame::new(Command::Send).header("k", "a\rb");
    assert_eq!(
        encoded(&cr, EncodeOptions::new(V12)).unwrap(),
        b"SEND\nk:a\\rb\n\n\0"
    );
    let raw = Frame::new(Command::Send).header("k", "a:b\\c");
    assert_eq!(
        encoded(&raw, EncodeOptions::new(V10)).unwrap(),
        b"SEND\nk:a:b\\c\n\n\0"
    );
}

#[test]
fn encoder_never_escapes_connect_stomp_or_connected() {
    for command in [Command::Connect, Command::Stomp, Command::Connected] {
        let f = Frame::new(command).header("passcode", "p:a\\ss");
        let bytes = encoded(&f, EncodeOptions::new(V12)).unwrap();
        assert_eq!(
            bytes,
            format!("{command}\npasscode:p:a\\ss\n\n\0").as_bytes()
        );
    }
}

#[test]
fn encoder_adds_content_length_to_bodies() {
    let f = Frame::new(Command::Send)
        .header("destination", "/q")
        .body("你好\0!");
    let bytes = encoded(&f, EncodeOptions::new(V12)).unwrap();
    assert_eq!(
        bytes,
        "SEND\ndestination:/q\ncontent-length:8\n\n你好\0!\0".as_bytes()
    );
    let empty = encoded(&Frame::new(Command::Send), EncodeOptions::new(V12)).unwrap();
    assert_eq!(empty, b"SEND\n\n\0", "no content-length for an empty body");
}

#[test]
fn encoder_replaces_a_callers_content_length() {
    let f = Frame::new(Command::Send)
        .header("content-length", "999")
        .header("x", "y")
        .body("hi");
    let bytes = encoded(&f, EncodeOptions::new(V12)).unwrap();
    assert_eq!(bytes, b"SEND\nx:y\ncontent-length:2\n\nhi\0");
}

#[test]
fn encoder_skips_content_length_for_text_bodies_when_asked() {
    let options = EncodeOptions {
        skip_content_length: true,
        ..EncodeOptions::new(V12)
    };
    let f = Frame::new(Command::Send).body("text");
    assert_eq!(encoded(&f, options).unwrap(), b"SEND\n\ntext\0");
    let nul = Frame::new(Command::Send).body(&b"a\0b"[..]);
    assert_eq!(
        encoded(&nul, options),
        Err(EncodeError::NulInBodyWithoutContentLength)
    );
}

#[test]
fn encoder_refuses_newline_in_connect_header() {
    let f = Frame::new(Command::Connect).header("login", "a\nb");
    assert_eq!(
        encoded(&f, EncodeOptions::new(V12)),
        Err(EncodeError::Unrepresentable {
            in_value: true,
            byte: b'\n'
        })
    );
    let cr = Frame::new(Command::Connected).header("server", "x\r");
    assert!(matches!(
        encoded(&cr, EncodeOptions::new(V12)),
        Err(EncodeError::Unrepresentable { byte: b'\r', .. })
    ));
}

#[test]
fn encoder_refuses_colon_in_an_unescaped_header_name() {
    for (command, version) in [(Command::Connect, V12), (Command::Send, V10)] {
        let f = Frame::new(command).header("a:b", "v");
        assert_eq!(
            encoded(&f, EncodeOptions::new(version)),
            Err(EncodeError::Unrepresentable {
                in_value: false,
                byte: b':'
            })
        );
    }
}

#[test]
fn encoder_refuses_carriage_return_under_1_1_and_newline_under_1_0() {
    let cr = Frame::new(Command::Send).header("k", "a\rb");
    assert!(matches!(
        encoded(&cr, EncodeOptions::new(V11)),
        Err(EncodeError::Unrepresentable { byte: b'\r', .. })
    ));
    let lf = Frame::new(Command::Send).header("k\n", "v");
    assert_eq!(
        encoded(&lf, EncodeOptions::new(V10)),
        Err(EncodeError::Unrepresentable {
            in_value: false,
            byte: b'\n'
        })
    );
}

#[test]
fn encoder_refuses_values_a_1_0_reader_would_trim() {
    for value in [" a", "a ", "\ta", "a\t", " "] {
        let f = Frame::new(Command::Send).header("k", value);
        assert!(
            matches!(
                encoded(&f, EncodeOptions::new(V10)),
                Err(EncodeError::Unrepresentable { in_value: true, .. })
            ),
            "{value:?}"
        );
        assert!(encoded(&f, EncodeOptions::new(V12)).is_ok());
    }
    let inner = Frame::new(Command::Send).header("k", "a b");
    assert!(encoded(&inner, EncodeOptions::new(V10)).is_ok());
}

#[test]
fn encoder_refuses_nul_in_headers_and_empty_names() {
    let nul = Frame::new(Command::Send).header("k", "a\0");
    assert_eq!(
        encoded(&nul, EncodeOptions::new(V12)),
        Err(EncodeError::NulInHeader)
    );
    let empty = Frame::new(Command::Send).header("", "v");
    assert_eq!(
        encoded(&empty, EncodeOptions::new(V12)),
        Err(EncodeError::EmptyHeaderName)
    );
}

#[test]
fn encode_error_leaves_buffer_unchanged() {
    let mut out = b"already queued\n".to_vec();
    let good = Frame::new(Command::Send).header("a", "b").body("x");
    good.encode(EncodeOptions::new(V12), &mut out).unwrap();
    let before = out.clone();
    let bad = Frame::new(Command::Send)
        .header(
            "fine",
            "a long value written before the bad header is reached",
        )
        .header("bad", "a\0b")
        .body("body");
    assert!(bad.encode(EncodeOptions::new(V12), &mut out).is_err());
    assert_eq!(out, before);
    let bad_body = Frame::new(Command::Send).body(&b"\0"[..]);
    let skip = EncodeOptions {
        skip_content_length: true,
        ..EncodeOptions::default()
    };
    assert!(bad_body.encode(skip, &mut out).is_err());
    assert_eq!(out, before);
}

#[test]
fn encode_errors_display_the_part_at_fault() {
    let e = EncodeError::Unrepresentable {
        in_value: false,
        byte: b':',
    };
    assert_eq!(
        e.to_string(),
        "cannot encode frame: header name contains ':' which this frame cannot escape"
    );
    assert!(EncodeError::NulInHeader.to_string().contains("NUL"));
}

#[test]
fn encoded_frames_parse_back_under_every_version() {
    let f = Frame::new(Command::Message)
        .header("destination", "/topic/价格")
        .header("k", "v")
        .header("k", "w")
        .body(&b"\0bin\0ary\0"[..]);
    for version in Version::ALL {
        let mut bytes = Vec::new();
        encode(
            f.command,
            &f.headers,
            &f.body,
            EncodeOptions::new(version),
            &mut bytes,
        )
        .unwrap();
        let mut parser = Parser::new().version(version);
        parser.push(&bytes).unwrap();
        let Some(Item::Frame(back)) = parser.next_item() else {
            panic!("{version}")
        };
        let mut expected: Headers = f.headers.clone();
        expected.push("content-length", "9");
        assert_eq!(back.headers, expected, "{version}");
        assert_eq!(back.body, f.body);
    }
}

#[test]
fn heartbeat_constant_is_one_line_feed() {
    let mut parser = Parser::new();
    parser.push(stomp_wasm::frame::HEARTBEAT).unwrap();
    assert_eq!(parser.next_item(), Some(Item::Heartbeat));
}

#[test]
fn a_run_of_eols_drains_in_one_call_whatever_the_chunking() {
    let mut parser = Parser::new();
    parser.push(&[b'\n'; 5]).unwrap();
    parser.push(b"\r").unwrap();
    parser.push(b"\n\r\n\n").unwrap();
    assert_eq!(parser.pending(), 8);
    assert_eq!(parser.take_heartbeats(), 8);
    assert_eq!((parser.take_heartbeats(), parser.pending()), (0, 0));
    parser.push(b"SEND\n\n\0\n\n").unwrap();
    assert_eq!(parser.take_heartbeats(), 0, "a frame is next");
    assert!(matches!(parser.next_item(), Some(Item::Frame(_))));
    assert_eq!(parser.take_heartbeats(), 2);
    assert_eq!(parser.next_item(), None);
}

#[test]
fn eight_mebibytes_of_eols_are_one_run() {
    let mut parser = Parser::new();
    parser.push(&vec![b'\n'; 8 << 20]).unwrap();
    assert_eq!(parser.take_heartbeats(), 8 << 20);
    assert_eq!(parser.next_item(), None);
}

#[test]
fn a_bare_cr_after_a_run_of_eols_is_still_an_error_and_the_run_is_kept() {
    let mut parser = Parser::new();
    assert_eq!(
        parser.push(b"\n\r\n\rX"),
        Err(ParseError::BareCarriageReturn)
    );
    assert_eq!(parser.take_heartbeats(), 2);
}

#[test]
fn only_the_first_connected_switches_the_version() {
    let mut parser = Parser::new();
    parser
        .push(b"CONNECTED\nversion:1.1\n\n\0CONNECTED\nversion:1.0\n\n\0")
        .unwrap();
    assert_eq!(parser.current_version(), Version::V1_1);
    parser.push(b"MESSAGE\nx:a\\cb\n\n\0").unwrap();
    let frames: Vec<Item> = std::iter::from_fn(|| parser.next_item()).collect();
    let Item::Frame(message) = &frames[2] else {
        panic!("{frames:?}")
    };
    assert_eq!(message.headers.get("x"), Some("a:b"));
    // A new connection follows its own first CONNECTED.
    parser.reset();
    parser.push(b"CONNECTED\nversion:1.0\n\n\0").unwrap();
    assert_eq!(parser.current_version(), Version::V1_0);
}

#[test]
fn lenient_before_version_keeps_undefined_escapes_until_the_version_is_known() {
    let bytes = b"ERROR\nmessage:C:\\dir\\n\\q\\\n\n\0";
    assert_eq!(
        error(V12, bytes),
        ParseError::InvalidEscape,
        "strict by default"
    );
    let mut parser = Parser::new().lenient_before_version(true);
    parser.push(bytes).unwrap();
    let Some(Item::Frame(frame)) = parser.next_item() else {
        panic!()
    };
    assert_eq!(frame.headers.get("message"), Some("C:\\dir\n\\q\\"));
    // CONNECTED fixes the version: strict from then on.
    parser
        .push(b"CONNECTED\nversion:1.2\n\n\0ERROR\nmessage:\\q\n\n\0")
        .unwrap_err();
    // So does set_version, and reset goes back to what it was given.
    let mut parser = Parser::new().lenient_before_version(true);
    parser.set_version(Version::V1_2);
    assert_eq!(parser.push(bytes), Err(ParseError::InvalidEscape));
    parser.reset();
    assert_eq!(parser.push(bytes), Err(ParseError::InvalidEscape));
    let mut parser = Parser::new().lenient_before_version(true);
    parser.push(b"CONNECTED\n\n\0").unwrap();
    parser.reset();
    parser.push(bytes).unwrap();
    assert_eq!(parser.pending(), 1, "lenient again after a reset");
}

#[test]
fn skip_only_skips_that_command_and_fails_on_the_others_at_once() {
    use stomp_wasm::frame::{Limit, Limits};
    let limits = Limits {
        max_body_bytes: 4,
        ..Limits::default()
    };
    // A MESSAGE over the limit is skipped.
    let mut parser = Parser::with_limits(limits)
        .skip_oversized(true)
        .skip_only(Command::Message);
    parser
        .push(b"MESSAGE\nsubscription:0\ncontent-length:9\n\n123456789\0")
        .unwrap();
    assert!(matches!(parser.next_item(), Some(Item::Skipped(s)) if s.limit == Limit::BodyBytes));
    // A SEND over it fails as soon as its content-length says so, before its body arrives.
    let mut parser = Parser::with_limits(limits)
        .skip_oversized(true)
        .skip_only(Command::Message);
    assert_eq!(
        parser.push(b"SEND\ncontent-length:9\n\n"),
        Err(ParseError::LimitExceeded(Limit::BodyBytes))
    );
}
