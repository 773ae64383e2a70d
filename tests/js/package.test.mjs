// The package as users get it: `npm pack` of pkg/ → installed into a scratch Vite 7 app whose main module
// is the README's quick start, verbatim → `vite build` → the built page, in headless Chromium, connects
// to RabbitMQ and round-trips a message. Also the package's Node entry points (import and require).
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); `make test` provides both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITE = join(ROOT, 'node_modules', '.bin', 'vite');
let work;
let app;

/** The README's quick start: the code block between the quickstart markers. */
function quickStart() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('<!-- quickstart -->')[1];
  assert.ok(section, 'README.md has a <!-- quickstart --> block');
  const code = section.match(/```js\n([\s\S]*?)```/);
  assert.ok(code, 'the quickstart block holds a js code fence');
  return code[1];
}

before(() => {
  assert.ok(statSync(join(ROOT, 'pkg', 'package.json')).isFile(), 'pkg/ is built (scripts/build-pkg)');
  work = mkdtempSync(join(tmpdir(), 'stomp-wasm-package-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(ROOT, 'pkg') });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', join(work, tarball)], { cwd: app });
  writeFileSync(
    join(app, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>quick start</title></head>' +
      '<body><script type="module" src="/main.js"></script></body></html>',
  );
  writeFileSync(join(app, 'main.js'), quickStart());
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serve(dir) {
  const server = createServer((req, res) => {
    const path = resolve(dir, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = path.endsWith('/') || !extname(path) ? join(path, 'index.html') : path;
    try {
      statSync(file);
    } catch {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] || 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

test('the README quick start, built by Vite from the packed tarball, round-trips a message in Chromium', async () => {
  const build = spawnSync(VITE, ['build', '--logLevel', 'warn'], { cwd: app, encoding: 'utf8' });
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  const dist = join(app, 'dist');
  assert.ok(readdirSync(join(dist, 'assets')).some((f) => f.endsWith('.wasm')), 'the wasm is emitted as an asset');
  const server = await serve(dist);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const received = new Promise((ok) =>
      page.on('console', (message) => {
        if (message.text().startsWith('received')) ok(message.text());
      }),
    );
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const text = await Promise.race([
      received,
      new Promise((_, fail) => setTimeout(() => fail(new Error(`no message in 15 s; page errors: ${errors}`)), 15000)),
    ]);
    assert.equal(text, 'received 你好 👋');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
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
