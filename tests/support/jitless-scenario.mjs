// Run by tests/js/jitless.test.mjs as `node --jitless tests/support/jitless-scenario.mjs RUN`: Node with
// no WebAssembly and every function interpreted (V8's Ignition only — the closest this machine gets to
// iOS, where apps may not JIT). The package is required as users require it (`require('stomp-wasm')`,
// here the built pkg/ directory): its default entry must find no WebAssembly and run the engine compiled to
// JavaScript (js/engine.js) by itself. Against the RabbitMQ test broker: connect, subscribe with a receipt,
// text and binary bodies, a receipted publish, at-least-once publishing, heart-beats both ways, a
// reconnect through forceDisconnect() that restores the subscription, deactivate. Prints `ok NAME` or
// `fail NAME :: why` per check and `done N failed` at the end.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectPeer, BROKER_URL } from './ws-peer.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const RUN = process.argv[2] ?? `${process.pid}`;
const LOGIN = { login: 'guest', passcode: 'guest' };
const failures = [];
const escaped = [];
process.on('uncaughtException', (error) => escaped.push(`uncaught: ${error && error.stack}`));
process.on('unhandledRejection', (error) => escaped.push(`unhandled rejection: ${error && error.stack}`));

const WebSocket = require(join(ROOT, 'node_modules', 'ws'));
const hadWebAssembly = typeof WebAssembly;
const lib = require(join(ROOT, 'pkg')); // package.json "main": node/stomp_wasm.js, the default entry
const { Client } = lib;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function fail(message) {
  throw new Error(message);
}
function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}
async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`fail ${name} :: ${String((error && error.stack) || error).replace(/\n/g, '\n   ')}`);
  }
}

/** `ws` with the heart-beats the client writes counted (a lone EOL is one). */
function countingSocket(counter) {
  return () => {
    const socket = new WebSocket(BROKER_URL, ['v12.stomp', 'v11.stomp', 'v10.stomp']);
    const send = socket.send.bind(socket);
    socket.send = (data, ...rest) => {
      if (data === '\n' || data === '\r\n') counter.beats++;
      return send(data, ...rest);
    };
    return socket;
  };
}

async function main() {
  const events = [];
  const messages = [];
  const count = (type) => events.filter((e) => e === type || e.startsWith(`${type} `)).length;
  const counter = { beats: 0 };
  const topic = `/topic/jitless-${RUN}`;
  const queue = `/queue/jitless-${RUN}`;
  const QUEUE_ARGS = { 'x-expires': '60000' };
  let client;

  await check('the default entry runs without WebAssembly: the engine compiled to JavaScript', () => {
    equal(hadWebAssembly, 'undefined', 'typeof WebAssembly under --jitless');
    const loaded = Object.keys(require.cache).map((file) => file.slice(ROOT.length));
    if (!loaded.includes('pkg/js/engine.js')) fail(`pkg/js/engine.js not loaded; loaded: ${loaded.filter((f) => f.startsWith('pkg/')).join(', ')}`);
    equal(lib.isInitialized(), true, 'isInitialized()');
  });

  await check('connect (heart-beats 1 s both ways)', async () => {
    client = new Client({
      webSocketFactory: countingSocket(counter),
      connectHeaders: LOGIN,
      heartbeatIncoming: 1000,
      heartbeatOutgoing: 1000,
      reconnectDelay: 200,
      keepSubscriptions: true, // subscriptions made while connected are restored after a reconnect
    });
    client.onConnect = (frame) => events.push(`connect ${frame.headers.version}`);
    client.onHeartbeatReceived = () => events.push('heartbeatReceived');
    client.onHeartbeatLost = () => events.push('heartbeatLost');
    client.onStompError = (frame) => events.push(`stompError ${frame.headers.message}`);
    client.activate();
    await until(() => count('connect') === 1, 10000, 'CONNECTED');
    equal(events[0], 'connect 1.2', 'negotiated');
  });

  await check('subscribe with a receipt', async () => {
    let receipt = null;
    client.watchForReceipt(`sub-${RUN}`, (frame) => {
      receipt = frame;
    });
    client.subscribe(topic, (message) => {
      messages.push({ body: message.isBinaryBody ? null : message.body, bytes: Array.from(message.binaryBody), binary: message.isBinaryBody });
    }, { receipt: `sub-${RUN}` });
    await until(() => receipt !== null, 5000, 'the RECEIPT for the SUBSCRIBE');
  });

  await check('text (Chinese and emoji) and binary bodies round-trip', async () => {
    const text = '无 WebAssembly 也能用 👋🏽 ✓';
    const bytes = [0, 1, 2, 0xff, 0xfe, 0xc3, 0x28, 0x80, 10, 0];
    await client.publish({ destination: topic, body: text });
    await client.publish({ destination: topic, binaryBody: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
    await until(() => messages.length === 2, 5000, 'both messages');
    equal([messages[0].body, messages[0].binary], [text, false], 'the text message');
    equal([messages[1].binary, messages[1].bytes], [true, bytes], 'the binary message');
  });

  await check('publish({ receipt: true }) resolves with the RECEIPT', async () => {
    const frame = await client.publish({ destination: topic, body: 'receipted', receipt: true });
    equal(frame.command, 'RECEIPT', 'what it resolved with');
    await until(() => messages.length === 3, 5000, 'the receipted message');
  });

  await check("delivery: 'at-least-once': 50 publishes, each settled by its RECEIPT, each received once with its dedup-id", async () => {
    const got = [];
    const received = client.subscribe(queue, (message) => {
      got.push({ body: message.body, dedup: message.headers['dedup-id'] });
      message.ack();
    }, { ack: 'client-individual', ...QUEUE_ARGS });
    const settled = await Promise.all(Array.from({ length: 50 }, (_, i) => client.publish({ destination: queue, body: `m${i}`, headers: QUEUE_ARGS, delivery: 'at-least-once' })));
    equal(settled.every((frame) => frame.command === 'RECEIPT'), true, 'every Promise resolved with a RECEIPT');
    await until(() => got.length >= 50, 10000, 'the 50 messages');
    equal(got.map((m) => m.body), Array.from({ length: 50 }, (_, i) => `m${i}`), 'in order, once each');
    equal(new Set(got.map((m) => m.dedup)).size, 50, 'distinct dedup-ids');
    received.unsubscribe();
  });

  await check('heart-beats both ways (1 s)', async () => {
    const beatsBefore = counter.beats;
    const seenBefore = count('heartbeatReceived');
    await sleep(3500);
    if (counter.beats - beatsBefore < 2) fail(`the client wrote ${counter.beats - beatsBefore} heart-beats in 3.5 s`);
    if (count('heartbeatReceived') - seenBefore < 2) fail(`the client saw ${count('heartbeatReceived') - seenBefore} heart-beats in 3.5 s`);
    equal([count('heartbeatLost'), client.connected], [0, true], 'none lost, connected');
  });

  await check('forceDisconnect(): reconnect, the subscription restored (a peer publishes to it)', async () => {
    client.forceDisconnect();
    await until(() => count('connect') === 2, 10000, 'the reconnect');
    // The re-SUBSCRIBE is on the broker once a RECEIPT for a later frame of the connection is back.
    await client.publish({ destination: `/topic/jitless-barrier-${RUN}`, body: '', receipt: true });
    const peer = await connectPeer(BROKER_URL);
    try {
      await peer.send(topic, 'from a peer after the reconnect');
    } finally {
      peer.close();
    }
    await until(() => messages.length === 4, 5000, 'the peer message');
    equal(messages[3].body, 'from a peer after the reconnect', 'the message');
  });

  await check('deactivate() settles; the client is inactive', async () => {
    await client.deactivate();
    equal([client.active, client.connected, client.state === lib.ActivationState.INACTIVE], [false, false, true], 'after deactivate');
  });

  await check('nothing escaped (uncaught exceptions, unhandled rejections)', () => {
    equal(escaped, [], 'escaped');
  });
  console.log(`done ${failures.length} failed`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.log(`failed the scenario threw :: ${error && error.stack}`);
    process.exit(1);
  },
);
