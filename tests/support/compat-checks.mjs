// The stomp.js 2.x facade (Stomp, CompatClient; src/web/edge/compat.js) used the way 2.x code and the
// Spring tutorials use it, through the package's public API: against RabbitMQ (Web-STOMP on loopback),
// and against the test broker (tools/test-broker) where only its records can show what went on the wire
// (the CONNECT heart-beat header, a SEND without content-length). Environment-neutral:
// tests/js/migrate.test.mjs runs each in a Node child (the `ws` package as the global WebSocket) and in a
// Chromium page, through run-check.mjs.
import { expect, expectNoFaults, until, within, freshDestination } from './client-watch.mjs';

const RABBITMQ = 'ws://127.0.0.1:15674/ws';

/** Records what a CompatClient reports: its debug lines (for failure messages) and its states. */
function watched(client) {
  const seen = { debug: [], states: [] };
  client.debug = (line) => {
    seen.debug.push(String(line));
    if (seen.debug.length > 200) seen.debug.shift();
  };
  client.on('state', (state) => seen.states.push(state));
  // The runner prints these when a check fails.
  globalThis.__stompWatch = {
    debugLines: seen.debug,
    summary: () => `states: ${seen.states.join(' ')}`,
  };
  return seen;
}

/** Resolves once `client` is inactive again (after disconnect, or a refused connect). */
function inactive(client) {
  return until(() => client.connectionState === 'inactive' || client.connectionState === 'failed', 10000, 'the client at rest');
}

/**
 * The Spring-tutorial pattern, verbatim: `Stomp.over(() => new WebSocket(url))`, `connect({}, frame =>
 * client.subscribe(…))`, `send(destination, headers, JSON.stringify(…))`, `disconnect(callback)`; the
 * 2.x property names on the way (`ws`, `version`, `connected`); and `Stomp.over(socket)`, which works
 * with stompjs's warning.
 */
export async function springTutorial(env) {
  const destination = freshDestination('/topic/spring-tutorial');
  const greeting = { name: '张三', text: 'Hello, STOMP 👋', n: 42 };
  const client = env.Stomp.over(() => new WebSocket(RABBITMQ));
  expect(client instanceof env.CompatClient && client instanceof env.Client, 'Stomp.over makes a CompatClient, which is a Client');
  expect(client.reconnect_delay === 0 && client.reconnectDelay === 0, 'as stompjs v7: no reconnect unless asked');
  expect(client.maxWebSocketFrameSize === 16 * 1024, 'maxWebSocketFrameSize is there (16 KiB, no effect)');
  watched(client);
  const received = [];
  let connectFrame = null;
  let inCallback = null;
  client.connect({}, (frame) => {
    connectFrame = frame;
    inCallback = { connected: client.connected, version: client.version, ws: client.ws };
    client.subscribe(destination, (message) => received.push(message));
    client.send(destination, { 'content-type': 'application/json' }, JSON.stringify(greeting));
  });
  await until(() => received.length === 1, 10000, 'the greeting back from RabbitMQ');
  expect(connectFrame.command === 'CONNECTED', `connectCallback gets the CONNECTED frame: ${connectFrame.command}`);
  expect(inCallback.connected === true && inCallback.version === '1.2', `connected, version 1.2 in the callback: ${JSON.stringify({ c: inCallback.connected, v: inCallback.version })}`);
  expect(inCallback.ws && typeof inCallback.ws.send === 'function' && inCallback.ws === client.webSocket, 'client.ws is the socket (webSocket)');
  const [message] = received;
  expect(JSON.stringify(JSON.parse(message.body)) === JSON.stringify(greeting), `the JSON body round-trips: ${message.body}`);
  expect(message.headers['content-type'] === 'application/json', 'the send() headers reach the subscriber');
  let disconnectFrame = null;
  client.disconnect((frame) => {
    disconnectFrame = frame || 'called';
  });
  await until(() => disconnectFrame !== null, 10000, 'the disconnect callback');
  await inactive(client);

  // A socket instead of a factory: accepted, with stompjs's warning.
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.join(' '));
  let over;
  try {
    over = env.Stomp.over(new WebSocket(RABBITMQ));
  } finally {
    console.warn = warn;
  }
  expect(warnings.length === 1 && /did not receive a factory/.test(warnings[0]), `Stomp.over(socket) warns as stompjs: ${JSON.stringify(warnings)}`);
  watched(over);
  const echoes = [];
  over.connect('guest', 'guest', () => {
    over.subscribe(destination, (m) => echoes.push(m.body));
    over.send(destination, {}, 'over a socket');
  });
  await until(() => echoes.length === 1, 10000, 'a round trip over a socket instance');
  expect(echoes[0] === 'over a socket', `body: ${echoes[0]}`);
  over.disconnect();
  await inactive(over);
  expectNoFaults();
  return { outcome: `tutorial round trip and disconnect; Stomp.over(socket) warned: ${warnings[0].slice(0, 40)}…` };
}

/**
 * connect(login, passcode, connectCallback, errorCallback): a refused login reaches errorCallback with
 * the broker's ERROR frame (and never connectCallback), and the client does not retry (reconnect_delay 0);
 * the same overload with the right passcode connects, and so do the six-argument form (closeEventCallback,
 * host) and 2.x's five-argument form with the host in fifth place.
 */
export async function loginOverloads(env) {
  const refused = env.Stomp.over(() => new WebSocket(RABBITMQ));
  watched(refused);
  const errors = [];
  let connected = 0;
  refused.connect('guest', 'not-the-passcode', () => { connected += 1; }, (frame) => errors.push(frame));
  await until(() => errors.length >= 1, 10000, 'the errorCallback');
  await inactive(refused);
  expect(connected === 0, 'connectCallback was not called');
  expect(errors.length === 1, `errorCallback once: ${errors.length}`);
  expect(errors[0].command === 'ERROR' && /CONNECT|login|refused|credentials/i.test(`${errors[0].headers.message} ${errors[0].body}`),
    `errorCallback gets the ERROR frame: ${errors[0].command} ${errors[0].headers.message}`);
  // As stompjs with reconnectDelay 0: still active, not reconnecting (no retry) until deactivate().
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(refused.connectionState === 'failed' && refused.active, `no retry after the refusal (reconnect_delay 0), still active as stompjs: ${refused.connectionState}`);

  const outcomes = [`refused: ${errors[0].headers.message}`];
  for (const [label, connect] of [
    ['(login, passcode, cb, err)', (c, cb, err) => c.connect('guest', 'guest', cb, err)],
    ['(login, passcode, cb, err, close, host)', (c, cb, err, close) => c.connect('guest', 'guest', cb, err, close, '/')],
    ['2.x (login, passcode, cb, err, host)', (c, cb, err) => c.connect('guest', 'guest', cb, err, '/')],
    ['(headers, cb, err, close)', (c, cb, err, close) => c.connect({ login: 'guest', passcode: 'guest', host: '/' }, cb, err, close)],
  ]) {
    const client = env.Stomp.over(() => new WebSocket(RABBITMQ));
    watched(client);
    let frame = null;
    const closes = [];
    const failures = [];
    connect(client, (f) => { frame = f; }, (f) => failures.push(f), (event) => closes.push(event));
    await until(() => frame !== null || failures.length > 0, 10000, `${label}: connected`);
    expect(frame && failures.length === 0, `${label}: connected, not refused: ${failures.map((f) => f.headers.message)}`);
    const host = client.connectHeaders.host;
    client.disconnect();
    await inactive(client);
    if (label.includes('close')) expect(closes.length === 1, `${label}: the closeEventCallback saw the socket close`);
    if (label.includes('host')) expect(host === '/', `${label}: the host went into connectHeaders: ${host}`);
    outcomes.push(`${label} ok`);
  }
  let threw = null;
  try {
    env.Stomp.over(() => new WebSocket(RABBITMQ)).connect({});
  } catch (error) {
    threw = error;
  }
  expect(threw && /at least 2 arguments/.test(threw.message), `connect() with one argument throws as stompjs: ${threw}`);
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}

/**
 * `client.heartbeat.outgoing = …` (and `incoming`, and `heartbeat = {…}`) before connect() decide the
 * CONNECT frame's heart-beat header, and the client then sends heart-beats at that pace: the test broker
 * (offering to receive them every 200 ms) counts them.
 */
export async function heartbeatProperty(env) {
  const url = env.broker.url('ok', { id: env.id, hb: '0,200' });
  const client = env.Stomp.over(() => new WebSocket(url));
  watched(client);
  expect(client.heartbeat.outgoing === 10000 && client.heartbeat.incoming === 10000, 'the defaults read through heartbeat');
  client.heartbeat = { incoming: 5000, outgoing: 7000 };
  expect(client.heartbeatIncoming === 5000 && client.heartbeatOutgoing === 7000, 'heartbeat = {…} sets both options');
  client.heartbeat.outgoing = 300;
  client.heartbeat.incoming = 0;
  expect(client.heartbeatOutgoing === 300 && client.heartbeatIncoming === 0, 'heartbeat.outgoing/incoming set the options');
  let connected = false;
  client.connect({}, () => { connected = true; });
  await until(() => connected, 10000, 'CONNECTED from the test broker');
  let record;
  await until(async () => {
    [record] = await env.broker.records(env.id);
    return record && record.heartbeats >= 3;
  }, 10000, 'three heart-beats from the client');
  const connect = record.frames.find((f) => f.command === 'CONNECT');
  const header = connect.headers.find(([name]) => name === 'heart-beat');
  expect(header && header[1] === '300,0', `CONNECT says heart-beat:300,0: ${JSON.stringify(header)}`);
  client.disconnect();
  await inactive(client);
  expectNoFaults();
  return { outcome: `heart-beat:${header[1]}, ${record.heartbeats} heart-beats received` };
}

/**
 * send(destination, headers, body) as the 2.x API asks: a `content-length: false` header sends the SEND
 * without content-length (the test broker's record of the frame shows it), any other keeps it; a body
 * left out is empty; the broker delivers both.
 */
export async function sendWithoutContentLength(env) {
  const url = env.broker.url('ok', { id: env.id });
  const client = env.Stomp.client(url);
  expect(client instanceof env.CompatClient, 'Stomp.client makes a CompatClient');
  watched(client);
  const destination = freshDestination('/queue/content-length');
  const bodies = [];
  client.connect({}, () => {
    client.subscribe(destination, (m) => bodies.push(m.body));
    client.send(destination, { 'content-length': false, 'x-kind': 'without' }, '{"json":"无长度"}');
    client.send(destination, { 'x-kind': 'with' }, '{"json":"有长度"}');
    client.send(destination);
  });
  await until(() => bodies.length === 3, 10000, 'the three messages');
  expect(bodies[0] === '{"json":"无长度"}' && bodies[1] === '{"json":"有长度"}' && bodies[2] === '', `bodies: ${JSON.stringify(bodies)}`);
  const [record] = await env.broker.records(env.id);
  const sends = record.frames.filter((f) => f.command === 'SEND');
  const names = sends.map((f) => f.headers.map(([name]) => name));
  expect(!names[0].includes('content-length'), `content-length: false leaves it out: ${JSON.stringify(sends[0].headers)}`);
  expect(names[1].includes('content-length'), `otherwise content-length is sent: ${JSON.stringify(names)}`);
  expect(sends[2].bodySize === 0, `send(destination) sends an empty body: ${sends[2].bodySize}`);
  let threw = null;
  try {
    client.send(destination, {}, { an: 'object' });
  } catch (error) {
    threw = error;
  }
  expect(threw instanceof TypeError && /JSON\.stringify/.test(threw.message), `an object body throws a TypeError saying what to do: ${threw}`);
  client.disconnect();
  await inactive(client);
  expectNoFaults();
  return { outcome: `SEND headers: ${JSON.stringify(names)}` };
}

/**
 * A frame of several hundred KiB with splitLargeFrames (16 KiB pieces), through RabbitMQ Web-STOMP,
 * which reassembles it: received whole and unchanged, by a Client and by a CompatClient.
 */
export async function splitThroughRabbitMQ(env) {
  const unit = 'STOMP 分片 ✓ 👋🏽 — ';
  let body = '';
  while (body.length < 150 * 1024) body += unit; // ≈ 390 KiB of UTF-8
  const bytes = new TextEncoder().encode(body).length;
  const destination = freshDestination('/queue/split-rabbitmq');
  const client = new env.Client({
    brokerURL: RABBITMQ,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    splitLargeFrames: true,
    maxWebSocketChunkSize: 16 * 1024,
    reconnectDelay: 0,
  });
  const debug = [];
  client.debug = (line) => debug.push(String(line));
  const received = [];
  client.subscribe(destination, (message) => received.push(message));
  client.activate();
  await within(client.publish({ destination, body, receipt: true }), 15000, 'the RECEIPT for the large SEND');
  await until(() => received.length === 1, 15000, 'the large message back');
  expect(received[0].body === body, `the body arrives whole and unchanged (${received[0].body.length} of ${body.length} UTF-16 units)`);
  const split = debug.find((line) => /^split a frame of \d+ bytes into \d+ messages/.test(line));
  expect(split, 'the frame was split (the debug log says so)');
  await within(client.deactivate(), 10000, 'deactivate()');

  const compat = env.Stomp.over(() => new WebSocket(RABBITMQ));
  watched(compat);
  compat.splitLargeFrames = true;
  compat.maxWebSocketChunkSize = 8 * 1024;
  const echoed = [];
  compat.connect('guest', 'guest', () => {
    compat.subscribe(destination, (m) => echoed.push(m.body));
    compat.send(destination, {}, body);
  });
  await until(() => echoed.length === 1, 15000, 'the large message through the CompatClient');
  expect(echoed[0] === body, 'the CompatClient\'s large body arrives whole');
  compat.disconnect();
  await inactive(compat);
  expectNoFaults();
  return { outcome: `${bytes} bytes: ${split}` };
}

/**
 * The stompjs pattern — `client.onConnect = () => client.subscribe(…)` — across a reconnect: the
 * callback subscribes again, and each message still arrives once (a subscription made by a connect
 * callback lasts for its connection, as in stompjs); a subscription made outside it is restored by the
 * client (the same id, re-sent). The same for the 2.x facade's connectCallback with reconnect_delay set.
 */
export async function onConnectSubscribesAgain(env) {
  const outcomes = [];
  for (const facade of [false, true]) {
    const label = facade ? 'CompatClient' : 'Client';
    const perConnection = freshDestination('/topic/per-connection');
    const lasting = freshDestination('/topic/lasting');
    const client = facade
      ? env.Stomp.over(() => new WebSocket(RABBITMQ))
      : new env.Client({ brokerURL: RABBITMQ, connectHeaders: { login: 'guest', passcode: 'guest' } });
    watched(client);
    const got = { perConnection: [], lasting: [] };
    let connects = 0;
    const onConnect = () => {
      connects += 1;
      client.subscribe(perConnection, (m) => got.perConnection.push(m.body));
    };
    if (facade) {
      client.reconnect_delay = 50;
      client.connect({}, onConnect);
    } else {
      client.reconnectDelay = 50;
      client.onConnect = onConnect;
      client.activate();
    }
    const kept = client.subscribe(lasting, (m) => got.lasting.push(m.body));
    await until(() => connects === 1, 10000, `${label}: connected`);
    client.forceDisconnect();
    await until(() => connects === 2, 10000, `${label}: reconnected`);
    // Behind a RECEIPT, the broker has every SUBSCRIBE of this connection.
    await within(client.publish({ destination: freshDestination('/topic/barrier'), body: '', receipt: true }), 10000, 'barrier');
    for (const destination of [perConnection, lasting]) {
      await client.publish({ destination, body: 'once' });
      await client.publish({ destination, body: 'marker' });
    }
    await until(() => got.perConnection.includes('marker') && got.lasting.includes('marker'), 10000, `${label}: both markers`);
    expect(JSON.stringify(got.perConnection) === '["once","marker"]', `${label}: subscribed again in onConnect, each message once: ${JSON.stringify(got.perConnection)}`);
    expect(JSON.stringify(got.lasting) === '["once","marker"]', `${label}: the subscription made outside onConnect was restored: ${JSON.stringify(got.lasting)}`);
    kept.unsubscribe();
    if (facade) client.disconnect();
    else await within(client.deactivate(), 10000, 'deactivate()');
    await inactive(client);
    outcomes.push(`${label}: once each`);
  }
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}
