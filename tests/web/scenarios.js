// Browser scenarios for the real Client against RabbitMQ Web-STOMP on loopback. Each export takes
// `make(options)` (which constructs a Client) and resolves when the scenario held, or throws an Error
// saying what did not. Driven from tests/web_browser.rs (wasm-pack test --headless --chrome).

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

async function negotiatesAndRoundTripsTextScenario(make) {
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

async function binaryBodyWithNulsRoundTripsScenario(make) {
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

async function oneMebibyteBodyRoundTripsScenario(make) {
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

async function clientIndividualAckAndNackRedeliversScenario(make) {
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
  await sleep(700);
  same(received.items.length, 2, 'deliveries after ACK');
  await client.deactivate();
}

async function transactionCommitDeliversAbortDoesNotScenario(make) {
  const client = await connect(make);
  const destination = `/queue/${unique('tx')}`;
  const received = inbox();
  client.subscribe(destination, (message) => received.push(message.body));
  const committed = client.begin();
  await client.publish({ destination, body: 'committed', headers: { transaction: committed.id } });
  await sleep(300);
  same(received.items.length, 0, 'messages delivered before COMMIT');
  committed.commit();
  const aborted = client.begin('my-tx');
  same(aborted.id, 'my-tx', 'given transaction id');
  await client.publish({ destination, body: 'aborted', headers: { transaction: aborted.id } });
  aborted.abort();
  await client.publish({ destination, body: 'after' });
  await received.waitFor(2, 5000, 'the committed message and the one after');
  await sleep(500);
  same(received.items.join('|'), 'committed|after', 'delivered bodies');
  await client.deactivate();
}

async function publishWithReceiptResolvesScenario(make) {
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

async function receiptThatNeverComesRejectsAfterTimeoutScenario(make) {
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

async function errorOnInvalidDestinationReachesOnStompErrorScenario(make) {
  const client = await connect(make);
  const errors = inbox();
  client.onStompError = (frame) => errors.push(frame);
  client.publish({ destination: '/no-such-kind/x', body: 'x' });
  const [frame] = await errors.waitFor(1, 5000, 'onStompError');
  same(frame.command, 'ERROR', 'command');
  check(/destination/i.test(frame.headers.message), `message header: ${frame.headers.message}`);
  await client.deactivate({ force: true });
}

async function heartbeatsFlowBothWaysAtOneSecondScenario(make) {
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
  await sleep(5500);
  const sent = socket.sent.filter((data) => data === '\n').length - sentBefore;
  check(beats.items.length >= 3, `heart-beats received in 5.5 s: ${beats.items.length}`);
  check(sent >= 3, `heart-beats sent in 5.5 s: ${sent}`);
  same(closes.items.length, 0, 'socket closes while heart-beating');
  same(client.connected, true, 'still connected');
  await client.deactivate();
}

async function brokerCloseReconnectsRestoresSubscriptionsDeliversOnceScenario(make) {
  const destination = `/queue/${unique('outage')}`;
  const received = inbox();
  const client = await connect(make);
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
  await sleep(700);
  const bodies = received.items.map((message) => message.body).sort();
  same(bodies.join('|'), ['before', 'during the outage', 'from another client'].sort().join('|'), 'bodies, each once');
  for (const message of received.items) {
    same(message.headers.subscription, subscription.id, 'subscription id after reconnect');
  }
  await client.deactivate();
}

async function deactivateSettlesWhenTheBrokerNeverAnswersScenario(make) {
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

async function workerTimerKeepsHeartbeatsScenario(make) {
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

async function onlineEventReconnectsAtOnceScenario(make) {
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

async function beforeConnectMayRefreshCredentialsScenario(make) {
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

async function failoverMovesToTheNextUrlScenario(make) {
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

async function reconnectAttemptsRunOutIntoFailedScenario(make) {
  const client = make({ brokerURL: 'ws://127.0.0.1:9/ws', reconnectDelay: 50, maxReconnectAttempts: 2 });
  const attempts = [];
  client.on('reconnectScheduled', (detail) => attempts.push(detail.attempt));
  const failed = new Promise((resolve) => client.on('reconnectFailed', resolve));
  client.activate();
  const detail = await within(failed, 10000, 'reconnectFailed');
  same(detail.attempts, 2, 'attempts');
  same(attempts.join(','), '1,2', 'scheduled attempts');
  same(client.connectionState, 'failed', 'connectionState');
  same(client.state, 2, 'state (ActivationState.INACTIVE)');
  same(client.active, false, 'active');
  await within(client.deactivate(), 1000, 'deactivate from failed');
}

async function debugRedactsCredentialsAndCallbacksCannotBreakTheClientScenario(make) {
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

// wasm-bindgen-test runs these scenarios concurrently. The ones that close every broker connection
// (close-all) would break the others' connections, so they run alone: a readers-writer lock.
const lock = { readers: 0, writer: false, writersWaiting: 0, wakers: [] };

async function guarded(exclusive, scenario) {
  if (exclusive) lock.writersWaiting += 1;
  for (;;) {
    const free = exclusive ? !lock.writer && lock.readers === 0 : !lock.writer && lock.writersWaiting === 0;
    if (free) break;
    await new Promise((wake) => lock.wakers.push(wake));
  }
  if (exclusive) {
    lock.writersWaiting -= 1;
    lock.writer = true;
  } else {
    lock.readers += 1;
  }
  try {
    return await scenario();
  } finally {
    if (exclusive) lock.writer = false;
    else lock.readers -= 1;
    for (const wake of lock.wakers.splice(0)) wake();
  }
}

export const negotiatesAndRoundTripsText = (make) => guarded(false, () => negotiatesAndRoundTripsTextScenario(make));
export const binaryBodyWithNulsRoundTrips = (make) => guarded(false, () => binaryBodyWithNulsRoundTripsScenario(make));
export const oneMebibyteBodyRoundTrips = (make) => guarded(false, () => oneMebibyteBodyRoundTripsScenario(make));
export const clientIndividualAckAndNackRedelivers = (make) => guarded(false, () => clientIndividualAckAndNackRedeliversScenario(make));
export const transactionCommitDeliversAbortDoesNot = (make) => guarded(false, () => transactionCommitDeliversAbortDoesNotScenario(make));
export const publishWithReceiptResolves = (make) => guarded(false, () => publishWithReceiptResolvesScenario(make));
export const receiptThatNeverComesRejectsAfterTimeout = (make) => guarded(false, () => receiptThatNeverComesRejectsAfterTimeoutScenario(make));
export const errorOnInvalidDestinationReachesOnStompError = (make) => guarded(false, () => errorOnInvalidDestinationReachesOnStompErrorScenario(make));
export const heartbeatsFlowBothWaysAtOneSecond = (make) => guarded(false, () => heartbeatsFlowBothWaysAtOneSecondScenario(make));
export const brokerCloseReconnectsRestoresSubscriptionsDeliversOnce = (make) => guarded(true, () => brokerCloseReconnectsRestoresSubscriptionsDeliversOnceScenario(make));
export const deactivateSettlesWhenTheBrokerNeverAnswers = (make) => guarded(false, () => deactivateSettlesWhenTheBrokerNeverAnswersScenario(make));
export const workerTimerKeepsHeartbeats = (make) => guarded(false, () => workerTimerKeepsHeartbeatsScenario(make));
export const onlineEventReconnectsAtOnce = (make) => guarded(true, () => onlineEventReconnectsAtOnceScenario(make));
export const beforeConnectMayRefreshCredentials = (make) => guarded(false, () => beforeConnectMayRefreshCredentialsScenario(make));
export const failoverMovesToTheNextUrl = (make) => guarded(false, () => failoverMovesToTheNextUrlScenario(make));
export const reconnectAttemptsRunOutIntoFailed = (make) => guarded(false, () => reconnectAttemptsRunOutIntoFailedScenario(make));
export const debugRedactsCredentialsAndCallbacksCannotBreakTheClient = (make) => guarded(false, () => debugRedactsCredentialsAndCallbacksCannotBreakTheClientScenario(make));
