// A/B of two builds of ours (e.g. before and after a change in src/), interleaved run by run so that
// machine noise hits both; not part of `make bench`.
//   node --expose-gc bench/ab.mjs [--chromium] PKG_A PKG_B [BODY_BYTES,...] [CHUNKING,...|publish]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { inboundCase, outboundCase } from './lib/harness.mjs';

const args = process.argv.slice(2);
const chromium = args[0] === '--chromium';
if (chromium) args.shift();
const [a, b, sizes = '64,1024,262144', chunkings = 'frame,batch10,publish'] = args;
const options = { runs: 9, warmup: 2 };
let run;
let close = async () => {};
if (chromium) {
  const { openPage } = await import('./browser.mjs');
  const page = await openPage(a, b);
  close = page.close;
  run = (kind, c) => page.page.evaluate(([kind, c]) => window.bench[kind](c), [kind, { ...c, ...options }]);
} else {
  const require = createRequire(import.meta.url);
  const clients = { A: require(resolve(a, 'node/stomp_wasm.js')).Client, B: require(resolve(b, 'node/stomp_wasm.js')).Client };
  const common = { now: () => performance.now(), gc: globalThis.gc, ...options };
  run = (kind, c) => (kind === 'outbound' ? outboundCase : inboundCase)(clients, { ...c, ...common });
}
try {
  for (const bodyBytes of sizes.split(',').map(Number)) {
    for (const chunking of chunkings.split(',')) {
      const r = chunking === 'publish' ? await run('outbound', { bodyBytes }) : await run('inbound', { bodyBytes, chunking });
      console.log(`${chromium ? 'chromium' : 'node'} ${String(bodyBytes).padStart(6)} B ${chunking.padEnd(8)} A ${Math.round(r.A_fps).toString().padStart(8)}  B ${Math.round(r.B_fps).toString().padStart(8)} frames/s  B/A ${(r.B_fps / r.A_fps).toFixed(2)}`);
    }
  }
} finally {
  await close();
}
