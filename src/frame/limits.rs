//! Frame-size limits. They live in the codec so that no buffer grows without a bound, whatever a peer
//! sends: the parser holds at most `max_header_bytes` of head and `max_body_bytes` of body per frame.

/// Limits the parser enforces on every frame. Exceeding one is a [`ParseError::LimitExceeded`] naming it,
/// or, with [`Parser::skip_oversized`], an [`Item::Skipped`] naming it.
///
/// ```
/// use stomp_wasm::frame::Limits;
/// let limits = Limits { max_body_bytes: 64 * 1024, ..Limits::default() };
/// assert_eq!(limits.max_headers, 128);
/// ```
///
/// [`ParseError::LimitExceeded`]: crate::frame::ParseError::LimitExceeded
/// [`Parser::skip_oversized`]: crate::frame::Parser::skip_oversized
/// [`Item::Skipped`]: crate::frame::Item::Skipped
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the command line, header lines and their EOLs, up to and including the blank line.
    pub max_header_bytes: usize,
    /// Number of header lines.
    pub max_headers: usize,
    /// Bytes of body, counted or NUL-terminated.
    pub max_body_bytes: usize,
}

impl Limits {
    /// 8 KiB of head, 128 headers, 16 MiB of body.
    pub const DEFAULT: Limits = Limits {
        max_header_bytes: 8 * 1024,
        max_headers: 128,
        max_body_bytes: 16 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Which limit a frame exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`Limits::max_header_bytes`].
    HeaderBytes,
    /// [`Limits::max_headers`].
    Headers,
    /// [`Limits::max_body_bytes`].
    BodyBytes,
}

impl Limit {
    /// The limit's name as in [`Limits`] (and in the JS options, camel-cased).
    pub const fn name(self) -> &'static str {
        match self {
            Limit::HeaderBytes => "max_header_bytes",
            Limit::Headers => "max_headers",
            Limit::BodyBytes => "max_body_bytes",
        }
    }
}
