// Issue 19 ("Drop-in for real"), what publish() does with what it is given (docs/delivery.md §1–2): the
// tight publishing loop, the synchronous refusals, frames from inside callbacks written before the call
// returns, and the raw-communication log. Each scenario runs through the package's Client and through
// @stomp/stompjs 7.5 against RabbitMQ (dropin-both.mjs) where stompjs is the oracle. Environment-neutral:
// tests/js/dropin.test.mjs runs each check in a Node child and in a Chromium page (run-check.mjs).
import { freshDestination, expectNoFaults } from './client-watch.mjs';
import {
  both, connect, expect, expectEqual, expectSame, loadStompjs, outcomeOf, rabbitConsumer, rabbitOptions, settleCount, within,
} from './dropin-both.mjs';

const TIGHT_LOOP = 20000;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A 200-byte ASCII body numbered `i`. */
function body200(i) {
  return `message ${i} `.padEnd(200, '.');
}

/** What a socket was given, as text (a string, or the UTF-8 of an ArrayBuffer or a view). */
function asText(data) {
  if (typeof data === 'string') return data;
  return text.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function byteLength(data) {
  return typeof data === 'string' ? utf8.encode(data).length : data.byteLength;
}

/** The first line of a frame written to the socket (its command; '' for a heart-beat). */
function commandOf(data) {
  return asText(data).split('\n')[0];
}

/**
 * Replaces `socket.send` with a spy that records every call and forwards it; throws a clear error when
 * `socket` is not a socket (`client.webSocket` read inside onConnect).
 */
function spyOnSend(socket) {
  expect(socket && typeof socket.send === 'function', `client.webSocket inside onConnect is the socket: ${socket}`);
  const calls = [];
  const original = socket.send;
  socket.send = function (data) {
    calls.push(data);
    return original.apply(this, arguments);
  };
  return calls;
}

/**
 * The loop of the issue, `for (…) client.publish({ destination, body })` with no await, through `make`'s
 * client while connected; a stompjs consumer counts what RabbitMQ delivers. Resolves to what happened.
 */
async function publishLoop(make, stompjs, options = {}) {
  const destination = freshDestination('/topic/dropin-loop');
  const consumer = await rabbitConsumer(stompjs, destination);
  try {
    const client = make(rabbitOptions(options));
    await connect(client);
    const counts = { threw: 0, rejected: 0, firstError: null };
    const started = Date.now();
    for (let i = 0; i < TIGHT_LOOP; i++) {
      try {
        const result = client.publish({ destination, body: body200(i) });
        if (result && typeof result.then === 'function') {
          result.then(null, (error) => {
            counts.rejected += 1;
            counts.firstError = counts.firstError || `rejected: ${error && error.message}`;
          });
        }
      } catch (error) {
        counts.threw += 1;
        counts.firstError = counts.firstError || `threw: ${error && error.message}`;
      }
    }
    const delivered = await settleCount(() => consumer.received.length, TIGHT_LOOP);
    const seconds = (Date.now() - started) / 1000;
    expect(!consumer.failure(), `the consumer stayed connected: ${consumer.failure()}`);
    return { delivered, seconds, ...counts };
  } finally {
    await consumer.close();
  }
}

function loopSummary(name, r) {
  return `${name}: ${r.delivered}/${TIGHT_LOOP} delivered in ${r.seconds.toFixed(1)} s (threw ${r.threw}, rejected ${r.rejected}${r.firstError ? `, first: ${r.firstError}` : ''})`;
}

/**
 * 19.0: 20,000 × 200 B published in a loop without await, while connected, at-most-once: RabbitMQ
 * delivers all 20,000 from both clients; no publish throws or rejects.
 */
export async function tightLoopAtMostOnce(env) {
  const r = await both(env, ({ make, stompjs }) => publishLoop(make, stompjs));
  const summary = `${loopSummary('ours', r.ours)}; ${loopSummary('stompjs', r.stompjs)}`;
  expect(r.stompjs.delivered === TIGHT_LOOP, `stompjs delivers every message (the oracle): ${summary}`);
  expect(r.ours.threw === 0 && r.ours.rejected === 0, `no publish is refused while connected: ${summary}`);
  expect(r.ours.delivered === TIGHT_LOOP, `ours delivers every message, as stompjs: ${summary}`);
  expectNoFaults();
  return { outcome: summary };
}

/** 19.0: the same loop with `delivery: 'at-least-once'` delivers all 20,000 (stompjs has no such mode). */
export async function tightLoopAtLeastOnce(env) {
  const stompjs = await loadStompjs(env);
  const made = [];
  const make = (options) => {
    const client = new env.Client(options);
    made.push(client);
    return client;
  };
  try {
    const r = await publishLoop(make, stompjs, { delivery: 'at-least-once' });
    const summary = loopSummary('ours, at-least-once', r);
    expect(r.threw === 0 && r.rejected === 0, `no publish is refused while connected: ${summary}`);
    expect(r.delivered >= TIGHT_LOOP, `every message delivered (duplicates allowed): ${summary}`);
    expectNoFaults();
    return { outcome: summary };
  } finally {
    for (const client of made) await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
  }
}

/**
 * Publishes 20 messages through `client` (not connected), `maxQueuedFrames: 10`: the first 10 are
 * accepted, the 11th and every later one throw at the call an Error with code QUEUE_FULL naming
 * maxQueuedFrames. Returns the first 10 bodies.
 */
function publishTwentyCapped(client, destination, label) {
  const accepted = [];
  const rejections = [];
  for (let i = 0; i < 20; i++) {
    const body = `${label} ${i}`;
    const outcome = outcomeOf(() => client.publish({ destination, body }));
    if (i < 10) {
      expect(!outcome.threw, `${label}: publish #${i + 1} of 20 is accepted (maxQueuedFrames 10): it threw ${outcome.threw}`);
      const promise = outcome.returned;
      expect(promise && typeof promise.then === 'function', `${label}: publish #${i + 1} returns a Promise`);
      promise.then(null, (error) => rejections.push(`#${i + 1}: ${error && error.message}`));
      accepted.push(body);
    } else {
      const error = outcome.threw;
      if (outcome.returned && typeof outcome.returned.then === 'function') outcome.returned.then(null, () => {});
      expect(error instanceof Error, `${label}: publish #${i + 1} throws synchronously (the queue holds maxQueuedFrames 10): it returned ${outcome.returned}`);
      expect(error.code === 'QUEUE_FULL', `${label}: the error of publish #${i + 1} has code QUEUE_FULL: ${error.code} (${error.message})`);
      expect(/maxQueuedFrames/.test(error.message), `${label}: the error of publish #${i + 1} names maxQueuedFrames: ${error.message}`);
    }
  }
  return { accepted, rejections };
}

/**
 * 19.0: with `maxQueuedFrames: 10`, 20 publishes made after activate() and before the first CONNECTED:
 * the 11th throws (QUEUE_FULL, naming maxQueuedFrames); the first 10 are delivered once connected.
 */
export async function queueFullThrowsBeforeConnected(env) {
  const stompjs = await loadStompjs(env);
  const destination = freshDestination('/topic/dropin-capped');
  const consumer = await rabbitConsumer(stompjs, destination);
  const client = new env.Client(rabbitOptions({ maxQueuedFrames: 10 }));
  try {
    client.activate();
    expect(!client.connected, 'not connected yet right after activate()');
    const { accepted, rejections } = publishTwentyCapped(client, destination, 'before CONNECTED');
    await settleCount(() => consumer.received.length, 10, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more may come
    const bodies = consumer.received.map((m) => m.body);
    expectEqual(bodies, accepted, 'the first 10 are delivered after connecting, in order, and nothing else');
    expect(rejections.length === 0, `no accepted publish rejects: ${rejections.join('; ')}`);
    expectNoFaults();
    return { outcome: `10 accepted and delivered, publishes 11–20 threw QUEUE_FULL` };
  } finally {
    await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
    await consumer.close();
  }
}

/** 19.0: the same cap while reconnecting (after forceDisconnect()): the 11th throws, 10 delivered after. */
export async function queueFullThrowsWhileReconnecting(env) {
  const stompjs = await loadStompjs(env);
  const destination = freshDestination('/topic/dropin-capped');
  const consumer = await rabbitConsumer(stompjs, destination);
  const client = new env.Client(rabbitOptions({ maxQueuedFrames: 10, reconnectDelay: 500 }));
  try {
    await connect(client);
    const closed = new Promise((resolve) => { client.onWebSocketClose = resolve; });
    client.forceDisconnect();
    await within(closed, 5000, 'onWebSocketClose after forceDisconnect()');
    expect(!client.connected && client.active, `reconnecting: connected ${client.connected}, active ${client.active}`);
    const { accepted, rejections } = publishTwentyCapped(client, destination, 'while reconnecting');
    await settleCount(() => consumer.received.length, 10, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectEqual(consumer.received.map((m) => m.body), accepted, 'the first 10 are delivered after the reconnect, in order, and nothing else');
    expect(rejections.length === 0, `no accepted publish rejects: ${rejections.join('; ')}`);
    expectNoFaults();
    return { outcome: '10 accepted and delivered after the reconnect, publishes 11–20 threw QUEUE_FULL' };
  } finally {
    await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
    await consumer.close();
  }
}

/**
 * 19.0: publish() on an inactive client (never activated; after deactivate()) throws synchronously a
 * TypeError saying "There is no underlying STOMP connection", as stompjs's does; no unhandled rejection.
 */
export async function publishOnInactiveThrows(env) {
  const r = await both(env, async ({ make }) => {
    const seen = {};
    const never = make(rabbitOptions());
    const first = outcomeOf(() => never.publish({ destination: '/topic/dropin-inactive', body: 'x' }));
    if (first.returned && typeof first.returned.then === 'function') first.returned.then(null, () => {});
    seen.neverActivated = first.threw ? { name: first.threw.name, message: first.threw.message } : `returned ${first.returned}`;
    const client = make(rabbitOptions());
    await connect(client);
    await client.deactivate();
    const after = outcomeOf(() => client.publish({ destination: '/topic/dropin-inactive', body: 'x' }));
    if (after.returned && typeof after.returned.then === 'function') after.returned.then(null, () => {});
    seen.afterDeactivate = after.threw ? { name: after.threw.name, message: after.threw.message } : `returned ${after.returned}`;
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled rejection would show by now
    return seen;
  });
  for (const when of ['neverActivated', 'afterDeactivate']) {
    for (const name of ['stompjs', 'ours']) {
      const seen = r[name][when];
      expect(typeof seen === 'object' && seen.name === 'TypeError' && seen.message.includes('There is no underlying STOMP connection'),
        `${name}, ${when}: publish() throws a TypeError "There is no underlying STOMP connection": ${JSON.stringify(seen)}`);
    }
  }
  expectNoFaults();
  return { outcome: `ours: ${r.ours.neverActivated.message}` };
}

/**
 * The spy scenario of 19.1: inside onConnect, a spy on client.webSocket.send, then publish, subscribe,
 * publish; inside the first message callback, publish and subscribe. Resolves to the spy's counts
 * right after each call returned, and the commands it saw.
 */
async function spyScenario({ make }) {
  const destination = freshDestination('/topic/dropin-spy');
  const client = make(rabbitOptions());
  const seen = {};
  let calls = [];
  const done = new Promise((resolve, reject) => {
    client.onConnect = () => {
      try {
        calls = spyOnSend(client.webSocket);
        client.publish({ destination: `${destination}-a`, body: 'from onConnect' });
        seen.onConnectAfterPublish = calls.length;
        client.subscribe(destination, () => {
          if (seen.inMessageCallback) return;
          const before = calls.length;
          client.publish({ destination: `${destination}-b`, body: 'from a message callback' });
          const afterPublish = calls.length - before;
          client.subscribe(`${destination}-c`, () => {});
          seen.inMessageCallback = { afterPublish, afterSubscribe: calls.length - before };
          resolve();
        });
        seen.onConnectAfterSubscribe = calls.length;
        client.publish({ destination, body: 'trigger' });
        seen.onConnectAfterSecondPublish = calls.length;
      } catch (error) {
        reject(error);
      }
    };
  });
  client.activate();
  await within(done, 10000, 'the message callback');
  seen.commands = calls.map(commandOf);
  return seen;
}

/**
 * 19.1: inside onConnect and inside a message callback, a spy put on client.webSocket.send sees each
 * SEND and SUBSCRIBE before publish()/subscribe() returns: the same counts and commands as stompjs's.
 */
export async function callbackFramesReachTheSocketAtOnce(env) {
  const r = await both(env, spyScenario);
  const expected = {
    onConnectAfterPublish: 1,
    onConnectAfterSubscribe: 2,
    onConnectAfterSecondPublish: 3,
    inMessageCallback: { afterPublish: 1, afterSubscribe: 2 },
    commands: ['SEND', 'SUBSCRIBE', 'SEND', 'SEND', 'SUBSCRIBE'],
  };
  expectEqual(r.stompjs, expected, 'stompjs (the oracle) against the expectation');
  expectSame(r.ours, r.stompjs, 'what the spy saw right after each call returned');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** Activates `client` and resolves to what `body` returns when run inside its onConnect (or rejects with its throw). */
function inOnConnect(client, body) {
  const done = new Promise((resolve, reject) => {
    client.onConnect = () => {
      try {
        resolve(body());
      } catch (error) {
        reject(error);
      }
    };
  });
  client.activate();
  return within(done, 10000, 'onConnect');
}

/**
 * 19.1: a 20 KiB ASCII body published from onConnect with splitLargeFrames and maxWebSocketChunkSize
 * 1000 is already cut into pieces of at most 1000 bytes when publish() returns — as many as stompjs's.
 */
export async function callbackFramesAreSplitAtOnce(env) {
  const body = 'a'.repeat(20 * 1024);
  const r = await both(env, async ({ make }) => {
    const destination = `/topic/dropin-split-${env.id}`;
    const client = make(rabbitOptions({ splitLargeFrames: true, maxWebSocketChunkSize: 1000 }));
    return inOnConnect(client, () => {
      const calls = spyOnSend(client.webSocket);
      client.publish({ destination, body });
      const pieces = calls.slice();
      const joined = pieces.map(asText).join('');
      return {
        pieces: pieces.length,
        largest: pieces.length ? Math.max(...pieces.map(byteLength)) : 0,
        wholeFrame: joined.startsWith('SEND\n') && joined.endsWith(`${body}\0`),
      };
    });
  });
  expect(r.stompjs.pieces >= 20 && r.stompjs.wholeFrame, `stompjs splits it before publish() returns: ${JSON.stringify(r.stompjs)}`);
  expect(r.ours.pieces > 0, `ours: the frame reached the socket before publish() returned: ${JSON.stringify(r.ours)}`);
  expect(r.ours.largest <= 1000, `ours: no piece over maxWebSocketChunkSize: ${JSON.stringify(r.ours)}`);
  expect(r.ours.wholeFrame, `ours: the pieces make up the SEND frame: ${JSON.stringify(r.ours)}`);
  expectSame(r.ours.pieces, r.stompjs.pieces, 'the number of pieces (an ASCII frame)');
  expectNoFaults();
  return { outcome: `${r.ours.pieces} pieces of at most ${r.ours.largest} B before publish() returned` };
}

/** 19.1: with logRawCommunication, the `>>> SEND` line of a publish from onConnect is logged before publish() returns. */
export async function callbackFramesAreLoggedAtOnce(env) {
  const r = await both(env, async ({ make, name, log }) => {
    const client = make(rabbitOptions({ logRawCommunication: true }));
    return inOnConnect(client, () => {
      const mark = log.lines(name).length;
      client.publish({ destination: `/topic/dropin-log-${env.id}`, body: 'logged at once' });
      return log.lines(name).slice(mark).filter((l) => l.startsWith('>>> ')).map((l) => l.split('\n')[0]);
    });
  });
  expectEqual(r.stompjs, ['>>> SEND'], 'stompjs (the oracle): the >>> lines logged while publish() ran');
  expectSame(r.ours, r.stompjs, 'the >>> lines logged while publish() ran');
  expectNoFaults();
  return { outcome: 'logged before publish() returned' };
}

/** A raw frame text with the values of the named headers replaced by `<…>` (they differ per connection). */
function normalise(line, names) {
  if (!line) return line;
  return line.split('\n').map((l) => {
    const colon = l.indexOf(':');
    return colon > 0 && names.includes(l.slice(0, colon)) ? `${l.slice(0, colon)}:<${l.slice(0, colon)}>` : l;
  }).join('\n');
}

/**
 * 19.2: logRawCommunication logs the raw frame text, as stompjs: `>>> ` and the SEND exactly as written
 * (command, headers in the order sent, content-length, body, NUL); `<<< ` and CONNECTED and MESSAGE as
 * received. The CONNECT line matches stompjs's except that ours never shows the passcode (redacted on
 * purpose, docs/migrating.md).
 */
export async function rawCommunicationLog(env) {
  const destination = freshDestination('/topic/dropin-raw');
  const body = 'The raw log shows this body: 37 bytes';
  const r = await both(env, async ({ make, name, log }) => {
    const client = make(rabbitOptions({ logRawCommunication: true }));
    await connect(client);
    const received = new Promise((resolve) => client.subscribe(destination, resolve, { id: 'raw-sub' }));
    client.publish({ destination, headers: { 'x-first': '1', 'x-second': 'two' }, body });
    await within(received, 10000, 'the message back');
    await client.deactivate();
    const lines = log.lines(name);
    const find = (prefix) => lines.find((l) => l.startsWith(prefix));
    return {
      connect: find('>>> CONNECT'),
      send: find('>>> SEND'),
      connected: normalise(find('<<< CONNECTED'), ['session']),
      message: normalise(find('<<< MESSAGE'), ['message-id', 'ack']),
      passcodeShown: lines.some((l) => l.includes('passcode:guest')),
    };
  });
  expect(utf8.encode(body).length === 37, 'the body is 37 bytes');
  expect(r.stompjs.send === `>>> SEND\ndestination:${destination}\nx-first:1\nx-second:two\ncontent-length:37\n\n${body}\0`,
    `stompjs's SEND line (the oracle): ${JSON.stringify(r.stompjs.send)}`);
  expectSame(r.ours.send, r.stompjs.send, 'the >>> SEND line');
  expectSame(r.ours.connected, r.stompjs.connected, 'the <<< CONNECTED line (session value aside)');
  expectSame(r.ours.message, r.stompjs.message, 'the <<< MESSAGE line (message-id and ack values aside)');
  expect(!r.ours.passcodeShown, 'ours never shows the passcode');
  const withoutPasscode = (line) => (line || '').split('\n').filter((l) => !l.startsWith('passcode:')).join('\n');
  expectSame(withoutPasscode(r.ours.connect), withoutPasscode(r.stompjs.connect), 'the >>> CONNECT line, passcode aside');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours.send) };
}
