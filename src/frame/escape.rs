//! Header value escaping (spec §"Value Encoding"). Which escapes exist depends on the version; CONNECT,
//! STOMP and CONNECTED are never escaped. Both directions are strict: an undefined escape is an error on
//! input, and an octet the frame cannot express is an error on output.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::{EncodeError, ParseError};
use super::version::Version;

/// How a header's text is escaped in one frame: decided once per frame from its command and the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escaping {
    /// CONNECT, STOMP, CONNECTED, and every 1.0 frame: text is written as is.
    None,
    /// 1.1: `\n`, `\c`, `\\`.
    V1_1,
    /// 1.2: `\r`, `\n`, `\c`, `\\`.
    V1_2,
    /// Reading only, before the version is known: the 1.2 escapes are decoded, any other backslash
    /// is kept as written (a 1.0 broker escapes nothing).
    Lenient,
}

impl Escaping {
    pub(crate) fn for_frame(escaped_command: bool, version: Version) -> Escaping {
        match (escaped_command, version) {
            (false, _) | (_, Version::V1_0) => Escaping::None,
            (true, Version::V1_1) => Escaping::V1_1,
            (true, Version::V1_2) => Escaping::V1_2,
        }
    }

    /// Appends `raw` (already known to be UTF-8) to `out`, decoding escapes.
    pub(crate) fn unescape_into(self, raw: &str, out: &mut String) -> Result<(), ParseError> {
        if self == Escaping::None {
            out.push_str(raw);
            return Ok(());
        }
        let bytes = raw.as_bytes();
        let mut done = 0;
        while let Some(found) = memchr::memchr(b'\\', &bytes[done..]) {
            let at = done + found;
            // `get`: cut at ASCII bytes, always a character boundary (see `Headers::resolve`).
            out.push_str(raw.get(done..at).unwrap_or(""));
            let decoded = match bytes.get(at + 1) {
                Some(b'n') => '\n',
                Some(b'c') => ':',
                Some(b'\\') => '\\',
                Some(b'r') if self != Escaping::V1_1 => '\r',
                _ if self == Escaping::Lenient => {
                    out.push('\\');
                    done = at + 1;
                    continue;
                }
                _ => return Err(ParseError::InvalidEscape),
            };
            out.push(decoded);
            done = at + 2;
        }
        out.push_str(raw.get(done..).unwrap_or(""));
        Ok(())
    }

    /// Appends the escaped form of a header name (`in_value == false`) or value to `out`.
    pub(crate) fn escape_into(
        self,
        text: &str,
        in_value: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let bytes = text.as_bytes();
        if !bytes.iter().any(|&b| NEEDS_CARE[b as usize]) {
            out.extend_from_slice(bytes);
            return Ok(());
        }
        for &byte in bytes {
            if !NEEDS_CARE[byte as usize] {
                out.push(byte);
                continue;
            }
            let unrepresentable = EncodeError::Unrepresentable { in_value, byte };
            match (self, byte) {
                (_, 0) => return Err(EncodeError::NulInHeader),
                (Escaping::None, b':') if in_value => out.push(b':'),
                (Escaping::None, b'\\') => out.push(b'\\'),
                (Escaping::None, _) => return Err(unrepresentable),
                (Escaping::V1_1, b'\r') => return Err(unrepresentable),
                (_, b'\r') => out.extend_from_slice(b"\\r"),
                (_, b'\n') => out.extend_from_slice(b"\\n"),
                (_, b':') => out.extend_from_slice(b"\\c"),
                (_, b'\\') => out.extend_from_slice(b"\\\\"),
                _ => out.push(byte),
            }
        }
        Ok(())
    }
}

/// Octets the escaper must look at: NUL, LF, CR, `:` and `\`.
static NEEDS_CARE: [bool; 256] = {
    let mut table = [false; 256];
    table[0] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table[b':' as usize] = true;
    table[b'\\' as usize] = true;
    table
};
