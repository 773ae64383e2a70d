// Nothing lost in a burst (issue #14): 20,000 publishes of 200 B, no receipts, heart-beats at 1 s, on
// RabbitMQ 3.10.8 Web-STOMP. Flooded into a loopback socket, that burst makes RabbitMQ crash the
// publishing connection (`{unexpected_message,resume}` in its heart-beat receiver; close 1006), and with
// at-most-once delivery whatever was in the dying socket is gone (measured with the client before #14:
// 12,937 and 4,793 of 20,000 delivered in two of three runs). Here:
//   - backpressure: over a 500 KB/s uplink (tests/support/slow-link.mjs; on loopback the kernel takes
//     everything at once, so a socket's bufferedAmount never rises there) `for (…) await
//     client.publish(…)` paces itself: bufferedAmount stays within maxBufferedAmount (plus one frame),
//     the connection survives and all 20,000 arrive; with maxBufferedAmount: 0 the loop does not wait;
//   - at-least-once: flooded into loopback, where the connection may still die, every one of the 20,000
//     arrives (distinct dedup-ids at the consumer), every publish() resolves; duplicates are reported.
// Needs pkg/ and the RabbitMQ test broker (scripts/broker start); reads target/rabbitmq/log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { burst, loadPackage, RABBIT } from '../support/burst.mjs';
import { SlowLink } from '../support/slow-link.mjs';

const { Client } = await loadPackage();
const COUNT = 20000;
const FRAME = 400; // more than one SEND of this burst (200 B body, destination, n, dedup-id, receipt)

const escaped = [];
process.on('uncaughtException', (error) => escaped.push(`uncaught: ${error && error.stack}`));
process.on('unhandledRejection', (error) => escaped.push(`unhandled rejection: ${error && error.stack}`));
after(() => assert.deepEqual(escaped, [], 'nothing escaped the clients'));

/** The producer's options for a burst over a slow link; `links` collects the sockets it opens. */
function slowLink(bytesPerSecond, links) {
  return {
    webSocketFactory: () => {
      const link = new SlowLink(RABBIT, { bytesPerSecond });
      links.push(link);
      return link;
    },
  };
}

test('backpressure: 20,000 publishes awaited one by one over a 500 KB/s link stay within maxBufferedAmount, and the connection survives with all delivered', { timeout: 300000 }, async (t) => {
  const links = [];
  const result = await burst({ Client, count: COUNT, paced: true, options: slowLink(500000, links) });
  const peak = Math.max(...links.map((link) => link.peakBuffered));
  t.diagnostic(`default maxBufferedAmount: ${JSON.stringify({ ...result, peakBuffered: peak })}`);
  assert.equal(new Client().maxBufferedAmount, 262144, 'the default high-water mark');
  assert.ok(peak <= 262144 + FRAME, `bufferedAmount stayed within maxBufferedAmount (262144) plus one frame (${FRAME}): peak ${peak}`);
  assert.equal(result.rejected, 0, `no publish rejected (${result.firstRejection})`);
  assert.equal(result.published, COUNT);
  // The broker's log is shared with whatever else uses it meanwhile (result.crashes is in the
  // diagnostic): what this test owns is that its own connection was not the one to crash.
  assert.deepEqual(result.producerCloses, [1000], 'the connection closed only at deactivate() (no crash)');
  assert.equal(result.producerConnects, 1, 'no reconnect');
  assert.equal(result.delivered, COUNT, 'every message arrived');
});

test('backpressure: a lower maxBufferedAmount holds less, and 0 turns pacing off (the loop never waits)', { timeout: 300000 }, async (t) => {
  const count = 2000; // ≈ 570 KB of SEND frames
  const low = [];
  const paced = await burst({ Client, count, paced: true, options: { ...slowLink(500000, low), maxBufferedAmount: 16384 } });
  const off = [];
  const unpaced = await burst({ Client, count, paced: true, options: { ...slowLink(500000, off), maxBufferedAmount: 0 } });
  const peakLow = Math.max(...low.map((link) => link.peakBuffered));
  const peakOff = Math.max(...off.map((link) => link.peakBuffered));
  t.diagnostic(`maxBufferedAmount 16384: peak ${peakLow}; 0: peak ${peakOff}`);
  assert.ok(peakLow <= 16384 + FRAME, `within maxBufferedAmount (16384) plus one frame (${FRAME}): peak ${peakLow}`);
  assert.ok(peakOff >= count * 200, `off: the whole burst piled up in the socket (peak ${peakOff})`);
  for (const result of [paced, unpaced]) {
    assert.equal(result.rejected, 0, `no publish rejected (${result.firstRejection})`);
    assert.equal(result.delivered, count, 'every message arrived');
  }
});

for (const [label, options] of [
  ['with backpressure (the default maxBufferedAmount)', {}],
  ['with backpressure off (maxBufferedAmount: 0), as a flood before #14', { maxBufferedAmount: 0 }],
]) {
  test(`at-least-once: 20,000 flooded into loopback ${label}: every message arrives, whatever happens to the connection`, { timeout: 600000 }, async (t) => {
    // Every publish() is made at once, so the client holds them all: the queue limits are raised to fit.
    const result = await burst({
      Client, count: COUNT, delivery: 'at-least-once', timeoutMs: 480000,
      options: { maxQueuedFrames: COUNT, maxQueuedBytes: 16 * 1024 * 1024, ...options },
    });
    t.diagnostic(JSON.stringify(result));
    assert.equal(result.rejected, 0, `no publish rejected (${result.firstRejection})`);
    assert.equal(result.published, COUNT, 'every publish() resolved (on its RECEIPT)');
    assert.equal(result.dedupIds, COUNT, 'every message arrived: distinct dedup-ids at the consumer');
    assert.equal(result.delivered, COUNT, 'every message number arrived');
  });
}
