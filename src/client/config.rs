//! [`Config`]: how a [`Client`](super::Client) connects, stays connected and delivers, as typed Rust
//! values (`Duration`s, enums, `Option` for "off"). Plain data, built on every target, so that an
//! app's own code and tests can build it natively; [`Config::check`] says which field is out of
//! range, and the client turns it into the session's and the driver's configurations.
//!
//! Over 500 lines because every field is documented where it is declared (with its default and the
//! stompjs option it stands for); the code itself is small.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::frame::{Headers, Limits, Version};
use crate::session::{self, HostHeader, Millis, ReconnectPolicy, ReconnectTimeMode};

use super::error::Error;

/// Everything a [`Client`](super::Client) needs: where to connect, as whom, and how to behave.
///
/// Build it with [`Config::new`] (one URL) or [`Config::failover`] (several), then change the
/// fields you care about; the defaults are @stomp/stompjs's where stompjs has the option.
///
/// ```
/// use std::time::Duration;
/// use stomp_wasm::client::{Config, Delivery, Heartbeat, Reconnect};
///
/// let config = Config {
///     heartbeat: Heartbeat::every(Duration::from_secs(5)),
///     reconnect: Some(Reconnect::exponential(Duration::from_millis(500), Duration::from_secs(30))),
///     connection_timeout: Some(Duration::from_secs(10)),
///     delivery: Delivery::AtLeastOnce,
///     ..Config::failover(["ws://127.0.0.1:15674/ws", "ws://127.0.0.1:15675/ws"])
/// }
/// .credentials("alice", "s3cret");
/// assert!(config.check().is_ok());
/// // The passcode never shows in Debug output.
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Clone, PartialEq)]
pub struct Config {
    /// Broker URLs (`ws://` or `wss://`); more than one means failover: a failed attempt moves on
    /// to the next.
    pub urls: Vec<String>,
    /// The CONNECT frame's `login` header, if any.
    pub login: Option<String>,
    /// The CONNECT frame's `passcode` header, if any (never shown by `Debug` or the debug log).
    pub passcode: Option<String>,
    /// The CONNECT frame's `host` header (RabbitMQ reads it as the virtual host). Default: omitted.
    pub host: HostHeader,
    /// Extra CONNECT headers (one named like a header the client writes replaces it).
    pub connect_headers: Headers,
    /// Extra DISCONNECT headers.
    pub disconnect_headers: Headers,
    /// Versions offered, in any order (the broker picks the highest it knows). Default: all three.
    pub versions: Vec<Version>,
    /// Heart-beats. Default: 10 s both ways, tolerance 2.
    pub heartbeat: Heartbeat,
    /// The reconnect policy; `None` never reconnects. Default: every 5 s, no limit.
    pub reconnect: Option<Reconnect>,
    /// No CONNECTED this long after the socket was asked for: the attempt fails. Default: `None`
    /// (wait for the socket to fail).
    pub connection_timeout: Option<Duration>,
    /// No RECEIPT this long after the frame was written: the receipt fails. Default: 30 s; `None`
    /// waits forever. At-least-once publishes never time out (they are sent again instead).
    pub receipt_timeout: Option<Duration>,
    /// How long [`deactivate`](super::Client::deactivate) waits for the broker's RECEIPT of
    /// DISCONNECT before closing anyway. Default: 5 s.
    pub disconnect_timeout: Duration,
    /// The bounded queue for frames published while not connected (or while the socket is full).
    pub queue: QueueLimits,
    /// Size limits for what the broker sends (a bigger frame is a protocol error: the client
    /// reconnects). Default: [`Limits::DEFAULT`].
    pub limits: Limits,
    /// How the client's one timer runs. Default: [`Ticker::Page`].
    pub ticker: Ticker,
    /// What [`Publish`](super::Publish) uses unless it says otherwise. Default: at-most-once.
    pub delivery: Delivery,
    /// Backpressure: when the socket holds this many bytes it has not written yet, new frames wait
    /// in the queue (in order, bounded by [`queue`](Config::queue)) until it is down to half, and
    /// publish futures complete when their frame is written; the socket never holds more than this
    /// plus one frame. `None` turns it off.
    /// Default: 256 KiB.
    pub max_buffered_amount: Option<u32>,
    /// Which socket API to open. Default: [`SocketApi::Auto`].
    pub socket: SocketApi,
    /// Reconnect at once when the page becomes visible again or the network comes back. Default: on.
    pub reconnect_on_resume: bool,
    /// Mini-programs: follow the app's hide and show. Default: on.
    pub app_lifecycle: bool,
    /// The debug log ([`ClientEvent::Debug`](super::ClientEvent::Debug)). Default: off.
    pub logging: Logging,
    /// Most bytes (bodies and header text) of the messages one
    /// [`Subscription`](super::Subscription) holds while nobody takes them. Default: 4 MiB.
    ///
    /// - `ack: auto` (the default): a message that does not fit is dropped — the broker counts
    ///   it delivered already — and the gap is in the stream: the next message taken says how
    ///   many were dropped just before it ([`Message::missed_before`](super::Message::missed_before)),
    ///   [`Subscription::dropped`](super::Subscription::dropped) counts them all, and
    ///   [`ClientEvent::SubscriptionOverflow`](super::ClientEvent::SubscriptionOverflow) says
    ///   that it began. Room made by the reader is used at once.
    /// - `ack: client` or `client-individual`: nothing is ever dropped (a dropped message would be
    ///   lost, or acknowledged unseen by the next cumulative ACK): the stream may hold more than
    ///   this bound, and `SubscriptionOverflow` says so once per overflow (again only after the
    ///   stream has been emptied). To bound it, have the broker stop sending: the SUBSCRIBE
    ///   header `prefetch-count` (RabbitMQ; ActiveMQ's `activemq.prefetchSize`) caps the
    ///   messages delivered and not yet acknowledged.
    ///
    /// A message bigger than the whole bound still gets through an empty stream. (This replaces
    /// `subscription_buffer`, which counted messages: 4,096 of up to 16 MiB each.)
    pub subscription_buffer_bytes: usize,
    /// Most events one [`Events`](super::Events) stream holds; one that does not fit is dropped,
    /// and a [`ClientEvent::Missed`](super::ClientEvent::Missed) stands where the dropped ones
    /// were, saying how many. Default: 256.
    pub event_buffer: usize,
}

/// Heart-beat intervals (STOMP's `heart-beat: cx,cy`); `None` is "not at all".
///
/// ```
/// use std::time::Duration;
/// use stomp_wasm::client::Heartbeat;
/// let beat = Heartbeat::every(Duration::from_secs(4));
/// assert_eq!(beat.incoming, Some(Duration::from_secs(4)));
/// assert_eq!(Heartbeat::OFF.outgoing, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heartbeat {
    /// How often the client offers to send heart-beats.
    pub outgoing: Option<Duration>,
    /// How often the client wants to hear from the broker.
    pub incoming: Option<Duration>,
    /// Silence longer than the negotiated incoming interval times this closes the connection (and
    /// reconnects). At least 1.
    pub tolerance: f64,
}

impl Heartbeat {
    /// No heart-beats either way.
    pub const OFF: Heartbeat = Heartbeat {
        outgoing: None,
        incoming: None,
        tolerance: 2.0,
    };

    /// The same interval both ways, tolerance 2.
    pub const fn every(interval: Duration) -> Heartbeat {
        Heartbeat {
            outgoing: Some(interval),
            incoming: Some(interval),
            tolerance: 2.0,
        }
    }
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat::every(Duration::from_secs(10))
    }
}

/// When to try again after a connection fails or is lost.
///
/// Attempts come in streaks: a streak starts at [`activate`](super::Client::activate) and ends only
/// when a connection that stayed up for [`stable_after`](Reconnect::stable_after) ends, so a broker
/// that accepts and then drops every connection is backed off like one that refuses them.
///
/// ```
/// use std::time::Duration;
/// use stomp_wasm::client::Reconnect;
/// let policy = Reconnect { max_attempts: Some(5), jitter: 0.5, ..Reconnect::default() };
/// assert_eq!(policy.delay, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reconnect {
    /// Delay before an attempt (the first of a streak, and every one when linear). Not zero.
    pub delay: Duration,
    /// Linear (every attempt waits `delay`) or exponential (attempt k waits `delay × 2^(k-1)`).
    pub mode: ReconnectTimeMode,
    /// Cap on any delay (never below `delay`).
    pub max_delay: Duration,
    /// Attempts in a streak before giving up (state [`Failed`](crate::session::State::Failed),
    /// [`ClientEvent::ReconnectFailed`](super::ClientEvent::ReconnectFailed)); `None`: no limit.
    /// `Some(0)` is refused (use `reconnect: None` to never reconnect).
    pub max_attempts: Option<u32>,
    /// Fraction (0 to 1) of each delay drawn at random and taken off it: 1 is "full jitter".
    pub jitter: f64,
    /// Seed of the jitter's random sequence, for reproducible delays; `None` draws one per client
    /// (so that a fleet of clients does not reconnect in step).
    pub seed: Option<u64>,
    /// How long a connection must stay up for its end to start a new streak. Default: 10 s.
    pub stable_after: Duration,
}

impl Reconnect {
    /// Every attempt after `delay`.
    pub fn linear(delay: Duration) -> Reconnect {
        Reconnect {
            delay,
            ..Reconnect::default()
        }
    }

    /// `delay`, doubling after each failed attempt up to `max_delay`.
    pub fn exponential(delay: Duration, max_delay: Duration) -> Reconnect {
        Reconnect {
            delay,
            mode: ReconnectTimeMode::Exponential,
            max_delay,
            ..Reconnect::default()
        }
    }
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            delay: Duration::from_secs(5),
            mode: ReconnectTimeMode::Linear,
            max_delay: Duration::from_secs(15 * 60),
            max_attempts: None,
            jitter: 0.0,
            seed: None,
            stable_after: Duration::from_secs(10),
        }
    }
}

/// Bounds of the queue that holds frames published (or acknowledged) while not connected.
///
/// ```
/// use stomp_wasm::client::{Config, QueueLimits};
/// // Refuse publishes while offline instead of queueing them.
/// let config = Config {
///     queue: QueueLimits { while_disconnected: false, ..QueueLimits::default() },
///     ..Config::new("ws://127.0.0.1:15674/ws")
/// };
/// assert_eq!(config.queue.max_frames, 1000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Queue while (re)connecting; off makes such a publish an error
    /// ([`CommandError::NotConnected`](crate::session::CommandError::NotConnected)).
    pub while_disconnected: bool,
    /// Most frames waiting for a connection: a publish made while not connected is refused beyond
    /// it. (Publishes while connected are never refused for being many: backpressure paces them.)
    /// Default: 1000.
    pub max_frames: usize,
    /// Most bytes (head and body) waiting for a connection, as `max_frames`. Default: 4 MiB.
    pub max_bytes: usize,
    /// Most bytes of at-least-once frames kept until their RECEIPT. Default: 64 MiB.
    pub max_unconfirmed_bytes: usize,
    /// An at-least-once frame that was the oldest unconfirmed one when its connection ended this
    /// many times in a row is given up (the broker refuses it); 0 never gives up. Default: 3.
    pub max_delivery_attempts: u32,
}

impl Default for QueueLimits {
    fn default() -> Self {
        let session = session::Config::default();
        QueueLimits {
            while_disconnected: session.queue_while_disconnected,
            max_frames: session.max_queued_frames,
            max_bytes: session.max_queued_bytes,
            max_unconfirmed_bytes: session.max_unconfirmed_bytes,
            max_delivery_attempts: session.max_delivery_attempts,
        }
    }
}

/// The delivery guarantee of a publish.
///
/// ```
/// use stomp_wasm::client::{Config, Delivery, Publish};
/// // Every publish at-least-once, but this one at-most-once.
/// let config = Config { delivery: Delivery::AtLeastOnce, ..Config::new("ws://127.0.0.1:15674/ws") };
/// let typing = Publish::new("/topic/typing", "…").delivery(Delivery::AtMostOnce);
/// # let _ = (config, typing);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Written once; lost if the connection drops before the broker has it.
    #[default]
    AtMostOnce,
    /// Sent with a receipt and a `dedup-id` header (the same value), kept until the broker's
    /// RECEIPT and sent again after every reconnect until then (after the subscriptions, before
    /// newer frames). Duplicates are possible: consumers de-duplicate on `dedup-id`. The publish
    /// future completes with the RECEIPT, or fails when the frame is given up (deactivate,
    /// reconnecting given up).
    AtLeastOnce,
}

/// How the client's one timer (heart-beats, timeouts, reconnect delays) runs, as stompjs's
/// `heartbeatStrategy`.
///
/// ```
/// use stomp_wasm::client::{Config, Ticker};
/// // Keep heart-beats on time in a background tab.
/// let config = Config { ticker: Ticker::Worker, ..Config::new("ws://127.0.0.1:15674/ws") };
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ticker {
    /// `setTimeout` on the page's thread (background tabs throttle it to about once a minute).
    #[default]
    Page,
    /// A Blob Web Worker's `setTimeout`, which background tabs do not throttle; falls back to
    /// [`Ticker::Page`] where a worker cannot start (said through the debug log).
    Worker,
}

/// Which socket API the client opens.
///
/// ```
/// use stomp_wasm::client::{Config, SocketApi};
/// // A WeChat mini-program: wx.connectSocket even where a WebSocket global exists.
/// let config = Config { socket: SocketApi::WeChat, ..Config::new("wss://broker.example/ws") };
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SocketApi {
    /// The global `WebSocket` if there is one, else the first mini-program API found.
    #[default]
    Auto,
    /// The global `WebSocket`.
    Browser,
    /// WeChat's `wx.connectSocket`.
    WeChat,
    /// uni-app's `uni.connectSocket`.
    UniApp,
    /// Douyin's `tt.connectSocket`.
    Douyin,
}

/// The debug log: lines arrive as [`ClientEvent::Debug`](super::ClientEvent::Debug). Credentials
/// never reach it (`passcode`, `Authorization`, the headers named here, a URL's user-info and query
/// values).
///
/// ```
/// use stomp_wasm::client::{Config, Logging};
/// let config = Config {
///     logging: Logging { enabled: true, redact_headers: vec!["x-api-key".into()], ..Logging::default() },
///     ..Config::new("ws://127.0.0.1:15674/ws")
/// };
/// assert!(!config.logging.bodies);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Logging {
    /// Produce debug lines at all.
    pub enabled: bool,
    /// Also show frame bodies.
    pub bodies: bool,
    /// More header names whose values are never shown.
    pub redact_headers: Vec<String>,
}

impl Config {
    /// The defaults, for one broker URL.
    pub fn new(url: impl Into<String>) -> Config {
        Config::failover([url])
    }

    /// The defaults, for several broker URLs tried in turn.
    pub fn failover<I>(urls: I) -> Config
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let session = session::Config::default();
        Config {
            urls: urls.into_iter().map(Into::into).collect(),
            login: None,
            passcode: None,
            host: HostHeader::Omit,
            connect_headers: Headers::new(),
            disconnect_headers: Headers::new(),
            versions: vec![Version::V1_2, Version::V1_1, Version::V1_0],
            heartbeat: Heartbeat::default(),
            reconnect: Some(Reconnect::default()),
            connection_timeout: None,
            receipt_timeout: Some(Duration::from_millis(session.receipt_timeout)),
            disconnect_timeout: Duration::from_millis(session.disconnect_timeout),
            queue: QueueLimits::default(),
            limits: Limits::DEFAULT,
            ticker: Ticker::Page,
            delivery: Delivery::AtMostOnce,
            max_buffered_amount: Some(256 * 1024),
            socket: SocketApi::Auto,
            reconnect_on_resume: true,
            app_lifecycle: true,
            logging: Logging::default(),
            subscription_buffer_bytes: 4 * 1024 * 1024,
            event_buffer: 256,
        }
    }

    /// Sets `login` and `passcode`.
    pub fn credentials(mut self, login: impl Into<String>, passcode: impl Into<String>) -> Config {
        self.login = Some(login.into());
        self.passcode = Some(passcode.into());
        self
    }

    /// Checks every value; the error names the first field out of range.
    ///
    /// ```
    /// use stomp_wasm::client::{Config, Error};
    /// let mut config = Config::new("ws://127.0.0.1:15674/ws");
    /// config.heartbeat.tolerance = 0.5;
    /// let error = config.check().unwrap_err();
    /// assert!(matches!(error, Error::Config { field: "heartbeat.tolerance", .. }));
    /// assert_eq!(error.to_string(), "config: heartbeat.tolerance must be a number of at least 1");
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let bad = |field, problem| Err(Error::Config { field, problem });
        if self.urls.iter().any(|url| url.is_empty()) {
            return bad("urls", "must not hold an empty URL");
        }
        if self.versions.is_empty() {
            return bad("versions", "must offer at least one version");
        }
        // NaN fails every comparison, so each range is written to refuse it.
        if !(self.heartbeat.tolerance >= 1.0 && self.heartbeat.tolerance.is_finite()) {
            return bad("heartbeat.tolerance", "must be a number of at least 1");
        }
        if let Some(reconnect) = &self.reconnect {
            if reconnect.delay.is_zero() {
                return bad(
                    "reconnect.delay",
                    "must not be zero (reconnect: None never reconnects)",
                );
            }
            if reconnect.max_attempts == Some(0) {
                return bad(
                    "reconnect.max_attempts",
                    "must not be Some(0) (None means no limit; reconnect: None never reconnects)",
                );
            }
            if !(0.0..=1.0).contains(&reconnect.jitter) {
                return bad("reconnect.jitter", "must be a fraction from 0 to 1");
            }
        }
        if self.disconnect_timeout.is_zero() {
            return bad("disconnect_timeout", "must not be zero");
        }
        if self.subscription_buffer_bytes == 0 {
            return bad("subscription_buffer_bytes", "must be at least 1");
        }
        if self.event_buffer == 0 {
            return bad("event_buffer", "must be at least 1");
        }
        Ok(())
    }

    /// The session's configuration (`seed`: the jitter seed when the config leaves it to chance).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn session_config(&self, seed: u64, id_prefix: &str) -> session::Config {
        let defaults = session::Config::default();
        let (reconnect, stable_after) = match &self.reconnect {
            Some(policy) => (
                ReconnectPolicy {
                    delay: millis(policy.delay),
                    mode: policy.mode,
                    max_delay: millis(policy.max_delay),
                    max_attempts: policy.max_attempts.unwrap_or(0),
                    jitter: policy.jitter,
                    seed: policy.seed.unwrap_or(seed),
                },
                millis(policy.stable_after),
            ),
            None => (
                ReconnectPolicy {
                    delay: 0,
                    ..ReconnectPolicy::default()
                },
                defaults.stable_after,
            ),
        };
        session::Config {
            broker_urls: self.urls.clone(),
            accept_versions: self.versions.clone(),
            host: self.host.clone(),
            login: self.login.clone(),
            passcode: self.passcode.clone(),
            connect_headers: self.connect_headers.clone(),
            disconnect_headers: self.disconnect_headers.clone(),
            heartbeat_outgoing: self.heartbeat.outgoing.map_or(0, millis),
            heartbeat_incoming: self.heartbeat.incoming.map_or(0, millis),
            heartbeat_tolerance: self.heartbeat.tolerance,
            connection_timeout: self.connection_timeout.map_or(0, millis),
            receipt_timeout: self.receipt_timeout.map_or(0, millis),
            disconnect_timeout: millis(self.disconnect_timeout),
            reconnect,
            stable_after,
            queue_while_disconnected: self.queue.while_disconnected,
            max_queued_frames: self.queue.max_frames,
            max_queued_bytes: self.queue.max_bytes,
            max_unconfirmed_bytes: self.queue.max_unconfirmed_bytes,
            max_delivery_attempts: self.queue.max_delivery_attempts,
            id_prefix: id_prefix.into(),
            max_buffered_bytes: self.max_buffered_amount.map_or(0, |bytes| bytes as usize),
            limits: self.limits,
            ..defaults
        }
    }
}

/// A duration in whole milliseconds, a non-zero one at least 1 (so that a sub-millisecond interval
/// never reads as "off"), saturating.
pub(crate) fn millis(duration: Duration) -> Millis {
    let ms = duration.as_millis();
    match ms {
        0 if !duration.is_zero() => 1,
        ms => u64::try_from(ms).unwrap_or(u64::MAX),
    }
}

/// `Debug` shows everything but secrets: the passcode, and the values of `passcode` and
/// `Authorization` connect headers (and the URLs' user-info and query values).
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let urls: Vec<String> = self
            .urls
            .iter()
            .map(|url| session::redacted_url(url))
            .collect();
        let secret = |name: &str| {
            name.eq_ignore_ascii_case("passcode") || name.eq_ignore_ascii_case("authorization")
        };
        let connect: Vec<(&str, &str)> = self
            .connect_headers
            .iter()
            .map(|(name, value)| (name, if secret(name) { "***" } else { value }))
            .collect();
        f.debug_struct("Config")
            .field("urls", &urls)
            .field("login", &self.login)
            .field("passcode", &self.passcode.as_ref().map(|_| "***"))
            .field("host", &self.host)
            .field("connect_headers", &connect)
            .field("disconnect_headers", &self.disconnect_headers)
            .field("versions", &self.versions)
            .field("heartbeat", &self.heartbeat)
            .field("reconnect", &self.reconnect)
            .field("connection_timeout", &self.connection_timeout)
            .field("receipt_timeout", &self.receipt_timeout)
            .field("disconnect_timeout", &self.disconnect_timeout)
            .field("queue", &self.queue)
            .field("limits", &self.limits)
            .field("ticker", &self.ticker)
            .field("delivery", &self.delivery)
            .field("max_buffered_amount", &self.max_buffered_amount)
            .field("socket", &self.socket)
            .field("reconnect_on_resume", &self.reconnect_on_resume)
            .field("app_lifecycle", &self.app_lifecycle)
            .field("logging", &self.logging)
            .field("subscription_buffer_bytes", &self.subscription_buffer_bytes)
            .field("event_buffer", &self.event_buffer)
            .finish()
    }
}

#[cfg(test)]
mod tests;
