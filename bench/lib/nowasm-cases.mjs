// The cases of the no-wasm benchmarks (bench/nowasm.mjs in Node, bench/hermes.mjs under Hermes): inbound
// 1 KiB (one frame per message; binary and text WebSocket messages) and 64 B (ten frames per message),
// outbound 1 KiB text bodies. Interpreted (Hermes, node --jitless) a run is a quarter of the usual frames
// (about 1.5 MiB: still a second or more per run) and there are fewer runs: interpreted, the usual ones
// would take half an hour.
export const NOWASM_CASES = [
  { kind: 'inbound', bodyBytes: 1024, chunking: 'frame', data: 'binary' },
  { kind: 'inbound', bodyBytes: 1024, chunking: 'frame', data: 'text' },
  { kind: 'inbound', bodyBytes: 64, chunking: 'batch10', data: 'binary' },
  { kind: 'outbound', bodyBytes: 1024, binary: false },
];

/** Runs and frames per run where everything is interpreted. */
export const INTERPRETED = { frameShare: 0.25, runs: 5, warmup: 1 };
