// Issue 20, "Every frame in order, on the connection it belongs to": the delivery rules of
// docs/delivery.md through the package's JS API against RabbitMQ (Web-STOMP on loopback), each run
// where it says so in a Node child (pkg/node, `ws` as the global WebSocket) and in a headless Chromium
// page (pkg/web, the browser's WebSocket). Where @stomp/stompjs 7.5 has the feature, the check runs the
// same scenario through it and compares (stompjs is the oracle: a check also fails when stompjs does not
// do what the scenario expects of it). The checks are in tests/support/ack-checks.mjs, order-checks.mjs
// and refusal-checks.mjs (harness: delivery-harness.mjs).
// Needs pkg/ (scripts/build-pkg) and RabbitMQ (scripts/broker start; one check runs `scripts/broker vhost`
// and `close-one` in a vhost of its own: root, as scripts/broker needs; $STOMP_BROKER_SCRIPT overrides
// the script's path).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNode, explain, ChromiumRunner } from '../support/run-check.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NO_TEST_BROKER = 0; // these checks talk to RabbitMQ, or to a scripted peer of their own

/** [title, checks module, check, also in Chromium]. */
const CHECKS = [
  ['20.1 a stale ack() (its connection gone) returns false and sends nothing; nothing is lost (subscription made in onConnect; vs stompjs)', 'ack-checks.mjs', 'staleAckSendsNothing', true],
  ['20.1 a stale ack() on a subscription restored with the same id writes no ACK that would land on another message', 'ack-checks.mjs', 'staleAckOnRestoredSubscription', false],
  ['20.1 the same when RabbitMQ closes the connection (close-one in a vhost of the check\'s own; vs stompjs)', 'ack-checks.mjs', 'staleAckAfterBrokerClose', false],
  ['20.1 an ACK held back by backpressure when its connection drops is dropped with it, never written on the next one', 'ack-checks.mjs', 'heldAckDroppedWithItsConnection', true],
  ['20.2 COMMIT after 30 queued SENDs of 20 KB: BEGIN SEND×30 COMMIT on the wire, all 30 committed, every Promise resolves (vs stompjs)', 'order-checks.mjs', 'commitAfterQueuedSends', true],
  ['20.2 a transaction\'s SENDs held back when its connection drops are given up (rejected, transactionsAborted), never carried to the next connection', 'order-checks.mjs', 'transactionEndsWithItsConnection', true],
  ['20.3 an at-least-once SEND RabbitMQ refuses (missing exchange) is given up after 3 attempts; the frames behind it are delivered; reconnects bounded (vs stompjs)', 'refusal-checks.mjs', 'refusedFrameIsGivenUp', false],
  ['20.4 a graceful deactivate() writes the 30 SENDs backpressure held back, then DISCONNECT (vs stompjs)', 'order-checks.mjs', 'gracefulDeactivateWritesEverything', true],
  ['20.4 deactivate({force: true}) is immediate: what was not written rejects, queueDiscarded counts it and says why', 'order-checks.mjs', 'forcedDeactivateGivesUpTheRest', false],
  ['20.5 own-receipt (watchForReceipt), receipt: true and plain publishes, while reconnecting and behind backpressure: each Promise settles with its own outcome (vs stompjs)', 'order-checks.mjs', 'ownReceiptPublishesSettleTheirOwn', true],
  ['20.5 the same mix queued at deactivate({force: true}): no Promise left pending, each settled by its own frame', 'order-checks.mjs', 'ownReceiptPublishesForcedDeactivate', false],
  ['20.6 ack()/nack() of an auto-ack message send nothing and return false; the connection stays up, no message lost (vs stompjs)', 'ack-checks.mjs', 'ackOfAutoMessageSendsNothing', true],
  ['20.7 publish() of a frame over maxHeaders, maxBodyBytes or maxHeaderBytes throws FRAME_TOO_LARGE naming the limit', 'refusal-checks.mjs', 'publishRefusesWhatItCouldNotReceive', false],
  ['20.7 a MESSAGE over the consumer\'s limits (client-individual): messageRefused, ack() settles it, no reconnect, later messages arrive', 'refusal-checks.mjs', 'oversizedMessageClientIndividual', true],
  ['20.7 a MESSAGE over the consumer\'s limits (client): messageRefused, nack() settles it, no reconnect', 'refusal-checks.mjs', 'oversizedMessageClientNack', false],
  ['20.7 a MESSAGE over the consumer\'s limits (auto): messageRefused, no reconnect, later messages arrive', 'refusal-checks.mjs', 'oversizedMessageAuto', false],
  ['20.9 50,000 at-least-once publishes with one RECEIPT never answered: wasm memory stays within 4 MiB of the start', 'refusal-checks.mjs', 'unconfirmedMemoryFollowsReceipts', false],
];

let chromium;
before(async () => {
  assert.ok(statSync(join(ROOT, 'pkg', 'package.json'), { throwIfNoEntry: false }), 'pkg/ is built (scripts/build-pkg)');
  chromium = await ChromiumRunner.start();
});
after(async () => {
  await chromium?.stop();
});

for (const [title, module, check, inChromium] of CHECKS) {
  test(`Node: ${title}`, { timeout: 120000 }, async (t) => {
    const result = await runInNode(module, check, NO_TEST_BROKER, { budgetMs: 110000 });
    if (result.ok) t.diagnostic(result.outcome);
    assert.ok(result.ok, explain(result));
  });
  if (inChromium) {
    test(`Chromium: ${title}`, { timeout: 120000 }, async (t) => {
      const result = await chromium.run(module, check, NO_TEST_BROKER, { budgetMs: 110000 });
      if (result.ok) t.diagnostic(result.outcome);
      assert.ok(result.ok, explain(result));
    });
  }
}
