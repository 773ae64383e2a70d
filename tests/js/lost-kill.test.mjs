// Broker kill (issue #14): RabbitMQ is SIGKILLed (`scripts/broker kill`, no clean shutdown) and started
// again while a producer publishes at-least-once (persistent messages) to a durable queue and a consumer
// acks client-individual. Every message must reach the consumer (distinct dedup-ids = messages
// published); duplicates (what was unreceipted or unacked at the kill) are counted and reported.
// This file stops the shared broker: it runs only inside `make test`'s serial JS phase (scripts/test-all),
// or with STOMP_WASM_MAY_KILL_BROKER=1; elsewhere it skips, saying so. It leaves the broker running.
// Needs pkg/ and root (scripts/broker).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadPackage, RABBIT } from '../support/burst.mjs';
import { Tally, produce } from '../support/nothing-lost.mjs';
import { until, within, freshDestination } from '../support/client-watch.mjs';
import { mayDisruptBroker } from '../support/serial-phase.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BROKER = `${ROOT}scripts/broker`;
const run = promisify(execFile);
const { Client } = await loadPackage();
const LOGIN = { login: 'guest', passcode: 'guest' };

const escaped = [];
process.on('uncaughtException', (error) => escaped.push(`uncaught: ${error && error.stack}`));
process.on('unhandledRejection', (error) => escaped.push(`unhandled rejection: ${error && error.stack}`));

const allowed = mayDisruptBroker();
after(() => {
  // Whatever happened, the broker runs again for the next test file.
  if (allowed) execFileSync(BROKER, ['start'], { stdio: 'ignore', timeout: 120000 });
  assert.deepEqual(escaped, [], 'nothing escaped the clients');
});

test('RabbitMQ SIGKILLed and restarted mid-stream: at-least-once to a durable queue loses nothing', {
  skip: allowed ? false : 'stops the shared broker: runs inside make test (scripts/test-all), or with STOMP_WASM_MAY_KILL_BROKER=1',
}, async (t) => {
  const COUNT = 3000;
  const queue = freshDestination('/queue/lost-kill').slice('/queue/'.length);
  const tally = new Tally();
  // keepSubscriptions: the consumer subscribes once connected, and its subscription must outlive the kill.
  const common = { brokerURL: RABBIT, connectHeaders: LOGIN, heartbeatIncoming: 1000, heartbeatOutgoing: 1000, reconnectDelay: 500, keepSubscriptions: true };

  const consumer = new Client(common);
  const producer = new Client({ ...common, delivery: 'at-least-once' });
  const events = [];
  for (const [who, client] of [['consumer', consumer], ['producer', producer]]) {
    for (const name of ['connect', 'webSocketClose', 'stompError', 'reconnectFailed', 'queueDiscarded']) {
      client.on(name, () => events.push(`${who}:${name}`));
    }
  }
  const connected = (client) => new Promise((resolve) => client.on('connect', resolve));
  const consumerUp = connected(consumer);
  consumer.activate();
  await within(consumerUp, 15000, 'the consumer connecting');
  // Durable, and gone 5 minutes after its last consumer (so that no test queue piles up in the broker).
  consumer.subscribe(`/queue/${queue}`, (message) => {
    tally.add(message);
    message.ack();
  }, { durable: 'true', 'auto-delete': 'false', 'x-expires': '300000', ack: 'client-individual', 'prefetch-count': '100' });
  // The queue exists (declared by that SUBSCRIBE) once a message sent through /amq/queue/ comes back.
  await within(consumer.publish({ destination: `/amq/queue/${queue}`, body: 'ready', receipt: true }), 15000, 'the queue being declared');

  const producerUp = connected(producer);
  producer.activate();
  await within(producerUp, 15000, 'the producer connecting');

  let restart = null;
  let deliveredAtKill = 0;
  let downMs = 0;
  const production = produce(producer, {
    destination: `/amq/queue/${queue}`,
    count: COUNT,
    window: 100,
    headers: { persistent: 'true' },
    onSettled: () => {
      if (restart === null && tally.distinct >= COUNT / 3) {
        deliveredAtKill = tally.distinct;
        const killedAt = Date.now();
        restart = run(BROKER, ['kill'], { timeout: 60000 })
          .then(() => run(BROKER, ['start'], { timeout: 120000 }))
          .then(() => { downMs = Date.now() - killedAt; });
      }
    },
  });
  const outcome = await within(production, 180000, `publishing ${COUNT} messages through a broker kill`);
  assert.ok(restart, 'the broker was killed mid-stream');
  await within(restart, 180000, 'the broker kill and restart');
  await until(() => tally.distinct >= COUNT, 60000, `all ${COUNT} messages at the consumer (${tally.distinct} so far)`);
  await within(producer.deactivate(), 15000, 'producer.deactivate()');
  await within(consumer.deactivate(), 15000, 'consumer.deactivate()');

  const report = {
    messages: COUNT, receipted: outcome.receipted, rejected: outcome.rejected, distinct: tally.distinct,
    duplicates: tally.duplicates, deliveredAtKill, brokerDownMs: downMs,
    events: events.reduce((counts, name) => ({ ...counts, [name]: (counts[name] || 0) + 1 }), {}),
  };
  t.diagnostic(`broker kill: ${JSON.stringify(report)}`);
  assert.equal(outcome.rejected, 0, `no publish rejected (${outcome.firstRejection})`);
  assert.equal(outcome.receipted, COUNT, 'every publish receipted');
  assert.equal(tally.distinct, COUNT, `every message delivered; missing: ${tally.missing(COUNT)}`);
  assert.equal(tally.withoutDedupId, 0, 'every at-least-once message carries dedup-id');
  assert.ok(report.events['producer:connect'] >= 2 && report.events['consumer:connect'] >= 2, 'both clients reconnected');
});
