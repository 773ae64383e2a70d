//! The codec compiled to wasm32 and run in headless Chromium (`wasm-pack test --headless --chrome`).
//! The same build the browser `Client` will use; this suite also proves the browser runner works.
#![cfg(target_arch = "wasm32")]

use stomp_wasm::frame::{
    encode, Command, EncodeOptions, Frame, Headers, Item, ParseError, Parser, Version,
};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = navigator, js_name = userAgent)]
    static USER_AGENT: String;
}

/// Pushes `bytes` in chunks of the given sizes (cycled) and drains everything the parser completed.
fn parse_chunked(
    parser: &mut Parser,
    bytes: &[u8],
    sizes: &[usize],
) -> Result<Vec<Item>, ParseError> {
    let mut items = Vec::new();
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.clamp(1, rest.len()));
        parser.push(chunk)?;
        rest = tail;
        while let Some(item) = parser.next_item() {
            items.push(item);
        }
    }
    Ok(items)
}

fn frames(items: Vec<Item>) -> Vec<Frame> {
    items
        .into_iter()
        .filter_map(|item| match item {
            Item::Frame(frame) => Some(frame),
            Item::Heartbeat => None,
            Item::Skipped(skipped) => panic!("skipped {skipped:?} without skip_oversized"),
        })
        .collect()
}

#[wasm_bindgen_test]
fn suite_runs_inside_chromium() {
    let agent = USER_AGENT.with(String::clone);
    assert!(agent.contains("Chrome"), "user agent: {agent}");
}

#[wasm_bindgen_test]
fn message_split_into_single_bytes_parses_like_one_chunk() {
    let wire: &[u8] =
        b"MESSAGE\r\nsubscription:sub-1\r\nmessage-id:42\r\ndestination:/topic/t\r\n\r\nhi there\0";
    let one_by_one = parse_chunked(&mut Parser::new(), wire, &[1]).unwrap();
    let at_once = parse_chunked(&mut Parser::new(), wire, &[wire.len()]).unwrap();
    assert_eq!(one_by_one, at_once);

    let [frame] = <[Frame; 1]>::try_from(frames(one_by_one)).unwrap();
    assert_eq!(frame.command, Command::Message);
    assert_eq!(frame.headers.get("message-id"), Some("42"));
    assert_eq!(
        frame.headers.get("destination"),
        Some("/topic/t"),
        "CRLF line ends under 1.2"
    );
    assert_eq!(
        frame.body, b"hi there",
        "no content-length: the body ends at the first NUL"
    );
}

#[wasm_bindgen_test]
fn chinese_and_emoji_bodies_survive_every_chunking() {
    let bodies = ["中文消息：你好！", "emoji 🚀🔥👨‍👩‍👧", "混合 mixed 😀 テキスト"];
    let mut wire = Vec::new();
    for (index, body) in bodies.iter().enumerate() {
        let id = index.to_string();
        let headers = Headers::from([("destination", "/queue/中文"), ("message-id", id.as_str())]);
        encode(
            Command::Message,
            &headers,
            body.as_bytes(),
            EncodeOptions::new(Version::V1_2),
            &mut wire,
        )
        .unwrap();
        wire.extend_from_slice(b"\n"); // a heart-beat between frames
    }
    // Chunk sizes that split multi-byte characters.
    for sizes in [&[1][..], &[2, 3], &[5, 7, 11], &[wire.len()]] {
        let items = parse_chunked(&mut Parser::new(), &wire, sizes).unwrap();
        assert_eq!(
            items
                .iter()
                .filter(|item| **item == Item::Heartbeat)
                .count(),
            3
        );
        let parsed = frames(items);
        assert_eq!(parsed.len(), bodies.len());
        for (index, (frame, body)) in parsed.iter().zip(bodies).enumerate() {
            assert_eq!(frame.body_text(), Ok(body), "chunks {sizes:?}");
            assert_eq!(frame.headers.get("destination"), Some("/queue/中文"));
            assert_eq!(
                frame.headers.get("message-id"),
                Some(index.to_string().as_str())
            );
        }
    }
}

#[wasm_bindgen_test]
fn binary_body_with_nul_octets_round_trips() {
    let body: Vec<u8> = (0..=255u8).chain([0, 0, 0]).collect();
    let frame = Frame::new(Command::Message)
        .header("destination", "/queue/bin")
        .header("content-type", "application/octet-stream")
        .body(body.clone());
    let mut wire = Vec::new();
    frame
        .encode(EncodeOptions::new(Version::V1_2), &mut wire)
        .unwrap();
    let [parsed] = <[Frame; 1]>::try_from(frames(
        parse_chunked(&mut Parser::new(), &wire, &[13]).unwrap(),
    ))
    .unwrap();
    assert_eq!(parsed.body, body);
    assert_eq!(parsed.headers.get("content-length"), Some("259"));
}

#[wasm_bindgen_test]
fn undefined_escape_is_an_error_under_1_2_but_literal_under_1_0() {
    let wire: &[u8] = b"MESSAGE\ndestination:/queue/a\\tb\n\n\0";
    let mut parser = Parser::new();
    assert_eq!(
        parse_chunked(&mut parser, wire, &[4]),
        Err(ParseError::InvalidEscape)
    );

    let mut legacy = Parser::new().version(Version::V1_0);
    let [frame] =
        <[Frame; 1]>::try_from(frames(parse_chunked(&mut legacy, wire, &[4]).unwrap())).unwrap();
    assert_eq!(frame.headers.get("destination"), Some("/queue/a\\tb"));
}

#[wasm_bindgen_test]
fn escaping_follows_the_version_connected_names() {
    // CONNECTED is never escaped; it switches the parser to 1.1, where \r is not an escape.
    let wire: &[u8] = b"CONNECTED\nversion:1.1\nserver:a\\b\n\n\0MESSAGE\nk:x\\ny\\cz\n\n\0";
    let mut parser = Parser::new();
    let result = parse_chunked(&mut parser, wire, &[wire.len()]).unwrap();
    let [connected, message] = <[Frame; 2]>::try_from(frames(result)).unwrap();
    assert_eq!(connected.headers.get("server"), Some("a\\b"));
    assert_eq!(message.headers.get("k"), Some("x\ny:z"));
    assert_eq!(parser.current_version(), Version::V1_1);

    let mut parser = Parser::new().version(Version::V1_1);
    assert_eq!(
        parser.push(b"MESSAGE\nk:a\\rb\n\n\0"),
        Err(ParseError::InvalidEscape)
    );
}

#[wasm_bindgen_test]
fn repeated_headers_keep_order_and_the_first_wins() {
    let wire: &[u8] = b"MESSAGE\nfoo:1\nfoo:2\nbar:3\nfoo:4\n\n\0";
    let [frame] = <[Frame; 1]>::try_from(frames(
        parse_chunked(&mut Parser::new(), wire, &[3]).unwrap(),
    ))
    .unwrap();
    assert_eq!(frame.headers.get("foo"), Some("1"));
    assert_eq!(
        frame.headers.get_all("foo").collect::<Vec<_>>(),
        ["1", "2", "4"]
    );
    assert_eq!(frame.headers.at(2), Some(("bar", "3")));
}
