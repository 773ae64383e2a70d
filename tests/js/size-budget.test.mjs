// The size budget (issue 22): what a page downloads (the wasm + web/stomp_wasm.js, gzip -9) and what a
// mini-program ships (stomp_wasm_bg.wasm.br as built, and index.js, gzip -9) stay within the budgets
// of tests/size-budget.json. Sizes are deterministic for a toolchain (Cargo.lock, rustc, wasm-bindgen,
// wasm-opt and esbuild pinned), so unlike timings they belong in `make test`: a change that grows the
// package fails here, with every number printed. The budgets are ratchets (what the build measures
// now, with a little room); the targets are printed beside them. bench/size.mjs measures the
// same files with the same settings (`make bench`'s size table).
//
// Needs the package built (scripts/build-pkg; PKG_DIR=DIR for another one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = resolve(process.env.PKG_DIR || join(ROOT, 'pkg'));
const BUDGET = JSON.parse(readFileSync(join(ROOT, 'tests', 'size-budget.json'), 'utf8'));

/** raw / gzip -9 / brotli q11 (bench/size.mjs's settings). */
function sizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

const row = (name, s) => `${name.padEnd(34)} ${String(s.raw).padStart(7)} raw ${String(s.gzip).padStart(7)} gzip ${String(s.brotli).padStart(7)} brotli`;

test('the package is built', () => {
  for (const file of ['web/stomp_wasm_bg.wasm', 'web/stomp_wasm.js', 'miniprogram/stomp_wasm_bg.wasm.br', 'miniprogram/index.js']) {
    assert.ok(existsSync(join(PKG, file)), `${join(PKG, file)} is missing: run scripts/build-pkg first`);
  }
});

test('browser: the wasm + web/stomp_wasm.js within the budget (gzip)', (t) => {
  const wasm = sizes(join(PKG, 'web', 'stomp_wasm_bg.wasm'));
  const js = sizes(join(PKG, 'web', 'stomp_wasm.js'));
  const total = wasm.gzip + js.gzip;
  t.diagnostic(row('web/stomp_wasm_bg.wasm', wasm));
  t.diagnostic(row('web/stomp_wasm.js', js));
  t.diagnostic(`browser total ${total} B gzip; budget ${BUDGET.browser_total_gzip} (issue 22: target ${BUDGET.targets.browser_total_gzip}, must ${BUDGET.musts.browser_total_gzip})`);
  assert.ok(
    total <= BUDGET.browser_total_gzip,
    `the browser total is over its budget: ${total} B gzip (wasm ${wasm.gzip} + JS ${js.gzip}) > ${BUDGET.browser_total_gzip} (tests/size-budget.json)`,
  );
});

test('mini-program: the .wasm.br and index.js within their budgets', (t) => {
  const wasm = sizes(join(PKG, 'miniprogram', 'stomp_wasm_bg.wasm'));
  const wasmBr = readFileSync(join(PKG, 'miniprogram', 'stomp_wasm_bg.wasm.br')).length;
  const js = sizes(join(PKG, 'miniprogram', 'index.js'));
  t.diagnostic(row('miniprogram/stomp_wasm_bg.wasm', wasm));
  t.diagnostic(`miniprogram/stomp_wasm_bg.wasm.br  ${wasmBr} B as built; budget ${BUDGET.miniprogram_wasm_br} (issue 22: target ${BUDGET.targets.miniprogram_wasm_br}, must ${BUDGET.musts.miniprogram_wasm_br})`);
  t.diagnostic(row('miniprogram/index.js', js));
  t.diagnostic(`miniprogram/index.js ${js.gzip} B gzip; budget ${BUDGET.miniprogram_js_gzip} (issue 22: target ${BUDGET.targets.miniprogram_js_gzip})`);
  assert.ok(wasmBr <= BUDGET.miniprogram_wasm_br, `the mini-program .wasm.br is over its budget: ${wasmBr} B > ${BUDGET.miniprogram_wasm_br} (tests/size-budget.json)`);
  assert.ok(js.gzip <= BUDGET.miniprogram_js_gzip, `miniprogram/index.js is over its budget: ${js.gzip} B gzip > ${BUDGET.miniprogram_js_gzip} (tests/size-budget.json)`);
  // Shipped minified, with its source map beside it.
  assert.ok(existsSync(join(PKG, 'miniprogram', 'index.js.map')), 'miniprogram/index.js.map is missing');
  assert.match(readFileSync(join(PKG, 'miniprogram', 'index.js'), 'utf8'), /\n\/\/# sourceMappingURL=index\.js\.map\n?$/);
});
