// The before/after of a test file that runs environment-neutral checks (run-check.mjs) in Node and in
// Chromium against the test broker (tools/test-broker): pkg/ must be built; the test broker and one
// headless Chromium are started before the file's tests and stopped after them.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from './test-broker.mjs';
import { ChromiumRunner } from './run-check.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Registers the file's `before` and `after` hooks; returns getters for what they start: `broker` (the
 * test broker, `.port`) and `chromium` (a ChromiumRunner, `.run(…)`), set once `before` has run.
 */
export function checkRunners() {
  let broker;
  let chromium;
  before(async () => {
    assert.ok(statSync(join(ROOT, 'pkg', 'package.json'), { throwIfNoEntry: false }), 'pkg/ is built (scripts/build-pkg)');
    broker = await startTestBroker();
    chromium = await ChromiumRunner.start();
  });
  after(async () => {
    await chromium?.stop();
    broker?.stop();
  });
  return {
    get broker() {
      return broker;
    },
    get chromium() {
      return chromium;
    },
  };
}
