//! The session's one-shot deadlines, in a table indexed by an enum (after quinn-proto's `TimerTable`).
//! Heart-beat and receipt deadlines are derived from other state and are not stored here.

use super::config::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// No CONNECTED by then: the attempt failed.
    Connect,
    /// Start the next reconnect attempt.
    Reconnect,
    /// No RECEIPT for DISCONNECT by then: close anyway.
    Disconnect,
}

const COUNT: usize = 3;

#[derive(Debug, Default, Clone)]
pub(crate) struct TimerTable {
    deadlines: [Option<Millis>; COUNT],
}

impl TimerTable {
    pub(crate) fn set(&mut self, timer: Timer, at: Millis) {
        self.deadlines[timer as usize] = Some(at);
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        self.deadlines[timer as usize] = None;
    }

    pub(crate) fn stop_all(&mut self) {
        self.deadlines = [None; COUNT];
    }

    /// Stops `timer` and returns whether it was due at `now`.
    pub(crate) fn expire(&mut self, timer: Timer, now: Millis) -> bool {
        match self.deadlines[timer as usize] {
            Some(at) if at <= now => {
                self.deadlines[timer as usize] = None;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn next(&self) -> Option<Millis> {
        self.deadlines.iter().flatten().copied().min()
    }
}
