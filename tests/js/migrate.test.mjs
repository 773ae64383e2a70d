// Migration without rewrites (issue #15), through the package (pkg/) in Node (a child process per check)
// and headless Chromium (its WebSocket):
// - the stomp.js 2.x facade (Stomp, CompatClient) as 2.x code and the Spring tutorials use it, against
//   RabbitMQ, and against the test broker where its records must show what went on the wire
//   (tests/support/compat-checks.mjs);
// - the stompjs 7.5 options that were missing, against the test broker (tools/test-broker), whose
//   records show every WebSocket message the client wrote (tests/support/migrate-checks.mjs).
// Needs pkg/ (scripts/build-pkg) and RabbitMQ (scripts/broker start); builds and starts the test broker.
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

/** [title, checks module, check name, also in Chromium]. */
const CHECKS = [
  ['Stomp.over(() => new WebSocket(url)), connect({}, cb), subscribe, send JSON, disconnect (the Spring tutorial)', 'compat-checks.mjs', 'springTutorial', true],
  ['connect(login, passcode, …) overloads; a refused login reaches errorCallback', 'compat-checks.mjs', 'loginOverloads', true],
  ['client.heartbeat.outgoing = … is honoured (CONNECT header, heart-beats sent)', 'compat-checks.mjs', 'heartbeatProperty', true],
  ['send() with a content-length: false header sends no content-length', 'compat-checks.mjs', 'sendWithoutContentLength', false],
  ['a frame of ~390 KiB with splitLargeFrames arrives whole through RabbitMQ', 'compat-checks.mjs', 'splitThroughRabbitMQ', true],
  ['onConnect subscribing again after a reconnect gets each message once (stompjs code as it is)', 'compat-checks.mjs', 'onConnectSubscribesAgain', true],
  ['splitLargeFrames + maxWebSocketChunkSize: text frames in UTF-8-safe pieces, binary whole', 'migrate-checks.mjs', 'splitLargeFrames', true],
  ['appendMissingNULLonIncoming: text messages without their NUL are frames again', 'migrate-checks.mjs', 'appendMissingNULLonIncoming', false],
  ['discardWebsocketOnCommFailure: a silent broker\'s socket is terminated, not closed', 'migrate-checks.mjs', 'discardWebsocketOnCommFailure', false],
  ['maxReconnectDelay: 0 is no upper limit (stompjs 7.5)', 'migrate-checks.mjs', 'maxReconnectDelayZero', false],
];

for (const [title, module, check, inChromium] of CHECKS) {
  test(`Node: ${title}`, async () => {
    const result = await runInNode(module, check, broker.port);
    assert.ok(result.ok, explain(result));
  });
  if (inChromium) {
    test(`Chromium: ${title}`, async () => {
      const result = await chromium.run(module, check, broker.port);
      assert.ok(result.ok, explain(result));
    });
  }
}
