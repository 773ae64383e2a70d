// Every shared byte-stream vector (tests/vectors/*.json) from the JS side, through the package: the
// Client of pkg/node, on the shared fake broker socket (tests/support/stomp-peer.js), receives each
// vector's octets as the broker's WebSocket messages, under each of three cuts (as given, one octet per
// message, all in one message), and must report exactly what the vector says the stream holds, through
// its public callbacks: MESSAGE → onUnhandledMessage (nothing is subscribed), RECEIPT →
// onUnhandledReceipt, ERROR → onStompError (then the connection ends), any other frame →
// onUnhandledFrame, heart-beats → onHeartbeatReceived, a malformed stream → onWebSocketError naming the
// rule and the connection closed. Headers are compared as the Client shows them (an object, the first of
// a repeated name winning); bodies octet for octet.
//
// What the vector holds per message comes from the shared peer's parser, itself checked against the same
// vectors (stomp-peer.test.mjs); only the Client's documented rule is applied on top: an EOL in the same
// WebSocket message as a frame is that frame's trailing EOL, not a heart-beat.
//
// Vectors that start before the handshake (their first item is CONNECTED, read under 1.2 as the Client's
// parser starts) are delivered as the broker's answer to CONNECT; the others after a CONNECTED naming
// the vector's version. The few the Client cannot be put in (EXPRESSED_OTHERWISE) are listed by name
// with the reason, and the list must stay exactly what the rule picks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fakeBroker, Parser } from '../support/stomp-peer.js';
import { loadVectors, chunkings } from '../support/vectors.mjs';

const PKG_NODE = fileURLToPath(new URL('../../pkg/node/index.mjs', import.meta.url));
let Client;

before(async () => {
  assert.ok(existsSync(PKG_NODE), `${PKG_NODE} is built (scripts/build-pkg)`);
  const pkg = await import(PKG_NODE);
  await pkg.default();
  Client = pkg.Client;
});

/** The Display text of the codec's ParseError for each vector error identifier (src/frame/error.rs). */
const ERROR_TEXT = {
  UnknownCommand: /unknown command/,
  HeaderWithoutColon: /header line without ':'/,
  EmptyHeaderName: /empty header name/,
  InvalidEscape: /undefined escape sequence/,
  InvalidUtf8: /header is not UTF-8/,
  BareCarriageReturn: /carriage return not followed by line feed/,
  InvalidContentLength: /content-length is not a non-negative decimal integer/,
  MissingNul: /not followed by NUL after content-length octets/,
  // Named as JS users know the limits: their option names.
  'LimitExceeded:max_header_bytes': /exceeds the maxHeaderBytes limit/,
  'LimitExceeded:max_headers': /exceeds the maxHeaders limit/,
  'LimitExceeded:max_body_bytes': /exceeds the maxBodyBytes limit/,
};

/** Vectors the Client cannot be given as they are, and why (a Client's parser starts at 1.2 and follows CONNECTED). */
const EXPRESSED_OTHERWISE = new Map([
  ['connected-never-unescaped-1.1', 'a CONNECTED read under 1.1: a Client reads its CONNECTED under 1.2'],
  ['connected-switches-to-1.2', 'a CONNECTED read under 1.0'],
  ['connected-unknown-version-keeps-current', 'a CONNECTED read under 1.1 (and a Client picks its highest version for an unknown one)'],
  ['follow-connected-off', 'a parser that ignores CONNECTED: a Client always follows it'],
  ['connected-under-1.0-trims-version', 'a CONNECTED read under 1.0'],
]);

function mode(vector) {
  const frames = vector.items.filter((item) => item !== 'heartbeat');
  const connectedAt = frames.findIndex((f) => f.command === 'CONNECTED');
  if (connectedAt < 0 && !vector.chunks.some((c) => /^CONNECTED/m.test(c.text ?? ''))) return 'after-handshake';
  const first = vector.items[0];
  if (first !== 'heartbeat' && first?.command === 'CONNECTED' && vector.version === '1.2' && vector.follow_connected !== false) {
    return 'as-handshake';
  }
  return null;
}

const limitsOptions = (limits = {}) => ({
  ...(limits.max_header_bytes !== undefined && { maxHeaderBytes: limits.max_header_bytes }),
  ...(limits.max_headers !== undefined && { maxHeaders: limits.max_headers }),
  ...(limits.max_body_bytes !== undefined && { maxBodyBytes: limits.max_body_bytes }),
});

const sortedHeaders = (headers) => Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const firstWins = (list) => {
  const out = {};
  for (const [name, value] of list) if (!(name in out)) out[name] = value;
  return out;
};
const frameEvent = (kind, frame) => [kind, frame.command, sortedHeaders(frame.headers), Array.from(frame.binaryBody ?? frame.body)];

const KIND = { MESSAGE: 'unhandledMessage', RECEIPT: 'unhandledReceipt', ERROR: 'stompError' };

/** What the Client must report for these messages, per the vector's items and the Client's heart-beat rule. */
function expectedEvents(vector, messages, handshake) {
  const parser = new Parser({ version: handshake ? '1.2' : vector.version, limits: vector.limits ?? {} });
  const events = [];
  for (const message of messages) {
    const { items, error } = parser.push(message);
    // A WebSocket message of EOLs alone is ONE heart-beat however many it holds (issue #11: 8 MiB of
    // `\n` must not be 8 million callbacks); EOLs in a message with a frame are its trailer.
    const framed = items.some((item) => item !== 'heartbeat');
    if (!framed && items.length > 0) events.push(['heartbeat']);
    for (const item of items) {
      if (item === 'heartbeat') continue;
      const kind = handshake && events.length === 0 && item.command === 'CONNECTED' ? 'connect' : KIND[item.command] ?? 'unhandledFrame';
      events.push(frameEvent(kind, { ...item, headers: firstWins(item.headers) }));
      // After an ERROR the broker closes the connection (the client leaves that to it, as stompjs).
      if (kind === 'stompError') return { events, ends: true, brokerCloses: true };
    }
    if (error) {
      events.push(['webSocketError', error]);
      return { events, ends: true };
    }
  }
  return { events, ends: false, partial: !parser.atBoundary };
}

/** Runs one cut of one vector through a Client; resolves with what the Client reported. */
async function run(vector, messages, handshake) {
  const events = [];
  let closed;
  const closedPromise = new Promise((resolve) => (closed = resolve));
  const broker = fakeBroker({
    sync: false,
    onFrame(frame, connection) {
      if (frame.command !== 'CONNECT') return false;
      if (handshake) for (const message of messages) connection.deliver(message);
      else connection.deliver(vector.version === '1.0' ? 'CONNECTED\n\n\0' : `CONNECTED\nversion:${vector.version}\n\n\0`);
      return true;
    },
  });
  const client = new Client({
    webSocketFactory: broker.factory,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    ...limitsOptions(vector.limits),
    onConnect: (frame) => events.push(frameEvent('connect', frame)),
    onUnhandledMessage: (message) => events.push(frameEvent('unhandledMessage', message)),
    onUnhandledReceipt: (frame) => events.push(frameEvent('unhandledReceipt', frame)),
    onUnhandledFrame: (frame) => events.push(frameEvent('unhandledFrame', frame)),
    onStompError: (frame) => events.push(frameEvent('stompError', frame)),
    onHeartbeatReceived: () => events.push(['heartbeat']),
    onWebSocketError: (error) => events.push(['webSocketError', String(error?.message ?? error)]),
    onWebSocketClose: () => closed(),
  });
  const connected = new Promise((resolve) => client.on('connect', resolve));
  client.activate();
  return { client, broker, events, connected, closed: closedPromise };
}

let vectors;
before(() => {
  vectors = loadVectors();
});

test('the vectors the Client cannot be given as they are are exactly the listed ones', () => {
  const unfit = vectors.filter((v) => mode(v) === null).map((v) => v.name).sort();
  assert.deepEqual(unfit, [...EXPRESSED_OTHERWISE.keys()].sort());
  assert.ok(vectors.length - unfit.length >= 95, `only ${vectors.length - unfit.length} vectors reach the Client`);
});

test('the Client reports every vector as the vector says, whatever the WebSocket messages cut it into', { timeout: 120000 }, async (t) => {
  const failures = [];
  let runs = 0;
  let barriers = 0;
  for (const vector of vectors) {
    const how = mode(vector);
    if (how === null) continue;
    const handshake = how === 'as-handshake';
    for (const [cut, messages] of chunkings(vector)) {
      const where = `${vector.name} (${cut}, ${how}): ${vector.description}`;
      const expected = expectedEvents(vector, messages, handshake);
      const session = await run(vector, messages, handshake);
      try {
        if (!handshake) {
          await within(session.connected, 2000, `${where}: CONNECTED`);
          session.events.length = 0; // the handshake's CONNECTED is not part of this vector
          for (const message of messages) session.broker.connections[0].deliver(message);
        }
        if (expected.ends) {
          // A malformed stream or an ERROR ends the connection: everything before it was reported by then.
          if (expected.brokerCloses) {
            await new Promise((resolve) => setImmediate(resolve));
            for (const connection of session.broker.connections) connection.close(1000, 'after ERROR');
          }
          await within(session.closed, 2000, `${where}: the connection to end`);
        } else if (expected.partial) {
          // A frame (or a CRLF) cut short stays pending; nothing to wait for but the deliveries themselves.
          await new Promise((resolve) => setImmediate(resolve));
        } else {
          // A RECEIPT for a publish sent now comes after every octet delivered before it. The
          // client refuses to send what it could not receive, so the barrier fits the vectors'
          // smallest limits (2 headers, 32 octets of head): a short receipt of its own, no
          // content-length, watched for.
          const receiptId = `b${barriers++ % 10}`;
          const receipted = new Promise((resolve) => session.client.watchForReceipt(receiptId, resolve));
          session.client.publish({ destination: '/b', headers: { receipt: receiptId }, skipContentLengthHeader: true });
          await within(receipted, 2000, `${where}: the barrier receipt`);
        }
        const got = session.events;
        const want = expected.events;
        assert.equal(got.length, want.length, `${where}\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`);
        for (let i = 0; i < want.length; i++) {
          if (want[i][0] === 'webSocketError') {
            assert.equal(got[i][0], 'webSocketError', `${where}: item ${i}: ${JSON.stringify(got[i])}`);
            assert.match(got[i][1], ERROR_TEXT[want[i][1]], `${where}: the error names ${want[i][1]}`);
          } else {
            assert.deepStrictEqual(got[i], want[i], `${where}: item ${i}`);
          }
        }
        runs += 1;
      } catch (error) {
        failures.push(error.message.includes(vector.name) ? error.message : `${where}: ${error.message}`);
      } finally {
        await within(session.client.deactivate({ force: true }), 2000, `${where}: deactivate`).catch((error) => failures.push(error.message));
      }
    }
  }
  t.diagnostic(`${runs} vector runs through the Client`);
  assert.deepEqual(failures, [], `${failures.length} failures`);
  assert.ok(runs >= 285, `only ${runs} runs`);
});

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
