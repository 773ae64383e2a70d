//! What a connection is asked to do, read from its WebSocket URL: the path names the scenario, the
//! query its parameters. Owns the parsing and the defaults, and nothing that runs.
//!
//! `ws://127.0.0.1:PORT/<scenario>?id=<record key>&faulty=<N>&…`
//!
//! | scenario | fault (while faulty) |
//! |---|---|
//! | `ok` (or `/`) | none: a correct broker |
//! | `drop-mid-frame` | at the trigger, half a MESSAGE, then the TCP connection is dropped (no close frame) |
//! | `tiny` | every outgoing frame cut into 1-byte WebSocket messages (`chunk=N`; whole characters in text messages) |
//! | `garbage` | at the trigger, a message that is not STOMP |
//! | `over-limit` | at the trigger, a MESSAGE over a frame limit (`limit=header-bytes\|headers\|body`, `size=N`) |
//! | `never-connected` | CONNECT is read and never answered |
//! | `silent` | CONNECTED (offering heart-beats), then nothing at all: no heart-beats, no answers |
//! | `error-close` | at the trigger, ERROR, then the connection is closed |
//! | `no-receipt` | frames accepted, no RECEIPT ever |
//! | `slow` | every outgoing byte dripped: `chunk` bytes (1) every `interval` ms (100) |
//! | `eol-flood` | at the trigger, one message of `size` EOLs (8 MiB) |
//! | `huge-heartbeat` | CONNECTED says `heart-beat:0,3000000000` (`hb=` to change it) |
//!
//! Parameters every scenario takes:
//! - `id`: the record key a test reads back with `GET /records?id=…` (default: none, not recorded);
//! - `faulty=N`: the fault applies to the first N connections to the same path and query only, then
//!   the broker is correct, so a test can see the client recover (default: every connection);
//! - `at=connect|connected|subscribe|send`: when a one-shot fault fires (instead of CONNECTED, right
//!   after it, after the first SUBSCRIBE, after the first SEND; defaults per scenario);
//! - `versions=1.2,1.1`: the versions the broker speaks (default all three);
//! - `hb=sx,sy`: the broker's heart-beat offer, as in CONNECTED (default `0,0`; `none`: no `heart-beat`
//!   header at all); the broker sends EOLs
//!   every max(sx, client's cy) ms when both are non-zero;
//! - `ws=text|binary`: the WebSocket message kind for outgoing frames (default text; frames that are not
//!   UTF-8 always go binary);
//! - `subprotocol=none|<name>`: the subprotocol answered (default: the highest offered one the broker
//!   speaks).

use std::fmt;
use std::time::Duration;

use stomp_wasm::frame::Version;

/// The fault a connection plays while it is faulty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No fault: a correct broker.
    None,
    /// Half a MESSAGE, then the TCP connection dropped.
    DropMidFrame,
    /// Outgoing frames in tiny WebSocket messages.
    Tiny,
    /// Bytes that are not STOMP.
    Garbage,
    /// A MESSAGE over a frame limit.
    OverLimit,
    /// CONNECT never answered.
    NeverConnected,
    /// CONNECTED, then silence.
    Silent,
    /// ERROR, then close.
    ErrorClose,
    /// No RECEIPT for anything.
    NoReceipt,
    /// Outgoing bytes dripped slowly.
    Slow,
    /// A huge run of EOLs in one message.
    EolFlood,
    /// A huge heart-beat request in CONNECTED.
    HugeHeartbeat,
}

impl Fault {
    /// The fault a path names (`/drop-mid-frame`); `None` for an unknown name.
    pub fn from_path(path: &str) -> Option<Fault> {
        Some(match path.trim_matches('/') {
            "" | "ok" | "ws" => Fault::None,
            "drop-mid-frame" => Fault::DropMidFrame,
            "tiny" => Fault::Tiny,
            "garbage" => Fault::Garbage,
            "over-limit" => Fault::OverLimit,
            "never-connected" => Fault::NeverConnected,
            "silent" => Fault::Silent,
            "error-close" => Fault::ErrorClose,
            "no-receipt" => Fault::NoReceipt,
            "slow" => Fault::Slow,
            "eol-flood" => Fault::EolFlood,
            "huge-heartbeat" => Fault::HugeHeartbeat,
            _ => return None,
        })
    }

    /// When this fault's one-shot action fires unless `at=` says otherwise.
    fn default_trigger(self) -> Trigger {
        match self {
            Fault::DropMidFrame => Trigger::Subscribe,
            Fault::ErrorClose => Trigger::Connect,
            _ => Trigger::Connected,
        }
    }
}

/// When a one-shot fault fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Instead of answering CONNECT.
    Connect,
    /// Right after CONNECTED.
    Connected,
    /// Right after the first SUBSCRIBE has been handled (its RECEIPT sent).
    Subscribe,
    /// Right after the first SEND has been handled.
    Send,
}

/// Which frame limit an `over-limit` MESSAGE exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// One header value of `size` octets.
    HeaderBytes,
    /// `size` headers.
    Headers,
    /// A body of `size` octets.
    Body,
}

/// The WebSocket message kind for outgoing frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsKind {
    /// Text messages (binary when the bytes are not UTF-8).
    Text,
    /// Binary messages.
    Binary,
}

/// The subprotocol the handshake answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subprotocol {
    /// The highest offered `v1x.stomp` the broker speaks.
    Auto,
    /// No `Sec-WebSocket-Protocol` header.
    Omit,
    /// This one, whatever was offered.
    Fixed(String),
}

/// Everything a connection needs to know about what to play, parsed from its URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The fault.
    pub fault: Fault,
    /// Record key (`id=`).
    pub id: Option<String>,
    /// Faulty for the first this many connections to the same URL; `None` = always.
    pub faulty: Option<u64>,
    /// When the one-shot action fires.
    pub trigger: Trigger,
    /// Versions spoken, oldest first.
    pub versions: Vec<Version>,
    /// The broker's heart-beat offer (sx, sy).
    pub heartbeat: (u64, u64),
    /// Whether CONNECTED carries a `heart-beat` header at all (`hb=none` leaves it out).
    pub heartbeat_header: bool,
    /// Outgoing message kind.
    pub ws: WsKind,
    /// Subprotocol answer.
    pub subprotocol: Subprotocol,
    /// `tiny` and `slow`: bytes per message.
    pub chunk: usize,
    /// `slow`: time between messages.
    pub interval: Duration,
    /// `over-limit`: which limit.
    pub limit: LimitKind,
    /// `over-limit`: the size in that limit's unit; `eol-flood`: the number of EOLs.
    pub size: usize,
}

/// A URL the broker does not understand; the handshake is refused with 404 and this text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadScenario(pub String);

impl fmt::Display for BadScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Scenario {
    /// Parses a request target: `/path?query`.
    pub fn parse(target: &str) -> Result<Scenario, BadScenario> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let fault = Fault::from_path(path)
            .ok_or_else(|| BadScenario(format!("unknown scenario '{path}'")))?;
        let mut scenario = Scenario::with_defaults(fault);
        for (name, value) in query_pairs(query) {
            scenario.set(&name, &value)?;
        }
        Ok(scenario)
    }

    fn with_defaults(fault: Fault) -> Scenario {
        let (limit, size) = match fault {
            Fault::EolFlood => (LimitKind::Body, 8 * 1024 * 1024),
            _ => (LimitKind::Body, 0),
        };
        Scenario {
            fault,
            id: None,
            faulty: None,
            trigger: fault.default_trigger(),
            versions: Version::ALL.to_vec(),
            heartbeat: match fault {
                Fault::HugeHeartbeat => (0, 3_000_000_000),
                Fault::Silent => (1000, 0),
                _ => (0, 0),
            },
            heartbeat_header: true,
            ws: WsKind::Text,
            subprotocol: Subprotocol::Auto,
            chunk: 1,
            interval: Duration::from_millis(100),
            limit,
            size,
        }
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), BadScenario> {
        let bad = || BadScenario(format!("bad value '{value}' for '{name}'"));
        let number = || value.parse::<u64>().map_err(|_| bad());
        match name {
            "id" => self.id = Some(value.to_owned()),
            "faulty" => self.faulty = Some(number()?),
            "at" => {
                self.trigger = match value {
                    "connect" => Trigger::Connect,
                    "connected" => Trigger::Connected,
                    "subscribe" => Trigger::Subscribe,
                    "send" => Trigger::Send,
                    _ => return Err(bad()),
                }
            }
            "versions" => {
                let mut versions = value
                    .split(',')
                    .map(|v| Version::parse(v.trim()).ok_or_else(bad))
                    .collect::<Result<Vec<_>, _>>()?;
                versions.sort();
                versions.dedup();
                self.versions = versions;
            }
            "hb" if value == "none" => self.heartbeat_header = false,
            "hb" => {
                let (sx, sy) = value.split_once(',').ok_or_else(bad)?;
                self.heartbeat = (
                    sx.trim().parse().map_err(|_| bad())?,
                    sy.trim().parse().map_err(|_| bad())?,
                );
            }
            "ws" => {
                self.ws = match value {
                    "text" => WsKind::Text,
                    "binary" => WsKind::Binary,
                    _ => return Err(bad()),
                }
            }
            "subprotocol" => {
                self.subprotocol = match value {
                    "none" => Subprotocol::Omit,
                    "auto" => Subprotocol::Auto,
                    name => Subprotocol::Fixed(name.to_owned()),
                }
            }
            "chunk" => self.chunk = (number()? as usize).max(1),
            "interval" => self.interval = Duration::from_millis(number()?),
            "limit" => {
                self.limit = match value {
                    "header-bytes" => LimitKind::HeaderBytes,
                    "headers" => LimitKind::Headers,
                    "body" => LimitKind::Body,
                    _ => return Err(bad()),
                }
            }
            "size" => self.size = number()? as usize,
            // Anything else is the test's own (a cache-buster, a label): ignored.
            _ => {}
        }
        Ok(())
    }

    /// The `over-limit` size: `size=` if given, else one past the client's default limit.
    pub fn over_limit_size(&self) -> usize {
        match (self.size, self.limit) {
            (0, LimitKind::HeaderBytes) => 8 * 1024 + 1,
            (0, LimitKind::Headers) => 129,
            (0, LimitKind::Body) => 16 * 1024 * 1024 + 1,
            (size, _) => size,
        }
    }
}

/// `a=1&b=x%20y` into decoded pairs (`+` is a space, as in forms).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_path_is_a_correct_broker_speaking_every_version() {
        let scenario = Scenario::parse("/").unwrap();
        assert_eq!(scenario.fault, Fault::None);
        assert_eq!(scenario.versions, Version::ALL);
        assert_eq!(scenario.faulty, None);
        assert_eq!(scenario.heartbeat, (0, 0));
    }

    #[test]
    fn parameters_are_read_from_the_query() {
        let scenario = Scenario::parse(
            "/error-close?id=t%201&faulty=2&at=subscribe&versions=1.1,1.0&hb=10,20&ws=binary",
        )
        .unwrap();
        assert_eq!(scenario.fault, Fault::ErrorClose);
        assert_eq!(scenario.id.as_deref(), Some("t 1"));
        assert_eq!(scenario.faulty, Some(2));
        assert_eq!(scenario.trigger, Trigger::Subscribe);
        assert_eq!(scenario.versions, [Version::V1_0, Version::V1_1]);
        assert_eq!(scenario.heartbeat, (10, 20));
        assert_eq!(scenario.ws, WsKind::Binary);
    }

    #[test]
    fn each_fault_has_its_default_trigger() {
        assert_eq!(
            Scenario::parse("/drop-mid-frame").unwrap().trigger,
            Trigger::Subscribe
        );
        assert_eq!(
            Scenario::parse("/error-close").unwrap().trigger,
            Trigger::Connect
        );
        assert_eq!(
            Scenario::parse("/garbage").unwrap().trigger,
            Trigger::Connected
        );
        assert_eq!(
            Scenario::parse("/huge-heartbeat").unwrap().heartbeat,
            (0, 3_000_000_000)
        );
    }

    #[test]
    fn over_limit_defaults_to_one_past_the_clients_default_limits() {
        let size = |q: &str| {
            Scenario::parse(&format!("/over-limit?{q}"))
                .unwrap()
                .over_limit_size()
        };
        assert_eq!(size("limit=header-bytes"), 8193);
        assert_eq!(size("limit=headers"), 129);
        assert_eq!(size("limit=body"), 16 * 1024 * 1024 + 1);
        assert_eq!(size("limit=body&size=1001"), 1001);
    }

    #[test]
    fn unknown_scenarios_and_bad_values_are_refused() {
        assert!(Scenario::parse("/nope").is_err());
        assert!(Scenario::parse("/ok?versions=2.0").is_err());
        assert!(Scenario::parse("/ok?faulty=x").is_err());
        assert!(Scenario::parse("/ok?at=later").is_err());
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay_literal() {
        assert_eq!(percent_decode("a%2Fb+c"), "a/b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
