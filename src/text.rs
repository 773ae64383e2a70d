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

/// `parts` joined into one string.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}
