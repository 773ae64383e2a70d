// The harness of the shared-mode tests: a static server for pkg/ and tests/support/, one headless
// Chromium (playwright-core, Debian's binary) and tabs of ONE browser context (one origin: what shares
// a SharedWorker, Web Locks and BroadcastChannels), each a page running tests/support/shared-tab.js.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromiumContext, removeProfile } from './chromium.mjs';
import { serveRepository } from './static-server.mjs';

export const BROKER_URL = process.env.SHARED_BROKER_URL || 'ws://127.0.0.1:15674/ws';
export const VHOST = 'shared-test';

const page = (head = '') => `<!doctype html><html><head><meta charset="utf-8"><title>tab</title>${head}
<script>
window.__faults = [];
addEventListener('error', (e) => __faults.push('uncaught: ' + (e.error && e.error.stack || e.message)));
addEventListener('unhandledrejection', (e) => __faults.push('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason)));
</script>
<script type="module" src="/tests/support/shared-tab.js"></script></head><body>tab</body></html>`;
/** A page whose Content-Security-Policy allows no worker (a SharedWorker cannot start there). */
const NO_WORKERS = `<meta http-equiv="Content-Security-Policy" content="worker-src 'none'">`;

/** The options every test tab starts with (its own vhost: the tests count its connections). */
export function tabOptions(extra = {}) {
  return {
    brokerURL: BROKER_URL,
    connectHeaders: { login: 'guest', passcode: 'guest', host: VHOST },
    reconnectDelay: 200,
    ...extra,
  };
}

export class Tabs {
  /** `withoutSharedWorker`: every page loses `SharedWorker` before its scripts run (leader mode). */
  static async start({ withoutSharedWorker = false } = {}) {
    const tabs = new Tabs();
    tabs.server = await serveRepository({ '/tab.html': page(), '/tab-no-workers.html': page(NO_WORKERS) });
    tabs.origin = `http://127.0.0.1:${tabs.server.address().port}`;
    tabs.profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-shared-'));
    tabs.context = await launchChromiumContext(tabs.profile);
    if (withoutSharedWorker) await tabs.context.addInitScript(() => { delete window.SharedWorker; });
    tabs.pages = [];
    return tabs;
  }

  /** A new tab, its Client started with `options` (not activated); `path`: another test page. */
  async open(options, path = '/tab.html') {
    const page = await this.context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.goto(`${this.origin}${path}`);
    await page.waitForFunction(() => window.__tabReady === true);
    await page.evaluate((o) => window.T.start(o).then(() => undefined), options);
    this.pages.push(page);
    return page;
  }

  async close(page) {
    this.pages = this.pages.filter((p) => p !== page);
    await page.close();
  }

  /** Closes the browser and the server (once; again is nothing). */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    await this.context?.close().catch(() => {});
    this.server?.close();
    removeProfile(this.profile);
  }
}

/** Waits until `fn(arg)` is truthy in `page` (polled every 50 ms). */
export function waitIn(page, fn, arg, timeout = 15000) {
  return page.waitForFunction(fn, arg, { timeout, polling: 50 });
}
