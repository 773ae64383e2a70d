//! The app lifecycle of platforms that suspend hidden apps (mini-programs): hide and show, and the
//! suspension rule every input and command applies first.

use super::*;

impl Session {
    /// The platform suspended the app (a mini-program in the background) and took the transport
    /// with it, or refused to open one (`runningState=suspend`). Not the broker's fault: it does not
    /// count as a failed attempt and schedules nothing. The session waits in `Reconnecting` for
    /// [`reconnect_now`](Session::reconnect_now) when the app is shown again.
    pub fn handle_suspend(&mut self, now: Millis) {
        self.notice_suspension(now);
        self.suspend(now);
    }

    /// The app went to the background (a mini-program's `onAppHide`). For platforms that suspend
    /// hidden apps and kill their sockets; not for a browser tab's visibility. From now on:
    /// - a transport close is a suspension, not a failed attempt: the session waits in
    ///   `Reconnecting` without scheduling or counting an attempt;
    /// - once the hide is [`Config::suspend_after`](super::Config::suspend_after) old, the next
    ///   input or command first takes the app as suspended (a thawed app runs its overdue timers,
    ///   and maybe a publish, before it hears `onAppShow`): the transport is reported closed with
    ///   code 1001 and the session waits as above, so what comes next is queued, not written to a
    ///   dead socket.
    ///
    /// A second hide before a show keeps the first one's time.
    pub fn handle_app_hidden(&mut self, now: Millis) {
        self.notice_suspension(now);
        if self.hidden_since.is_none() {
            self.hidden_since = Some(now);
        }
    }

    /// The app came back to the foreground (a mini-program's `onAppShow`): a suspended, dead
    /// (silent past the heart-beat tolerance), backing-off or failed connection reconnects at once,
    /// as [`reconnect_now`](Session::reconnect_now); a healthy one is left alone.
    pub fn handle_app_shown(&mut self, now: Millis) {
        self.notice_suspension(now);
        self.hidden_since = None;
        self.suspended = false;
        if self.state != State::Inactive {
            let _ = self.reconnect_now(now);
        }
    }

    /// Whether the app is hidden (between [`handle_app_hidden`](Session::handle_app_hidden) and
    /// [`handle_app_shown`](Session::handle_app_shown)).
    pub fn app_hidden(&self) -> bool {
        self.hidden_since.is_some()
    }

    /// The suspension rule, checked at the top of every input and command: a hide at least
    /// `suspend_after` old means the platform suspended the app, once per hide.
    pub(super) fn notice_suspension(&mut self, now: Millis) {
        let Some(since) = self.hidden_since else {
            return;
        };
        if !self.suspended && now.saturating_sub(since) >= self.config.suspend_after {
            self.suspended = true;
            self.suspend(now);
        }
    }

    /// The transport is gone because the app is suspended: report it closed (1001) and wait.
    pub(super) fn suspend(&mut self, now: Millis) {
        self.close_transport_with(
            CloseInfo {
                code: 1001,
                reason: "app suspended".to_owned(),
                clean: false,
            },
            CloseReason::Normal,
        );
        self.wait_suspended(now);
    }

    /// Waits in `Reconnecting` with nothing scheduled and no attempt counted, for the app to be
    /// shown (or `reconnect_now`); a disconnect in progress is over.
    pub(super) fn wait_suspended(&mut self, now: Millis) {
        match self.state {
            State::Connecting | State::Connected | State::Reconnecting => {
                self.end_connection(now);
                self.timers.stop(Timer::Reconnect);
                self.set_state(State::Reconnecting);
            }
            State::Disconnecting => self.finish_disconnect(now, false),
            State::Inactive | State::Failed => {}
        }
    }
}
