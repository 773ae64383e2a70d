// Two minutes of the soak (scripts/soak.mjs; `make soak` runs 30): steady at-least-once publishing and a
// client-individual consumer, heart-beats at 1 s, one of the two connections closed by the broker every
// ~20 s. Nothing may be lost or rejected, every kill must be followed by a reconnect, and neither the JS
// heap nor the wasm memory may grow past a bound a per-message leak would cross. The result is in
// target/soak/make-test.json (`make soak` writes target/soak/result.json).
// Needs pkg/ and the RabbitMQ test broker (root, for scripts/broker's rabbitmqctl calls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = `${ROOT}target/soak/make-test.json`;
const MINUTES = 2;

test(`a ${MINUTES}-minute soak with a broker-side connection kill every ~20 s loses nothing and stays flat`, { timeout: (MINUTES * 60 + 240) * 1000 }, async (t) => {
  const child = spawn(process.execPath, ['--expose-gc', `${ROOT}scripts/soak.mjs`], {
    cwd: ROOT,
    env: { ...process.env, SOAK_MINUTES: String(MINUTES), SOAK_OUT: OUT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  for (const line of output.split('\n')) if (line.startsWith('soak: ')) t.diagnostic(line);
  assert.ok(code === 0 || code === 1, `scripts/soak.mjs ran to its end (exit ${code}):\n${output.slice(-3000)}`);
  const result = JSON.parse(readFileSync(OUT, 'utf8'));
  const { messages, memory } = result;
  assert.equal(messages.rejected, 0, `no publish rejected (${messages.firstRejection})`);
  assert.ok(result.drained, `every publish settled and every receipted message arrived (${messages.unsettledAtEnd} unsettled)`);
  assert.equal(messages.lost, 0, `nothing lost: ${messages.lost} of ${messages.sent}`);
  assert.equal(messages.received, messages.sent, 'every message sent was received');
  assert.equal(messages.mismatchedDedupIds, 0, 'a duplicate carries the dedup-id of the first delivery');
  assert.equal(messages.withoutDedupId, 0, 'every message carries dedup-id');
  assert.ok(result.kills >= 3, `the broker closed a connection every ~20 s (${result.kills} kills)`);
  assert.ok(result.reconnects.total >= result.kills, `every kill was followed by a reconnect (${result.reconnects.total} reconnects, ${result.kills} kills)`);
  // Flat: a leak of about 700 bytes per message (6,000 of them) would cross these. The JS heap is compared
  // after a forced GC at both ends. The wasm memory never shrinks: it keeps the high-water mark of what
  // the client held (frames kept while a connection was down: +1 MiB once in a 30-minute run, under load).
  const MB = 1024 * 1024;
  assert.ok(memory.jsHeapUsed.end - memory.jsHeapUsed.start < 4 * MB, `JS heap flat: ${JSON.stringify(memory.jsHeapUsed)}`);
  assert.ok(memory.wasm.start > 0, 'the wasm memory was found');
  assert.ok(memory.wasm.end - memory.wasm.start < 4 * MB, `wasm memory flat: ${JSON.stringify(memory.wasm)}`);
  assert.equal(code, 0, 'scripts/soak.mjs reports ok');
});
