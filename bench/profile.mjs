// One client on one inbound or outbound case, repeated, for a CPU profile (not part of `make bench`).
// Node:
//   node --cpu-prof --cpu-prof-dir=DIR bench/profile.mjs PKG_DIR ours|stompjs BODY_BYTES CHUNKING|publish [binary|text] [SECONDS]
// Chromium (the bench page, profiled through the DevTools protocol; writes DIR/chromium-….cpuprofile):
//   node bench/profile.mjs --chromium DIR PKG_DIR ours|stompjs BODY_BYTES CHUNKING|publish [binary|text] [SECONDS]
// CHUNKING: frame, batch10, split4k (inbound; binary = ArrayBuffer messages, the default); publish
// (outbound; text = a string body, the default, binary = binaryBody).
// Then: node bench/profile-top.mjs FILE.cpuprofile. For wasm function names, profile a copy of the
// package whose wasm keeps its names: `bench/run --profile-pkg DIR` (bench/named-wasm.mjs).

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { soloCase } from './lib/harness.mjs';

const args = process.argv.slice(2);
const dataFor = (chunking, data) => data ?? (chunking === 'publish' ? 'text' : 'binary');
if (args[0] === '--chromium') {
  const [, dir, pkgDir, kind, size, chunking, given, seconds = '5'] = args;
  const data = dataFor(chunking, given);
  const { openPage } = await import('./browser.mjs');
  const { page, close } = await openPage(pkgDir);
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const r = await page.evaluate((c) => window.bench.solo(c), { kind, bodyBytes: Number(size), chunking, data, seconds: Number(seconds) });
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `chromium-${kind}-${size}-${chunking}-${data}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`${kind} ${size} B ${chunking} ${data} in Chromium: ${r.runs} runs, ${Math.round(r.fps)} frames/s; ${file}`);
  } finally {
    await close();
  }
} else {
  const [pkgDir, kind, size, chunking, given, seconds = '5'] = args;
  const data = dataFor(chunking, given);
  const Client =
    kind === 'ours'
      ? createRequire(import.meta.url)(resolve(pkgDir, 'node/stomp_wasm.js')).Client
      : (await import('@stomp/stompjs')).Client;
  const r = await soloCase(kind, Client, { bodyBytes: Number(size), chunking, data, seconds: Number(seconds) });
  console.log(`${kind} ${size} B ${chunking} ${data} in Node: ${r.runs} runs, ${Math.round(r.fps)} frames/s`);
}
