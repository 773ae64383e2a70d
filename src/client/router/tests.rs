use super::super::channel::{oneshot, Next, Receiver};
use super::*;
use crate::frame::{Command, Frame};
use crate::session::ReceiptError;
use core::task::{Context, Poll, Waker};

fn message(subscription: &str, body: &str) -> Event {
    Event::Message {
        subscription: subscription.into(),
        connection: 1,
        frame: Frame::new(Command::Message)
            .header("subscription", subscription)
            .body(body),
    }
}

/// Everything the reader can take now, up to and including the end.
fn take<T>(queue: &Queue<T>) -> Vec<Next<T>> {
    let mut taken = Vec::new();
    while let Some(next) = queue.try_take() {
        let end = matches!(next, Next::End);
        taken.push(next);
        if end {
            break;
        }
    }
    taken
}

fn texts(queue: &Queue<Message>) -> Vec<String> {
    take(queue)
        .into_iter()
        .map(|next| match next {
            Next::Item(m) => m.text().unwrap_or("").into(),
            Next::Gap(n) => alloc::format!("gap {n}"),
            Next::End => "end".into(),
        })
        .collect()
}

fn ready<T>(receiver: &Receiver<T>) -> Option<Option<T>> {
    match receiver.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// What a subscription's reader takes now: each message's text, with how many were dropped
/// just before it; "end" at the end.
fn read(queue: &Queue<Message>) -> Vec<String> {
    let mut read = Vec::new();
    while let Some(next) = queue.try_take_item() {
        match next {
            Some((m, 0)) => read.push(m.text().unwrap_or("").into()),
            Some((m, n)) => read.push(alloc::format!("{} ({n} missed)", m.text().unwrap_or(""))),
            None => {
                read.push("end".into());
                break;
            }
        }
    }
    read
}

fn overflows(events: &Queue<ClientEvent>, id: &str) -> usize {
    take(events)
        .into_iter()
        .filter(
            |e| matches!(e, Next::Item(ClientEvent::SubscriptionOverflow { id: of }) if of == id),
        )
        .count()
}

/// `message(subscription, body)` weighs the body plus 15 bytes for "subscription:s" and its
/// line end (one-letter ids).
const HEAD: usize = 15;

#[test]
fn messages_go_to_their_subscription_and_strays_to_events() {
    let router = Router::new(4096, 8);
    let events = router.add_events();
    let chat = router.add_subscription("sub-0", AckMode::Auto).unwrap();
    assert!(
        router.add_subscription("sub-0", AckMode::Auto).is_none(),
        "one per id"
    );
    router.route(message("sub-0", "a"));
    router.route(message("sub-9", "stray"));
    router.route(message("sub-0", "b"));
    assert_eq!(texts(&chat), ["a", "b"]);
    assert!(matches!(
        take(&events).as_slice(),
        [Next::Item(ClientEvent::UnhandledMessage(frame))] if frame.body == b"stray"
    ));
}

#[test]
fn the_ack_header_says_whether_messages_may_be_dropped() {
    let of = |ack: Option<&str>| {
        let mut headers = Headers::new();
        if let Some(ack) = ack {
            headers.push("ack", ack);
        }
        AckMode::of(&headers)
    };
    assert_eq!(of(None), AckMode::Auto);
    assert_eq!(of(Some("auto")), AckMode::Auto);
    assert_eq!(of(Some("client")), AckMode::Client);
    assert_eq!(of(Some("client-individual")), AckMode::ClientIndividual);
    // The session lets a message of an unknown mode be acknowledged: it is kept, one by one.
    assert_eq!(of(Some("Client")), AckMode::ClientIndividual);
    assert_eq!(AckMode::Auto.when_full(), Full::Drop);
    assert_eq!(AckMode::Client.when_full(), Full::Keep);
    assert_eq!(AckMode::ClientIndividual.when_full(), Full::Keep);
}

#[test]
fn the_bound_counts_the_bytes_of_bodies_and_headers() {
    let router = Router::new(2 * (HEAD + 5) + 5, 8);
    let queue = router.add_subscription("s", AckMode::Auto).unwrap();
    for body in ["one..", "two..", "three"] {
        router.route(message("s", body));
    }
    assert_eq!(queue.held(), (2, 2 * (HEAD + 5)));
    assert_eq!(queue.dropped(), 1, "the third does not fit");
    assert_eq!(read(&queue), ["one..", "two.."]);
    // A message heavier than the whole bound still gets through an empty stream, told what
    // was dropped before it.
    let big = "x".repeat(100);
    router.route(message("s", &big));
    assert_eq!(queue.held(), (1, HEAD + 100));
    router.route(message("s", "later"));
    assert_eq!(queue.dropped(), 2);
    assert_eq!(read(&queue), [alloc::format!("{big} (1 missed)")]);
    // Bytes, not messages: the bound that held one big message holds 20 empty ones.
    let small = Router::new(20 * HEAD, 8);
    let queue = small.add_subscription("s", AckMode::Auto).unwrap();
    for _ in 0..50 {
        small.route(message("s", ""));
    }
    assert_eq!(queue.held(), (20, 20 * HEAD));
    assert_eq!(queue.dropped(), 30);
}

#[test]
fn an_auto_subscription_drops_what_does_not_fit_and_the_next_message_tells_how_many() {
    let router = Router::new(2 * (HEAD + 5), 8);
    let events = router.add_events();
    let queue = router.add_subscription("s", AckMode::Auto).unwrap();
    for n in 1..=6 {
        router.route(message("s", &alloc::format!("msg-{n}")));
    }
    assert_eq!(queue.dropped(), 4);
    assert_eq!(overflows(&events, "s"), 1, "once, when dropping began");
    // Taking one makes room, used at once: msg-7 is kept (and msg-8 no longer fits).
    assert!(matches!(queue.try_take_item(), Some(Some((m, 0))) if m.text() == Some("msg-1")));
    router.route(message("s", "msg-7"));
    router.route(message("s", "msg-8"));
    assert_eq!(
        overflows(&events, "s"),
        0,
        "the same overflow: not emptied since"
    );
    assert_eq!(read(&queue), ["msg-2", "msg-7 (4 missed)"]);
    // Emptied (msg-8's gap is told by the next message): room for the next, and a new
    // overflow is a new event.
    router.route(message("s", "msg-9"));
    assert_eq!(read(&queue), ["msg-9 (1 missed)"]);
    for n in 10..=12 {
        router.route(message("s", &alloc::format!("ms-{n}")));
    }
    assert_eq!(overflows(&events, "s"), 1);
    assert_eq!(queue.dropped(), 6);
}

#[test]
fn a_subscription_that_acknowledges_never_drops_and_says_once_that_it_is_over() {
    for ack in [AckMode::Client, AckMode::ClientIndividual] {
        let router = Router::new(50 * (HEAD + 5), 8);
        let events = router.add_events();
        let queue = router.add_subscription("s", ack).unwrap();
        // The case: a bound of 50 messages, 200 unread.
        for n in 1..=200 {
            router.route(message("s", &alloc::format!("{n:05}")));
        }
        assert_eq!(queue.dropped(), 0, "{ack:?}");
        assert_eq!(queue.held(), (200, 200 * (HEAD + 5)), "{ack:?}");
        assert_eq!(overflows(&events, "s"), 1, "{ack:?}");
        let all = read(&queue);
        let expected: Vec<String> = (1..=200).map(|n| alloc::format!("{n:05}")).collect();
        assert_eq!(
            all, expected,
            "{ack:?}: every one, in order, nothing missed"
        );
        // Emptied: the next overflow is reported again.
        for n in 201..=260 {
            router.route(message("s", &alloc::format!("{n:05}")));
        }
        assert_eq!(overflows(&events, "s"), 1, "{ack:?}");
        assert_eq!(queue.held().0, 60, "{ack:?}");
    }
}

#[test]
fn a_subscription_gives_back_what_it_held_of_the_current_connection() {
    let held = |connections: &[u64]| -> Vec<Message> {
        connections
            .iter()
            .enumerate()
            .map(|(n, &connection)| {
                let frame = Frame::new(Command::Message)
                    .header("subscription", "s")
                    .header("ack", &alloc::format!("a-{n}"));
                Message::delivered(frame, connection)
            })
            .collect()
    };
    let acks = |messages: Vec<Message>| -> Vec<String> {
        messages
            .iter()
            .map(|m| m.header("ack").unwrap_or("").into())
            .collect()
    };
    // Two messages of connection 1 (ended: the broker has them back), three of connection 2.
    let mixed = [1, 1, 2, 2, 2];
    assert_eq!(acks(AckMode::Auto.owed(held(&mixed), 2)), [""; 0]);
    assert_eq!(
        acks(AckMode::ClientIndividual.owed(held(&mixed), 2)),
        ["a-2", "a-3", "a-4"]
    );
    assert_eq!(acks(AckMode::Client.owed(held(&mixed), 2)), ["a-4"]);
    // All of an ended connection: nothing to give back.
    assert!(AckMode::Client.owed(held(&mixed), 3).is_empty());
    assert!(AckMode::ClientIndividual.owed(Vec::new(), 2).is_empty());
}

#[test]
fn receipts_complete_their_publish_and_failures_are_also_broadcast() {
    let router = Router::new(8, 8);
    let events = router.add_events();
    let (ok_tx, ok_rx) = oneshot();
    let (bad_tx, bad_rx) = oneshot();
    router.add_receipt(1, ok_tx);
    router.add_receipt(2, bad_tx);
    let receipt = Frame::new(Command::Receipt).header("receipt-id", "r-1");
    router.route(Event::Receipt {
        id: "r-1".into(),
        ticket: Some(1),
        frame: receipt.clone(),
    });
    router.route(Event::ReceiptFailed {
        id: "r-2".into(),
        ticket: Some(2),
        error: ReceiptError::Timeout,
    });
    router.route(Event::Receipt {
        id: "r-3".into(),
        ticket: Some(3),
        frame: receipt.clone(),
    });
    assert!(matches!(ready(&ok_rx), Some(Some(Ok(Some(r)))) if r.id() == Some("r-1")));
    assert!(matches!(
        ready(&bad_rx),
        Some(Some(Err(Error::Receipt(ReceiptError::Timeout))))
    ));
    let events: Vec<_> = take(&events)
        .into_iter()
        .filter_map(|n| match n {
            Next::Item(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(
        events,
        [
            ClientEvent::ReceiptFailed {
                id: "r-2".into(),
                error: ReceiptError::Timeout
            },
            ClientEvent::UnhandledReceipt(receipt)
        ]
    );
}

#[test]
fn queued_publishes_settle_by_their_own_ticket() {
    let router = Router::new(8, 8);
    let receivers: Vec<_> = (1..=4)
        .map(|ticket| {
            let (tx, rx) = oneshot();
            router.add_unwritten(ticket, tx);
            rx
        })
        .collect();
    // Ticket 2 is given up first (its transaction ended), then 1 and 3 are written.
    router.route(Event::SendFailed {
        ticket: 2,
        receipt: None,
        error: ReceiptError::TransactionEnded("tx-0".into()),
    });
    router.route(Event::Written { through: 3 });
    assert!(matches!(ready(&receivers[0]), Some(Some(Ok(None)))));
    assert!(matches!(
        ready(&receivers[1]),
        Some(Some(Err(Error::Receipt(ReceiptError::TransactionEnded(_)))))
    ));
    assert!(matches!(ready(&receivers[2]), Some(Some(Ok(None)))));
    assert!(ready(&receivers[3]).is_none());
    router.route(Event::SendFailed {
        ticket: 4,
        receipt: None,
        error: ReceiptError::Discarded,
    });
    assert!(matches!(
        ready(&receivers[3]),
        Some(Some(Err(Error::Discarded)))
    ));
    // Registered after its ticket was reported written (the call returned after the flush).
    let (tx, rx) = oneshot();
    router.add_unwritten(3, tx);
    assert!(matches!(ready(&rx), Some(Some(Ok(None)))));
}

#[test]
fn a_disconnect_ends_every_subscription_and_settles_deactivate() {
    let router = Router::new(8, 8);
    let queue = router.add_subscription("s", AckMode::Auto).unwrap();
    router.route(message("s", "last"));
    let (tx, rx) = oneshot();
    router.add_waiter(tx);
    router.route(Event::StateChanged {
        from: State::Connected,
        to: State::Disconnecting,
    });
    assert!(ready(&rx).is_none());
    router.route(Event::SubscriptionsEnded(vec!["s".into()]));
    router.route(Event::Disconnected { confirmed: true });
    assert!(matches!(ready(&rx), Some(Some(()))));
    assert_eq!(texts(&queue), ["last", "end"]);
    assert!(
        !router.remove_subscription("s", &queue),
        "already forgotten"
    );
    // A new subscription under the same id is not the old one's to remove.
    let again = router.add_subscription("s", AckMode::Auto).unwrap();
    assert!(!router.remove_subscription("s", &queue));
    assert!(router.has_subscription("s"));
    assert!(router.remove_subscription("s", &again));
}

#[test]
fn a_full_event_stream_reports_what_it_missed_where_it_missed_it() {
    let router = Router::new(8, 2);
    let events = router.add_events();
    let seen = |taken: Vec<Next<ClientEvent>>| -> Vec<u64> {
        taken
            .into_iter()
            .map(|next| match next {
                Next::Item(ClientEvent::ReconnectFailed { attempts }) => attempts as u64,
                Next::Gap(n) => 100 + n,
                _ => 0,
            })
            .collect()
    };
    for attempt in 1..=5 {
        router.route(Event::ReconnectFailed { attempts: attempt });
    }
    assert!(matches!(events.try_take(), Some(Next::Item(_))));
    // Room for one again: the next event is kept at once, behind the gap's marker.
    router.route(Event::ReconnectFailed { attempts: 6 });
    router.route(Event::ReconnectFailed { attempts: 7 });
    assert_eq!(seen(take(&events)), [2, 103, 6, 101]);
}

#[test]
fn dropping_the_router_ends_streams_and_futures() {
    let router = Router::new(8, 8);
    let events = router.add_events();
    let queue = router.add_subscription("s", AckMode::Auto).unwrap();
    let (tx, rx) = oneshot();
    router.add_unwritten(1, tx);
    drop(router);
    assert!(matches!(ready(&rx), Some(None)));
    assert!(queue.is_finished() && events.is_finished());
}
