// The package's Client in headless Chromium (pkg/web, loaded as a page loads it) against RabbitMQ
// Web-STOMP on loopback: the scenarios of tests/support/scenarios.js, one page each. Needs pkg/
// (scripts/build-pkg), the broker and the control server (scripts/control-server.mjs, for the
// scenarios that close every broker connection); `make test` provides all three.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ChromiumRunner, explain } from '../support/run-check.mjs';

const SOURCE = readFileSync(new URL('../support/scenarios.js', import.meta.url), 'utf8');
const NAMES = [...SOURCE.matchAll(/^export async function (\w+)\(/gm)].map((m) => m[1]);

let runner;
before(async () => {
  runner = await ChromiumRunner.start();
});
after(async () => {
  await runner?.stop();
});

test('the scenarios file exports scenarios', () => {
  assert.ok(NAMES.length >= 15, `found ${NAMES.length}`);
});

for (const name of NAMES) {
  test(`Chromium: ${name}`, async () => {
    const result = await runner.run('browser-scenarios.mjs', 'scenario', 0, { id: name, budgetMs: 90000 });
    assert.ok(result.ok, explain(result));
  });
}
