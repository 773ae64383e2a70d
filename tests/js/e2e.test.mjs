// End to end: the www/ demo as a person uses it, in Debian's Chromium driven by playwright-core, against
// the test broker (RabbitMQ Web-STOMP on loopback). An agent console (desktop) and a visitor chat (phone):
// the visitor's conversation shows up live, both sides type, send and get ✓ from the broker's RECEIPT;
// then every broker connection is closed from the server side: both badges show "reconnecting", then
// "connected", and a message typed during the outage is delivered after the reconnect exactly once.
// Last, the agent console in a second tab shares the first one's connection (stomp-wasm/shared: one
// STOMP session for both), and its diagnostics drawer says "shared by 2 tabs" and the mode.
// Screenshots go to target/e2e/.
//
// Needs pkg/ built and the broker running (`make test` does both, and runs the control server whose
// POST /close-all closes the broker's connections; without it the test runs `scripts/broker close-all`).
// Starts its own static server (scripts/demo-server.mjs) on a free port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { closeAllConnections } from '../support/close-all.mjs';
import { ping } from '../support/ws-peer.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'target', 'e2e');
const BROKER_URL = process.env.E2E_BROKER_URL || 'ws://127.0.0.1:15674/ws';
// E2E_VHOST: the demo's virtual host (with a CONTROL_URL whose /close-all closes that vhost's
// connections only, the test can run beside other suites on a shared broker).
const VHOST = process.env.E2E_VHOST || '';

const HELLO = '你好 👋';
const REPLY = '您好！我是客服小林，有什么可以帮您？😊';
const DURING_OUTAGE = '网络断了也能发吗？📶 (typed during the outage)';
const AFTER = '收到 ✅ 连接已恢复';
const THANKS = '谢谢！👍';
const WELCOME = '不客气 😊';

let demo;
let browser;

before(async () => {
  assert.ok(statSync(join(ROOT, 'pkg', 'web', 'stomp_wasm.js')).isFile(), 'pkg/ is built (scripts/build-pkg)');
  await ping(BROKER_URL, 5000).catch((error) => assert.fail(`the broker does not answer at ${BROKER_URL} (scripts/broker start): ${error.message}`));
  mkdirSync(OUT, { recursive: true });
  demo = await startDemoServer({
    port: 0,
    config: {
      brokerURL: BROKER_URL,
      vhost: VHOST,
      login: 'guest',
      passcode: 'guest',
      reconnectDelay: 2000, // with the client's 20 % jitter: 1.6–2 s of "reconnecting in N s"
      queueExpires: 60000, // this run's durable queues go away a minute after it
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

const badgeState = (page) => page.locator('#badge').getAttribute('data-state');

/** Waits until the page's badge is in `state` (checked every animation frame, so short states are seen). */
async function waitForBadge(page, state, timeout = 15000) {
  await page.waitForFunction((s) => document.querySelector('#badge')?.dataset.state === s, state, { timeout, polling: 'raf' });
}

async function newPage(options, name, errors) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/WebSocket connection to .* failed/.test(message.text())) {
      errors.push(`${name} console: ${message.text()}`);
    }
  });
  return page;
}

test('the demo: a visitor and an agent chat, survive a broker-side close of every connection, and nothing is lost or doubled', { timeout: 90000 }, async (t) => {
  const started = Date.now();
  const errors = [];
  const agent = await newPage({ viewport: { width: 1280, height: 800 } }, 'agent', errors);
  const visitor = await newPage(
    { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    'visitor',
    errors,
  );
  const step = (text) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(1)} s: ${text}`);
  const shoot = async (page, file) => {
    await page.screenshot({ path: join(OUT, file), animations: 'disabled' });
  };

  try {
    // --- both pages connect --------------------------------------------------------------------------
    await agent.goto(`${demo.url}agent.html?name=${encodeURIComponent('小林')}`);
    await waitForBadge(agent, 'connected');
    const agentBadge = await agent.locator('#badge').innerText();
    assert.match(agentBadge, /Connected/);
    assert.match(agentBadge, /STOMP 1\.2/, 'the badge names the negotiated version');
    assert.match(agentBadge, /♥ 10 s/, 'the badge shows the negotiated heart-beat');
    await visitor.goto(`${demo.url}visitor.html`);
    await waitForBadge(visitor, 'connected');
    const conversation = await visitor.evaluate(() => document.body.dataset.conversation);
    assert.match(conversation, /^[a-z2-9]{7}$/);
    step(`both pages connected; conversation ${conversation}`);

    // --- the new visitor shows up on the agent page, live ----------------------------------------------
    const item = agent.locator(`.conv[data-conversation="${conversation}"]`);
    await item.waitFor({ timeout: 10000 });
    step('the conversation appeared on the agent page without a reload');

    // --- the visitor types (the agent sees it) and says 你好 👋 -------------------------------------------
    await visitor.locator('#input').pressSequentially('你好', { delay: 20 });
    await item.locator('.typing-preview').waitFor({ timeout: 10000 });
    step('the agent sees the visitor typing');
    await visitor.locator('#input').fill(HELLO);
    await visitor.locator('#input').press('Enter');
    const hello = visitor.locator('.msg-me', { hasText: HELLO });
    await hello.waitFor();
    await visitor.locator('.msg-me[data-state="delivered"]', { hasText: HELLO }).waitFor({ timeout: 10000 });
    step('the visitor\'s message is ✓ (RECEIPT)');
    await agent.waitForFunction((id) => document.querySelector(`.conv[data-conversation="${id}"]`)?.dataset.unread === '1', conversation, { timeout: 10000 });
    assert.match(await item.innerText(), /你好 👋/, 'the list shows the message as the preview');

    // --- the agent picks it, sees the message, replies -------------------------------------------------
    await item.click();
    await agent.locator('#thread .msg-them', { hasText: HELLO }).waitFor();
    assert.equal(await item.getAttribute('data-unread'), '0', 'opening the conversation clears its unread count');
    await agent.locator('#input').pressSequentially('您好', { delay: 20 });
    await visitor.locator('#typing:not([hidden])', { hasText: 'is typing' }).waitFor({ timeout: 10000 });
    step('the visitor sees the agent typing');
    await agent.locator('#input').fill(REPLY);
    await agent.locator('#input').press('Enter');
    await agent.locator('.msg-me[data-state="delivered"]', { hasText: REPLY }).waitFor({ timeout: 10000 });
    await visitor.locator('.msg-them', { hasText: REPLY }).waitFor({ timeout: 10000 });
    assert.ok(await visitor.locator('#typing').isHidden(), 'the typing indicator goes away with the message');
    step('the agent\'s reply is ✓ and the visitor has it');

    // --- the broker closes every connection -----------------------------------------------------------
    const sessionsBefore = await Promise.all([agent, visitor].map((p) => p.evaluate(() => window.__demo.client.serverHeaders.session)));
    await closeAllConnections('e2e');
    await Promise.all([waitForBadge(agent, 'reconnecting', 10000), waitForBadge(visitor, 'reconnecting', 10000)]);
    step('both badges show reconnecting');
    assert.match(await visitor.locator('#badge').innerText(), /Reconnecting( in \d s)?…?[\s\S]*attempt 1/);

    // A message typed now waits in the client's queue ("sending") and goes out after the reconnect. Typed,
    // sent and looked at in one turn of the page, so the reconnect (1.6–2 s away) cannot come in between.
    const typed = await visitor.evaluate((text) => {
      const connected = window.__demo.client.connected;
      const input = document.querySelector('#input');
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      const bubble = Array.from(document.querySelectorAll('.msg-me')).find((m) => m.textContent.includes(text));
      return { connected, state: bubble?.dataset.state ?? null, badge: document.querySelector('#badge').dataset.state };
    }, DURING_OUTAGE);
    assert.deepEqual(typed, { connected: false, state: 'sending', badge: 'reconnecting' },
      'typed while reconnecting: the message waits as "sending"');
    step('typed during the outage: message sending, badge reconnecting');
    await shoot(visitor, 'visitor-reconnecting.png');
    if ((await badgeState(agent)) === 'reconnecting') await shoot(agent, 'agent-reconnecting.png');

    await Promise.all([waitForBadge(agent, 'connected'), waitForBadge(visitor, 'connected')]);
    step('both badges show connected again');
    const sessionsAfter = await Promise.all([agent, visitor].map((p) => p.evaluate(() => window.__demo.client.serverHeaders.session)));
    assert.notEqual(sessionsAfter[0], sessionsBefore[0], 'the agent has a new STOMP session');
    assert.notEqual(sessionsAfter[1], sessionsBefore[1], 'the visitor has a new STOMP session');

    // --- the outage message is delivered exactly once --------------------------------------------------
    await visitor.locator('.msg-me[data-state="delivered"]', { hasText: DURING_OUTAGE }).waitFor({ timeout: 15000 });
    await agent.locator('#thread .msg-them', { hasText: DURING_OUTAGE }).waitFor({ timeout: 15000 });
    step('the message typed during the outage is ✓ and on the agent page');
    // Both subscriptions are back: the agent answers, and the visitor gets it.
    await agent.locator('#input').fill(AFTER);
    await agent.locator('#input').press('Enter');
    await visitor.locator('.msg-them', { hasText: AFTER }).waitFor({ timeout: 10000 });
    await agent.locator('.msg-me[data-state="delivered"]', { hasText: AFTER }).waitFor({ timeout: 10000 });
    // A last exchange, each way behind everything else: a message delivered twice would have come before it.
    await visitor.locator('#input').fill(THANKS);
    await visitor.locator('#input').press('Enter');
    await agent.locator('#thread .msg-them', { hasText: THANKS }).waitFor({ timeout: 10000 });
    await agent.locator('#input').fill(WELCOME);
    await agent.locator('#input').press('Enter');
    await visitor.locator('.msg-them', { hasText: WELCOME }).waitFor({ timeout: 10000 });
    await agent.locator('.msg-me[data-state="delivered"]', { hasText: WELCOME }).waitFor({ timeout: 10000 });
    await visitor.locator('.msg-me[data-state="delivered"]', { hasText: THANKS }).waitFor({ timeout: 10000 });
    for (const text of [HELLO, DURING_OUTAGE, THANKS]) {
      assert.equal(await agent.locator('#thread .msg-them', { hasText: text }).count(), 1, `the agent has "${text}" once`);
      assert.equal(await visitor.locator('.msg-me', { hasText: text }).count(), 1, `the visitor has "${text}" once`);
    }
    for (const text of [REPLY, AFTER, WELCOME]) {
      assert.equal(await visitor.locator('.msg-them', { hasText: text }).count(), 1, `the visitor has "${text}" once`);
    }
    const counters = await Promise.all([agent, visitor].map((p) =>
      p.evaluate(() => ({ duplicates: window.__demo.stats.duplicates, reconnects: window.__demo.stats.reconnects }))));
    for (const [name, c] of [['agent', counters[0]], ['visitor', counters[1]]]) {
      assert.equal(c.duplicates, 0, `no MESSAGE arrived twice on the ${name} page (by msg-id)`);
      assert.ok(c.reconnects >= 1, `the ${name} page counted its reconnect`);
    }
    assert.equal(await visitor.locator('.msg-me:not([data-state="delivered"])').count(), 0, 'every visitor message is ✓');
    assert.equal(await agent.locator('.msg-me:not([data-state="delivered"])').count(), 0, 'every agent message is ✓');
    assert.equal(await item.getAttribute('data-unread'), '0');

    // --- screenshots -----------------------------------------------------------------------------------
    await shoot(agent, 'agent.png');
    await shoot(visitor, 'visitor.png');
    await visitor.locator('#diag-btn').click();
    await visitor.locator('#diagnostics.open').waitFor();
    await visitor.waitForTimeout(600);
    await shoot(visitor, 'visitor-diagnostics.png');

    // --- the agent console in a second tab: the same connection (one STOMP session), said in the drawer ---
    const agent2 = await agent.context().newPage();
    agent2.on('pageerror', (error) => errors.push(`agent tab 2: ${error.message}`));
    await agent2.goto(`${demo.url}agent.html?name=${encodeURIComponent('小林')}`);
    await waitForBadge(agent2, 'connected');
    const sessions = await Promise.all([agent, agent2].map((p) => p.evaluate(() => window.__demo.client.serverHeaders.session)));
    assert.equal(sessions[0], sessions[1], 'both agent tabs are on one STOMP session (one connection)');
    await agent2.locator('#diag-btn').click();
    await agent2.locator('#diagnostics.open').waitFor();
    await agent2.locator('#sharing[data-tabs="2"]').waitFor({ timeout: 5000 });
    assert.equal(await agent2.locator('#sharing').innerText(), 'Connection shared by 2 tabs · SharedWorker');
    await agent2.waitForTimeout(600);
    await shoot(agent2, 'agent-shared-diagnostics.png');
    step('a second agent tab shares the connection; its drawer says so');
    step(`screenshots in ${OUT}`);
    assert.deepEqual(errors, [], 'no page errors');
  } catch (error) {
    await shoot(agent, 'failure-agent.png').catch(() => {});
    await shoot(visitor, 'failure-visitor.png').catch(() => {});
    if (errors.length) error.message += `\npage errors:\n${errors.join('\n')}`;
    throw error;
  }
});
