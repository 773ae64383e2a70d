// Inbound and outbound throughput in Node: ours (pkg/node, CommonJS) against @stomp/stompjs (its ESM
// build), through the same fake socket. Run by bench/run.mjs as
//   node --expose-gc bench/node.mjs PKG_DIR full|quick OUT.json
// and writes {inbound: [...], outbound: [...]} to OUT.json.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Client as StompClient } from '@stomp/stompjs';
import { inboundCase, outboundCase } from './lib/harness.mjs';
import { plan } from './lib/plan.mjs';

const [pkgDir, mode, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { Client } = require(resolve(pkgDir, 'node/stomp_wasm.js'));
const clients = { ours: Client, stompjs: StompClient };
const env = 'node';
const options = { now: () => performance.now(), gc: globalThis.gc };
const { inbound, outbound, runs, warmup } = plan(mode);

const results = { inbound: [], outbound: [] };
for (const c of inbound) {
  const r = await inboundCase(clients, { ...c, ...options, runs, warmup });
  const row = { env, body_bytes: c.bodyBytes, chunking: c.chunking, data: c.data, ...r, ratio: r.ours_fps / r.stompjs_fps };
  results.inbound.push(row);
  console.error(`bench: ${env} inbound ${c.data} ${c.bodyBytes} B ${c.chunking}: ${row.ratio.toFixed(2)}x`);
}
for (const c of outbound) {
  const r = await outboundCase(clients, { ...c, ...options, runs, warmup });
  const row = { env, body_bytes: c.bodyBytes, chunking: 'frame', data: 'text', ...r, ratio: r.ours_fps / r.stompjs_fps };
  results.outbound.push(row);
  console.error(`bench: ${env} outbound ${c.bodyBytes} B: ${row.ratio.toFixed(2)}x`);
}
writeFileSync(out, JSON.stringify(results));
