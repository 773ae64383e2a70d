// A copy of the shipped wasm with its function names kept, for the size-by-part table of `make bench`,
// bench/wasm-top.mjs and CPU profiles with wasm function names. From the raw cargo output of
// scripts/build-pkg (target/mvp/wasm32-unknown-unknown/release/stomp_wasm.wasm), the same steps as
// build-pkg: wasm-tools strip -d target_features, wasm-bindgen --target bundler (with --keep-debug),
// scripts/wasm-mvp-finish with KEEP_NAMES=1 (the same short import and export names as the shipped glue,
// so the module loads with the package's own JS; wasm-opt with -g).
//   node bench/named-wasm.mjs RAW.wasm OUT.wasm
//   node bench/named-wasm.mjs --pkg PKG_DIR RAW.wasm OUT_PKG_DIR   (a copy of the package with the named wasm)

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(tool, args, env) {
  const r = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error) throw new Error(`named-wasm: ${tool}: ${r.error.message} (is it on PATH? bench/run puts node_modules/.bin and ~/.cargo/bin first)`);
  if (r.status !== 0) throw new Error(`named-wasm: ${tool} ${args.join(' ')} failed:\n${r.stderr}`);
}

/** Builds OUT (a wasm file) from RAW (cargo's output), names kept. */
export function buildNamed(raw, out) {
  if (!existsSync(raw)) throw new Error(`named-wasm: ${raw} does not exist (run scripts/build-pkg first)`);
  const work = mkdtempSync(join(tmpdir(), 'stomp-named-'));
  try {
    run('wasm-tools', ['strip', '-d', 'target_features', raw, '-o', join(work, 'stomp_wasm.wasm')]);
    run('wasm-bindgen', ['--target', 'bundler', '--weak-refs', '--no-typescript', '--keep-debug', '--out-dir', join(work, 'bindgen'), join(work, 'stomp_wasm.wasm')]);
    const bindgen = join(work, 'bindgen');
    run(join(ROOT, 'scripts', 'wasm-mvp-finish'), [join(bindgen, 'stomp_wasm_bg.wasm'), join(bindgen, 'stomp_wasm_bg.js'), out], { KEEP_NAMES: '1' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** A copy of the package PKG in OUT_PKG with every build's wasm replaced by the named one. */
export function namedPackage(pkg, raw, outPkg) {
  rmSync(outPkg, { recursive: true, force: true });
  cpSync(pkg, outPkg, { recursive: true });
  const wasm = buildNamed(raw, join(outPkg, 'named.wasm'));
  for (const dir of ['web', 'node', 'miniprogram']) {
    if (existsSync(join(outPkg, dir, 'stomp_wasm_bg.wasm'))) writeFileSync(join(outPkg, dir, 'stomp_wasm_bg.wasm'), readFileSync(wasm));
  }
  rmSync(join(outPkg, 'miniprogram', 'stomp_wasm_bg.wasm.br'), { force: true });
  return outPkg;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--pkg') {
    const [, pkg, raw, out] = args;
    console.log(`named-wasm: ${namedPackage(resolve(pkg), resolve(raw), resolve(out))}`);
  } else {
    const [raw, out] = args;
    if (!raw || !out) {
      console.error('usage: node bench/named-wasm.mjs RAW.wasm OUT.wasm | --pkg PKG_DIR RAW.wasm OUT_PKG_DIR');
      process.exit(2);
    }
    console.log(`named-wasm: ${buildNamed(resolve(raw), resolve(out))}`);
  }
}
