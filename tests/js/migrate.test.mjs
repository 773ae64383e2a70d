// Migration without rewrites (issue #15), through the package (pkg/) in Node (a child process per check)
// and headless Chromium (its WebSocket):
// - the stomp.js 2.x facade (Stomp, CompatClient) as 2.x code and the Spring tutorials use it, against
//   RabbitMQ, and against the test broker where its records must show what went on the wire
//   (tests/support/compat-checks.mjs);
// - the stompjs 7.5 options that were missing, against the test broker (tools/test-broker), whose
//   records show every WebSocket message the client wrote (tests/support/migrate-checks.mjs).
// Needs pkg/ (scripts/build-pkg) and RabbitMQ (scripts/broker start); builds and starts the test broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInNode, explain } from '../support/run-check.mjs';
import { checkRunners } from '../support/check-runners.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const runners = checkRunners();

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
    const result = await runInNode(module, check, runners.broker.port);
    assert.ok(result.ok, explain(result));
  });
  if (inChromium) {
    test(`Chromium: ${title}`, async () => {
      const result = await runners.chromium.run(module, check, runners.broker.port);
      assert.ok(result.ok, explain(result));
    });
  }
}

// ---- parity with @stomp/stompjs 7.5, read from the package itself ---------------------------------------

const require = createRequire(import.meta.url);

/** Every non-private name an instance answers to: own properties and the prototype chain's. */
function surface(instance) {
  const names = new Set();
  for (let o = instance; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  // stompjs's private members: `_x`, and `scheduleReconnect` (TypeScript-private, no underscore).
  return [...names].filter((n) => !n.startsWith('_') && n !== 'constructor' && n !== 'scheduleReconnect').sort();
}

test('parity: every export, option, Client and CompatClient member of @stomp/stompjs 7.5 exists here, enums with its values', () => {
  const stompjs = require('@stomp/stompjs');
  const STOMPJS = join(ROOT, 'node_modules', '@stomp', 'stompjs');
  const { version } = JSON.parse(readFileSync(join(STOMPJS, 'package.json'), 'utf8'));
  assert.equal(version, '7.5.0', 'the devDependency this table was made from');
  const ours = require(join(ROOT, 'pkg', 'node', 'stomp_wasm.js'));
  const internals = ['FrameImpl', 'Parser']; // stompjs's frame class and byte parser (docs/migrating.md)
  const missingExports = Object.keys(stompjs).filter((name) => !internals.includes(name) && !(name in ours));
  assert.deepEqual(missingExports, [], 'exports');
  for (const name of ['ActivationState', 'StompSocketState', 'ReconnectionTimeMode', 'TickerStrategy']) {
    assert.deepEqual({ ...ours[name] }, { ...stompjs[name] }, `${name} has stompjs's values`);
  }
  // StompConfig's fields, from its source (a class of declared, unset fields).
  const source = readFileSync(join(STOMPJS, 'src', 'stomp-config.ts'), 'utf8');
  const fields = [...source.matchAll(/public (\w+)\?:/g)].map((m) => m[1]);
  assert.ok(fields.length >= 30, `StompConfig's fields were read: ${fields.length}`);
  const client = new ours.Client();
  assert.deepEqual(fields.filter((f) => !(f in client)), [], 'StompConfig fields');
  client.configure(Object.fromEntries(fields.filter((f) => f !== 'webSocketFactory' && f !== 'brokerURL').map((f) => [f, client[f]])));
  assert.deepEqual(surface(new stompjs.Client()).filter((n) => !(n in client)), [], 'Client members');
  const compat = ours.Stomp.over(() => null);
  compat.debug = null;
  assert.deepEqual(surface(new stompjs.CompatClient(() => null)).filter((n) => !(n in compat)), [], 'CompatClient members');
  assert.deepEqual(['client', 'over', 'WebSocketClass'].filter((n) => !(n in ours.Stomp)), [], 'Stomp members');
  assert.equal(new ours.Versions(['1.2']).protocolVersions()[0], new stompjs.Versions(['1.2']).protocolVersions()[0]);
});
