// Runs a scenario under the Hermes engine (hermes-engine-cli's `hermes`, installed by `npm ci` from
// package.json): bundles it with the package's build without WebAssembly (pkg/js, as `stomp-wasm`), the
// way Metro hands an app to Hermes — one script, every module in it (node_modules included) through the
// parts of React Native's Babel preset (@react-native/babel-preset) that Hermes 0.12 needs:
//   - @babel/plugin-transform-classes: Hermes 0.12 parses no `class`;
//   - @babel/plugin-transform-block-scoping: it compiles `let`/`const` as `var` (a closure made in a
//     `for (let …)` loop sees the last iteration's binding: measured, esbuild's own export getters broke);
//   - @babel/plugin-transform-async-to-generator: it parses no async arrow functions —
// then runs it with the microtask queue on (as React Native does) and returns what it printed.
import { build } from 'esbuild';
import { transformSync } from '@babel/core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** The `hermes` binary for this machine, from the hermes-engine-cli package. */
export function hermesBinary() {
  const dir = { linux: 'linux64-bin', darwin: 'osx-bin', win32: 'win64-bin' }[process.platform];
  const bin = join(dirname(require.resolve('hermes-engine-cli/package.json')), dir, process.platform === 'win32' ? 'hermes.exe' : 'hermes');
  if (!existsSync(bin)) throw new Error(`no hermes binary at ${bin} (npm ci installs hermes-engine-cli)`);
  return bin;
}

/**
 * Bundles `entry` (with `stomp-wasm` resolved to `pkgJs`, the package's js/stomp_wasm.js) into one
 * classic script at `outfile`, classes lowered. Returns the path.
 */
export async function bundleForHermes(entry, outfile, pkgJs = join(ROOT, 'pkg', 'js', 'stomp_wasm.js')) {
  if (!existsSync(pkgJs)) throw new Error(`${pkgJs} is not built (scripts/build-pkg)`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2017',
    alias: { 'stomp-wasm': pkgJs },
    charset: 'utf8',
    logLevel: 'warning',
  });
  const bundled = result.outputFiles[0].text;
  // What Metro's Babel preset does for Hermes, for what Hermes 0.12 cannot run as written.
  const lowered = transformSync(bundled, {
    babelrc: false,
    configFile: false,
    compact: false,
    sourceType: 'script',
    plugins: ['@babel/plugin-transform-classes', '@babel/plugin-transform-block-scoping', '@babel/plugin-transform-async-to-generator'].map((name) => require.resolve(name)),
  }).code;
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, lowered);
  return outfile;
}

/** Runs `script` with hermes; `{ status, stdout, stderr, lines }`. */
export function runHermes(script, { timeoutMs = 120000, flags = ['-Xmicrotask-queue'] } = {}) {
  const run = spawnSync(hermesBinary(), [...flags, script], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, lines: run.stdout.split('\n').filter(Boolean) };
}
