//! The STOMP session engine, sans I/O: every stateful rule of the protocol, driven by inputs and by
//! time passed in, deterministic and testable natively with a virtual clock.
//!
//! It owns version and heart-beat negotiation, outgoing heart-beats on an idle line, the incoming
//! liveness deadline, the subscription registry (re-SUBSCRIBE on every reconnect), pending receipts
//! with timeouts, transactions, the bounded offline queue, graceful DISCONNECT with a timeout, the
//! reconnect policy (linear or exponential, cap, jitter, attempt limit, a streak reset only by a
//! connection that stayed up for [`Config::stable_after`], failover across URLs), the intended state
//! (the last of `connect` and `disconnect` wins), the app lifecycle of mini-programs (hide, show,
//! suspension), and the state machine. It must not do I/O, read a clock, or know about JS: a driver
//! (`src/web/`) drives it. It needs only `core` and `alloc`, and nothing a driver calls formats with
//! `core::fmt` (errors have a `message()`).
//!
//! # The contract
//! [`Session`] has four kinds of methods (after `quinn-proto`'s `Connection`):
//! - getters (`&self`): [`state`](Session::state), [`version`](Session::version),
//!   [`wants_active`](Session::wants_active) (keep page and app hooks while true), …
//! - inputs, `handle_*(now, …)`: the transport opened ([`handle_open`](Session::handle_open)),
//!   bytes arrived ([`handle_bytes`](Session::handle_bytes)), it closed
//!   ([`handle_close`](Session::handle_close)), time passed
//!   ([`handle_timeout`](Session::handle_timeout)), the app was hidden or shown
//!   ([`handle_app_hidden`](Session::handle_app_hidden), [`handle_app_shown`](Session::handle_app_shown):
//!   mini-programs), the platform refused a transport for a suspended app
//!   ([`handle_suspend`](Session::handle_suspend));
//! - commands, called by the application: [`connect`](Session::connect),
//!   [`subscribe`](Session::subscribe), [`send`](Session::send), [`ack`](Session::ack),
//!   [`disconnect`](Session::disconnect), [`reconnect_now`](Session::reconnect_now) (the network
//!   is back, the page is visible), …; each returns a typed [`CommandError`] if refused;
//!   [`send`](Session::send) returns the publish's [`Ticket`], which every event that settles it
//!   names ([`Event::Written`], [`Event::SendFailed`], [`Event::Receipt`]);
//! - outputs, `poll_*`: drain them after every input or command, the transmits before the
//!   actions —
//!   [`poll_transmit`](Session::poll_transmit) (bytes to write, in order, to the transport that is
//!   open now: within one step bytes always belong to it, since a new transport needs
//!   [`handle_open`](Session::handle_open), a step of its own; an [`Action::Close`] of the same step
//!   closes it after them),
//!   [`poll_action`](Session::poll_action) (open or close the transport),
//!   [`poll_event`](Session::poll_event) (for the application), and
//!   [`poll_timeout`](Session::poll_timeout) (when to call
//!   [`handle_timeout`](Session::handle_timeout) next; re-read it after every call).
//!
//! The driver keeps at most one transport: it opens one on [`Action::Open`] and reports only that
//! one's events; on [`Action::Close`] it closes it and reports nothing more from it. The session
//! reports every close itself as [`Event::TransportClosed`] (with its own [`CloseInfo`] when it
//! closed the transport: 1000, 1001 for a suspension, 4001 for a forced disconnect), and the end of
//! a user's disconnect as [`Event::Disconnected`], whose `confirmed` says whether the broker's
//! RECEIPT arrived. `now` should never go back (a monotonic clock): deadlines are measured on it.
//!
//! Every frame leaves in the order the application issued it: when backpressure holds frames back,
//! everything issued after waits behind them; frames that belong to one connection (ACK, NACK,
//! UNSUBSCRIBE, transaction frames) never go out on another (docs/delivery.md has the rules).
//!
//! Every input and command first applies the app-suspension rule (a hide at least
//! [`Config::suspend_after`] old means the transport is gone), so a driver never decides it. Events
//! may be polled one at a time with application code run in between (a callback may call commands):
//! a MESSAGE is routed when polled, so after [`Session::unsubscribe`] the rest of a batch for that
//! subscription comes as [`Event::UnhandledMessage`].
//!
//! ```
//! use stomp_wasm::frame::{Command, Frame, Headers, EncodeOptions, Item, Parser};
//! use stomp_wasm::session::{Action, Config, Event, SendOptions, Session, State};
//!
//! let mut session = Session::new(Config::new("ws://127.0.0.1:15674/ws"));
//! let mut now = 0;
//! session.connect(now).unwrap();
//! assert!(matches!(session.poll_action(), Some(Action::Open { index: 0, .. })));
//!
//! // The transport opened: CONNECT goes out.
//! session.handle_open(now);
//! let connect = session.poll_transmit().unwrap();
//! assert!(connect.bytes.starts_with(b"CONNECT\naccept-version:1.2,1.1,1.0\n"));
//!
//! // Subscribing and sending before CONNECTED is fine: they wait for it.
//! let id = session.subscribe(now, "/topic/chat", &Headers::new(), false).unwrap();
//! session.send(now, "/topic/chat", &Headers::new(), b"hello".to_vec(), SendOptions::default()).unwrap();
//! assert!(session.poll_transmit().is_none());
//!
//! // The broker answers.
//! now += 5;
//! let mut connected = Vec::new();
//! Frame::new(Command::Connected)
//!     .header("version", "1.2")
//!     .header("heart-beat", "0,0")
//!     .encode(EncodeOptions::default(), &mut connected)
//!     .unwrap();
//! session.handle_bytes(now, &connected);
//! assert_eq!(session.state(), State::Connected);
//!
//! // SUBSCRIBE first, then the queued SEND.
//! let mut broker = Parser::new().follow_connected(false);
//! for transmit in std::iter::from_fn(|| session.poll_transmit()) {
//!     broker.push(&transmit.bytes).unwrap();
//! }
//! let commands: Vec<_> = std::iter::from_fn(|| broker.next_item())
//!     .map(|item| match item { Item::Frame(f) => f.command, _ => unreachable!() })
//!     .collect();
//! assert_eq!(commands, [Command::Subscribe, Command::Send]);
//! assert_eq!(session.subscription_ids().collect::<Vec<_>>(), [id.as_str()]);
//! assert!(std::iter::from_fn(|| session.poll_event()).any(|e| matches!(e, Event::Connected { .. })));
//! ```

mod backoff;
mod config;
mod engine;
mod error;
mod event;
mod ids;
mod outbox;
mod receipts;
mod retained;
mod state;
mod subscriptions;
mod timers;

#[cfg(target_arch = "wasm32")]
pub(crate) use config::is_secret_header;
pub use config::{redacted_url, Config, HostHeader, Millis, ReconnectPolicy, ReconnectTimeMode};
pub use engine::{Accepted, AckTarget, SendOptions, SendOutcome, Session};
pub use error::{CommandError, ReceiptError};
pub use event::{
    Action, CloseInfo, CloseReason, ConnectFailure, Event, NegotiatedHeartbeat, Ticket, Transmit,
};
pub use state::State;
