//! The connection state machine's states. Transitions happen only inside the session, each one
//! reported as an [`Event::StateChanged`](super::Event::StateChanged).

use core::fmt;

/// Where the session is.
///
/// ```text
/// Inactive ─connect→ Connecting ─CONNECTED→ Connected ─disconnect→ Disconnecting ─→ Inactive
///                        ↑   │failure            │loss
///                        │   ↓                   ↓
///                     Reconnecting ←─────────────┘     (attempts used up → Failed)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Not active: nothing open, nothing scheduled.
    Inactive,
    /// A transport is opening or CONNECT is awaiting CONNECTED.
    Connecting,
    /// CONNECTED received; frames flow.
    Connected,
    /// DISCONNECT sent; waiting for its RECEIPT or the timeout.
    Disconnecting,
    /// Waiting out the backoff before the next attempt.
    Reconnecting,
    /// Reconnect attempts used up. `connect` or `reconnect_now` starts again.
    Failed,
}

impl State {
    /// The name used in messages and in the JS `state` property.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Inactive => "inactive",
            State::Connecting => "connecting",
            State::Connected => "connected",
            State::Disconnecting => "disconnecting",
            State::Reconnecting => "reconnecting",
            State::Failed => "failed",
        }
    }

    /// Whether the session wants to be connected (stompjs's `active`).
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            State::Connecting | State::Connected | State::Reconnecting
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
