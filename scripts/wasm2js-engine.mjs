// scripts/wasm2js-engine.mjs FINAL_WASM OUT_JS — the engine without WebAssembly: the finished MVP module
// (scripts/wasm-mvp-finish's output, the one every wasm build ships) compiled to JavaScript by binaryen's
// wasm2js (node_modules/.bin, binaryen 132), for runtimes where WebAssembly is missing (Hermes / React
// Native, `node --jitless`, Alipay's main thread, browsers with WebAssembly turned off). The same code,
// another encoding: nothing is written by hand but the wrapper below.
//
// OUT_JS is an ES module (readable; scripts/bundle.mjs minifies it into each build that needs it):
//
//   export function instantiate(imports) -> { exports }   // what `new WebAssembly.Instance(module, imports)` is
//
// `exports` has the module's exports under the same names (`memory` with `buffer` and `grow`, the
// functions), so api.js's finish() binds the same glue to it. Two changes to what wasm2js writes:
//   - a trap (`unreachable`, a Rust panic) throws an Error named 'RuntimeError', as WebAssembly's
//     RuntimeError is, so that client.js reports it the same way;
//   - the module-level `import`/`export` lines become the instantiate() function (the glue is passed in,
//     as it is to WebAssembly.instantiate).
// Gates: no legalised i64 at the boundary (wasm2js would split an i64 argument into two i32s the glue does
// not pass), and the shapes the wrapper relies on are there.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/wasm2js-engine.mjs FINAL_WASM OUT_JS');
  process.exit(2);
}
const die = (message) => {
  console.error(`wasm2js-engine: error: ${message}`);
  process.exit(1);
};

// -O3: the input is already -Oz (wasm-mvp-finish). Measured on it: -O3 and -Oz give JS within 0.5 % of
// each other minified (259 kB), and more inlining (-aimfs 20 -fimfs 100 -ifwl) 16 % more JS for no
// speed an interpreter could see. WASM2JS_FLAGS overrides them (for such experiments).
const WASM2JS_FLAGS = (process.env.WASM2JS_FLAGS ?? '-O3').split(/\s+/).filter(Boolean);
const work = mkdtempSync(join(tmpdir(), 'stomp-wasm2js-'));
const raw = join(work, 'engine.raw.js');
const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'wasm2js'), [input, ...WASM2JS_FLAGS, '-o', raw], { encoding: 'utf8' });
if (run.error || run.status !== 0) die(`wasm2js failed: ${run.error ?? run.stderr}`);
let js = readFileSync(raw, 'utf8');
rmSync(work, { recursive: true, force: true });

/** Replaces exactly one occurrence of `pattern` (a string or a RegExp), or stops the build. */
function replaceOnce(source, pattern, replacement, what) {
  const matches = typeof pattern === 'string' ? source.split(pattern).length - 1 : (source.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? []).length;
  if (matches !== 1) die(`expected ${what} once in the wasm2js output, found it ${matches} times (binaryen changed its output?)`);
  return source.replace(pattern, replacement);
}

if (/legalstub\$|legalfunc\$|getTempRet0|setTempRet0/.test(js)) {
  die('the module has i64 in an import or export signature: wasm2js splits it into two i32s, which the glue does not do');
}

// The glue arrives as the import object, not as an ES import.
js = replaceOnce(js, /^import \* as \$_stomp_wasm_bg_js from '\.\/stomp_wasm_bg\.js';\n/m, '', "the glue's import line");
// The module-level instance and its export lines go: instantiate() makes an instance per call.
const tail = js.indexOf('\nvar retasmFunc = asmFunc(');
if (tail < 0) die('no `var retasmFunc = asmFunc(` in the wasm2js output');
const exported = js.slice(tail).match(/^export var [A-Za-z0-9_$]+ = retasmFunc\.[A-Za-z0-9_$]+;$/gm) ?? [];
if (!exported.some((line) => line.startsWith('export var memory '))) die('the wasm2js output exports no memory');
js = js.slice(0, tail);
if (/^\s*(import|export)\b/m.test(js)) die('the wasm2js output has import/export lines the wrapper does not know');
// A trap is a RuntimeError, as in WebAssembly.
js = replaceOnce(
  js,
  "function wasm2js_trap() { throw new Error('abort'); }",
  "function wasm2js_trap() { var error = new Error('unreachable'); error.name = 'RuntimeError'; throw error; }",
  'wasm2js_trap',
);
if (!/^function asmFunc\(imports\) \{$/m.test(js)) die('no `function asmFunc(imports) {` in the wasm2js output');

const header = `// stomp-wasm's engine without WebAssembly: the MVP module compiled to JavaScript by binaryen's wasm2js
// (scripts/wasm2js-engine.mjs, from ${input.split('/').slice(-1)[0]}). Generated: do not edit.
`;
writeFileSync(
  output,
  `${header}${js}
/** The module instantiated with \`imports\` (\`{ './stomp_wasm_bg.js': glue }\`): \`{ exports }\`, as WebAssembly.Instance. */
export function instantiate(imports) {
  return { exports: asmFunc(imports) };
}
`,
);
console.log(`wasm2js-engine: ${output} (${exported.length} exports, wasm2js ${WASM2JS_FLAGS.join(' ')})`);
