//! Codec errors: one small `Copy` enum per direction, with a hand-written message that names the part
//! of the frame at fault (`message()`, built without `core::fmt`; `Display` writes it). Running out of input is never an error: the parser just waits for more.

use alloc::string::String;
use core::fmt;

use super::limits::Limit;

/// Why the bytes from a peer are not a valid STOMP frame stream. Every parse error is fatal for the
/// stream: STOMP has no way to resynchronise after a malformed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseError {
    /// The command line is not one of the STOMP commands (they are case-sensitive).
    UnknownCommand,
    /// A header line has no `:` separating name and value.
    HeaderWithoutColon,
    /// A header line starts with `:` (header names are at least one octet).
    EmptyHeaderName,
    /// A backslash escape other than those the negotiated version defines (`\r \n \c \\` in 1.2;
    /// `\n \c \\` in 1.1; 1.0 has none), or a backslash at the end of a name or value.
    InvalidEscape,
    /// A header name or value that is not UTF-8.
    InvalidUtf8,
    /// A carriage return that is not part of a CRLF line ending.
    BareCarriageReturn,
    /// `content-length` is not a non-negative decimal integer.
    InvalidContentLength,
    /// The octet after a body of `content-length` octets is not the NUL that ends the frame.
    MissingNul,
    /// The frame exceeded one of the configured [`Limits`](super::Limits).
    LimitExceeded(Limit),
}

impl ParseError {
    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        let text = match self {
            ParseError::UnknownCommand => "invalid frame: unknown command",
            ParseError::HeaderWithoutColon => "invalid frame: header line without ':'",
            ParseError::EmptyHeaderName => "invalid frame: empty header name",
            ParseError::InvalidEscape => "invalid frame: undefined escape sequence in a header",
            ParseError::InvalidUtf8 => "invalid frame: header is not UTF-8",
            ParseError::BareCarriageReturn => {
                "invalid frame: carriage return not followed by line feed"
            }
            ParseError::InvalidContentLength => {
                "invalid frame: content-length is not a non-negative decimal integer"
            }
            ParseError::MissingNul => {
                "invalid frame: body is not followed by NUL after content-length octets"
            }
            ParseError::LimitExceeded(limit) => {
                let mut text = String::from("invalid frame: exceeds the ");
                text.push_str(limit.name());
                text.push_str(" limit");
                return text;
            }
        };
        String::from(text)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ParseError {}

/// Why a frame cannot be written without changing its meaning. The encoder refuses rather than write a
/// frame the peer would read differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncodeError {
    /// A header name is empty.
    EmptyHeaderName,
    /// A header name or value holds a character the frame's escaping cannot express: a line feed or
    /// carriage return in an unescaped frame (CONNECT, STOMP, CONNECTED, or any 1.0 frame), a carriage
    /// return under 1.1, a `:` in an unescaped header name, or a space or tab at either end of a value
    /// under 1.0 (1.0 readers trim them).
    Unrepresentable {
        /// Whether the value (`true`) or the name (`false`) holds the byte.
        in_value: bool,
        /// The offending byte.
        byte: u8,
    },
    /// A header holds a NUL octet, which many peers read as the end of the frame.
    NulInHeader,
    /// The body holds a NUL octet but `content-length` was skipped, so the NUL would end the frame early.
    NulInBodyWithoutContentLength,
}

impl EncodeError {
    /// The error as a sentence, built without `core::fmt` (what `Display` writes).
    pub fn message(&self) -> String {
        let mut text = String::from("cannot encode frame: ");
        let tail = match self {
            EncodeError::EmptyHeaderName => "empty header name",
            EncodeError::Unrepresentable { in_value, byte } => {
                text.push_str(if *in_value {
                    "header value"
                } else {
                    "header name"
                });
                text.push_str(" contains ");
                text.push_str(match byte {
                    b'\n' => "a line feed",
                    b'\r' => "a carriage return",
                    b':' => "':'",
                    b' ' => "a space at one end",
                    b'\t' => "a tab at one end",
                    _ => "a reserved octet",
                });
                " which this frame cannot escape"
            }
            EncodeError::NulInHeader => "header contains NUL",
            EncodeError::NulInBodyWithoutContentLength => {
                "body contains NUL, so content-length cannot be skipped"
            }
        };
        text.push_str(tail);
        text
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for EncodeError {}
