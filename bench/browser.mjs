// Inbound and outbound throughput in headless Chromium (Debian's, driven by playwright-core): a page
// served from 127.0.0.1 loads @stomp/stompjs's minified UMD bundle and our pkg/web, and runs the same
// harness as Node. Run by bench/run.mjs as
//   node bench/browser.mjs PKG_DIR full|quick OUT.json
// and writes {version, inbound, outbound, subscriptions, receipts, delivery} to OUT.json.

import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { plan } from './lib/plan.mjs';
import { runPlan } from './lib/rows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Serves the bench page on 127.0.0.1 and opens it in headless Chromium; `window.bench` is ready.
 * With `pkgB` (bench/ab.mjs), the page is browser/ab.html and compares two builds of ours.
 */
export async function openPage(pkgDir, pkgB) {
  const mounts = {
    '/bench/': here,
    '/pkg/': resolve(pkgDir),
    '/pkgB/': resolve(pkgB ?? pkgDir),
    '/stompjs/': join(root, 'node_modules/@stomp/stompjs/bundles'),
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = Object.keys(mounts).find((m) => path.startsWith(m));
    const file = mount && normalize(join(mounts[mount], path.slice(mount.length)));
    if (!file || !file.startsWith(mounts[mount]) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--js-flags=--expose-gc'],
  });
  const close = async () => {
    await browser.close();
    server.close();
  };
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/browser/${pkgB ? 'ab' : 'index'}.html`);
    await page.waitForFunction(() => document.title === 'ready' || null, null, { timeout: 30000 }).catch(() => {
      throw new Error(`the bench page did not load: ${errors.join('; ') || 'no error reported'}`);
    });
    return { page, version: browser.version(), close };
  } catch (e) {
    await close();
    throw e;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkgDir, mode, out] = process.argv.slice(2);
  const { page, version, close } = await openPage(pkgDir);
  try {
    const run = (kind, c) => page.evaluate(([kind, c]) => window.bench[kind](c), [kind, c]);
    const results = await runPlan('chromium', plan(mode), run);
    writeFileSync(out, JSON.stringify({ version, ...results }));
  } finally {
    await close();
  }
}
