// The Content-Security-Policy a page needs (issue #11), measured in headless Chromium with pkg/web
// against RabbitMQ: without 'wasm-unsafe-eval' init() fails with a CompileError; with it, the client
// works; a policy that blocks blob: workers (no worker-src, script-src 'self') makes
// heartbeatStrategy 'worker' fall back to the interval timer — said through debug, and the client's
// timer still runs (a forced disconnect reconnects, heart-beats flow); `worker-src blob:` lets the
// worker run. Needs pkg/ and the broker; `make test` provides both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { removeProfile } from '../support/chromium.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BROKER = 'ws://127.0.0.1:15674/ws';

// What the page runs (a module from 'self': no inline script, which the policies below forbid).
const SCENARIO = `
import init, { Client } from '/pkg/web/stomp_wasm.js';
const result = { debug: [] };
window.__result = new Promise(async (resolve) => {
  try {
    await init();
  } catch (error) {
    resolve({ init: error.name + ': ' + error.message });
    return;
  }
  result.init = 'ok';
  const client = new Client({
    brokerURL: '${BROKER}',
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatStrategy: 'worker',
    heartbeatIncoming: 500,
    heartbeatOutgoing: 500,
    reconnectDelay: 200,
    debug: (line) => result.debug.push(line),
  });
  let connects = 0;
  let beats = 0;
  client.onHeartbeatReceived = () => { beats += 1; };
  const connected = () => new Promise((ok) => { client.onConnect = () => { connects += 1; ok(); }; });
  const first = connected();
  client.activate();
  await first;
  // Give a refused worker time to be found out (its watchdog is 2 s).
  await new Promise((ok) => setTimeout(ok, 2500));
  result.usesWorkerTimer = client.usesWorkerTimer;
  // The client's timer must still run: reconnect after a forced disconnect, heart-beats after.
  const again = connected();
  client.forceDisconnect();
  await Promise.race([again, new Promise((ok) => setTimeout(ok, 5000))]);
  const before = beats;
  await new Promise((ok) => setTimeout(ok, 1500));
  result.connects = connects;
  result.beatsAfterReconnect = beats - before;
  result.state = client.connectionState;
  await client.deactivate();
  resolve(result);
});
`;

let server;
let browser;
let profile;
let origin;
let policy = '';

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    res.setHeader('Content-Security-Policy', policy);
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><meta charset="utf-8"><title>csp</title><script type="module" src="/scenario.js"></script>');
    } else if (path === '/scenario.js') {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(SCENARIO);
    } else if (path.startsWith('/pkg/web/')) {
      const file = join(ROOT, 'pkg', 'web', path.slice('/pkg/web/'.length));
      try {
        const body = readFileSync(file);
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(body);
      } catch {
        res.statusCode = 404;
        res.end();
      }
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-csp-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  removeProfile(profile);
});

async function run(csp) {
  policy = csp;
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 10000 });
    return await page.evaluate(() => window.__result);
  } finally {
    await page.close();
  }
}

const CONNECT = `connect-src 'self' ${BROKER}`;

test("without 'wasm-unsafe-eval', init() fails with a CompileError", async () => {
  const result = await run(`default-src 'self'; script-src 'self'; ${CONNECT}`);
  assert.match(result.init, /^CompileError: /, JSON.stringify(result));
});

test("a policy that blocks blob: workers: 'worker' falls back to the interval timer, said through debug, and the client's timer still runs", async () => {
  const result = await run(`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; ${CONNECT}`);
  assert.equal(result.init, 'ok', JSON.stringify(result));
  assert.equal(result.usesWorkerTimer, false, 'usesWorkerTimer says the worker is not in use');
  assert.ok(result.debug.some((line) => /heartbeatStrategy 'worker' unavailable .*using 'interval'/.test(line)), result.debug.join('\n'));
  assert.equal(result.connects, 2, `reconnected after forceDisconnect() (${JSON.stringify(result)})`);
  assert.ok(result.beatsAfterReconnect >= 1, `heart-beats after the reconnect: ${result.beatsAfterReconnect}`);
  assert.equal(result.state, 'connected');
});

test("with worker-src blob:, the worker runs the timer", async () => {
  const result = await run(`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src blob:; ${CONNECT}`);
  assert.equal(result.init, 'ok', JSON.stringify(result));
  assert.equal(result.usesWorkerTimer, true, result.debug.join('\n'));
  assert.equal(result.connects, 2);
  assert.ok(result.beatsAfterReconnect >= 1);
});
