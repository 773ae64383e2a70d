// Throughput in Node: ours (pkg/node, CommonJS) against @stomp/stompjs (its ESM build), through the
// same fake socket. Run by bench/run.mjs as
//   node --expose-gc bench/node.mjs PKG_DIR full|quick OUT.json
// and writes {inbound, outbound, subscriptions, receipts, delivery} (arrays of rows) to OUT.json.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Client as StompClient } from '@stomp/stompjs';
import { deliveryCase, inboundCase, outboundCase, receiptCase } from './lib/harness.mjs';
import { plan } from './lib/plan.mjs';
import { runPlan } from './lib/rows.mjs';

const [pkgDir, mode, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { Client } = require(resolve(pkgDir, 'node/stomp_wasm.js'));
const clients = { ours: Client, stompjs: StompClient };
const options = { now: () => performance.now(), gc: globalThis.gc };
const bench = {
  inbound: (c) => inboundCase(clients, { ...c, ...options }),
  outbound: (c) => outboundCase(clients, { ...c, ...options }),
  receipts: (c) => receiptCase(clients, { ...c, ...options }),
  delivery: (c) => deliveryCase(Client, { ...c, ...options }),
};
const results = await runPlan('node', plan(mode), (kind, c) => bench[kind](c));
writeFileSync(out, JSON.stringify(results));
