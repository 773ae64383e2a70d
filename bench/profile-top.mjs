// Self and inclusive time by function from a V8 .cpuprofile (node --cpu-prof, or Chromium's profiler
// through the DevTools protocol), top N of each, and self time by part: wasm functions by the size-by-part
// groups of `make bench` (lib/wasm-names.mjs; needs a package whose wasm keeps its names, `bench/run
// --profile-pkg DIR`), our JS (the edge and the glue: stomp_wasm.js / index.js), V8's TextDecoder and
// TextEncoder, the garbage collector, stompjs, the bench harness.
//   node bench/profile-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { partOf } from './lib/wasm-names.mjs';

const [file, n = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const name = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = (functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
  return `${fn.length > 110 ? `${fn.slice(0, 107)}...` : fn} ${url.split('/').pop().replace(/-[0-9a-f]{8}$/, '')}:${lineNumber + 1}`;
};
const self = new Map();
const inclusive = new Map();
let total = 0;
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const t = profile.timeDeltas[i + 1] ?? 0;
  let id = profile.samples[i];
  const leaf = byId.get(id);
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + t);
  total += t;
  if (leaf.callFrame.functionName === '(idle)') continue;
  busy += t;
  const seen = new Set();
  for (; id !== undefined; id = parent.get(id)) {
    const key = name(byId.get(id));
    if (!seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
  }
}
const show = (title, map, base, limit = Number(n)) => {
  console.log(`${title} (% of ${(base / 1000).toFixed(0)} ms)`);
  for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((100 * t) / base).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
};
/** Which part of the work a profile node's self time is. */
const partOfNode = (node) => {
  const { functionName: fn, url } = node.callFrame;
  const file = url.split('/').pop();
  if (fn === '(idle)' || fn === '(program)') return null;
  if (fn === '(garbage collector)') return 'garbage collector';
  if (/^(wasm-to-js|js-to-wasm)/.test(fn) || fn === 'GenericJSToWasmWrapper' || fn === 'WasmToJsWrapper') return 'JS↔wasm call wrappers';
  if (/\.wasm/.test(file) || url.startsWith('wasm://')) return `wasm: ${partOf(fn)}`;
  if (file === 'encoding' || /^(decode|encode|encodeInto|decodeUTF8|encodeUtf8String|encodeIntoResults)$/.test(fn)) return 'V8: TextDecoder / TextEncoder';
  if (/stomp_wasm\.js|^index\.js|stomp_wasm\.cjs/.test(file)) return 'ours: JS edge + glue';
  if (/stompjs|stomp\.umd/.test(url)) return 'stompjs';
  if (/bench\/(lib\/)?[a-z-]+\.mjs/.test(url)) return 'bench harness';
  return url ? 'other JS' : `V8 (${fn})`;
};
// Only the timed work (soloCase's `run` in lib/harness.mjs) when the profile has it: not the setup.
const timedRoots = new Set(profile.nodes.filter((x) => x.callFrame.functionName === 'run' && /harness\.mjs/.test(x.callFrame.url)).map((x) => x.id));
const underTimed = (id) => {
  for (; id !== undefined; id = parent.get(id)) if (timedRoots.has(id)) return true;
  return false;
};
const parts = new Map();
const partFns = new Map();
let partTotal = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const t = profile.timeDeltas[i + 1] ?? 0;
  const leaf = byId.get(profile.samples[i]);
  const part = partOfNode(leaf);
  if (part === null || (timedRoots.size && !underTimed(leaf.id))) continue;
  parts.set(part, (parts.get(part) ?? 0) + t);
  if (!partFns.has(part)) partFns.set(part, new Map());
  partFns.get(part).set(name(leaf), (partFns.get(part).get(name(leaf)) ?? 0) + t);
  partTotal += t;
}
show('self time', self, total);
show('inclusive time, busy samples', inclusive, busy);
console.log(`self time by part${timedRoots.size ? ' (the timed loop only)' : ''} (% of ${(partTotal / 1000).toFixed(0)} ms), with each part's top functions`);
for (const [part, t] of [...parts].sort((a, b) => b[1] - a[1])) {
  if (t / partTotal < 0.005) continue;
  const top = [...partFns.get(part)].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k.replace(/ \S+:\d+$/, '').slice(0, 60)} ${((100 * v) / partTotal).toFixed(1)}%`);
  console.log(`${((100 * t) / partTotal).toFixed(1).padStart(5)}%  ${part}: ${top.join('; ')}`);
}
