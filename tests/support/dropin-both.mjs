// Running one scenario through both clients: the package's `Client` and @stomp/stompjs 7.5's (the oracle
// for "as stompjs"), in the same runtime (a Node child or a Chromium page, see run-check.mjs), against the
// same broker. A scenario is written once against stompjs's API (options and `on*` callbacks as
// properties), gets `make(options)` and the client's name, and returns what it observed; the check
// compares the two observations. Environment-neutral (no Node imports).
import { expect, until, within } from './client-watch.mjs';

/** RabbitMQ Web-STOMP on loopback (scripts/broker), guest/guest. */
export const RABBITMQ = 'ws://127.0.0.1:15674/ws';
export const CREDENTIALS = Object.freeze({ login: 'guest', passcode: 'guest' });

/** @stomp/stompjs's ES module: from node_modules in Node, served by the check server in Chromium. */
export function loadStompjs(env) {
  return env.platform === 'node' ? import('@stomp/stompjs') : import('/node_modules/@stomp/stompjs/esm6/index.js');
}

/** Options every client of a RabbitMQ scenario starts from: credentials, no heart-beats, no reconnect. */
export function rabbitOptions(options = {}) {
  return {
    brokerURL: RABBITMQ,
    connectHeaders: { ...CREDENTIALS },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    ...options,
  };
}

/**
 * Debug lines of the clients a scenario makes (the runner prints the last ones when a check fails).
 * `lines(name)` are one client's; `debug(name)` is the `debug` option that records them.
 */
export class DebugLog {
  constructor() {
    this.byName = {};
    this.all = [];
    globalThis.__stompWatch = {
      debugLines: this.all,
      summary: () => Object.keys(this.byName).map((n) => `${n}: ${this.byName[n].length} debug lines`).join(', '),
    };
  }

  debug(name) {
    const list = (this.byName[name] = this.byName[name] || []);
    return (line) => {
      const text = String(line);
      list.push(text);
      if (list.length > 5000) list.shift(); // a 20,000-publish loop logs every frame
      this.all.push(`[${name}] ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
      if (this.all.length > 400) this.all.shift();
    };
  }

  lines(name) {
    return this.byName[name] || [];
  }
}

/**
 * Runs `scenario({ make, name, stompjs, log })` once with each client (ours first, then stompjs's, one
 * after the other) and resolves to `{ ours, stompjs }`, what each run returned. `make(options)` builds
 * that client with `debug` recording into `log` under the client's name (unless options set one); every
 * client made is force-deactivated after its run, whatever happened.
 */
export async function both(env, scenario) {
  const stompjs = await loadStompjs(env);
  const log = new DebugLog();
  const results = {};
  for (const [name, Client] of [['ours', env.Client], ['stompjs', stompjs.Client]]) {
    const made = [];
    const make = (options = {}) => {
      const client = new Client({ debug: log.debug(name), ...options });
      made.push(client);
      return client;
    };
    try {
      results[name] = await scenario({ make, name, stompjs, env, log });
    } catch (error) {
      // Which client failed leads the message (and the stack the runner prints).
      const named = new Error(`${name}: ${error && error.message}`);
      named.stack = `${named.message}\n${error && error.stack}`;
      throw named;
    } finally {
      for (const client of made) {
        await within(Promise.resolve(client.deactivate({ force: true })), 5000, `${name}: deactivate({ force: true })`).catch(() => {});
      }
    }
  }
  return results;
}

/** Resolves on the client's next `onConnect` (the callback is chained, not replaced). */
export function nextConnect(client, timeout = 10000) {
  return within(new Promise((resolve) => {
    const previous = client.onConnect;
    client.onConnect = function (frame) {
      client.onConnect = previous;
      try {
        if (typeof previous === 'function') previous.call(this, frame);
      } finally {
        resolve(frame);
      }
    };
  }), timeout, 'onConnect');
}

/** Activates `client` and resolves once it is connected. */
export async function connect(client, timeout = 10000) {
  const connected = nextConnect(client, timeout);
  client.activate();
  return connected;
}

/** Whether two observations are the same (JSON equality), with both in the message when not. */
export function expectSame(ours, theirs, what) {
  const a = JSON.stringify(ours);
  const b = JSON.stringify(theirs);
  expect(a === b, `${what}: ours ${a}, stompjs ${b}`);
}

/** Whether an observation is the expected one (JSON equality), with both in the message when not. */
export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  expect(a === b, `${what}: observed ${a}, expected ${b}`);
}

/**
 * A consumer on RabbitMQ (a stompjs client: the oracle, never the client under test) subscribed to
 * `destination` once `ready` resolves (the broker's RECEIPT for the SUBSCRIBE); `received` are the
 * messages, `close()` disconnects it.
 */
export async function rabbitConsumer(stompjs, destination, headers = {}) {
  const client = new stompjs.Client(rabbitOptions());
  const received = [];
  let failure = null;
  client.onStompError = (frame) => { failure = `ERROR ${frame.headers.message}`; };
  client.onWebSocketClose = (event) => {
    // Not the client under test: RabbitMQ, or another test closing every broker connection.
    failure = failure || `the consumer's socket closed (code ${event && event.code}): closed by the broker side`;
  };
  const ready = new Promise((resolve) => {
    client.onConnect = () => {
      client.watchForReceipt('consumer-ready', resolve);
      client.subscribe(destination, (message) => received.push(message), { ...headers, receipt: 'consumer-ready' });
    };
  });
  client.activate();
  await within(ready, 10000, `the consumer's subscription to ${destination}`);
  return {
    received,
    failure: () => failure,
    close: () => client.deactivate(),
  };
}

/**
 * Waits until `count()` reaches `target`, or until it stops moving for `stallMs`; resolves to the last
 * count (the caller asserts it).
 */
export async function settleCount(count, target, stallMs = 10000, maxMs = 120000) {
  const start = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const now = count();
    if (now >= target) return now;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > stallMs || Date.now() - start > maxMs) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Calls `fn()` and reports how it ended: `{ threw: Error }` or `{ returned }`. */
export function outcomeOf(fn) {
  try {
    return { returned: fn() };
  } catch (error) {
    return { threw: error };
  }
}

export { expect, until, within };
