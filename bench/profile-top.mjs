// Self and inclusive time by function from a V8 .cpuprofile (node --cpu-prof, or Chromium's profiler
// through the DevTools protocol), top N of each.
//   node bench/profile-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

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
const show = (title, map, base) => {
  console.log(`${title} (% of ${(base / 1000).toFixed(0)} ms)`);
  for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
    console.log(`${((100 * t) / base).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
};
show('self time', self, total);
show('inclusive time, busy samples', inclusive, busy);
