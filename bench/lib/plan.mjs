// Which cases a run measures: every body size × chunking with binary data (ArrayBuffers, as RabbitMQ
// sends with web_stomp.ws_frame = binary), the same with text data (RabbitMQ's default), and publish()
// per body size. `quick` (BENCH_QUICK=1) keeps 1 KiB and 256 KiB with fewer runs, for trying changes.

import { BODY_SIZES, CHUNKINGS } from './streams.mjs';

export function plan(mode) {
  const quick = mode === 'quick';
  const sizes = quick ? [1024, 262144] : BODY_SIZES;
  const inbound = [];
  for (const data of ['binary', 'text']) {
    for (const bodyBytes of sizes) {
      for (const chunking of CHUNKINGS) inbound.push({ bodyBytes, chunking, data });
    }
  }
  return {
    inbound,
    outbound: sizes.map((bodyBytes) => ({ bodyBytes })),
    runs: quick ? 5 : 7,
    warmup: 2,
  };
}
