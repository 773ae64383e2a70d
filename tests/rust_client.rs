//! The Rust API (`stomp_wasm::client`) as a Rust front end uses it, in headless Chromium against the
//! test broker (RabbitMQ Web-STOMP at ws://127.0.0.1:15674/ws, guest/guest):
//! `wasm-pack test --headless --chrome -- --test rust_client` (scripts/test-all runs it).
//!
//! Only the public API: `Client`, its streams and futures. Waits are for conditions (an event, a
//! message, a future, or a subscription's backlog, looked at every 10 ms); the one timer is a guard
//! that turns a hang into a failure naming what was awaited. The broker-side close goes through the control server scripts/test-all runs
//! (`POST http://127.0.0.1:15680/close-all`), which closes every connection of the broker.
#![cfg(target_arch = "wasm32")]

use std::future::Future;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::{FutureExt, StreamExt};
use stomp_wasm::client::{
    Client, ClientEvent, Config, Delivery, Error, Events, Message, Publish, Reconnect, State,
};
use stomp_wasm::frame::Headers;
use stomp_wasm::session::{CommandError, ReceiptError};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = "ws://127.0.0.1:15674/ws";
const CLOSE_ALL: &str = "http://127.0.0.1:15680/close-all";
/// Guard on every wait: far above what each step takes (milliseconds on loopback), below the
/// runner's timeout.
const GUARD_MS: i32 = 15_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(url: &str, init: &JsValue) -> js_sys::Promise;
}

/// Resolves after `ms` (the guard's timer only).
fn sleep(ms: i32) -> JsFuture {
    JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms)
    }))
}

/// `future`'s output, or a panic naming `what` if it takes longer than the guard.
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match select(Box::pin(future), Box::pin(sleep(GUARD_MS))).await {
        Either::Left((value, _)) => value,
        Either::Right(_) => panic!("timed out waiting for {what}"),
    }
}

/// A destination no other run uses.
fn unique(prefix: &str) -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{prefix}.rust-{n:x}")
}

fn config() -> Config {
    Config {
        reconnect: Some(Reconnect::linear(Duration::from_millis(200))),
        ..Config::new(BROKER).credentials("guest", "guest")
    }
}

/// Waits on `events` for the first event `pick` accepts.
async fn until<T>(
    events: &mut Events,
    what: &str,
    mut pick: impl FnMut(&ClientEvent) -> Option<T>,
) -> T {
    within(what, async {
        while let Some(event) = events.next().await {
            if let Some(value) = pick(&event) {
                return value;
            }
        }
        panic!("the event stream ended while waiting for {what}")
    })
    .await
}

async fn connected(events: &mut Events) {
    until(events, "CONNECTED", |e| {
        matches!(e, ClientEvent::Connected { .. }).then_some(())
    })
    .await
}

async fn next_message(stream: &mut stomp_wasm::client::Subscription, what: &str) -> Message {
    within(what, stream.next())
        .await
        .unwrap_or_else(|| panic!("the subscription ended while waiting for {what}"))
}

#[wasm_bindgen_test]
async fn connects_subscribes_publishes_with_a_receipt_and_deactivates() {
    let client = Client::new(config()).expect("a valid config");
    let mut events = client.events();
    client.activate().unwrap();
    let topic = unique("/topic/chat");
    // Both before CONNECTED: they wait for it, in order (SUBSCRIBE first).
    let mut room = client.subscribe(&topic, &Headers::new()).unwrap();
    let receipt = within(
        "the RECEIPT",
        client
            .publish(Publish::new(&topic, "你好 👋").with_receipt())
            .unwrap(),
    )
    .await
    .expect("published")
    .expect("a receipt was asked for");
    assert!(receipt.id().is_some_and(|id| !id.is_empty()));
    assert_eq!(client.state(), State::Connected);
    assert_eq!(client.version().map(|v| v.as_str()), Some("1.2"));

    let message = next_message(&mut room, "the text message").await;
    assert_eq!(message.text(), Some("你好 👋"));
    assert_eq!(message.destination(), Some(topic.as_str()));
    assert_eq!(message.subscription(), Some(room.id()));

    // Bytes that are not UTF-8 go as a binary frame and come back as they were.
    let bytes = vec![0u8, 159, 146, 150, 255];
    let written = within(
        "the binary publish",
        client.publish(Publish::new(&topic, bytes.clone())).unwrap(),
    )
    .await;
    assert_eq!(written, Ok(None), "written, no receipt asked for");
    let message = next_message(&mut room, "the binary message").await;
    assert_eq!(message.body(), bytes.as_slice());
    assert_eq!(message.text(), None);

    within("deactivate()", client.deactivate()).await;
    assert_eq!(client.state(), State::Inactive);
    assert!(
        within("the end of the subscription", room.next())
            .await
            .is_none(),
        "a deactivated client's subscriptions end"
    );
    let confirmed = until(&mut events, "Disconnected", |e| match e {
        ClientEvent::Disconnected { confirmed } => Some(*confirmed),
        _ => None,
    })
    .await;
    assert!(confirmed, "the broker's RECEIPT for DISCONNECT arrived");
}

#[wasm_bindgen_test]
async fn a_subscription_is_restored_after_the_broker_closes_the_connection() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    let topic = unique("/topic/restore");
    let mut room = client.subscribe(&topic, &Headers::new()).unwrap();
    let before = within(
        "the first receipt",
        client
            .publish(Publish::new(&topic, "before").with_receipt())
            .unwrap(),
    )
    .await;
    assert!(matches!(before, Ok(Some(_))), "{before:?}");
    assert_eq!(
        next_message(&mut room, "the first message").await.text(),
        Some("before")
    );
    // Take the first CONNECTED off the stream: the next one is the reconnect's.
    connected(&mut events).await;

    // The broker closes every connection; the client reconnects by itself.
    let response = within("POST /close-all", JsFuture::from(fetch(CLOSE_ALL, &post())))
        .await
        .expect("the control server (scripts/control-server.mjs) answers");
    let ok = js_sys::Reflect::get(&response, &"ok".into()).unwrap();
    assert_eq!(ok.as_bool(), Some(true), "close-all failed");
    until(&mut events, "the socket's close", |e| {
        matches!(e, ClientEvent::SocketClosed(_)).then_some(())
    })
    .await;
    let attempt = until(&mut events, "a reconnect scheduled", |e| match e {
        ClientEvent::ReconnectScheduled { attempt, .. } => Some(*attempt),
        _ => None,
    })
    .await;
    assert_eq!(attempt, 1);
    connected(&mut events).await;

    // The SUBSCRIBE went out again before anything newer: a message published now arrives on the
    // same stream.
    let after = within(
        "the receipt after the reconnect",
        client
            .publish(Publish::new(&topic, "after").with_receipt())
            .unwrap(),
    )
    .await;
    assert!(matches!(after, Ok(Some(_))), "{after:?}");
    let message = next_message(&mut room, "the message after the reconnect").await;
    assert_eq!(message.text(), Some("after"));
    assert_eq!(message.subscription(), Some(room.id()));

    within("deactivate()", client.deactivate()).await;
    assert_eq!(client.state(), State::Inactive);
}

fn post() -> JsValue {
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"method".into(), &"POST".into()).unwrap();
    init.into()
}

#[wasm_bindgen_test]
async fn transactions_deliver_on_commit_and_never_after_an_abort_or_a_drop() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    let topic = unique("/topic/tx");
    let mut room = client.subscribe(&topic, &Headers::new()).unwrap();
    connected(&mut events).await;

    let aborted = client.begin().unwrap();
    aborted.publish(Publish::new(&topic, "aborted")).unwrap();
    aborted.abort().unwrap();
    {
        let dropped = client.begin().unwrap();
        dropped.publish(Publish::new(&topic, "dropped")).unwrap();
        // Dropped here without commit: aborted.
    }
    let committed = client.begin().unwrap();
    assert!(committed.id().starts_with("tx-"));
    committed
        .publish(Publish::new(&topic, "committed"))
        .unwrap();
    committed.commit().unwrap();
    let last = client
        .publish(Publish::new(&topic, "last").with_receipt())
        .unwrap();
    within("the last receipt", last).await.unwrap();

    // One connection, frames in order: had the aborted ones been delivered, they would come first.
    let first = next_message(&mut room, "the committed message").await;
    assert_eq!(first.text(), Some("committed"));
    let second = next_message(&mut room, "the last message").await;
    assert_eq!(second.text(), Some("last"));
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn nack_redelivers_and_ack_settles_a_client_individual_message() {
    let client = Client::new(config()).unwrap();
    client.activate().unwrap();
    let queue = unique("/queue/jobs");
    let mut jobs = client
        .subscribe(&queue, &Headers::from([("ack", "client-individual")]))
        .unwrap();
    within(
        "the job's receipt",
        client
            .publish(Publish::new(&queue, "job").with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    let job = next_message(&mut jobs, "the job").await;
    assert_eq!(job.header("redelivered"), Some("false"));
    client.nack(&job).unwrap();
    let again = next_message(&mut jobs, "the job, redelivered after NACK").await;
    assert_eq!(again.text(), Some("job"));
    assert_eq!(again.header("redelivered"), Some("true"));
    client.ack(&again).unwrap();
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn at_least_once_completes_with_the_receipt_and_carries_its_dedup_id() {
    let client = Client::new(Config {
        delivery: Delivery::AtLeastOnce,
        ..config()
    })
    .unwrap();
    client.activate().unwrap();
    let topic = unique("/topic/alo");
    let mut room = client.subscribe(&topic, &Headers::new()).unwrap();
    let receipt = within(
        "the at-least-once receipt",
        client
            .publish(Publish::new(&topic, "kept until receipted"))
            .unwrap(),
    )
    .await
    .unwrap()
    .expect("at-least-once completes with the RECEIPT");
    let message = next_message(&mut room, "the at-least-once message").await;
    assert_eq!(message.header("dedup-id"), receipt.id());
    // Per publish, at-most-once again: written, no receipt.
    let plain = client
        .publish(Publish::new(&topic, "plain").delivery(Delivery::AtMostOnce))
        .unwrap();
    assert_eq!(within("the plain publish", plain).await, Ok(None));
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn a_publish_made_while_connecting_completes_once_written() {
    let client = Client::new(config()).unwrap();
    client.activate().unwrap();
    let topic = unique("/topic/early");
    let mut room = client.subscribe(&topic, &Headers::new()).unwrap();
    assert_eq!(client.state(), State::Connecting);
    // Queued (no receipt): the future completes when the frame is written, after CONNECTED.
    let mut early = client.publish(Publish::new(&topic, "early")).unwrap();
    assert_eq!((&mut early).now_or_never(), None, "not written yet");
    let written = within("the queued publish", early).await;
    assert_eq!(written, Ok(None));
    assert_eq!(
        client.state(),
        State::Connected,
        "written only once connected"
    );
    assert_eq!(
        next_message(&mut room, "the early message").await.text(),
        Some("early")
    );
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn refusals_are_typed_errors() {
    let mut bad = config();
    bad.heartbeat.tolerance = 0.5;
    assert!(matches!(
        Client::new(bad),
        Err(Error::Config {
            field: "heartbeat.tolerance",
            ..
        })
    ));

    let client = Client::new(config()).unwrap();
    // Inactive: nothing to send on, and nothing queued; refused at once.
    match client.publish(Publish::new("/topic/x", "x")) {
        Err(error @ Error::Command(CommandError::InvalidState { .. })) => {
            assert_eq!(
                error.to_string(),
                "There is no underlying STOMP connection: send is not allowed while the client is inactive"
            );
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("published while inactive"),
    }
    assert!(matches!(
        client.subscribe("", &Headers::new()),
        Err(Error::Command(CommandError::MissingHeader("destination")))
    ));
    let first = client
        .subscribe("/topic/x", &Headers::from([("id", "mine")]))
        .unwrap();
    assert!(matches!(
        client.subscribe("/topic/y", &Headers::from([("id", "mine")])),
        Err(Error::Command(CommandError::DuplicateSubscription(id))) if id == "mine"
    ));
    // A transaction needs a connection.
    assert!(matches!(
        client.begin(),
        Err(Error::Command(CommandError::InvalidState {
            command: "begin",
            ..
        }))
    ));
    drop(first);
    // Deactivating an inactive client completes at once.
    within("deactivate() while inactive", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn deactivate_completes_and_waiting_publishes_fail_when_the_broker_is_unreachable() {
    let client = Client::new(Config {
        reconnect: Some(Reconnect::linear(Duration::from_millis(100))),
        // Nothing listens on port 9 of loopback.
        ..Config::new("ws://127.0.0.1:9/ws")
    })
    .unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    let waiting = client
        .publish(Publish::new("/topic/x", "never").with_receipt())
        .unwrap();
    until(&mut events, "a failed attempt", |e| {
        matches!(e, ClientEvent::ConnectFailed(_)).then_some(())
    })
    .await;
    assert!(client.is_active(), "still trying");
    within("deactivate() with no connection", client.deactivate()).await;
    assert_eq!(client.state(), State::Inactive);
    assert_eq!(
        within("the publish given up", waiting).await,
        Err(Error::Receipt(ReceiptError::Discarded))
    );
}

#[wasm_bindgen_test]
async fn dropping_the_last_handle_closes_the_connection_and_ends_the_futures() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    connected(&mut events).await;
    // Asked for, and the broker's RECEIPT cannot have arrived: this task has not yielded since.
    let waiting = client
        .publish(Publish::new(unique("/topic/drop"), "x").with_receipt())
        .unwrap();
    drop(client);
    let result = within("the publish of a dropped client", waiting).await;
    assert!(result.is_err(), "{result:?}");
    // The event stream ends with the client.
    let rest: Vec<ClientEvent> = within("the end of the event stream", events.collect()).await;
    assert!(
        rest.iter()
            .any(|e| matches!(e, ClientEvent::Disconnected { confirmed: false })),
        "{rest:?}"
    );
}

#[wasm_bindgen_test]
async fn dropping_a_subscription_unsubscribes_so_its_id_can_be_used_again() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    connected(&mut events).await;
    let topic = unique("/topic/again");
    let first = client
        .subscribe(&topic, &Headers::from([("id", "room")]))
        .unwrap();
    drop(first);
    // Without the UNSUBSCRIBE the broker still has "room" and answers this SUBSCRIBE with ERROR
    // (before the RECEIPT below: one connection, frames in order).
    let mut second = client
        .subscribe(&topic, &Headers::from([("id", "room")]))
        .unwrap();
    let receipt = client
        .publish(Publish::new(&topic, "to the new one").with_receipt())
        .unwrap();
    within("the receipt", receipt).await.unwrap();
    let message = next_message(&mut second, "the message").await;
    assert_eq!(message.subscription(), Some("room"));
    while let Some(event) = events.try_next() {
        assert!(
            !matches!(
                event,
                ClientEvent::StompError(_) | ClientEvent::SocketClosed(_)
            ),
            "{event:?}"
        );
    }
    drop(second);
    within("deactivate()", client.deactivate()).await;
}

// ----- The subscription buffer (issue 20, defect 8) and acknowledgements (items 1 and 6) -----

/// A bound that holds about a dozen of the messages below (a 100-byte body and RabbitMQ's
/// headers: about 300 bytes each).
const SMALL_BUFFER: usize = 4 * 1024;

/// Resolves once `condition` holds (looked at every 10 ms), or panics naming `what` after the
/// guard.
async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    within(what, async {
        while !condition() {
            sleep(10).await.unwrap();
        }
    })
    .await
}

/// The body of message `n`: "m-007", padded to 100 bytes.
fn body(n: usize) -> String {
    format!("m-{n:03}{}", ".".repeat(95))
}

fn number(message: &Message) -> usize {
    let text = message.text().unwrap_or("");
    text.get(2..5).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Publishes messages 1 to `count` to `queue` (the last with a receipt) and waits for the
/// receipt: then the broker holds every one.
async fn publish_numbered(client: &Client, queue: &str, count: usize) {
    for n in 1..count {
        client.publish(Publish::new(queue, body(n))).unwrap();
    }
    within(
        "the receipt of the last message",
        client
            .publish(Publish::new(queue, body(count)).with_receipt())
            .unwrap(),
    )
    .await
    .expect("receipted");
}

/// Publishes a sentinel to `queue` through `producer` (receipted), then subscribes a fresh consumer
/// (another connection, `ack: auto`) and returns the numbers of the messages it gets before the
/// sentinel, with whether each was redelivered.
async fn fresh_consumer(producer: &Client, queue: &str) -> Vec<(usize, bool)> {
    let sentinel = "sentinel";
    within(
        "the sentinel's receipt",
        producer
            .publish(Publish::new(queue, sentinel).with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    let client = Client::new(config()).unwrap();
    client.activate().unwrap();
    let mut stream = client.subscribe(queue, &Headers::new()).unwrap();
    let mut seen = Vec::new();
    loop {
        let message = next_message(&mut stream, "the fresh consumer's next message").await;
        if message.text() == Some(sentinel) {
            break;
        }
        seen.push((
            number(&message),
            message.header("redelivered") == Some("true"),
        ));
    }
    drop(stream);
    within("the fresh consumer's deactivate()", client.deactivate()).await;
    seen
}

/// Every event already on `events`, taken.
fn events_so_far(events: &mut Events) -> Vec<ClientEvent> {
    std::iter::from_fn(|| events.try_next()).collect()
}

fn overflows(events: &[ClientEvent], id: &str) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, ClientEvent::SubscriptionOverflow { id: of } if of == id))
        .count()
}

fn assert_no_connection_trouble(events: &[ClientEvent]) {
    for event in events {
        assert!(
            !matches!(
                event,
                ClientEvent::StompError(_)
                    | ClientEvent::SocketClosed(_)
                    | ClientEvent::UnhandledMessage(_)
            ),
            "{event:?}"
        );
    }
}

/// A client with a small subscription buffer, connected.
async fn small_buffer_client() -> (Client, Events) {
    let client = Client::new(Config {
        subscription_buffer_bytes: SMALL_BUFFER,
        ..config()
    })
    .unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    connected(&mut events).await;
    (client, events)
}

#[wasm_bindgen_test]
async fn buffer_ack_client_keeps_every_message_and_a_dropped_subscription_gives_the_rest_back() {
    let (client, mut events) = small_buffer_client().await;
    let queue = unique("/queue/buffer-client");
    publish_numbered(&client, &queue, 200).await;
    let mut stream = client
        .subscribe(&queue, &Headers::from([("ack", "client")]))
        .unwrap();
    // 200 unread, far over the bound: all kept (the issue: 150 dropped, then acknowledged unseen
    // by the next cumulative ACK).
    wait_until("all 200 messages in the buffer", || stream.backlog() == 200).await;
    assert!(stream.backlog_bytes() > 10 * SMALL_BUFFER, "{stream:?}");
    assert_eq!(stream.dropped(), 0);
    assert_eq!(overflows(&events_so_far(&mut events), stream.id()), 1);

    let mut last = None;
    for n in 1..=100 {
        let message = next_message(&mut stream, "a buffered message").await;
        assert_eq!((number(&message), message.missed_before()), (n, 0));
        last = Some(message);
    }
    // Cumulative: messages 1 to 100, nothing the application has not seen.
    client.ack(&last.unwrap()).unwrap();
    assert_eq!(stream.backlog(), 100);
    // Dropped with 100 unread: one NACK (of the last: it covers 101 to 200), committed after the
    // UNSUBSCRIBE, so that the broker gives them to the next consumer, not back to this one.
    drop(stream);
    assert!(client.is_connected());

    let seen = fresh_consumer(&client, &queue).await;
    let numbers: Vec<usize> = seen.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        numbers,
        (101..=200).collect::<Vec<_>>(),
        "101 to 200, once each"
    );
    assert!(seen.iter().all(|(_, redelivered)| *redelivered), "{seen:?}");
    assert_no_connection_trouble(&events_so_far(&mut events));
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn buffer_client_individual_keeps_every_message_and_a_dropped_subscription_nacks_each() {
    let (client, mut events) = small_buffer_client().await;
    let queue = unique("/queue/buffer-individual");
    publish_numbered(&client, &queue, 200).await;
    let mut stream = client
        .subscribe(&queue, &Headers::from([("ack", "client-individual")]))
        .unwrap();
    wait_until("all 200 messages in the buffer", || stream.backlog() == 200).await;
    assert_eq!(stream.dropped(), 0);
    assert_eq!(overflows(&events_so_far(&mut events), stream.id()), 1);
    for n in 1..=10 {
        let message = next_message(&mut stream, "a buffered message").await;
        assert_eq!((number(&message), message.missed_before()), (n, 0));
        client.ack(&message).unwrap();
    }
    // Ended holding 190 (the issue: they stayed delivered-unacknowledged until the connection
    // closed): a NACK each, committed after the UNSUBSCRIBE. (Dropping it does the same.)
    stream.unsubscribe(&Headers::new()).unwrap();
    // The first connection is still up: the fresh consumer gets them from the NACKs.
    let seen = fresh_consumer(&client, &queue).await;
    assert!(client.is_connected());
    let mut numbers: Vec<usize> = seen.iter().map(|(n, _)| *n).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (11..=200).collect::<Vec<_>>(),
        "11 to 200, once each"
    );
    assert!(seen.iter().all(|(_, redelivered)| *redelivered), "{seen:?}");
    assert_no_connection_trouble(&events_so_far(&mut events));
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn buffer_ack_auto_drops_what_does_not_fit_and_says_so_in_the_stream() {
    let (client, mut events) = small_buffer_client().await;
    let queue = unique("/queue/buffer-auto");
    publish_numbered(&client, &queue, 200).await;
    let mut stream = client.subscribe(&queue, &Headers::new()).unwrap();
    wait_until("all 200 messages kept or dropped", || {
        stream.backlog() as u64 + stream.dropped() == 200
    })
    .await;
    let kept = stream.backlog();
    let dropped = stream.dropped();
    assert!(
        kept >= 2 && stream.backlog_bytes() <= SMALL_BUFFER,
        "{stream:?}"
    );
    assert_eq!(overflows(&events_so_far(&mut events), stream.id()), 1);

    // Half read: room again, and it is used (the issue: dropped until the stream was emptied).
    for n in 1..=kept / 2 {
        let message = next_message(&mut stream, "a kept message").await;
        assert_eq!((number(&message), message.missed_before()), (n, 0));
    }
    within(
        "the receipt of the message after",
        client
            .publish(Publish::new(&queue, "after").with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    wait_until("the message after, kept", || {
        stream.backlog() == kept - kept / 2 + 1
    })
    .await;
    for n in kept / 2 + 1..=kept {
        let message = next_message(&mut stream, "a kept message").await;
        assert_eq!((number(&message), message.missed_before()), (n, 0));
    }
    // The gap is in the stream, where it was: the next message says how many were dropped.
    let after = next_message(&mut stream, "the message after").await;
    assert_eq!(after.text(), Some("after"));
    assert_eq!(after.missed_before(), dropped);
    assert_eq!(kept as u64 + dropped, 200);
    assert_eq!(stream.dropped(), dropped, "nothing dropped since");
    assert_no_connection_trouble(&events_so_far(&mut events));
    drop(stream);
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn ack_of_a_message_of_an_ended_connection_is_stale_and_the_broker_redelivers_it() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    connected(&mut events).await;
    let queue = unique("/queue/stale");
    let mut jobs = client
        .subscribe(&queue, &Headers::from([("ack", "client-individual")]))
        .unwrap();
    within(
        "the job's receipt",
        client
            .publish(Publish::new(&queue, "job").with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    let old = next_message(&mut jobs, "the job").await;
    client.force_disconnect().unwrap();
    connected(&mut events).await;
    // Its connection ended: nothing is sent (RabbitMQ would apply the delivery tag to another
    // message of the new connection).
    assert_eq!(
        client.ack(&old),
        Err(Error::Command(CommandError::StaleAck))
    );
    assert_eq!(
        client.nack(&old),
        Err(Error::Command(CommandError::StaleAck))
    );
    // RabbitMQ kept it: redelivered on the restored subscription, and this one can be settled.
    let again = next_message(&mut jobs, "the job, redelivered").await;
    assert_eq!(again.text(), Some("job"));
    assert_eq!(again.header("redelivered"), Some("true"));
    client.ack(&again).unwrap();
    drop(jobs);
    // Acknowledged: a fresh consumer gets the sentinel first.
    assert_eq!(fresh_consumer(&client, &queue).await, []);
    within("deactivate()", client.deactivate()).await;
}

#[wasm_bindgen_test]
async fn ack_of_an_auto_message_is_refused_and_the_connection_stays_up() {
    let client = Client::new(config()).unwrap();
    let mut events = client.events();
    client.activate().unwrap();
    connected(&mut events).await;
    let queue = unique("/queue/auto-ack");
    let mut stream = client.subscribe(&queue, &Headers::new()).unwrap();
    within(
        "the receipt",
        client
            .publish(Publish::new(&queue, "one").with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    let message = next_message(&mut stream, "the message").await;
    let id = stream.id().to_owned();
    // Nothing to acknowledge: nothing sent (RabbitMQ would close the connection on it).
    assert_eq!(
        client.ack(&message),
        Err(Error::Command(CommandError::AutoAck(id.clone())))
    );
    assert_eq!(
        client.nack(&message),
        Err(Error::Command(CommandError::AutoAck(id)))
    );
    within(
        "a receipt after",
        client
            .publish(Publish::new(&queue, "two").with_receipt())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        next_message(&mut stream, "the next message").await.text(),
        Some("two")
    );
    assert!(client.is_connected());
    assert_no_connection_trouble(&events_so_far(&mut events));
    drop(stream);
    within("deactivate()", client.deactivate()).await;
}
