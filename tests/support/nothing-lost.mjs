// The two ends of an "is anything lost?" run (issue #14), shared by the broker-kill, cluster and soak
// tests: a producer that publishes numbered messages at-least-once with a bounded number in flight, and a
// tally on the consumer's side that counts distinct messages by the client's `dedup-id` header (and by
// the run's own `n` header, to name what is missing) and the duplicates at-least-once allows.

/** What a consumer saw: distinct messages, duplicates, and what of 0..count-1 is missing. */
export class Tally {
  constructor() {
    this.byDedupId = new Set();
    this.byNumber = new Set();
    this.deliveries = 0;
    this.withoutDedupId = 0;
    this.lastAt = Date.now();
  }

  /**
   * Records one MESSAGE (the consumer's callback calls this before acking it). Only the run's numbered
   * messages count; anything else (a marker sent to see that the queue exists) is passed over.
   */
  add(message) {
    const n = Number(message.headers.n);
    if (message.headers.n === undefined || !Number.isInteger(n)) return;
    this.deliveries += 1;
    this.lastAt = Date.now();
    const id = message.headers['dedup-id'];
    if (id === undefined) this.withoutDedupId += 1;
    else this.byDedupId.add(id);
    this.byNumber.add(n);
  }

  /** Distinct messages received (by dedup-id). */
  get distinct() {
    return this.byDedupId.size;
  }

  /** Deliveries beyond the first of each message. */
  get duplicates() {
    return this.deliveries - this.byDedupId.size - this.withoutDedupId;
  }

  /** The numbers in 0..count-1 never received (the first `limit` of them). */
  missing(count, limit = 20) {
    const out = [];
    for (let n = 0; n < count && out.length < limit; n++) if (!this.byNumber.has(n)) out.push(n);
    return out;
  }
}

/**
 * Publishes `count` messages `{n}` to `destination` with `delivery: 'at-least-once'`, at most `window`
 * unsettled at a time (a user's loop that waits for older publishes before adding more). `onSettled(n)`
 * runs after each one's RECEIPT. Resolves to `{receipted, rejected, firstRejection}` once every
 * publish() has settled.
 */
export async function produce(client, { destination, count, window = 100, body = (n) => `message ${n}`, headers = {}, onSettled = () => {} }) {
  let receipted = 0;
  let rejected = 0;
  let firstRejection = null;
  const inFlight = new Set();
  for (let n = 0; n < count; n++) {
    while (inFlight.size >= window) await Promise.race(inFlight);
    const promise = client.publish({ destination, body: body(n), headers: { ...headers, n: String(n) }, delivery: 'at-least-once' })
      .then(() => {
        receipted += 1;
        onSettled(n);
      }, (error) => {
        rejected += 1;
        firstRejection ??= `message ${n}: ${error && error.message || error}`;
      })
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
  }
  await Promise.all(inFlight);
  return { receipted, rejected, firstRejection };
}

/** `globalThis.WebSocket` replaced by a subclass that records the URL of every socket opened. */
export function recordSocketUrls() {
  const Original = globalThis.WebSocket;
  const urls = [];
  globalThis.WebSocket = class RecordingWebSocket extends Original {
    constructor(url, ...rest) {
      super(url, ...rest);
      urls.push(String(url));
    }
  };
  return { urls, restore() { globalThis.WebSocket = Original; } };
}
