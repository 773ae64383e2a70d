// React Native's engine: the package's build without WebAssembly (pkg/js) under Hermes itself
// (hermes-engine-cli 0.12's `hermes`: no WebAssembly, no TextEncoder/TextDecoder, no FinalizationRegistry,
// no `class`), bundled as Metro would (tests/support/hermes.mjs) with the scenario of
// tests/hermes/scenario.js: React Native's WebSocket (tests/hermes/react-native.js) in front of the
// project's scripted STOMP peer, on virtual time. Each check the scenario prints is a test here; a check
// missing from its output fails as much as one that printed `fail`.
// Needs pkg/ (scripts/build-pkg) and node_modules (hermes-engine-cli, @babel/*); no broker.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForHermes, runHermes } from '../support/hermes.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIO = join(ROOT, 'tests', 'hermes', 'scenario.js');

/** What the scenario checks, in order (its `check(…)` names). */
const CHECKS = [
  'runtime: no WebAssembly, the package brings its UTF-8 TextEncoder/TextDecoder',
  'connect through webSocketFactory (React Native WebSocket)',
  'subscribe with a receipt (watchForReceipt)',
  'publish a text body (Chinese and emoji) and receive it',
  'publish a binary body (NUL, invalid UTF-8) and receive the same bytes',
  "a 1 MiB body both ways: the engine's memory grows, the glue follows it",
  'publish({ receipt: true }) resolves with the RECEIPT',
  'heart-beats both ways at 1 s (virtual time)',
  'a lost heart-beat closes the connection; the reconnect restores the subscription',
  'the broker closes the socket (1006): reconnect after reconnectDelay, resubscribe, deliver',
  'deactivate(): DISCONNECT with a receipt, the socket closed, the client inactive',
  'appendMissingNULLonIncoming: true restores the NUL React Native cuts off (text messages)',
  'without appendMissingNULLonIncoming the chopped frames never complete (the bug is emulated)',
  "brokerURL with React Native's global WebSocket",
  'nothing thrown in timers or socket callbacks, nothing on the console',
];

let run;
before(async () => {
  const script = await bundleForHermes(SCENARIO, join(ROOT, 'target', 'hermes', 'scenario.js'));
  run = runHermes(script);
});

test('hermes ran the scenario to its end', (t) => {
  for (const line of run.lines.filter((l) => l.startsWith('info '))) t.diagnostic(line);
  assert.equal(run.status, 0, `hermes exited with ${run.status}\n${run.stderr}`);
  assert.equal(run.stderr, '', 'hermes wrote nothing to stderr');
  assert.equal(run.lines[run.lines.length - 1], 'done 0 failed', `the last line\n${run.stdout}`);
  const reported = run.lines.filter((l) => /^(ok|fail) /.test(l)).map((l) => l.replace(/^(ok|fail) /, '').replace(/ :: [\s\S]*$/, ''));
  assert.deepEqual(reported, CHECKS, 'every check ran, in order');
});

for (const name of CHECKS) {
  test(`hermes: ${name}`, () => {
    const at = run.stdout.indexOf(`\nok ${name}\n`) >= 0 || run.stdout.startsWith(`ok ${name}\n`);
    if (at) return;
    const failed = run.stdout.split('\nfail ').find((chunk) => chunk.startsWith(`${name} :: `));
    assert.fail(failed ? failed.split(/\n(?=ok |fail |info |done |failed )/)[0] : `the scenario printed no result for it\n${run.stdout}`);
  });
}
