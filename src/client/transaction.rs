//! [`Transaction`]: BEGIN … COMMIT or ABORT, with the publishes and acknowledgements in between
//! carrying its `transaction` header. Dropped unfinished, it aborts.

use alloc::string::String;

use crate::frame::Headers;

use super::error::Error;
use super::futures::Published;
use super::handle::Client;
use super::message::Message;
use super::publish::Publish;

/// An open transaction, from [`Client::begin`].
///
/// **Drop:** a transaction dropped without [`commit`](Transaction::commit) or
/// [`abort`](Transaction::abort) is aborted (ABORT is sent if the connection is still up; the
/// broker aborts it anyway when the connection ends, reported as
/// [`ClientEvent::TransactionsAborted`](super::ClientEvent::TransactionsAborted)). So an early
/// return with `?` never commits half of the work. It holds a clone of its [`Client`].
///
/// ```no_run
/// use stomp_wasm::client::{Client, Message, Publish};
///
/// fn forward(client: &Client, order: &Message) -> Result<(), stomp_wasm::client::Error> {
///     let tx = client.begin()?;
///     tx.publish(Publish::new("/queue/billing", order.body()))?;
///     tx.ack(order)?;
///     tx.commit() // both happen, or (dropped, or the connection lost) neither
/// }
/// ```
#[must_use = "a Transaction dropped without commit() is aborted"]
pub struct Transaction {
    client: Client,
    id: String,
    open: bool,
}

impl Transaction {
    pub(crate) fn new(client: Client, id: String) -> Transaction {
        Transaction {
            client,
            id,
            open: true,
        }
    }

    /// The transaction id (`tx-N`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Publishes within the transaction (as [`Client::publish`]; the broker delivers it on
    /// COMMIT).
    pub fn publish(&self, message: Publish) -> Result<Published, Error> {
        self.client.publish_in(message, Some(&self.id))
    }

    /// Acknowledges a message within the transaction.
    pub fn ack(&self, message: &Message) -> Result<(), Error> {
        self.client.acknowledge(true, message, &self.headers())
    }

    /// Rejects a message within the transaction.
    pub fn nack(&self, message: &Message) -> Result<(), Error> {
        self.client.acknowledge(false, message, &self.headers())
    }

    /// COMMIT. Fails if the transaction is gone (the connection ended since BEGIN: the broker
    /// aborted it).
    pub fn commit(mut self) -> Result<(), Error> {
        self.end(true)
    }

    /// ABORT.
    pub fn abort(mut self) -> Result<(), Error> {
        self.end(false)
    }

    fn headers(&self) -> Headers {
        Headers::new().with("transaction", &self.id)
    }

    fn end(&mut self, commit: bool) -> Result<(), Error> {
        if !core::mem::replace(&mut self.open, false) {
            return Ok(());
        }
        self.client
            .inner
            .driver
            .end_transaction(commit, &self.id, &Headers::new())
            .map_err(Error::from)
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        let _ = self.end(false);
    }
}

impl core::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transaction")
            .field("id", &self.id)
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}
