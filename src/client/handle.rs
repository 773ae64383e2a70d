//! [`Client`]: the handle a Rust front end holds. It owns a [`Driver`] (the same one the JS
//! package's `ClientCore` owns) with a [`Router`] as its handler, and turns each call into one
//! driver command plus, where the caller waits, a registration with the router made *before* the
//! command (so that an answer can never arrive before anyone waits for it).

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;

use crate::frame::{Headers, Version};
use crate::session::{SendOptions, SendOutcome, State};
use crate::web::driver::DriverConfig;
use crate::web::random::{id_prefix, random_u64};
use crate::web::{DebugConfig, Driver, Handler, Notice, Platform, SocketKind, TimerStrategy};

use super::channel::oneshot;
use super::config::{Config, Delivery, SocketApi, Ticker};
use super::error::Error;
use super::futures::{Deactivated, Published};
use super::message::Message;
use super::publish::Publish;
use super::router::{AckMode, Router};
use super::streams::{Events, Subscription};
use super::transaction::Transaction;

/// A STOMP client for Rust front ends on wasm32: connects (and reconnects) by itself once
/// [`activate`](Client::activate)d, hands messages out as [`Subscription`] streams, publishes with
/// futures that complete when the frame is written or receipted, and reports its life on
/// [`events`](Client::events) streams.
///
/// Cheap to clone (an `Rc`): clones share one connection. When the last clone — and the last
/// [`Subscription`] and [`Transaction`], which hold one — is dropped, the connection is closed at
/// once (as [`deactivate_now`](Client::deactivate_now)), every stream ends and every future still
/// waiting completes with an error (the receipt or frame given up, or [`Error::ClientDropped`]).
///
/// Single-threaded, as the page is: it is neither `Send` nor `Sync`. Futures complete from the
/// socket's and the timer's callbacks, on any executor (`wasm_bindgen_futures::spawn_local`,
/// Leptos's, Yew's, Dioxus's).
///
/// A chat, end to end (wasm32 only, so `no_run` here; `tests/rust_client.rs` runs the same steps
/// in Chromium against RabbitMQ):
///
/// ```no_run
/// use futures_util::StreamExt;
/// use stomp_wasm::client::{Client, ClientEvent, Config, Publish};
/// use stomp_wasm::frame::Headers;
///
/// async fn chat() -> Result<(), stomp_wasm::client::Error> {
///     let client = Client::new(Config::new("ws://127.0.0.1:15674/ws").credentials("guest", "guest"))?;
///     let mut events = client.events();
///     client.activate()?;
///
///     // Subscribing and publishing before CONNECTED is fine: both wait for it, in order.
///     let mut room = client.subscribe("/topic/chat", &Headers::new())?;
///     let receipt = client.publish(Publish::new("/topic/chat", "你好 👋").with_receipt())?.await?;
///     assert!(receipt.is_some());
///
///     // The subscription survives reconnects: it is sent again after each one.
///     if let Some(message) = room.next().await {
///         println!("{}", message.text().unwrap_or("(binary)"));
///     }
///     while let Some(event) = events.next().await {
///         if let ClientEvent::ReconnectScheduled { delay, .. } = event {
///             println!("reconnecting in {delay:?}");
///             break;
///         }
///     }
///     drop(room); // UNSUBSCRIBE
///     client.deactivate().await; // always completes
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Rc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) driver: Driver,
    pub(crate) router: Rc<Router>,
    config: RefCell<Config>,
    /// The jitter seed drawn for this client (when the config leaves it to chance), and the start
    /// of its receipt and `dedup-id` values (unique among clients).
    seed: u64,
    prefix: String,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Nobody can use the connection any more: close it now rather than leave a socket behind.
        let _ = self.driver.deactivate(true);
    }
}

impl Handler for Router {
    fn notice(&self, driver: &Driver, notice: Notice) {
        match notice {
            Notice::Event(event) => self.route(event),
            Notice::SocketError(message) => {
                self.broadcast(super::event::ClientEvent::SocketError(message))
            }
            Notice::Debug(line) => self.broadcast(super::event::ClientEvent::Debug(line)),
            // Not asked for (`before_connect` is off); answered anyway, so no attempt can hang.
            Notice::BeforeConnect(generation) => driver.before_connect_done(generation, Ok(())),
        }
    }
}

fn driver_config(config: &Config, seed: u64, prefix: &str) -> DriverConfig {
    DriverConfig {
        session: config.session_config(seed, prefix),
        socket: match config.socket {
            SocketApi::Auto => SocketKind::Auto,
            SocketApi::Browser => SocketKind::Browser,
            SocketApi::WeChat => SocketKind::MiniProgram(Platform::Wx),
            SocketApi::UniApp => SocketKind::MiniProgram(Platform::Uni),
            SocketApi::Douyin => SocketKind::MiniProgram(Platform::Tt),
        },
        timer: match config.ticker {
            Ticker::Page => TimerStrategy::Interval,
            Ticker::Worker => TimerStrategy::Worker,
        },
        reconnect_on_resume: config.reconnect_on_resume,
        app_lifecycle: config.app_lifecycle,
        force_binary: false,
        debug: DebugConfig {
            enabled: config.logging.enabled,
            raw: config.logging.bodies,
            redact_headers: config.logging.redact_headers.clone(),
        },
        before_connect: false,
        // The rest (stompjs's compatibility switches: frame splitting, appending a missing NUL,
        // discarding a silent socket) as the driver's defaults.
        ..DriverConfig::new("")
    }
}

impl Client {
    /// A client for `config`, inactive (nothing is opened until [`activate`](Client::activate)).
    /// Fails only on a value out of range ([`Config::check`]).
    pub fn new(config: Config) -> Result<Client, Error> {
        config.check()?;
        let seed = random_u64();
        let prefix = id_prefix();
        let router = Rc::new(Router::new(
            config.subscription_buffer_bytes,
            config.event_buffer,
        ));
        let driver = Driver::new(driver_config(&config, seed, &prefix), router.clone());
        Ok(Client {
            inner: Rc::new(Inner {
                driver,
                router,
                config: RefCell::new(config),
                seed,
                prefix,
            }),
        })
    }

    /// Replaces the configuration. It applies from the next decision or attempt (a new heart-beat
    /// or broker URL from the next connection); checked first, nothing changes on an error.
    pub fn configure(&self, config: Config) -> Result<(), Error> {
        config.check()?;
        self.inner
            .driver
            .configure(driver_config(&config, self.inner.seed, &self.inner.prefix))?;
        self.inner
            .router
            .set_buffers(config.subscription_buffer_bytes, config.event_buffer);
        if let Ok(mut slot) = self.inner.config.try_borrow_mut() {
            *slot = config;
        }
        Ok(())
    }

    /// The configuration in use.
    pub fn config(&self) -> Config {
        self.inner
            .config
            .try_borrow()
            .map_or_else(|_| Config::new(""), |config| config.clone())
    }

    /// Starts connecting, and keeps reconnecting per the policy until
    /// [`deactivate`](Client::deactivate). Nothing happens if already active; during a deactivate
    /// it takes effect when that has finished (the last call wins).
    pub fn activate(&self) -> Result<(), Error> {
        self.inner.driver.activate().map_err(Error::from)
    }

    /// Ends the session gracefully: DISCONNECT, then close on the broker's RECEIPT or after
    /// [`Config::disconnect_timeout`]. Subscriptions end (their streams too), queued frames are
    /// given up, a pending reconnect is cancelled. Starts at once; the future always completes.
    pub fn deactivate(&self) -> Deactivated {
        self.deactivate_with(false)
    }

    /// Ends the session at once: the socket is discarded without DISCONNECT.
    pub fn deactivate_now(&self) -> Deactivated {
        self.deactivate_with(true)
    }

    fn deactivate_with(&self, force: bool) -> Deactivated {
        let at_rest = self
            .inner
            .driver
            .with_session(|s| s.at_rest())
            .unwrap_or(false);
        let receiver = (!at_rest).then(|| {
            let (sender, receiver) = oneshot();
            self.inner.router.add_waiter(sender);
            receiver
        });
        let _ = self.inner.driver.deactivate(force);
        Deactivated::new(receiver)
    }

    /// Drops the connection as if the network failed (the reconnect policy applies): for testing
    /// an app's offline behaviour.
    pub fn force_disconnect(&self) -> Result<(), Error> {
        self.inner.driver.force_disconnect().map_err(Error::from)
    }

    /// Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat
    /// tolerance.
    pub fn reconnect_now(&self) -> Result<(), Error> {
        self.inner.driver.reconnect_now().map_err(Error::from)
    }

    /// Subscribes to `destination` (with `headers` such as `ack: client-individual`, or an `id` of
    /// your own). The subscription is sent again after every reconnect, with the same id, until
    /// the [`Subscription`] is dropped or [`unsubscribe`](Subscription::unsubscribe)d, or the
    /// client deactivates (then its stream ends). Allowed before CONNECTED (it goes out then); not
    /// while disconnecting.
    pub fn subscribe(&self, destination: &str, headers: &Headers) -> Result<Subscription, Error> {
        // The session makes the id (or refuses a duplicate); a MESSAGE for it can only come from a
        // socket event, which the driver hands over after this call returns.
        let id = self.inner.driver.subscribe(destination, headers, false)?;
        let ack = AckMode::of(headers);
        let queue = self
            .inner
            .router
            .add_subscription(&id, ack)
            .ok_or(Error::Command(
                crate::session::CommandError::DuplicateSubscription(id.clone()),
            ))?;
        Ok(Subscription::new(self.clone(), id, queue, ack))
    }

    /// Publishes a message. It is written now when connected, else queued (bounded by
    /// [`Config::queue`]) and written after the next CONNECTED, after the subscriptions.
    ///
    /// A refusal is immediate: the `Err` (invalid state, queue full, a header that cannot be
    /// written, …), with nothing sent or queued. Otherwise the [`Published`] future says when the
    /// frame was written, or brings its RECEIPT; dropping it cancels nothing, so
    /// `client.publish(message)?;` is fire-and-forget.
    pub fn publish(&self, message: Publish) -> Result<Published, Error> {
        self.publish_in(message, None)
    }

    pub(crate) fn publish_in(
        &self,
        message: Publish,
        transaction: Option<&str>,
    ) -> Result<Published, Error> {
        let Publish {
            destination,
            mut headers,
            body,
            receipt,
            delivery,
            binary,
            skip_content_length,
        } = message;
        if let Some(transaction) = transaction {
            headers.set("transaction", transaction);
        }
        let delivery = delivery.unwrap_or_else(|| {
            self.inner
                .config
                .try_borrow()
                .map_or(Delivery::AtMostOnce, |config| config.delivery)
        });
        let options = SendOptions {
            binary,
            skip_content_length,
            receipt: receipt || headers.contains("receipt"),
            retain: delivery == Delivery::AtLeastOnce,
        };
        let accepted = self
            .inner
            .driver
            .publish(&destination, &headers, body, options)?;
        // Registered after the call: its events come from socket events, which the driver hands
        // over after this call returns.
        let router = &self.inner.router;
        if options.receipt || options.retain {
            let (sender, receiver) = oneshot();
            router.add_receipt(accepted.ticket, sender);
            return Ok(Published::waiting(receiver));
        }
        Ok(match accepted.outcome {
            SendOutcome::Sent => Published::written(),
            SendOutcome::Queued => {
                let (sender, receiver) = oneshot();
                router.add_unwritten(accepted.ticket, sender);
                Published::waiting(receiver)
            }
        })
    }

    /// Acknowledges a message of a `client` or `client-individual` subscription (ACK), on the
    /// connection that delivered it: `Err(Error::Command(CommandError::StaleAck))` once that one
    /// has ended (nothing sent: the broker redelivers it), `AutoAck` for an `ack: auto`
    /// subscription's message.
    pub fn ack(&self, message: &Message) -> Result<(), Error> {
        self.acknowledge(true, message, &Headers::new())
    }

    /// Rejects a message (NACK; STOMP 1.0 has none).
    pub fn nack(&self, message: &Message) -> Result<(), Error> {
        self.acknowledge(false, message, &Headers::new())
    }

    pub(crate) fn acknowledge(
        &self,
        ack: bool,
        message: &Message,
        headers: &Headers,
    ) -> Result<(), Error> {
        self.inner
            .driver
            .acknowledge(ack, message.ack_target(), headers)
            .map(drop)
            .map_err(Error::from)
    }

    /// Begins a transaction (needs a connection: the broker aborts it if the connection ends).
    /// See [`Transaction`] for what its drop does.
    pub fn begin(&self) -> Result<Transaction, Error> {
        let id = self.inner.driver.begin(None, &Headers::new())?;
        Ok(Transaction::new(self.clone(), id))
    }

    /// A new stream of this client's [`ClientEvent`](super::ClientEvent)s, from now on. Each
    /// stream gets every event; one nobody polls holds at most
    /// [`Config::event_buffer`] of them.
    pub fn events(&self) -> Events {
        Events::new(self.inner.router.add_events())
    }

    /// The connection's state.
    pub fn state(&self) -> State {
        self.inner.driver.state()
    }

    /// Whether CONNECTED has been received on the current connection.
    pub fn is_connected(&self) -> bool {
        self.state() == State::Connected
    }

    /// Whether the client wants to be connected (connecting, connected or waiting to reconnect).
    pub fn is_active(&self) -> bool {
        self.state().is_active()
    }

    /// The negotiated version while connected.
    pub fn version(&self) -> Option<Version> {
        self.inner.driver.version()
    }

    /// The last CONNECTED frame's headers (`server`, `session`, `heart-beat`, …).
    pub fn server_headers(&self) -> Headers {
        self.inner.driver.server_headers()
    }
}
