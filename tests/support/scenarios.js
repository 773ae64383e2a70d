// Browser scenarios for the package's Client against RabbitMQ Web-STOMP on loopback. Each export takes
// `make(options)` (which constructs a Client) and resolves when the scenario held, or throws an Error
// saying what did not. Driven from tests/js/browser.test.mjs (a headless Chromium page per scenario,
// through pkg/web), which runs one scenario at a time, so the scenarios that close every broker
// connection (close-all) need no lock against the others.
//
// "Nothing more arrived" is never checked by waiting a while: a marker published behind the messages
// that count arrives after them (one queue, one publisher), so once it is in, anything else that was
// going to arrive has.

const BROKER = 'ws://127.0.0.1:15674/ws';
const CONTROL = 'http://127.0.0.1:15680';
const LOGIN = { login: 'guest', passcode: 'guest' };
let counter = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${counter++}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function within(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function same(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Collects values and waits for a count of them. */
function inbox() {
  const items = [];
  const waiters = [];
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of waiters.splice(0)) if (!waiter()) waiters.push(waiter);
    },
    waitFor(count, ms, what) {
      return within(
        new Promise((resolve) => {
          const done = () => (items.length >= count ? (resolve(items), true) : false);
          if (!done()) waiters.push(done);
        }),
        ms,
        what,
      );
    },
  };
}

async function connect(make, options = {}) {
  const client = make({ brokerURL: BROKER, connectHeaders: LOGIN, reconnectDelay: 200, ...options });
  const ready = new Promise((resolve, reject) => {
    client.on('connect', resolve);
    client.on('connectFailed', (detail) => reject(new Error(`connect failed: ${detail.reason}`)));
  });
  client.activate();
  await within(ready, 10000, 'CONNECTED');
  return client;
}

/**
 * A WebSocket-like wrapper (for webSocketFactory) that records what is sent and can drop incoming
 * messages (`keepIncoming(text)`) and the close event (`keepClose()`).
 */
function wrappedSocket(keepIncoming = () => true, keepClose = () => true) {
  const socket = new WebSocket(BROKER, ['v12.stomp', 'v11.stomp', 'v10.stomp']);
  socket.binaryType = 'arraybuffer';
  const wrapper = {
    sent: [],
    readyState: 0,
    binaryType: 'arraybuffer',
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send(data) {
      wrapper.sent.push(data);
      socket.send(data);
    },
    close(code, reason) {
      socket.close(code, reason);
    },
  };
  socket.onopen = (event) => {
    wrapper.readyState = 1;
    wrapper.onopen?.(event);
  };
  socket.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data);
    if (keepIncoming(text)) wrapper.onmessage?.({ data: event.data });
  };
  socket.onclose = (event) => {
    wrapper.readyState = 3;
    if (keepClose()) wrapper.onclose?.(event);
  };
  socket.onerror = (event) => wrapper.onerror?.(event);
  return wrapper;
}

export async function negotiatesAndRoundTripsText(make) {
  const client = await connect(make);
  same(client.connectedVersion, '1.2', 'negotiated version');
  same(client.connected, true, 'connected');
  same(client.serverHeaders.version, '1.2', 'CONNECTED version header');
  const destination = `/topic/${unique('text')}`;
  const received = inbox();
  const subscription = client.subscribe(destination, (message) => received.push(message));
  const body = '你好 👋 — 中文, emoji 🎉, accents é';
  await client.publish({ destination, body, headers: { 'content-type': 'text/plain' } });
  const [message] = await received.waitFor(1, 5000, 'the message');
  same(message.command, 'MESSAGE', 'command');
  same(message.body, body, 'body');
  same(message.isBinaryBody, false, 'isBinaryBody');
  same(message.headers.destination, destination, 'destination header');
  same(message.headers.subscription, subscription.id, 'subscription header');
  same(message.headers['content-type'], 'text/plain', 'content-type header');
  await client.deactivate();
  same(client.active, false, 'active after deactivate');
}

export async function binaryBodyWithNulsRoundTrips(make) {
  const client = await connect(make);
  const destination = `/topic/${unique('binary')}`;
  const received = inbox();
  client.subscribe(destination, (message) => received.push(message));
  const bytes = new Uint8Array([0, 1, 2, 0, 255, 254, 0, 10, 13, 0]);
  await client.publish({ destination, binaryBody: bytes });
  const [message] = await received.waitFor(1, 5000, 'the binary message');
  same(message.isBinaryBody, true, 'isBinaryBody');
  same(Array.from(message.binaryBody).join(','), Array.from(bytes).join(','), 'binaryBody');
  same(message.headers['content-length'], String(bytes.length), 'content-length');
  await client.deactivate();
}

export async function oneMebibyteBodyRoundTrips(make) {
  const client = await connect(make);
  const destination = `/topic/${unique('large')}`;
  const received = inbox();
  client.subscribe(destination, (message) => received.push(message));
  const unit = '大消息 large message 🚀 ';
  const unitBytes = new TextEncoder().encode(unit).length;
  const body = unit.repeat(Math.ceil((1 << 20) / unitBytes));
  const length = new TextEncoder().encode(body).length;
  check(length >= 1 << 20, `body is ${length} bytes`);
  await client.publish({ destination, body });
  const [message] = await received.waitFor(1, 15000, 'the 1 MiB message');
  same(message.headers['content-length'], String(length), 'content-length');
  same(message.body.length, body.length, 'body length in UTF-16 units');
  check(message.body === body, 'body differs');
  await client.deactivate();
}

export async function clientIndividualAckAndNackRedelivers(make) {
  const client = await connect(make);
  const destination = `/queue/${unique('acks')}`;
  const received = inbox();
  client.subscribe(destination, (message) => received.push(message), { ack: 'client-individual' });
  await client.publish({ destination, body: 'please nack me once' });
  const [first] = await received.waitFor(1, 5000, 'the first delivery');
  same(first.headers.redelivered, 'false', 'first delivery redelivered header');
  check(first.headers.ack, 'a 1.2 MESSAGE in client-individual mode carries an ack header');
  first.nack();
  const [, second] = await received.waitFor(2, 5000, 'the redelivery after NACK');
  same(second.body, 'please nack me once', 'redelivered body');
  same(second.headers.redelivered, 'true', 'redelivered header');
  second.ack();
  // Had the ACK not taken, the message would still be unacknowledged, and be delivered again to the
  // next consumer of the queue once this one is gone; a marker queued behind it shows it is not.
  await client.publish({ destination, body: 'marker', receipt: true });
  const [, , marker] = await received.waitFor(3, 5000, 'the marker');
  marker.ack();
  await client.deactivate();
  const next = await connect(make);
  const again = inbox();
  next.subscribe(destination, (message) => again.push(message.body));
  await next.publish({ destination, body: 'second marker', receipt: true });
  await again.waitFor(1, 5000, 'the second marker');
  same(again.items.join('|'), 'second marker', 'deliveries to the next consumer (the ACKed message is gone)');
  same(received.items.length, 3, 'deliveries to the first consumer');
  await next.deactivate();
}

export async function transactionCommitDeliversAbortDoesNot(make) {
  const client = await connect(make);
  const destination = `/queue/${unique('tx')}`;
  const received = inbox();
  client.subscribe(destination, (message) => received.push(message.body));
  const committed = client.begin();
  await client.publish({ destination, body: 'committed', headers: { transaction: committed.id } });
  // Outside the transaction, behind the transactional SEND: had that one been delivered at once, it
  // would arrive before this.
  await client.publish({ destination, body: 'before commit', receipt: true });
  await received.waitFor(1, 5000, 'the message sent outside the transaction');
  same(received.items.join('|'), 'before commit', 'messages delivered before COMMIT');
  committed.commit();
  const aborted = client.begin('my-tx');
  same(aborted.id, 'my-tx', 'given transaction id');
  await client.publish({ destination, body: 'aborted', headers: { transaction: aborted.id } });
  aborted.abort();
  await client.publish({ destination, body: 'after' });
  await received.waitFor(3, 5000, 'the committed message and the one after');
  same(received.items.join('|'), 'before commit|committed|after', 'delivered bodies (the aborted one would be before "after")');
  await client.deactivate();
}

export async function publishWithReceiptResolves(make) {
  const client = await connect(make);
  const receipt = await within(
    client.publish({ destination: `/topic/${unique('receipt')}`, body: 'r', receipt: true }),
    5000,
    'the RECEIPT',
  );
  same(receipt.command, 'RECEIPT', 'settled with');
  check(receipt.headers['receipt-id'], 'RECEIPT has a receipt-id');
  let watched = null;
  client.watchForReceipt('my-receipt', (frame) => (watched = frame));
  await client.publish({ destination: `/topic/${unique('receipt')}`, body: 'w', headers: { receipt: 'my-receipt' } });
  await within(
    (async () => {
      while (!watched) await sleep(20);
    })(),
    5000,
    'watchForReceipt',
  );
  same(watched.headers['receipt-id'], 'my-receipt', 'watched receipt id');
  await client.deactivate();
}

export async function receiptThatNeverComesRejectsAfterTimeout(make) {
  const client = await connect(make, {
    receiptTimeout: 800,
    webSocketFactory: () => wrappedSocket((text) => !text.startsWith('RECEIPT')),
  });
  const started = Date.now();
  let error = null;
  try {
    await within(client.publish({ destination: `/topic/${unique('lost')}`, body: 'x', receipt: true }), 5000, 'rejection');
  } catch (e) {
    error = e;
  }
  check(error && /timed out/.test(error.message), `expected a receipt timeout, got ${error && error.message}`);
  check(Date.now() - started >= 700, 'rejected before receiptTimeout');
  await client.deactivate({ force: true });
}

export async function errorOnInvalidDestinationReachesOnStompError(make) {
  const client = await connect(make);
  const errors = inbox();
  client.onStompError = (frame) => errors.push(frame);
  // The SEND the broker refuses: its Promise settles (no receipt was asked for, so it resolves once
  // written), and the ERROR comes to onStompError.
  await within(client.publish({ destination: '/no-such-kind/x', body: 'x' }), 5000, 'the publish to settle');
  const [frame] = await errors.waitFor(1, 5000, 'onStompError');
  same(frame.command, 'ERROR', 'command');
  check(/destination/i.test(frame.headers.message), `message header: ${frame.headers.message}`);
  await client.deactivate({ force: true });
}

export async function heartbeatsFlowBothWaysAtOneSecond(make) {
  let socket = null;
  const closes = inbox();
  const beats = inbox();
  const client = await connect(make, {
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    webSocketFactory: () => (socket = wrappedSocket()),
  });
  client.onHeartbeatReceived = () => beats.push(Date.now());
  client.onWebSocketClose = (event) => closes.push(event);
  const sentBefore = socket.sent.filter((data) => data === '\n').length;
  const beatsSent = () => socket.sent.filter((data) => data === '\n').length - sentBefore;
  // Three each way (at 1 s, with the broker's and the client's timers, well within 10 s).
  await beats.waitFor(3, 10000, 'three heart-beats from the broker');
  await within((async () => {
    while (beatsSent() < 3) await sleep(50);
  })(), 10000, `three heart-beats from the client (${beatsSent()} so far)`);
  same(closes.items.length, 0, 'socket closes while heart-beating');
  same(client.connected, true, 'still connected');
  await client.deactivate();
}

export async function brokerCloseReconnectsRestoresSubscriptionsDeliversOnce(make) {
  const destination = `/queue/${unique('outage')}`;
  const received = inbox();
  // keepSubscriptions: made while connected, the subscription is restored too (by default it lasts
  // for its connection, as stompjs's; one made before connecting is always restored).
  const client = await connect(make, { keepSubscriptions: true });
  const closes = inbox();
  client.onWebSocketClose = (event) => closes.push(event);
  const subscription = client.subscribe(destination, (message) => received.push(message));
  await client.publish({ destination, body: 'before', receipt: true });
  await received.waitFor(1, 5000, 'the message before the outage');

  const reconnected = new Promise((resolve) => client.on('connect', resolve));
  const closed = closes.waitFor(1, 10000, 'the broker-side close');
  const response = await fetch(`${CONTROL}/close-all`, { method: 'POST' });
  same(response.status, 200, `close-all: ${await response.text()}`);
  await closed;
  // Published while the connection is down: queued, flushed after the re-SUBSCRIBE.
  check(!client.connected, 'still connected after close-all');
  const queued = client.publish({ destination, body: 'during the outage' });
  const other = await connect(make);
  await other.publish({ destination, body: 'from another client', receipt: true });
  await other.deactivate();
  await queued;
  await within(reconnected, 10000, 'the reconnect');
  await received.waitFor(3, 5000, 'the messages from the outage');
  // Anything delivered twice would come before a marker queued behind everything.
  await client.publish({ destination, body: 'marker', receipt: true });
  await received.waitFor(4, 5000, 'the marker');
  const bodies = received.items.map((message) => message.body).sort();
  same(bodies.join('|'), ['before', 'during the outage', 'from another client', 'marker'].sort().join('|'), 'bodies, each once');
  for (const message of received.items) {
    same(message.headers.subscription, subscription.id, 'subscription id after reconnect');
  }
  await client.deactivate();
}

export async function deactivateSettlesWhenTheBrokerNeverAnswers(make) {
  let connected = false;
  const client = await connect(make, {
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    disconnectTimeout: 1000,
    // After CONNECTED the broker is a black hole: no RECEIPT, and no close event either (RabbitMQ
    // answers DISCONNECT by closing the socket).
    webSocketFactory: () =>
      wrappedSocket(
        (text) => {
          if (connected) return false;
          connected = text.startsWith('CONNECTED');
          return true;
        },
        () => !connected,
      ),
  });
  const started = Date.now();
  await within(client.deactivate(), 5000, 'deactivate to settle');
  const elapsed = Date.now() - started;
  check(elapsed >= 900, `deactivate settled after ${elapsed} ms, before the DISCONNECT receipt could time out`);
  same(client.active, false, 'active');
  same(client.connectionState, 'inactive', 'connectionState');
}

export async function workerTimerKeepsHeartbeats(make) {
  const beats = inbox();
  const notes = [];
  const client = await connect(make, {
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    heartbeatStrategy: 'worker',
    debug: (note) => notes.push(note),
  });
  client.onHeartbeatReceived = () => beats.push(Date.now());
  same(client.usesWorkerTimer, true, `worker timer in use (debug: ${notes.filter((n) => /worker/.test(n))})`);
  await beats.waitFor(2, 4000, 'heart-beats with the worker timer');
  same(client.connected, true, 'connected');
  await client.deactivate();
}

export async function onlineEventReconnectsAtOnce(make) {
  const client = await connect(make, { reconnectDelay: 60000 });
  const scheduled = new Promise((resolve) => client.on('reconnectScheduled', resolve));
  const reconnected = new Promise((resolve) => client.on('connect', resolve));
  const response = await fetch(`${CONTROL}/close-all`, { method: 'POST' });
  same(response.status, 200, 'close-all');
  const detail = await within(scheduled, 10000, 'the reconnect to be scheduled');
  same(detail.delay, 60000, 'scheduled delay');
  same(client.connectionState, 'reconnecting', 'state while waiting');
  window.dispatchEvent(new Event('online'));
  await within(reconnected, 5000, "the reconnect on 'online' instead of after 60 s");
  await client.deactivate();
}

/**
 * activate() during deactivate() connects once the disconnect is over — with the page hooks installed
 * again (issue #11: it used to connect without them, so 'online' did nothing afterwards).
 */
export async function activateDuringDeactivateKeepsThePageHooks(make) {
  const client = await connect(make, { reconnectDelay: 60000 });
  let connects = 0;
  client.on('connect', () => { connects += 1; });
  const deactivated = client.deactivate();
  client.activate();
  await within(deactivated, 10000, 'the deactivate() Promise');
  const connected = new Promise((resolve) => { if (client.connected) resolve(); else client.on('connect', resolve); });
  await within(connected, 10000, 'the connection activate() asked for');
  same(connects, 1, 'connects once');
  const scheduled = new Promise((resolve) => client.on('reconnectScheduled', resolve));
  const reconnected = new Promise((resolve) => client.on('connect', resolve));
  const response = await fetch(`${CONTROL}/close-all`, { method: 'POST' });
  same(response.status, 200, 'close-all');
  await within(scheduled, 10000, 'the reconnect to be scheduled');
  window.dispatchEvent(new Event('online'));
  await within(reconnected, 5000, "the reconnect on 'online' (the hooks came back with activate())");
  await client.deactivate();
}

export async function beforeConnectMayRefreshCredentials(make) {
  let calls = 0;
  const client = await connect(make, {
    connectHeaders: { login: 'guest', passcode: 'expired' },
    beforeConnect: async (self) => {
      calls += 1;
      await sleep(50);
      self.configure({ connectHeaders: { login: 'guest', passcode: 'guest' } });
    },
  });
  same(calls, 1, 'beforeConnect calls');
  same(client.connected, true, 'connected with the refreshed passcode');
  await client.deactivate();
}

export async function failoverMovesToTheNextUrl(make) {
  const failures = [];
  const client = make({
    brokerURL: ['ws://127.0.0.1:9/ws', BROKER],
    connectHeaders: LOGIN,
    reconnectDelay: 100,
  });
  client.on('connectFailed', (detail) => failures.push(detail.reason));
  const ready = new Promise((resolve) => client.on('connect', resolve));
  client.activate();
  await within(ready, 10000, 'CONNECTED through the second URL');
  same(failures.length, 1, `failed attempts (${failures})`);
  await client.deactivate();
}

export async function reconnectAttemptsRunOutIntoFailed(make) {
  const client = make({ brokerURL: 'ws://127.0.0.1:9/ws', reconnectDelay: 50, maxReconnectAttempts: 2 });
  const attempts = [];
  client.on('reconnectScheduled', (detail) => attempts.push(detail.attempt));
  const failed = new Promise((resolve) => client.on('reconnectFailed', resolve));
  client.activate();
  const detail = await within(failed, 10000, 'reconnectFailed');
  same(detail.attempts, 2, 'attempts');
  same(attempts.join(','), '1,2', 'scheduled attempts');
  same(client.connectionState, 'failed', 'connectionState');
  // Still active (as stompjs keeps a client that stopped reconnecting), until deactivate().
  same(client.state, 0, 'state (ActivationState.ACTIVE)');
  same(client.active, true, 'active');
  await within(client.deactivate(), 1000, 'deactivate from failed');
  same(client.state, 2, 'state (ActivationState.INACTIVE) after deactivate()');
}

export async function debugRedactsCredentialsAndCallbacksCannotBreakTheClient(make) {
  const notes = [];
  const destination = `/topic/${unique('throws')}`;
  const received = inbox();
  let self = null;
  const client = await connect(make, {
    connectHeaders: { login: 'guest', passcode: 'guest', Authorization: 'Bearer secret-token' },
    // A hook that reads the client while it logs must not upset it.
    debug: (note) => notes.push(`${self ? self.connectionState : 'new'}: ${note}`),
    onConnect: () => {
      throw new Error('user bug in onConnect');
    },
  });
  self = client;
  client.subscribe(destination, (message) => {
    received.push(message.body);
    throw new Error('user bug in a subscription');
  });
  await client.publish({ destination, body: 'one' });
  await client.publish({ destination, body: 'two' });
  await received.waitFor(2, 5000, 'both messages despite throwing callbacks');
  const log = notes.join('\n');
  check(/passcode:\[redacted\]/.test(log), 'the CONNECT line shows passcode:[redacted]');
  check(/Authorization:\[redacted\]/.test(log), 'the CONNECT line shows Authorization:[redacted]');
  check(!/secret-token/.test(log) && !/passcode:guest/.test(log), 'a credential reached debug');
  check(/onConnect callback threw: .*user bug in onConnect/.test(log), 'the onConnect throw is reported');
  check(/subscription callback threw: .*user bug in a subscription/.test(log), 'the subscription throw is reported');
  check(/connected: >>> SEND/.test(log), 'the debug hook read the client state while frames were logged');
  await client.deactivate();
}
