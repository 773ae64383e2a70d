// The stompjs surface through shared mode (stomp-wasm/shared), in worker mode and in leader mode
// (SharedWorker removed from the pages): two tabs of one browser context against RabbitMQ, each
// behaviour checked as an application sees it, and what the broker sees counted by rabbitmqctl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureVhost, connections, queues, deleteQueues, until } from '../support/broker-ctl.mjs';
import { Tabs, tabOptions, waitIn, VHOST } from '../support/shared-tabs.mjs';

const RUN = `shared-api-${process.pid}-${Date.now().toString(36)}`;

before(async () => {
  await ensureVhost(VHOST);
  const left = await until(() => connections(VHOST), (c) => c.length === 0, 20000);
  assert.deepEqual(left, [], `no connection of an earlier run is left in vhost ${VHOST}`);
});

// Every browser this file starts, stopped at its end even when a test failed half-way.
const browsers = [];
async function start(options) {
  const tabs = await Tabs.start(options);
  browsers.push(tabs);
  return tabs;
}

after(async () => {
  for (const tabs of browsers) await tabs.stop();
  await deleteQueues(VHOST, RUN).catch(() => {});
});

for (const mode of ['worker', 'leader']) {
  let tabs;
  let a;
  let b;
  const run = `${RUN}.${mode}`;

  test(`${mode}: two tabs share one connection; options are checked in the tab`, async () => {
    tabs = await start({ withoutSharedWorker: mode === 'leader' });
    a = await tabs.open(tabOptions());
    b = await tabs.open(tabOptions());
    const refused = await a.evaluate(() => {
      const out = [];
      for (const attempt of [
        () => new T.client.constructor({ webSocketFactory: () => null }),
        () => new T.client.constructor({ brokerUrl: 'ws://x' }),
        () => new T.client.constructor({ shareMode: 'cluster' }),
        () => T.client.publish({ destination: '/topic/x', body: 'inactive' }),
      ]) {
        try {
          attempt();
          out.push('no error');
        } catch (e) {
          out.push(`${e.name}: ${e.message}`);
        }
      }
      return out;
    });
    assert.match(refused[0], /^TypeError: option 'webSocketFactory' cannot be used in shared mode/);
    assert.match(refused[1], /^TypeError: unknown option 'brokerUrl'/);
    assert.match(refused[2], /^TypeError: option 'shareMode' must be one of/);
    assert.equal(refused[3], 'TypeError: There is no underlying STOMP connection', 'publish() on an inactive client throws');
    for (const page of [a, b]) await page.evaluate(() => T.client.activate());
    for (const page of [a, b]) await waitIn(page, () => T.connected());
    const seen = await Promise.all([a, b].map((p) => p.evaluate(() => ({ sharing: T.client.sharing, version: T.client.connectedVersion, server: T.client.serverHeaders.server, state: T.client.state, webSocket: T.client.webSocket }))));
    for (const s of seen) {
      assert.equal(s.sharing.mode, mode);
      assert.equal(s.version, '1.2');
      assert.match(s.server, /^RabbitMQ/);
      assert.equal(s.state, 0, 'ActivationState.ACTIVE');
      assert.equal(s.webSocket, undefined);
    }
    await waitIn(b, () => T.client.sharing.tabs === 2);
    assert.equal((await connections(VHOST)).length, 1);
  });

  test(`${mode}: publish Promises settle with their own RECEIPT; receipt ids chosen by two tabs never meet`, async () => {
    const results = await Promise.all([a, b].map((p, i) => p.evaluate(async ({ run, i }) => {
      const receipt = await T.client.publish({ destination: `/topic/${run}.r`, body: 'r', receipt: true });
      const alo = await T.client.publish({ destination: `/topic/${run}.r`, body: 'alo', delivery: 'at-least-once' });
      const watched = await new Promise((resolve) => {
        T.client.watchForReceipt('same-id', (frame) => resolve(frame.headers['receipt-id']));
        T.client.publish({ destination: `/topic/${run}.r`, body: `watched ${i}`, headers: { receipt: 'same-id' } });
      });
      return { receipt: receipt.command, alo: alo.command, watched, unhandled: T.eventsNamed('unhandledReceipt').length };
    }, { run, i })));
    for (const r of results) assert.deepEqual(r, { receipt: 'RECEIPT', alo: 'RECEIPT', watched: 'same-id', unhandled: 0 });
  });

  test(`${mode}: identical auto-ack subscriptions of two tabs are one SUBSCRIBE; acking ones are one per tab, acked through the tab`, async () => {
    for (const [page, id] of [[a, 'mine-a'], [b, 'mine-b']]) {
      await page.evaluate(({ run, id }) => {
        T.subscribe('fan', `/topic/${run}.fan`, { id });
        T.subscribe('work', `/queue/${run}.work`, { ack: 'client-individual', 'prefetch-count': '5' }, true);
      }, { run, id });
    }
    const qs = await until(() => queues(VHOST), (list) => (list.find((q) => q.name === `${run}.work`)?.consumers ?? 0) === 2);
    assert.equal(qs.find((q) => q.name === `${run}.work`)?.consumers, 2, 'the acking subscriptions: one consumer per tab');
    assert.equal(qs.filter((q) => q.name.startsWith('stomp-subscription-')).length, 1, `the auto-ack topic subscriptions: one queue (one SUBSCRIBE): ${JSON.stringify(qs)}`);
    await a.evaluate(async ({ run }) => {
      await T.client.publish({ destination: `/topic/${run}.fan`, body: 'fan', receipt: true });
      for (let i = 0; i < 20; i++) await T.client.publish({ destination: `/queue/${run}.work`, body: `job ${i}`, receipt: true });
    }, { run });
    await until(async () => (await Promise.all([a, b].map((p) => p.evaluate(() => (T.got.work || []).length)))).reduce((x, y) => x + y), (n) => n >= 20, 10000, 100);
    const got = await Promise.all([a, b].map((p) => p.evaluate(() => ({ fan: T.got.fan, work: T.got.work || [] }))));
    assert.deepEqual(got.map((g) => g.fan.map((m) => [m.body, m.sub])), [[['fan', 'mine-a']], [['fan', 'mine-b']]], 'each tab sees the message under its own subscription id');
    const jobs = got.flatMap((g) => g.work.map((m) => m.body)).sort();
    assert.equal(jobs.length, 20, 'every job once, over the two tabs');
    assert.equal(new Set(jobs).size, 20);
    assert.ok(got.every((g) => g.work.every((m) => m.acked === true)), 'message.ack() returned true');
    const work = await until(() => queues(VHOST), (list) => { const q = list.find((x) => x.name === `${run}.work`); return q && q.unacked === 0 && q.ready === 0; });
    const q = work.find((x) => x.name === `${run}.work`);
    assert.deepEqual([q.ready, q.unacked], [0, 0], 'the broker has every job acknowledged');
  });

  test(`${mode}: transactions of two tabs with the same id stay apart; commit delivers, abort drops`, async () => {
    await b.evaluate(({ run }) => T.subscribe('tx', `/topic/${run}.tx`), { run });
    await new Promise((r) => setTimeout(r, 300));
    await a.evaluate(({ run }) => {
      const tx = T.client.begin('same-tx');
      T.client.publish({ destination: `/topic/${run}.tx`, body: 'a1', headers: { transaction: tx.id } });
      T.client.publish({ destination: `/topic/${run}.tx`, body: 'a2', headers: { transaction: tx.id } });
      window.txA = tx;
    }, { run });
    await b.evaluate(({ run }) => {
      const tx = T.client.begin('same-tx');
      T.client.publish({ destination: `/topic/${run}.tx`, body: 'b1', headers: { transaction: tx.id } });
      tx.abort();
    }, { run });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await b.evaluate(() => T.got.tx.map((m) => m.body)), [], 'nothing before the commit');
    await a.evaluate(({ run }) => {
      window.txA.commit();
      return T.client.publish({ destination: `/topic/${run}.tx`, body: 'after', receipt: true });
    }, { run });
    await waitIn(b, () => T.got.tx.length >= 3);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await b.evaluate(() => T.got.tx.map((m) => m.body)), ['a1', 'a2', 'after'], "a's committed frames; b's aborted one never");
  });

  test(`${mode}: after a drop of the shared socket, onConnect's subscriptions are made again, keepSubscriptions ones restored, other ones made while connected lapse (stompjs's rule): each message once`, async () => {
    await a.evaluate(({ run }) => {
      window.connects = 0;
      T.client.onConnect = () => {
        window.connects++;
        T.subscribe('oc', `/topic/${run}.oc`);
      };
    }, { run });
    await b.evaluate(({ run }) => {
      T.subscribe('lapsed', `/topic/${run}.oc`);
      T.client.keepSubscriptions = true;
      T.subscribe('restored', `/topic/${run}.oc`);
    }, { run });
    // Two drops: onConnect subscribes after the first reconnect, and again after the second.
    for (let k = 1; k <= 2; k++) {
      await a.evaluate(() => T.client.forceDisconnect());
      await waitIn(a, (k) => window.connects === k && T.connected(), k);
      await waitIn(b, () => T.connected());
    }
    await new Promise((r) => setTimeout(r, 300));
    await b.evaluate(({ run }) => T.client.publish({ destination: `/topic/${run}.oc`, body: 'once', receipt: true }), { run });
    await waitIn(a, () => (T.got.oc || []).length >= 1);
    await waitIn(b, () => (T.got.restored || []).length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await a.evaluate(() => T.got.oc.map((m) => m.body)), ['once'], "onConnect's subscription: the message once");
    assert.deepEqual(await b.evaluate(() => T.got.restored.map((m) => m.body)), ['once'], 'the restored subscription: the message once');
    assert.deepEqual(await b.evaluate(() => (T.got.lapsed || []).map((m) => m.body)), [], 'made while connected without keepSubscriptions: it lasted for its connection');
    const closes = await Promise.all([a, b].map((p) => p.evaluate(() => T.eventsNamed('webSocketClose').length)));
    assert.deepEqual(closes, [2, 2], 'both tabs saw the socket close twice');
  });

  test(`${mode}: a tab that deactivates leaves the connection to the other; the last deactivate disconnects`, async () => {
    const left = await b.evaluate(async () => {
      const before = T.eventsNamed('disconnect').length;
      await T.client.deactivate();
      return { state: T.client.state, connected: T.client.connected, disconnects: T.eventsNamed('disconnect').length - before, changeState: T.eventsNamed('changeState').map((e) => e.detail) };
    });
    assert.deepEqual([left.state, left.connected, left.disconnects], [2, false, 1], 'b: INACTIVE, not connected, onDisconnect once');
    assert.deepEqual(left.changeState.slice(-2), [1, 2], 'b: DEACTIVATING then INACTIVE');
    await waitIn(a, () => T.client.sharing.tabs === 1);
    assert.equal(await a.evaluate(() => T.client.connected), true, 'a stays connected');
    assert.equal((await connections(VHOST)).length, 1);
    const last = await a.evaluate(async () => {
      const before = T.eventsNamed('disconnect').length;
      await T.client.deactivate();
      return { state: T.client.state, disconnects: T.eventsNamed('disconnect').length - before };
    });
    assert.deepEqual(last, { state: 2, disconnects: 1 });
    assert.deepEqual(await until(() => connections(VHOST), (c) => c.length === 0), [], 'no connection once the last tab deactivated');
    const faults = await Promise.all([a, b].map((p) => p.evaluate(() => window.__faults)));
    assert.deepEqual(faults, [[], []]);
    await tabs.stop();
  });
}

test('a page whose Content-Security-Policy forbids workers falls back to a leader tab, and says so through debug', async () => {
  const tabs = await start();
  try {
    const page = await tabs.open(tabOptions(), '/tab-no-workers.html');
    await page.evaluate(() => T.client.activate());
    await waitIn(page, () => T.connected());
    const seen = await page.evaluate(() => ({ mode: T.client.sharing.mode, said: T.log.filter((l) => l.startsWith('shared mode: the SharedWorker failed to start')) }));
    assert.equal(seen.mode, 'leader');
    assert.equal(seen.said.length, 1, 'debug says the SharedWorker failed and what the tab does instead');
    await page.evaluate(() => T.client.deactivate());
  } finally {
    await tabs.stop();
  }
});

test('tabs with different configurations are not merged: one connection per configuration', async () => {
  const tabs = await start();
  try {
    const a = await tabs.open(tabOptions());
    const b = await tabs.open(tabOptions({ heartbeatOutgoing: 5000 }));
    const c = await tabs.open(tabOptions());
    for (const page of [a, b, c]) await page.evaluate(() => T.client.activate());
    for (const page of [a, b, c]) await waitIn(page, () => T.connected());
    await waitIn(a, () => T.client.sharing.tabs === 2);
    const sharing = await Promise.all([a, b, c].map((p) => p.evaluate(() => T.client.sharing.tabs)));
    assert.deepEqual(sharing, [2, 1, 2], 'a and c share; b, configured otherwise, has its own');
    const sessions = await Promise.all([a, b, c].map((p) => p.evaluate(() => T.client.serverHeaders.session)));
    assert.equal(sessions[0], sessions[2]);
    assert.notEqual(sessions[0], sessions[1]);
    assert.equal((await connections(VHOST)).length, 2);
    for (const page of [a, b, c]) await page.evaluate(() => T.client.deactivate());
  } finally {
    await tabs.stop();
  }
});
