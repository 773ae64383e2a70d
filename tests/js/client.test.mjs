// The package's Client at its JS API, as users call it (issue #11): every option readable and
// writable, the values users really pass (numbers, booleans, undefined, symbols, Proxies, getters that
// call back into the client, huge strings) through every method — and afterwards the client still
// round-trips a message; re-entrant calls from callbacks and getters; the @stomp/stompjs 7.4+ lifecycle
// against RabbitMQ. Node, through pkg/node (what `require('stomp-wasm')` gives).
// Needs pkg/ (scripts/build-pkg), the RabbitMQ test broker (scripts/broker start) and builds the test
// broker in tools/test-broker; `make test` provides all three.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import fc from 'fast-check';
import { OPTIONS, CALLBACKS } from '../../src/web/edge/options.js';
import { startTestBroker } from '../support/test-broker.mjs';
import { Watch, roundTrip, freshDestination, until, within } from '../support/client-watch.mjs';

globalThis.WebSocket = WebSocket;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { Client, ActivationState, ReconnectionTimeMode, Versions, TickerStrategy } = await import('../../pkg/node/index.mjs');

const RABBIT = 'ws://127.0.0.1:15674/ws';
const LOGIN = { login: 'guest', passcode: 'guest' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Anything that escapes the client (an exception thrown from one of its callbacks into a socket or
// timer handler, a Promise nobody was told about) fails the file.
const escaped = [];
process.on('uncaughtException', (error) => escaped.push(`uncaught: ${error && error.stack}`));
process.on('unhandledRejection', (error) => escaped.push(`unhandled rejection: ${error && error.stack}`));

let broker;
before(async () => {
  broker = await startTestBroker();
});
after(() => {
  broker?.stop();
  assert.deepEqual(escaped, [], 'nothing escaped the client');
});

/** A client on the RabbitMQ test broker, connected. */
async function connected(options = {}) {
  const client = new Client({ brokerURL: RABBIT, connectHeaders: LOGIN, reconnectDelay: 200, heartbeatIncoming: 0, heartbeatOutgoing: 0, ...options });
  const watch = new Watch(client);
  client.activate();
  await watch.next('connect');
  return { client, watch };
}

async function stop(client) {
  await within(client.deactivate(), 10000, 'deactivate()');
}

/** The error a function throws (or the reason a Promise rejects with). */
async function failure(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected it to throw');
}

// A value of the right type for each option kind (for read-back checks).
const GOOD = {
  urls: ['ws://127.0.0.1:1/a', 'ws://127.0.0.1:2/b'],
  headers: { login: 'a', passcode: 'b', x: 5 },
  versions: ['1.1', '1.0'],
  strings: ['x-token'],
  ms: 1234,
  count: 7,
  size: 4096,
  multiplier: 3,
  fraction: 0.5,
  bool: true,
  mode: ReconnectionTimeMode.EXPONENTIAL,
  fn: () => {},
};
const goodValue = ([, kind]) => (kind.startsWith('enum:') ? kind.slice(5).split('|').pop() : GOOD[kind]);

describe('options', () => {
  test('every option is readable and writable as a property, reads back what was set, and undefined restores the default', () => {
    const client = new Client();
    for (const spec of OPTIONS) {
      const [name, , def] = spec;
      if (name === 'debug') assert.equal(typeof client.debug, 'function', 'debug is a callable function by default');
      else if (name === 'stompVersions') assert.deepEqual(client[name].protocolVersions(), def.protocolVersions(), 'stompVersions default: Versions.default, as stompjs');
      else assert.deepEqual(client[name], def, `${name} default`);
      const value = goodValue(spec);
      client[name] = value;
      assert.equal(client[name], value, `${name} reads back what was set`);
      client[name] = undefined;
      if (name === 'stompVersions') assert.deepEqual(client[name].supportedVersions(), def.supportedVersions());
      else if (name !== 'debug') assert.deepEqual(client[name], def, `${name} back to its default`);
    }
    for (const [name] of CALLBACKS) {
      assert.equal(typeof client[name], 'function', `${name} is a function by default (stompjs: a no-op)`);
      const fn = () => {};
      client[name] = fn;
      assert.equal(client[name], fn);
    }
  });

  test('configure() takes the keys given and leaves the others as they were', () => {
    const headers = { login: 'me' };
    const client = new Client({ connectHeaders: headers, reconnectDelay: 100 });
    client.configure({});
    assert.equal(client.connectHeaders, headers);
    client.configure({ heartbeatIncoming: 0 });
    assert.equal(client.connectHeaders, headers);
    assert.equal(client.reconnectDelay, 100);
    assert.equal(client.heartbeatIncoming, 0);
  });

  test('a wrong value is a TypeError naming the option, and nothing of that configure() applies', () => {
    const wrong = { urls: 5, headers: 'x', versions: ['2.0'], strings: 5, ms: -1, count: 1.5, size: 0, multiplier: 0.5, fraction: 2, bool: 'yes', mode: 3, fn: 'not a function' };
    for (const spec of OPTIONS) {
      const [name, kind] = spec;
      const value = kind.startsWith('enum:') ? 'nope' : wrong[kind];
      const client = new Client({ reconnectDelay: 100 });
      assert.throws(() => client.configure({ reconnectDelay: 200, [name]: value }), (e) => e instanceof TypeError && e.message.includes(name), `${name} = ${String(value)}`);
      assert.equal(client.reconnectDelay, 100, `configure() with a bad ${name} applied nothing`);
      assert.throws(() => { client[name] = value; }, (e) => e instanceof TypeError && e.message.includes(name));
    }
    assert.throws(() => new Client({ brokerUrl: RABBIT }), /unknown option 'brokerUrl'/);
    assert.throws(() => new Client(5), TypeError);
  });

  test('numbers given as numeric strings are read as numbers (as stompjs\'s arithmetic would)', () => {
    const client = new Client({ heartbeatIncoming: '2500' });
    assert.equal(client.heartbeatIncoming, 2500);
  });

  test('client.debug can be wrapped, and then receives the log', async () => {
    const client = new Client({ brokerURL: RABBIT, connectHeaders: LOGIN });
    const original = client.debug;
    const lines = [];
    client.debug = (line) => {
      lines.push(line);
      original(line);
    };
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    await stop(client);
    assert.ok(lines.some((l) => l.startsWith('>>> CONNECT')), lines.join('\n'));
    assert.ok(lines.every((l) => !l.includes('guest') || !/passcode:guest/.test(l)), 'passcode never shown');
  });

  test('the broker URL is shown without its credentials or query values', async () => {
    const lines = [];
    const client = new Client({ brokerURL: 'ws://alice:s3cret@127.0.0.1:1/ws?access_token=tok123', reconnectDelay: 0, debug: (l) => lines.push(l) });
    client.activate();
    // reconnectDelay 0: after the failed attempt the client stays active, not reconnecting (as stompjs).
    await until(() => client.connectionState === 'failed', 5000, 'the failed attempt');
    const text = lines.join('\n');
    assert.match(text, /opening ws:\/\/[^@\s]+@127\.0\.0\.1:1\/ws\?access_token=\S+/, text);
    assert.ok(!text.includes('alice') && !text.includes('s3cret') && !text.includes('tok123'), text);
  });

  test('logRawCommunication shows received frames as stompjs does (the raw text), bytes that are not UTF-8 as TextDecoder shows them', async () => {
    const lines = [];
    const { client } = await connected({ logRawCommunication: true, debug: (l) => lines.push(l) });
    const destination = freshDestination();
    // Truncated and stray sequences between valid text (each maximal bad part is one U+FFFD).
    const bytes = new Uint8Array([0x61, 0xff, 0x62, 0xe4, 0xbd, 0x63, 0xf0, 0x9f, 0x91, 0xed, 0xa0, 0x80, 0xe4, 0xbd, 0xa0, 0xf0, 0x9f, 0x91, 0x8b, 0x80]);
    const got = new Promise((resolve) => client.subscribe(destination, resolve));
    await client.publish({ destination, binaryBody: bytes, receipt: true });
    await within(got, 5000, 'the message');
    await stop(client);
    const line = lines.find((l) => l.startsWith('<<< MESSAGE') && l.includes(destination));
    assert.ok(line, lines.join('\n'));
    assert.ok(line.includes(`\ncontent-length:${bytes.length}\n\n${new TextDecoder().decode(bytes)}\0`), JSON.stringify(line));
  });
});

describe('values users really pass', () => {
  test('numbers and booleans in headers are sent as strings (stompjs: String(value)); undefined leaves the header out', async () => {
    const { client } = await connected();
    const message = await roundTrip(client, { headers: { priority: 5, persistent: true, 'x-none': undefined } });
    assert.equal(message.headers.priority, '5');
    assert.equal(message.headers.persistent, 'true');
    assert.ok(!('x-none' in message.headers));
    // The same in connectHeaders (passcode: 1234 must not break the client either) and subscribe headers.
    const destination = freshDestination();
    const got = new Promise((resolve) => client.subscribe(destination, resolve, { 'prefetch-count': 1 }));
    await client.publish({ destination, body: 'x' });
    await within(got, 5000, 'the message with a numeric prefetch-count');
    await stop(client);
    const numeric = new Client({ brokerURL: RABBIT, connectHeaders: { login: 'guest', passcode: 1234 }, reconnectDelay: 0 });
    const watch = new Watch(numeric);
    numeric.activate();
    await watch.next('stompError'); // RabbitMQ refuses the passcode "1234": an ERROR, not a broken client
    await stop(numeric);
  });

  test('a binaryBody goes out as it was at publish(): changed afterwards (also from inside a callback), a view into a larger buffer, a Node Buffer, an ArrayBuffer, a subclass with hostile getters', async () => {
    const { client } = await connected();
    const destination = freshDestination();
    const got = [];
    const all = new Promise((resolve) => {
      client.subscribe(destination, (message) => {
        got.push(Array.from(message.binaryBody));
        if (got.length === 8) resolve();
      });
    });
    const reused = new Uint8Array([1, 2, 3]);
    await client.publish({ destination, binaryBody: reused, receipt: true });
    const plain = client.publish({ destination, binaryBody: reused });
    reused.fill(9); // after publish() returned: the frame is already what was given
    await plain;
    // From inside a callback the frame is written after the callback returns: still what was given.
    const fromCallback = new Promise((resolve) => {
      const sub = client.subscribe(`${destination}-trigger`, () => {
        sub.unsubscribe();
        reused.set([4, 5, 6]);
        client.publish({ destination, binaryBody: reused });
        reused.fill(0);
        resolve();
      });
    });
    await client.publish({ destination: `${destination}-trigger`, body: 'go', receipt: true });
    await within(fromCallback, 5000, 'the trigger message');
    const backing = new Uint8Array([7, 7, 10, 11, 12, 7]);
    client.publish({ destination, binaryBody: new DataView(backing.buffer, 2, 3) });
    client.publish({ destination, binaryBody: Buffer.from([13, 0, 14]) });
    client.publish({ destination, binaryBody: new Uint8Array([15, 16]).buffer });
    // Getters of a subclass that lie and call the client back are never what the client reads, on
    // either path (joined at once, or read into wasm: no content-length).
    let calls = 0;
    class Sneaky extends Uint8Array {
      get length() {
        calls += 1;
        client.publish({ destination: `${destination}-side`, body: 'from a getter' });
        return 1;
      }
    }
    client.publish({ destination, binaryBody: Sneaky.from([17, 18, 19]) });
    client.publish({ destination, binaryBody: Sneaky.from([20, 21]), skipContentLengthHeader: true });
    await within(all, 5000, 'the eight messages');
    await stop(client);
    assert.deepEqual(got, [[1, 2, 3], [1, 2, 3], [4, 5, 6], [10, 11, 12], [13, 0, 14], [15, 16], [17, 18, 19], [20, 21]]);
    assert.equal(calls, 0);
  });

  test('publish() rejects bad parameters with a TypeError naming the field, and the client goes on', async () => {
    const { client } = await connected();
    const cases = [
      [undefined, /publish\(\) takes/],
      [{ body: 'x' }, /'destination' must be a string/],
      [{ destination: 5 }, /'destination' must be a string/],
      [{ destination: '/queue/x', body: {} }, /'body' must be a string/],
      [{ destination: '/queue/x', binaryBody: 'x' }, /'binaryBody' must be a Uint8Array/],
      [{ destination: '/queue/x', headers: 'x' }, /'headers' must be an object/],
      [{ destination: '/queue/x', headers: { a: Symbol('s') } }, /symbol/],
      [{ destination: '/queue/x', headers: { a: 'x\0y' } }, /NUL/],
      [{ destination: '/queue/x\0y' }, /'destination' contains a NUL character/],
      [{ destination: '/queue/x', receipt: 'yes' }, /'receipt' must be a boolean/],
      [{ destination: '/queue/x', header: {} }, /unknown parameter 'header'/],
    ];
    for (const [params, pattern] of cases) {
      const error = await failure(() => client.publish(params));
      assert.ok(error instanceof TypeError, `${JSON.stringify(params)}: ${error}`);
      assert.match(error.message, pattern);
    }
    // Numbers and booleans as bodies are sent as text, as stompjs's string concatenation does.
    const destination = freshDestination();
    const got = new Promise((resolve) => client.subscribe(destination, resolve));
    await client.publish({ destination, body: 42 });
    assert.equal((await within(got, 5000, 'numeric body')).body, '42');
    await roundTrip(client);
    await stop(client);
  });

  test('getters and Proxies on the parameters may call the client back; user code never runs while the client is busy', async () => {
    const { client } = await connected();
    const destination = freshDestination();
    const received = [];
    client.subscribe(destination, (m) => received.push(m.body));
    let nested;
    const params = {
      destination,
      get body() {
        // Re-entrant: publish from inside a getter of another publish's parameters.
        nested = client.publish({ destination, body: 'from the getter' });
        return 'outer';
      },
      get headers() {
        return { state: client.connectionState, connected: client.connected };
      },
    };
    await client.publish(params);
    await nested;
    const proxy = new Proxy({ destination, body: 'through a Proxy' }, {
      get(target, key) {
        if (key === 'headers') client.reconnectDelay = 300; // a setter call from inside publish()
        return target[key];
      },
    });
    await client.publish(proxy);
    await until(() => received.length === 3, 5000, 'three messages');
    assert.deepEqual(received.sort(), ['from the getter', 'outer', 'through a Proxy'].sort());
    // A getter that throws rejects that publish only.
    const error = await failure(() => client.publish({ get destination() { throw new RangeError('boom'); } }));
    assert.ok(error instanceof RangeError);
    await roundTrip(client);
    await stop(client);
  });

  test('hostile values through every method (property-based): TypeErrors or Errors only, and afterwards a round trip works', async () => {
    const hostile = fc.oneof(
      fc.constantFrom(undefined, null, 0, -1, NaN, Infinity, true, false, '', '\0', 5n, Symbol('s'), [], {}, () => {}, new Date(0), new Uint8Array(3)),
      fc.string(),
      fc.integer(),
      fc.constant('x'.repeat(1 << 20)),
      fc.constant(new Proxy({}, { get() { throw new Error('proxy get'); }, ownKeys() { throw new Error('proxy keys'); } })),
      fc.constant({ get destination() { throw new Error('getter'); } }),
      fc.constant({ toString() { throw new Error('toString'); } }),
    );
    const { client, watch } = await connected({ debug: () => {} });
    const made = []; // subscriptions the calls made (the broker may refuse them)
    const calls = [
      (a, b, c) => client.publish(a),
      (a, b, c) => client.publish({ destination: a, body: b, headers: c }),
      (a, b, c) => client.subscribe(a, b, c),
      (a, b, c) => client.subscribe('/queue/hostile', () => {}, { id: a, ack: b }),
      (a, b) => client.unsubscribe(a, b),
      (a, b, c) => client.ack(a, b, c),
      (a, b, c) => client.nack(a, b, c),
      (a) => client.begin(a),
      (a) => client.commit(a),
      (a) => client.abort(a),
      (a, b) => client.watchForReceipt(a, b),
      (a, b) => client.on(a, b),
      (a, b) => client.off(a, b),
      (a) => client.configure(a),
      (a) => { client.heartbeatToleranceMultiplier = a; },
      (a) => { client.connectHeaders = a; },
      (a) => { client.onConnect = a; },
      (a) => { client.stompVersions = a; },
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(calls.length - 1), hostile, hostile, hostile, async (which, a, b, c) => {
        try {
          const result = await calls[which](a, b, c);
          if (result && typeof result.unsubscribe === 'function') made.push(result);
        } catch (error) {
          assert.ok(error instanceof Error, `call ${which} threw a non-Error: ${String(error)}`);
          assert.ok(!/unreachable|RuntimeError|borrow|unwrap/i.test(`${error.name} ${error.message}`), `call ${which}: ${error.stack}`);
        }
      }),
      { numRuns: 400, seed: 20261126 },
    );
    // Whatever those did to the options, put back what the round trip needs, then prove it works. The
    // broker may still answer some of those frames with ERROR (a 1 MiB destination, say) and close the
    // connection: the client must then reconnect by itself, and the round trip work on the new one. A
    // subscription the broker refuses would be refused again on every reconnect (as it should): end
    // those first.
    for (const subscription of made) {
      try {
        subscription.unsubscribe();
      } catch (error) {
        assert.ok(error instanceof Error);
      }
    }
    client.configure({ connectHeaders: LOGIN, stompVersions: Versions.default, heartbeatToleranceMultiplier: 2, reconnectDelay: 200 });
    client.onConnect = () => {};
    for (let attempt = 1; ; attempt++) {
      await until(() => client.connected, 10000, `connected again (${watch.summary()})`);
      try {
        await roundTrip(client);
        break;
      } catch (error) {
        if (attempt === 3 || !/connection lost/.test(error.message)) throw error;
      }
    }
    await stop(client);
  });

  test('callbacks may call any method; one that throws is reported and breaks nothing', async () => {
    const lines = [];
    const client = new Client({ brokerURL: RABBIT, connectHeaders: LOGIN, debug: (l) => lines.push(l) });
    const destination = freshDestination();
    const got = [];
    client.onConnect = () => {
      client.subscribe(destination, (m) => {
        got.push(m.body);
        client.publish({ destination: freshDestination(), body: 'from a callback' });
        throw new Error('a throwing subscription callback');
      });
      client.publish({ destination, body: 'one' });
      throw new Error('a throwing onConnect');
    };
    client.on('connect', () => client.configure({ reconnectDelay: 100 }));
    client.activate();
    await until(() => got.length === 1, 5000, 'the message');
    assert.ok(lines.some((l) => l.includes('onConnect callback threw: Error: a throwing onConnect')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('subscription callback threw')));
    await roundTrip(client);
    await stop(client);
  });
});

describe('re-entrancy from callbacks', () => {
  test("a socket whose send() throws (text and binary frames, joined on the JS side) is reported through onWebSocketError, and the client goes on", async () => {
    const thrown = [];
    const { client } = await connected({
      webSocketFactory: () => {
        const socket = new WebSocket(RABBIT, ['v12.stomp']);
        const send = socket.send.bind(socket);
        socket.send = (data) => {
          const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
          if (text.includes('boom')) throw new RangeError(`cannot send ${typeof data === 'string' ? 'text' : 'binary'}`);
          return send(data);
        };
        return socket;
      },
    });
    client.onWebSocketError = (error) => thrown.push(error.message);
    client.publish({ destination: freshDestination(), body: 'boom' });
    client.publish({ destination: freshDestination(), binaryBody: new TextEncoder().encode('boom') });
    assert.deepEqual(thrown, ['cannot send text', 'cannot send binary']);
    await roundTrip(client);
    await stop(client);
  });

  test('a webSocketFactory that throws a value whose toString calls the client back: reported, retried, and the client then works', async () => {
    let calls = 0;
    const client = new Client({ connectHeaders: LOGIN, reconnectDelay: 50 });
    const errors = [];
    client.onWebSocketError = (e) => errors.push(e);
    client.webSocketFactory = () => {
      calls += 1;
      if (calls === 1) {
        throw { toString() { return `thrown while ${client.connectionState} (${client.active})`; } };
      }
      return new WebSocket(RABBIT, ['v12.stomp']);
    };
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    assert.equal(errors.length, 1);
    assert.equal(calls, 2);
    await roundTrip(client);
    await stop(client);
  });

  test('a subscription callback that unsubscribes receives none of the rest of its batch; those go to onUnhandledMessage', async () => {
    const id = `batch-${Date.now()}`;
    const client = new Client({ brokerURL: broker.url('ok', { id }), reconnectDelay: 0 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    const delivered = [];
    const subscription = client.subscribe('/queue/batch', (m) => {
      delivered.push(m.body);
      subscription.unsubscribe();
    });
    const unhandled = [];
    client.onUnhandledMessage = (m) => unhandled.push(m.body);
    await until(async () => (await broker.records(id))[0]?.frames?.some((f) => f.command === 'SUBSCRIBE'), 5000, 'the SUBSCRIBE');
    const frame = (n) => `MESSAGE\ndestination:/queue/batch\nsubscription:${subscription.id}\nmessage-id:m${n}\ncontent-length:1\n\n${n}\0`;
    await broker.inject(id, frame(1) + frame(2) + frame(3));
    await until(() => unhandled.length === 2, 5000, `the rest of the batch as unhandled (${watch.summary()})`);
    assert.deepEqual(delivered, ['1']);
    assert.deepEqual(unhandled, ['2', '3']);
    await stop(client);
  });
});

describe('lifecycle (@stomp/stompjs 7.4+ semantics), against RabbitMQ', () => {
  test('the last of any sequence of activate()/deactivate() wins', async () => {
    for (const sequence of [['activate', 'deactivate'], ['activate', 'deactivate', 'activate'], ['activate', 'activate', 'deactivate', 'deactivate', 'activate'], ['deactivate', 'activate', 'deactivate']]) {
      const client = new Client({ brokerURL: RABBIT, connectHeaders: LOGIN, reconnectDelay: 200 });
      const watch = new Watch(client);
      const settled = [];
      for (const step of sequence) {
        if (step === 'activate') client.activate();
        else settled.push(client.deactivate());
      }
      await within(Promise.all(settled), 10000, `deactivate() Promises of ${sequence}`);
      if (sequence[sequence.length - 1] === 'activate') {
        await until(() => client.connected, 10000, `${sequence}: connected (${watch.summary()})`);
        await sleep(300);
        assert.equal(watch.count('connect'), 1, `${sequence}: connects once`);
        await roundTrip(client);
        await stop(client);
      } else {
        await sleep(500);
        assert.equal(client.connectionState, 'inactive', `${sequence}: inactive`);
        assert.equal(client.webSocket, undefined, 'no socket');
      }
    }
  });

  test('activate() right after a broker-side close connects once', async () => {
    const { client, watch } = await connected({ reconnectDelay: 2000 });
    execFileSync(`${ROOT}/scripts/broker`, ['close-all', 'lifecycle test'], { stdio: 'ignore' });
    await watch.next('webSocketClose');
    client.activate(); // already active (reconnecting): nothing to do
    client.reconnectNow();
    await watch.next('connect', { count: 2 });
    await sleep(2500);
    assert.equal(watch.count('connect'), 2, `one reconnect (${watch.summary()})`);
    await stop(client);
  });

  test('deactivate() from inside beforeConnect leaves the client inactive with no socket', async () => {
    const client = new Client({ brokerURL: RABBIT, connectHeaders: LOGIN });
    let settled;
    client.beforeConnect = (c) => {
      settled = c.deactivate();
    };
    client.activate();
    await within(settled, 5000, 'the deactivate() from beforeConnect');
    await sleep(300);
    assert.equal(client.connectionState, 'inactive');
    assert.equal(client.webSocket, undefined);
  });

  test('an async beforeConnect may change connectHeaders (read again before each attempt)', async () => {
    const client = new Client({ brokerURL: RABBIT, connectHeaders: { login: 'guest', passcode: 'wrong' }, reconnectDelay: 100 });
    const watch = new Watch(client);
    let calls = 0;
    client.beforeConnect = async () => {
      calls += 1;
      await sleep(20);
      if (calls === 2) client.connectHeaders.passcode = 'guest'; // a mutation, as stompjs users do
    };
    client.activate();
    await watch.next('connect');
    assert.equal(calls, 2);
    await stop(client);
  });

  test('deactivate({force: true}) discards the socket at once: no DISCONNECT, no onDisconnect, an unclean close, and it settles', async () => {
    const { client, watch } = await connected();
    let onDisconnect = 0;
    client.onDisconnect = () => { onDisconnect += 1; };
    const socket = client.webSocket;
    const sent = [];
    const send = socket.send.bind(socket);
    socket.send = (data, ...rest) => { sent.push(String(data)); return send(data, ...rest); };
    await within(client.deactivate({ force: true }), 2000, 'a forced deactivate');
    assert.equal(client.connectionState, 'inactive');
    assert.ok(!sent.some((d) => d.startsWith('DISCONNECT')), 'no DISCONNECT round trip');
    assert.equal(onDisconnect, 0, 'no onDisconnect');
    const [event] = await watch.next('webSocketClose');
    assert.equal(event.wasClean, false, `an unclean close (${JSON.stringify(event)})`);
    assert.equal(event.code, 4001);
  });

  test('a graceful deactivate() gets onDisconnect (the broker confirmed it)', async () => {
    const { client } = await connected();
    let frames = 0;
    client.onDisconnect = (frame) => { frames += frame.command === 'RECEIPT' ? 1 : 0; };
    await stop(client);
    assert.equal(frames, 1);
  });

  test('deactivate() while waiting to reconnect cancels the reconnect', async () => {
    const client = new Client({ brokerURL: 'ws://127.0.0.1:1/nothing', reconnectDelay: 300 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('reconnectScheduled');
    await within(client.deactivate(), 2000, 'deactivate');
    const attempts = watch.count('connectFailed');
    await sleep(800);
    assert.equal(watch.count('connectFailed'), attempts, 'no attempt after deactivate()');
    assert.equal(client.connectionState, 'inactive');
  });

  test('a broker that sends no heart-beat header at all is fine', async () => {
    const id = `no-hb-${Date.now()}`;
    const client = new Client({ brokerURL: broker.url('ok', { id, hb: 'none' }), reconnectDelay: 0 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    await roundTrip(client);
    await stop(client);
  });

  test('the enums have stompjs values', () => {
    assert.equal(ActivationState.ACTIVE, 0);
    assert.equal(ActivationState[2], 'INACTIVE');
    assert.equal(ReconnectionTimeMode.EXPONENTIAL, 1);
    assert.equal(TickerStrategy.Worker, 'worker');
    assert.equal(new Versions(['1.2', '1.1']).supportedVersions(), '1.2,1.1');
    assert.deepEqual(Versions.default.protocolVersions(), ['v12.stomp', 'v11.stomp', 'v10.stomp']);
  });
});

describe('time', () => {
  test('a wall clock that steps back an hour neither stops outgoing heart-beats nor, stepping forward, fakes a loss (the clock is monotonic)', async () => {
    const id = `clock-${Date.now()}`;
    // The test broker sends an EOL every 100 ms and expects ours as often.
    const client = new Client({ brokerURL: broker.url('ok', { id, hb: '100,100' }), heartbeatOutgoing: 100, heartbeatIncoming: 100, reconnectDelay: 0 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    const beats = async () => (await broker.records(id))[0].heartbeats;
    const realNow = Date.now;
    try {
      Date.now = () => realNow() - 3600000; // back an hour
      const before = await beats();
      await sleep(700);
      const sent = (await beats()) - before;
      assert.ok(sent >= 3, `heart-beats went on after the step back: ${sent} in 700 ms`);
      Date.now = () => realNow() + 3600000; // forward an hour
      await sleep(500);
      assert.equal(watch.count('heartbeatLost'), 0, 'no heart-beat loss faked by the step forward');
      assert.equal(client.connected, true);
    } finally {
      Date.now = realNow;
    }
    await stop(client);
  });
});

describe('delivery: at-least-once and backpressure (issue #14)', () => {
  const header = (frame, name) => (frame.headers.find(([n]) => n === name) || [])[1];

  test('an at-least-once publish is sent again after a dropped connection — after the SUBSCRIBE, before newer frames, with the same receipt and dedup-id — and resolves with the RECEIPT', async () => {
    const { fakeBroker } = await import('../support/stomp-peer.js');
    let connections = 0;
    const broker = fakeBroker({
      sync: false,
      onFrame(frame, connection) {
        // The first connection takes SENDs and never answers them, then dies.
        return connections === 1 && frame.command === 'SEND';
      },
    });
    const factory = () => {
      connections += 1;
      return broker.factory();
    };
    const client = new Client({ webSocketFactory: factory, reconnectDelay: 50, heartbeatIncoming: 0, heartbeatOutgoing: 0, delivery: 'at-least-once', keepSubscriptions: true });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    client.subscribe('/queue/in', () => {}); // kept across reconnects (keepSubscriptions)
    const first = client.publish({ destination: '/queue/out', body: 'one' });
    await until(() => broker.frames.some((f) => f.command === 'SEND'), 2000, 'the first SEND');
    broker.connections[0].close(1006, 'dropped');
    await watch.next('reconnectScheduled');
    const second = client.publish({ destination: '/queue/out', body: 'two' }); // queued meanwhile
    const [receipt] = await within(Promise.all([first, second]), 5000, 'both RECEIPTs');
    assert.equal(receipt.command, 'RECEIPT');
    const again = broker.connections[1].frames.map((f) => (f.command === 'SEND' ? `SEND ${f.body ? new TextDecoder().decode(f.body) : ''}` : f.command));
    assert.deepEqual(again.filter((c) => c !== 'CONNECT'), ['SUBSCRIBE', 'SEND one', 'SEND two']);
    const [firstSend] = broker.connections[0].frames.filter((f) => f.command === 'SEND');
    const [resent] = broker.connections[1].frames.filter((f) => f.command === 'SEND');
    assert.equal(header(resent, 'receipt'), header(firstSend, 'receipt'));
    assert.equal(header(resent, 'dedup-id'), header(firstSend, 'dedup-id'));
    assert.equal(header(resent, 'dedup-id'), header(resent, 'receipt'));
    await stop(client);
  });

  test('a plain publish made while reconnecting resolves once written; one that deactivate() discards rejects', async () => {
    const { fakeBroker } = await import('../support/stomp-peer.js');
    const broker = fakeBroker({ sync: false });
    const client = new Client({ webSocketFactory: broker.factory, reconnectDelay: 100, heartbeatIncoming: 0, heartbeatOutgoing: 0 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    broker.connections[0].close(1006, 'dropped');
    await watch.next('reconnectScheduled');
    let settled = false;
    const written = client.publish({ destination: '/queue/a', body: 'later' }).then(() => { settled = true; });
    await null;
    await null;
    assert.equal(client.connectionState, 'reconnecting');
    assert.equal(settled, false, 'not settled while it waits');
    await within(written, 3000, 'written after the reconnect');
    assert.ok(broker.connections[1].frames.some((f) => f.command === 'SEND'));
    broker.connections[1].close(1006, 'dropped');
    await watch.next('reconnectScheduled', { count: 2 });
    const discarded = client.publish({ destination: '/queue/a', body: 'never' });
    await stop(client);
    const error = await failure(() => discarded);
    assert.match(error.message, /given up before it was written/);
  });

  test('a refusal throws at the call, as stompjs; Promises nobody awaits end no Node process when given up later; the failures are reported', async () => {
    const { fakeBroker } = await import('../support/stomp-peer.js');
    const broker = fakeBroker({ sync: false });
    const client = new Client({ webSocketFactory: broker.factory, reconnectDelay: 100, heartbeatIncoming: 0, heartbeatOutgoing: 0, maxQueuedFrames: 2 });
    const watch = new Watch(client);
    client.debug = watch.debug();
    const before = escaped.length;
    client.activate();
    await watch.next('connect');
    broker.connections[0].close(1006, 'dropped');
    await watch.next('reconnectScheduled');
    // Two queued (none awaited), the third refused at the call (the queue holds 2).
    client.publish({ destination: '/queue/a', body: '1' });
    client.publish({ destination: '/queue/a', body: '2', delivery: 'at-least-once' });
    assert.throws(() => client.publish({ destination: '/queue/a', body: '3' }), (e) => e.code === 'QUEUE_FULL' && /maxQueuedFrames/.test(e.message));
    client.on('queueDiscarded', () => {});
    await client.deactivate();
    await sleep(50); // unhandled rejections are reported after the microtasks run
    assert.deepEqual(escaped.slice(before), [], 'no unhandled rejection');
    assert.ok(watch.debugLines.some((l) => /publish\(\): frame given up before it was written/.test(l)), `the give-up is in the debug log: ${watch.debugLines.join(' | ')}`);
    assert.equal(watch.count('queueDiscarded'), 1, 'the discard is reported');
    // A wrong parameter throws its TypeError; so does a publish on an inactive client, as stompjs.
    assert.throws(() => client.publish({ destination: 5 }), TypeError);
    assert.throws(() => client.publish({ destination: '/queue/a' }), (e) => e instanceof TypeError && /There is no underlying STOMP connection/.test(e.message));
  });

  test('backpressure: above maxBufferedAmount publishes wait, and settle in order as the socket drains', async () => {
    const { fakeBroker } = await import('../support/stomp-peer.js');
    const broker = fakeBroker({ sync: false });
    const client = new Client({ webSocketFactory: broker.factory, maxBufferedAmount: 1000, heartbeatIncoming: 0, heartbeatOutgoing: 0 });
    const watch = new Watch(client);
    client.activate();
    await watch.next('connect');
    const socket = broker.sockets[0];
    socket.bufferedAmount = 5000; // the network is slow: the socket holds more than it may
    const order = [];
    // The socket's buffered amount is read once what went out since the last read could reach the
    // limit: 1000-byte bodies make it every frame.
    const body = (n) => String(n).padEnd(1000, '.');
    const publishes = [1, 2, 3, 4].map((n) => client.publish({ destination: '/queue/a', body: body(n) }).then(() => order.push(n)));
    await sleep(50);
    const sends = () => broker.frames.filter((f) => f.command === 'SEND').length;
    assert.equal(sends(), 1, 'the first went out; the socket was then found full');
    assert.deepEqual(order, [1]);
    socket.bufferedAmount = 400; // drained below half
    await within(Promise.all(publishes), 2000, 'the waiting publishes');
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.equal(sends(), 4);
    // With it off, nothing waits.
    client.maxBufferedAmount = 0;
    socket.bufferedAmount = 1e9;
    await within(client.publish({ destination: '/queue/a', body: '5' }), 500, 'a publish with backpressure off');
    await stop(client);
  });
});
