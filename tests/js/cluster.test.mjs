// Cluster failover (issue #14, README "Beyond one broker"): a 3-node RabbitMQ cluster on loopback
// (`scripts/broker cluster-start`), a quorum queue, and ONE client whose `brokerURL` lists the three
// nodes' Web-STOMP URLs, publishing at-least-once to the queue and consuming it (client-individual acks).
// The node the client is on is SIGKILLed mid-stream: the client must fail over to another node within its
// reconnect policy, resubscribe, re-send what was not receipted, and end with every message delivered
// (distinct dedup-ids = messages published). Duplicates are allowed and reported.
// Starts the cluster (≈ 20 s on 2 cores) and stops it at the end; needs pkg/ and root (scripts/broker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadPackage } from '../support/burst.mjs';
import { Tally, produce, recordSocketUrls } from '../support/nothing-lost.mjs';
import { until, within } from '../support/client-watch.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BROKER = `${ROOT}scripts/broker`;
const { Client } = await loadPackage();

const escaped = [];
process.on('uncaughtException', (error) => escaped.push(`uncaught: ${error && error.stack}`));
process.on('unhandledRejection', (error) => escaped.push(`unhandled rejection: ${error && error.stack}`));

const broker = (...args) => execFileSync(BROKER, args, { encoding: 'utf8', timeout: 240000, stdio: ['ignore', 'pipe', 'pipe'] });

let urls;
before(() => {
  const started = Date.now();
  broker('cluster-start');
  urls = broker('cluster-urls').trim().split('\n');
  console.log(`# cluster started in ${((Date.now() - started) / 1000).toFixed(1)} s: ${urls.join(' ')}`);
});
after(() => {
  broker('cluster-stop');
  assert.deepEqual(escaped, [], 'nothing escaped the client');
});

test('killing the node the client is on: it fails over to another node, resubscribes, and loses no message of a quorum queue', async (t) => {
  const COUNT = 3000;
  const queue = `lost-cluster-${Date.now().toString(36)}`;
  const sockets = recordSocketUrls();
  const tally = new Tally();
  const client = new Client({
    brokerURL: urls,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    reconnectDelay: 500,
    maxReconnectAttempts: 8,
    delivery: 'at-least-once',
    // The subscription is made once connected and must follow the failover.
    keepSubscriptions: true,
  });
  const events = [];
  for (const name of ['connect', 'webSocketClose', 'stompError', 'reconnectFailed', 'receiptFailed', 'queueDiscarded']) {
    client.on(name, (arg) => events.push({ name, at: Date.now(), arg }));
  }
  const connects = () => events.filter((e) => e.name === 'connect').length;
  client.activate();
  await until(() => connects() >= 1, 20000, 'the first connect');

  // A quorum queue (replicas on all three nodes), declared by this subscription; sends go to it by
  // /amq/queue/, which does not declare.
  client.subscribe(`/queue/${queue}`, (message) => {
    tally.add(message);
    message.ack();
  }, { durable: 'true', 'auto-delete': 'false', 'x-queue-type': 'quorum', ack: 'client-individual', 'prefetch-count': '200' });

  let killedAt = null;
  let victim = null;
  let deliveredBeforeKill = 0;
  let socketsBeforeKill = 0;
  const production = produce(client, {
    destination: `/amq/queue/${queue}`,
    count: COUNT,
    window: 100,
    onSettled: () => {
      if (killedAt === null && tally.distinct >= COUNT / 3) {
        // The node of the socket open now is the one the client is on.
        victim = urls.indexOf(sockets.urls[sockets.urls.length - 1]) + 1;
        killedAt = Date.now();
        deliveredBeforeKill = tally.distinct;
        socketsBeforeKill = sockets.urls.length;
        broker('cluster-kill', String(victim));
      }
    },
  });
  const outcome = await within(production, 120000, `publishing ${COUNT} messages through a node kill`);
  await until(() => tally.distinct >= COUNT, 60000, `all ${COUNT} messages at the consumer (${tally.distinct} so far)`);
  const reconnectedAt = events.find((e) => e.name === 'connect' && e.at > killedAt)?.at;
  const afterKill = sockets.urls.slice(socketsBeforeKill);
  await within(client.deactivate(), 15000, 'deactivate()');
  sockets.restore();
  const types = broker('cluster-ctl', String(victim === 1 ? 2 : 1), '-q', 'list_queues', 'name', 'type');
  const type = types.split('\n').map((line) => line.trim().split(/\s+/)).find(([name]) => name === queue)?.[1];
  const counts = {};
  for (const { name } of events) counts[name] = (counts[name] || 0) + 1;

  const report = {
    messages: COUNT, receipted: outcome.receipted, rejected: outcome.rejected, distinct: tally.distinct,
    duplicates: tally.duplicates, deliveredBeforeKill, killedNode: victim,
    failoverMs: reconnectedAt && reconnectedAt - killedAt, socketsAfterKill: afterKill, queueType: type, events: counts,
  };
  t.diagnostic(`cluster failover: ${JSON.stringify(report)}`);
  assert.ok(victim >= 1, 'the node the client was on was found and killed');
  assert.equal(type, 'quorum', `the queue is a quorum queue (list_queues: ${types})`);
  assert.equal(outcome.rejected, 0, `no publish rejected (${outcome.firstRejection})`);
  assert.equal(outcome.receipted, COUNT, 'every publish receipted');
  assert.equal(tally.distinct, COUNT, `every message delivered; missing: ${tally.missing(COUNT)}`);
  assert.equal(tally.withoutDedupId, 0, 'every at-least-once message carries dedup-id');
  assert.ok(reconnectedAt, 'the client connected again after the kill');
  assert.notEqual(afterKill.at(-1), urls[victim - 1], 'it failed over to another node');
  assert.equal(events.filter((e) => e.name === 'reconnectFailed').length, 0, 'within the reconnect policy (no reconnectFailed)');
});
