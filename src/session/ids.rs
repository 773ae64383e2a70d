//! The one map type behind every id table of the session (receipts, subscription and transaction
//! ids, the receipts held by queued frames and unsent subscriptions): a B-tree from id to a number.
//! O(log n) lookups without `HashMap` (no random state, no std); and one type, so the B-tree code is
//! compiled once — each distinct `BTreeMap<K, V>` costs about 5 KB of wasm.

use alloc::collections::BTreeMap;
use alloc::string::String;

/// Ids, each with a number (a sequence number, or 0 when the table is a set).
pub(crate) type IdMap = BTreeMap<String, u64>;
