// Shared mode's bench (issue 24): the message rate to 10 tabs when they share one connection
// (stomp-wasm/shared, the SharedWorker fanning each message out to the tabs) against 10 tabs with a
// connection each (the package's Client per tab), and the broker connections each uses. Against the
// test broker (RabbitMQ Web-STOMP on loopback, vhost 'shared-bench'), 10 pages of one headless Chromium
// context; a Node publisher (the package, no heart-beats) sends N messages to a topic all 10 tabs
// subscribe to; timed from the first publish to the last tab's last message; medians of RUNS.
// Tabs keep the default 10 s heart-beats; the publisher has none (RabbitMQ 3.10's Web-STOMP can crash a
// connection that publishes heavily with heart-beats on: shared/notes/rabbitmq.md).
//   node bench/shared.mjs PKG_DIR full|quick OUT.json
// Writes {version, tabs, messages, bodyBytes, runs, modes: {separate, shared}} to OUT.json; a mode is
// {rates: [messages/s to every tab, per run], median, deliveries, connections, consumers}. Asserts
// no time: it fails only if a tab misses or alters a message.
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const BROKER = process.env.BENCH_BROKER_URL || 'ws://127.0.0.1:15674/ws';
const VHOST = 'shared-bench';
const TABS = 10;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const ctl = (args) => promisify(execFile)('rabbitmqctl', ['-q', '-n', 'stomp-test@localhost', ...args], { env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' }, timeout: 60000 });

async function brokerView() {
  try {
    const conns = (await ctl(['eval', `length(rabbit_connection_tracking:list(<<"${VHOST}">>)).`])).stdout.trim();
    const queues = JSON.parse((await ctl(['list_queues', '-p', VHOST, 'name', 'consumers', '--formatter', 'json'])).stdout || '[]');
    return { connections: Number(conns), consumers: queues.filter((q) => q.name.startsWith('stomp-subscription-')).reduce((n, q) => n + q.consumers, 0) };
  } catch (error) {
    return { connections: null, consumers: null, note: `rabbitmqctl: ${error.message.split('\n')[0]}` };
  }
}

function serve(pkgDir) {
  const mounts = { '/bench/': here, '/pkg/': resolve(pkgDir) };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = Object.keys(mounts).find((m) => path.startsWith(m));
    const file = mount && normalize(join(mounts[mount], path.slice(mount.length)));
    if (!file || !file.startsWith(mounts[mount]) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

async function publisher(pkgDir) {
  globalThis.WebSocket ??= WebSocket;
  const { default: init, Client } = await import(join(resolve(pkgDir), 'node', 'index.mjs'));
  await init();
  const client = new Client({ brokerURL: BROKER, connectHeaders: { login: 'guest', passcode: 'guest', host: VHOST }, heartbeatIncoming: 0, heartbeatOutgoing: 0, maxQueuedFrames: 1000000 });
  await new Promise((ok, fail) => {
    client.onConnect = ok;
    client.onStompError = (f) => fail(new Error(f.headers.message));
    client.activate();
  });
  return client;
}

const poll = (ms) => new Promise((r) => setTimeout(r, ms));

export async function benchShared(pkgDir, quick) {
  const messages = quick ? 3000 : 10000;
  const runs = quick ? 2 : 3;
  const body = 'x'.repeat(100);
  await ctl(['eval', `V = <<"${VHOST}">>, case rabbit_vhost:exists(V) of true -> ok; false -> rabbit_vhost:add(V, <<"bench">>) end,
    rabbit_auth_backend_internal:set_permissions(<<"guest">>, V, <<".*">>, <<".*">>, <<".*">>, <<"bench">>).`]);
  const server = await serve(pkgDir);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const pub = await publisher(pkgDir);
  const result = { version: browser.version(), date: new Date().toISOString(), tabs: TABS, messages, bodyBytes: body.length, runs, modes: {} };
  try {
    for (const mode of ['separate', 'shared']) {
      const context = await browser.newContext();
      const destination = `/topic/bench-${mode}-${Date.now().toString(36)}`;
      const pages = [];
      for (let i = 0; i < TABS; i++) {
        const page = await context.newPage();
        await page.goto(`${origin}/bench/browser/shared-tab.html?mode=${mode}`);
        await page.waitForFunction(() => document.title === 'ready');
        // Heart-beats on (10 s, the default): a tab that only receives sends nothing else, and RabbitMQ's
        // Web-STOMP (cowboy's idle_timeout) closes a WebSocket silent for 60 s (measured: code 1000 at 60.0 s).
        await page.evaluate(([options, destination]) => tab.start(options, destination), [{
          brokerURL: BROKER, connectHeaders: { login: 'guest', passcode: 'guest', host: VHOST }, heartbeatIncoming: 10000, heartbeatOutgoing: 10000,
        }, destination]);
        pages.push(page);
      }
      for (const page of pages) await page.waitForFunction(() => tab.client.connected);
      if (mode === 'shared') await pages[TABS - 1].waitForFunction((n) => tab.client.sharing.tabs === n, TABS);
      await poll(500); // the SUBSCRIBEs are on the broker
      const view = await brokerView();
      const rates = [];
      // One warm-up round (not timed), then the timed runs. A run during which a tab's socket closed
      // (on this shared machine other suites close every broker connection now and then: messages
      // routed while a topic subscriber reconnects are gone) is run again, up to 3 times.
      let disturbed = 0;
      for (let r = -1; r < runs; r++) {
        const n = r < 0 ? 500 : messages;
        await Promise.all(pages.map((p) => p.evaluate(([len, n]) => tab.reset(len, n, 120000), [body.length, n])));
        for (const page of pages) await page.waitForFunction(() => tab.client.connected);
        const closesBefore = await Promise.all(pages.map((p) => p.evaluate(() => tab.closes.length)));
        const started = Date.now();
        for (let k = 0; k < n; k++) pub.publish({ destination, body });
        // Each tab says when its last message is in (no polling while the messages flow).
        await Promise.all(pages.map((p) => p.evaluate(() => tab.done)));
        await poll(300); // room for an extra one to show
        const counts = await Promise.all(pages.map((p) => p.evaluate(() => ({ got: tab.got, lastAt: tab.lastAt, bad: tab.bad, closes: tab.closes, connects: tab.connects }))));
        const missing = counts.filter((c) => c.got !== n || c.bad);
        if (counts.some((c, i) => c.closes.length > closesBefore[i]) && disturbed < 3) {
          disturbed++;
          const closed = counts.findIndex((c, i) => c.closes.length > closesBefore[i]);
          const lines = await pages[closed].evaluate(() => tab.lines.slice(-8));
          console.error(`bench/shared: ${mode}: tab ${closed}'s socket closed during the run (${counts[closed].closes.slice(-1)[0]}): running it again. Its last debug lines:\n  ${lines.join('\n  ')}`);
          r--;
          continue;
        }
        if (missing.length) {
          const closes = counts.map((c, i) => (c.closes.length ? `tab ${i}: socket closed ${c.closes.join(', ')}` : '')).filter(Boolean);
          throw new Error(`${mode}: ${missing.length} tab(s) got ${counts.map((c) => c.got).join('/')} of ${n} (or altered ones)${closes.length ? `; ${closes.join('; ')}` : ''}`);
        }
        if (r >= 0) rates.push(n / ((Math.max(...counts.map((c) => c.lastAt)) - started) / 1000));
      }
      const sorted = rates.slice().sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      result.modes[mode] = { rates: rates.map(Math.round), median: Math.round(median), deliveries: Math.round(median * TABS), rerun: disturbed, ...view };
      await context.close();
      await poll(1000);
    }
  } finally {
    await pub.deactivate();
    await browser.close();
    server.close();
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkgDir, mode, out] = process.argv.slice(2);
  writeFileSync(out, JSON.stringify(await benchShared(pkgDir, mode.startsWith('quick'))));
}
