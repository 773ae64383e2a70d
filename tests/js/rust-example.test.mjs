// The Rust example front end (examples/chat: the Rust API, plain web-sys, built WITHOUT the `js`
// feature) as people use it, in Debian's Chromium driven by playwright-core, against the test broker:
// two pages join one room, chat with ✓ from the broker's RECEIPT, survive a broker-side close of every
// connection (badges: reconnecting, then connected again) with the page's one Subscription stream still
// delivering, and Leave (deactivate) completes and ends that stream.
//
// Builds the example itself (scripts/build-example: cargo build --example chat + wasm-bindgen; its
// gate fails if the glue names ClientCore). Needs the broker; the broker-side close goes through the
// control server `make test` runs (POST /close-all), or `scripts/broker close-all` without it.
// Screenshots go to target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from '../support/chromium.mjs';
import { closeAllConnections } from '../support/close-all.mjs';
import { serveStatic } from '../support/static-server.mjs';
import { ping } from '../support/ws-peer.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SITE = join(ROOT, 'target', 'examples', 'chat');
const SHOTS = join(ROOT, 'target', 'e2e');
const BROKER_URL = 'ws://127.0.0.1:15674/ws';
const run = promisify(execFile);

const HELLO = '你好 from Rust 👋';
const REPLY = 'hi alice, Rust here too 🦀';
const AFTER = '收到 ✅ back after the outage';

let server;
let site;
let browser;

before(async () => {
  await ping(BROKER_URL, 5000).catch((error) => assert.fail(`the broker does not answer at ${BROKER_URL} (scripts/broker start): ${error.message}`));
  const built = await run(join(ROOT, 'scripts', 'build-example'), [], { cwd: ROOT, timeout: 900_000, maxBuffer: 1 << 24 });
  assert.match(built.stdout, /size chat_bg\.wasm/);
  // What a Rust app without the `js` feature exports: its own entry point, nothing of the npm package.
  const glue = readFileSync(join(SITE, 'chat.js'), 'utf8');
  assert.doesNotMatch(glue, /ClientCore/);
  assert.match(glue, /export function start/);
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(SITE);
  site = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function openChat(room, name, errors) {
  const page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/WebSocket connection to .* failed/.test(message.text())) {
      errors.push(`${name} console: ${message.text()}`);
    }
  });
  await page.goto(`${site}?room=${room}&name=${name}`);
  return page;
}

/** Waits for the badge: its state and how many CONNECTED the page has seen. */
async function waitForConnection(page, connections) {
  await page.waitForFunction(
    (n) => {
      const badge = document.querySelector('#badge');
      return badge?.dataset.state === 'connected' && Number(badge.dataset.connections) === n;
    },
    connections,
    { timeout: 15000 },
  );
}

async function send(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  // ✓: the broker's RECEIPT completed the publish future.
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('li.out')].some((li) => li.textContent === t && li.dataset.state === 'sent'),
    text,
    { timeout: 15000 },
  );
}

/** The received messages, as [text, data-sub] pairs. */
async function received(page) {
  return page.$$eval('li.in', (items) => items.map((li) => [li.querySelector('.text').textContent, li.dataset.sub]));
}

async function waitForMessage(page, text) {
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('li.in .text')].some((span) => span.textContent === t),
    text,
    { timeout: 15000 },
  );
}

test('the Rust chat example: two pages chat, survive a broker-side close on the same subscription, and leave', { timeout: 120000 }, async (t) => {
  const errors = [];
  const room = `r${Date.now().toString(36)}`;
  const alice = await openChat(room, 'alice', errors);
  const bob = await openChat(room, 'bob', errors);
  try {
    await waitForConnection(alice, 1);
    await waitForConnection(bob, 1);
    assert.match(await alice.locator('#badge').innerText(), /connected · STOMP 1\.2 · ♥ 10 s/);
    const aliceSub = await alice.locator('#room').getAttribute('data-sub');
    assert.match(aliceSub, /^sub-\d+$/);

    await send(alice, HELLO);
    await waitForMessage(bob, HELLO);
    await send(bob, REPLY);
    await waitForMessage(alice, REPLY);
    await alice.screenshot({ path: join(SHOTS, 'rust-chat-1-alice.png') });

    // The broker closes every connection; both pages reconnect by themselves.
    await closeAllConnections('rust-example');
    await waitForConnection(alice, 2);
    await waitForConnection(bob, 2);
    t.diagnostic('both pages reconnected');

    // The page never subscribes again: its one Subscription stream delivers what comes after.
    await send(bob, AFTER);
    await waitForMessage(alice, AFTER);
    const seen = await received(alice);
    assert.deepEqual(seen.map(([text]) => text), [HELLO, REPLY, AFTER], 'each message once, in order');
    assert.ok(seen.every(([, sub]) => sub === aliceSub), `every message on ${aliceSub}: ${JSON.stringify(seen)}`);
    await alice.screenshot({ path: join(SHOTS, 'rust-chat-2-after-reconnect.png') });

    // Leave: deactivate() completes, and the subscription's stream ends.
    await alice.click('#leave');
    await alice.waitForFunction(() => document.querySelector('#badge')?.dataset.state === 'left', null, { timeout: 15000 });
    await alice.waitForFunction(() => document.body.dataset.subscription === 'ended', null, { timeout: 15000 });
    await alice.screenshot({ path: join(SHOTS, 'rust-chat-3-left.png') });
    assert.deepEqual(errors, []);
  } finally {
    await alice.close();
    await bob.close();
  }
});
