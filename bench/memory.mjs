// Memory while receiving many 1 KiB messages (one frame per WebSocket message, the event loop turning
// every 100 messages as it would between socket events): JS heap, external/ArrayBuffer memory, RSS and
// (ours) the wasm linear memory, at the start, sampled every 10,000 messages for the peak, after GC at
// 10% of the run and after GC at the end. Flat = the end is no higher than at 10%.
//   node --expose-gc bench/memory.mjs PKG_DIR ours|stompjs MESSAGES OUT.json
// The wasm memory is read without touching the package: WebAssembly.Instance is wrapped before the
// glue instantiates the module, and the instance's `memory` export is kept.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { connect, disconnect } from './lib/harness.mjs';
import { makeStream } from './lib/streams.mjs';
import { watchWasmMemory } from './lib/wasm-memory.mjs';

const [pkgDir, kind, count = '1000000', out] = process.argv.slice(2);
const messages = Number(count);
if (!globalThis.gc) throw new Error('run with node --expose-gc');

const wasmBytes = watchWasmMemory();

let Client;
if (kind === 'ours') Client = createRequire(import.meta.url)(resolve(pkgDir, 'node/stomp_wasm.js')).Client;
else Client = (await import('@stomp/stompjs')).Client;

const tick = () => new Promise((r) => setImmediate(r));
const sample = (at) => {
  const m = process.memoryUsage();
  return {
    messages: at,
    heap_used: m.heapUsed,
    heap_total: m.heapTotal,
    external: m.external,
    array_buffers: m.arrayBuffers,
    rss: m.rss,
    wasm: wasmBytes(),
  };
};
async function collect() {
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
    await new Promise((r) => setTimeout(r, 10)); // FinalizationRegistry callbacks run as tasks
  }
  gc();
}

let held = 0;
const received = (message) => {
  const headers = message.headers;
  const body = message.body;
  held += body.length + headers['message-id'].length > 0 ? 1 : 0;
};
const { client, socket, subscriptionId } = await connect(kind, Client, { binary: true, received });
// A pool of 10,000 distinct frames, cycled.
const pool = makeStream({ bodyBytes: 1024, chunking: 'frame', frames: 10000, subscription: subscriptionId }).payloads;

await collect();
const start = sample(0);
const peak = { ...start };
const samples = [start];
let afterGcAt10 = null;
const t0 = performance.now();
for (let n = 0; n < messages; ) {
  for (let i = 0; i < 100 && n < messages; i++, n++) socket.onmessage({ data: pool[n % pool.length] });
  await tick();
  if (n % 10000 === 0) {
    const s = sample(n);
    samples.push(s);
    for (const k of Object.keys(s)) if (s[k] !== null && s[k] > peak[k]) peak[k] = s[k];
  }
  if (n === messages / 10) {
    await collect();
    afterGcAt10 = sample(n);
  }
}
const seconds = (performance.now() - t0) / 1000;
await collect();
const end = sample(messages);
if (held !== messages) throw new Error(`${kind}: ${held} of ${messages} messages reached the callback`);
await disconnect(kind, client);
peak.messages = null;
const result = {
  client: kind,
  messages,
  seconds,
  start,
  peak,
  after_gc_at_10pct: afterGcAt10,
  end_after_gc: end,
  growth_heap_used: end.heap_used - afterGcAt10.heap_used,
  growth_wasm: end.wasm === null ? null : end.wasm - afterGcAt10.wasm,
  samples: samples.map((s) => [s.messages, s.heap_used, s.wasm]),
};
writeFileSync(out, JSON.stringify(result));
console.error(`bench: memory ${kind}: heap ${(start.heap_used / 1e6).toFixed(1)} → peak ${(peak.heap_used / 1e6).toFixed(1)} → ${(end.heap_used / 1e6).toFixed(1)} MB; wasm ${end.wasm ?? '-'} (${seconds.toFixed(1)} s)`);
