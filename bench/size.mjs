// Shipped size: what a page downloads (the wasm + pkg/web/stomp_wasm.js, the one-file ESM build: glue
// and JS edge), raw, gzip -9 and brotli (quality 11), as shipped and with the JS minified by esbuild
// (--minify, as any bundler does); what a mini-program ships (pkg/miniprogram: stomp_wasm_bg.wasm.br as
// built, and index.js); the build without WebAssembly (pkg/js: stomp_wasm.js + engine.js, what React
// Native bundles); @stomp/stompjs's bundles/stomp.umd.min.js beside them. With a copy of the wasm
// that has its name section (bench/named-wasm.mjs), also the size by part: which part of the client
// the shipped module's bytes are for.
//   node bench/size.mjs PKG_DIR [NAMED.wasm] [OUT.json]

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';
import { PARTS, partOf, readModule, shortName } from './lib/wasm-names.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** raw / gzip -9 / brotli q11 of some bytes. */
export function compressed(b) {
  return {
    raw: b.length,
    gz: gzipSync(b, { level: 9 }).length,
    br: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length,
  };
}

/** The JS as a bundler's production build would leave it: esbuild --minify, same format. */
function minified(file, format) {
  return Buffer.from(transformSync(readFileSync(file, 'utf8'), { minify: true, format, target: format === 'esm' ? 'es2020' : 'es2017', legalComments: 'none' }).code);
}

const add = (a, b) => ({ raw: a.raw + b.raw, gz: a.gz + b.gz, br: a.br + b.br });

/**
 * Size by part of the shipped module, from a copy with names (the same code: checked by the code
 * section's size): function bodies grouped by lib/wasm-names.mjs's partOf, then the data section and
 * the rest (imports, exports, types, tables, the length prefixes of the bodies).
 */
export function parts(shippedWasm, namedWasm) {
  const shipped = readModule(readFileSync(shippedWasm));
  const named = readModule(readFileSync(namedWasm));
  const section = (m, id) => m.sections.filter((s) => s.id === id).reduce((n, s) => n + s.size, 0);
  const bytes = Object.fromEntries(PARTS.map((p) => [p, 0]));
  const top = Object.fromEntries(PARTS.map((p) => [p, []]));
  for (const b of named.bodies) {
    const p = partOf(b.name);
    bytes[p] += b.size;
    top[p].push(b);
  }
  const codeBodies = named.bodies.reduce((n, b) => n + b.size, 0);
  const rows = PARTS.map((part) => ({
    part,
    bytes: bytes[part],
    // Generic code of core/alloc instantiated for our own types (BTreeMap<…>::insert of the session's
    // tables, drop_in_place<…driver…>): ours in effect, counted where rustc names it.
    for_our_types: top[part].filter((b) => /stomp_wasm::/.test(b.name) && !/^<?stomp_wasm::/.test(shortName(b.name))).reduce((n, b) => n + b.size, 0),
    largest: top[part].sort((a, b) => b.size - a.size).slice(0, 3).map((b) => [shortName(b.name), b.size]),
  }));
  const data = section(shipped, 11);
  rows.push({ part: 'data (constants: messages, header names, tables)', bytes: data, largest: [] });
  rows.push({ part: 'the rest (imports, exports, types, table, body headers)', bytes: shipped.total - codeBodies - data, largest: [] });
  return {
    shipped_bytes: shipped.total,
    shipped_code_section: section(shipped, 10),
    named_code_section: section(named, 10),
    same_code: section(shipped, 10) === section(named, 10),
    rows: rows.map((r) => ({ ...r, share: r.bytes / shipped.total })),
  };
}

export function measure(pkgDir, namedWasm) {
  const web = join(pkgDir, 'web');
  const mp = join(pkgDir, 'miniprogram');
  const webWasm = compressed(readFileSync(join(web, 'stomp_wasm_bg.wasm')));
  const webJs = compressed(readFileSync(join(web, 'stomp_wasm.js')));
  const webJsMin = compressed(minified(join(web, 'stomp_wasm.js'), 'esm'));
  const result = {
    browser_wasm: webWasm,
    browser_js: webJs,
    browser_js_min: webJsMin,
    browser_total: add(webWasm, webJs),
    browser_total_min: add(webWasm, webJsMin),
    miniprogram: null,
    stompjs_min: compressed(readFileSync(join(root, 'node_modules/@stomp/stompjs/bundles/stomp.umd.min.js'))),
    parts: null,
  };
  if (existsSync(join(mp, 'index.js'))) {
    const wasmBr = join(mp, 'stomp_wasm_bg.wasm.br');
    result.miniprogram = {
      wasm: compressed(readFileSync(join(mp, 'stomp_wasm_bg.wasm'))),
      // What WeChat loads (WXWebAssembly.instantiate of the .br): the file as build-pkg wrote it.
      wasm_br_file: existsSync(wasmBr) ? readFileSync(wasmBr).length : null,
      js: compressed(readFileSync(join(mp, 'index.js'))),
      js_min: compressed(minified(join(mp, 'index.js'), 'cjs')),
    };
    result.miniprogram.shipped = (result.miniprogram.wasm_br_file ?? 0) + result.miniprogram.js.raw;
  }
  const js = join(pkgDir, 'js');
  if (existsSync(join(js, 'engine.js'))) {
    const engine = compressed(readFileSync(join(js, 'engine.js')));
    const client = compressed(readFileSync(join(js, 'stomp_wasm.js')));
    const clientMin = compressed(minified(join(js, 'stomp_wasm.js'), 'cjs'));
    // One file as a bundler (Metro, webpack) would make it: engine and client minified together.
    result.nowasm = { engine, js: client, js_min: clientMin, total: add(engine, client), total_min: add(engine, clientMin) };
  }
  if (namedWasm && existsSync(namedWasm)) result.parts = parts(join(web, 'stomp_wasm_bg.wasm'), namedWasm);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkgDir = join(root, 'pkg'), named, out] = process.argv.slice(2);
  const result = measure(resolve(pkgDir), named && resolve(named));
  if (out) writeFileSync(out, JSON.stringify(result));
  else console.dir(result, { depth: 5 });
}
