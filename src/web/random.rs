//! Randomness from the platform's `Math.random` (not for secrets): jitter seeds and the per-client
//! id prefix that keeps one client's receipt and dedup ids apart from another's on the same broker.

use alloc::string::String;

/// A random 64-bit number.
pub(crate) fn random_u64() -> u64 {
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (half() << 32) | half()
}

/// Sixteen random hex digits and a dash: the session's `id_prefix` (64 bits, so that the dedup ids
/// of even a large fleet of clients do not collide at a consumer).
pub(crate) fn id_prefix() -> String {
    let mut value = random_u64();
    let mut prefix = String::with_capacity(17);
    for _ in 0..16 {
        let digit = (value >> 60) as u8;
        prefix.push(char::from(match digit {
            0..=9 => b'0' + digit,
            _ => b'a' + digit - 10,
        }));
        value <<= 4;
    }
    prefix.push('-');
    prefix
}
