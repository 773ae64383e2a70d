// @stomp/rx-stomp 2.4 (the real one, from npm) over this package, against RabbitMQ, in Node and in headless
// Chromium: a scratch project under target/rxstomp/ installs rx-stomp with @stomp/stompjs resolved to the
// packed tarball (rxstomp-project.mjs: the alias and override the README gives); the page is bundled by
// Vite and calls `await init()` before any `new RxStomp()`. Each check (rxstomp-checks.mjs) runs the same
// scenario over this package and over @stomp/stompjs 7.5 (`new RxStomp(new stompjs.Client())`) and
// requires the same observations. Needs pkg/ (scripts/build-pkg), RabbitMQ, and the npm registry (or its
// cache) for rx-stomp, rxjs and uuid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumContext, removeProfile } from '../support/chromium.mjs';
import { serveStatic } from '../support/static-server.mjs';
import { explain, runChild } from '../support/run-check.mjs';
import { ROOT, prepareRxStompProject, buildRxStompPage } from '../support/rxstomp-project.mjs';

const HERE = fileURLToPath(new URL('../support/', import.meta.url));

/** [title, check]; each runs in Node and in Chromium. */
const CHECKS = [
  ['watch() before activate(), publish() before and after connecting, connected$, connectionState$, serverHeaders$, deactivate()', 'rxWatchPublishAndStates'],
  ['reconnect with resubscription: watch() with and without subscribeOnlyOnce, made before and after connecting', 'rxWatchAcrossReconnect'],
  ['RxStompRPC rpc() and stream() with the default reply queue (/temp-queue/rpc-replies via unhandledMessage$)', 'rxRpcDefaultReplyQueue'],
  ['RxStompRPC with a reply queue of its own (setupReplyQueue)', 'rxRpcOwnReplyQueue'],
  ['asyncReceipt() resolves with the RECEIPT of a publish', 'rxAsyncReceipt'],
  ['webSocketErrors$ and stompErrors$', 'rxErrors'],
  ['beforeConnect (sync and async) setting the broker URL', 'rxBeforeConnectSetsURL'],
  ['publish() with rx-stomp\'s retryIfDisconnected', 'rxPublishRetryFlag'],
];

let project;
let server;
let browser;
let profile;
let origin;

before(async () => {
  project = prepareRxStompProject();
  const dist = await buildRxStompPage(project);
  server = await serveStatic(dist);
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-rxstomp-'));
  browser = await launchChromiumContext(profile);
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.close();
  removeProfile(profile);
});

/** Runs `check` in a Node child over the scratch project; resolves to its result. */
function runInNode(check, budgetMs = 60000) {
  return runChild([join(HERE, 'rxstomp-run-node.mjs'), project, check], budgetMs);
}

/** Runs `check` in a fresh page of the Vite-built app; resolves to its result. */
async function runInChromium(check, budgetMs = 60000) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.stack || error.message}`));
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof window.__runRxCheck === 'function', null, { timeout: 10000 });
    let timer;
    const budget = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `hung: no result within ${budgetMs} ms`, faults: [] }), budgetMs);
    });
    const result = await Promise.race([
      page.evaluate((name) => window.__runRxCheck(name), check).catch((error) => ({ ok: false, error: String(error), faults: [] })),
      budget,
    ]);
    clearTimeout(timer);
    result.faults = [...(result.faults || []), ...pageErrors];
    if (result.ok && result.faults.length) result.ok = false;
    return result;
  } finally {
    await page.close().catch(() => {});
  }
}

for (const [title, check] of CHECKS) {
  test(`Node: rx-stomp: ${title}`, async () => {
    const result = await runInNode(check);
    assert.ok(result.ok, explain(result));
  });
  test(`Chromium: rx-stomp: ${title}`, async () => {
    const result = await runInChromium(check);
    assert.ok(result.ok, explain(result));
  });
}

// ---- the types an rx-stomp app compiles against ----------------------------------------------------

/** An rx-stomp app's TypeScript, as its Angular service and a component write it. */
const APP_TS = `import init from '@stomp/stompjs';
import type { IMessage } from '@stomp/stompjs';
import { RxStomp, RxStompRPC, RxStompState } from '@stomp/rx-stomp';
import type { RxStompConfig } from '@stomp/rx-stomp';

export const config: RxStompConfig = {
  brokerURL: 'ws://127.0.0.1:15674/ws',
  connectHeaders: { login: 'guest', passcode: 'guest' },
  heartbeatIncoming: 0,
  heartbeatOutgoing: 20000,
  reconnectDelay: 200,
  beforeConnect: async (client: RxStomp) => { client.configure({ brokerURL: 'ws://127.0.0.1:15674/ws' }); },
  debug: (msg: string) => console.log(msg),
};

export async function main(): Promise<void> {
  await init();
  const rx = new RxStomp();
  rx.configure(config);
  rx.activate();
  rx.connectionState$.subscribe((state: RxStompState) => console.log(RxStompState[state]));
  rx.watch({ destination: '/topic/x', subscribeOnlyOnce: true }).subscribe((m: IMessage) => console.log(m.body, m.headers['message-id']));
  rx.publish({ destination: '/topic/x', body: 'x', retryIfDisconnected: false });
  const receipt = await rx.asyncReceipt('r-1');
  console.log(receipt.command);
  new RxStompRPC(rx).rpc({ destination: '/topic/x', body: 'x' }).subscribe((m) => console.log(m.body));
  await rx.deactivate();
}
`;

for (const [label, compiler] of [['TypeScript 5.9', 'typescript5'], ['TypeScript 7', 'typescript']]) {
  test(`rx-stomp's types over this package check under strict, skipLibCheck false (${label})`, () => {
    const dir = join(project, 'tscheck');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.ts'), APP_TS);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'],
      },
      files: ['app.ts'],
    }));
    const tsc = join(ROOT, 'node_modules', compiler, 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, `tsc failed:\n${run.stdout}\n${run.stderr}`);
  });
}
