// The package as users get it, for the tests that build apps with it: `npm pack` of pkg/ installed into
// a scratch app, the README's code blocks (verbatim, between `<!-- NAME -->` markers), and a built app,
// served on loopback, whose Chromium page must log the round-tripped message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
