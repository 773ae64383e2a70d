// The build without WebAssembly under Hermes, React Native's engine (hermes-engine-cli 0.12's `hermes`,
// interpreted as in a release app: `-O` bytecode, no JIT), against @stomp/stompjs: the cases of
// bench/nowasm.mjs, with the harness of the main tables (lib/harness.mjs), bundled as Metro would
// (tests/support/hermes.mjs: esbuild, then the Babel transforms React Native's preset applies for Hermes).
// Both clients get the package's UTF-8 TextEncoder/TextDecoder (Hermes 0.12 has none; stompjs needs one
// there too). Runs and frames per run as lib/nowasm-cases.mjs's INTERPRETED.
//   node bench/hermes.mjs PKG_DIR full|quick OUT.json      writes { env: 'hermes', rows }
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForHermes, runHermes } from '../tests/support/hermes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [pkgDir, , out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node bench/hermes.mjs PKG_DIR full|quick OUT.json');
  process.exit(2);
}
const script = await bundleForHermes(join(here, 'hermes', 'entry.js'), join(here, '..', 'target', 'bench', 'hermes-bench.js'), resolve(pkgDir, 'js', 'stomp_wasm.js'));
const run = runHermes(script, { timeoutMs: 1800000, flags: ['-O', '-Xmicrotask-queue'] });
const line = run.lines.find((l) => l.startsWith('RESULT '));
if (run.status !== 0 || !line) {
  console.error(`bench: hermes failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
}
const rows = JSON.parse(line.slice('RESULT '.length)).map(({ c, js_fps, stompjs_fps }) => ({
  env: 'hermes',
  kind: c.kind,
  body_bytes: c.bodyBytes,
  chunking: c.chunking ?? 'frame',
  data: c.kind === 'inbound' ? c.data : c.binary ? 'binary' : 'text',
  a: 'js',
  b: 'stompjs',
  a_fps: js_fps,
  b_fps: stompjs_fps,
  ratio: js_fps / stompjs_fps,
}));
for (const r of rows) console.error(`bench: hermes ${r.kind} ${r.data} ${r.body_bytes} B ${r.chunking}: js ${Math.round(r.a_fps)}/s, stompjs ${Math.round(r.b_fps)}/s (${r.ratio.toFixed(2)}x)`);
writeFileSync(out, JSON.stringify({ env: 'hermes', rows }));
