// Which cases a run measures: every body size × chunking with binary data (ArrayBuffers, as RabbitMQ
// sends with web_stomp.ws_frame = binary), the same with text data (RabbitMQ's default), publish() per
// body size with a text body and with a binary body, the per-message cost with 1 / 1,000 / 10,000 live
// subscriptions, receipted publishing of 1,000 / 10,000 / 30,000 messages, and (ours only) the cost
// of the delivery guarantee: 10,000 publishes of 64 B and of 1 KiB at-most-once, with `receipt: true`
// and at-least-once. `quick` (bench/run --quick) keeps 1 KiB and 256 KiB (and 64 B ×10, which a
// target names) with fewer runs, and 2,000 publishes per delivery mode.

import { BODY_SIZES, CHUNKINGS } from './streams.mjs';

export const SUBSCRIPTION_COUNTS = [1, 1000, 10000];
export const RECEIPT_COUNTS = [1000, 10000, 30000];
export const DELIVERY_BODIES = [64, 1024];

/** `mode` is 'full' or 'quick', optionally followed by ':' and the parts to run (`quick:subscriptions,receipts`). */
export function plan(mode) {
  const [speed, which] = mode.split(':');
  const quick = speed === 'quick';
  const parts = new Set((which || 'inbound,outbound,subscriptions,receipts,delivery').split(','));
  const keep = (name, cases) => (parts.has(name) ? cases : []);
  const sizes = quick ? [1024, 262144] : BODY_SIZES;
  const inbound = [];
  if (quick) inbound.push({ bodyBytes: 64, chunking: 'batch10', data: 'binary' });
  for (const data of ['binary', 'text']) {
    for (const bodyBytes of sizes) {
      for (const chunking of CHUNKINGS) inbound.push({ bodyBytes, chunking, data });
    }
  }
  const outbound = [];
  for (const bodyBytes of sizes) for (const binary of [false, true]) outbound.push({ bodyBytes, binary });
  return {
    inbound: keep('inbound', inbound),
    outbound: keep('outbound', outbound),
    // 64 B frames, ten per WebSocket message, spread over the subscriptions (numbered destinations of
    // one width for every count, so only the subscription ids' lengths vary between the rows); every
    // count in the same interleaved runs.
    subscriptions: parts.has('subscriptions')
      ? [{ bodyBytes: 64, chunking: 'batch10', data: 'binary', subscriptions: SUBSCRIPTION_COUNTS, destinations: 'numbered', ceiling: false }]
      : [],
    receipts: parts.has('receipts') ? [{ counts: quick ? RECEIPT_COUNTS.slice(0, 2) : RECEIPT_COUNTS }] : [],
    // Ours only (stompjs has no at-least-once): the three modes of each body in the same interleaved runs.
    delivery: keep('delivery', DELIVERY_BODIES.map((bodyBytes) => ({ bodyBytes, count: quick ? 2000 : 10000 }))),
    runs: quick ? 5 : 7,
    warmup: 2,
  };
}
