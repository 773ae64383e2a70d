// Shared mode (stomp-wasm/shared, issue 24) in Chromium against RabbitMQ: tabs are pages of one
// browser context; what the broker sees is counted by RabbitMQ itself (rabbitmqctl, in a vhost of
// this file's own, so other suites' connections never count).
//
//   1. 10 tabs, each subscribed to one topic and to a queue of its own: ONE Web-STOMP connection, ONE
//      subscription (consumer) for the topic, every topic message once in every tab, each queue's
//      messages in its tab only.
//   2. The tabs closed one by one (the fourth crashes: no pagehide, only its lock tells): the
//      connection stays until the last; each closed tab's queue loses its consumer; after the last,
//      no connection.
//   3. Leader mode (no SharedWorker): the leader tab is closed while another tab publishes 1,000
//      at-least-once messages: a survivor reconnects (time measured), all 1,000 arrive at a consumer,
//      duplicates counted and reported; a third tab's subscription is restored by the new leader.
//
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); run as root (rabbitmqctl).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ensureVhost, connections, queues, deleteQueues, until } from '../support/broker-ctl.mjs';
import { Tabs, tabOptions, waitIn, VHOST, BROKER_URL } from '../support/shared-tabs.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = `shared-${process.pid}-${Date.now().toString(36)}`;
const TABS = 10;
const TOPIC_MESSAGES = 20;

let tabs;

before(async () => {
  assert.ok(statSync(`${ROOT}/pkg/web/shared.js`).isFile(), 'pkg/ is built with shared mode (scripts/build-pkg)');
  await ensureVhost(VHOST);
  const left = await until(() => connections(VHOST), (c) => c.length === 0, 20000);
  assert.deepEqual(left, [], `no connection of an earlier run is left in vhost ${VHOST}`);
});

after(async () => {
  await tabs?.stop();
  await deleteQueues(VHOST, RUN).catch(() => {});
});

test('10 tabs: one broker connection, one SUBSCRIBE for the shared topic, every topic message once in every tab, each queue to its own tab', async () => {
  tabs = await Tabs.start();
  for (let i = 0; i < TABS; i++) {
    const page = await tabs.open(tabOptions());
    await page.evaluate(({ i, run }) => {
      T.subscribe('topic', `/topic/${run}.fan`);
      T.subscribe('queue', `/queue/${run}.tab-${i}`);
      T.client.activate();
    }, { i, run: RUN });
  }
  for (const page of tabs.pages) await waitIn(page, () => T.connected());
  const modes = await Promise.all(tabs.pages.map((p) => p.evaluate(() => T.client.sharing)));
  assert.deepEqual(modes.map((m) => m.mode), new Array(TABS).fill('worker'));
  const sharedBy = await until(() => tabs.pages[TABS - 1].evaluate(() => T.client.sharing.tabs), (n) => n === TABS, 5000, 100);
  assert.equal(sharedBy, TABS, 'each tab is told the connection is shared by 10 tabs');

  const conns = await connections(VHOST);
  assert.equal(conns.length, 1, `RabbitMQ lists one Web-STOMP connection in vhost ${VHOST}: ${conns.join(', ')}`);
  const qs = await queues(VHOST);
  const topicQueues = qs.filter((q) => q.name.startsWith('stomp-subscription-'));
  assert.deepEqual(topicQueues.map((q) => q.consumers), [1], `one subscription for the topic: ${JSON.stringify(topicQueues)}`);
  for (let i = 0; i < TABS; i++) {
    const q = qs.find((x) => x.name === `${RUN}.tab-${i}`);
    assert.equal(q?.consumers, 1, `tab ${i}'s queue has its consumer`);
  }

  // Topic messages from one tab (receipted), one message for each tab's queue from another.
  await tabs.pages[0].evaluate(async ({ run, n }) => {
    for (let k = 0; k < n; k++) await T.client.publish({ destination: `/topic/${run}.fan`, body: `fan ${k}`, receipt: true });
  }, { run: RUN, n: TOPIC_MESSAGES });
  await tabs.pages[5].evaluate(async ({ run, n }) => {
    const sent = [];
    for (let i = 0; i < n; i++) sent.push(T.client.publish({ destination: `/queue/${run}.tab-${i}`, body: `for tab ${i}`, delivery: 'at-least-once' }));
    await Promise.all(sent);
  }, { run: RUN, n: TABS });
  for (const page of tabs.pages) await waitIn(page, (n) => (T.got.topic || []).length >= n && (T.got.queue || []).length >= 1, TOPIC_MESSAGES);
  await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show
  for (let i = 0; i < TABS; i++) {
    const got = await tabs.pages[i].evaluate(() => ({ topic: T.got.topic.map((m) => m.body), queue: T.got.queue.map((m) => m.body), subs: [...new Set(T.got.topic.map((m) => m.sub))], faults: window.__faults }));
    assert.deepEqual(got.topic, Array.from({ length: TOPIC_MESSAGES }, (_, k) => `fan ${k}`), `tab ${i}: every topic message once, in order`);
    assert.deepEqual(got.queue, [`for tab ${i}`], `tab ${i}: its queue's message only`);
    assert.equal(got.subs.length, 1, `tab ${i}: its messages carry its own subscription id`);
    assert.deepEqual(got.faults, [], `tab ${i}: no uncaught error`);
  }
});

test('tabs closed one by one (one of them crashing): the connection stays until the last tab; each closed tab\'s subscription goes from the broker', async () => {
  assert.ok(tabs?.pages.length === TABS, 'the 10 tabs of the previous test');
  const timings = [];
  for (let i = 0; i < TABS - 1; i++) {
    const closedAt = Date.now();
    if (i === 3) {
      // This one crashes instead (its renderer dies: no pagehide); its lifetime lock tells the worker.
      const page = tabs.pages[0];
      const cdp = await tabs.context.newCDPSession(page);
      cdp.send('Page.crash').catch(() => {});
      await new Promise((resolve) => page.once('crash', resolve));
      await tabs.close(page);
    } else {
      await tabs.close(tabs.pages[0]);
    }
    const qs = await until(() => queues(VHOST), (list) => (list.find((q) => q.name === `${RUN}.tab-${i}`)?.consumers ?? 0) === 0, 10000, 100);
    timings.push(Date.now() - closedAt);
    assert.equal(qs.find((q) => q.name === `${RUN}.tab-${i}`)?.consumers ?? 0, 0, `tab ${i} closed: its queue lost its consumer`);
    for (let j = i + 1; j < TABS; j++) assert.equal(qs.find((q) => q.name === `${RUN}.tab-${j}`)?.consumers, 1, `tab ${j}'s consumer is still there`);
    assert.deepEqual(qs.filter((q) => q.name.startsWith('stomp-subscription-')).map((q) => q.consumers), [1], 'the shared topic subscription stays');
    const conns = await connections(VHOST);
    assert.equal(conns.length, 1, `after closing tab ${i}: still one connection`);
  }
  // The last tab still gets topic messages, then closes: no connection left, the topic's queue gone.
  const last = tabs.pages[0];
  await waitIn(last, () => T.client.sharing.tabs === 1);
  await last.evaluate(({ run }) => T.client.publish({ destination: `/topic/${run}.fan`, body: 'to the last tab', receipt: true }), { run: RUN });
  await waitIn(last, () => T.got.topic.some((m) => m.body === 'to the last tab'));
  await tabs.close(last);
  const conns = await until(() => connections(VHOST), (c) => c.length === 0, 15000);
  assert.deepEqual(conns, [], 'the last tab closed: the connection is gone');
  const qs = await queues(VHOST);
  assert.deepEqual(qs.filter((q) => q.name.startsWith('stomp-subscription-')), [], 'the topic subscription is gone');
  console.log(`# ms from a tab's close to its queue losing its consumer (rabbitmqctl polls included): ${timings.join(', ')}`);
  await tabs.stop();
  tabs = null;
});

/** A consumer outside the browser: the package in Node, client-individual acks, counting copies. */
async function consumer(destination) {
  globalThis.WebSocket ??= WebSocket;
  const { default: init, Client } = await import(`${ROOT}/pkg/node/index.mjs`);
  await init();
  const seen = new Map();
  const dedupIds = new Map();
  const client = new Client(tabOptions({ reconnectDelay: 500 }));
  let subscribed;
  const ready = new Promise((r) => { subscribed = r; });
  client.onConnect = () => {
    client.subscribe(destination, (m) => {
      seen.set(m.body, (seen.get(m.body) ?? 0) + 1);
      const ids = dedupIds.get(m.body) ?? new Set();
      ids.add(m.headers['dedup-id']);
      dedupIds.set(m.body, ids);
      m.ack();
    }, { ack: 'client-individual', 'prefetch-count': '2000', receipt: 'ready' });
  };
  client.watchForReceipt('ready', () => subscribed());
  client.activate();
  await ready;
  return { seen, dedupIds, stop: () => client.deactivate() };
}

test('leader mode (no SharedWorker): the leader tab closes while another publishes 1,000 at-least-once messages: a survivor reconnects, all 1,000 arrive', async () => {
  tabs = await Tabs.start({ withoutSharedWorker: true });
  const destination = `/queue/${RUN}.failover`;
  const sink = await consumer(destination);
  try {
    // maxQueuedFrames: the re-sent at-least-once frames wait in the new leader's client until it is connected.
    const options = tabOptions({ maxQueuedFrames: 5000, reconnectDelay: 500 });
    const leader = await tabs.open(options);
    await leader.evaluate(() => T.client.activate());
    await waitIn(leader, () => T.connected());
    const publisher = await tabs.open(options);
    const third = await tabs.open(options);
    // The third tab's subscription (kept: made before its connection) must be restored by the next leader.
    await third.evaluate(({ run }) => T.subscribe('after', `/topic/${run}.after-failover`), { run: RUN });
    for (const page of [publisher, third]) await page.evaluate(() => T.client.activate());
    for (const page of [publisher, third]) await waitIn(page, () => T.connected());
    assert.deepEqual(await Promise.all([leader, publisher, third].map((p) => p.evaluate(() => T.client.sharing.mode))), ['leader', 'leader', 'leader']);
    assert.equal((await connections(VHOST)).length, 2, 'one connection for the three tabs (and the consumer\'s)');

    // 1,000 at-least-once publishes, 25 per 20 ms; the leader closes after the 300th.
    await publisher.evaluate(({ destination }) => {
      window.results = { resolved: 0, rejected: [], done: false };
      window.sentAt300 = 0;
      (async () => {
        const all = [];
        for (let i = 0; i < 1000; i++) {
          const p = T.client.publish({ destination, body: String(i), delivery: 'at-least-once' });
          all.push(p.then(() => { results.resolved++; }, (e) => { results.rejected.push(`${i}: ${e.message}`); }));
          if (i === 299) window.sentAt300 = Date.now();
          if (i % 25 === 24) await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.all(all);
        results.done = true;
      })();
    }, { destination });
    await waitIn(publisher, () => window.sentAt300 > 0);
    const closedAt = Date.now();
    await tabs.close(leader);
    await waitIn(publisher, () => results.done, null, 60000);
    const result = await publisher.evaluate(() => results);
    assert.deepEqual(result.rejected, [], 'no publish rejected');
    assert.equal(result.resolved, 1000, 'every publish Promise resolved (its RECEIPT came through a leader)');

    // The survivor's reconnection: its first 'connect' after the close.
    const reconnects = await Promise.all([publisher, third].map((p) => p.evaluate((t) => T.events.filter((e) => e.name === 'connect' && e.at >= t).map((e) => e.at), closedAt)));
    const firstConnect = Math.min(...reconnects.flat());
    const failoverMs = firstConnect - closedAt;
    const newLeader = (await publisher.evaluate(() => T.log.some((l) => l.includes('this tab became the leader')))) ? 'the publishing tab' : 'the third tab';
    assert.ok(reconnects.every((r) => r.length === 1), `each survivor reconnected once: ${JSON.stringify(reconnects)}`);

    const seen = await until(async () => sink.seen, (s) => s.size >= 1000, 20000, 200);
    const missing = [];
    for (let i = 0; i < 1000; i++) if (!seen.has(String(i))) missing.push(i);
    const duplicates = [...seen.values()].reduce((a, n) => a + n - 1, 0);
    const splitIds = [...sink.dedupIds.values()].filter((ids) => ids.size > 1).length;
    console.log(`# leader failover: ${newLeader} took over; first reconnect ${failoverMs} ms after the leader's close; ` +
      `1000 published, ${seen.size} distinct received, ${duplicates} duplicate(s), ${splitIds} message(s) with two dedup-ids`);
    assert.deepEqual(missing, [], 'all 1,000 messages arrived');
    await publisher.evaluate(({ run }) => T.client.publish({ destination: `/topic/${run}.after-failover`, body: 'restored', receipt: true }), { run: RUN });
    await waitIn(third, () => (T.got.after || []).length >= 1);
    assert.deepEqual(await third.evaluate(() => T.got.after.map((m) => m.body)), ['restored'], "the third tab's subscription was restored by the new leader");
    assert.equal(splitIds, 0, 'a re-sent frame carries the dedup-id of its first attempt');
    assert.ok(failoverMs < 2000, `a survivor reconnected within 2 s of the leader's close (${failoverMs} ms)`);
    assert.equal((await connections(VHOST)).length, 2, 'still one connection for the tabs (and the consumer\'s)');
  } finally {
    await sink.stop();
  }
});
