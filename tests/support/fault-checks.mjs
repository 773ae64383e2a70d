// The client against each fault of the test broker (issue #11): the expected event, no hang, no panic,
// and recovery once the fault stops (every URL says faulty=1: the first connection misbehaves, the next
// ones are correct). Environment-neutral: run-check.mjs runs each check in a Node child process (pkg/node)
// and in a headless Chromium page (pkg/web). A check throws on a failed expectation and returns
// `{ outcome }`, one line for the scenario × outcome table.
import {
  Watch, expect, expectNoFaults, roundTrip, shutdown, until, within, countTimers, quietWindow, freshDestination,
} from './client-watch.mjs';

/** A client on `scenario` of the test broker, watched, activated. */
function start(env, scenario, params = {}, options = {}) {
  const client = new env.Client({
    brokerURL: env.broker.url(scenario, { id: env.id, faulty: 1, ...params }),
    reconnectDelay: 200,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    ...options,
  });
  const watch = new Watch(client);
  client.debug = watch.debug();
  client.activate();
  return { client, watch };
}

/** Round trip on the (now correct) connection, deactivate, no faults; the outcome line. */
async function recover(client, watch, outcome) {
  await roundTrip(client);
  await shutdown(client);
  expectNoFaults();
  return { outcome: `${outcome}; then round trip ok`, events: watch.summary() };
}

function errorText(error) {
  return String((error && (error.message || error.reason || error.type)) || error);
}

/** Half a MESSAGE, then TCP dropped: a close, a reconnect, the same subscription re-sent, no message. */
export async function dropMidFrame(env) {
  const { client, watch } = start(env, 'drop-mid-frame');
  const destination = freshDestination('/queue/drop');
  const messages = [];
  const subscription = client.subscribe(destination, (message) => messages.push(message.body));
  const [close] = await watch.next('webSocketClose');
  await watch.next('connect', { count: 2, timeout: 10000 });
  await until(async () => (await env.broker.records(env.id)).some((r) => r.nth === 2 && r.frames.some((f) => f.command === 'SUBSCRIBE')),
    10000, 'the SUBSCRIBE re-sent on the second connection');
  const records = await env.broker.records(env.id);
  const ids = records.map((r) => (r.frames.find((f) => f.command === 'SUBSCRIBE') || { headers: [] }).headers.find(([n]) => n === 'id'));
  expect(ids[0] && ids[1] && ids[0][1] === ids[1][1] && ids[0][1] === subscription.id,
    `the subscription is re-sent with the same id: ${JSON.stringify(ids)} vs ${subscription.id}`);
  expect(watch.count('unhandledMessage') === 0, 'the half frame is not delivered as a message');
  expect(!close || close.code !== 1000, `the drop is not reported as a clean close: code ${close && close.code}`);
  await client.publish({ destination, body: 'after the drop', receipt: true });
  await until(() => messages.includes('after the drop'), 10000, 'the message on the restored subscription');
  expect(messages.length === 1, `only the whole message arrives: ${JSON.stringify(messages)}`);
  subscription.unsubscribe();
  return recover(client, watch, `webSocketClose (code ${close && close.code}), reconnect, SUBSCRIBE re-sent with id ${subscription.id}, message on it`);
}

/** Every frame in 1-byte messages (whole characters in text ones): frames assembled, nothing else. */
async function tiny(env, ws) {
  const { client, watch } = start(env, 'tiny', { ws, faulty: undefined });
  await watch.next('connect');
  const message = await roundTrip(client, { body: `tiny ${ws} 你好 👋`, headers: { 'x-escaped': 'a:b\\c' } });
  expect(message.headers['x-escaped'] === 'a:b\\c', `escaped header survives: ${JSON.stringify(message.headers)}`);
  expect(watch.count('connect') === 1 && watch.count('webSocketClose') === 0 && watch.count('webSocketError') === 0,
    `one connection, no error: ${watch.summary()}`);
  expect(watch.count('heartbeatReceived') === 0, `EOLs inside frames are not heart-beats: ${watch.count('heartbeatReceived')}`);
  const records = await env.broker.records(env.id);
  expect(records.length === 1, `one connection: ${records.length}`);
  await shutdown(client);
  expectNoFaults();
  return { outcome: `frames assembled from 1-byte ${ws} messages; one connection, no error`, events: watch.summary() };
}

export const tinyText = (env) => tiny(env, 'text');
export const tinyBinary = (env) => tiny(env, 'binary');

/** Bytes that are not STOMP after CONNECTED: a protocol error, a close, a reconnect. */
export async function garbage(env) {
  const { client, watch } = start(env, 'garbage');
  const [error] = await watch.next('webSocketError');
  await watch.next('webSocketClose');
  await watch.next('connect', { count: 2 });
  const text = errorText(error);
  expect(/unknown command|invalid frame/i.test(text), `the error names the protocol fault: ${text}`);
  return recover(client, watch, `webSocketError "${text}", close, reconnect`);
}

/**
 * A MESSAGE over a frame limit: skipped whole (its headers kept), reported by a `messageRefused` event naming
 * the limit; the connection stays up (no error, no close, no reconnect).
 */
async function overLimit(env, limit, names) {
  const { client, watch } = start(env, 'over-limit', { limit });
  const [refused] = await watch.next('messageRefused', { timeout: 20000 });
  const text = String(refused && refused.error);
  expect(names.test(text), `the refusal names the limit (${names}): ${text}`);
  expect(refused.message.headers['message-id'] === 'over-limit', `the refused message keeps its headers: ${JSON.stringify(refused.message.headers)}`);
  expect(watch.count('webSocketClose') === 0 && watch.count('webSocketError') === 0 && watch.count('connect') === 1,
    `the connection stays up: ${watch.summary()}`);
  return recover(client, watch, `messageRefused "${text}", no close`);
}

export const overHeaderBytes = (env) => overLimit(env, 'header-bytes', /maxHeaderBytes|max_header_bytes/);
export const overHeaders = (env) => overLimit(env, 'headers', /maxHeaders\b|max_headers\b/);
export const overBody = (env) => overLimit(env, 'body', /maxBodyBytes|max_body_bytes/);

/** CONNECT never answered: with connectionTimeout the attempt fails, and the next one connects. */
export async function neverConnected(env) {
  const { client, watch } = start(env, 'never-connected', {}, { connectionTimeout: 500 });
  const [failed] = await watch.next('connectFailed', { timeout: 5000 });
  await watch.next('webSocketClose');
  await watch.next('reconnectScheduled');
  await watch.next('connect', { timeout: 5000 });
  expect(failed && /timeout/i.test(failed.reason), `connectFailed says timeout: ${JSON.stringify(failed)}`);
  const records = await env.broker.records(env.id);
  expect(records.length === 2 && records[0].frames[0].command === 'CONNECT',
    `the first connection got CONNECT and was given up: ${records.length} connection(s)`);
  return recover(client, watch, `connectFailed {reason: "${failed.reason}"}, close, reconnect`);
}

/** CONNECTED (broker offers heart-beats), then silence: heart-beat lost, a reconnect. */
export async function silentAfterConnected(env) {
  const { client, watch } = start(env, 'silent', { hb: '500,0' }, { heartbeatIncoming: 500 });
  await watch.next('connect');
  await watch.next('heartbeatLost', { timeout: 5000 });
  await watch.next('webSocketClose');
  await watch.next('connect', { count: 2, timeout: 5000 });
  return recover(client, watch, 'heartbeatLost, close, reconnect');
}

/** ERROR instead of CONNECTED, then close: onStompError, connectFailed, a reconnect. */
export async function errorThenClose(env) {
  const { client, watch } = start(env, 'error-close');
  const [frame] = await watch.next('stompError');
  await watch.next('webSocketClose');
  await watch.next('connect');
  expect(frame && frame.headers && frame.headers.message === 'fault injected: error-close',
    `the ERROR frame reaches onStompError: ${JSON.stringify(frame && frame.headers)}`);
  expect(watch.count('connectFailed') === 1, `the attempt counts as failed: ${watch.summary()}`);
  return recover(client, watch, 'stompError (the ERROR frame), connectFailed, close, reconnect');
}

/** ERROR right after a SUBSCRIBE, then close: onStompError while connected, a reconnect, re-subscribed. */
export async function errorAfterSubscribe(env) {
  const { client, watch } = start(env, 'error-close', { at: 'subscribe' });
  await watch.next('connect');
  const destination = freshDestination('/queue/refused');
  client.subscribe(destination, () => {});
  await watch.next('stompError');
  await watch.next('webSocketClose');
  await watch.next('connect', { count: 2 });
  return recover(client, watch, 'stompError after SUBSCRIBE, close, reconnect');
}

/**
 * CONNECTED, then at once ERROR and close, on every attempt (issue #11, item 7): CONNECTED alone must not
 * reset the backoff, so exponential delays keep doubling up to maxReconnectDelay and maxReconnectAttempts
 * is reached. Then the user points the client at a working URL and it connects.
 */
export async function errorRightAfterConnected(env) {
  const { client, watch } = start(env, 'error-close', { at: 'connected', faulty: undefined }, {
    reconnectDelay: 100, reconnectTimeMode: env.ReconnectionTimeMode.EXPONENTIAL, maxReconnectDelay: 800,
    maxReconnectAttempts: 4,
  });
  await watch.next('reconnectFailed', { timeout: 8000 });
  const delays = watch.all('reconnectScheduled').map(([detail]) => detail.delay);
  expect(delays.join() === '100,200,400,800', `exponential delays double up to the cap: [${delays}]`);
  expect(watch.count('stompError') === 5, `one ERROR per connection, five connections: ${watch.summary()}`);
  await shutdown(client);
  client.brokerURL = env.broker.url('ok', { id: env.id });
  client.activate();
  await watch.next('connect', { count: watch.count('connect') + 1 });
  return recover(client, watch, `delays [${delays}], reconnectFailed after 4 attempts`);
}

/** Frames accepted, no RECEIPT: the receipt Promise rejects after receiptTimeout, receiptFailed. */
export async function noReceipt(env) {
  const { client, watch } = start(env, 'no-receipt', {}, { receiptTimeout: 500 });
  await watch.next('connect');
  const destination = freshDestination('/queue/no-receipt');
  const outcome = await within(
    client.publish({ destination, body: 'x', receipt: true }).then(
      (frame) => ({ resolved: frame }), (error) => ({ rejected: error })),
    5000, 'publish({receipt: true}) without a RECEIPT');
  expect(outcome.rejected instanceof Error, `the receipt Promise rejects with an Error: ${JSON.stringify(outcome)}`);
  await watch.next('receiptFailed');
  expect(watch.count('webSocketClose') === 0, `the connection stays up: ${watch.summary()}`);
  // The fault stops on the next connection.
  client.forceDisconnect();
  await watch.next('connect', { count: 2 });
  return recover(client, watch, `publish Promise rejects ("${outcome.rejected.message}"), receiptFailed`);
}

/** One byte every 100 ms: frames still assembled, no timeout of our own. Short names keep it ~20 s. */
export async function slowDrip(env) {
  const { client, watch } = start(env, 'slow', { interval: 100, chunk: 1, faulty: undefined });
  await watch.next('connect', { timeout: 20000 });
  const destination = `/s${Math.random().toString(36).slice(2, 6)}`;
  const received = new Promise((resolve) => client.subscribe(destination, resolve));
  await client.publish({ destination, body: 'drip' });
  const message = await within(received, 30000, 'the dripped MESSAGE');
  expect(message.body === 'drip', `the message is assembled: ${JSON.stringify(message.body)}`);
  expect(watch.count('connect') === 1 && watch.count('webSocketClose') === 0, `one connection: ${watch.summary()}`);
  await shutdown(client, 30000);
  expectNoFaults();
  return { outcome: 'CONNECTED, MESSAGE and the DISCONNECT receipt assembled from 1 byte per 100 ms; one connection', events: watch.summary() };
}

/** 8 MiB of EOLs in one message: one heart-beat (a handful at most), no hang, still working. */
export async function eolFlood(env) {
  const { client, watch } = start(env, 'eol-flood', { hb: '60000,0' }, { heartbeatIncoming: 60000 });
  await watch.next('connect');
  await roundTrip(client, { timeout: 30000 });
  const beats = watch.count('heartbeatReceived');
  expect(beats <= 4, `a run of 8,388,608 EOLs is a handful of heart-beats at most, not ${beats}`);
  expect(watch.count('webSocketClose') === 0, `the connection stays up: ${watch.summary()}`);
  await shutdown(client);
  expectNoFaults();
  return { outcome: `${beats} heartbeatReceived for 8 MiB of EOLs; connection stays up; round trip ok`, events: watch.summary() };
}

/** CONNECTED asks for a heart-beat every 3,000,000,000 ms: no timer spin, the client stays usable. */
export async function hugeHeartbeat(env) {
  const { client, watch } = start(env, 'huge-heartbeat', {}, { heartbeatOutgoing: 1000 });
  await watch.next('connect');
  const timers = countTimers();
  const cpuBefore = env.cpuTime ? env.cpuTime() : 0;
  await quietWindow(1500);
  const counts = timers.stop();
  const cpu = env.cpuTime ? env.cpuTime() - cpuBefore : 0;
  await roundTrip(client);
  const records = await env.broker.records(env.id);
  const beats = records[0].heartbeats;
  expect(beats <= 2, `no heart-beat storm: the broker received ${beats} EOLs in 1.5 s (none are due for 34 days)`);
  expect(counts.setTimeout + counts.setInterval <= 20,
    `no timer spin: ${counts.setTimeout} setTimeout and ${counts.setInterval} setInterval calls in 1.5 s idle`);
  expect(cpu <= 750, `no busy loop: ${cpu} ms of CPU in 1.5 s idle`);
  await shutdown(client);
  expectNoFaults();
  return {
    outcome: `idle 1.5 s: ${beats} EOLs sent, ${counts.setTimeout + counts.setInterval} timer calls${env.cpuTime ? `, ${cpu} ms CPU` : ''}; round trip ok`,
    events: watch.summary(),
  };
}

/** Every check, in table order, with its scenario's name for the report. */
export const CHECKS = [
  ['drop mid-frame', 'dropMidFrame'],
  ['1-byte WebSocket messages (text)', 'tinyText'],
  ['1-byte WebSocket messages (binary)', 'tinyBinary'],
  ['garbage', 'garbage'],
  ['frame over maxHeaderBytes', 'overHeaderBytes'],
  ['frame over maxHeaders', 'overHeaders'],
  ['frame over maxBodyBytes', 'overBody'],
  ['never answer CONNECT', 'neverConnected'],
  ['CONNECTED then silence', 'silentAfterConnected'],
  ['ERROR then close (instead of CONNECTED)', 'errorThenClose'],
  ['ERROR then close (after SUBSCRIBE)', 'errorAfterSubscribe'],
  ['CONNECTED then ERROR and close, every time (backoff)', 'errorRightAfterConnected'],
  ['frames accepted, no RECEIPT', 'noReceipt'],
  ['1 byte per 100 ms', 'slowDrip'],
  ['flood of EOLs (8 MiB)', 'eolFlood'],
  ['huge heart-beat header', 'hugeHeartbeat'],
];
