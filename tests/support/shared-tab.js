// One tab of the shared-mode tests (tests/js/shared*.test.mjs): `window.T` drives a stomp-wasm/shared
// Client for the test through page.evaluate, and records what the application would see — its
// events, the messages of each subscription, the debug lines. Loaded by the tab page as a module.
import init, { Client } from '/pkg/web/shared.js';

const EVENTS = ['connect', 'disconnect', 'webSocketClose', 'webSocketError', 'state', 'changeState', 'sharing', 'stompError', 'heartbeatReceived',
  'heartbeatLost', 'unhandledReceipt', 'unhandledMessage', 'receiptFailed', 'transactionsAborted', 'subscriptionLost', 'queueDiscarded',
  'connectFailed', 'reconnectScheduled'];

function summary(args) {
  const a = args[0];
  if (a && typeof a === 'object' && 'command' in a) return { command: a.command, headers: a.headers };
  if (a && typeof a === 'object' && 'type' in a) return { type: a.type, code: a.code, reason: a.reason };
  return a;
}

const T = {
  client: null,
  events: [],
  counts: {},
  got: {},
  log: [],
  async start(options) {
    await init();
    const client = new Client(Object.assign({}, options, {
      debug: function (line) {
        T.log.push(line);
        if (T.log.length > 4000) T.log.splice(0, 2000);
      },
    }));
    EVENTS.forEach(function (name) {
      client.on(name, function () {
        T.counts[name] = (T.counts[name] || 0) + 1;
        if (name !== 'heartbeatReceived') T.events.push({ name: name, at: Date.now(), detail: summary(Array.from(arguments)) });
      });
    });
    T.client = client;
    return client;
  },
  /** Subscribes, recording bodies (and message-ids) under `key`; `ack`: ack each message in the callback. */
  subscribe(key, destination, headers, ack) {
    const list = T.got[key] || (T.got[key] = []);
    const sub = T.client.subscribe(destination, function (message) {
      list.push({ body: message.body, id: message.headers['message-id'], sub: message.headers.subscription, dedup: message.headers['dedup-id'] });
      if (ack) list[list.length - 1].acked = message.ack();
    }, headers);
    return sub.id;
  },
  connected() {
    return !!(T.client && T.client.connected);
  },
  eventsNamed(name) {
    return T.events.filter(function (e) {
      return e.name === name;
    });
  },
};
window.T = T;
window.__tabReady = true;
