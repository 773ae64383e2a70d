//! Headers across the edge: packed by client.js as `name\0value\0…` into [`Headers`], and handed to
//! client.js as one JSON object string (the JS side makes the headers object with one `JSON.parse`,
//! which builds it faster than any property-by-property loop: measured, such a loop was 15 % of the
//! inbound path at 64 B).

use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::Headers;
use crate::text::split;

/// `name\0value\0…` into headers (what client.js packs).
pub(super) fn unpack(packed: &str) -> Headers {
    if packed.is_empty() {
        return Headers::new();
    }
    headers_from(split(packed, 0), packed)
}

/// Headers from the `name`, `value` pairs of `parts`, which split (part of) `text`: sized at once from
/// it, with room for one more header, so that filling never grows.
pub(super) fn headers_from<'a>(mut parts: impl Iterator<Item = &'a str>, text: &str) -> Headers {
    let separators = text.bytes().filter(|&b| b == 0).count();
    let mut headers = Headers::with_capacity(separators / 2 + 2, text.len() + 32);
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        headers.push(name, value);
    }
    headers
}

/// The non-empty parts of a NUL-separated list.
pub(super) fn list(packed: &str) -> Vec<String> {
    split(packed, 0)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Headers as a JSON object (`{"name":"value",…}`), the first of repeated names only (as the spec
/// reads them).
pub(super) fn pack(headers: &Headers, out: &mut String) {
    out.clear();
    out.reserve(headers.text_len() + 6 * headers.len() + 2);
    out.push('{');
    let repeats = headers.has_repeated_names();
    for (index, (name, value)) in headers.iter().enumerate() {
        if repeats
            && headers
                .iter()
                .take(index)
                .any(|(earlier, _)| earlier == name)
        {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        push_json_string(out, name);
        out.push(':');
        push_json_string(out, value);
    }
    out.push('}');
}

/// Appends `text` as a JSON string literal.
fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `get`: cut at ASCII bytes, always a character boundary; indexing would bring core's
        // formatted panic message for a bad one into the wasm (with its data: 5 KB).
        out.push_str(text.get(start..at).unwrap_or(""));
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        } else {
            out.push_str(escape);
        }
        start = at + 1;
    }
    out.push_str(text.get(start..).unwrap_or(""));
    out.push('"');
}
