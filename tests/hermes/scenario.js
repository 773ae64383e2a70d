// The package's build without WebAssembly (pkg/js, what React Native resolves `stomp-wasm` to) under
// the Hermes engine itself, in front of the scripted STOMP peer through React Native's WebSocket (see
// react-native.js): connect, subscribe with a receipt, text and binary bodies, receipted publishes,
// heart-beats both ways, a lost heart-beat and a broker-side close each followed by a reconnect that
// restores the subscription, React Native's NUL-chopping with and without `appendMissingNULLonIncoming`,
// the global WebSocket through `brokerURL`, and deactivate. Each check prints `ok NAME` or
// `fail NAME :: why`; `done` ends a run that reached its end. tests/js/hermes.test.mjs bundles this file
// (tests/support/hermes.mjs) and asserts on what it prints. Time is virtual: nothing here sleeps.
import { engineGlobals, consoleLines, uncaught, report, now, pendingTimers, reactNativeWebSocket } from './react-native.js';
import * as lib from 'stomp-wasm';
// After the package: the peer encodes with TextEncoder, which Hermes lacks and the package installs.
import { fakeBroker, header } from '../support/stomp-peer.js';

const { Client } = lib;
// esbuild bundles this file (an ES module of a "type": "module" package) with Node's interop, whose
// default import of CommonJS is module.exports; Metro's Babel interop gives the `default` export itself.
const init = lib.default && lib.default.__esModule ? lib.default.default : lib.default;
const failures = [];

function fail(message) {
  throw new Error(message);
}
function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

/** Resolves once `condition()` holds, polling every 10 virtual ms; fails after `ms` virtual ms. */
function until(condition, ms, what) {
  const start = now();
  return new Promise((resolve, reject) => {
    (function poll() {
      let met = false;
      try {
        met = condition();
      } catch (error) {
        reject(error);
        return;
      }
      if (met) resolve();
      else if (now() - start > ms) reject(new Error(`waited ${ms} virtual ms for ${what}`));
      else setTimeout(poll, 10);
    })();
  });
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function check(name, fn) {
  try {
    await fn();
    report('ok', name);
  } catch (error) {
    failures.push(name);
    report('fail', name, String((error && (error.stack || error.message)) || error));
  }
}

/** A client recording what happens to it, over React Native's WebSocket in front of `broker`. */
function recordingClient(broker, options, socketOptions) {
  const rn = reactNativeWebSocket(broker, socketOptions);
  const events = [];
  const messages = [];
  const client = new Client({
    webSocketFactory: () => new rn.WebSocket('ws://broker.example/ws', ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    connectHeaders: { login: 'rn', passcode: 'secret' },
    reconnectDelay: 500,
    ...options,
  });
  client.onConnect = (frame) => events.push(`connect ${frame.headers.version}`);
  client.onHeartbeatReceived = () => events.push('heartbeatReceived');
  client.onHeartbeatLost = () => events.push('heartbeatLost');
  client.onWebSocketClose = (event) => events.push(`close ${event && event.code}`);
  client.onStompError = (frame) => events.push(`stompError ${frame.headers.message}`);
  const count = (type) => events.filter((e) => e === type || e.startsWith(`${type} `)).length;
  return { client, rn, events, messages, count };
}

/** The client's heart-beats the broker has received: the messages that were a lone EOL. */
const heartbeatsAt = (broker) => broker.sent.filter((text) => text === '\n' || text === '\r\n').length;

async function main() {
  report('info', 'engine', engineGlobals);

  await check('runtime: no WebAssembly, the package brings its UTF-8 TextEncoder/TextDecoder', () => {
    equal([engineGlobals.WebAssembly, engineGlobals.TextEncoder, engineGlobals.TextDecoder], ['undefined', 'undefined', 'undefined'], 'the engine before the package');
    equal(typeof WebAssembly, 'undefined', 'WebAssembly after loading the package');
    equal([TextEncoder.name, TextDecoder.name], ['Utf8TextEncoder', 'Utf8TextDecoder'], 'the polyfill installed where missing');
    equal(lib.isInitialized(), true, 'isInitialized() once loaded');
    return init().then((value) => equal(value, undefined, 'init() resolves'));
  });

  // One broker speaking binary WebSocket messages (as RabbitMQ with web_stomp.ws_frame = binary), with
  // heart-beats every second both ways.
  const broker = fakeBroker({ binary: true, heartBeat: '1000,1000' });
  const h = recordingClient(broker, { heartbeatIncoming: 1000, heartbeatOutgoing: 1000, keepSubscriptions: true });
  let beating = true;
  const beat = setInterval(() => {
    const connection = broker.connections[broker.connections.length - 1];
    if (beating && connection && connection.version) connection.deliver(new Uint8Array([10]));
  }, 1000);
  let subscription = null;
  const destination = '/topic/rn-chat';

  await check('connect through webSocketFactory (React Native WebSocket)', async function () {
    h.client.activate();
    await until(() => h.count('connect') === 1, 3000, 'CONNECTED');
    equal(h.events[0], 'connect 1.2', 'negotiated version');
    const connect = broker.frames[0];
    equal([connect.command, header(connect, 'login'), header(connect, 'accept-version'), header(connect, 'heart-beat')], ['CONNECT', 'rn', '1.2,1.1,1.0', '1000,1000'], 'the CONNECT frame');
    equal(h.client.connected, true, 'client.connected');
    equal(h.rn.sockets[0].binaryType, 'arraybuffer', 'the client asked for ArrayBuffers');
  });

  await check('subscribe with a receipt (watchForReceipt)', async function () {
    let receipt = null;
    h.client.watchForReceipt('sub-receipt-1', (frame) => {
      receipt = frame;
    });
    subscription = h.client.subscribe(destination, (message) => {
      h.messages.push({ body: message.isBinaryBody ? null : message.body, bytes: Array.from(message.binaryBody), binary: message.isBinaryBody, headers: message.headers });
    }, { receipt: 'sub-receipt-1' });
    await until(() => receipt !== null, 2000, 'the RECEIPT');
    equal([receipt.command, receipt.headers['receipt-id']], ['RECEIPT', 'sub-receipt-1'], 'the receipt frame');
    const frame = broker.frames.find((f) => f.command === 'SUBSCRIBE');
    equal([header(frame, 'destination'), header(frame, 'id')], [destination, subscription.id], 'the SUBSCRIBE frame');
  });

  await check('publish a text body (Chinese and emoji) and receive it', async function () {
    const text = '你好，React Native 👋🏽 — ✓';
    await h.client.publish({ destination, body: text, headers: { 'content-type': 'text/plain;charset=utf-8' } });
    await until(() => h.messages.length === 1, 2000, 'the message');
    equal([h.messages[0].body, h.messages[0].binary, h.messages[0].headers['content-type']], [text, false, 'text/plain;charset=utf-8'], 'the message');
  });

  await check('publish a binary body (NUL, invalid UTF-8) and receive the same bytes', async function () {
    const bytes = [0, 1, 2, 0xff, 0xfe, 0xc3, 0x28, 0x80, 10, 0];
    await h.client.publish({ destination, binaryBody: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
    await until(() => h.messages.length === 2, 2000, 'the binary message');
    equal([h.messages[1].binary, h.messages[1].bytes], [true, bytes], 'the binary message');
    const send = broker.frames.filter((f) => f.command === 'SEND')[1];
    equal(Array.from(send.body), bytes, 'the SEND body on the wire');
  });

  await check("a 1 MiB body both ways: the engine's memory grows, the glue follows it", async function () {
    const big = `${'0123456789abcdef'.repeat(65536)}✓`;
    await h.client.publish({ destination, body: big });
    await until(() => h.messages.length === 3, 5000, 'the 1 MiB message');
    equal([h.messages[2].body.length, h.messages[2].body === big], [big.length, true], 'the 1 MiB message');
    h.messages.pop();
  });

  await check('publish({ receipt: true }) resolves with the RECEIPT', async function () {
    const frame = await h.client.publish({ destination, body: 'with a receipt', receipt: true });
    equal(frame.command, 'RECEIPT', 'what the Promise resolved with');
    const send = broker.frames.filter((f) => f.command === 'SEND').pop();
    equal(header(send, 'receipt'), frame.headers['receipt-id'], 'the SEND carried the receipt id');
    await until(() => h.messages.length === 3, 2000, 'the receipted message');
  });

  await check('heart-beats both ways at 1 s (virtual time)', async function () {
    const sentBefore = heartbeatsAt(broker);
    const receivedBefore = h.count('heartbeatReceived');
    await sleep(5000);
    const sent = heartbeatsAt(broker) - sentBefore;
    const received = h.count('heartbeatReceived') - receivedBefore;
    if (sent < 4) fail(`the client sent ${sent} heart-beats in 5 s`);
    if (received < 4) fail(`the client saw ${received} heart-beats in 5 s`);
    equal([h.count('heartbeatLost'), h.client.connected], [0, true], 'no heart-beat lost, still connected');
  });

  await check('a lost heart-beat closes the connection; the reconnect restores the subscription', async function () {
    beating = false;
    await until(() => h.count('heartbeatLost') === 1, 5000, 'onHeartbeatLost');
    beating = true;
    await until(() => h.count('connect') === 2, 3000, 'the reconnect');
    const resubscribe = broker.connections[1].frames.find((f) => f.command === 'SUBSCRIBE');
    if (!resubscribe) fail('no SUBSCRIBE on the new connection');
    equal([header(resubscribe, 'id'), header(resubscribe, 'destination')], [subscription.id, destination], 'the same subscription again');
    await h.client.publish({ destination, body: 'after the reconnect', receipt: true });
    await until(() => h.messages.length === 4, 2000, 'a message after the reconnect');
    equal(h.messages[3].body, 'after the reconnect', 'the message');
  });

  await check('the broker closes the socket (1006): reconnect after reconnectDelay, resubscribe, deliver', async function () {
    const closedAt = now();
    broker.connections[1].close(1006, 'gone');
    await until(() => h.count('connect') === 3, 3000, 'the reconnect');
    if (now() - closedAt < 500) fail(`reconnected after ${now() - closedAt} ms, before reconnectDelay (500)`);
    if (!broker.connections[2].frames.some((f) => f.command === 'SUBSCRIBE' && header(f, 'id') === subscription.id)) fail('not resubscribed');
    await h.client.publish({ destination, body: 'third connection', receipt: true });
    await until(() => h.messages.length === 5, 2000, 'a message on the third connection');
    equal(h.messages.map((m) => m.body).filter((b) => b !== null).slice(-2), ['after the reconnect', 'third connection'], 'each message once');
  });

  await check('deactivate(): DISCONNECT with a receipt, the socket closed, the client inactive', async function () {
    clearInterval(beat);
    await h.client.deactivate();
    const last = broker.connections[2].frames.slice(-1)[0];
    equal([last.command, header(last, 'receipt') !== undefined], ['DISCONNECT', true], 'the last frame');
    equal([h.client.active, h.client.connected], [false, false], 'after deactivate');
    await until(() => h.rn.sockets[2].readyState === 3, 1000, 'the socket CLOSED');
    equal(h.rn.problems, [], 'React Native WebSocket problems');
  });

  // React Native cuts a text message at its first NUL: every STOMP frame's end.
  await check('appendMissingNULLonIncoming: true restores the NUL React Native cuts off (text messages)', async function () {
    const textBroker = fakeBroker({ heartBeat: '0,0' });
    const c = recordingClient(textBroker, { appendMissingNULLonIncoming: true, heartbeatIncoming: 0, heartbeatOutgoing: 0 }, { chopNul: true });
    c.client.activate();
    await until(() => c.count('connect') === 1, 3000, 'CONNECTED');
    c.client.subscribe('/queue/nul', (message) => c.messages.push(message.body));
    const frame = await c.client.publish({ destination: '/queue/nul', body: 'über NUL-chopping 🔪', receipt: true });
    equal(frame.command, 'RECEIPT', 'the receipt');
    await until(() => c.messages.length === 1, 2000, 'the message');
    equal(c.messages, ['über NUL-chopping 🔪'], 'the message');
    if (!c.rn.sockets[0].received) fail('nothing went through the chopping socket');
    await c.client.deactivate();
  });

  await check('without appendMissingNULLonIncoming the chopped frames never complete (the bug is emulated)', async function () {
    const textBroker = fakeBroker({ heartBeat: '0,0' });
    const c = recordingClient(textBroker, { connectionTimeout: 2000, reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0 }, { chopNul: true });
    c.client.activate();
    await sleep(1500);
    equal([c.count('connect'), c.rn.sockets[0].received >= 1], [0, true], 'CONNECTED arrived, cut, and never completed');
    await c.client.deactivate();
  });

  await check("brokerURL with React Native's global WebSocket", async function () {
    const urlBroker = fakeBroker({ binary: true, heartBeat: '0,0' });
    const rn = reactNativeWebSocket(urlBroker);
    globalThis.WebSocket = rn.WebSocket;
    const client = new Client({ brokerURL: 'wss://mq.example.com/ws', connectHeaders: { login: 'rn', passcode: 'secret' }, heartbeatIncoming: 0, heartbeatOutgoing: 0 });
    const bodies = [];
    client.subscribe('/topic/global', (message) => bodies.push(message.body));
    client.activate();
    await until(() => client.connected, 3000, 'CONNECTED');
    equal([rn.sockets.length, rn.sockets[0].url, rn.sockets[0].protocols], [1, 'wss://mq.example.com/ws', ['v12.stomp', 'v11.stomp', 'v10.stomp']], 'the socket the client opened');
    await client.publish({ destination: '/topic/global', body: 'global WebSocket ✓', receipt: true });
    await until(() => bodies.length === 1, 2000, 'the message');
    equal(bodies, ['global WebSocket ✓'], 'the message');
    await client.deactivate();
    equal(rn.problems, [], 'React Native WebSocket problems');
    delete globalThis.WebSocket;
  });

  await check('nothing thrown in timers or socket callbacks, nothing on the console', () => {
    equal(uncaught, [], 'uncaught');
    equal(consoleLines.filter((l) => !l.startsWith('log ')), [], 'console warnings and errors');
  });

  report('info', 'virtual-ms', now());
  report('info', 'pending-timers', pendingTimers().map((t) => `${t.fn.name || 'anonymous'} due in ${t.due - now()} ms${t.repeat ? ' (interval)' : ''}`));
  report(failures.length ? 'failed' : 'done', `${failures.length} failed`);
}

main().catch((error) => report('failed', 'the scenario threw', String((error && error.stack) || error)));
