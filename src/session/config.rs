//! Session configuration: what the engine needs to know before it connects. Plain data with defaults
//! matching @stomp/stompjs where stompjs has the option, so the JS options map onto it one to one.

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
    /// Attempt k of a streak waits `delay × 2^(k-1)`, capped by `max(max_delay, delay)`.
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
    /// Upper bound for any delay (before jitter). As in @stomp/stompjs the bound is never below
    /// `delay`: the effective cap is `max(max_delay, delay)`, so 0 with exponential growth means
    /// "stay at `delay`".
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
#[derive(Debug, Clone, PartialEq)]
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
    /// Queue SEND/ACK/NACK while not connected (flushed after re-subscribing); off makes them errors.
    pub queue_while_disconnected: bool,
    /// Most frames the offline queue holds.
    pub max_queued_frames: usize,
    /// Most bytes (header text plus body) the offline queue holds.
    pub max_queued_bytes: usize,
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

/// The host part of a URL like `ws://user@host:port/path` (brackets kept for IPv6 literals).
pub(crate) fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_inclusive(']').next().unwrap_or(host_port);
    }
    host_port.split(':').next().unwrap_or(host_port)
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
    }
}
