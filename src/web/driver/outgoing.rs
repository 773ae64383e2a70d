//! How frames reach the socket: the session's transmits as WebSocket messages (split for
//! `splitLargeFrames`, a SEND head joined to the caller's JS body), written with no borrow held, and
//! the socket's buffered amount read back for backpressure. Also the one incoming fix-up the driver
//! owns (`appendMissingNULLonIncoming`).

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::push_decimal;
use crate::session::Transmit;
use crate::text::concat;

use super::super::debug::describe_js;
use super::super::transport::{self, Transport};
use super::drive::{handler, push_input};
use super::{Core, Driver, DriverConfig, Input, Notice, Shared};

/// How often a congested socket's buffered amount is looked at again (ms).
const DRAIN_POLL: f64 = 10.0;

/// One WebSocket message to write.
pub(super) enum Outgoing {
    Frame(Transmit),
    /// A SEND's head (from `Session::send_head`) and the caller's body it was made for: a JS string,
    /// or a `Uint8Array` when binary.
    Joined(Vec<u8>, wasm_bindgen::JsValue, bool),
}

/// The session's transmits as messages, each logged as it is taken.
pub(super) fn take_transmits(core: &mut Core) -> Vec<Outgoing> {
    let mut batch = Vec::new();
    while let Some(transmit) = core.session.poll_transmit() {
        if transmit.body_follows {
            let (body, binary) = core.bodies.pop_front().unwrap_or_default();
            core.log.head_out(&transmit.bytes, &body);
            batch.push(Outgoing::Joined(transmit.bytes, body, binary));
        } else {
            core.log.frame_out(&transmit.bytes);
            split_into(&core.config, &mut core.log, transmit, &mut batch);
        }
    }
    batch
}

/// Adds `transmit` to `batch`: as it is, or, with `split_large_frames`, a text frame longer than
/// `max_chunk_size` as several text messages (stompjs's `splitLargeFrames`; the broker reassembles
/// the frame from the stream). Binary frames, and every frame under `force_binary`, go whole.
fn split_into(
    config: &DriverConfig,
    log: &mut super::super::debug::DebugLog,
    transmit: Transmit,
    batch: &mut Vec<Outgoing>,
) {
    let max = config.max_chunk_size;
    if !config.split_large_frames
        || config.force_binary
        || transmit.binary
        || transmit.bytes.len() <= max
    {
        batch.push(Outgoing::Frame(transmit));
        return;
    }
    let mut pieces = 0u64;
    for piece in transport::utf8_pieces(&transmit.bytes, max) {
        pieces += 1;
        batch.push(Outgoing::Frame(Transmit {
            bytes: piece.to_vec(),
            binary: false,
            body_follows: false,
        }));
    }
    log.log(|| {
        let mut line = String::from("split a frame of ");
        push_decimal(&mut line, transmit.bytes.len() as u64);
        line.push_str(" bytes into ");
        push_decimal(&mut line, pieces);
        line.push_str(" messages");
        line
    });
}

/// Writes a batch of messages, in order, with no borrow held; a failed write is reported and ends
/// the batch. Then, under backpressure, the socket's buffered amount is read (no borrow held: a
/// user's socket may have a getter there) and reported, so the drive loop goes on with what that
/// lets out.
pub(super) fn send_batch(
    shared: &Rc<Shared>,
    driver: &Driver,
    transport: &Rc<dyn Transport>,
    batch: Vec<Outgoing>,
    force_binary: bool,
) {
    for outgoing in batch {
        let sent = match outgoing {
            Outgoing::Frame(transmit) => {
                transport.send(&transmit.bytes, transmit.binary || force_binary)
            }
            Outgoing::Joined(head, body, binary) => transport.send_joined(&head, &body, binary),
        };
        if let Err(error) = sent {
            let message = concat(&["send failed: ", &describe_js(&error)]);
            if let Ok(mut core) = shared.core.try_borrow_mut() {
                core.socket_event = error;
            }
            if let Some(handler) = handler(shared) {
                handler.notice(driver, Notice::SocketError(message));
            }
            break;
        }
    }
    let look = shared
        .core
        .try_borrow()
        .is_ok_and(|core| core.session.wants_buffered() && !core.drain_pending);
    if look {
        push_input(shared, Input::Drained(transport.buffered_amount()));
    }
}

impl Core {
    /// A report of the socket's buffered amount: the session decides what it lets out.
    pub(super) fn drained(&mut self, now: u64, amount: Option<f64>, shared: &Weak<Shared>) {
        let was = self.session.congested();
        // A `bufferedAmount` is a count of bytes: anything else reads as "cannot say".
        let amount = amount.filter(|a| *a >= 0.0).map(|a| a as usize);
        self.session.handle_buffered(now, amount);
        match (was, self.session.congested()) {
            (false, true) => self
                .log
                .say(&["backpressure: the socket is full; frames wait"]),
            (true, false) => self
                .log
                .say(&["backpressure: the socket drained; frames go out"]),
            _ => {}
        }
        if self.session.wants_buffered() {
            self.poll_drain(shared);
        }
    }

    /// Looks at the socket's buffered amount again in a moment (once: a look already scheduled
    /// serves).
    pub(super) fn poll_drain(&mut self, shared: &Weak<Shared>) {
        if core::mem::replace(&mut self.drain_pending, true) {
            return;
        }
        let poll = self.drain_poll.get_or_insert_with(|| {
            let weak = shared.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let Some(shared) = weak.upgrade() else { return };
                let transport = shared.core.try_borrow_mut().ok().and_then(|mut core| {
                    core.drain_pending = false;
                    core.transport.clone()
                });
                // Read with no borrow held (a user's socket may have a getter there).
                let amount = transport.and_then(|t| t.buffered_amount());
                push_input(&shared, Input::Drained(amount));
            })
            .into_js_value()
            .into()
        });
        super::super::timer::after(DRAIN_POLL, poll);
    }
}

/// Ends a text message with the NUL that ends a frame, unless it has one or is only heart-beats (EOLs),
/// which carry none: each message is then taken to be one whole frame, as stompjs does.
pub(super) fn append_missing_nul(bytes: &mut Vec<u8>) {
    let beats_only = bytes.iter().all(|&b| b == b'\n' || b == b'\r');
    if !beats_only && bytes.last() != Some(&0) {
        bytes.push(0);
    }
}
