//! [`DriverConfig`]: what the driver runs with — the session's configuration plus what only a driver
//! knows (which socket API, the timer, the hooks, stompjs's framing switches, the debug log). One
//! constructor gives the defaults ([`DriverConfig::new`], stompjs's and the package's); there is no
//! `Default` to fall back on with different values.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::JsValue;

use crate::frame::Headers;
use crate::session::Config as SessionConfig;

use super::super::debug::DebugConfig;
use super::super::timer::TimerStrategy;
use super::super::transport::{self, Kind, Platform};

/// Which socket API the driver opens.
#[derive(Clone, Default)]
pub enum SocketKind {
    /// The global `WebSocket` if there is one, else the first mini-program API found.
    #[default]
    Auto,
    /// The global `WebSocket`.
    Browser,
    /// A mini-program's `connectSocket`.
    MiniProgram(Platform),
    /// A JS function returning a WebSocket-like object (stompjs's `webSocketFactory`).
    Factory(js_sys::Function),
}

/// How the driver runs: the session's configuration plus what only a driver knows.
#[derive(Clone)]
pub struct DriverConfig {
    /// The protocol engine's configuration.
    pub session: SessionConfig,
    /// Which socket API to open.
    pub socket: SocketKind,
    /// Connect headers also sent on a mini-program socket's handshake (`Authorization` always is).
    pub handshake_headers: Vec<String>,
    /// How the deadline timer fires.
    pub timer: TimerStrategy,
    /// Reconnect at once when the page becomes visible or the network comes back.
    pub reconnect_on_resume: bool,
    /// Mini-programs: follow the app's hide/show (the session's suspension rule).
    pub app_lifecycle: bool,
    /// Every frame as a binary WebSocket message.
    pub force_binary: bool,
    /// stompjs's `splitLargeFrames`: a text frame longer than [`max_chunk_size`] bytes is written as
    /// several WebSocket messages, cut at UTF-8 character boundaries (binary frames never are).
    ///
    /// [`max_chunk_size`]: DriverConfig::max_chunk_size
    pub split_large_frames: bool,
    /// stompjs's `maxWebSocketChunkSize`: the most bytes of one message when splitting (8 KiB).
    pub max_chunk_size: usize,
    /// stompjs's `appendMissingNULLonIncoming`: a text message that does not end with the NUL that ends
    /// a frame gets one (React Native cuts strings at NUL, so each frame arrives without it).
    pub append_missing_nul: bool,
    /// stompjs's `discardWebsocketOnCommFailure`: a socket given up on because the broker went silent
    /// (heart-beats lost, no CONNECTED or no DISCONNECT receipt in time) or by
    /// [`Driver::force_disconnect`](super::Driver::force_disconnect) is discarded (`terminate()` where
    /// the socket has it, as Node's `ws` does) rather than closed with a closing handshake that a dead
    /// network never completes.
    pub discard_on_comm_failure: bool,
    /// The debug log.
    pub debug: DebugConfig,
    /// Before each connection attempt, ask the owner
    /// ([`Notice::BeforeConnect`](super::Notice::BeforeConnect)) and wait for
    /// [`Driver::before_connect_done`](super::Driver::before_connect_done).
    pub before_connect: bool,
}

impl DriverConfig {
    /// The defaults (stompjs's, and the package's for what stompjs lacks), for one broker URL (an
    /// empty one: none yet).
    pub fn new(url: impl Into<String>) -> DriverConfig {
        let url = url.into();
        let mut session = SessionConfig::default();
        if !url.is_empty() {
            session.broker_urls.push(url);
        }
        DriverConfig {
            session,
            socket: SocketKind::Auto,
            handshake_headers: Vec::new(),
            timer: TimerStrategy::Interval,
            reconnect_on_resume: true,
            app_lifecycle: true,
            force_binary: false,
            split_large_frames: false,
            max_chunk_size: 8 * 1024,
            append_missing_nul: false,
            discard_on_comm_failure: false,
            debug: DebugConfig::default(),
            before_connect: false,
        }
    }

    /// The connect headers that also go on a mini-program socket's handshake.
    fn handshake(&self) -> Headers {
        self.session
            .connect_headers
            .iter()
            .filter(|(name, _)| {
                name.eq_ignore_ascii_case("authorization")
                    || self
                        .handshake_headers
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(name))
            })
            .collect()
    }

    /// The socket kind to open now.
    pub(super) fn kind(&self) -> Kind {
        let mini = |platform| Kind::MiniProgram(platform, self.handshake());
        match &self.socket {
            SocketKind::Factory(factory) => Kind::Factory(factory.clone()),
            SocketKind::Browser => Kind::Browser,
            SocketKind::MiniProgram(platform) => mini(*platform),
            SocketKind::Auto if transport::has_global("WebSocket") => Kind::Browser,
            SocketKind::Auto => Platform::detect().map_or(Kind::Browser, mini),
        }
    }

    /// The mini-program API whose app lifecycle to follow, if any.
    pub(super) fn app_api(&self) -> Option<JsValue> {
        if !self.app_lifecycle {
            return None;
        }
        match self.kind() {
            Kind::MiniProgram(platform, _) => platform.api(),
            _ => None,
        }
    }
}
