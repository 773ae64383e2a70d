//! What the connections of one broker share: the subscription table (so a SEND on one connection
//! reaches subscribers on every other), the per-URL connection counters behind `faulty=N`, the
//! records tests read back, and each open connection's inbox (deliveries and injected bytes). One
//! mutex; every critical section is short and does no I/O.

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::peer::Delivery;
use crate::record::Record;

/// Something for a connection's thread to send.
#[derive(Debug)]
pub enum Inbox {
    /// A message for one of its subscriptions.
    Deliver(Delivery),
    /// Bytes injected by a test (`POST /inject`), sent as one message of this kind.
    Inject {
        /// The bytes.
        bytes: Vec<u8>,
        /// Binary (else text, if UTF-8).
        binary: bool,
    },
    /// Close the connection (`POST /close`): `drop` = without a close frame.
    Close {
        /// Drop the TCP connection instead of a clean close.
        drop: bool,
    },
}

struct Subscription {
    connection: u64,
    id: String,
    destination: String,
}

struct Open {
    key: Option<String>,
    inbox: Sender<Inbox>,
}

#[derive(Default)]
struct State {
    next_connection: u64,
    next_message: u64,
    /// Connections so far per request target (path and query).
    per_target: HashMap<String, u64>,
    subscriptions: Vec<Subscription>,
    open: HashMap<u64, Open>,
    records: Vec<Arc<Mutex<Record>>>,
}

/// The shared state, cheap to clone into each connection's thread.
#[derive(Clone, Default)]
pub struct Hub {
    state: Arc<Mutex<State>>,
}

/// A connection's identity, from [`Hub::open`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    /// Broker-wide connection number, from 1.
    pub connection: u64,
    /// This connection's number among those to the same target, from 1.
    pub nth: u64,
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A connection thread that panicked must not take the others down with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a new connection to `target`, with its record and inbox.
    pub fn open(
        &self,
        target: &str,
        key: Option<String>,
        record: Arc<Mutex<Record>>,
        inbox: Sender<Inbox>,
    ) -> Admission {
        let mut state = self.lock();
        state.next_connection += 1;
        let connection = state.next_connection;
        let nth = {
            let count = state.per_target.entry(target.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
        // Only connections a test can ask about are kept.
        if key.is_some() {
            state.records.push(record);
        }
        state.open.insert(connection, Open { key, inbox });
        Admission { connection, nth }
    }

    /// Forgets a closed connection's subscriptions and inbox (its record stays).
    pub fn close(&self, connection: u64) {
        let mut state = self.lock();
        state.open.remove(&connection);
        state.subscriptions.retain(|s| s.connection != connection);
    }

    /// Adds a subscription.
    pub fn subscribe(&self, connection: u64, id: &str, destination: &str) {
        self.lock().subscriptions.push(Subscription {
            connection,
            id: id.to_owned(),
            destination: destination.to_owned(),
        });
    }

    /// Removes a subscription.
    pub fn unsubscribe(&self, connection: u64, id: &str) {
        self.lock()
            .subscriptions
            .retain(|s| !(s.connection == connection && s.id == id));
    }

    /// Routes a message to every subscription on `destination`, on any connection.
    pub fn publish(&self, destination: &str, headers: &[(String, String)], body: &[u8]) {
        let mut state = self.lock();
        state.next_message += 1;
        let message_id = format!("m-{}", state.next_message);
        for subscription in state
            .subscriptions
            .iter()
            .filter(|s| s.destination == destination)
        {
            if let Some(open) = state.open.get(&subscription.connection) {
                let _ = open.inbox.send(Inbox::Deliver(Delivery {
                    subscription: subscription.id.clone(),
                    message_id: message_id.clone(),
                    headers: headers.to_vec(),
                    body: body.to_vec(),
                }));
            }
        }
    }

    /// Sends `make()` to every open connection recorded under `key`; returns how many.
    pub fn to_key(&self, key: &str, make: impl Fn() -> Inbox) -> usize {
        let state = self.lock();
        let mut sent = 0;
        for open in state
            .open
            .values()
            .filter(|o| o.key.as_deref() == Some(key))
        {
            if open.inbox.send(make()).is_ok() {
                sent += 1;
            }
        }
        sent
    }

    /// The records of connections made with `id=key`, in connection order, as JSON.
    pub fn records_json(&self, key: &str) -> String {
        let records: Vec<Arc<Mutex<Record>>> = self.lock().records.clone();
        let mut json = String::from("[");
        let mut first = true;
        for record in records {
            let record = record.lock().unwrap_or_else(|p| p.into_inner());
            if record.key.as_deref() != Some(key) {
                continue;
            }
            if !first {
                json.push(',');
            }
            first = false;
            record.write_json(&mut json);
        }
        json.push(']');
        json
    }
}
