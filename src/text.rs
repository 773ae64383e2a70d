//! Text built without `core::fmt` (which the shipped wasm does not carry). Decimal integers are
//! [`crate::frame::push_decimal`]; URLs for logs, [`crate::session::redacted_url`].

use alloc::string::String;

/// Where `needle` (not empty) first occurs in `haystack`: a byte search, as `str::find` with a `&str`
/// pattern brings core's two-way searcher into the wasm (2.4 KB).
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len().max(1))
        .position(|window| window == needle.as_bytes())
}

/// The parts of `text` between the ASCII `separator`s (as `str::split` with a char, without core's
/// char searcher: 0.9 KB of wasm).
pub(crate) fn split(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == separator) {
            Some(at) => {
                // An ASCII byte's position is a character boundary: `get` never fails here.
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `parts` joined into one string.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}
