//! Decimal integers written without `core::fmt` (whose formatting machinery is most of a small wasm
//! module's size): `content-length`, generated ids (`sub-N`, `rcpt-N`, `tx-N`), the `heart-beat`
//! header and error messages.

use alloc::string::String;
use alloc::vec::Vec;

/// The decimal digits of `n`, written into the end of `buffer`.
fn digits(mut n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buffer[at..];
        }
    }
}

/// Appends `n` in decimal to `out`.
///
/// ```
/// let mut text = String::from("sub-");
/// stomp_wasm::frame::push_decimal(&mut text, 42);
/// assert_eq!(text, "sub-42");
/// ```
pub fn push_decimal(out: &mut String, n: u64) {
    let mut buffer = [0; 20];
    for &digit in digits(n, &mut buffer) {
        out.push(char::from(digit));
    }
}

/// Appends `n` in decimal to `out`.
pub(crate) fn write_decimal(out: &mut Vec<u8>, n: u64) {
    let mut buffer = [0; 20];
    out.extend_from_slice(digits(n, &mut buffer));
}

/// `prefix` followed by `n` in decimal, as a new string.
pub(crate) fn numbered(prefix: &str, n: u64) -> String {
    let mut id = String::with_capacity(prefix.len() + 20);
    id.push_str(prefix);
    push_decimal(&mut id, n);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn writes_every_magnitude() {
        for n in [0, 7, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            let mut text = String::new();
            push_decimal(&mut text, n);
            assert_eq!(text, n.to_string());
            let mut bytes = Vec::new();
            write_decimal(&mut bytes, n);
            assert_eq!(bytes, n.to_string().into_bytes());
        }
        assert_eq!(numbered("rcpt-", 3), "rcpt-3");
    }
}
