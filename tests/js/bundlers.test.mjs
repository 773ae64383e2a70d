// The package as users build with it, from the packed tarball (`npm pack pkg/`, installed into a scratch
// app): the README's code bundled by webpack 5 (the quick start, verbatim) and by webpack 4 (the README's
// webpack 4 block, verbatim: what Vue CLI 4 and uni-app's Vue 2 H5 build run), each built page round-
// tripping a message through RabbitMQ in headless Chromium; and the README quick start plus the usual
// stompjs and stomp.js 2.x patterns type-checked by tsc as strict users run it (strict, skipLibCheck
// false, lib ES2022 + DOM) under moduleResolution bundler and node16, with TypeScript 7 and 5.9.
// Vite has its own test (package.test.mjs). Needs pkg/ (scripts/build-pkg) and the broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, packAndInstall, readmeBlock, receivedInChromium, webpackBuild } from '../support/packed.mjs';

let work;
let app;

before(() => {
  ({ work, app } = packAndInstall('stomp-wasm-bundlers-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});


test('webpack 5: the README quick start, bundled from the tarball, round-trips a message in Chromium', { timeout: 120000 }, async () => {
  const { dist, version } = webpackBuild(app, 'webpack', 'webpack5', readmeBlock('quickstart'));
  assert.match(version, /^5\./);
  const bundle = readFileSync(join(dist, 'main.js'), 'utf8');
  assert.ok(!bundle.includes('stomp_wasm.es2017.js'), 'webpack 5 takes the modern build (package.json exports)');
  assert.ok(readdirSync(dist).some((f) => f.endsWith('.wasm')), 'webpack 5 emits the wasm as an asset (new URL(…, import.meta.url))');
  assert.equal(await receivedInChromium(dist), 'received 你好 👋');
});

test('webpack 4 (Vue CLI 4, uni-app Vue 2 H5): the README\'s webpack 4 block parses (ES2017 build, no import.meta) and round-trips a message', { timeout: 120000 }, async () => {
  // webpack 4 hashes with MD4, which Node 17+ has only through the legacy OpenSSL provider.
  const { dist, version } = webpackBuild(app, 'webpack4', 'webpack4', readmeBlock('quickstart-webpack4'), {
    NODE_OPTIONS: '--openssl-legacy-provider',
  });
  assert.match(version, /^4\./);
  const bundle = readFileSync(join(dist, 'main.js'), 'utf8');
  assert.ok(bundle.includes('web/stomp_wasm.es2017.js'), 'webpack 4 takes the ES2017 build (package.json module/browser)');
  // As the README says: the wasm copied into public/ (Vue CLI) or static/ (uni-app), served from the root.
  copyFileSync(join(app, 'node_modules', 'stomp-wasm', 'web', 'stomp_wasm_bg.wasm'), join(dist, 'stomp_wasm_bg.wasm'));
  assert.equal(await receivedInChromium(dist), 'received 你好 👋');
});

test('the ES2017 build: init() with no URL rejects with a TypeError saying what to pass; given the wasm, it works', async () => {
  const es2017 = await import(join(app, 'node_modules', 'stomp-wasm', 'web', 'stomp_wasm.es2017.js'));
  await assert.rejects(es2017.default(), (error) => error instanceof TypeError && /pass its URL/.test(error.message) && /stomp_wasm_bg\.wasm/.test(error.message));
  assert.equal(es2017.isInitialized(), false);
  await es2017.default({ module_or_path: readFileSync(join(app, 'node_modules', 'stomp-wasm', 'web', 'stomp_wasm_bg.wasm')) });
  assert.equal(es2017.isInitialized(), true);
  const client = new es2017.Client({ brokerURL: 'ws://127.0.0.1:15674/ws' });
  assert.equal(client.connected, false);
  assert.ok(es2017.Stomp.over(() => null) instanceof es2017.CompatClient);
});

// ---- TypeScript -------------------------------------------------------------------------------------

/** The usual stompjs v7 patterns, and the stomp.js 2.x ones through the facade, as typed users write them. */
const PATTERNS = `
import { Stomp, StompConfig, StompHeaders, ActivationState, ReconnectionTimeMode, Versions } from 'stomp-wasm';
import type { CompatClient, IFrame, IMessage, IPublishParams, ITransaction, StompSubscription } from 'stomp-wasm';

export function patterns(client: Client): void {
  client.onConnect = (frame) => {
    console.log(frame.headers['version'], frame.command);
    const subscription: StompSubscription = client.subscribe('/topic/chat', (message) => {
      console.log(message.body, message.isBinaryBody, message.binaryBody.length);
      message.ack();
    }, { ack: 'client-individual' });
    subscription.unsubscribe();
  };
  client.onStompError = (f) => console.log('broker error', f.headers['message'], f.body);
  client.onWebSocketClose = (event) => console.log(event);
  client.onWebSocketError = (event) => console.log(event);
  client.onDisconnect = (frame) => console.log(frame.headers);
  client.onUnhandledMessage = (message: IMessage) => message.nack();
  client.onUnhandledReceipt = (frame: IFrame) => console.log(frame);
  client.onChangeState = (state) => {
    if (state === ActivationState.INACTIVE) console.log('inactive');
  };
  client.onHeartbeatLost = () => console.log('lost');
  client.debug = (line) => console.log(line);
  client.beforeConnect = async (c) => {
    c.connectHeaders = { login: 'user', passcode: await Promise.resolve('token') };
  };
  client.publish({ destination: '/topic/chat', body: JSON.stringify({ text: 'hi' }), headers: { priority: '9' } });
  client.publish({ destination: '/topic/bytes', binaryBody: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'application/octet-stream' } });
  const params: IPublishParams = { destination: '/queue/a', body: 'x', skipContentLengthHeader: true };
  client.publish(params);
  const tx: ITransaction = client.begin();
  client.publish({ destination: '/queue/a', body: 'in tx', headers: { transaction: tx.id } });
  tx.commit();
  client.watchForReceipt('r-1', (frame) => console.log(frame.headers['receipt-id']));
  client.ack('message-id', 'subscription-id');
  client.configure({ reconnectDelay: 5000, reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL, stompVersions: new Versions(['1.2', '1.1']) });
  client.reconnectDelay = 0;
  client.heartbeatIncoming = 4000;
  client.webSocketFactory = () => new WebSocket('ws://127.0.0.1:15674/ws');
  client.webSocketFactory = undefined;
  client.beforeConnect = undefined;
  const headers: StompHeaders = { login: 'guest', passcode: 'guest' };
  const config: StompConfig = { brokerURL: 'ws://127.0.0.1:15674/ws', connectHeaders: headers, splitLargeFrames: true, maxWebSocketChunkSize: 8192 };
  const other = new Client(config);
  if (other.connected && other.active && other.state === ActivationState.ACTIVE) console.log(other.connectedVersion);
  void client.deactivate({ force: true });
}

/** The Spring tutorial and the 2.x API, through the facade. */
export function legacy(): CompatClient {
  const stompClient = Stomp.over(() => new WebSocket('ws://127.0.0.1:15674/ws'));
  stompClient.debug = () => {};
  stompClient.heartbeat.outgoing = 20000;
  stompClient.heartbeat.incoming = 0;
  stompClient.reconnect_delay = 5000;
  stompClient.connect({}, (frame) => {
    console.log('Connected: ' + frame);
    stompClient.subscribe('/topic/greetings', (greeting) => console.log(JSON.parse(greeting.body).content));
    stompClient.send('/app/hello', {}, JSON.stringify({ name: 'name' }));
    stompClient.send('/app/raw', { 'content-length': false }, 'no length');
  }, (error) => console.log('STOMP error ' + error));
  const second = Stomp.client('ws://127.0.0.1:15674/ws');
  second.connect('guest', 'guest', () => console.log(second.version, second.ws), (frame) => console.log(frame.body), () => {}, '/');
  second.onreceive = (message) => console.log(message.body);
  second.disconnect(() => console.log('bye'));
  return stompClient;
}
`;

/** The mini-program entry's types (no top-level await: its code runs in App({ onLaunch })). */
const MINIPROGRAM = `
import { init as initMiniProgram, Client as MiniProgramClient, Stomp as MiniProgramStomp } from 'stomp-wasm/miniprogram';

export function miniProgram(): void {
  void initMiniProgram({ wasmPath: '/libs/stomp-wasm/stomp_wasm_bg.wasm.br' }).then(() => {
    const client = new MiniProgramClient({ brokerURL: 'wss://mq.example.com/ws' });
    client.onConnect = (frame) => console.log(frame.headers);
    client.activate();
    MiniProgramStomp.client('wss://mq.example.com/ws').connect({}, () => {});
  });
}
`;

const COMPILER = {
  strict: true,
  skipLibCheck: false,
  lib: ['ES2022', 'DOM'],
  target: 'ES2022',
  noEmit: true,
};

const CONFIGS = [
  ['moduleResolution bundler', { module: 'esnext', moduleResolution: 'bundler', verbatimModuleSyntax: true }],
  ['moduleResolution node16 (an ESM package)', { module: 'node16', moduleResolution: 'node16' }],
];

const COMPILERS = [
  ['TypeScript 7', join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')],
  ['TypeScript 5.9', join(ROOT, 'node_modules', 'typescript5', 'bin', 'tsc')],
];

for (const [compilerName, tsc] of COMPILERS) {
  for (const [configName, options] of CONFIGS) {
    test(`${compilerName}, ${configName}: the quick start and the usual patterns type-check (strict, skipLibCheck false, lib ES2022 + DOM)`, { timeout: 120000 }, () => {
      const dir = join(app, `ts-${compilerName.replace(/\W+/g, '')}-${options.moduleResolution}`);
      mkdirSync(dir, { recursive: true });
      // The quick start verbatim (it imports init and Client), then the patterns.
      writeFileSync(join(dir, 'main.ts'), `${readmeBlock('quickstart')}\n${PATTERNS}\n${MINIPROGRAM}`);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...COMPILER, ...options }, files: ['main.ts'] }, null, 2));
      const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, `tsc reported errors:\n${run.stdout}\n${run.stderr}`);
    });
  }
}
