// `node --jitless`: no WebAssembly, every function interpreted — the closest this machine gets to iOS,
// where apps may not JIT. The package's default entry (`require('stomp-wasm')`) must find no WebAssembly,
// load the engine compiled to JavaScript by itself, and behave as ever against RabbitMQ: the scenario of
// tests/support/jitless-scenario.mjs, run in a child `node --jitless`; each check it prints is a test here.
// Needs pkg/ (scripts/build-pkg) and the RabbitMQ test broker (scripts/broker start).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** What the scenario checks, in order. */
const CHECKS = [
  'the default entry runs without WebAssembly: the engine compiled to JavaScript',
  'connect (heart-beats 1 s both ways)',
  'subscribe with a receipt',
  'text (Chinese and emoji) and binary bodies round-trip',
  'publish({ receipt: true }) resolves with the RECEIPT',
  "delivery: 'at-least-once': 50 publishes, each settled by its RECEIPT, each received once with its dedup-id",
  'heart-beats both ways (1 s)',
  'forceDisconnect(): reconnect, the subscription restored (a peer publishes to it)',
  'deactivate() settles; the client is inactive',
  'nothing escaped (uncaught exceptions, unhandled rejections)',
];

let run;
before(() => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'js', 'engine.js')), 'pkg/ is built (scripts/build-pkg)');
  run = spawnSync(process.execPath, ['--jitless', join(ROOT, 'tests', 'support', 'jitless-scenario.mjs'), RUN], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180000,
  });
  run.lines = (run.stdout ?? '').split('\n').filter(Boolean);
});

test('node --jitless ran the scenario to its end', () => {
  assert.equal(run.error, undefined, `spawn: ${run.error}`);
  assert.equal(run.status, 0, `exit ${run.status} ${run.signal ?? ''}\n${run.stdout}\n${run.stderr}`);
  assert.equal(run.lines[run.lines.length - 1], 'done 0 failed', run.stdout);
  // V8 says it turned WebAssembly off; nothing else may appear on stderr.
  const stderr = run.stderr.split('\n').filter((l) => l && !/disabling flag --expose_wasm due to conflicting flags/.test(l));
  assert.deepEqual(stderr, [], 'stderr');
  const reported = run.lines.filter((l) => /^(ok|fail) /.test(l)).map((l) => l.replace(/^(ok|fail) /, '').replace(/ :: [\s\S]*$/, ''));
  assert.deepEqual(reported, CHECKS, 'every check ran, in order');
});

for (const name of CHECKS) {
  test(`jitless: ${name}`, () => {
    if (run.lines.includes(`ok ${name}`)) return;
    const at = run.stdout.indexOf(`fail ${name} :: `);
    assert.fail(at >= 0 ? run.stdout.slice(at).split(/\n(?=ok |fail |done )/)[0] : `the scenario printed no result for it\n${run.stdout}\n${run.stderr}`);
  });
}
