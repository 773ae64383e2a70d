// Issue 19, "Drop-in for real": what a user with @stomp/stompjs code finds, each behaviour proven through
// the package (pkg/) in a Node child and in headless Chromium, against RabbitMQ (and the test broker of
// tools/test-broker where only a peer's records show the wire, or a peer must misbehave). Where the
// expected result is stompjs's, the check runs the same scenario through @stomp/stompjs 7.5 and compares
// what both observed (tests/support/dropin-both.mjs). The checks: tests/support/dropin-*-checks.mjs; the
// rules they assert: docs/delivery.md. Needs pkg/ (scripts/build-pkg) and RabbitMQ (scripts/broker start);
// builds and starts the test broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInNode, explain } from '../support/run-check.mjs';
import { checkRunners } from '../support/check-runners.mjs';
import { makePackageRoot, createRuntime } from '../miniprogram/runtime.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const runners = checkRunners();

const DELIVERY = 'dropin-delivery-checks.mjs';
const LIFECYCLE = 'dropin-lifecycle-checks.mjs';
const FRAMES = 'dropin-frame-checks.mjs';

/** [title, checks module, check name, budget in ms]; each runs in Node and in Chromium. */
const CHECKS = [
  ['19.0 a loop of 20,000 publishes without await, while connected, delivers all 20,000 (as stompjs)', DELIVERY, 'tightLoopAtMostOnce', 240000],
  ['19.0 the same loop with delivery at-least-once delivers all 20,000', DELIVERY, 'tightLoopAtLeastOnce', 240000],
  ['19.0 maxQueuedFrames 10 before the first CONNECTED: the 11th publish throws QUEUE_FULL, the first 10 are delivered', DELIVERY, 'queueFullThrowsBeforeConnected', 60000],
  ['19.0 maxQueuedFrames 10 while reconnecting: the 11th publish throws QUEUE_FULL, the first 10 are delivered', DELIVERY, 'queueFullThrowsWhileReconnecting', 60000],
  ['19.0 publish() on an inactive client throws "There is no underlying STOMP connection" synchronously (as stompjs)', DELIVERY, 'publishOnInactiveThrows', 60000],
  ['19.1 inside onConnect and a message callback, a spy on webSocket.send sees each frame before the call returns (as stompjs)', DELIVERY, 'callbackFramesReachTheSocketAtOnce', 60000],
  ['19.1 splitLargeFrames: a 20 KiB publish from onConnect is already split when publish() returns (as stompjs)', DELIVERY, 'callbackFramesAreSplitAtOnce', 60000],
  ['19.1 logRawCommunication: a publish from onConnect is logged before publish() returns (as stompjs)', DELIVERY, 'callbackFramesAreLoggedAtOnce', 60000],
  ['19.2 logRawCommunication logs the raw frame text: SEND, CONNECT (passcode redacted), CONNECTED, MESSAGE (as stompjs)', DELIVERY, 'rawCommunicationLog', 60000],
  ['19.3 a binary body with skipContentLengthHeader is sent with content-length, NULs intact (as stompjs)', FRAMES, 'binaryBodyIgnoresSkipContentLength', 60000],
  ['19.4 client.stompVersions reads back Versions.default, and a factory using protocolVersions() connects (as stompjs)', FRAMES, 'stompVersionsDefault', 60000],
  ['19.5 a socket the client let go of keeps function handlers: a forwarding wrapper throws nothing (as stompjs)', LIFECYCLE, 'releasedSocketKeepsFunctionHandlers', 60000],
  ['19.6 reconnectDelay 0 + forceDisconnect(): ACTIVE in and after onWebSocketClose; deactivate()+activate() there reconnects (as stompjs)', LIFECYCLE, 'reconnectDelayZeroStaysActive', 60000],
  ['19.7 maxReconnectDelay below reconnectDelay: stompjs\'s warning through debug, delays capped at reconnectDelay', LIFECYCLE, 'maxReconnectDelayBelowReconnectDelay', 60000],
  ['19.8 no brokerURL: a beforeConnect (sync or async) that sets it connects (as stompjs)', LIFECYCLE, 'beforeConnectSetsBrokerURL', 60000],
  ['19.9 FrameImpl is exported, constructible and subclassable as rx-stomp\'s tests use it (as stompjs)', FRAMES, 'frameImplAsRxStompUsesIt', 60000],
  ['19.9 received frames are FrameImpl instances (as stompjs)', FRAMES, 'receivedFramesAreFrameImpl', 60000],
  ['19.10 an async onConnect that subscribes: after 3 reconnects a message arrives once (as stompjs)', LIFECYCLE, 'asyncOnConnectSubscribesOnce', 90000],
  ['19.10 a sync onConnect that subscribes: after 3 reconnects a message arrives once (as stompjs)', LIFECYCLE, 'syncOnConnectSubscribesOnce', 90000],
  ['19.10 a subscription made before activate() is restored after 3 reconnects, and a message arrives once', LIFECYCLE, 'outsideSubscriptionRestoredOnce', 90000],
  ['19.11 a body starting with a UTF-8 BOM keeps its 5 bytes in binaryBody (as stompjs)', FRAMES, 'bomIsKept', 60000],
  ['19.12 unsubscribe() of a handle from an earlier connection (after a reconnect, after deactivate()) does not throw', LIFECYCLE, 'staleUnsubscribeDoesNotThrow', 60000],
  ['19.13 activate() + subscribe() in onWebSocketClose of a graceful deactivate: messages reach the callback', LIFECYCLE, 'subscribeInCloseOfDeactivate', 60000],
  ['19.14 connected under 1.2: subscribe() escapes \\n, \\r and : in header values and names (values as stompjs)', FRAMES, 'subscribeEscapesUnder12', 60000],
  ['19.14 reconnecting after a 1.2 connection: publish() with \\n and \\r in a header is queued and sent escaped', FRAMES, 'publishWhileReconnectingUses12', 60000],
  ['19.14 before the first CONNECTED, with 1.0 offered: a header value with \\n or \\r throws at the call', FRAMES, 'strictestVersionBeforeConnected', 60000],
];

for (const [title, module, check, budgetMs] of CHECKS) {
  test(`Node: ${title}`, async () => {
    const result = await runInNode(module, check, runners.broker.port, { budgetMs });
    assert.ok(result.ok, explain(result));
  });
  test(`Chromium: ${title}`, async () => {
    const result = await runners.chromium.run(module, check, runners.broker.port, { budgetMs });
    assert.ok(result.ok, explain(result));
  });
}

// ---- 19.9 FrameImpl in every build ------------------------------------------------------------------

const require = createRequire(import.meta.url);

test('19.9 FrameImpl is exported by every build: node (CJS and ESM), web, miniprogram', async () => {
  const { FrameImpl: stompjsFrameImpl } = require('@stomp/stompjs');
  const builds = {
    'node (require)': require(join(ROOT, 'pkg', 'node', 'stomp_wasm.js')),
    'node (import)': await import(join(ROOT, 'pkg', 'node', 'index.mjs')),
  };
  const missing = Object.entries(builds).filter(([, m]) => typeof m.FrameImpl !== 'function').map(([name]) => name);
  // The web build is an ES module with `import.meta.url` and a fetch of the wasm: its export list is read
  // from the source (the Chromium checks above construct it there).
  const { readFileSync } = await import('node:fs');
  const exportsFrameImpl = (file) => {
    const source = readFileSync(join(ROOT, 'pkg', 'web', file), 'utf8');
    return /export\s*\{[^}]*\bFrameImpl\b[^}]*\}/.test(source) || /export\s+(class|function|const|let|var)\s+FrameImpl\b/.test(source);
  };
  if (!exportsFrameImpl('stomp_wasm.js')) missing.push('web');
  if (!exportsFrameImpl('stomp_wasm.es2017.js')) missing.push('web (es2017)');
  const pkg = makePackageRoot(join(ROOT, 'pkg', 'miniprogram'));
  try {
    const rt = createRuntime({ root: pkg.root });
    try {
      const mp = rt.require('/miniprogram_npm/stomp-wasm/index.js');
      if (typeof mp.FrameImpl !== 'function') missing.push('miniprogram');
      else {
        const frame = new mp.FrameImpl({ command: 'SEND', headers: { a: '1' }, body: 'x' });
        assert.equal(frame.body, 'x', 'miniprogram FrameImpl: body');
        assert.equal(frame.command, 'SEND', 'miniprogram FrameImpl: command');
      }
    } finally {
      rt.dispose();
    }
  } finally {
    pkg.dispose();
  }
  assert.equal(typeof stompjsFrameImpl, 'function', 'stompjs exports FrameImpl (the oracle)');
  assert.deepEqual(missing, [], 'builds without a FrameImpl export');
});
