//! A small chat over the Rust API (`stomp_wasm::client`), with plain `web-sys`: one room (a STOMP
//! topic), a connection badge, messages with a ✓ when the broker's RECEIPT arrives, and a Leave
//! button that deactivates. Built without the crate's `js` feature, so the page's wasm carries no
//! part of the npm package's JS surface:
//!
//! ```sh
//! scripts/build-example            # → target/examples/chat/ (index.html, chat.js, chat_bg.wasm)
//! scripts/broker start             # RabbitMQ Web-STOMP on ws://127.0.0.1:15674/ws, guest/guest
//! python3 -m http.server -d target/examples/chat 8090
//! # http://127.0.0.1:8090/?room=lobby&name=alice   (and another tab with name=bob)
//! ```
//!
//! Query parameters: `url`, `login`, `passcode`, `room`, `name`. `tests/js/rust-example.test.mjs`
//! drives two pages of it through a chat, a broker-side close of every connection and the
//! reconnect, and Leave.
//!
//! The app holds one [`Subscription`] for its whole life: the client sends the SUBSCRIBE again
//! after every reconnect, so the same stream goes on delivering (each message shows the
//! subscription id it came through, as `data-sub`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use futures_util::StreamExt;
use stomp_wasm::client::{
    Client, ClientEvent, Config, Error, Events, Publish, Reconnect, State, Subscription,
};
use stomp_wasm::frame::Headers;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element, HtmlInputElement, UrlSearchParams};

/// What the page's query says (with defaults for the test broker).
struct Settings {
    url: String,
    login: String,
    passcode: String,
    room: String,
    name: String,
}

impl Settings {
    fn from_query(document: &Document) -> Result<Settings, JsValue> {
        let search = document
            .location()
            .ok_or("no location")?
            .search()
            .unwrap_or_default();
        let query = UrlSearchParams::new_with_str(&search)?;
        let get = |name: &str, default: &str| query.get(name).unwrap_or_else(|| default.into());
        Ok(Settings {
            url: get("url", "ws://127.0.0.1:15674/ws"),
            login: get("login", "guest"),
            passcode: get("passcode", "guest"),
            room: get("room", "lobby"),
            name: get("name", "guest"),
        })
    }

    fn config(&self) -> Config {
        Config {
            // Back soon after a loss: a chat wants to be connected.
            reconnect: Some(Reconnect::exponential(
                Duration::from_millis(250),
                Duration::from_secs(10),
            )),
            connection_timeout: Some(Duration::from_secs(10)),
            ..Config::new(self.url.as_str())
                .credentials(self.login.as_str(), self.passcode.as_str())
        }
    }

    /// The room's topic (RabbitMQ: `/topic/<routing key>`; dots separate words).
    fn topic(&self) -> String {
        format!("/topic/chat.{}", self.room)
    }
}

/// The page's elements.
#[derive(Clone)]
struct Page {
    document: Document,
    badge: Element,
    room: Element,
    messages: Element,
    composer: Element,
    input: HtmlInputElement,
    leave: Element,
}

impl Page {
    fn find(document: Document) -> Result<Page, JsValue> {
        let get = |id: &str| {
            document
                .get_element_by_id(id)
                .ok_or_else(|| JsValue::from_str(&format!("#{id} is missing")))
        };
        Ok(Page {
            badge: get("badge")?,
            room: get("room")?,
            messages: get("messages")?,
            composer: get("composer")?,
            input: get("text")?.dyn_into()?,
            leave: get("leave")?,
            document,
        })
    }

    fn set_badge(&self, state: &str, text: &str) {
        let _ = self.badge.set_attribute("data-state", state);
        self.badge.set_text_content(Some(text));
    }

    /// Appends a message (`class` "in", "out" or "note") and returns it.
    fn append(&self, class: &str, who: Option<&str>, text: &str) -> Option<Element> {
        let item = self.document.create_element("li").ok()?;
        item.set_class_name(class);
        if let Some(who) = who {
            let name = self.document.create_element("span").ok()?;
            name.set_class_name("who");
            name.set_text_content(Some(who));
            item.append_child(&name).ok()?;
        }
        let body = self.document.create_element("span").ok()?;
        body.set_class_name("text");
        body.set_text_content(Some(text));
        item.append_child(&body).ok()?;
        self.messages.append_child(&item).ok()?;
        item.scroll_into_view();
        Some(item)
    }
}

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let page = Page::find(document)?;
    let settings = Settings::from_query(&page.document)?;
    let client = Client::new(settings.config()).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let events = client.events();
    client
        .activate()
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    // Subscribed before CONNECTED: it goes out with it, and again after every reconnect.
    let room = client
        .subscribe(&settings.topic(), &Headers::new())
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    page.room.set_text_content(Some(&format!(
        "#{} as {} · subscription {}",
        settings.room,
        settings.name,
        room.id()
    )));
    let _ = page.room.set_attribute("data-sub", room.id());

    spawn_local(show_events(page.clone(), events));
    spawn_local(show_messages(page.clone(), room));
    on_send(&page, &client, settings.topic(), settings.name)?;
    on_leave(&page, &client)?;
    Ok(())
}

/// The connection badge, from the client's events.
async fn show_events(page: Page, mut events: Events) {
    let mut connections = 0u32;
    while let Some(event) = events.next().await {
        match event {
            ClientEvent::Connected {
                version, heartbeat, ..
            } => {
                connections += 1;
                let _ = page
                    .badge
                    .set_attribute("data-connections", &connections.to_string());
                page.set_badge(
                    "connected",
                    &format!(
                        "connected · STOMP {} · ♥ {} s",
                        version.as_str(),
                        heartbeat.incoming.max(heartbeat.outgoing) / 1000
                    ),
                );
            }
            ClientEvent::ReconnectScheduled { attempt, delay } => page.set_badge(
                "reconnecting",
                &format!(
                    "reconnecting in {:.1} s (attempt {attempt})",
                    delay.as_secs_f64()
                ),
            ),
            ClientEvent::ReconnectFailed { attempts } => {
                page.set_badge("failed", &format!("offline after {attempts} attempts"))
            }
            ClientEvent::StateChanged { to, .. } => match to {
                State::Connecting => page.set_badge("connecting", "connecting…"),
                State::Disconnecting => page.set_badge("disconnecting", "leaving…"),
                State::Inactive => page.set_badge("left", "left"),
                _ => {}
            },
            ClientEvent::SubscriptionOverflow { id } => {
                page.append(
                    "note",
                    None,
                    &format!("too many messages: some were dropped ({id})"),
                );
            }
            _ => {}
        }
    }
}

/// The room's messages: one subscription for the page's life.
async fn show_messages(page: Page, mut room: Subscription) {
    while let Some(message) = room.next().await {
        let who = message.header("x-sender").unwrap_or("someone");
        let text = message.text().unwrap_or("(binary message)");
        if let Some(item) = page.append("in", Some(who), text) {
            let _ = item.set_attribute("data-sub", message.subscription().unwrap_or(""));
        }
    }
    // The client was deactivated: the stream has ended.
    page.append("note", None, "you left the room");
    let _ = page
        .document
        .body()
        .map(|body| body.set_attribute("data-subscription", "ended"));
}

/// Sends what is typed, with a receipt: "sending…", then ✓ on the RECEIPT (or "not delivered").
fn on_send(page: &Page, client: &Client, topic: String, name: String) -> Result<(), JsValue> {
    let page_for_handler = page.clone();
    let client = client.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let page = page_for_handler.clone();
        let text = page.input.value();
        if text.trim().is_empty() {
            return;
        }
        page.input.set_value("");
        let Some(item) = page.append("out", None, &text) else {
            return;
        };
        let _ = item.set_attribute("data-state", "sending");
        let message = Publish::new(topic.as_str(), text)
            .header("x-sender", &name)
            .header("content-type", "text/plain;charset=utf-8")
            .with_receipt();
        let published = client.publish(message);
        spawn_local(async move {
            let outcome: Result<_, Error> = match published {
                Ok(future) => future.await,
                Err(refused) => Err(refused),
            };
            match outcome {
                Ok(_) => {
                    let _ = item.set_attribute("data-state", "sent");
                }
                Err(error) => {
                    let _ = item.set_attribute("data-state", "failed");
                    let _ = item.set_attribute("title", &error.to_string());
                }
            }
        });
    });
    page.composer
        .add_event_listener_with_callback("submit", handler.as_ref().unchecked_ref())?;
    // The page keeps its handlers for its whole life.
    handler.forget();
    Ok(())
}

/// Leave: deactivate, which always completes.
fn on_leave(page: &Page, client: &Client) -> Result<(), JsValue> {
    let page_for_handler = page.clone();
    let client = client.clone();
    let handler = Closure::<dyn FnMut()>::new(move || {
        let page = page_for_handler.clone();
        let done = client.deactivate();
        spawn_local(async move {
            done.await;
            page.set_badge("left", "left");
        });
    });
    page.leave
        .add_event_listener_with_callback("click", handler.as_ref().unchecked_ref())?;
    handler.forget();
    Ok(())
}
