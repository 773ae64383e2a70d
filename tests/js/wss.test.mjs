// wss:// (issue #14): the client through a TLS-terminating proxy on loopback (scripts/wss-proxy: Debian's
// stunnel4 in front of the test broker's Web-STOMP) whose certificate is signed by a CA made for this run.
// Both Node and Chromium trust that CA for real — Node through NODE_EXTRA_CA_CERTS, Chromium through an
// NSS database in the $HOME it starts with — and each round-trips a message; without the CA, each refuses
// the connection (so the trust is what lets it through, not a switched-off check).
// Needs pkg/, the test broker, stunnel4, openssl and certutil (libnss3-tools; scripts/bootstrap).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumContext, removeProfile } from '../support/chromium.mjs';
import { serveRepository } from '../support/static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BODY = 'wss ✓ 你好 🔒';
let dir;
let proxy;
let url;

/** A port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((ok) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stomp-wasm-wss-'));
  const port = await freePort();
  proxy = spawn(join(ROOT, 'scripts', 'wss-proxy'), [join(dir, 'tls'), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`scripts/wss-proxy did not get ready in 20 s:\n${output}`)), 20000);
    const read = (chunk) => {
      output += chunk;
      if (output.includes('wss-proxy: ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    proxy.stdout.on('data', read);
    proxy.stderr.on('data', read);
    proxy.on('exit', (code) => fail(new Error(`scripts/wss-proxy exited (${code}):\n${output}`)));
  });
  url = `wss://127.0.0.1:${port}/ws`;
});

after(() => {
  proxy?.kill('SIGTERM');
  removeProfile(dir);
});

/** Runs tests/support/wss-round-trip.mjs in a fresh Node with `extraCa` as NODE_EXTRA_CA_CERTS (or none). */
function nodeRoundTrip(extraCa) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  const out = execFileSync(process.execPath, [join(ROOT, 'tests', 'support', 'wss-round-trip.mjs'), url], { env, encoding: 'utf8', timeout: 60000 });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `a result from the Node child:\n${out}`);
  return JSON.parse(line.slice('RESULT '.length));
}

test('Node: a round trip over wss:// with the CA trusted through NODE_EXTRA_CA_CERTS; refused without it', () => {
  const trusted = nodeRoundTrip(join(dir, 'tls', 'ca.pem'));
  assert.deepEqual(trusted, { connected: true, body: BODY, version: '1.2' });
  const untrusted = nodeRoundTrip(null);
  assert.equal(untrusted.connected, false, `without the CA the connection is refused: ${JSON.stringify(untrusted)}`);
});

/** A blank page on loopback (a page's origin must be http://127.0.0.1), with pkg/ and tests/support/. */
function serve() {
  return serveRepository({ '/': '<!doctype html><meta charset="utf-8"><title>wss</title>' });
}

/** A HOME whose NSS database (what Chromium on Linux reads for local trust) holds the CA, or is empty. */
function home(withCa) {
  const path = join(dir, withCa ? 'home-trusting' : 'home-empty');
  const db = join(path, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  if (withCa) execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'stomp-wasm test CA', '-t', 'C,,', '-i', join(dir, 'tls', 'ca.pem')]);
  return path;
}

async function chromiumRoundTrip(server, withCa) {
  const context = await launchChromiumContext(mkdtempSync(join(dir, 'profile-')), { env: { ...process.env, HOME: home(withCa) } });
  const errors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const result = await page.evaluate(async (url) => {
      const pkg = await import('/pkg/web/stomp_wasm.js');
      await pkg.default();
      const { wssRoundTrip } = await import('/tests/support/wss-round-trip.mjs');
      try {
        return await wssRoundTrip({ Client: pkg.Client, url });
      } catch (error) {
        return { connected: false, error: String(error && error.stack || error) };
      }
    }, url);
    return { ...result, errors };
  } finally {
    await context.close();
  }
}

test('Chromium: a round trip over wss:// with the CA in the NSS database of its HOME; refused without it', async () => {
  const server = await serve();
  try {
    const trusted = await chromiumRoundTrip(server, true);
    assert.deepEqual(trusted, { connected: true, body: BODY, version: '1.2', errors: [] });
    const untrusted = await chromiumRoundTrip(server, false);
    assert.equal(untrusted.connected, false, `without the CA the connection is refused: ${JSON.stringify(untrusted)}`);
  } finally {
    server.close();
  }
});
