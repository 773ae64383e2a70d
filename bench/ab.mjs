// A/B of two builds of ours (e.g. before and after a change in src/), interleaved run by run so that
// machine noise hits both; not part of `make bench`.
//   node --expose-gc bench/ab.mjs [--chromium] PKG_A PKG_B [BODY_BYTES,...] [CASE,...]
// CASE: frame, batch10, split4k (inbound, binary messages), publish (text body), publish-binary
// (binaryBody), subs (64 B ×10 over 1 / 1,000 / 10,000 subscriptions; BODY_BYTES ignored).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { inboundCase, outboundCase } from './lib/harness.mjs';
import { SUBSCRIPTION_COUNTS } from './lib/plan.mjs';

const args = process.argv.slice(2);
const chromium = args[0] === '--chromium';
if (chromium) args.shift();
const [a, b, sizes = '64,1024,262144', chunkings = 'frame,batch10,publish,publish-binary'] = args;
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
const line = (label, A, B) =>
  console.log(`${chromium ? 'chromium' : 'node'} ${label}  A ${Math.round(A).toString().padStart(8)}  B ${Math.round(B).toString().padStart(8)} frames/s  B/A ${(B / A).toFixed(2)}`);
try {
  const list = chunkings.split(',');
  if (list.includes('subs')) {
    const r = await run('inbound', { bodyBytes: 64, chunking: 'batch10', subscriptions: SUBSCRIPTION_COUNTS, destinations: 'numbered', ceiling: false });
    for (const n of SUBSCRIPTION_COUNTS) line(`${String(n).padStart(6)} subs 64 B batch10`, r[`A@${n}_fps`], r[`B@${n}_fps`]);
  }
  for (const bodyBytes of sizes.split(',').map(Number)) {
    for (const chunking of list.filter((c) => c !== 'subs')) {
      const r = chunking.startsWith('publish')
        ? await run('outbound', { bodyBytes, binary: chunking === 'publish-binary' })
        : await run('inbound', { bodyBytes, chunking });
      line(`${String(bodyBytes).padStart(6)} B ${chunking.padEnd(14)}`, r.A_fps, r.B_fps);
    }
  }
} finally {
  await close();
}
