// The client through the package against each fault of the test broker (tools/test-broker; issue #11),
// in Node (pkg/node, a child process per check) and in headless Chromium (pkg/web): the expected event,
// no hang, no panic, no uncaught error, and a working client once the fault stops. The checks themselves
// are in tests/support/fault-checks.mjs; each test here runs one of them in one environment.
// Needs pkg/ (scripts/build-pkg); builds and starts the test broker itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInNode, explain } from '../support/run-check.mjs';
import { checkRunners } from '../support/check-runners.mjs';
import { CHECKS } from '../support/fault-checks.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const runners = checkRunners();
const table = [];

after(() => {
  // The scenario × outcome table, for the notes (and for whoever reads the log).
  for (const row of table) console.log(row);
});

test('tools/test-broker: its own unit tests pass (scenario parsing, framing, negotiation, records)', () => {
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  const run = spawnSync('cargo', ['test', '--release', '--quiet', '--manifest-path', join(ROOT, 'tools', 'test-broker', 'Cargo.toml')],
    { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /test result: ok\. [1-9]\d* passed/);
});

for (const [scenario, check] of CHECKS) {
  test(`Node: ${scenario}`, async () => {
    const result = await runInNode('fault-checks.mjs', check, runners.broker.port);
    table.push(`node     | ${scenario} | ${result.ok ? 'ok' : 'FAIL'} | ${result.outcome || result.error.split('\n')[0]}`);
    assert.ok(result.ok, explain(result));
  });

  test(`Chromium: ${scenario}`, async () => {
    const result = await runners.chromium.run('fault-checks.mjs', check, runners.broker.port);
    table.push(`chromium | ${scenario} | ${result.ok ? 'ok' : 'FAIL'} | ${result.outcome || result.error.split('\n')[0]}`);
    assert.ok(result.ok, explain(result));
  });
}
