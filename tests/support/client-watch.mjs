// Watching a stomp-wasm Client through its public API only, the same way in Node and in a browser page:
// every event it emits (`client.on`), awaited conditions instead of sleeps, a message round trip, and the
// faults the runner saw (uncaught exceptions, unhandled rejections, panics; see run-check.mjs).

/** Every event name of `client.on` (pkg-src/README.md, "Events"). */
export const EVENTS = [
  'connect', 'disconnect', 'stompError', 'webSocketClose', 'webSocketError', 'unhandledMessage',
  'unhandledReceipt', 'unhandledFrame', 'changeState', 'heartbeatReceived', 'heartbeatLost', 'state',
  'reconnectScheduled', 'reconnectFailed', 'connectFailed', 'receiptFailed', 'queueDiscarded',
  'transactionsAborted', 'messageRefused',
];

/** Throws an Error with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Waits until `predicate()` (sync or async) is truthy, checking every 20 ms; throws after `timeoutMs`. */
export async function until(predicate, timeoutMs, label) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A Promise that rejects after `ms` with a message naming `label`, raced against `promise`. */
export function within(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The list of faults the runner recorded (uncaught errors, unhandled rejections, panics). */
export function faults() {
  return globalThis.__stompFaults || [];
}

/** Throws if the runner recorded any fault. */
export function expectNoFaults() {
  const seen = faults();
  expect(seen.length === 0, `uncaught errors, unhandled rejections or panics: ${JSON.stringify(seen)}`);
}

/** Records every event of `client` with its arguments, and the `debug` output given to it. */
export class Watch {
  constructor(client) {
    this.client = client;
    this.log = [];
    this.debugLines = [];
    // The runner reports the last watch's events and debug output when a check fails.
    globalThis.__stompWatch = this;
    for (const name of EVENTS) {
      client.on(name, (...args) => this.log.push({ name, at: Date.now(), args }));
    }
  }

  /** A `debug` option that keeps the last 300 lines (for failure messages). */
  debug() {
    return (line) => {
      this.debugLines.push(String(line));
      if (this.debugLines.length > 300) this.debugLines.shift();
    };
  }

  count(name) {
    return this.log.filter((entry) => entry.name === name).length;
  }

  /** The argument lists of every `name` event. */
  all(name) {
    return this.log.filter((entry) => entry.name === name).map((entry) => entry.args);
  }

  /** Waits for the `count`-th `name` event (the first by default); resolves to its arguments. */
  async next(name, { count = 1, timeout = 10000 } = {}) {
    await until(() => this.count(name) >= count, timeout, `event '${name}' #${count} (${this.summary()})`);
    return this.all(name)[count - 1];
  }

  /** `connect×2 webSocketClose×1 …` in first-seen order (heart-beats and states folded). */
  summary() {
    const counts = new Map();
    for (const { name } of this.log) counts.set(name, (counts.get(name) || 0) + 1);
    return [...counts].map(([name, n]) => (n > 1 ? `${name}×${n}` : name)).join(' ') || '(no events)';
  }

  /** The ordered event names, without the chatty ones. */
  sequence() {
    return this.log.map((e) => e.name).filter((n) => !['state', 'changeState', 'heartbeatReceived'].includes(n));
  }
}

/**
 * A client on `scenario` of the test broker (`env.broker`; its records keyed by `env.id`, plus `params`),
 * not activated, and its Watch: heart-beats off, then `options`; its `debug` goes to the watch unless
 * `options` sets one. Returns `{ client, watch }`.
 */
export function watchedClient(env, scenario, params, options = {}) {
  const client = new env.Client({
    brokerURL: env.broker.url(scenario, { id: env.id, ...params }),
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    ...options,
  });
  const watch = new Watch(client);
  if (!('debug' in options)) client.debug = watch.debug();
  return { client, watch };
}

let unique = 0;
/** A destination nobody else uses. */
export function freshDestination(prefix = '/queue/check') {
  unique += 1;
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${unique}`;
}

/**
 * Subscribes to a fresh destination, publishes `body` with a receipt, waits for both the RECEIPT and
 * the MESSAGE, unsubscribes; resolves to the message. Proves the client works end to end.
 */
export async function roundTrip(client, { body = 'round trip ✓ 你好', headers = {}, timeout = 10000 } = {}) {
  const destination = freshDestination('/queue/round-trip');
  let subscription;
  const received = new Promise((resolve) => {
    subscription = client.subscribe(destination, (message) => resolve(message));
  });
  const receipt = client.publish({ destination, body, headers, receipt: true });
  const [message] = await within(Promise.all([received, receipt]), timeout, `round trip on ${destination}`);
  subscription.unsubscribe();
  expect(message.body === body, `round trip: body ${JSON.stringify(message.body)}, sent ${JSON.stringify(body)}`);
  return message;
}

/** Deactivates and requires the Promise to settle. */
export async function shutdown(client, ms = 10000) {
  await within(client.deactivate(), ms, 'deactivate()');
}

/**
 * Counts calls of the global setTimeout and setInterval (which the client's glue looks up at each call)
 * from now until `stop()`; a timer that spins shows up as thousands of calls.
 */
export function countTimers() {
  const original = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval };
  const counts = { setTimeout: 0, setInterval: 0, maxDelay: 0 };
  globalThis.setTimeout = function (fn, delay, ...rest) {
    counts.setTimeout += 1;
    counts.maxDelay = Math.max(counts.maxDelay, Number(delay) || 0);
    return original.setTimeout.call(this, fn, delay, ...rest);
  };
  globalThis.setInterval = function (fn, delay, ...rest) {
    counts.setInterval += 1;
    return original.setInterval.call(this, fn, delay, ...rest);
  };
  return {
    counts,
    stop() {
      globalThis.setTimeout = original.setTimeout;
      globalThis.setInterval = original.setInterval;
      return counts;
    },
  };
}

/** Waits `ms` on purpose: only for "nothing may happen in this window" checks. */
export function quietWindow(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
