// stomp-wasm/shared as users build it, from the packed tarball: the README's shared-mode block
// (verbatim) bundled by Vite and by webpack 5, which must ship the SharedWorker (shared-worker.js,
// found through `new SharedWorker(new URL('./shared-worker.js', import.meta.url), …)`) and its wasm.
// The built page is opened in two tabs of one Chromium context: each round-trips a message through
// RabbitMQ and is told that the connection runs in the SharedWorker, shared by 2 tabs. And the types:
// the block type-checks under tsc strict (moduleResolution bundler and node16). Needs pkg/ and the broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, packAndInstall, readmeBlock, webpackBuild } from '../support/packed.mjs';
import { launchChromiumContext, removeProfile } from '../support/chromium.mjs';
import { serveStatic } from '../support/static-server.mjs';

let work;
let app;

before(() => {
  ({ work, app } = packAndInstall('stomp-wasm-shared-bundlers-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens `dir` in two tabs of one context; resolves to each tab's console lines once both are shared by 2. */
async function twoTabs(dir) {
  const server = await serveStatic(dir);
  const profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-shared-bundled-'));
  const context = await launchChromiumContext(profile);
  try {
    const tabs = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      const lines = [];
      const errors = [];
      page.on('console', (m) => lines.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      tabs.push({ page, lines, errors });
    }
    const deadline = Date.now() + 20000;
    while (!tabs.every((t) => t.lines.some((l) => l.startsWith('received')) && t.lines.includes('shared by 2 tabs (worker)'))) {
      if (Date.now() > deadline) throw new Error(`not shared and round-tripped in 20 s: ${JSON.stringify(tabs.map((t) => ({ lines: t.lines, errors: t.errors })))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const t of tabs) assert.deepEqual(t.errors, []);
    return tabs.map((t) => t.lines);
  } finally {
    await context.close();
    server.close();
    removeProfile(profile);
  }
}

test('Vite: the README shared-mode block, built from the tarball, ships the SharedWorker; two tabs share one connection', { timeout: 120000 }, async () => {
  const dir = join(app, 'vite-shared');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), readmeBlock('quickstart-shared'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./main.js"></script></body></html>');
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn', '--outDir', 'dist'], { cwd: dir, encoding: 'utf8' });
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  const assets = readdirSync(join(dir, 'dist', 'assets'));
  assert.ok(assets.some((f) => /^shared-worker.*\.js$/.test(f)), `the worker is emitted: ${assets}`);
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `the wasm is emitted: ${assets}`);
  const lines = await twoTabs(join(dir, 'dist'));
  for (const l of lines) assert.ok(l.includes('received 你好 👋'));
});

test('webpack 5: the README shared-mode block, built from the tarball, ships the SharedWorker; two tabs share one connection', { timeout: 120000 }, async () => {
  const { dist } = webpackBuild(app, 'webpack', 'webpack-shared', readmeBlock('quickstart-shared'));
  const files = readdirSync(dist);
  assert.ok(files.filter((f) => f.endsWith('.js')).length >= 2, `a worker chunk besides main.js: ${files}`);
  const lines = await twoTabs(dist);
  for (const l of lines) assert.ok(l.includes('received 你好 👋'));
});

test('TypeScript 7 and 5.9: the README shared-mode block type-checks (strict, moduleResolution bundler and node16)', { timeout: 120000 }, () => {
  const dir = join(app, 'ts-shared');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.ts'), `${readmeBlock('quickstart-shared')}
const sharing: { mode: 'worker' | 'leader' | 'tab'; tabs: number } | null = client.sharing;
console.log(sharing);
export {};
`);
  for (const [module, moduleResolution] of [['ESNext', 'bundler'], ['node16', 'node16']]) {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'] },
      files: ['main.ts'],
    }));
    for (const tsc of ['typescript', 'typescript5']) {
      const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', tsc, 'bin', 'tsc'), '-p', dir], { cwd: app, encoding: 'utf8' });
      assert.equal(run.status, 0, `${tsc} (${moduleResolution}): tsc failed:\n${run.stdout}\n${run.stderr}`);
    }
  }
});
