//! The push parser: bytes in, in chunks of any size; frames and heart-beats out.
//!
//! It keeps its place between chunks ("in the head, this much of a line seen"; "in a body, N octets
//! left"), so every byte is looked at a bounded number of times whatever the chunking, and delimiters are
//! found with `memchr` over whole chunks. What it buffers is bounded by [`Limits`]: a partial head line
//! (at most `max_header_bytes`), the headers (at most `max_header_bytes` of text in `max_headers`
//! entries), and one body (at most `max_body_bytes`, and never more than the octets received). Buffers
//! grow geometrically as octets arrive, capped at their limit, so a `content-length` promise costs
//! nothing until the body comes. Completed items wait in a queue until drained; a run of heart-beats
//! is scanned in one pass, takes constant space there, and drains in one call
//! ([`Parser::take_heartbeats`]). With [`Parser::skip_oversized`], a frame over a limit is read to its
//! end without being stored (its body never, of its head only the headers that name it), so a peer that
//! sends one does not end the stream.
//!
//! One file of ~700 lines on purpose: the states and the byte loops that move between them are one
//! machine, and splitting it would spread each state's invariants over several files.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use super::command::Command;
use super::error::ParseError;
use super::escape::Escaping;
use super::headers::Headers;
use super::limits::{Limit, Limits};
use super::version::Version;
use super::{Frame, Item, Skipped};

/// The headers kept from a frame skipped for exceeding a limit, wherever they come in its head (see
/// [`Parser::skip_oversized`]): those that name it, so the receiver can report it and settle it
/// (`subscription`, `message-id` and `ack` to ack or nack a MESSAGE; `receipt-id`; `destination`;
/// `content-type`), and `content-length`, which is how its end is found.
pub const NAMING_HEADERS: [&str; 7] = [
    "subscription",
    "message-id",
    "ack",
    "receipt-id",
    "destination",
    "content-length",
    "content-type",
];

/// `content-length`'s place in [`NAMING_HEADERS`].
const CONTENT_LENGTH: usize = 5;

/// The longest naming header line (EOL excluded) kept from a skipped frame: a hostile frame cannot make
/// the parser hold more than `NAMING_HEADERS.len()` of them.
const NAMING_LINE_MAX: usize = 1024;

/// What the line buffer keeps of a line while skipping: a naming line, its CR, and one octet more to
/// tell a line that is too long.
const SKIP_LINE_CAP: usize = NAMING_LINE_MAX + 2;

/// A streaming STOMP parser. Push chunks with [`push`](Parser::push), then drain with
/// [`next_item`](Parser::next_item).
///
/// ```
/// use stomp_wasm::frame::{Command, Item, Parser};
///
/// let mut parser = Parser::new();
/// parser.push(b"\nMESSAGE\ndestination:/queue/a\ncontent-le").unwrap();
/// parser.push(b"ngth:2\n\nhi\0").unwrap();
/// assert_eq!(parser.next_item(), Some(Item::Heartbeat));
/// let Some(Item::Frame(frame)) = parser.next_item() else { panic!() };
/// assert_eq!(frame.command, Command::Message);
/// assert_eq!(frame.headers.get("destination"), Some("/queue/a"));
/// assert_eq!(frame.body, b"hi");
/// assert_eq!(parser.next_item(), None);
/// ```
///
/// Version rules: header escapes follow the parser's version ([`Parser::set_version`]; 1.2 until told
/// otherwise). The first CONNECTED frame switches the parser to the version it names (absent means
/// 1.0), so frames that follow CONNECTED in the same chunk are already read under the negotiated
/// version; a later CONNECTED changes nothing (a connection negotiates once); turn following off
/// with [`Parser::follow_connected`]. With [`Parser::lenient_before_version`], an undefined escape
/// read before the version is known is kept as written instead of being an error. Under 1.0, header
/// values are trimmed of leading and trailing spaces and tabs, as 1.0 brokers padded them; 1.1 and 1.2
/// keep every octet.
///
/// Leniencies, each deliberate: a raw `:` inside a header value is kept as part of the value (the first
/// `:` separates name and value); frames other than SEND, MESSAGE and ERROR may carry a body; CRLF ends
/// a line under 1.0 and 1.1 too; a NUL inside a header line is kept as header text (the encoder refuses
/// to write one).
///
/// Memory: what the parser holds for the frame in progress never passes
/// `2 * max_header_bytes + 12 * max_headers + max_body_bytes` octets, whatever the input; while it
/// skips a frame ([`Parser::skip_oversized`]), `2 * max_header_bytes + 12 * max_headers + 8278` (no
/// body; the line being read and the naming headers instead). Completed items wait in a queue until
/// drained, so drain after every push.
#[derive(Debug)]
pub struct Parser {
    limits: Limits,
    version: Version,
    initial_version: Version,
    follow_connected: bool,
    /// A CONNECTED has been followed since the last reset: later ones change nothing.
    followed: bool,
    /// Keep undefined escapes while the version is not known (see `lenient_before_version`).
    lenient_before_version: bool,
    /// Skip a frame over a limit instead of failing (see `skip_oversized`).
    skip_oversized: bool,
    /// Skip only frames of this command (see `skip_only`); others over a limit fail at once.
    skip_only: Option<Command>,
    /// The frame in progress is being skipped, for exceeding this limit (the first it exceeded).
    skipping: Option<Limit>,
    /// While skipping: the [`NAMING_HEADERS`] seen so far in the frame (bit `i` for entry `i`), kept
    /// or too long to keep. Only the first of each name counts, as in any frame.
    naming_seen: u8,
    /// The version was set by hand or by a CONNECTED; `initial_known` is what `reset` goes back to.
    version_known: bool,
    initial_known: bool,
    state: State,
    /// The part of a head line seen so far when a chunk ended inside it.
    line: Vec<u8>,
    /// Head bytes of the current frame, command line through the blank line, EOLs included.
    head_bytes: usize,
    command: Option<Command>,
    headers: Headers,
    body: Vec<u8>,
    items: VecDeque<Queued>,
    /// Items in `items`, each heart-beat of a run counted.
    pending: usize,
    failed: Option<ParseError>,
}

/// A completed item waiting to be drained. Consecutive heart-beats share one entry, so a stream of
/// EOLs cannot make the queue grow by a frame's size per octet.
#[derive(Debug)]
enum Queued {
    /// A frame, or a skipped one.
    Item(Item),
    Heartbeats(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between frames: EOLs here are heart-beats.
    Idle,
    /// Between frames, after a CR: only LF may follow.
    IdleCr,
    /// Reading the command line and header lines.
    Head,
    /// Reading a body of `content-length` octets; this many are left (a skipped body can be longer
    /// than memory, hence `u64`).
    CountedBody(u64),
    /// Reading a body without `content-length`: up to the first NUL.
    BodyToNul,
    /// After a counted body: the next octet must be NUL.
    ExpectNul,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::with_limits(Limits::DEFAULT)
    }
}

impl Parser {
    /// A parser with the default [`Limits`], reading STOMP 1.2 until told or shown otherwise.
    pub fn new() -> Parser {
        Parser::default()
    }

    /// A parser with the given limits.
    pub fn with_limits(limits: Limits) -> Parser {
        Parser {
            limits,
            version: Version::V1_2,
            initial_version: Version::V1_2,
            follow_connected: true,
            followed: false,
            lenient_before_version: false,
            skip_oversized: false,
            skip_only: None,
            skipping: None,
            naming_seen: 0,
            version_known: false,
            initial_known: false,
            state: State::Idle,
            line: Vec::new(),
            head_bytes: 0,
            command: None,
            headers: Headers::new(),
            body: Vec::new(),
            items: VecDeque::new(),
            pending: 0,
            failed: None,
        }
    }

    /// Sets the version whose escaping rules apply to the frames that follow (the negotiated one).
    pub fn set_version(&mut self, version: Version) {
        self.version = version;
        self.initial_version = version;
        self.version_known = true;
        self.initial_known = true;
    }

    /// Builder form of [`set_version`](Parser::set_version).
    #[must_use]
    pub fn version(mut self, version: Version) -> Parser {
        self.set_version(version);
        self
    }

    /// Whether a CONNECTED frame switches the parser to the version it names (default `true`). A parser
    /// playing the broker, or one whose version is set by hand, turns it off.
    #[must_use]
    pub fn follow_connected(mut self, follow: bool) -> Parser {
        self.follow_connected = follow;
        self
    }

    /// Whether an undefined escape read before the version is known (no
    /// [`set_version`](Parser::set_version), no CONNECTED followed yet) is kept as written — the
    /// backslash and the octet after it — instead of being [`ParseError::InvalidEscape`] (default
    /// `false`). For a client: the broker's ERROR before CONNECTED may come from a 1.0 broker, which
    /// escapes nothing, so its text can hold any backslash. The escapes 1.2 defines are still
    /// decoded.
    #[must_use]
    pub fn lenient_before_version(mut self, lenient: bool) -> Parser {
        self.lenient_before_version = lenient;
        self
    }

    /// Whether a frame over the limits is skipped instead of failing the stream (default `false`). When
    /// on, a frame that exceeds a limit is read to its end without being stored and yields
    /// [`Item::Skipped`]: its command, the headers that fit within the limits, and the
    /// [`NAMING_HEADERS`] wherever they are (each when its line is at most 1 KiB), so that a client can
    /// report a MESSAGE it cannot take and ack or nack it rather than lose the connection to it
    /// (a broker redelivers an unsettled message on every reconnect). The next frame then parses as
    /// usual.
    ///
    /// Its end is found as for any frame: after the head's blank line, `content-length` octets and a
    /// NUL when it has a `content-length` (read even after the header limits were passed), else up to
    /// the first NUL. Whatever cannot be skipped is still an error: a command line over
    /// `max_header_bytes` (there is no frame to name), a malformed frame (an invalid `content-length`,
    /// a missing NUL, a bare CR, a malformed naming header: the error it is in any frame), and a
    /// `content-length` line too long to keep (the error for the limit exceeded). A skipped CONNECTED
    /// switches no version.
    ///
    /// ```
    /// use stomp_wasm::frame::{Command, Item, Limit, Limits, Parser};
    ///
    /// let limits = Limits { max_body_bytes: 4, ..Limits::default() };
    /// let mut parser = Parser::with_limits(limits).skip_oversized(true);
    /// parser.push(b"MESSAGE\nsubscription:0\nmessage-id:7\n\ntoo long\0").unwrap();
    /// parser.push(b"RECEIPT\nreceipt-id:1\n\n\0").unwrap();
    /// let Some(Item::Skipped(skipped)) = parser.next_item() else { panic!() };
    /// assert_eq!((skipped.command, skipped.limit), (Command::Message, Limit::BodyBytes));
    /// assert_eq!(skipped.headers.get("message-id"), Some("7"));
    /// assert!(matches!(parser.next_item(), Some(Item::Frame(f)) if f.command == Command::Receipt));
    /// ```
    #[must_use]
    pub fn skip_oversized(mut self, on: bool) -> Parser {
        self.skip_oversized = on;
        self
    }

    /// With [`skip_oversized`](Parser::skip_oversized): skip only frames of `command`; any other
    /// frame over a limit is the error at once, as without skipping (a client skips a MESSAGE, which
    /// it can report and settle, and fails on anything else without waiting for its end).
    #[must_use]
    pub fn skip_only(mut self, command: Command) -> Parser {
        self.skip_only = Some(command);
        self
    }

    /// The version whose escaping rules apply now.
    pub fn current_version(&self) -> Version {
        self.version
    }

    /// The limits this parser enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Forgets any partial frame, error and undrained item, and goes back to the version it was given:
    /// for a new connection.
    pub fn reset(&mut self) {
        self.state = State::Idle;
        self.version = self.initial_version;
        self.version_known = self.initial_known;
        self.followed = false;
        self.items.clear();
        self.pending = 0;
        self.discard_partial();
        self.failed = None;
    }

    /// Whether a frame has begun but not ended (so a closed stream would cut it). A lone CR between
    /// frames (half of a CRLF heart-beat) is not a frame.
    pub fn in_frame(&self) -> bool {
        !matches!(self.state, State::Idle | State::IdleCr)
    }

    /// Octets of memory the parser holds for the frame in progress (capacities of its line, header and
    /// body buffers, the header index included). Never more than
    /// `2 * max_header_bytes + 12 * max_headers + max_body_bytes`, whatever the input, nor, while a frame
    /// is skipped, `2 * max_header_bytes + 12 * max_headers + 8278`; completed items waiting in the
    /// queue are not counted. For tests and fuzzing.
    #[doc(hidden)]
    pub fn buffered_bytes(&self) -> usize {
        self.line.capacity() + self.headers.held_bytes() + self.body.capacity()
    }

    /// Feeds the next chunk of the stream. Complete frames and heart-beats wait in the parser until
    /// drained with [`next_item`](Parser::next_item).
    ///
    /// An error is fatal: the items completed before it can still be drained, and every later push
    /// returns the same error until [`reset`](Parser::reset).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let mut input = chunk;
        while !input.is_empty() {
            match self.step(input) {
                Ok(consumed) => input = &input[consumed..],
                Err(error) => {
                    self.failed = Some(error);
                    self.discard_partial();
                    return Err(error);
                }
            }
        }
        Ok(())
    }

    /// The next complete frame or heart-beat, in stream order.
    pub fn next_item(&mut self) -> Option<Item> {
        let item = match self.items.front_mut()? {
            Queued::Heartbeats(count) if *count > 1 => {
                *count -= 1;
                Item::Heartbeat
            }
            _ => match self.items.pop_front()? {
                Queued::Item(item) => item,
                Queued::Heartbeats(_) => Item::Heartbeat,
            },
        };
        self.pending -= 1;
        Some(item)
    }

    /// Drains the run of heart-beats at the front of the queue at once and returns how many there
    /// were (0 when a frame, or nothing, is next). A consumer that treats a run of EOLs as one
    /// heart-beat calls this before [`next_item`](Parser::next_item): a stream of a million EOLs
    /// then costs one call, not a million.
    ///
    /// ```
    /// use stomp_wasm::frame::{Item, Parser};
    ///
    /// let mut parser = Parser::new();
    /// parser.push(&[b'\n'; 100_000]).unwrap();
    /// parser.push(b"SEND\n\n\0\r\n").unwrap();
    /// assert_eq!(parser.take_heartbeats(), 100_000);
    /// assert!(matches!(parser.next_item(), Some(Item::Frame(_))));
    /// assert_eq!(parser.take_heartbeats(), 1);
    /// assert_eq!(parser.next_item(), None);
    /// ```
    pub fn take_heartbeats(&mut self) -> usize {
        match self.items.front() {
            Some(&Queued::Heartbeats(count)) => {
                self.items.pop_front();
                self.pending -= count;
                count
            }
            _ => 0,
        }
    }

    /// How many complete items wait to be drained.
    pub fn pending(&self) -> usize {
        self.pending
    }

    fn push_heartbeats(&mut self, beats: usize) {
        self.pending += beats;
        if let Some(Queued::Heartbeats(count)) = self.items.back_mut() {
            *count += beats;
        } else {
            self.items.push_back(Queued::Heartbeats(beats));
        }
    }

    fn discard_partial(&mut self) {
        self.line = Vec::new();
        self.head_bytes = 0;
        self.command = None;
        self.headers = Headers::new();
        self.body = Vec::new();
        self.skipping = None;
    }

    /// Consumes some of `input` (all of it, or up to the end of the current token) and returns how many
    /// bytes. Returns 0 only when it changed state without consuming, so the loop always progresses.
    fn step(&mut self, input: &[u8]) -> Result<usize, ParseError> {
        match self.state {
            State::Idle => Ok(match eol_run(input) {
                (consumed, beats) if beats > 0 => {
                    self.push_heartbeats(beats);
                    consumed
                }
                _ if input[0] == b'\r' => {
                    self.state = State::IdleCr;
                    1
                }
                _ => {
                    self.state = State::Head;
                    0
                }
            }),
            State::IdleCr if input[0] == b'\n' => {
                self.push_heartbeats(1);
                self.state = State::Idle;
                Ok(1)
            }
            State::IdleCr => Err(ParseError::BareCarriageReturn),
            State::Head => self.read_head(input),
            State::CountedBody(remaining) => {
                let take = usize::try_from(remaining).map_or(input.len(), |r| r.min(input.len()));
                if self.skipping.is_none() {
                    // Not skipping: `remaining` is within `max_body_bytes`, so it fits a `usize`.
                    let total = self.body.len() + remaining as usize;
                    extend_within(&mut self.body, &input[..take], total);
                }
                self.state = match remaining - take as u64 {
                    0 => State::ExpectNul,
                    left => State::CountedBody(left),
                };
                Ok(take)
            }
            State::ExpectNul if input[0] == 0 => {
                self.finish_frame();
                Ok(1)
            }
            State::ExpectNul => Err(ParseError::MissingNul),
            State::BodyToNul => {
                let found = memchr::memchr(0, input);
                let take = found.unwrap_or(input.len());
                if self.skipping.is_some() {
                    // Dropped unseen.
                } else if self.body.len() + take > self.limits.max_body_bytes {
                    self.start_skip(Limit::BodyBytes)?;
                } else {
                    extend_within(&mut self.body, &input[..take], self.limits.max_body_bytes);
                }
                Ok(match found {
                    Some(_) => {
                        self.finish_frame();
                        take + 1
                    }
                    None => take,
                })
            }
        }
    }

    /// Reads up to and including the next LF of the head, or all of `input` if it has none.
    fn read_head(&mut self, input: &[u8]) -> Result<usize, ParseError> {
        let lf = memchr::memchr(b'\n', input);
        let part = &input[..lf.unwrap_or(input.len())];
        let head_bytes = self.head_bytes + self.line.len() + part.len() + usize::from(lf.is_some());
        let cap = match self.skipping {
            // Skipping: only a naming header is of use, so the rest of a longer line is dropped, and
            // the head is no longer counted.
            Some(_) => SKIP_LINE_CAP,
            None if head_bytes > self.limits.max_header_bytes => {
                // Nothing consumed: the input is read again as part of a skipped frame.
                self.start_skip(Limit::HeaderBytes)?;
                return Ok(0);
            }
            None => self.limits.max_header_bytes,
        };
        let part = &part[..part.len().min(cap.saturating_sub(self.line.len()))];
        let Some(lf) = lf else {
            extend_within(&mut self.line, part, cap);
            return Ok(input.len());
        };
        if self.skipping.is_none() {
            self.head_bytes = head_bytes;
        }
        if self.line.is_empty() {
            self.read_line(part)?;
        } else {
            let mut line = core::mem::take(&mut self.line);
            extend_within(&mut line, part, cap);
            let result = self.read_line(&line);
            line.clear();
            self.line = line;
            result?;
        }
        Ok(lf + 1)
    }

    /// Handles one complete head line, without its LF.
    fn read_line(&mut self, line: &[u8]) -> Result<(), ParseError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if memchr::memchr(b'\r', line).is_some() {
            return Err(ParseError::BareCarriageReturn);
        }
        let Some(command) = self.command else {
            self.command = Some(Command::parse(line).ok_or(ParseError::UnknownCommand)?);
            return Ok(());
        };
        if line.is_empty() {
            return self.start_body();
        }
        if self.skipping.is_none() && self.headers.len() >= self.limits.max_headers {
            self.start_skip(Limit::Headers)?;
        }
        // Past a limit, only the naming headers are kept (and read).
        let skipping = self.skipping;
        let extra = match skipping {
            Some(limit) if !self.keep_naming(line, limit)? => return Ok(()),
            Some(_) => NAMING_HEADERS.len(),
            None => 0,
        };
        self.push_header(line, command, extra)
    }

    /// Reads header `line` (without its EOL) of a `command` frame into the headers, with room for
    /// `extra` headers past the limits.
    fn push_header(
        &mut self,
        line: &[u8],
        command: Command,
        extra: usize,
    ) -> Result<(), ParseError> {
        let colon = memchr::memchr(b':', line).ok_or(ParseError::HeaderWithoutColon)?;
        if colon == 0 {
            return Err(ParseError::EmptyHeaderName);
        }
        let line = core::str::from_utf8(line).map_err(|_| ParseError::InvalidUtf8)?;
        // `get`: cut at the ASCII colon, a character boundary (see `Headers::resolve`).
        let (name, value) = (
            line.get(..colon).unwrap_or(""),
            line.get(colon + 1..).unwrap_or(""),
        );
        let value = match self.version {
            Version::V1_0 => trim_padding(value),
            _ => value,
        };
        let escaping = match Escaping::for_frame(command.is_escaped(), self.version) {
            Escaping::None => Escaping::None,
            _ if self.lenient_before_version && !self.version_known => Escaping::Lenient,
            escaping => escaping,
        };
        // Unescaping never lengthens text, and all header text came from head lines, so this reserve
        // stays within `max_header_bytes`, and `NAMING_LINE_MAX` more per naming header kept while
        // skipping.
        self.headers.reserve_within(
            line.len(),
            self.limits
                .max_header_bytes
                .saturating_add(extra * NAMING_LINE_MAX),
            self.limits.max_headers.saturating_add(extra),
        );
        let text = self.headers.buffer();
        let name_start = text.len();
        escaping.unescape_into(name, text)?;
        let name_end = text.len();
        escaping.unescape_into(value, text)?;
        let value_end = text.len();
        self.headers.push_span(name_start..name_end, value_end);
        Ok(())
    }

    /// While skipping: whether header `line` is to be kept, which is when it is the first of its name
    /// among the [`NAMING_HEADERS`] and at most `NAMING_LINE_MAX` octets. A first `content-length`
    /// too long to keep is the error for `limit`: without it the frame's end cannot be found.
    fn keep_naming(&mut self, line: &[u8], limit: Limit) -> Result<bool, ParseError> {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        let Some(index) = NAMING_HEADERS.iter().position(|n| n.as_bytes() == name) else {
            return Ok(false);
        };
        let bit = 1 << index;
        if self.naming_seen & bit != 0 {
            return Ok(false);
        }
        self.naming_seen |= bit;
        match line.len() <= NAMING_LINE_MAX {
            true => Ok(true),
            false if index == CONTENT_LENGTH => Err(ParseError::LimitExceeded(limit)),
            false => Ok(false),
        }
    }

    /// The frame in progress exceeded `limit`. With [`skip_oversized`](Parser::skip_oversized) on, and
    /// its command known (else there is no frame to report), the rest of the frame is read without
    /// being stored; otherwise it is the error.
    fn start_skip(&mut self, limit: Limit) -> Result<(), ParseError> {
        let skippable = match (self.command, self.skip_only) {
            (None, _) => false,
            (Some(command), Some(only)) => command == only,
            (Some(_), None) => true,
        };
        if !self.skip_oversized || !skippable {
            return Err(ParseError::LimitExceeded(limit));
        }
        self.skipping = Some(limit);
        self.body = Vec::new();
        self.line.truncate(SKIP_LINE_CAP);
        let seen = NAMING_HEADERS.iter().enumerate();
        let seen = seen.filter(|(_, name)| self.headers.contains(name));
        self.naming_seen = seen.fold(0, |bits, (index, _)| bits | 1 << index);
        Ok(())
    }

    /// Called at the blank line that ends the head: decides how the body ends.
    fn start_body(&mut self) -> Result<(), ParseError> {
        let length = match self.headers.get("content-length") {
            None => None,
            Some(text) => Some(parse_content_length(text)?),
        };
        let over = length.is_some_and(|length| length > self.limits.max_body_bytes as u64);
        if over && self.skipping.is_none() {
            self.start_skip(Limit::BodyBytes)?;
        }
        self.state = match length {
            None => State::BodyToNul,
            Some(0) => State::ExpectNul,
            // No reservation here: the body buffer grows as octets arrive (see `extend_within`).
            Some(length) => State::CountedBody(length),
        };
        Ok(())
    }

    fn finish_frame(&mut self) {
        let command = self.command.take().unwrap_or(Command::Error);
        let headers = core::mem::take(&mut self.headers);
        self.head_bytes = 0;
        self.state = State::Idle;
        self.pending += 1;
        if let Some(limit) = self.skipping.take() {
            // The line buffer may have grown past `max_header_bytes` while skipping.
            self.line = Vec::new();
            let skipped = Skipped {
                command,
                headers,
                limit,
            };
            self.items.push_back(Queued::Item(Item::Skipped(skipped)));
            return;
        }
        let frame = Frame {
            command,
            headers,
            body: core::mem::take(&mut self.body),
        };
        if self.follow_connected && !self.followed && frame.command == Command::Connected {
            self.followed = true;
            self.version_known = true;
            self.version = match frame.headers.get("version") {
                None => Version::V1_0,
                Some(text) => Version::parse(text).unwrap_or(self.version),
            };
        }
        self.items.push_back(Queued::Item(Item::Frame(frame)));
    }
}

/// The run of whole EOLs (LF or CRLF) at the start of `input`: the octets it spans and how many EOLs.
/// Stops before a CR that is not followed by LF within `input` (the octet-by-octet path handles it:
/// a CR at the end of a chunk, or a bare CR).
fn eol_run(input: &[u8]) -> (usize, usize) {
    let (mut at, mut beats) = (0, 0);
    loop {
        match input.get(at..at + 2) {
            _ if input.get(at) == Some(&b'\n') => at += 1,
            Some(b"\r\n") => at += 2,
            _ => return (at, beats),
        }
        beats += 1;
    }
}

/// `value` without the spaces and tabs a 1.0 broker pads values with.
fn trim_padding(value: &str) -> &str {
    let padding = |b: &u8| matches!(b, b' ' | b'\t');
    let bytes = value.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !padding(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !padding(b))
        .map_or(start, |at| at + 1);
    // Spaces and tabs are ASCII, so both ends are character boundaries.
    value.get(start..end).unwrap_or(value)
}

/// Appends `bytes` to `buffer`, growing its capacity geometrically (so appending is amortised O(1) per
/// octet whatever the chunking) but never past `cap`. The caller has checked that
/// `buffer.len() + bytes.len() <= cap`.
fn extend_within(buffer: &mut Vec<u8>, bytes: &[u8], cap: usize) {
    let needed = buffer.len() + bytes.len();
    if needed > buffer.capacity() {
        let target = buffer.capacity().saturating_mul(2).min(cap).max(needed);
        buffer.reserve_exact(target - buffer.len());
    }
    buffer.extend_from_slice(bytes);
}

/// A non-negative decimal integer, digits only. Values too large for `u64` saturate, so that they
/// report the body limit rather than a format error.
fn parse_content_length(text: &str) -> Result<u64, ParseError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::InvalidContentLength);
    }
    Ok(text.bytes().fold(0u64, |n, digit| {
        n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))
    }))
}
