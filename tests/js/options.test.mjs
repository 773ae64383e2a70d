// Each option proven to take effect (issue #10, point 6): maxQueuedFrames/maxQueuedBytes,
// forceBinaryWSFrames, stompVersions (and whole sessions against a 1.1-only and a 1.0-only peer),
// connectionTimeout, maxHeaderBytes/maxHeaders/maxBodyBytes, disconnectHeaders, redactHeaders,
// reconnectSeed with reconnectJitter, and the onUnhandled* callbacks; each check fails if its option were
// ignored or wired to another setting. Through the package in Node (a child process per check), and in
// headless Chromium for those where the browser matters (its WebSocket, its timers). The checks are in
// tests/support/option-checks.mjs; the peer is the test broker (tools/test-broker), whose records show
// what the client sent. Needs pkg/ (scripts/build-pkg); builds and starts the test broker itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNode, explain } from '../support/run-check.mjs';
import { checkRunners } from '../support/check-runners.mjs';
import { CHECKS } from '../support/option-checks.mjs';

const runners = checkRunners();

for (const [title, check, inChromium] of CHECKS) {
  test(`Node: ${title}`, async () => {
    const result = await runInNode('option-checks.mjs', check, runners.broker.port);
    assert.ok(result.ok, explain(result));
  });

  if (inChromium) {
    test(`Chromium: ${title}`, async () => {
      const result = await runners.chromium.run('option-checks.mjs', check, runners.broker.port);
      assert.ok(result.ok, explain(result));
    });
  }
}
