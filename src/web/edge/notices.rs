//! The driver's notices as calls on the JS client: one `_e` per event, one `_f` per received frame
//! (headers as one JSON string, the body a view of wasm memory valid during the call). The numbers are
//! wire.js's (`super::wire`, generated). Texts are the session's sentences; client.js words them for JS
//! (option names) and builds the objects.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::frame::{push_decimal, Command, Frame};
use crate::session::{ConnectFailure, Event, ReceiptError, State};
use crate::text::concat;

use super::super::driver::{Driver, Handler, Notice};
use super::json::pack;
use super::wire::{event, frame};

#[wasm_bindgen]
extern "C" {
    /// The package's JS `Client` (client.js).
    pub type JsClient;
    #[wasm_bindgen(method, catch, js_name = _e)]
    fn event(
        this: &JsClient,
        kind: u32,
        a: &str,
        b: &str,
        n: f64,
        m: f64,
        x: f64,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = _f)]
    fn frame(
        this: &JsClient,
        kind: u32,
        headers: &str,
        body: &[u8],
        extra: &str,
        n: f64,
    ) -> Result<(), JsValue>;
}

/// Turns notices into calls on the JS client.
pub(super) struct JsHandler {
    pub(super) target: RefCell<Option<JsValue>>,
    /// Packed headers of the frame being handed over (reused: no allocation per message).
    scratch: RefCell<String>,
}

/// stompjs's `ActivationState` of a state: ACTIVE (0) while the application wants a connection
/// (a `reconnectDelay: 0` client that lost its connection too, as stompjs), DEACTIVATING (1),
/// INACTIVE (2).
fn activation(state: State) -> f64 {
    match state {
        State::Connecting | State::Connected | State::Reconnecting | State::Failed => 0.0,
        State::Disconnecting => 1.0,
        State::Inactive => 2.0,
    }
}

fn ticket(ticket: Option<u64>) -> f64 {
    ticket.map_or(0.0, |t| t as f64)
}

impl JsHandler {
    pub(super) fn new() -> JsHandler {
        JsHandler {
            target: RefCell::new(None),
            scratch: RefCell::new(String::new()),
        }
    }

    fn target(&self) -> Option<JsClient> {
        let target = self.target.try_borrow().ok()?.clone()?;
        Some(target.unchecked_into())
    }

    fn event(&self, kind: u32, a: &str, b: &str, n: f64, m: f64) {
        self.event_at(kind, a, b, n, m, 0.0);
    }

    fn event_at(&self, kind: u32, a: &str, b: &str, n: f64, m: f64, x: f64) {
        if let Some(target) = self.target() {
            let _ = target.event(kind, a, b, n, m, x);
        }
    }

    fn frame(&self, kind: u32, frame: &Frame, extra: &str, n: f64) {
        let Some(target) = self.target() else { return };
        let packed = match self.scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                pack(&frame.headers, &mut scratch);
                core::mem::take(&mut *scratch)
            }
            Err(_) => {
                let mut packed = String::new();
                pack(&frame.headers, &mut packed);
                packed
            }
        };
        let _ = target.frame(kind, &packed, &frame.body, extra, n);
        // Give the buffer back for the next frame (the call above may have handed over others).
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            if scratch.capacity() < packed.capacity() {
                *scratch = packed;
            }
        }
    }

    fn session_event(&self, event: Event) {
        match event {
            Event::StateChanged { to, .. } => {
                self.event(event::STATE, to.as_str(), "", activation(to), 0.0)
            }
            Event::Connected {
                connection,
                version,
                headers,
                ..
            } => {
                let frame = Frame {
                    command: Command::Connected,
                    headers,
                    body: Vec::new(),
                };
                self.frame(
                    frame::CONNECTED,
                    &frame,
                    version.as_str(),
                    connection as f64,
                );
            }
            Event::Message {
                connection, frame, ..
            } => self.frame(frame::MESSAGE, &frame, "", connection as f64),
            Event::UnhandledMessage(frame) => self.frame(frame::UNHANDLED_MESSAGE, &frame, "", 0.0),
            Event::MessageRefused {
                connection,
                limit,
                frame,
            } => self.frame(
                frame::REFUSED_MESSAGE,
                &frame,
                limit.name(),
                connection as f64,
            ),
            Event::Receipt {
                id,
                ticket: t,
                frame,
            } => self.frame(frame::RECEIPT, &frame, &id, ticket(t)),
            Event::ReceiptFailed {
                id,
                ticket: t,
                error,
            } => {
                let message = concat(&["receipt '", &id, "': ", &error.message()]);
                self.event(event::RECEIPT_FAILED, &id, &message, ticket(t), 0.0)
            }
            Event::SendFailed {
                ticket: t,
                receipt,
                error,
            } => {
                let given_up = matches!(error, ReceiptError::GivenUp { .. });
                self.event(
                    event::SEND_FAILED,
                    &error.message(),
                    receipt.as_deref().unwrap_or(""),
                    t as f64,
                    if given_up { 1.0 } else { 0.0 },
                )
            }
            Event::Written { through } => self.event(event::WRITTEN, "", "", through as f64, 0.0),
            Event::UnhandledReceipt(frame) => self.frame(frame::UNHANDLED_RECEIPT, &frame, "", 0.0),
            Event::UnhandledFrame(frame) => {
                self.frame(frame::UNHANDLED_FRAME, &frame, frame.command.as_str(), 0.0)
            }
            Event::StompError(frame) => self.frame(frame::ERROR, &frame, "", 0.0),
            Event::ConnectFailed(failure) => {
                if let ConnectFailure::Error(frame) = &failure {
                    self.frame(frame::CONNECT_ERROR, frame, "", 0.0);
                }
                self.event(
                    event::CONNECT_FAILED,
                    &failure_reason(&failure),
                    "",
                    0.0,
                    0.0,
                )
            }
            Event::HeartbeatReceived => self.event(event::HEARTBEAT_RECEIVED, "", "", 0.0, 0.0),
            Event::HeartbeatLost { .. } => self.event(event::HEARTBEAT_LOST, "", "", 0.0, 0.0),
            Event::ProtocolError(error) => {
                self.event(event::SOCKET_ERROR, &error.message(), "protocol", 0.0, 0.0)
            }
            Event::TransportClosed(info) => {
                let clean = if info.clean { "1" } else { "" };
                let code = f64::from(info.code);
                self.event(event::SOCKET_CLOSED, &info.reason, clean, code, 0.0)
            }
            Event::TransactionsAborted(ids) => {
                self.event(event::TRANSACTIONS_ABORTED, &ids.join("\0"), "", 0.0, 0.0)
            }
            Event::SubscriptionsEnded(ids) => {
                self.event(event::SUBSCRIPTIONS_ENDED, &ids.join("\0"), "", 0.0, 0.0)
            }
            Event::QueueDiscarded { frames } => {
                self.event(event::QUEUE_DISCARDED, "", "", frames as f64, 0.0)
            }
            Event::AcksDropped { count } => {
                self.event(event::ACKS_DROPPED, "", "", count as f64, 0.0)
            }
            Event::Disconnected { confirmed } => {
                let confirmed = if confirmed { 1.0 } else { 0.0 };
                self.event(event::DISCONNECTED, "", "", confirmed, 0.0)
            }
            Event::ReconnectScheduled { attempt, delay, at } => self.event_at(
                event::RECONNECT_SCHEDULED,
                "",
                "",
                f64::from(attempt),
                delay as f64,
                at as f64,
            ),
            Event::ReconnectFailed { attempts } => {
                self.event(event::RECONNECT_FAILED, "", "", f64::from(attempts), 0.0)
            }
            Event::SubscriptionLost { id, error } => {
                self.event(event::SUBSCRIPTION_LOST, &id, &error.message(), 0.0, 0.0)
            }
        }
    }
}

/// A connect failure in a word or a sentence (`connectFailed`'s `reason`).
fn failure_reason(failure: &ConnectFailure) -> String {
    match failure {
        ConnectFailure::Error(_) => String::from("error"),
        ConnectFailure::Timeout => String::from("timeout"),
        ConnectFailure::Closed(info) => {
            let mut reason = String::from("closed (");
            push_decimal(&mut reason, u64::from(info.code));
            reason.push(')');
            reason
        }
        ConnectFailure::Protocol(error) => error.message(),
        ConnectFailure::InvalidConnectHeaders(error) => error.message(),
        ConnectFailure::VersionNotOffered { version } => concat(&[
            "the broker chose a version that was not offered: ",
            version.as_deref().unwrap_or("1.0 (no version header)"),
        ]),
    }
}

impl Handler for JsHandler {
    fn notice(&self, _driver: &Driver, notice: Notice) {
        match notice {
            Notice::Event(event) => self.session_event(event),
            Notice::BeforeConnect(generation) => {
                self.event(event::BEFORE_CONNECT, "", "", generation as f64, 0.0)
            }
            Notice::SocketError(message) => self.event(event::SOCKET_ERROR, &message, "", 0.0, 0.0),
            Notice::Debug(line) => self.event(event::DEBUG, &line, "", 0.0, 0.0),
        }
    }

    fn idle(&self, driver: &Driver) {
        // Nothing can happen by itself any more (no socket, no timer, no hook): let go of the JS
        // client, so that an inactive client its user drops is ordinary garbage.
        if driver.with_session(|s| s.at_rest()).unwrap_or(false) {
            if let Ok(mut target) = self.target.try_borrow_mut() {
                *target = None;
            }
        }
    }
}
