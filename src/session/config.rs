//! Session configuration: what the engine needs to know before it connects. Plain data with defaults
//! matching @stomp/stompjs where stompjs has the option, so the JS options map onto it one to one.
//! These defaults are the package's: the JS option table (`src/web/edge/options.js`) repeats them for
//! its properties, and `tests/option_defaults.rs` fails when the two differ.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::frame::{Headers, Limits, Version};

/// Milliseconds on the caller's clock. The session never reads a clock: every input carries `now`.
pub type Millis = u64;

/// What goes into the CONNECT frame's `host` header.
///
/// The default is [`HostHeader::Omit`], as in @stomp/stompjs, although STOMP 1.2 asks for the header:
/// RabbitMQ reads `host` as the virtual host and refuses the connection when it names the server
/// instead (`ERROR message:Bad CONNECT`, "Virtual host '127.0.0.1' access denied", measured against
/// RabbitMQ 3.10.8), while every broker accepts its absence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HostHeader {
    /// The host part of the broker URL being connected to (the spec's reading: the server's name).
    FromUrl,
    /// This value (RabbitMQ reads it as the virtual host, e.g. `/`).
    Fixed(String),
    /// No `host` header (as stompjs and STOMP 1.0 clients do).
    #[default]
    Omit,
}

/// How the delay between reconnect attempts grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReconnectTimeMode {
    /// Every attempt waits `delay`.
    #[default]
    Linear,
    /// Attempt k of a streak waits `delay × 2^(k-1)`, capped by `max(max_delay, delay)` (no cap when
    /// `max_delay` is 0).
    Exponential,
}

/// The reconnect policy.
///
/// Reconnect attempts come in *streaks*: attempt 1, 2, 3, … of a streak wait the delays of
/// [`ReconnectTimeMode`], and `max_attempts` bounds a streak. A streak starts at
/// [`Session::connect`](super::Session::connect) and ends only when a connection that stayed up for
/// [`Config::stable_after`] ends (10 s by default) — not at CONNECTED. So a broker that answers
/// CONNECTED and then ERROR or a close at once (a subscription it refuses, re-sent on every
/// reconnect) is backed off like one that refuses the connection: exponential delays keep doubling
/// up to the cap, linear ones stay at `delay`, and `max_attempts` ends in
/// [`State::Failed`](super::State::Failed).
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    /// Base delay before a reconnect attempt; 0 turns reconnecting off.
    pub delay: Millis,
    /// Linear or exponential growth.
    pub mode: ReconnectTimeMode,
    /// Upper bound for any delay (before jitter). As in @stomp/stompjs 7.5: 0 means no bound, and a
    /// bound below `delay` is raised to `delay` (the effective cap is `max(max_delay, delay)`).
    pub max_delay: Millis,
    /// Reconnect attempts allowed in a streak (see above); 0 means no limit. When used up, the
    /// session goes to [`State::Failed`](super::State::Failed).
    pub max_attempts: u32,
    /// Fraction of each delay (0.0 to 1.0) drawn at random and taken off it: 0 waits the exact delay,
    /// 1 is "full jitter" (uniform between 0 and the delay). Spreads a fleet's reconnects after an outage.
    pub jitter: f64,
    /// Seed of the jitter's random sequence, so tests and replays are deterministic.
    pub seed: u64,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            delay: 5_000,
            mode: ReconnectTimeMode::Linear,
            max_delay: 15 * 60 * 1_000,
            max_attempts: 0,
            jitter: 0.0,
            seed: 0x5eed,
        }
    }
}

/// Everything the session needs to connect, keep the connection alive and restore it.
///
/// Its `Debug` output redacts secrets: the passcode, the values of `passcode` and `Authorization`
/// connect headers, and the user-info and query values of the broker URLs (see [`redacted_url`]).
#[derive(Clone, PartialEq)]
pub struct Config {
    /// Broker URLs; more than one means failover: a failed attempt moves on to the next.
    pub broker_urls: Vec<String>,
    /// Versions offered in `accept-version`, in any order (the broker picks the highest it knows).
    pub accept_versions: Vec<Version>,
    /// Send `STOMP` instead of `CONNECT` as the first frame (1.1+ brokers only).
    pub use_stomp_command: bool,
    /// The CONNECT frame's `host` header.
    pub host: HostHeader,
    /// `login` header, if any.
    pub login: Option<String>,
    /// `passcode` header, if any.
    pub passcode: Option<String>,
    /// Extra CONNECT headers; one with the name of a header the session writes replaces it.
    pub connect_headers: Headers,
    /// Extra DISCONNECT headers.
    pub disconnect_headers: Headers,
    /// The `cx` of `heart-beat: cx,cy`: how often we can send (0 = never).
    pub heartbeat_outgoing: Millis,
    /// The `cy` of `heart-beat: cx,cy`: how often we want to hear from the broker (0 = never).
    pub heartbeat_incoming: Millis,
    /// Silence longer than the incoming interval times this means the connection is dead.
    pub heartbeat_tolerance: f64,
    /// No CONNECTED this long after the transport was requested: a failed attempt (0 = wait forever).
    pub connection_timeout: Millis,
    /// No RECEIPT this long after the frame was written: the receipt fails (0 = wait forever).
    pub receipt_timeout: Millis,
    /// No RECEIPT for DISCONNECT this long after it was written: close anyway. Never 0: a graceful
    /// disconnect must not hang (0 is read as "close at once").
    pub disconnect_timeout: Millis,
    /// The reconnect policy.
    pub reconnect: ReconnectPolicy,
    /// How long a connection must stay up (from its CONNECTED) for its end to reset the reconnect
    /// streak (see [`ReconnectPolicy`]). A connection that drops sooner counts as one more attempt
    /// of the streak, so exponential backoff keeps growing and `max_attempts` is reached. 0 resets
    /// at any end after CONNECTED.
    pub stable_after: Millis,
    /// How long after [`Session::handle_app_hidden`](super::Session::handle_app_hidden) the
    /// platform is taken to have suspended the app and killed its transport (WeChat and other
    /// mini-program hosts suspend a hidden app after about 5 s).
    pub suspend_after: Millis,
    /// Queue SEND while not connected (written after re-subscribing); off makes it an error
    /// (at-least-once frames are always kept).
    pub queue_while_disconnected: bool,
    /// Most frames waiting for a connection: a publish made while not connected is refused when the
    /// queue holds this many. Frames held back by backpressure while connected are not refused for
    /// being many (a connected client accepts what stompjs would write to its socket), but count
    /// here once the connection is lost.
    pub max_queued_frames: usize,
    /// Most bytes (header text plus body) waiting for a connection; as `max_queued_frames`.
    pub max_queued_bytes: usize,
    /// Most bytes (header text plus body) of at-least-once frames kept until their RECEIPT, written
    /// or waiting: an at-least-once publish beyond it is refused.
    pub max_unconfirmed_bytes: usize,
    /// An at-least-once frame that was the oldest unconfirmed one when the broker closed its
    /// connection (a normal close, or after an ERROR; not a dropped connection) without its RECEIPT
    /// this many times in a row is given up ([`ReceiptError::GivenUp`]): the broker is refusing it.
    /// 0 never gives up.
    ///
    /// [`ReceiptError::GivenUp`]: super::ReceiptError::GivenUp
    pub max_delivery_attempts: u32,
    /// The start of every receipt and `dedup-id` the session makes for a publish
    /// (`<id_prefix><ticket>`): a random value per client makes at-least-once `dedup-id`s unique
    /// among clients.
    pub id_prefix: String,
    /// Backpressure: the most bytes the transport may hold unwritten before frames wait in the
    /// client, in issue order (0 turns it off). What the transport holds is estimated as what it
    /// last reported ([`Session::handle_buffered`](super::Session::handle_buffered)) plus every
    /// byte handed out since, so it is never under-counted: a frame goes out only while the
    /// estimate is under the bound, which the transport therefore exceeds by one frame at most. A
    /// driver that sets it answers [`Session::wants_buffered`](super::Session::wants_buffered).
    pub max_buffered_bytes: usize,
    /// Frame-size limits for what the broker sends.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            broker_urls: Vec::new(),
            accept_versions: vec![Version::V1_2, Version::V1_1, Version::V1_0],
            use_stomp_command: false,
            host: HostHeader::default(),
            login: None,
            passcode: None,
            connect_headers: Headers::new(),
            disconnect_headers: Headers::new(),
            heartbeat_outgoing: 10_000,
            heartbeat_incoming: 10_000,
            heartbeat_tolerance: 2.0,
            connection_timeout: 0,
            receipt_timeout: 30_000,
            disconnect_timeout: 5_000,
            reconnect: ReconnectPolicy::default(),
            stable_after: 10_000,
            suspend_after: 5_000,
            queue_while_disconnected: true,
            max_queued_frames: 1_000,
            max_queued_bytes: 4 * 1024 * 1024,
            max_unconfirmed_bytes: 64 * 1024 * 1024,
            max_delivery_attempts: 3,
            id_prefix: String::from("m-"),
            max_buffered_bytes: 256 * 1024,
            limits: Limits::DEFAULT,
        }
    }
}

impl Config {
    /// A default configuration for one broker URL.
    pub fn new(url: impl Into<String>) -> Config {
        Config {
            broker_urls: vec![url.into()],
            ..Config::default()
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let urls: Vec<String> = self.broker_urls.iter().map(|u| redacted_url(u)).collect();
        f.debug_struct("Config")
            .field("broker_urls", &urls)
            .field("accept_versions", &self.accept_versions)
            .field("use_stomp_command", &self.use_stomp_command)
            .field("host", &self.host)
            .field("login", &self.login)
            .field("passcode", &self.passcode.as_ref().map(|_| REDACTED))
            .field("connect_headers", &RedactedHeaders(&self.connect_headers))
            .field(
                "disconnect_headers",
                &RedactedHeaders(&self.disconnect_headers),
            )
            .field("heartbeat_outgoing", &self.heartbeat_outgoing)
            .field("heartbeat_incoming", &self.heartbeat_incoming)
            .field("heartbeat_tolerance", &self.heartbeat_tolerance)
            .field("connection_timeout", &self.connection_timeout)
            .field("receipt_timeout", &self.receipt_timeout)
            .field("disconnect_timeout", &self.disconnect_timeout)
            .field("reconnect", &self.reconnect)
            .field("stable_after", &self.stable_after)
            .field("suspend_after", &self.suspend_after)
            .field("queue_while_disconnected", &self.queue_while_disconnected)
            .field("max_queued_frames", &self.max_queued_frames)
            .field("max_queued_bytes", &self.max_queued_bytes)
            .field("max_unconfirmed_bytes", &self.max_unconfirmed_bytes)
            .field("max_delivery_attempts", &self.max_delivery_attempts)
            .field("id_prefix", &self.id_prefix)
            .field("max_buffered_bytes", &self.max_buffered_bytes)
            .field("limits", &self.limits)
            .finish()
    }
}

/// What secrets are replaced with in `Debug` output and [`redacted_url`].
const REDACTED: &str = "***";

/// Headers whose values are secrets.
pub(crate) fn is_secret_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("passcode") || name.eq_ignore_ascii_case("authorization")
}

/// Headers printed with the values of secret ones redacted.
struct RedactedHeaders<'a>(&'a Headers);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                (
                    name,
                    if is_secret_header(name) {
                        REDACTED
                    } else {
                        value
                    },
                )
            }))
            .finish()
    }
}

/// `url` with its secrets replaced by `***`: the whole user-info (`user:password@`) and the value
/// of every query and fragment parameter (`?access_token=***&v=***`). For logs and `Debug` output.
///
/// ```
/// use stomp_wasm::session::redacted_url;
/// assert_eq!(
///     redacted_url("wss://alice:s3cret@example.com/ws?access_token=abc&v=1#k=x"),
///     "wss://***@example.com/ws?access_token=***&v=***#k=***"
/// );
/// assert_eq!(redacted_url("ws://127.0.0.1:15674/ws"), "ws://127.0.0.1:15674/ws");
/// ```
pub fn redacted_url(url: &str) -> String {
    let (scheme_end, authority_end) = authority(url);
    let authority_text = cut(url, scheme_end, authority_end);
    let mut out = String::with_capacity(url.len());
    out.push_str(cut(url, 0, scheme_end));
    match authority_text.bytes().rposition(|b| b == b'@') {
        Some(at) => {
            out.push_str(REDACTED);
            out.push_str(cut(authority_text, at, authority_text.len()));
        }
        None => out.push_str(authority_text),
    }
    let rest = cut(url, authority_end, url.len());
    let params_start = rest
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    out.push_str(cut(rest, 0, params_start));
    // Each `name=value` after `?` or `#`, separated by `&`: keep the delimiters and the names.
    let mut in_value = false;
    for c in cut(rest, params_start, rest.len()).chars() {
        match c {
            '?' | '#' | '&' => {
                in_value = false;
                out.push(c);
            }
            '=' if !in_value => {
                in_value = true;
                out.push('=');
                out.push_str(REDACTED);
            }
            _ if in_value => {}
            _ => out.push(c),
        }
    }
    out
}

/// `text[from..to]` where both are known to be character boundaries (positions of ASCII bytes):
/// `get`, as indexing would bring core's formatted panic message for a bad one into the wasm.
fn cut(text: &str, from: usize, to: usize) -> &str {
    text.get(from..to).unwrap_or("")
}

/// Where the authority of `url` starts (after `scheme://`, or 0) and ends (at the first `/`, `?` or
/// `#` after it). Byte positions of ASCII delimiters, so both are character boundaries.
fn authority(url: &str) -> (usize, usize) {
    let bytes = url.as_bytes();
    let start = bytes
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |at| at + 3);
    let end = bytes[start..]
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(bytes.len(), |at| start + at);
    (start, end)
}

/// The host part of a URL like `ws://user@host:port/path` (brackets kept for IPv6 literals).
pub(crate) fn url_host(url: &str) -> &str {
    let (start, end) = authority(url);
    let authority = &url.as_bytes()[start..end];
    let host_start = authority
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |at| at + 1);
    let host_port = &authority[host_start..];
    let host_len = match host_port.first() {
        Some(b'[') => host_port
            .iter()
            .position(|&b| b == b']')
            .map_or(host_port.len(), |at| at + 1),
        _ => host_port
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(host_port.len()),
    };
    let from = start + host_start;
    cut(url, from, from + host_len)
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn url_host_takes_the_host_without_port_path_or_credentials() {
        assert_eq!(url_host("ws://127.0.0.1:15674/ws"), "127.0.0.1");
        assert_eq!(
            url_host("wss://user:pw@example.com/stomp?x=1"),
            "example.com"
        );
        assert_eq!(url_host("ws://[::1]:15674/ws"), "[::1]");
        assert_eq!(url_host("example.org"), "example.org");
        assert_eq!(url_host("ws://h?x=a@b:c"), "h");
        assert_eq!(url_host("ws://[::1/ws"), "[::1");
        assert_eq!(url_host(""), "");
    }

    #[test]
    fn redacted_url_hides_user_info_and_parameter_values() {
        use super::redacted_url;
        for (url, redacted) in [
            ("ws://h/ws", "ws://h/ws"),
            ("ws://u@h", "ws://***@h"),
            ("h:1/p?a&b=&c=d=e#f", "h:1/p?a&b=***&c=***#f"),
            (
                "wss://a:b@[::1]:9/x?t=é&u=ü",
                "wss://***@[::1]:9/x?t=***&u=***",
            ),
            ("", ""),
        ] {
            assert_eq!(redacted_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn debug_redacts_the_passcode_and_secret_headers() {
        use super::Config;
        use crate::frame::Headers;
        let config = Config {
            login: Some("alice".into()),
            passcode: Some("s3cret-pass".into()),
            connect_headers: Headers::from([
                ("passcode", "s3cret-header"),
                ("Authorization", "Bearer s3cret-token"),
                ("x-tenant", "blue"),
            ]),
            ..Config::new("wss://bob:s3cret-url@example.com/ws?access_token=s3cret-query")
        };
        let text = alloc::format!("{config:?}");
        assert!(!text.contains("s3cret"), "{text}");
        for shown in [
            "alice",
            "x-tenant",
            "blue",
            "example.com",
            "access_token",
            "Authorization",
        ] {
            assert!(text.contains(shown), "{shown} missing from {text}");
        }
        let pretty = alloc::format!("{config:#?}");
        assert!(!pretty.contains("s3cret"));
    }
}
