// The package as users get it, for the tests that build apps with it: `npm pack` of pkg/ installed into
// a scratch app, the README's code blocks (verbatim, between `<!-- NAME -->` markers), and a built app,
// served on loopback, whose Chromium page must log the round-tripped message.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Packs pkg/ and installs the tarball into `<tmp>/app` (a package.json with `type`, and `extra` fields
 * merged in). Returns `{ work, app }`; the caller removes `work`.
 */
export function packAndInstall(prefix, { type = 'module', extra = {} } = {}) {
  assert.ok(statSync(join(ROOT, 'pkg', 'package.json'), { throwIfNoEntry: false }), 'pkg/ is built (scripts/build-pkg)');
  const work = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(ROOT, 'pkg') });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type, ...extra }));
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', join(work, tarball)], { cwd: app });
  return { work, app };
}

/** The code of the README's block between `<!-- name -->` and `<!-- /name -->` (its first code fence). */
export function readmeBlock(name, file = 'README.md') {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const section = text.split(`<!-- ${name} -->`)[1];
  assert.ok(section, `${file} has a <!-- ${name} --> block`);
  const code = section.split(`<!-- /${name} -->`)[0].match(/```(?:js|ts)\n([\s\S]*?)```/);
  assert.ok(code, `the ${name} block of ${file} holds a js code fence`);
  return code[1];
}

/**
 * Opens `dir`'s index.html (served on loopback) in headless Chromium and resolves to the first console
 * line starting with "received"; fails after 15 s with the page's errors, or on any page error.
 * `chromiumArgs`: more command-line flags (`--js-flags=--jitless`: a browser without WebAssembly).
 */
export async function receivedInChromium(dir, { chromiumArgs = [] } = {}) {
  const server = await serveStatic(dir);
  const browser = await launchChromium(chromiumArgs);
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
    assert.deepEqual(errors, []);
    return text;
  } finally {
    await browser.close();
    server.close();
  }
}

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>bundled</title></head><body><script src="main.js"></script></body></html>';

/**
 * Bundles `code` (as `<name>/main.js` in the scratch app `app`, from packAndInstall) with the webpack
 * package `webpackModule` in a Node child (`env` added to its environment); returns the output
 * directory, with an index.html, and the webpack version.
 */
export function webpackBuild(app, webpackModule, name, code, env = {}) {
  const dir = join(app, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), code);
  const script = `
const webpack = require(${JSON.stringify(join(ROOT, 'node_modules', webpackModule))});
webpack({
  mode: 'production',
  context: ${JSON.stringify(app)},
  entry: ${JSON.stringify(join(dir, 'main.js'))},
  output: { path: ${JSON.stringify(join(dir, 'dist'))}, filename: 'main.js' },
  performance: { hints: false },
}, (error, stats) => {
  if (error || stats.hasErrors()) {
    console.error(error ? error.stack : stats.toString('errors-only'));
    process.exit(1);
  }
  console.log(require(${JSON.stringify(join(ROOT, 'node_modules', webpackModule, 'package.json'))}).version);
});`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(run.status, 0, `${webpackModule} failed:\n${run.stdout}\n${run.stderr}`);
  const dist = join(dir, 'dist');
  writeFileSync(join(dist, 'index.html'), PAGE);
  return { dist, version: run.stdout.trim() };
}
