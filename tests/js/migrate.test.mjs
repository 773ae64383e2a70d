// Migration without rewrites (issue #15): the stompjs 7.5 options that were missing, proven against the
// test broker (tools/test-broker), whose records show every WebSocket message the client wrote. Node (a
// child process per check) and headless Chromium (its WebSocket), through the package (pkg/). The checks
// are in tests/support/migrate-checks.mjs. Needs pkg/ (scripts/build-pkg); builds and starts the test
// broker itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startTestBroker } from '../support/test-broker.mjs';
import { runInNode, ChromiumRunner, explain } from '../support/run-check.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
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

/** [title, check name in migrate-checks.mjs, also in Chromium]. */
const CHECKS = [
  ['splitLargeFrames + maxWebSocketChunkSize: text frames in UTF-8-safe pieces, binary whole', 'splitLargeFrames', true],
  ['appendMissingNULLonIncoming: text messages without their NUL are frames again', 'appendMissingNULLonIncoming', false],
  ['discardWebsocketOnCommFailure: a silent broker\'s socket is terminated, not closed', 'discardWebsocketOnCommFailure', false],
];

for (const [title, check, inChromium] of CHECKS) {
  test(`Node: ${title}`, async () => {
    const result = await runInNode('migrate-checks.mjs', check, broker.port);
    assert.ok(result.ok, explain(result));
  });
  if (inChromium) {
    test(`Chromium: ${title}`, async () => {
      const result = await chromium.run('migrate-checks.mjs', check, broker.port);
      assert.ok(result.ok, explain(result));
    });
  }
}
