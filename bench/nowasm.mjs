// The build without WebAssembly (pkg/js: the same engine compiled to JavaScript by wasm2js), measured
// with the harness of the main tables (lib/harness.mjs: the same fake socket, streams and callback).
// Run by bench/run.mjs in two child processes:
//   node --jitless --expose-gc bench/nowasm.mjs PKG_DIR full|quick jitless OUT.json
//       no WebAssembly, everything interpreted (the closest Node gets to iOS without JIT): ours without
//       wasm (`js`) against @stomp/stompjs, both interpreted;
//   node --expose-gc bench/nowasm.mjs PKG_DIR full|quick node OUT.json
//       normal Node: the wasm build (`wasm`) against the build without it (`js`), i.e. what a runtime
//       loses where WebAssembly is missing.
// Cases: inbound 1 KiB (one frame per message; binary and text WebSocket messages) and 64 B (ten frames
// per message), outbound 1 KiB text bodies. Writes { env, rows } to OUT.json; each row has both sides'
// frames/s and ratio = first / second.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Client as StompClient } from '@stomp/stompjs';
import { inboundCase, outboundCase } from './lib/harness.mjs';
import { INTERPRETED, NOWASM_CASES } from './lib/nowasm-cases.mjs';

const [pkgDir, mode, env, out] = process.argv.slice(2);
if (!out || !['jitless', 'node'].includes(env)) {
  console.error('usage: node [--jitless] --expose-gc bench/nowasm.mjs PKG_DIR full|quick jitless|node OUT.json');
  process.exit(2);
}
const require = createRequire(import.meta.url);
if (env === 'jitless' && typeof WebAssembly !== 'undefined') throw new Error('bench/nowasm.mjs jitless: run it with node --jitless');
const { Client: JsClient } = require(resolve(pkgDir, 'js/stomp_wasm.js'));
// In one process both builds load side by side: each bundle has its own glue, Client and engine.
const clients = env === 'jitless' ? { js: JsClient, stompjs: StompClient } : { wasm: require(resolve(pkgDir, 'node/stomp_wasm.js')).Client, js: JsClient };
const [a, b] = Object.keys(clients);
const quick = mode.startsWith('quick');
const options = env === 'jitless'
  ? { now: () => performance.now(), gc: globalThis.gc, ...INTERPRETED, runs: quick ? 3 : INTERPRETED.runs }
  : { now: () => performance.now(), gc: globalThis.gc, runs: quick ? 5 : 7, warmup: 2 };

const rows = [];
for (const c of NOWASM_CASES) {
  const r = c.kind === 'inbound' ? await inboundCase(clients, { ...c, ...options, ceiling: false }) : await outboundCase(clients, { ...c, ...options });
  const row = {
    env,
    kind: c.kind,
    body_bytes: c.bodyBytes,
    chunking: c.chunking ?? 'frame',
    data: c.kind === 'inbound' ? c.data : c.binary ? 'binary' : 'text',
    a,
    b,
    a_fps: r[`${a}_fps`],
    b_fps: r[`${b}_fps`],
    ratio: r[`${a}_fps`] / r[`${b}_fps`],
  };
  rows.push(row);
  console.error(`bench: ${env} ${c.kind} ${row.data} ${c.bodyBytes} B ${row.chunking}: ${a} ${Math.round(row.a_fps)}/s, ${b} ${Math.round(row.b_fps)}/s (${row.ratio.toFixed(2)}x)`);
}
writeFileSync(out, JSON.stringify({ env, node: process.version, rows }));
