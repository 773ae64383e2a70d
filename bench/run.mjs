// `make bench`: stomp-wasm against @stomp/stompjs, side by side in one run. Measures size (and, given a
// copy of the wasm with names, size by part), throughput in Node and in headless Chromium (inbound,
// outbound with text and binary bodies, per-message cost with 1 / 1,000 / 10,000 subscriptions,
// receipted publishing, and ours alone publishing at-most-once, with receipts and at-least-once),
// memory over 1,000,000 messages, the tight publishing loop against RabbitMQ (issue 19: 20,000
// publishes without await, ours and stompjs, Node and Chromium), and the build without WebAssembly (under
// Hermes, bench/hermes.mjs, and `node --jitless`, bench/nowasm.mjs, against stompjs; in normal Node against
// the wasm build); writes bench/results/latest.json and bench/results/latest.md, and prints the markdown
// table. Benchmarks print ratios; they assert no times (a run fails only if a client drops or alters messages).
//   node bench/run.mjs --pkg DIR [--named-wasm FILE] [--quick] [--readme] [--only PARTS]
// PARTS: size,node,chromium,memory,loop,nowasm,shared (where; loop and shared need the broker, and are
// reported as skipped without one; shared: 10 Chromium tabs sharing one connection against a connection
// each) and inbound,outbound,subscriptions,receipts,delivery (what, in Node and Chromium);
// default all. --quick: 1 KiB and 256 KiB (and 64 B ×10), 5 runs, 200,000 messages for
// memory; writes results/quick.*.tmp. --readme: also copies the table into README.md's Performance
// section (between the bench markers).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './size.mjs';
import { markdown } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const quick = flag('--quick');
const pkg = resolve(value('--pkg', join(root, 'pkg')));
const namedWasm = value('--named-wasm', null);
const only = new Set(value('--only', 'size,node,chromium,memory,loop,nowasm,shared').split(','));
const CASES = ['inbound', 'outbound', 'subscriptions', 'receipts', 'delivery'];
const cases = CASES.filter((c) => only.has(c));
// Naming only cases means: in both environments.
if (cases.length && !only.has('node') && !only.has('chromium')) {
  only.add('node');
  only.add('chromium');
}
const mode = `${quick ? 'quick' : 'full'}${cases.length ? `:${cases.join(',')}` : ''}`;
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const started = Date.now();
const say = (s) => console.error(`bench: ${s} (${Math.round((Date.now() - started) / 1000)} s)`);

/** Runs a bench script in its own process (a fresh heap for each part) and reads its JSON. */
function child(nodeArgs, script, scriptArgs) {
  const out = join(results, `${script.replace(/\W/g, '-')}-${process.pid}.tmp`);
  const r = spawnSync(process.execPath, [...nodeArgs, join(here, script), ...scriptArgs, out], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench: ${script} failed (exit ${r.status ?? r.signal})`);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out);
  return json;
}

const report = {
  machine: '',
  date: new Date().toISOString(),
  quick,
  notes: [
    'Inbound: both clients get the same pre-generated MESSAGE streams through webSocketFactory and the same fake socket; ' +
      'the callback holds message.headers and message.body. data "binary" = ArrayBuffer (RabbitMQ with web_stomp.ws_frame = binary), ' +
      '"text" = string (RabbitMQ\'s default). frames/s and MB/s (wire bytes, 10^6) are medians of the timed runs after warm-up; ratio = ours/stompjs.',
    'Outbound: publish({destination, body, headers: {content-type}}) into a fake socket that counts what it is given (text frames); ' +
      'binary: the same with binaryBody = the body\'s UTF-8 bytes (binary frames).',
    'Subscriptions: 64 B frames, ten per WebSocket message, spread evenly over 1 / 1,000 / 10,000 live subscriptions; µs per message = 1 / frames/s.',
    'Receipts: N publishes of a 64 B body, each asking for a RECEIPT (ours: receipt: true and the returned Promise; stompjs: watchForReceipt + a receipt header), ' +
      'then N RECEIPTs, one per WebSocket message; publish time and settle time (until every receipt callback ran), medians.',
    'Delivery (ours only): N publishes (64 B, 1 KiB) at-most-once (settled when written), with receipt: true, and with delivery: at-least-once, ' +
      'into a fake socket that answers every SEND carrying a receipt with a RECEIPT (on the next macrotask, one per WebSocket message); ' +
      'timed from the first publish to the last Promise settled; messages/s, medians; ratio = mode / at-most-once.',
    'Size: gzip level 9 and brotli quality 11 (Node zlib); minified = esbuild --minify of the JS (what a bundler does). Size by part: from a copy of the wasm with its name section (same code section).',
    'Tight loop (issue 19): 20,000 publish({destination, body}) of 200 B in a for loop without await, while connected, against RabbitMQ ' +
      '(ws://127.0.0.1:15674/ws); a separate stompjs client subscribed to the topic counts the deliveries; time from the first publish ' +
      'to the last delivery (or to the last one before 10 s without any); one run each: ours at-most-once, ours at-least-once, stompjs.',
    'Without WebAssembly: the package\'s js build (pkg/js: the same engine compiled to JavaScript by wasm2js) with the harness of the inbound and outbound tables; ' +
      'under Hermes 0.12 (hermes -O, as bundled by Metro; both clients on the package\'s UTF-8 TextEncoder/TextDecoder) and under node --jitless (no WebAssembly, no JIT: everything interpreted) against stompjs, ' +
      'and in normal Node against the wasm build (pkg/node); ratio = first / second. Interpreted (Hermes, --jitless): a quarter of the frames per run, 1 warm-up and 5 timed runs.',
    'Shared mode: 10 tabs of one Chromium context subscribed to one topic on RabbitMQ, sharing one connection (stomp-wasm/shared, SharedWorker) or with a connection each; ' +
      'a Node publisher (no heart-beats) sends N messages of 100 B; messages/s to every tab = N / time from the first publish to the last tab\'s last message; medians; broker connections and consumers from rabbitmqctl.',
    'Memory: Node with --expose-gc, one 1 KiB frame per WebSocket message, the event loop turning every 100 messages; ' +
      'wasm = the module\'s linear memory (it never shrinks; flat = no growth between 10% and the end of the run).',
  ],
};

if (only.has('size')) {
  say('size');
  report.size = measure(pkg, namedWasm);
}
let nodeRun = null;
let chromiumRun = null;
if (only.has('node')) {
  say('throughput in Node');
  nodeRun = child(['--expose-gc'], 'node.mjs', [pkg, mode]);
}
if (only.has('chromium')) {
  say('throughput in Chromium');
  chromiumRun = child([], 'browser.mjs', [pkg, mode]);
}
for (const part of CASES) report[part] = [...(nodeRun?.[part] ?? []), ...(chromiumRun?.[part] ?? [])];
if (only.has('nowasm')) {
  // Both interpreted (V8 without its JIT, and so without WebAssembly): the closest Node gets to Hermes
  // and to iOS without JIT; then what a runtime without WebAssembly loses, in normal Node.
  say('without WebAssembly: node --jitless, ours (js) against stompjs');
  const jitless = child(['--jitless', '--expose-gc'], 'nowasm.mjs', [pkg, mode, 'jitless']);
  say('without WebAssembly: normal Node, the wasm build against the js build');
  const node = child(['--expose-gc'], 'nowasm.mjs', [pkg, mode, 'node']);
  say('without WebAssembly: Hermes (React Native), ours (js) against stompjs');
  const hermes = child([], 'hermes.mjs', [pkg, mode]);
  report.nowasm = { rows: [...hermes.rows, ...jitless.rows, ...node.rows] };
}
if (only.has('shared')) {
  // Needs the test broker (scripts/broker start) and rabbitmqctl (root): said in the table when missing.
  say('shared mode: 10 tabs sharing one connection vs a connection each (RabbitMQ)');
  try {
    report.shared = child([], 'shared.mjs', [pkg, mode]);
  } catch (error) {
    report.shared = { skipped: `${error.message} (is the test broker running? scripts/broker start)` };
  }
}
if (only.has('memory')) {
  const messages = quick ? 200000 : 1000000;
  report.memory = {};
  for (const kind of ['ours', 'stompjs']) {
    say(`memory, ${kind}, ${messages} messages`);
    report.memory[kind] = child(['--expose-gc', '--max-old-space-size=2048'], 'memory.mjs', [pkg, kind, String(messages)]);
  }
}
if (only.has('loop')) {
  say('tight loop against the broker');
  report.loop = child([], 'loop.mjs', [pkg]);
}
const cpu = cpus();
report.machine =
  `${cpu.length} cores (${cpu[0]?.model.replace(/\s+/g, ' ').trim()}), ${platform()} ${release()}, ` +
  `Node ${process.version}${chromiumRun ? `, Chromium ${chromiumRun.version}` : ''}`;
report.node_version = process.version;
report.chromium_version = chromiumRun?.version ?? null;
report.seconds = Math.round((Date.now() - started) / 1000);

const table = markdown(report);
const name = quick ? 'quick' : 'latest';
writeFileSync(join(results, quick ? 'quick.json.tmp' : 'latest.json'), `${JSON.stringify(report, null, 1)}\n`);
writeFileSync(join(results, quick ? 'quick.md.tmp' : 'latest.md'), table);
if (flag('--readme')) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no <!-- bench:begin --> … <!-- bench:end --> block');
  writeFileSync(readme, `${text.slice(0, a + begin.length)}\n${table}${text.slice(b)}`);
  say('copied the table into README.md');
}
say(`done: bench/results/${name}${quick ? '.json.tmp' : '.json'}`);
process.stdout.write(`\n${table}`);
