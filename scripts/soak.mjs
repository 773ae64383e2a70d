#!/usr/bin/env node
// The soak (issue #14; `make soak`, and 2 minutes of it in `make test` through tests/js/lost-soak.test.mjs):
// a producer publishing at-least-once at a steady rate and a consumer acking client-individual, both with
// heart-beats at 1 s, on the test broker, while one of their connections, picked at random, is closed from
// the broker's side every ~20 s (`scripts/broker close-one`, in a virtual host of the soak's own, so no
// other client of the shared broker is touched). At the end: messages sent, received, duplicated and lost,
// reconnects against kills, the JS heap and the wasm memory at the start, peak and end — printed and
// written as JSON.
//
//   node --expose-gc scripts/soak.mjs
//
// Environment: SOAK_MINUTES (30), SOAK_RATE messages/s (50), SOAK_KILL_EVERY seconds between kills (20,
// each drawn from ±25 % of it), SOAK_BODY bytes (200), SOAK_OUT (target/soak/result.json),
// BROKER_URL (ws://127.0.0.1:15674/ws). Exit status 0 when nothing was lost or rejected and every kill was
// followed by a reconnect; 1 otherwise; 2 when the run could not start.
//
// Memory: the start is sampled after connecting and a forced GC, the end after both clients are
// deactivated and a forced GC, the peak from samples every second. The run's own bookkeeping is
// preallocated typed arrays (one byte and one hash per message), so that it does not grow the JS heap
// it measures. The wasm memory is read without touching the package: WebAssembly.Instance is wrapped
// before the package loads and the instance's `memory` export is kept (bench/lib/wasm-memory.mjs, as in
// bench/memory.mjs).
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchWasmMemory } from '../bench/lib/wasm-memory.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BROKER = join(ROOT, 'scripts', 'broker');
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const MINUTES = env('SOAK_MINUTES', 30);
const RATE = env('SOAK_RATE', 50);
const KILL_EVERY = env('SOAK_KILL_EVERY', 20);
const BODY = env('SOAK_BODY', 200);
const OUT = process.env.SOAK_OUT || join(ROOT, 'target', 'soak', 'result.json');
const URL_ = process.env.BROKER_URL || 'ws://127.0.0.1:15674/ws';
const VHOST = 'stomp-wasm-soak';
for (const [name, value] of Object.entries({ SOAK_MINUTES: MINUTES, SOAK_RATE: RATE, SOAK_KILL_EVERY: KILL_EVERY, SOAK_BODY: BODY })) {
  if (!(value > 0)) {
    console.error(`soak: ${name} must be a positive number`);
    process.exit(2);
  }
}

const wasmBytes = watchWasmMemory();
const require = createRequire(import.meta.url);
globalThis.WebSocket ??= require(join(ROOT, 'node_modules', 'ws'));
const { Client } = require(join(ROOT, 'pkg', 'node', 'stomp_wasm.js'));

const say = (text) => console.log(`soak: ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const gc = async () => {
  if (!globalThis.gc) return;
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(10);
  }
};
const memory = () => ({ heap: process.memoryUsage().heapUsed, wasm: wasmBytes(), rss: process.memoryUsage().rss });

/** FNV-1a of a string: a dedup-id's fingerprint, to check that a duplicate carries the first one's id. */
function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash || 1;
}

async function main() {
  try {
    execFileSync(BROKER, ['vhost', VHOST], { stdio: 'pipe', timeout: 60000 });
  } catch (error) {
    console.error(`soak: cannot prepare the vhost ${VHOST} (is the broker running? scripts/broker start): ${error.stderr || error.message}`);
    process.exit(2);
  }
  const capacity = Math.ceil(RATE * MINUTES * 60 * 1.25) + 1000;
  const deliveries = new Uint8Array(capacity); // deliveries per message number (saturating at 255)
  const ids = new Uint32Array(capacity); // fingerprint of the first delivery's dedup-id
  const body = 'x'.repeat(BODY);
  const queue = `soak-${Date.now().toString(36)}`;
  const stats = {
    sent: 0, receipted: 0, rejected: 0, firstRejection: null, received: 0, deliveries: 0,
    mismatchedDedupIds: 0, withoutDedupId: 0, kills: 0, killsMissed: 0, killErrors: 0,
  };
  const counts = { producer: {}, consumer: {} };
  const common = {
    brokerURL: URL_,
    connectHeaders: { login: 'guest', passcode: 'guest', host: VHOST },
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    reconnectDelay: 500,
    // The consumer subscribes once connected; its subscription outlives every kill.
    keepSubscriptions: true,
  };
  const producer = new Client({ ...common, delivery: 'at-least-once' });
  const consumer = new Client(common);
  for (const [who, client] of [['producer', producer], ['consumer', consumer]]) {
    for (const name of ['connect', 'webSocketClose', 'heartbeatLost', 'stompError', 'reconnectFailed', 'receiptFailed', 'queueDiscarded']) {
      client.on(name, () => { counts[who][name] = (counts[who][name] || 0) + 1; });
    }
  }
  const up = (client, who) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${who} did not connect within 20 s`)), 20000);
    client.on('connect', () => { clearTimeout(timer); resolve(); });
  });
  const consumerUp = up(consumer, 'the consumer');
  consumer.activate();
  await consumerUp;
  consumer.subscribe(`/queue/${queue}`, (message) => {
    const n = Number(message.headers.n);
    const id = message.headers['dedup-id'];
    if (Number.isInteger(n) && n >= 0 && n < capacity) {
      stats.deliveries += 1;
      if (id === undefined) stats.withoutDedupId += 1;
      if (deliveries[n] === 0) {
        stats.received += 1;
        if (id !== undefined) ids[n] = fingerprint(id);
      } else if (id !== undefined && ids[n] !== fingerprint(id)) {
        stats.mismatchedDedupIds += 1;
      }
      if (deliveries[n] < 255) deliveries[n] += 1;
    }
    message.ack();
  }, { durable: 'true', 'auto-delete': 'false', 'x-expires': '600000', ack: 'client-individual', 'prefetch-count': '200' });
  const producerUp = up(producer, 'the producer');
  producer.activate();
  await producerUp;
  // The queue exists (declared by the SUBSCRIBE) once a marker sent through /amq/queue/ is receipted.
  await consumer.publish({ destination: `/amq/queue/${queue}`, body: 'ready', headers: { n: 'ready' }, receipt: true });

  await gc();
  const start = memory();
  const peak = { ...start };
  const sample = () => {
    const now = memory();
    for (const key of Object.keys(now)) if (now[key] !== null && now[key] > peak[key]) peak[key] = now[key];
  };
  const sampler = setInterval(sample, 1000);
  const startedAt = Date.now();
  const endAt = startedAt + MINUTES * 60000;
  say(`${MINUTES} min, ${RATE} msg/s of ${BODY} B, a connection killed every ~${KILL_EVERY} s, heart-beats 1 s, vhost ${VHOST}, queue ${queue}`);

  // Kills: one connection of the soak's vhost, picked at random by the broker script, every
  // KILL_EVERY ± 25 % seconds.
  let killing = Promise.resolve();
  let killTimer = null;
  const scheduleKill = () => {
    const delay = KILL_EVERY * 1000 * (0.75 + Math.random() * 0.5);
    if (Date.now() + delay > endAt - 5000) return; // none in the last seconds: the end drains
    killTimer = setTimeout(() => {
      killing = new Promise((resolve) => {
        execFile(BROKER, ['close-one', VHOST, 'soak kill'], { timeout: 30000 }, (error, stdout) => {
          if (error) stats.killErrors += 1;
          else if (stdout.trim() === 'none' || stdout.trim() === '') stats.killsMissed += 1;
          else stats.kills += 1;
          resolve();
        });
      });
      scheduleKill();
    }, delay);
  };
  scheduleKill();

  // The producer: RATE messages a second in ticks of 100 ms, never more than 1000 unsettled (the
  // default maxQueuedFrames), as a user's flow control would.
  let unsettled = 0;
  let progressAt = Date.now();
  let n = 0;
  while (Date.now() < endAt && n < capacity) {
    const due = Math.min(capacity, Math.floor(((Date.now() - startedAt) / 1000) * RATE));
    while (n < due && unsettled < 1000) {
      const number = n++;
      stats.sent += 1;
      unsettled += 1;
      producer.publish({ destination: `/amq/queue/${queue}`, body, headers: { n: String(number) } }).then(() => {
        stats.receipted += 1;
      }, (error) => {
        stats.rejected += 1;
        stats.firstRejection ??= `message ${number}: ${error && error.message || error}`;
      }).finally(() => { unsettled -= 1; });
    }
    if (Date.now() - progressAt >= 60000) {
      progressAt = Date.now();
      const m = memory();
      say(`${Math.round((Date.now() - startedAt) / 1000)} s: sent ${stats.sent}, receipted ${stats.receipted}, received ${stats.received}, kills ${stats.kills}, heap ${(m.heap / 1e6).toFixed(1)} MB, wasm ${(m.wasm / 1e6).toFixed(1)} MB`);
    }
    await sleep(100);
  }
  clearTimeout(killTimer);
  await killing;

  // Drain: every publish settles (at-least-once: on its RECEIPT, after however many re-sends), then
  // the consumer gets what was receipted; 60 s at most for each.
  const drainUntil = (predicate, ms) => new Promise((resolve) => {
    const deadline = Date.now() + ms;
    const check = () => (predicate() || Date.now() > deadline ? resolve(predicate()) : setTimeout(check, 50));
    check();
  });
  const settled = await drainUntil(() => unsettled === 0, 60000);
  const drained = await drainUntil(() => stats.received >= stats.receipted, 60000);
  clearInterval(sampler);
  sample();
  await Promise.all([producer.deactivate(), consumer.deactivate()]);
  await gc();
  const end = memory();

  const reconnects = {
    producer: (counts.producer.connect || 1) - 1,
    consumer: (counts.consumer.connect || 1) - 1,
  };
  let lost = 0;
  for (let i = 0; i < n; i++) if (deliveries[i] === 0) lost += 1;
  const duplicated = stats.deliveries - stats.received;
  const result = {
    minutes: MINUTES, rate: RATE, bodyBytes: BODY, killEverySeconds: KILL_EVERY,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    messages: {
      sent: stats.sent, receipted: stats.receipted, rejected: stats.rejected, received: stats.received,
      duplicated, lost, unsettledAtEnd: unsettled, mismatchedDedupIds: stats.mismatchedDedupIds, withoutDedupId: stats.withoutDedupId,
      firstRejection: stats.firstRejection,
    },
    kills: stats.kills, killsFindingNoConnection: stats.killsMissed, killErrors: stats.killErrors,
    reconnects: { ...reconnects, total: reconnects.producer + reconnects.consumer },
    events: counts,
    memory: {
      jsHeapUsed: { start: start.heap, peak: peak.heap, end: end.heap },
      wasm: { start: start.wasm, peak: peak.wasm, end: end.wasm },
      rss: { start: start.rss, peak: peak.rss, end: end.rss },
      gcForced: Boolean(globalThis.gc),
    },
    drained: settled && drained,
  };
  const ok = lost === 0 && stats.rejected === 0 && result.drained && result.reconnects.total >= stats.kills && stats.mismatchedDedupIds === 0 && stats.withoutDedupId === 0;
  result.ok = ok;
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  const mb = (bytes) => (bytes === null ? '?' : (bytes / 1e6).toFixed(1));
  say(`sent ${stats.sent}, receipted ${stats.receipted}, received ${stats.received}, duplicated ${duplicated}, lost ${lost}, rejected ${stats.rejected}`);
  say(`kills ${stats.kills} (${stats.killsMissed} found no connection), reconnects ${result.reconnects.total} (producer ${reconnects.producer}, consumer ${reconnects.consumer}), heart-beats lost ${(counts.producer.heartbeatLost || 0) + (counts.consumer.heartbeatLost || 0)}`);
  say(`JS heap MB start/peak/end ${mb(start.heap)}/${mb(peak.heap)}/${mb(end.heap)}, wasm MB ${mb(start.wasm)}/${mb(peak.wasm)}/${mb(end.wasm)}, RSS MB ${mb(start.rss)}/${mb(peak.rss)}/${mb(end.rss)}`);
  say(`${ok ? 'ok' : 'FAILED'}; ${OUT}`);
  console.log(JSON.stringify(result));
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`soak: ${error && error.stack || error}`);
  process.exit(2);
});
