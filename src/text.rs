//! Text built without `core::fmt` (which the shipped wasm does not carry). Decimal integers are
//! [`crate::frame::push_decimal`]; URLs for logs, [`crate::session::redacted_url`].

use alloc::string::String;

/// `parts` joined into one string.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}
