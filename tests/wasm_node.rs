//! The codec compiled to wasm32 and run in Node (`wasm-pack test --node`): the same wire rules as the
//! native tests, checked where the shipped code runs. Browser-only behaviour lives in `wasm_browser.rs`.
#![cfg(target_arch = "wasm32")]

use stomp_wasm::frame::{
    encode, Command, EncodeOptions, Frame, Headers, Item, Limit, Limits, ParseError, Parser,
    Version,
};
use wasm_bindgen_test::wasm_bindgen_test;

mod defaults_support;

/// Pushes `bytes` one octet at a time and drains everything the parser completed.
fn parse_bytewise(parser: &mut Parser, bytes: &[u8]) -> Result<Vec<Item>, ParseError> {
    let mut items = Vec::new();
    for byte in bytes {
        parser.push(std::slice::from_ref(byte))?;
        while let Some(item) = parser.next_item() {
            items.push(item);
        }
    }
    Ok(items)
}

fn only_frame(items: Vec<Item>) -> Frame {
    match <[Item; 1]>::try_from(items) {
        Ok([Item::Frame(frame)]) => frame,
        Ok([other]) => panic!("expected a frame, got {other:?}"),
        Err(items) => panic!("expected exactly one item, got {items:?}"),
    }
}

#[wasm_bindgen_test]
fn message_split_into_single_bytes_parses_like_one_chunk() {
    let wire: &[u8] = b"MESSAGE\nsubscription:sub-0\nmessage-id:007\ndestination:/queue/a\n\
content-type:text/plain\ncontent-length:5\n\nhello\0\n";

    let mut bytewise = Parser::new();
    let items = parse_bytewise(&mut bytewise, wire).unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[1], Item::Heartbeat);

    let mut whole = Parser::new();
    whole.push(wire).unwrap();
    assert_eq!(whole.next_item().as_ref(), Some(&items[0]));

    let Item::Frame(frame) = &items[0] else {
        panic!("expected a frame, got {:?}", items[0])
    };
    assert_eq!(frame.command, Command::Message);
    assert_eq!(frame.headers.len(), 5);
    assert_eq!(frame.headers.get("subscription"), Some("sub-0"));
    assert_eq!(frame.headers.get("message-id"), Some("007"));
    assert_eq!(frame.headers.get("destination"), Some("/queue/a"));
    assert_eq!(frame.body, b"hello");
    assert!(!bytewise.in_frame());
}

#[wasm_bindgen_test]
fn chinese_and_emoji_body_and_headers_round_trip() {
    let body = "你好，世界 👋🏽 STOMP 消息";
    let frame = Frame::new(Command::Send)
        .header("destination", "/topic/聊天")
        .header("昵称", "小明 🐼")
        .body(body);
    let mut wire = Vec::new();
    frame
        .encode(EncodeOptions::new(Version::V1_2), &mut wire)
        .unwrap();

    let expected_length = body.len().to_string();
    let parsed = only_frame(parse_bytewise(&mut Parser::new(), &wire).unwrap());
    assert_eq!(parsed.command, Command::Send);
    assert_eq!(parsed.body_text(), Ok(body));
    assert_eq!(parsed.headers.get("destination"), Some("/topic/聊天"));
    assert_eq!(parsed.headers.get("昵称"), Some("小明 🐼"));
    assert_eq!(
        parsed.headers.get("content-length"),
        Some(expected_length.as_str())
    );
}

#[wasm_bindgen_test]
fn binary_body_with_nul_octets_is_delimited_by_content_length() {
    let body: Vec<u8> = vec![0, 1, 2, 0, 0, 255, b'\n', 0, b'\r', 0];
    let headers = Headers::from([("destination", "/queue/bin")]);
    let mut wire = Vec::new();
    encode(
        Command::Send,
        &headers,
        &body,
        EncodeOptions::new(Version::V1_2),
        &mut wire,
    )
    .unwrap();
    assert!(
        wire.ends_with(&[0, b'\r', 0, 0]),
        "body then the frame's NUL"
    );

    let parsed = only_frame(parse_bytewise(&mut Parser::new(), &wire).unwrap());
    assert_eq!(parsed.body, body);
    assert_eq!(parsed.headers.get("content-length"), Some("10"));
    assert!(
        parsed.body_text().is_err(),
        "0xFF is not UTF-8; the body stays bytes"
    );
}

#[wasm_bindgen_test]
fn skipping_content_length_is_refused_for_a_body_holding_nul() {
    let headers = Headers::from([("destination", "/queue/bin")]);
    let options = EncodeOptions {
        skip_content_length: true,
        ..EncodeOptions::new(Version::V1_2)
    };
    let mut wire = b"previous".to_vec();
    let result = encode(Command::Send, &headers, b"a\0b", options, &mut wire);
    assert!(result.is_err(), "{result:?}");
    assert_eq!(wire, b"previous", "output untouched on error");
}

#[wasm_bindgen_test]
fn malformed_frames_are_fatal_errors() {
    let mut parser = Parser::new();
    assert_eq!(
        parser.push(b"message\n\n\0"),
        Err(ParseError::UnknownCommand)
    );
    assert_eq!(
        parser.push(b"SEND\n\n\0"),
        Err(ParseError::UnknownCommand),
        "sticky until reset"
    );
    parser.reset();
    parser.push(b"RECEIPT\nreceipt-id:1\n\n\0").unwrap();
    assert!(matches!(parser.next_item(), Some(Item::Frame(f)) if f.command == Command::Receipt));

    let mut parser = Parser::new();
    assert_eq!(
        parser.push(b"MESSAGE\ncontent-length:3\n\nabcd\0"),
        Err(ParseError::MissingNul)
    );
    let mut parser = Parser::new();
    assert_eq!(
        parser.push(b"MESSAGE\ncontent-length:x\n\n\0"),
        Err(ParseError::InvalidContentLength)
    );
}

#[wasm_bindgen_test]
fn body_limit_is_enforced_before_buffering() {
    let limits = Limits {
        max_body_bytes: 8,
        ..Limits::default()
    };
    let mut parser = Parser::with_limits(limits);
    let result = parser.push(b"MESSAGE\ncontent-length:1000000\n\n");
    let result = result.and_then(|()| parser.push(&[b'x'; 64]));
    assert_eq!(result, Err(ParseError::LimitExceeded(Limit::BodyBytes)));
}

#[wasm_bindgen_test]
fn a_body_longer_than_4_gib_is_skipped_on_32_bits() {
    // `usize` is 32 bits here: the length of a skipped body is counted in `u64`, and never stored.
    const LENGTH: u64 = 5 << 30;
    let limits = Limits {
        max_body_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut parser = Parser::with_limits(limits).skip_oversized(true);
    let head = format!("MESSAGE\nsubscription:s\nmessage-id:m\ncontent-length:{LENGTH}\n\n");
    parser.push(head.as_bytes()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..LENGTH / chunk.len() as u64 {
        parser.push(&chunk).unwrap();
        assert!(parser.buffered_bytes() < 64 * 1024);
    }
    assert_eq!(parser.next_item(), None);
    parser.push(b"\0RECEIPT\nreceipt-id:1\n\n\0").unwrap();
    let Some(Item::Skipped(skipped)) = parser.next_item() else {
        panic!("not skipped")
    };
    assert_eq!(skipped.limit, Limit::BodyBytes);
    assert_eq!(skipped.headers.get("message-id"), Some("m"));
    assert!(matches!(parser.next_item(), Some(Item::Frame(f)) if f.command == Command::Receipt));
}

#[wasm_bindgen_test]
fn version_1_2_escapes_header_octets_except_in_connect() {
    let headers = Headers::from([("key:name", "line1\nline2\r\\end:x")]);
    let mut wire = Vec::new();
    encode(
        Command::Send,
        &headers,
        b"",
        EncodeOptions::new(Version::V1_2),
        &mut wire,
    )
    .unwrap();
    assert_eq!(wire, b"SEND\nkey\\cname:line1\\nline2\\r\\\\end\\cx\n\n\0");

    let parsed = only_frame(parse_bytewise(&mut Parser::new(), &wire).unwrap());
    assert_eq!(
        parsed.headers.get("key:name"),
        Some("line1\nline2\r\\end:x")
    );

    let connect = Headers::from([("login", "a\\b:c")]);
    let mut wire = Vec::new();
    encode(
        Command::Connect,
        &connect,
        b"",
        EncodeOptions::new(Version::V1_2),
        &mut wire,
    )
    .unwrap();
    assert_eq!(
        wire, b"CONNECT\nlogin:a\\b:c\n\n\0",
        "CONNECT is never escaped"
    );
}

/// The driver's defaults (`DriverConfig::new`, what the wasm applies when an option is `undefined`)
/// are the ones options.js shows (the session's are checked natively: `tests/option_defaults.rs`).
#[wasm_bindgen_test]
fn the_js_defaults_of_driver_options_are_the_drivers() {
    use defaults_support::{expect_default, js_defaults, JsDefault::*};
    let js = js_defaults();
    let d = stomp_wasm::web::DriverConfig::new("");
    expect_default(&js, "forceBinaryWSFrames", Bool(d.force_binary));
    expect_default(&js, "splitLargeFrames", Bool(d.split_large_frames));
    expect_default(
        &js,
        "maxWebSocketChunkSize",
        Number(d.max_chunk_size as f64),
    );
    expect_default(
        &js,
        "appendMissingNULLonIncoming",
        Bool(d.append_missing_nul),
    );
    expect_default(
        &js,
        "discardWebsocketOnCommFailure",
        Bool(d.discard_on_comm_failure),
    );
    expect_default(&js, "logRawCommunication", Bool(d.debug.raw));
    expect_default(&js, "reconnectOnResume", Bool(d.reconnect_on_resume));
    expect_default(&js, "appLifecycle", Bool(d.app_lifecycle));
    let strategy = match d.timer {
        stomp_wasm::web::TimerStrategy::Interval => "interval",
        stomp_wasm::web::TimerStrategy::Worker => "worker",
    };
    expect_default(&js, "heartbeatStrategy", Text(strategy.into()));
    assert!(
        d.session == stomp_wasm::session::Config::default(),
        "the driver starts from the session's defaults"
    );
}
