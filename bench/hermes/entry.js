// The bench under Hermes (bench/hermes.mjs bundles this as Metro would and runs it with `hermes -O`, React
// Native's release bytecode, interpreted): ours without WebAssembly (pkg/js) against @stomp/stompjs, the
// cases of bench/nowasm.mjs with the harness of the main tables. Prints one line `RESULT {json}`.
/* global print, gc */
import { realNow } from './clock.js';
import './text.js';
import '../../tests/hermes/react-native.js';
import { Client as Ours } from 'stomp-wasm';
import { Client as StompClient } from '@stomp/stompjs';
import { inboundCase, outboundCase } from '../lib/harness.mjs';
import { INTERPRETED, NOWASM_CASES } from '../lib/nowasm-cases.mjs';

const clients = { js: Ours, stompjs: StompClient };
const options = { now: realNow, gc: typeof gc === 'function' ? gc : undefined, ...INTERPRETED };

async function main() {
  const rows = [];
  for (const c of NOWASM_CASES) {
    const r = c.kind === 'inbound' ? await inboundCase(clients, { ...c, ...options, ceiling: false }) : await outboundCase(clients, { ...c, ...options });
    rows.push({ c, js_fps: r.js_fps, stompjs_fps: r.stompjs_fps });
  }
  print(`RESULT ${JSON.stringify(rows)}`);
}
main().catch((error) => print(`ERROR ${String((error && error.stack) || error)}`));
