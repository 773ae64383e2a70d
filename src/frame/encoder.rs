//! The encoder: frames into a caller's `Vec<u8>`, escaped for the negotiated version, with
//! `content-length` computed from the body. It refuses what it cannot write faithfully and then leaves
//! the buffer as it found it, so a failed encode never leaves half a frame queued for the socket.

use alloc::vec::Vec;

use super::command::Command;
use super::decimal::write_decimal;
use super::error::EncodeError;
use super::escape::Escaping;
use super::headers::Headers;
use super::version::Version;

/// How to write a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// The negotiated version: it decides the escaping (none for CONNECT, STOMP and CONNECTED).
    pub version: Version,
    /// Leave out `content-length` (as stompjs's `skipContentLengthHeader`): for text bodies sent to
    /// brokers that treat a counted body as binary. A body holding NUL cannot skip it.
    pub skip_content_length: bool,
}

impl EncodeOptions {
    /// Escaping for `version`, with `content-length` written.
    pub const fn new(version: Version) -> EncodeOptions {
        EncodeOptions {
            version,
            skip_content_length: false,
        }
    }
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions::new(Version::V1_2)
    }
}

/// The octets of one outgoing heart-beat.
pub const HEARTBEAT: &[u8] = b"\n";

/// Appends one frame to `out`.
///
/// Any `content-length` in `headers` is ignored: the encoder writes the true length of `body` (when the
/// body is not empty and `skip_content_length` is off), last among the headers. On error `out` is
/// unchanged.
///
/// ```
/// use stomp_wasm::frame::{encode, Command, EncodeOptions, Headers, Version};
///
/// let mut out = Vec::new();
/// let headers = Headers::from([("destination", "/queue/a"), ("note", "a:b")]);
/// encode(Command::Send, &headers, b"hi", EncodeOptions::new(Version::V1_2), &mut out).unwrap();
/// assert_eq!(out, b"SEND\ndestination:/queue/a\nnote:a\\cb\ncontent-length:2\n\nhi\0");
/// ```
pub fn encode(
    command: Command,
    headers: &Headers,
    body: &[u8],
    options: EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    if options.skip_content_length && memchr::memchr(0, body).is_some() {
        return Err(EncodeError::NulInBodyWithoutContentLength);
    }
    out.reserve(command.as_str().len() + headers.text_len() + 4 * headers.len() + body.len() + 32);
    write_head(command, headers.iter(), body.len(), options, out)?;
    out.extend_from_slice(body);
    out.push(0);
    Ok(())
}

/// Appends the head of a frame whose body of `body_len` bytes the caller writes after it (then a
/// NUL): command, escaped headers, `content-length: body_len` (unless `skip_content_length`), and
/// the blank line. For a body that stays where it is (a JS string joined on the JS side), so that it
/// is never copied into wasm and back. The caller must check that a body sent without
/// `content-length` holds no NUL. On error `out` is unchanged.
///
/// ```
/// use stomp_wasm::frame::{encode_head, Command, EncodeOptions, Headers};
///
/// let mut out = Vec::new();
/// let headers = Headers::from([("destination", "/queue/a")]);
/// encode_head(Command::Send, &headers, 2, EncodeOptions::default(), &mut out).unwrap();
/// assert_eq!(out, b"SEND\ndestination:/queue/a\ncontent-length:2\n\n");
/// ```
pub fn encode_head(
    command: Command,
    headers: &Headers,
    body_len: usize,
    options: EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    out.reserve(command.as_str().len() + headers.text_len() + 4 * headers.len() + 40);
    write_head(command, headers.iter(), body_len, options, out)
}

/// [`encode_head`] of a SEND to `destination` with `headers` (any `destination` among them left
/// out), without building the frame's headers first: the per-publish path of a driver whose bodies
/// stay on the JS side.
pub fn encode_send_head(
    destination: &str,
    headers: &Headers,
    body_len: usize,
    options: EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    out.reserve(destination.len() + headers.text_len() + 4 * headers.len() + 60);
    let all = core::iter::once(("destination", destination))
        .chain(headers.iter().filter(|(name, _)| *name != "destination"));
    write_head(Command::Send, all, body_len, options, out)
}

/// Appends a head; on an error `out` is left as it was (the one place an encoding fails after it
/// began writing).
fn write_head<'a>(
    command: Command,
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    body_len: usize,
    options: EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let result = write_head_lines(command, headers, body_len, options, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn write_head_lines<'a>(
    command: Command,
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    body_len: usize,
    options: EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let escaping = Escaping::for_frame(command.is_escaped(), options.version);
    out.extend_from_slice(command.as_str().as_bytes());
    out.push(b'\n');
    for (name, value) in headers {
        if name.is_empty() {
            return Err(EncodeError::EmptyHeaderName);
        }
        if name == "content-length" {
            continue;
        }
        if options.version == Version::V1_0 {
            refuse_padding(value)?;
        }
        escaping.escape_into(name, false, out)?;
        out.push(b':');
        escaping.escape_into(value, true, out)?;
        out.push(b'\n');
    }
    if !options.skip_content_length && body_len > 0 {
        out.extend_from_slice(b"content-length:");
        write_decimal(out, body_len as u64);
        out.push(b'\n');
    }
    out.push(b'\n');
    Ok(())
}

/// A 1.0 reader trims spaces and tabs from both ends of a value (and so does [`Parser`] under 1.0), so
/// a value with one there cannot be sent faithfully.
///
/// [`Parser`]: super::Parser
fn refuse_padding(value: &str) -> Result<(), EncodeError> {
    let bytes = value.as_bytes();
    for end in [bytes.first(), bytes.last()].into_iter().flatten() {
        if matches!(end, b' ' | b'\t') {
            return Err(EncodeError::Unrepresentable {
                in_value: true,
                byte: *end,
            });
        }
    }
    Ok(())
}
