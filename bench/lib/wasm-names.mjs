// Reads a wasm module's sections and its function bodies with their names (from the "name" custom
// section, when the module has one), for bench/wasm-top.mjs and the size-by-part table of `make bench`.

const SECTIONS = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

/**
 * `{total, sections: [{id, label, size}], bodies: [{index, size, name}]}`: `size` of a section is its
 * payload; of a body, its bytes in the code section (without the length prefix). Unnamed functions are
 * `func[i]`.
 */
export function readModule(bytes) {
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
    const s = Buffer.from(bytes.subarray(at, at + len)).toString('utf8');
    at += len;
    return s;
  };
  const sections = [];
  let imports = 0;
  const bodies = [];
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
    sections.push({ id, label, size });
    at = start + size;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { total: bytes.length, sections, bodies, named: names.size > 0 };
}

/** A function's name without the hash suffix (`::h0123…`) and crate disambiguators (`[0123…]`). */
export function shortName(fn) {
  return fn.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
}

const PRIMITIVE = /^(?:&(?:mut )?)?(?:str|char|bool|[iu](?:8|16|32|64|128|size)|f32|f64|\[.*\]|\(.*\)|[A-Z])(?:$|[^A-Za-z0-9_:])/;
const COMPILER_BUILTINS = new Set(['memcmp', 'memcpy', 'memmove', 'memset', 'bcmp', '__multi3', '__udivti3', '__umodti3', '__divti3', '__modti3', '__ashlti3', '__lshrti3']);

/** The crate of a path (`core::fmt::…` → core; ours: `stomp_wasm::web::edge`), or null. */
function pathCrate(path) {
  const p = path.replace(/^(?:&(?:mut )?|\*(?:const|mut) )/, '');
  const own = p.match(/^(stomp_wasm::[a-z_]+(?:::[a-z_]+)?)/);
  if (own) return own[1];
  const m = p.match(/^([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  return m ? m[1] : null;
}

/**
 * The crate (or, for our own crate, the module: `stomp_wasm::web::edge`) a function belongs to. For
 * `<T as Trait>::f` it is T's, or Trait's when T is a primitive or a type parameter (`<str as
 * core::…>`); `<str>::f` is core's. wasm-bindgen's exported wrappers (`clientcore_subscribe`: the
 * `#[wasm_bindgen]` method inlined into its export) and shims are "wasm-bindgen exports"; the
 * allocator entry points rustc generates (`__rustc::__rust_alloc`…) are "__rustc alloc shims".
 */
export function crateOf(fn) {
  const s = shortName(fn);
  if (s.startsWith('<')) {
    const inner = s.slice(1);
    const as = inner.indexOf(' as ');
    const self = as >= 0 ? inner.slice(0, as) : inner.slice(0, inner.indexOf('>'));
    if (!PRIMITIVE.test(self)) {
      const c = pathCrate(self);
      if (c) return c;
    }
    if (as >= 0) {
      const c = pathCrate(inner.slice(as + 4));
      if (c) return c;
    }
    return 'core';
  }
  if (/^__rustc::__rust_(?:alloc|dealloc|realloc|alloc_zeroed)$/.test(s)) return '__rustc alloc shims';
  if (s.startsWith('__rustc::')) return 'core';
  const c = pathCrate(s);
  if (c) return c;
  if (COMPILER_BUILTINS.has(s)) return 'compiler_builtins';
  if (s.includes('externref shim') || s.startsWith('__wbg') || s.startsWith('__wbindgen') || /^[a-z0-9]+_[A-Za-z0-9_]+$/.test(s)) return 'wasm-bindgen exports';
  return '(other)';
}

/** The "size by part" groups of the issue: which part of the client a function's bytes are for. */
export const PARTS = ['codec', 'session', 'driver', 'bindings', 'allocator', 'core/alloc/compiler_builtins', 'other'];

export function partOf(fn) {
  const crate = crateOf(fn);
  if (crate === 'stomp_wasm::frame' || crate.startsWith('stomp_wasm::frame::')) return 'codec';
  if (crate === 'stomp_wasm::session' || crate.startsWith('stomp_wasm::session::')) return 'session';
  if (crate === 'stomp_wasm::web::edge') return 'bindings';
  if (crate.startsWith('stomp_wasm::web')) return 'driver';
  if (['wasm_bindgen', 'js_sys', 'web_sys', 'wasm-bindgen exports'].includes(crate)) return 'bindings';
  if (['dlmalloc', 'wee_alloc', 'lol_alloc', 'talc', 'talc_wasm', 'buddy_alloc', 'rlsf', 'emballoc', '__rustc alloc shims'].includes(crate) || /^stomp_wasm::(npm|alloc)/.test(crate)) return 'allocator';
  if (['core', 'alloc', 'compiler_builtins', 'std'].includes(crate)) return 'core/alloc/compiler_builtins';
  return 'other';
}
