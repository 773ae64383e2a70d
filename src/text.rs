//! Small text helpers shared by the layers, written without `core::fmt` (which the shipped wasm does
//! not carry): decimal integers, joining, and hiding credentials in URLs for logs.

use alloc::string::String;

/// What the debug log shows instead of a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// `parts` joined into one string.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

/// Appends `n` in decimal.
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(digit as char);
    }
}

/// A URL with its user-info and query values hidden: `wss://[redacted]@host/ws?token=[redacted]`.
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let mut out = String::from(scheme);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => {
            out.push_str(REDACTED);
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let (path_query, fragment) = match tail.find('#') {
        Some(at) => tail.split_at(at),
        None => (tail, ""),
    };
    match path_query.find('?') {
        Some(at) => {
            out.push_str(&path_query[..=at]);
            for (index, pair) in path_query[at + 1..].split('&').enumerate() {
                if index > 0 {
                    out.push('&');
                }
                match pair.find('=') {
                    Some(eq) => {
                        out.push_str(&pair[..=eq]);
                        out.push_str(REDACTED);
                    }
                    None => out.push_str(pair),
                }
            }
        }
        None => out.push_str(path_query),
    }
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn urls_lose_credentials_and_query_values() {
        assert_eq!(
            redact_url("wss://alice:s3cret@host.example/ws?access_token=abc&x=1#f"),
            "wss://[redacted]@host.example/ws?access_token=[redacted]&x=[redacted]#f"
        );
        assert_eq!(redact_url("ws://127.0.0.1:15674/ws"), "ws://127.0.0.1:15674/ws");
    }

    #[test]
    fn integers_are_written_without_fmt() {
        let mut s = String::new();
        push_u64(&mut s, 0);
        s.push(' ');
        push_u64(&mut s, 18_446_744_073_709_551_615);
        assert_eq!(s, "0 18446744073709551615");
    }
}
