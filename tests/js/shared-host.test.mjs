// The shared-mode host and proxy (pkg/web/shared.js) in Node, where there is neither SharedWorker nor
// Web Locks: shareMode 'tab' runs the host in the same JS context, and proxies of one configuration in
// one context share it — the same host, links and protocol (MessageChannel, structured clone) as in a
// SharedWorker, without a browser. Covers the routing cases the Chromium tests do not reach quickly:
// unhandled receipts, per-connection acks, unsubscribing what others still hold, live options,
// beforeConnect in one tab, debug per tab, a tab's departure releasing its transactions.
// Against RabbitMQ (vhost shared-test); needs pkg/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ensureVhost, queues, deleteQueues, until } from '../support/broker-ctl.mjs';
import { tabOptions, VHOST } from '../support/shared-tabs.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = `shared-host-${process.pid}-${Date.now().toString(36)}`;
let shared;
// The links' MessagePorts do not hold Node's event loop (links.js unrefs them): the test does, until
// its end, while it awaits what comes back through them.
let keepAlive;

before(async () => {
  keepAlive = setInterval(() => {}, 1000);
  await ensureVhost(VHOST);
  globalThis.WebSocket ??= WebSocket;
  shared = await import(`${ROOT}/pkg/web/shared.js`);
  await shared.default(readFileSync(`${ROOT}/pkg/web/stomp_wasm_bg.wasm`));
});

after(async () => {
  clearInterval(keepAlive);
  await deleteQueues(VHOST, RUN).catch(() => {});
});

/** A proxy client in 'tab' mode (`name` separates this test's host from the others'). */
function proxy(name, extra = {}) {
  const log = [];
  const client = new shared.Client(tabOptions({ shareMode: 'tab', shareName: name, debug: (l) => log.push(l), ...extra }));
  client.log = log;
  return client;
}

const connected = (c) => until(async () => c.connected, Boolean, 10000, 20);
const tick = (ms = 200) => new Promise((r) => setTimeout(r, ms));

test('Node has no SharedWorker nor Web Locks: the mode is tab, and debug says there is no sharing across tabs', async () => {
  assert.equal(shared.sharedMode(), 'tab');
  const a = proxy(`${RUN}-mode`);
  a.activate();
  await connected(a);
  assert.deepEqual(a.sharing, { mode: 'tab', tabs: 1 });
  assert.ok(a.log.some((l) => l.startsWith('shared mode: neither SharedWorker nor Web Locks')));
  await a.deactivate();
});

test('a receipt a tab asked for without watching it comes back to that tab only, as unhandledReceipt, with its own id', async () => {
  const a = proxy(`${RUN}-receipt`);
  const b = proxy(`${RUN}-receipt`);
  const seen = { a: [], b: [] };
  a.onUnhandledReceipt = (f) => seen.a.push(f.headers['receipt-id']);
  b.onUnhandledReceipt = (f) => seen.b.push(f.headers['receipt-id']);
  a.activate();
  b.activate();
  await connected(a);
  await connected(b);
  a.publish({ destination: `/topic/${RUN}.x`, body: '1', headers: { receipt: 'mine' } });
  await until(async () => seen.a.length, (n) => n === 1, 5000, 20);
  await tick();
  assert.deepEqual(seen, { a: ['mine'], b: [] });
  await Promise.all([a.deactivate(), b.deactivate()]);
});

test('unsubscribing a shared subscription another tab holds sends nothing; the other tab keeps its messages; the last one unsubscribes', async () => {
  const name = `${RUN}-uns`;
  const a = proxy(name);
  const b = proxy(name);
  const got = { a: 0, b: 0 };
  const destination = `/queue/${RUN}.uns`;
  const subA = a.subscribe(destination, () => got.a++);
  b.subscribe(destination, () => got.b++);
  a.activate();
  b.activate();
  await connected(a);
  await connected(b);
  let q = await until(() => queues(VHOST), (l) => l.find((x) => x.name === `${RUN}.uns`)?.consumers === 1);
  assert.equal(q.find((x) => x.name === `${RUN}.uns`).consumers, 1, 'one consumer for the two identical subscriptions');
  subA.unsubscribe();
  await b.publish({ destination, body: 'after a let go', receipt: true });
  await until(async () => got.b, (n) => n === 1, 5000, 20);
  assert.deepEqual(got, { a: 0, b: 1 });
  assert.ok(!a.log.some((l) => l.startsWith('>>> UNSUBSCRIBE')), 'no UNSUBSCRIBE while b holds it');
  await b.deactivate();
  q = await until(() => queues(VHOST), (l) => (l.find((x) => x.name === `${RUN}.uns`)?.consumers ?? 0) === 0);
  assert.equal(q.find((x) => x.name === `${RUN}.uns`)?.consumers ?? 0, 0);
  await a.deactivate();
});

test('message.ack() after its connection ended sends nothing and returns false; the redelivered copy is acked', async () => {
  const a = proxy(`${RUN}-ack`);
  const destination = `/queue/${RUN}.ack`;
  const kept = [];
  a.subscribe(destination, (m) => kept.push(m), { ack: 'client-individual' });
  a.activate();
  await connected(a);
  await a.publish({ destination, body: 'keep me', receipt: true });
  await until(async () => kept.length, (n) => n === 1, 5000, 20);
  a.forceDisconnect();
  await until(async () => a.connectionState, (s) => s !== 'connected', 5000, 10);
  await connected(a);
  assert.equal(kept[0].ack(), false, 'stale: its connection ended');
  assert.ok(a.log.some((l) => l.includes('its connection has ended')));
  await until(async () => kept.length, (n) => n === 2, 10000, 20);
  assert.equal(kept[1].headers.redelivered, 'true');
  assert.equal(kept[1].ack(), true);
  const q = await until(() => queues(VHOST), (l) => { const x = l.find((y) => y.name === `${RUN}.ack`); return x && x.unacked === 0 && x.ready === 0; });
  const x = q.find((y) => y.name === `${RUN}.ack`);
  assert.deepEqual([x.ready, x.unacked], [0, 0]);
  await a.deactivate();
});

test('beforeConnect runs in one tab (the oldest with one), before each attempt; connectHeaders it sets reach the shared client', async () => {
  const name = `${RUN}-bc`;
  const calls = { a: 0, b: 0 };
  const a = proxy(name, {
    beforeConnect: async (client) => {
      calls.a++;
      await tick(50);
      client.connectHeaders = { ...client.connectHeaders, 'x-attempt': String(calls.a) };
    },
  });
  const b = proxy(name, { beforeConnect: () => { calls.b++; } });
  a.activate();
  await connected(a);
  b.activate();
  await connected(b);
  a.forceDisconnect();
  await until(async () => calls.a, (n) => n === 2, 10000, 20);
  await connected(b);
  assert.deepEqual(calls, { a: 2, b: 0 });
  assert.ok(b.log.some((l) => l.includes('x-attempt:2')), 'the second CONNECT carries what beforeConnect set');
  await a.deactivate();
  b.forceDisconnect();
  await until(async () => calls.b, (n) => n === 1, 10000, 20);
  assert.deepEqual(calls, { a: 2, b: 1 }, 'a left: b runs it');
  await b.deactivate();
});

test('debug is each tab\'s own: a tab without debug gets no lines; turning it on later brings the shared client\'s lines', async () => {
  const name = `${RUN}-debug`;
  const a = proxy(name);
  const quiet = new shared.Client(tabOptions({ shareMode: 'tab', shareName: name }));
  a.activate();
  quiet.activate();
  await connected(a);
  await connected(quiet);
  const lines = [];
  quiet.debug = (l) => lines.push(l);
  await tick();
  await quiet.publish({ destination: `/topic/${RUN}.d`, body: 'x', receipt: true });
  assert.ok(lines.some((l) => l.startsWith('>>> SEND')), 'the SEND is seen once debug is on');
  await Promise.all([a.deactivate(), quiet.deactivate()]);
});

test('a tab that leaves with a transaction open has it aborted: its frames never arrive', async () => {
  const name = `${RUN}-tx`;
  const a = proxy(name);
  const b = proxy(name);
  const got = [];
  b.subscribe(`/topic/${RUN}.tx`, (m) => got.push(m.body));
  a.activate();
  b.activate();
  await connected(a);
  await connected(b);
  await tick();
  const tx = a.begin();
  a.publish({ destination: `/topic/${RUN}.tx`, body: 'in tx', headers: { transaction: tx.id } });
  await a.deactivate();
  await b.publish({ destination: `/topic/${RUN}.tx`, body: 'after', receipt: true });
  await until(async () => got.length, (n) => n >= 1, 5000, 20);
  await tick(300);
  assert.deepEqual(got, ['after']);
  assert.throws(() => tx.commit(), /no underlying STOMP connection/);
  await b.deactivate();
});
