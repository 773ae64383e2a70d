// The wire between the wasm `ClientCore` (src/web/edge/mod.rs) and client.js: every number that crosses,
// in ONE table. scripts/gen-options.mjs writes the Rust side (src/web/edge/wire.rs) from it, and `make
// test` runs it with --check, so the two sides cannot drift. Written as ES2017.
//
// wasm → JS: `client._e(kind, a, b, n, m, x)` for an event, `client._f(kind, headers, body, extra, n)`
// for a received frame (headers as JSON, body a view of wasm memory valid during the call).
// JS → wasm: `ClientCore.command(client, op, a, b, c, d, n)` for every command but publish (→ the id for
// SUBSCRIBE and BEGIN; null when refused, the error then in `takeError()`), `ClientCore.publish(client,
// fields, body, length, flags)` → a status (or a ticket to wait on); errors as `CODE\0message` strings.

/** `_e` kinds; what each argument carries. */
export const EVENT = {
  STATE: 0, // a: the detailed state; n: the ActivationState
  RECEIPT_FAILED: 1, // a: receipt id; b: why; n: the publish's ticket (0: not a publish)
  CONNECT_FAILED: 2, // a: why
  HEARTBEAT_RECEIVED: 3,
  HEARTBEAT_LOST: 4,
  SOCKET_ERROR: 5, // a: message; b: 'protocol' when the broker's bytes broke the protocol
  SOCKET_CLOSED: 6, // a: reason; b: '1' when clean; n: code
  TRANSACTIONS_ABORTED: 7, // a: ids, NUL-separated
  QUEUE_DISCARDED: 8, // n: how many publishes were given up
  DISCONNECTED: 9, // n: 1 when the broker confirmed it
  RECONNECT_SCHEDULED: 10, // n: attempt; m: delay (ms); x: when (the client's clock, ms)
  RECONNECT_FAILED: 11, // n: attempts
  BEFORE_CONNECT: 12, // n: generation
  DEBUG: 13, // a: the line
  SUBSCRIPTION_LOST: 14, // a: id; b: why
  WRITTEN: 15, // n: the last ticket written (every waiting publish up to it is)
  SEND_FAILED: 16, // a: why; b: its receipt id; n: ticket; m: 1 when given up after being written
  SUBSCRIPTIONS_ENDED: 17, // a: ids, NUL-separated
  ACKS_DROPPED: 18, // n: how many
};

/** `_f` kinds; `n` is the connection (MESSAGE, CONNECTED, REFUSED_MESSAGE) or the ticket (RECEIPT). */
export const FRAME = {
  MESSAGE: 0,
  UNHANDLED_MESSAGE: 1,
  CONNECTED: 2, // extra: the version
  RECEIPT: 3, // extra: the receipt id
  UNHANDLED_RECEIPT: 4,
  ERROR: 5,
  CONNECT_ERROR: 6,
  UNHANDLED_FRAME: 7, // extra: the command
  REFUSED_MESSAGE: 8, // extra: the limit exceeded (its option name)
};

/**
 * `ClientCore.command` operations (one entry point: each export costs wasm and a glue method), the
 * lifecycle ones and the frame commands; what each reads of `a`, `b`, `c`, `d` (strings) and `n`.
 */
export const COMMAND = {
  ACTIVATE: 0,
  DEACTIVATE: 1,
  DEACTIVATE_FORCE: 2,
  FORCE_DISCONNECT: 3,
  RECONNECT_NOW: 4,
  SUBSCRIBE: 5, // a: destination; d: packed headers; n: 1 when it lasts for its connection only → the id
  UNSUBSCRIBE: 6, // a: id; d: packed headers
  ACK: 7, // a: the message's ack header ('' if none); b: message-id; c: subscription; d: packed headers; n: its connection (0: the current one)
  NACK: 8, // as ACK
  BEGIN: 9, // a: the id ('': the session makes one); d: packed headers → the id
  COMMIT: 10, // a: the id; d: packed headers
  ABORT: 11, // as COMMIT
};

/** `ClientCore.publish` flags. */
export const PUBLISH = {
  BINARY: 1, // the body is a Uint8Array
  SKIP_CONTENT_LENGTH: 2,
  AT_LEAST_ONCE: 4,
  RECEIPT: 8, // ask for a RECEIPT (receipt: true)
};

/** What `ClientCore.publish` returns besides a ticket (≥ 1: something to wait for). */
export const STATUS = {
  WRITTEN: 0, // written, nothing to wait for
  REFUSED: -1, // refused: the error waits in takeError()
};
