// The tight publishing loop (issue 19) against RabbitMQ (scripts/broker, ws://127.0.0.1:15674/ws, or
// BENCH_BROKER_URL), in Node and in the headless Chromium bench page: ours at-most-once, ours
// at-least-once and @stomp/stompjs, 20,000 × 200 B without await (lib/loop.mjs). Run by bench/run.mjs as
//   node bench/loop.mjs PKG_DIR OUT.json
// and writes {version, node, chromium} (each {rows} or {skipped}) to OUT.json.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Client as StompClient } from '@stomp/stompjs';
import { tightLoop } from './lib/loop.mjs';
import { openPage } from './browser.mjs';

const [pkgDir, out] = process.argv.slice(2);
const url = process.env.BENCH_BROKER_URL || 'ws://127.0.0.1:15674/ws';
const require = createRequire(import.meta.url);
globalThis.WebSocket = require('ws');
const { Client } = require(resolve(pkgDir, 'node/stomp_wasm.js'));

const node = await tightLoop({ Ours: Client, Stompjs: StompClient, url });
let chromium;
let version = null;
if (node.skipped) {
  chromium = { skipped: node.skipped };
} else {
  const opened = await openPage(pkgDir);
  version = opened.version;
  try {
    chromium = await opened.page.evaluate(async (brokerURL) => {
      const { tightLoop: run } = await import('/bench/lib/loop.mjs');
      const { Client: Ours } = await import('/pkg/web/stomp_wasm.js'); // initialised by the page
      return run({ Ours, Stompjs: globalThis.StompJs.Client, url: brokerURL });
    }, url);
  } finally {
    await opened.close();
  }
}
writeFileSync(out, JSON.stringify({ version, node, chromium }));
