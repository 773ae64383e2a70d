// The package as users get it: `npm pack` of pkg/ → installed into a scratch Vite 7 app whose main module
// is the README's quick start, verbatim → `vite build` → the built page, in headless Chromium, connects
// to RabbitMQ and round-trips a message. Also the package's Node entry points (import and require).
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); `make test` provides both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
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
