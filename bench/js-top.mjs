// What takes the space in the browser build's JS (pkg/web/stomp_wasm.js): bytes per source file after
// `esbuild --minify`, from esbuild's metafile, for the same entry and glue scripts/bundle.mjs bundles.
// Needs the wasm-bindgen glue of the last scripts/build-pkg (target/mvp/package/bindgen); not part of
// `make bench`.
//   node bench/js-top.mjs [BINDGEN_DIR]
import { build } from 'esbuild';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bindgen = resolve(process.argv[2] ?? join(root, 'target/mvp/package/bindgen'));
const result = await build({
  entryPoints: [join(root, 'src/web/edge/entries/web.js')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  minify: true,
  write: false,
  metafile: true,
  outfile: 'out.js',
  logLevel: 'warning',
  plugins: [{ name: 'glue', setup: (b) => b.onResolve({ filter: /^stomp-wasm-glue$/ }, () => ({ path: join(bindgen, 'stomp_wasm_bg.js') })) }],
});
const out = Object.values(result.metafile.outputs)[0];
const total = out.bytes;
console.log(`minified: ${total} bytes, ${gzipSync(result.outputFiles[0].contents, { level: 9 }).length} gzip`);
for (const [file, { bytesInOutput }] of Object.entries(out.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
  console.log(`${String(bytesInOutput).padStart(8)}  ${((100 * bytesInOutput) / total).toFixed(1).padStart(5)}%  ${relative(root, resolve(file))}`);
}
