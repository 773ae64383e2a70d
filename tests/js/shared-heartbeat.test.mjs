// Shared mode's heart-beats run in the SharedWorker, so a background tab never misses one: a hidden tab
// (opened behind another, Chromium's timer throttling on) keeps a shared connection with 1 s
// heart-beats both ways for 5 minutes (SHARED_HEARTBEAT_SECONDS to change it), and for 40 % of that
// time it is frozen as Chrome freezes background tabs (Energy Saver, Android: `Page.setWebLifecycleState
// frozen`, nothing of the page runs): no heartbeatLost, no closed socket, one CONNECTED, the same
// broker connection from start to end, and the broker's heart-beats all delivered to the tab. Beside
// it, a hidden tab with the package's per-tab Client on its page timer is the control, frozen alike:
// RabbitMQ must close its connection (else the conditions did not bite). The hidden tab's 1 s timer
// chain shows the throttling (it stretches).
//
// Driven through the DevTools protocol (tests/support/cdp-browser.mjs: Playwright would make the tab
// visible). Needs pkg/ and the broker; counts connections with rabbitmqctl in the shared-test vhost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureVhost, connections, until } from '../support/broker-ctl.mjs';
import { CdpBrowser } from '../support/cdp-browser.mjs';
import { serveRepository } from '../support/static-server.mjs';
import { tabOptions, VHOST } from '../support/shared-tabs.mjs';

const SECONDS = Number(process.env.SHARED_HEARTBEAT_SECONDS || 300);
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>tab</title>
<script>
window.__faults = [];
addEventListener('error', (e) => __faults.push('uncaught: ' + (e.error && e.error.stack || e.message)));
addEventListener('unhandledrejection', (e) => __faults.push('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason)));
window.ticks = [];
let last = performance.now();
(function chain() { setTimeout(() => { const now = performance.now(); ticks.push(Math.round(now - last)); last = now; chain(); }, 1000); })();
</script>
<script type="module" src="/tests/support/shared-tab.js"></script></head><body>tab</body></html>`;
const CONTROL = `<!doctype html><html><head><meta charset="utf-8"><title>control</title>
<script type="module">
import init, { Client } from '/pkg/web/stomp_wasm.js';
window.control = { connects: 0, lost: 0, closes: 0, received: 0 };
window.startControl = async (options) => {
  await init();
  const c = new Client(options);
  c.on('connect', () => control.connects++);
  c.on('heartbeatLost', () => control.lost++);
  c.on('webSocketClose', () => control.closes++);
  c.on('heartbeatReceived', () => control.received++);
  c.activate();
  window.controlClient = c;
};
</script></head><body>control</body></html>`;

let server;
let browser;

before(async () => {
  await ensureVhost(VHOST);
  const left = await until(() => connections(VHOST), (c) => c.length === 0, 20000);
  assert.deepEqual(left, [], `no connection of an earlier run is left in vhost ${VHOST}`);
  server = await serveRepository({ '/tab.html': PAGE, '/control.html': CONTROL });
  browser = await CdpBrowser.launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test(`a hidden, throttled (and for 40 % of the time frozen) tab keeps 1 s heart-beats flowing for ${SECONDS} s through the SharedWorker`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const heartbeats = { heartbeatIncoming: 1000, heartbeatOutgoing: 1000 };
  const tab = await browser.open(`${origin}/tab.html`, { background: true });
  await tab.waitFor('window.__tabReady === true');
  assert.equal(await tab.eval('document.visibilityState'), 'hidden', 'the tab is in the background');
  await tab.eval(`T.start(${JSON.stringify(tabOptions(heartbeats))}).then(() => T.client.activate())`);
  await tab.waitFor('T.connected()');
  assert.equal(await tab.eval('T.client.sharing.mode'), 'worker');
  const at = await connections(VHOST);
  assert.equal(at.length, 1);

  const control = await browser.open(`${origin}/control.html`, { background: true });
  await control.waitFor("typeof window.startControl === 'function'");
  await control.eval(`startControl(${JSON.stringify(tabOptions({ ...heartbeats, reconnectDelay: 1000 }))})`);
  await control.waitFor('control.connects >= 1');

  const started = Date.now();
  const freezeAt = started + SECONDS * 400;
  const thawAt = started + SECONDS * 800;
  let frozen = false;
  await tab.eval('T.counts.heartbeatReceived = 0; window.ticks.length = 0');
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, Math.max(50, Math.min(5000, (frozen ? thawAt : freezeAt) - Date.now()))));
    const now = Date.now();
    if (!frozen && now >= freezeAt && now < thawAt) {
      for (const t of [tab, control]) await browser.send('Page.setWebLifecycleState', { state: 'frozen' }, t.sessionId);
      frozen = true;
    } else if (frozen && now >= thawAt) {
      for (const t of [tab, control]) await browser.send('Page.setWebLifecycleState', { state: 'active' }, t.sessionId);
      frozen = false;
    }
    if (!frozen && (await tab.eval("T.eventsNamed('heartbeatLost').length + T.eventsNamed('webSocketClose').length"))) break; // fails below
  }
  const elapsed = (Date.now() - started) / 1000;
  const seen = await tab.eval(`({
    lost: T.eventsNamed('heartbeatLost').length,
    closes: T.eventsNamed('webSocketClose').length,
    connects: T.eventsNamed('connect').length,
    received: T.counts.heartbeatReceived || 0,
    state: T.client.connectionState,
    hidden: document.visibilityState,
    ticks: window.ticks.slice(),
    faults: window.__faults,
    // What the shared client said around a loss (its debug lines reach the tab), if there was one.
    around: (() => {
      const ev = T.events.find((e) => e.name === 'heartbeatLost' || e.name === 'webSocketClose');
      return ev ? { at: ev.at, lines: T.log.filter((l) => !/^(<<<|>>>) (MESSAGE|SEND|RECEIPT)/.test(l)).slice(-25) } : null;
    })(),
  })`);
  const controlSeen = await control.eval('window.control');
  const end = await connections(VHOST);
  const sorted = seen.ticks.slice().sort((x, y) => x - y);
  const medianTick = sorted[Math.floor(sorted.length / 2)];
  console.log(`# ${elapsed.toFixed(0)} s hidden: shared tab — ${seen.received} broker heart-beats seen, ${seen.lost} lost, ${seen.closes} socket closes, ${seen.connects} CONNECTED; ` +
    `frozen ${(SECONDS * 0.4).toFixed(0)} s of it; its 1 s page timer fired every ${medianTick} ms (median) when not frozen; control tab (per-tab Client, page timer) — ${controlSeen.received} heart-beats seen, ` +
    `${controlSeen.lost} heartbeatLost, ${controlSeen.closes} socket closes, ${controlSeen.connects} CONNECTED`);
  if (seen.around) console.log(`# lost at ${new Date(seen.around.at).toISOString()} (${((seen.around.at - started) / 1000).toFixed(1)} s in); the shared client's last lines:\n# ${seen.around.lines.join('\n# ')}`);
  assert.equal(seen.hidden, 'hidden', 'the tab stayed in the background');
  assert.ok(medianTick >= 1500, `throttling was on: the hidden tab's 1 s timer chain fired every ${medianTick} ms (median)`);
  assert.equal(seen.lost, 0, 'no heartbeatLost');
  assert.equal(seen.closes, 0, 'the socket never closed');
  assert.equal(seen.connects, 1, 'one CONNECTED');
  assert.equal(seen.state, 'connected');
  assert.ok(seen.received >= elapsed * 0.9, `the broker's heart-beats kept arriving (${seen.received} in ${elapsed.toFixed(0)} s)`);
  assert.ok(end.includes(at[0]), `the broker still has the connection it had at the start (${at[0]})`);
  assert.deepEqual(seen.faults, []);
  assert.ok(controlSeen.closes >= 1, 'the control: the broker closed the per-tab client\'s connection (its heart-beats stopped with the page)');
  await control.eval('controlClient.deactivate()');
  await tab.eval('T.client.deactivate()');
});
