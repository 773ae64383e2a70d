//! STOMP protocol versions. The negotiated version decides header escaping (1.2 and 1.1 escape, 1.0
//! does not), whether NACK exists, and how ACK identifies a message; this module only names them.

use core::fmt;

/// A STOMP protocol version.
///
/// Ordered oldest to newest, so `max()` over the versions two peers share picks the one to speak.
///
/// ```
/// use stomp_wasm::frame::Version;
/// assert_eq!(Version::parse("1.2"), Some(Version::V1_2));
/// assert_eq!(Version::V1_1.as_str(), "1.1");
/// assert!(Version::V1_0 < Version::V1_2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// STOMP 1.0: no header escaping, no NACK, values may be trimmed.
    V1_0,
    /// STOMP 1.1: escapes `\n`, `\c` and `\\`; EOL is LF.
    V1_1,
    /// STOMP 1.2: escapes `\r`, `\n`, `\c` and `\\`; EOL is LF or CRLF.
    V1_2,
}

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 3] = [Version::V1_0, Version::V1_1, Version::V1_2];

    /// The version as it appears in `accept-version` and `version` headers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }

    /// Parses `"1.0"`, `"1.1"` or `"1.2"`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Version> {
        match text {
            "1.0" => Some(Version::V1_0),
            "1.1" => Some(Version::V1_1),
            "1.2" => Some(Version::V1_2),
            _ => None,
        }
    }

    /// The WebSocket subprotocol that announces this version (`v12.stomp` and so on).
    pub const fn subprotocol(self) -> &'static str {
        match self {
            Version::V1_0 => "v10.stomp",
            Version::V1_1 => "v11.stomp",
            Version::V1_2 => "v12.stomp",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
