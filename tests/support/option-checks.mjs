// Each option proven to take effect (issue #10, point 6), through the package's public API against the
// test broker, whose records show what the client really sent. Every check is built so that it fails if
// the option were ignored or wired to another setting (the neighbouring settings are set to values that
// would make a mis-wiring visible). STOMP 1.1 and 1.0 through the JS API: against the broker restricted
// to one version. Environment-neutral, like fault-checks.mjs: run-check.mjs runs them in Node and, where
// the browser matters, in Chromium.
import {
  watchedClient, expect, expectNoFaults, roundTrip, shutdown, until, within, quietWindow, freshDestination,
} from './client-watch.mjs';

/** A watched client on the test broker (not activated), reconnecting after 200 ms unless `options` say otherwise. */
function client(env, scenario, params, options = {}) {
  return watchedClient(env, scenario, params, { reconnectDelay: 200, ...options });
}

/** The frames a connection received with this command. */
function framesOf(record, command) {
  return record.frames.filter((f) => f.command === command);
}

/** A frame's header value (first of the name), as the broker parsed it. */
function header(frame, name) {
  const found = frame.headers.find(([n]) => n === name);
  return found ? found[1] : undefined;
}

/** Settles each publish in order; returns `{fulfilled, rejected: [Error…]}`. */
/** `client.publish(params)`, a refusal (thrown at the call) as a rejected Promise. */
function attempt(client, params) {
  try {
    return client.publish(params);
  } catch (error) {
    return Promise.reject(error);
  }
}

async function publishAll(client, params) {
  const settled = await Promise.allSettled(params.map((p) => attempt(client, p)));
  return {
    fulfilled: settled.filter((s) => s.status === 'fulfilled').length,
    rejected: settled.filter((s) => s.status === 'rejected').map((s) => s.reason),
    order: settled.map((s) => s.status),
  };
}

/** Waits for connection `nth` of this check to have received `count` frames of `command`. */
async function waitForFrames(env, nth, command, count, timeout = 10000) {
  let last = [];
  await until(async () => {
    const record = (await env.broker.records(env.id)).find((r) => r.nth === nth);
    last = record ? framesOf(record, command) : [];
    return last.length >= count;
  }, timeout, `${count} ${command} frame(s) on connection ${nth}`);
  return last;
}

// ----- the offline queue bounds -----

/** maxQueuedFrames: 2 → the third publish while connecting rejects; exactly two SENDs flushed. */
export async function maxQueuedFrames(env) {
  const { client: c, watch } = client(env, 'never-connected', { faulty: 1 },
    { connectionTimeout: 1000, maxQueuedFrames: 2, maxQueuedBytes: 1 << 20 });
  c.activate();
  const destination = freshDestination('/queue/frames');
  const result = await publishAll(c, ['q1', 'q2', 'q3'].map((body) => ({ destination, body })));
  expect(result.order.join() === 'fulfilled,fulfilled,rejected',
    `two frames queue, the third is refused: ${result.order} ${result.rejected.map(String)}`);
  await watch.next('connect', { timeout: 10000 });
  await c.publish({ destination, body: 'after', receipt: true });
  const sends = await waitForFrames(env, 2, 'SEND', 3);
  expect(sends.map((f) => f.body).join() === 'q1,q2,after', `flushed: ${sends.map((f) => f.body)}`);
  const message = String(result.rejected[0] && result.rejected[0].message);
  await shutdown(c);
  expectNoFaults();
  expect(/maxQueuedFrames/.test(message), `the rejection names the option maxQueuedFrames: "${message}"`);
  return { outcome: `third publish rejected ("${message}"), two flushed` };
}

/** maxQueuedBytes: 1000 with 300-byte bodies → refused before 1000 bytes queue; the rest flushed. */
export async function maxQueuedBytes(env) {
  const { client: c, watch } = client(env, 'never-connected', { faulty: 1 },
    { connectionTimeout: 1000, maxQueuedFrames: 100, maxQueuedBytes: 1000 });
  c.activate();
  const destination = freshDestination('/queue/bytes');
  const bodies = ['a', 'b', 'c', 'd', 'e'].map((l) => l.repeat(300));
  const result = await publishAll(c, bodies.map((body) => ({ destination, body })));
  expect(result.fulfilled >= 1 && result.fulfilled <= 3 && result.rejected.length === 5 - result.fulfilled,
    `300-byte frames stop queueing before 1000 bytes: ${result.order}`);
  expect(result.order.indexOf('rejected') === result.fulfilled, `once full, every later publish is refused: ${result.order}`);
  await watch.next('connect', { timeout: 10000 });
  await c.publish({ destination, body: 'after', receipt: true });
  const sends = await waitForFrames(env, 2, 'SEND', result.fulfilled + 1);
  expect(sends.length === result.fulfilled + 1, `exactly the queued frames were flushed: ${sends.length}`);
  const message = String(result.rejected[0] && result.rejected[0].message);
  await shutdown(c);
  expectNoFaults();
  expect(/maxQueuedBytes/.test(message), `the rejection names the option maxQueuedBytes: "${message}"`);
  return { outcome: `${result.fulfilled} of 5 × 300 bytes queued, the rest rejected ("${message}")` };
}

// ----- what goes on the wire -----

/** forceBinaryWSFrames: true → every message binary; false (default) → text. */
export async function forceBinaryWSFrames(env) {
  const kinds = {};
  for (const force of [true, false]) {
    const sub = { ...env, id: `${env.id}-${force}` };
    const { client: c, watch } = client(sub, 'ok', {}, force ? { forceBinaryWSFrames: true } : {});
    c.activate();
    await watch.next('connect');
    await roundTrip(c);
    await shutdown(c);
    const [record] = await env.broker.records(sub.id);
    kinds[force] = [...new Set(record.messages.filter((m) => m.kind !== 'close').map((m) => m.kind))];
  }
  expect(kinds.true.join() === 'binary', `forceBinaryWSFrames: true sends binary messages only: ${kinds.true}`);
  expect(kinds.false.join() === 'text', `by default frames go as text messages: ${kinds.false}`);
  expectNoFaults();
  return { outcome: 'binary messages with the option, text without' };
}

/** disconnectHeaders go on DISCONNECT only (and the property's setter takes effect), connectHeaders on CONNECT only. */
export async function disconnectHeaders(env) {
  const { client: c, watch } = client(env, 'ok', {},
    { connectHeaders: { 'x-hello': 'on-connect' }, disconnectHeaders: { 'x-bye': 'from-options' } });
  c.activate();
  await watch.next('connect');
  const [first] = await env.broker.records(env.id);
  const connect = framesOf(first, 'CONNECT')[0];
  expect(header(connect, 'x-hello') === 'on-connect' && header(connect, 'x-bye') === undefined,
    `CONNECT carries connectHeaders only: ${JSON.stringify(connect.headers)}`);
  c.disconnectHeaders = { 'x-bye': 'set-later', 'x-extra': '1' };
  await shutdown(c);
  const [record] = await env.broker.records(env.id);
  const disconnect = framesOf(record, 'DISCONNECT')[0];
  expect(disconnect, 'a DISCONNECT was sent');
  expect(header(disconnect, 'x-bye') === 'set-later' && header(disconnect, 'x-extra') === '1',
    `DISCONNECT carries the disconnectHeaders set last: ${JSON.stringify(disconnect.headers)}`);
  expect(header(disconnect, 'x-hello') === undefined, `DISCONNECT does not carry connectHeaders: ${JSON.stringify(disconnect.headers)}`);
  expect(header(disconnect, 'receipt'), 'DISCONNECT still asks for a receipt');
  expectNoFaults();
  return { outcome: 'x-bye on DISCONNECT (setter value), not on CONNECT' };
}

// ----- versions -----

/** stompVersions decides accept-version and the WebSocket subprotocols, as an array or a Versions. */
export async function stompVersions(env) {
  const outcomes = [];
  for (const [label, versions, expected] of [
    ['array', ['1.1'], '1.1'],
    ['Versions object', new env.Versions(['1.0']), '1.0'],
  ]) {
    const sub = { ...env, id: `${env.id}-${expected}` };
    const { client: c, watch } = client(sub, 'ok', {}, { stompVersions: versions });
    c.activate();
    await watch.next('connect');
    expect(c.connectedVersion === expected, `${label}: connectedVersion ${c.connectedVersion}, expected ${expected}`);
    const [record] = await env.broker.records(sub.id);
    const accept = header(framesOf(record, 'CONNECT')[0], 'accept-version');
    expect(accept === expected, `${label}: accept-version ${accept}, expected ${expected}`);
    const protocol = `v${expected.replace('.', '')}.stomp`;
    expect(record.protocols.join() === protocol, `${label}: subprotocols offered ${record.protocols}, expected ${protocol}`);
    await roundTrip(c);
    await shutdown(c);
    outcomes.push(`${label} → ${accept}`);
  }
  // No version in common: the broker's ERROR fails the attempt. (It answers the subprotocol offered, so
  // that the handshake succeeds and the STOMP negotiation is what fails.)
  const sub = { ...env, id: `${env.id}-none` };
  const { client: c, watch } = client(sub, 'ok', { versions: '1.0', subprotocol: 'v12.stomp' },
    { stompVersions: ['1.2'], reconnectDelay: 0 });
  c.activate();
  const [failed] = await watch.next('connectFailed');
  expect(watch.count('connect') === 0, 'no session without a common version');
  expect(failed.frame && failed.frame.headers.message === 'no common protocol version',
    `the broker's ERROR reaches connectFailed: ${JSON.stringify(failed)}`);
  await shutdown(c);
  expectNoFaults();
  return { outcome: `${outcomes.join(', ')}; no common version → connectFailed with the ERROR` };
}

/** A 1.1-only broker through the JS API: subscribe, publish, receipts, ACK/NACK as 1.1 has them, 1.1 escaping. */
export async function stomp11(env) {
  const { client: c, watch } = client(env, 'ok', { versions: '1.1' });
  c.activate();
  await watch.next('connect');
  expect(c.connectedVersion === '1.1', `connectedVersion ${c.connectedVersion}`);
  const destination = freshDestination('/queue/v11');
  const messages = [];
  const subscription = c.subscribe(destination, (m) => messages.push(m), { ack: 'client-individual' });
  const value = 'a:b\\c\nd';
  const receipt = await c.publish({ destination, body: 'one', headers: { 'x-esc': value }, receipt: true });
  expect(receipt && receipt.headers['receipt-id'], `publish resolves with the RECEIPT: ${JSON.stringify(receipt)}`);
  await c.publish({ destination, body: 'two' });
  await until(() => messages.length === 2, 10000, 'two messages');
  expect(messages[0].headers['x-esc'] === value, `1.1 unescapes what it escaped: ${JSON.stringify(messages[0].headers['x-esc'])}`);
  messages[0].ack();
  messages[1].nack();
  const acks = await waitForFrames(env, 1, 'ACK', 1);
  const nacks = await waitForFrames(env, 1, 'NACK', 1);
  const [record] = await env.broker.records(env.id);
  const sendText = record.messages.find((m) => m.text.startsWith('SEND') && m.text.includes('x-esc')).text;
  expect(sendText.includes('x-esc:a\\cb\\\\c\\nd\n'), `SEND escapes ':' '\\' and LF as 1.1 says: ${JSON.stringify(sendText)}`);
  for (const [frame, message] of [[acks[0], messages[0]], [nacks[0], messages[1]]]) {
    expect(header(frame, 'message-id') === message.headers['message-id'] && header(frame, 'subscription') === subscription.id,
      `${frame.command} names message-id and subscription (1.1): ${JSON.stringify(frame.headers)}`);
  }
  // A carriage return has no 1.1 escape: refused, not sent altered.
  const refused = await attempt(c, { destination, body: 'cr', headers: { 'x-cr': 'a\rb' } }).then(() => null, (e) => e);
  expect(refused instanceof Error, 'a CR in a header value is refused under 1.1');
  await roundTrip(c);
  await shutdown(c);
  expectNoFaults();
  return { outcome: `1.1: receipts, ACK/NACK with message-id+subscription, escaping; CR refused ("${refused.message}")` };
}

/** A 1.0-only broker through the JS API: no escaping, ACK by message-id, no NACK (a clear error), receipts. */
export async function stomp10(env) {
  const { client: c, watch } = client(env, 'ok', { versions: '1.0' });
  c.activate();
  await watch.next('connect');
  expect(c.connectedVersion === '1.0', `connectedVersion ${c.connectedVersion}`);
  const destination = freshDestination('/queue/v10');
  const messages = [];
  c.subscribe(destination, (m) => messages.push(m), { ack: 'client' });
  const receipt = await c.publish({ destination, body: 'one', headers: { 'x-raw': 'a:b\\c' }, receipt: true });
  expect(receipt && receipt.headers['receipt-id'], `publish resolves with the RECEIPT: ${JSON.stringify(receipt)}`);
  await until(() => messages.length === 1, 10000, 'the message');
  expect(messages[0].headers['x-raw'] === 'a:b\\c', `1.0 values travel as they are: ${JSON.stringify(messages[0].headers['x-raw'])}`);
  const [record] = await env.broker.records(env.id);
  const sendText = record.messages.find((m) => m.text.startsWith('SEND') && m.text.includes('x-raw')).text;
  expect(sendText.includes('x-raw:a:b\\c\n'), `SEND is not escaped under 1.0: ${JSON.stringify(sendText)}`);
  messages[0].ack();
  const [ack] = await waitForFrames(env, 1, 'ACK', 1);
  expect(header(ack, 'message-id') === messages[0].headers['message-id'], `ACK names the message-id: ${JSON.stringify(ack.headers)}`);
  let nackError = null;
  try {
    messages[0].nack();
  } catch (error) {
    nackError = error;
  }
  let clientNackError = null;
  try {
    c.nack(messages[0].headers['message-id'], messages[0].headers.subscription);
  } catch (error) {
    clientNackError = error;
  }
  const refused = await attempt(c, { destination, body: 'lf', headers: { 'x-lf': 'a\nb' } }).then(() => null, (e) => e);
  await roundTrip(c);
  const [after] = await env.broker.records(env.id);
  expect(framesOf(after, 'NACK').length === 0, 'no NACK frame reaches a 1.0 broker');
  expect(refused instanceof Error, 'a line feed in a header value is refused under 1.0 (no escapes)');
  await shutdown(c);
  expectNoFaults();
  for (const [what, error] of [['message.nack()', nackError], ['client.nack()', clientNackError]]) {
    expect(error instanceof Error && /1\.0|NACK/i.test(error.message),
      `${what} under 1.0 throws an Error saying NACK does not exist in 1.0: ${error && error.message}`);
  }
  return { outcome: `1.0: raw values, ACK by message-id, receipts; nack → "${nackError.message}"; LF refused` };
}

// ----- timing options -----

/** connectionTimeout: 300 fails an unanswered CONNECT; with 0, other short timeouts do not. */
export async function connectionTimeout(env) {
  const sub = { ...env, id: `${env.id}-on` };
  const { client: c, watch } = client(sub, 'never-connected', {},
    { connectionTimeout: 300, receiptTimeout: 600000, disconnectTimeout: 600000, reconnectDelay: 0 });
  c.activate();
  const [failed] = await watch.next('connectFailed', { timeout: 5000 });
  expect(/timeout/i.test(failed.reason), `connectFailed says timeout: ${JSON.stringify(failed)}`);
  await shutdown(c);
  // Off: neighbouring timeouts are short, yet the attempt keeps waiting.
  const off = { ...env, id: `${env.id}-off` };
  const { client: d, watch: dw } = client(off, 'never-connected', {},
    { connectionTimeout: 0, receiptTimeout: 100, disconnectTimeout: 100, reconnectDelay: 0 });
  d.activate();
  await until(async () => (await env.broker.records(off.id)).some((r) => r.frames.length > 0), 5000, 'CONNECT sent');
  await quietWindow(1000);
  expect(dw.count('connectFailed') === 0 && d.connectionState === 'connecting',
    `without connectionTimeout the attempt keeps waiting: ${dw.summary()}, ${d.connectionState}`);
  await shutdown(d);
  expectNoFaults();
  return { outcome: 'connectFailed timeout with 300 ms; none with 0 (receipt/disconnect timeouts short)' };
}

/**
 * reconnectSeed with reconnectJitter: the same seed gives the same delays, another seed others, and
 * clients given no seed draw their own (a fleet restarted together must not reconnect in lockstep).
 */
export async function reconnectSeed(env) {
  async function delays(seed, label) {
    const sub = { ...env, id: `${env.id}-${label}` };
    const seeded = seed === undefined ? {} : { reconnectSeed: seed };
    const { client: c, watch } = client(sub, 'error-close', {},
      { reconnectDelay: 100, reconnectJitter: 1, maxReconnectAttempts: 5, ...seeded });
    c.activate();
    await watch.next('reconnectScheduled', { count: 4, timeout: 10000 });
    await shutdown(c);
    return watch.all('reconnectScheduled').slice(0, 4).map(([detail]) => detail.delay);
  }
  const a = await delays(42, 'a');
  const b = await delays(42, 'b');
  const c = await delays(7, 'c');
  expect(a.every((d) => d >= 0 && d <= 100), `jittered delays stay within reconnectDelay: ${a}`);
  expect(a.join() === b.join(), `the same seed gives the same delays: ${a} vs ${b}`);
  expect(a.join() !== c.join(), `another seed gives other delays: ${a} vs ${c}`);
  const u = await delays(undefined, 'u');
  const v = await delays(undefined, 'v');
  expect(u.join() !== v.join(), `two clients without a seed draw different delays: ${u} vs ${v}`);
  expectNoFaults();
  return { outcome: `seed 42: [${a}] twice; seed 7: [${c}]; unseeded: [${u}] and [${v}]` };
}

/** heartbeatIncoming/heartbeatOutgoing negotiate with the peer's offer: EOLs both ways, no loss. */
export async function heartbeats(env) {
  const { client: c, watch } = client(env, 'ok', { hb: '200,200' }, { heartbeatIncoming: 200, heartbeatOutgoing: 200 });
  c.activate();
  await watch.next('connect');
  await watch.next('heartbeatReceived', { count: 3, timeout: 5000 });
  await until(async () => (await env.broker.records(env.id))[0].heartbeats >= 3, 5000, 'three EOLs from the client');
  expect(watch.count('heartbeatLost') === 0 && watch.count('webSocketClose') === 0, `no loss: ${watch.summary()}`);
  const [record] = await env.broker.records(env.id);
  expect(header(framesOf(record, 'CONNECT')[0], 'heart-beat') === '200,200', 'CONNECT offers 200,200');
  await roundTrip(c);
  await shutdown(c);
  expectNoFaults();
  return { outcome: `heart-beats both ways (${record.heartbeats} from the client so far), none lost` };
}

// ----- limits on received frames -----

async function frameLimit(env, option, value, limit, under, over) {
  const outcome = [];
  for (const [size, allowed] of [[under, true], [over, false]]) {
    const sub = { ...env, id: `${env.id}-${size}` };
    const { client: c, watch } = client(sub, 'over-limit', { limit, size }, { [option]: value, reconnectDelay: 0 });
    c.activate();
    await watch.next('connect');
    if (allowed) {
      const [message] = await watch.next('unhandledMessage');
      expect(message.headers['message-id'] === 'over-limit', `the frame within ${option} is received`);
      expect(watch.count('webSocketError') === 0, `no error within ${option}: ${watch.summary()}`);
      outcome.push(`${size} accepted`);
    } else {
      await until(() => watch.count('messageRefused') + watch.count('unhandledMessage') > 0, 10000, 'the refusal or the frame');
      expect(watch.count('messageRefused') === 1 && watch.count('unhandledMessage') === 0,
        `a frame over ${option} is refused, not received: ${watch.summary()}`);
      const [{ error, message }] = watch.all('messageRefused')[0];
      const text = String(error);
      expect(message.headers['message-id'] === 'over-limit', `the refused message keeps its headers`);
      outcome.push(`${size} refused ("${text}")`);
      await roundTrip(c);
      expect(watch.count('webSocketClose') === 0 && watch.count('webSocketError') === 0, `the connection stays up: ${watch.summary()}`);
      await shutdown(c);
      expectNoFaults();
      expect(new RegExp(`\\b${option}\\b`).test(text), `the refusal names the option ${option}: "${text}"`);
      break;
    }
    await shutdown(c);
  }
  return { outcome: `${option}: ${value} → ${outcome.join(', ')}` };
}

/** maxBodyBytes: 1000 → a 1000-byte body is received, 1001 bytes is skipped and reported (`messageRefused`) naming it. */
export const maxBodyBytes = (env) => frameLimit(env, 'maxBodyBytes', 1000, 'body', 1000, 1001);
/** maxHeaders: 10 → 10 headers received, 11 refused. */
export const maxHeaders = (env) => frameLimit(env, 'maxHeaders', 10, 'headers', 10, 11);
/** maxHeaderBytes: 1024 → a 500-byte header value received, a 2000-byte one refused. */
export const maxHeaderBytes = (env) => frameLimit(env, 'maxHeaderBytes', 1024, 'header-bytes', 500, 2000);

// ----- debug and redaction -----

/** redactHeaders hides those values (and passcode) from debug, but still sends them. */
export async function redactHeaders(env) {
  const secrets = { token: 'SECRET-TOKEN-123', passcode: 'PASS-456', publish: 'SECRET-PUBLISH-789' };
  async function run(redact, label) {
    const sub = { ...env, id: `${env.id}-${label}` };
    const lines = [];
    const { client: c, watch } = client(sub, 'ok', {}, {
      connectHeaders: { login: 'u', passcode: secrets.passcode, 'x-token': secrets.token },
      debug: (line) => lines.push(String(line)),
      ...(redact ? { redactHeaders: ['x-token'] } : {}),
    });
    c.activate();
    await watch.next('connect');
    await c.publish({ destination: freshDestination('/queue/redact'), body: 'b', headers: { 'x-token': secrets.publish }, receipt: true });
    await shutdown(c);
    const [record] = await env.broker.records(sub.id);
    return { log: lines.join('\n'), record };
  }
  const plain = await run(false, 'plain');
  const redacted = await run(true, 'redacted');
  expect(plain.log.includes(secrets.token), 'control: without redactHeaders, debug shows x-token (so the check can fail)');
  expect(!plain.log.includes(secrets.passcode), 'passcode is never shown');
  expect(redacted.log.includes('x-token'), 'the redacted header is still named in debug');
  expect(!redacted.log.includes(secrets.token) && !redacted.log.includes(secrets.publish),
    `redactHeaders hides the values on CONNECT and SEND: ${redacted.log.split('\n').filter((l) => l.includes('x-token')).join(' | ')}`);
  const connect = framesOf(redacted.record, 'CONNECT')[0];
  expect(header(connect, 'x-token') === secrets.token, 'the broker still receives the real value');
  expectNoFaults();
  return { outcome: 'x-token and passcode values absent from debug, present on the wire' };
}

// ----- the unhandled callbacks -----

/** onUnhandledMessage / onUnhandledReceipt / onUnhandledFrame each get their frame, and only theirs. */
export async function onUnhandled(env) {
  const { client: c, watch } = client(env, 'ok', {});
  const seen = { message: [], receipt: [], frame: [] };
  c.onUnhandledMessage = (m) => seen.message.push(m);
  c.onUnhandledReceipt = (f) => seen.receipt.push(f);
  c.onUnhandledFrame = (f) => seen.frame.push(f);
  c.activate();
  await watch.next('connect');
  await env.broker.inject(env.id, 'MESSAGE\ndestination:/nowhere\nsubscription:nobody\nmessage-id:x-1\n\nstray\0');
  await until(() => seen.message.length + seen.receipt.length + seen.frame.length >= 1, 5000, 'the stray MESSAGE');
  await env.broker.inject(env.id, 'RECEIPT\nreceipt-id:nobody-asked\n\n\0');
  await until(() => seen.message.length + seen.receipt.length + seen.frame.length >= 2, 5000, 'the stray RECEIPT');
  await env.broker.inject(env.id, 'SEND\ndestination:/odd\n\nnot for a client\0');
  await until(() => seen.message.length + seen.receipt.length + seen.frame.length >= 3, 5000, 'the client frame');
  // After unsubscribe(), a message for that id is unhandled too (as stompjs).
  const destination = freshDestination('/queue/unsub');
  const subscription = c.subscribe(destination, () => { throw new Error('called after unsubscribe'); });
  subscription.unsubscribe();
  await env.broker.inject(env.id, `MESSAGE\ndestination:${destination}\nsubscription:${subscription.id}\nmessage-id:x-2\n\nlate\0`);
  await until(() => seen.message.length + seen.receipt.length + seen.frame.length >= 4, 5000, 'the late MESSAGE');
  expect(seen.message.map((m) => m.body).join() === 'stray,late', `onUnhandledMessage: ${seen.message.map((m) => m.body)}`);
  expect(seen.receipt.length === 1 && seen.receipt[0].headers['receipt-id'] === 'nobody-asked', `onUnhandledReceipt: ${seen.receipt.length}`);
  expect(seen.frame.length === 1 && seen.frame[0].command === 'SEND', `onUnhandledFrame: ${seen.frame.map((f) => f.command)}`);
  expect(watch.count('webSocketClose') === 0, `the connection stays up: ${watch.summary()}`);
  await roundTrip(c);
  await shutdown(c);
  expectNoFaults();
  return { outcome: 'each callback got its frame only; a message after unsubscribe() is unhandled' };
}

/** Every check: [test title, export, run in Chromium too]. */
export const CHECKS = [
  ['maxQueuedFrames bounds the offline queue', 'maxQueuedFrames', false],
  ['maxQueuedBytes bounds the offline queue', 'maxQueuedBytes', false],
  ['forceBinaryWSFrames sends binary messages', 'forceBinaryWSFrames', true],
  ['disconnectHeaders go on DISCONNECT', 'disconnectHeaders', false],
  ['stompVersions decides accept-version and subprotocols', 'stompVersions', true],
  ['a 1.1-only peer: subscribe, publish, receipts, ACK/NACK, 1.1 escaping', 'stomp11', false],
  ['a 1.0-only peer: no escaping, ACK by message-id, no NACK, receipts', 'stomp10', false],
  ['connectionTimeout fails an unanswered CONNECT', 'connectionTimeout', true],
  ['reconnectSeed makes reconnectJitter repeatable', 'reconnectSeed', true],
  ['heartbeatIncoming/heartbeatOutgoing negotiate with the peer', 'heartbeats', true],
  ['maxBodyBytes limits received bodies', 'maxBodyBytes', false],
  ['maxHeaders limits received header counts', 'maxHeaders', false],
  ['maxHeaderBytes limits received heads', 'maxHeaderBytes', false],
  ['redactHeaders hides values from debug', 'redactHeaders', false],
  ['onUnhandledMessage, onUnhandledReceipt, onUnhandledFrame each get theirs', 'onUnhandled', true],
];
