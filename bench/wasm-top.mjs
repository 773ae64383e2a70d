// What takes the space in a wasm module: bytes per section, per crate (our own by module) and per part
// (the size-by-part groups of `make bench`), and the largest function bodies by name. Needs the name
// section: `bench/named-wasm.mjs` builds such a copy of the shipped module; not part of `make bench`.
//   node bench/wasm-top.mjs FILE.wasm [N]

import { readFileSync } from 'node:fs';
import { crateOf, partOf, readModule, shortName } from './lib/wasm-names.mjs';

const [file, n = '40'] = process.argv.slice(2);
const { total, sections, bodies, named } = readModule(readFileSync(file));
console.log(`${file}: ${total} bytes${named ? '' : ' (no name section: functions are func[i])'}`);
for (const s of [...sections].sort((a, b) => b.size - a.size)) console.log(`${String(s.size).padStart(8)}  ${((100 * s.size) / total).toFixed(1).padStart(5)}%  ${s.label}`);
const code = bodies.reduce((s, b) => s + b.size, 0);
const group = (key, limit) => {
  const by = new Map();
  for (const b of bodies) by.set(key(b.name), (by.get(key(b.name)) ?? 0) + b.size);
  for (const [c, s] of [...by].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`${String(s).padStart(8)}  ${((100 * s) / code).toFixed(1).padStart(5)}%  ${c}`);
};
console.log(`\ncode by part (${code} bytes of function bodies):`);
group(partOf, 20);
console.log(`\ncode by crate:`);
group(crateOf, 30);
console.log(`\nlargest functions:`);
for (const b of [...bodies].sort((a, b) => b.size - a.size).slice(0, Number(n))) {
  console.log(`${String(b.size).padStart(8)}  ${partOf(b.name).padEnd(10).slice(0, 10)}  ${shortName(b.name).slice(0, 150)}`);
}
