// Shipped size: the wasm and its JS glue, raw, gzip -9 and brotli (quality 11), for the browser build
// (pkg/web) and the mini-program build (pkg/miniprogram: any *.wasm and *.js there, once that build
// exists; null until then), beside @stomp/stompjs's bundles/stomp.umd.min.js.
//   node bench/size.mjs PKG_DIR [OUT.json]

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function sizes(files) {
  if (!files.length) return null;
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  const each = (f) => {
    const b = readFileSync(f);
    return {
      raw: b.length,
      gz: gzipSync(b, { level: 9 }).length,
      br: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length,
    };
  };
  // Several files (a split glue) are served separately: add their sizes up.
  const parts = files.map(each);
  return {
    files: files.map((f) => f.replace(`${root}/`, '')),
    raw: bytes.length,
    gz: parts.reduce((n, p) => n + p.gz, 0),
    br: parts.reduce((n, p) => n + p.br, 0),
  };
}

/** The mini-program build's directory: PKG_DIR/miniprogram, else the repo's pkg/miniprogram. */
function miniprogramDir(pkgDir) {
  return [join(pkgDir, 'miniprogram'), join(root, 'pkg/miniprogram')].find((d) => existsSync(d));
}

export function measure(pkgDir) {
  const web = join(pkgDir, 'web');
  const browserWasm = sizes([join(web, 'stomp_wasm_bg.wasm')]);
  const browserGlue = sizes([join(web, 'stomp_wasm.js')]);
  const mp = miniprogramDir(pkgDir);
  const list = (ext) => (mp ? readdirSync(mp).filter((f) => f.endsWith(ext)).sort().map((f) => join(mp, f)) : []);
  const mpWasm = sizes(list('.wasm'));
  const mpGlue = sizes(list('.js'));
  const stompjs = sizes([join(root, 'node_modules/@stomp/stompjs/bundles/stomp.umd.min.js')]);
  return {
    browser_wasm_raw: browserWasm.raw,
    browser_wasm_gz: browserWasm.gz,
    browser_wasm_br: browserWasm.br,
    browser_glue_raw: browserGlue.raw,
    browser_glue_gz: browserGlue.gz,
    browser_glue_br: browserGlue.br,
    browser_total_gz: browserWasm.gz + browserGlue.gz,
    browser_total_br: browserWasm.br + browserGlue.br,
    miniprogram_wasm_raw: mpWasm?.raw ?? null,
    miniprogram_wasm_gz: mpWasm?.gz ?? null,
    miniprogram_wasm_br: mpWasm?.br ?? null,
    miniprogram_glue_raw: mpGlue?.raw ?? null,
    miniprogram_glue_gz: mpGlue?.gz ?? null,
    miniprogram_glue_br: mpGlue?.br ?? null,
    miniprogram_note: mpWasm
      ? `from ${mpWasm.files.join(', ')}`
      : 'no mini-program build yet (pkg/miniprogram/*.wasm): filled in once it exists',
    stompjs_min_raw: stompjs.raw,
    stompjs_min_gz: stompjs.gz,
    stompjs_min_br: stompjs.br,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkgDir = join(root, 'pkg'), out] = process.argv.slice(2);
  const result = measure(resolve(pkgDir));
  if (out) writeFileSync(out, JSON.stringify(result));
  else console.log(result);
}
