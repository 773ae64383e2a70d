// The package as users get it: `npm pack` of pkg/ → installed into a scratch Vite 7 app whose main module
// is the README's quick start, verbatim → `vite build` → the built page, in headless Chromium, connects
// to RabbitMQ and round-trips a message. Also the package's Node entry points (import and require), the
// default entry under `node --jitless` (no WebAssembly: the engine compiled to JavaScript), `stomp-wasm/js`,
// and what React Native's resolver (Metro) gets.
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); `make test` provides both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, packAndInstall, readmeBlock, receivedInChromium } from '../support/packed.mjs';

const VITE = join(ROOT, 'node_modules', '.bin', 'vite');
let work;
let app;

before(() => {
  ({ work, app } = packAndInstall('stomp-wasm-package-'));
  writeFileSync(
    join(app, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>quick start</title></head>' +
      '<body><script type="module" src="/main.js"></script></body></html>',
  );
  writeFileSync(join(app, 'main.js'), readmeBlock('quickstart'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the README quick start, built by Vite from the packed tarball, round-trips a message in Chromium', async () => {
  const build = spawnSync(VITE, ['build', '--logLevel', 'warn'], { cwd: app, encoding: 'utf8' });
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  const dist = join(app, 'dist');
  assert.ok(readdirSync(join(dist, 'assets')).some((f) => f.endsWith('.wasm')), 'the wasm is emitted as an asset');
  assert.equal(await receivedInChromium(dist), 'received 你好 👋');
});

const NODE_ROUND_TRIP = (load) => `
globalThis.WebSocket = require(${JSON.stringify(join(ROOT, 'node_modules', 'ws'))});
${load}
const destination = '/topic/node-' + process.pid;
const client = new Client({ brokerURL: 'ws://127.0.0.1:15674/ws',
  connectHeaders: { login: 'guest', passcode: 'guest' }, reconnectDelay: 0 });
client.onConnect = () => {
  client.subscribe(destination, (message) => {
    console.log(message.body);
    client.deactivate().then(() => process.exit(0));
  });
  client.publish({ destination, body: 'node ✓' });
};
client.activate();
setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
`;

test('Node: require() gets a ready client (CommonJS, initialised synchronously)', () => {
  const script = NODE_ROUND_TRIP("const { Client } = require('stomp-wasm');");
  const run = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
  assert.equal(run.stdout.trim(), 'node ✓', run.stderr);
});

test('Node: import init, { Client } works as in browsers', () => {
  const script = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
${NODE_ROUND_TRIP(`import init, { Client, ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions } from 'stomp-wasm';
await init();
// The stompjs v7 enums and helpers, with stompjs's values.
const enums = [ActivationState.ACTIVE, ActivationState.DEACTIVATING, ActivationState.INACTIVE,
  ReconnectionTimeMode.LINEAR, ReconnectionTimeMode.EXPONENTIAL, StompSocketState.CONNECTING,
  StompSocketState.OPEN, StompSocketState.CLOSING, StompSocketState.CLOSED,
  TickerStrategy.Interval, TickerStrategy.Worker, Versions.V1_0, Versions.V1_1, Versions.V1_2,
  Versions.default.supportedVersions(), new Versions(['1.2', '1.1']).protocolVersions().join(' ')].join(',');
if (enums !== '0,1,2,0,1,0,1,2,3,interval,worker,1.0,1.1,1.2,1.2,1.1,1.0,v12.stomp v11.stomp') throw new Error(enums);`)}`;
  writeFileSync(join(app, 'node-esm.mjs'), script);
  const run = spawnSync(process.execPath, ['node-esm.mjs'], { cwd: app, encoding: 'utf8' });
  assert.equal(run.stdout.trim(), 'node ✓', run.stderr);
});

test("Node --jitless: require('stomp-wasm') finds no WebAssembly and runs the engine compiled to JavaScript", () => {
  const script = NODE_ROUND_TRIP(`if (typeof WebAssembly !== 'undefined') throw new Error('WebAssembly exists');
const { Client } = require('stomp-wasm');
if (!Object.keys(require.cache).some((f) => /node_modules\\/stomp-wasm\\/js\\/engine\\.js$/.test(f))) throw new Error('js/engine.js was not loaded');`);
  const run = spawnSync(process.execPath, ['--jitless', '-e', script], { cwd: app, encoding: 'utf8' });
  assert.equal(run.stdout.trim(), 'node ✓', run.stderr);
});

test("stomp-wasm/js (the build without WebAssembly): require and import, in Node with WebAssembly too", () => {
  const run = spawnSync(process.execPath, ['-e', NODE_ROUND_TRIP(`const { Client } = require('stomp-wasm/js');`)], { cwd: app, encoding: 'utf8' });
  assert.equal(run.stdout.trim(), 'node ✓', run.stderr);
  writeFileSync(join(app, 'node-js-esm.mjs'), `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
${NODE_ROUND_TRIP(`import init, { Client } from 'stomp-wasm/js';
await init();`)}`);
  const esm = spawnSync(process.execPath, ['node-js-esm.mjs'], { cwd: app, encoding: 'utf8' });
  assert.equal(esm.stdout.trim(), 'node ✓', esm.stderr);
});

test('a browser without WebAssembly (V8 without its JIT, --js-flags=--jitless, has none): a page bundling stomp-wasm/js round-trips a message; the web build says to use it', async () => {
  const { build } = await import('esbuild');
  const dir = join(app, 'dist-nowasm');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>no wasm</title></head><body><script type="module" src="main.js"></script></body></html>');
  await build({
    stdin: {
      contents: `import init, { Client } from 'stomp-wasm/js';
await init();
const client = new Client({ brokerURL: 'ws://127.0.0.1:15674/ws', connectHeaders: { login: 'guest', passcode: 'guest' } });
const destination = '/topic/nowasm-page-' + Date.now();
client.onConnect = () => {
  client.subscribe(destination, (message) => console.log('received ' + message.body + ' (WebAssembly: ' + typeof WebAssembly + ')'));
  client.publish({ destination, body: '你好 👋' });
};
client.activate();`,
      resolveDir: app,
    },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'main.js'), logLevel: 'silent',
  });
  assert.equal(await receivedInChromium(dir, { chromiumArgs: ['--js-flags=--jitless'] }), 'received 你好 👋 (WebAssembly: undefined)');
  // The default (web) build cannot run there: its init() rejects, naming the build that can.
  await build({
    stdin: { contents: "import init from 'stomp-wasm';\ninit().then(() => console.log('received no error'), (error) => console.log('received ' + error.message));", resolveDir: app },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'main.js'), logLevel: 'silent', allowOverwrite: true,
  });
  assert.match(await receivedInChromium(dir, { chromiumArgs: ['--js-flags=--jitless'] }), /^received stomp-wasm init: this browser has no WebAssembly .*'stomp-wasm\/js'/);
});

test("React Native's resolvers get the build without WebAssembly: the react-native field and export condition", async () => {
  const { build } = await import('esbuild');
  const installed = join(app, 'node_modules', 'stomp-wasm');
  // Metro without package exports reads mainFields, 'react-native' first (before 'browser': the webpack 4
  // build, which needs WebAssembly).
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest['react-native'], './js/stomp_wasm.js');
  assert.ok(readdirSync(join(installed, 'js')).includes('stomp_wasm.js') && readdirSync(join(installed, 'js')).includes('engine.js'));
  // With package exports (React Native 0.79's default), its conditions are 'react-native' and 'require' or
  // 'import': esbuild resolves them as Metro would, and bundles the engine through the relative require.
  for (const conditions of [['react-native', 'require'], ['react-native', 'import']]) {
    const result = await build({
      stdin: { contents: "export * from 'stomp-wasm';", resolveDir: app },
      bundle: true, write: false, metafile: true, platform: 'neutral', format: 'cjs', logLevel: 'silent', conditions,
    });
    const inputs = Object.keys(result.metafile.inputs).filter((f) => f.includes('stomp-wasm/'));
    assert.deepEqual(inputs.map((f) => f.replace(/^.*node_modules\/stomp-wasm\//, '')).sort(), ['js/engine.js', 'js/stomp_wasm.js'], conditions.join(','));
  }
});
