// What takes the space in a wasm module: bytes per section, and the largest function bodies by name,
// grouped by crate and by part (codec, session, driver, edge + bindings, allocator, std; a function
// counts where it is named, so what the compiler inlined into it counts there too). Needs the name
// section (a build with wasm-bindgen --keep-debug and wasm-opt -g, or the cargo output before
// wasm-bindgen); not part of `make bench`.
//   node bench/wasm-top.mjs FILE.wasm [N]

import { readFileSync } from 'node:fs';

const [file, n = '40'] = process.argv.slice(2);
const bytes = readFileSync(file);
let at = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) return result >>> 0;
    shift += 7;
  }
};
const name = () => {
  const len = u32();
  const s = bytes.subarray(at, at + len).toString('utf8');
  at += len;
  return s;
};
const SECTIONS = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let imports = 0;
let bodies = [];
const names = new Map();
while (at < bytes.length) {
  const id = bytes[at++];
  const size = u32();
  const start = at;
  let label = SECTIONS[id] ?? `id ${id}`;
  if (id === 0) {
    label = `custom "${name()}"`;
    if (label === 'custom "name"') {
      while (at < start + size) {
        const sub = bytes[at++];
        const subSize = u32();
        const subEnd = at + subSize;
        if (sub === 1) {
          const count = u32();
          for (let i = 0; i < count; i++) {
            const index = u32();
            names.set(index, name());
          }
        }
        at = subEnd;
      }
    }
  } else if (id === 2) {
    const count = u32();
    for (let i = 0; i < count; i++) {
      name();
      name();
      const kind = bytes[at++];
      if (kind === 0) {
        u32();
        imports++;
      } else if (kind === 1) {
        at++;
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 2) {
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 3) {
        at += 2;
      } else if (kind === 4) {
        at++;
        u32();
      }
    }
  } else if (id === 10) {
    const count = u32();
    for (let i = 0; i < count; i++) {
      const bodySize = u32();
      bodies.push({ index: imports + i, size: bodySize });
      at += bodySize;
    }
  }
  sections.push({ label, size });
  at = start + size;
}
const total = bytes.length;
console.log(`${file}: ${total} bytes`);
for (const s of sections.sort((a, b) => b.size - a.size)) console.log(`${String(s.size).padStart(8)}  ${((100 * s.size) / total).toFixed(1).padStart(5)}%  ${s.label}`);
bodies = bodies.map((b) => ({ ...b, name: names.get(b.index) ?? `func[${b.index}]` }));
const crate = (fn) => {
  const own = fn.match(/^<?(stomp_wasm::[a-z_]+(?:::[a-z_]+)?)/);
  if (own) return own[1];
  const m = fn.match(/^<?(?:<)?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  if (m) return m[1];
  if (fn.startsWith('<')) {
    const inner = fn.match(/^<(?:&(?:mut )?)?([a-z_][a-z0-9_]*)/);
    if (inner) return inner[1];
  }
  return fn.includes('externref shim') || fn.startsWith('__wbg') || fn.startsWith('__wbindgen') ? 'wasm-bindgen shims' : '(other)';
};
const byCrate = new Map();
for (const b of bodies) byCrate.set(crate(b.name), (byCrate.get(crate(b.name)) ?? 0) + b.size);
const code = bodies.reduce((s, b) => s + b.size, 0);
console.log(`\ncode by crate (${code} bytes of function bodies):`);
for (const [c, s] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(s).padStart(8)}  ${((100 * s) / code).toFixed(1).padStart(5)}%  ${c}`);
// By part of the design (issue #12's "size by part"): a function's part is that of the path it is
// named after, or of the type whose drop glue or trait impl it is; generic std code monomorphised for
// our types (Vec<T>::push, FnOnce::call_once) stays under std.
const PARTS = [
  ['codec (frame)', /stomp_wasm::frame::/],
  ['session', /stomp_wasm::session::/],
  ['driver (driver, transport, timer, hooks, debug, clock)', /stomp_wasm::web::(driver|transport|timer|hooks|debug|clock)\b/],
  ['edge + bindings (ClientCore exports, JsHandler, wasm-bindgen, js-sys, web-sys)', /stomp_wasm::web::edge|^clientcore_|^__wbg|__wbindgen|wasm_bindgen|js_sys|web_sys|externref shim/],
  ['allocator (npm::heap)', /stomp_wasm::npm::|__rust_(alloc|dealloc|realloc)|__rdl_|dlmalloc/],
];
const part = (fn) => {
  const subject = fn.match(/^core::ptr::drop_in_place<(.*)>/)?.[1] ?? fn;
  for (const [label, re] of PARTS) if (re.test(subject)) return label;
  return 'std (core, alloc, compiler_builtins, memchr)';
};
const byPart = new Map();
for (const b of bodies) byPart.set(part(b.name), (byPart.get(part(b.name)) ?? 0) + b.size);
console.log(`\ncode by part:`);
for (const [p, s] of [...byPart].sort((a, b) => b[1] - a[1])) console.log(`${String(s).padStart(8)}  ${((100 * s) / code).toFixed(1).padStart(5)}%  ${p}`);
console.log(`\nlargest functions:`);
for (const b of bodies.sort((a, b) => b.size - a.size).slice(0, Number(n))) {
  console.log(`${String(b.size).padStart(8)}  ${b.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '').slice(0, 150)}`);
}
