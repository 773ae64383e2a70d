// The mini-program build (pkg/miniprogram/, scripts/build-pkg) in an emulated WeChat / uni-app /
// Douyin / Alipay runtime (tests/miniprogram/): static gates on the artefacts, the loader, and the Client
// against the loopback RabbitMQ through the platform's SocketTask, including hide → suspend → show. On
// Alipay's main thread (no WebAssembly of any name) the loader runs the engine compiled to JavaScript
// (engine.js), the same Client on it.
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); `make test` provides both.
//
// Every test that makes a runtime fails on what the runtime swallowed: an exception thrown in one of its
// timers or socket callbacks, a platform call-shape violation, a publish that rejected unexpectedly, or a
// deactivate({ force: true }) that rejects or does not settle (see `runtime` and `teardown`). Nothing here
// waits for a fixed time: a test waits for an event (a RECEIPT on the SUBSCRIBE, a barrier RECEIPT on the
// same connection, a marker message behind the ones it counts), and the app's 5 s in the background before
// WeChat suspends it is the harness's clock moved on (`rt.control.advance`), not a real sleep.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { brotliCompressSync, brotliDecompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { createRequire } from 'node:module';
import { makePackageRoot, createRuntime } from '../miniprogram/runtime.mjs';
import { connectPeer } from '../support/ws-peer.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MP = process.env.MINIPROGRAM_DIR ?? join(ROOT, 'pkg', 'miniprogram');
const WASM = join(MP, 'stomp_wasm_bg.wasm');
const BROKER = 'ws://127.0.0.1:15674/ws';
const LOGIN = { login: 'guest', passcode: 'guest' };
const RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
// The same budgets as scripts/build-pkg.
const BUDGET_SHIPPED = 262144;
const BUDGET_WASM_BR = 122880;
/** WeChat suspends an app about this long after it is hidden. */
const SUSPENDED_AFTER_MS = 5000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let pkg;
before(() => {
  assert.ok(existsSync(WASM), `${WASM} is built (scripts/build-pkg)`);
  pkg = makePackageRoot(MP);
});
after(() => pkg?.dispose());

/** Polls `condition` every 10 ms of real time; fails after `ms` with `what` and `context()`. */
async function until(condition, ms, what, context = () => '') {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}\n${context()}`);
    await sleep(10);
  }
}

/**
 * A runtime (createRuntime's options; the package root by default), checked and torn down after test `t`
 * by `teardown`. `rt.track(h)` adds a client to deactivate and check; `rt.onTeardown(fn)` adds a closer
 * (a peer connection).
 */
function runtime(t, options = {}) {
  const rt = createRuntime({ root: pkg.root, ...options });
  const tracked = { clients: [], closers: [] };
  rt.track = (h) => {
    tracked.clients.push(h);
    return h;
  };
  rt.onTeardown = (fn) => tracked.closers.push(fn);
  t.after(() => teardown(rt, tracked));
  return rt;
}

/**
 * After each test (also after a failed one, whose own error node:test keeps): every tracked client is
 * deactivated with { force: true }, which must settle, and fulfilled, within 3 s; then the test fails if
 * a publish rejected that the test did not take (h.takeRejections()), if the runtime caught an exception
 * in a timer or callback, or if the platform saw a call-shape violation.
 */
async function teardown(rt, { clients, closers }) {
  const problems = [];
  for (const h of clients) {
    try {
      await settles(h.client.deactivate({ force: true }), 3000, 'teardown: deactivate({ force: true })');
    } catch (error) {
      problems.push(`teardown: deactivate({ force: true }) failed: ${error?.stack ?? error}`);
    }
    const rejections = Array.from(h.rejections ?? []);
    if (rejections.length) problems.push(`publish rejections the test did not expect:\n  ${rejections.join('\n  ')}`);
  }
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      problems.push(`teardown: ${error?.message ?? error}`);
    }
  }
  if (rt.uncaught.length) problems.push(`exceptions thrown in the runtime's timers and callbacks:\n${rt.uncaught.join('\n')}`);
  const violations = rt.violations();
  if (violations.length) problems.push(`platform call-shape violations:\n  ${violations.join('\n  ')}`);
  const context = problems.length ? describeRun(rt, clients[0]) : '';
  rt.dispose();
  if (problems.length) throw new Error(`${problems.join('\n')}\n${context}`);
}

/** A checked runtime with the package loaded and initialised; `make(json)` makes a tracked client. */
async function start(t, options = {}) {
  const rt = runtime(t, options);
  const app = rt.require('/app.js');
  await app.init(options.wasmPath ?? '/libs/stomp_wasm_bg.wasm.br');
  return { rt, app, make: (json) => rt.track(app.makeClient(json)) };
}

/** A peer on the broker (the other party), closed after the test. */
async function peerFor(rt) {
  const peer = await connectPeer(BROKER);
  rt.onTeardown(() => peer.close());
  return peer;
}

function describeRun(rt, h) {
  const events = h?.events ? Array.from(h.events, (e) => `${e.type}${e.detail === null ? '' : `(${e.detail})`}`).join(' ') : '';
  return [
    `events: ${events}`,
    `tasks: ${JSON.stringify(rt.control.tasks())}`,
    `violations: ${JSON.stringify(rt.violations())}`,
    `uncaught: ${rt.uncaught.join('\n')}`,
    `platform log: ${Array.from(rt.control.log).join(', ')}`,
    h?.debug?.length ? `debug (last 30):\n  ${Array.from(h.debug).slice(-30).join('\n  ')}` : '',
  ].join('\n');
}

/** activate(), saying so when the client tried eval / new Function (the platforms forbid both). */
function activate(h) {
  try {
    h.client.activate();
  } catch (error) {
    if (/Code generation from strings/.test(error?.message)) {
      throw new Error(`the client called eval or new Function, which mini-programs forbid:\n${error.stack}`);
    }
    throw error;
  }
}

/**
 * Awaits a Promise of the runtime for at most `ms`, with a timer that keeps the event loop alive (a
 * Promise that never settles must fail the test, not end the run with everything pending).
 */
async function settles(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let receipts = 0;
/** SUBSCRIBE with a receipt, resolving once the broker's RECEIPT for it arrived (the subscription exists). */
async function subscribed(rt, h, destination, headers = {}) {
  const receipt = `sub-${++receipts}`;
  h.subscribe(destination, JSON.stringify({ ...headers, receipt }));
  await until(() => h.events.some((e) => e.type === 'receipt' && e.detail === receipt), 5000, `the RECEIPT for the SUBSCRIBE to ${destination}`, () => describeRun(rt, h));
}

/**
 * A RECEIPT on the client's current connection for a SEND issued now: once it is back, the broker has
 * handled every frame the client sent before (the re-SUBSCRIBEs after a reconnect, say).
 */
async function barrier(rt, h) {
  const n = h.barrier();
  await until(() => h.events.some((e) => e.type === 'barrier' && e.detail === n), 5000, `barrier receipt ${n}`, () => describeRun(rt, h));
}

/** A SocketTask's cause when onAppShow made it: in the listener, a microtask after it, or a timer it set. */
const MADE_BY_ON_APP_SHOW = /^onAppShow|set in onAppShow( \(microtask\))?$/;

/** The events recorded since the index `from`. */
const since = (h, from) => Array.from(h.events).slice(from);

/** As the README tells mini-program apps: pages subscribe whenever they load, and keep it (`keepSubscriptions`). */
function clientOptions(extra = {}) {
  return JSON.stringify({ brokerURL: BROKER, connectHeaders: LOGIN, debugLog: true, keepSubscriptions: true, ...extra });
}

/**
 * A wx runtime and one client made with `clientOptions(options)`, activated and CONNECTED once; returns
 * `{ rt, h, context }` (`context()` describes the run for failure messages).
 */
async function connectedClient(t, options) {
  const { rt, make } = await start(t, { platform: 'wx' });
  const h = make(clientOptions(options));
  const context = () => describeRun(rt, h);
  activate(h);
  await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
  return { rt, h, context };
}

function toolPath() {
  return [join(ROOT, 'node_modules', '.bin'), join(homedir(), '.cargo', 'bin'), process.env.PATH].join(delimiter);
}

// ---- static gates ------------------------------------------------------------------------------------

describe('mini-program build: static gates', () => {
  test('the wasm is pure MVP: wasm-tools validate --features=mvp,mutable-global', () => {
    const run = spawnSync('wasm-tools', ['validate', '--features=mvp,mutable-global', WASM], {
      encoding: 'utf8',
      env: { ...process.env, PATH: toolPath() },
    });
    assert.equal(run.error, undefined, `wasm-tools: ${run.error}`);
    assert.equal(run.status, 0, run.stderr);
  });

  test('the wasm exports no Globals (iOS), the .wasm.br is the same module, and imports only from the glue', () => {
    const bytes = readFileSync(WASM);
    assert.deepEqual(brotliDecompressSync(readFileSync(`${WASM}.br`)), bytes, '.wasm.br decompresses to the .wasm');
    const module = new WebAssembly.Module(bytes);
    const globals = WebAssembly.Module.exports(module).filter((e) => e.kind === 'global');
    assert.deepEqual(globals, [], 'no exported Globals');
    // The glue is bundled into index.js (scripts/bundle.mjs checks it exports every import; the
    // runtime tests below instantiate through it, which fails on a missing import).
    const imports = WebAssembly.Module.imports(module);
    assert.ok(imports.length > 0);
    for (const i of imports) assert.equal(i.module, './stomp_wasm_bg.js', `import module of ${i.name}`);
    assert.deepEqual(readdirSync(MP).filter((f) => f.endsWith('.js')).sort(), ['engine.js', 'index.js'], 'index.js (loader, client and glue) and engine.js');
  });

  test('engine.js (no WebAssembly) is a file of its own, which index.js names in no literal require (WeChat would ship it)', () => {
    const index = readFileSync(join(MP, 'index.js'), 'utf8');
    const engine = readFileSync(join(MP, 'engine.js'), 'utf8');
    // The engine's data (base64 strings of the module's data segments) is what no minifier renames.
    const data = (engine.match(/"[A-Za-z0-9+/]{64,}={0,2}"/g) ?? []).sort((a, b) => b.length - a.length)[0];
    assert.ok(data, 'engine.js holds the data segments (base64)');
    assert.match(engine, /engine without WebAssembly: the MVP module compiled to JavaScript by wasm2js/, 'engine.js is the wasm2js engine');
    assert.ok(!index.includes(data.slice(1, -1)), 'index.js does not carry the engine');
    assert.doesNotMatch(index, /require\(\s*["'`][^"'`]*engine/, 'no literal require of engine.js: WeChat\'s upload keeps every file a literal require names');
    assert.deepEqual(readFileSync(join(MP, '..', 'js', 'engine.js')), Buffer.from(engine), 'the same engine as js/engine.js');
  });

  test('the loader and glue evaluate with no TextEncoder, TextDecoder, WebAssembly or window; the polyfill fills only the gaps', { timeout: 30000 }, async (t) => {
    const bare = runtime(t, { allowCodeGeneration: false });
    {
      assert.deepEqual(bare.typeofGlobals(['WebAssembly', 'TextEncoder', 'TextDecoder', 'window', 'document', 'process', 'require']), {
        WebAssembly: 'undefined', TextEncoder: 'undefined', TextDecoder: 'undefined', window: 'undefined',
        document: 'undefined', process: 'undefined', require: 'undefined',
      });
      assert.throws(() => bare.eval('new Function("return 1")'), /Code generation from strings disallowed/);
      const lib = bare.require('stomp-wasm');
      assert.equal(typeof lib.init, 'function');
      assert.equal(typeof lib.Client, 'function');
      assert.equal(bare.eval('TextDecoder.name + " " + TextEncoder.name'), 'Utf8TextDecoder Utf8TextEncoder');
      await lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' });
      // Strings cross the boundary through the polyfill, both ways (an unknown option's name comes back).
      bare.context.lib = lib;
      assert.match(bare.eval(`try { new lib.Client({ 'опция-你好-👋': 1 }); 'no error' } catch (e) { e.message }`), /опция-你好-👋/);
    }
    const native = runtime(t);
    {
      native.eval('globalThis.TextEncoder = function TextEncoder() {}; globalThis.TextDecoder = function TextDecoder() { this.decode = function () { return ""; }; };');
      native.require('stomp-wasm');
      assert.equal(native.eval('TextDecoder.name + " " + TextEncoder.name'), 'TextDecoder TextEncoder', 'existing ones are kept');
    }
  });

  test('the UTF-8 polyfill agrees with the native TextEncoder/TextDecoder', async () => {
    const { Utf8TextEncoder, Utf8TextDecoder } = await import('../../src/web/edge/text-polyfill.js');
    const encoder = new Utf8TextEncoder();
    let seed = 12345;
    const random = (n) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const pieces = ['a', 'Z', '~', '\0', 'é', 'ß', '你', '好', '€', '\uFFFF', '👋', '🏽', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\n', '\uFEFF'];
    for (let round = 0; round < 400; round++) {
      let text = '';
      for (let i = random(40); i > 0; i--) text += pieces[random(pieces.length)];
      const expected = new TextEncoder().encode(text);
      assert.deepEqual(Array.from(encoder.encode(text)), Array.from(expected), `encode ${JSON.stringify(text)}`);
      const room = random(expected.length + 4);
      const mine = new Uint8Array(room);
      const theirs = new Uint8Array(room);
      const a = encoder.encodeInto(text, mine);
      const b = new TextEncoder().encodeInto(text, theirs);
      assert.deepEqual([a.read, a.written, Array.from(mine)], [b.read, b.written, Array.from(theirs)], `encodeInto ${JSON.stringify(text)} into ${room}`);
    }
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xbb, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let round = 0; round < 3000; round++) {
      const bytes = new Uint8Array(random(24));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random(3) ? interesting[random(interesting.length)] : random(256);
      for (const ignoreBOM of [true, false]) {
        const expected = new TextDecoder('utf-8', { ignoreBOM }).decode(bytes);
        assert.equal(new Utf8TextDecoder('utf-8', { ignoreBOM }).decode(bytes), expected, `decode [${bytes}] ignoreBOM=${ignoreBOM}`);
      }
      let nativeThrows = false;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        nativeThrows = true;
      }
      assert.equal((() => {
        try {
          new Utf8TextDecoder('utf-8', { fatal: true }).decode(bytes);
          return false;
        } catch (e) {
          return e.name === 'TypeError';
        }
      })(), nativeThrows, `fatal [${bytes}]`);
      // Streaming in two parts gives the same text.
      const cut = random(bytes.length + 1);
      const streaming = new Utf8TextDecoder('utf-8');
      const nativeStreaming = new TextDecoder('utf-8');
      assert.equal(
        streaming.decode(bytes.subarray(0, cut), { stream: true }) + streaming.decode(bytes.subarray(cut)),
        nativeStreaming.decode(bytes.subarray(0, cut), { stream: true }) + nativeStreaming.decode(bytes.subarray(cut)),
        `stream [${bytes}] cut at ${cut}`,
      );
    }
    // What the glue does: the options object, decode() without an argument, views into a larger buffer.
    const decoder = new Utf8TextDecoder('utf-8', { ignoreBOM: true, fatal: false });
    assert.equal(decoder.decode(), '');
    const memory = new TextEncoder().encode('xx你好👋yy');
    assert.equal(decoder.decode(memory.subarray(2, 12)), '你好👋');
    assert.equal(decoder.decode(new DataView(memory.buffer, 2, 3)), '你');
    assert.equal(decoder.decode(memory.buffer), 'xx你好👋yy');
    assert.throws(() => new Utf8TextDecoder('latin1'), (e) => e.name === 'RangeError');
  });

  test('ES2017 syntax only (older JavaScriptCore): nothing for esbuild to lower', () => {
    const esbuild = createRequire(join(ROOT, 'package.json'))('esbuild');
    for (const name of ['index.js', 'engine.js']) {
      const code = readFileSync(join(MP, name), 'utf8');
      const lowered = esbuild.transformSync(code, { loader: 'js', target: 'es2017' }).code;
      const kept = esbuild.transformSync(code, { loader: 'js', target: 'esnext' }).code;
      assert.equal(lowered, kept, `${name} uses syntax newer than ES2017`);
    }
  });

  test('size budget (printed)', (t) => {
    const size = (file) => {
      const raw = readFileSync(file);
      const br = brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
      return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, brotli: br };
    };
    const rows = { 'miniprogram wasm (MVP)': size(WASM) };
    const web = join(MP, '..', 'web', 'stomp_wasm_bg.wasm');
    if (existsSync(web)) rows['web wasm'] = size(web);
    for (const name of ['index.js', 'engine.js']) rows[name] = size(join(MP, name));
    for (const [name, s] of Object.entries(rows)) {
      t.diagnostic(`${name.padEnd(24)} ${String(s.raw).padStart(7)} raw ${String(s.gzip).padStart(7)} gzip ${String(s.brotli).padStart(7)} brotli`);
    }
    const wasmBr = statSync(`${WASM}.br`).size;
    const shipped = wasmBr + statSync(join(MP, 'index.js')).size;
    t.diagnostic(`shipped (.wasm.br + js): ${shipped} bytes of ${BUDGET_SHIPPED}; .wasm.br ${wasmBr} of ${BUDGET_WASM_BR}`);
    t.diagnostic(`Alipay (index.js + engine.js, no wasm): ${statSync(join(MP, 'index.js')).size + statSync(join(MP, 'engine.js')).size} bytes`);
    assert.ok(shipped <= BUDGET_SHIPPED, `shipped ${shipped} > ${BUDGET_SHIPPED}`);
    assert.ok(wasmBr <= BUDGET_WASM_BR, `.wasm.br ${wasmBr} > ${BUDGET_WASM_BR}`);
  });
});

// ---- the loader ---------------------------------------------------------------------------------------

describe('mini-program loader', () => {
  test('init takes a package path only; a URL, bytes, a relative or a missing path fail clearly; retry works', { timeout: 30000 }, async (t) => {
    const rt = runtime(t, { platform: 'wx' });
    const lib = rt.require('stomp-wasm');
    await assert.rejects(lib.init({ wasmPath: rt.eval('new ArrayBuffer(8)') }), /wasmPath must be the path of stomp_wasm_bg\.wasm/);
    await assert.rejects(lib.init({}), /wasmPath/);
    await assert.rejects(lib.init({ wasmPath: 'https://cdn.example/stomp_wasm_bg.wasm' }), /only paths inside the code package/);
    await assert.rejects(lib.init({ wasmPath: './libs/stomp_wasm_bg.wasm' }), /start at the package root/);
    await assert.rejects(lib.init({ wasmPath: '/nowhere/stomp_wasm_bg.wasm.br' }), /could not instantiate "\/nowhere\/stomp_wasm_bg\.wasm\.br": .*no such file/);
    assert.equal(lib.isInitialized(), false);
    // The URL and the relative path are call-shape violations on purpose; the teardown must not count them.
    assert.equal(rt.control.violations.length, 2, JSON.stringify(rt.violations()));
    rt.control.violations.length = 0;
    const first = lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm' });
    assert.equal(lib.init('/libs/other.wasm'), first, 'a second call returns the first Promise');
    await first;
    assert.equal(lib.isInitialized(), true);
    assert.deepEqual(Array.from(rt.control.hiddenGlobals), []);
  });

  test('without WXWebAssembly / TTWebAssembly (WeChat < 2.13.0), init loads engine.js; without engine.js it says what to do', { timeout: 30000 }, async (t) => {
    const rt = runtime(t, { platform: 'wx' });
    rt.eval('delete globalThis.WXWebAssembly');
    const lib = rt.require('stomp-wasm');
    await lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' });
    assert.equal(lib.isInitialized(), true);
    rt.context.lib = lib;
    assert.equal(rt.eval(`typeof new lib.Client({ brokerURL: 'ws://127.0.0.1:15674/ws' }).activate`), 'function');

    const bare = makePackageRoot(MP);
    t.after(() => bare.dispose());
    rmSync(join(bare.root, 'miniprogram_npm', 'stomp-wasm', 'engine.js'));
    const missing = runtime(t, { platform: 'wx', root: bare.root });
    missing.eval('delete globalThis.WXWebAssembly');
    const without = missing.require('stomp-wasm');
    await assert.rejects(without.init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' }),
      /neither WXWebAssembly \(WeChat base library >= 2\.13\.0\) nor TTWebAssembly .*engine\.js.*could not be loaded: .*Require stomp-wasm's engine\.js in your app and pass it: init\(\{ engine \}\)/);
    assert.equal(without.isInitialized(), false);
  });

  test('Douyin: TTWebAssembly; a base library without brotli takes the plain .wasm', { timeout: 30000 }, async (t) => {
    const rt = runtime(t, { platform: 'tt', brotli: false });
    const lib = rt.require('stomp-wasm');
    await assert.rejects(lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' }), /not a \.wasm file/);
    await lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm' });
    rt.context.lib = lib;
    assert.equal(rt.eval(`typeof new lib.Client({ brokerURL: 'ws://127.0.0.1:15674/ws' }).activate`), 'function');
  });

  test('webSocketFactory over a SocketTask (the browser-style path) round-trips a message', { timeout: 30000 }, async (t) => {
    const { rt, h, context } = await connectedClient(t, { factory: 'wx', reconnectDelay: 0 });
    const topic = `/topic/mp-factory-${RUN}`;
    await subscribed(rt, h, topic);
    h.publish(JSON.stringify({ destination: topic, body: '工厂 🏭' }));
    await until(() => h.messages[topic]?.length === 1, 5000, 'the message', context);
    assert.equal(h.messages[topic][0].body, '工厂 🏭');
  });
});

// ---- the Client on each platform -----------------------------------------------------------------------

const PLATFORMS = [
  // WeChat on iOS: exported Globals hidden from the instance; the platform drops sockets without onClose.
  { platform: 'wx', ios: true, withOnClose: false },
  // uni-app (its own API object only, so detection must find `uni`); onClose comes when the app thaws.
  { platform: 'uni', withOnClose: true },
  { platform: 'tt', withOnClose: false },
  // Alipay's main thread: no WebAssembly of any name (the engine compiled to JavaScript runs),
  // my.connectSocket with multiple: true, callbacks with errorMessage.
  { platform: 'my', withOnClose: true },
];

for (const variant of PLATFORMS) {
  const { platform } = variant;
  describe(`mini-program runtime: ${platform}${variant.ios ? ' (iOS mode)' : ''}`, () => {
    test('connect, subscribe, Chinese + emoji text and a binary body, heart-beats, deactivate', { timeout: 30000 }, async (t) => {
      const { rt, make } = await start(t, variant);
      const h = make(clientOptions({
        connectHeaders: { ...LOGIN, Authorization: 'Bearer mini-program' },
        heartbeatIncoming: 1000,
        heartbeatOutgoing: 1000,
        reconnectDelay: 0,
      }));
      const context = () => describeRun(rt, h);
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
      const [task] = rt.control.tasks();
      assert.equal(task.url, BROKER);
      assert.equal(task.through, platform, `opened through ${platform}.connectSocket`);
      if (platform === 'my') {
        assert.deepEqual(rt.typeofGlobals(['WebAssembly', 'MyWebAssembly', 'WXWebAssembly', 'TTWebAssembly']),
          { WebAssembly: 'undefined', MyWebAssembly: 'undefined', WXWebAssembly: 'undefined', TTWebAssembly: 'undefined' }, 'no WebAssembly on the main thread');
      }
      assert.deepEqual(Array.from(task.protocols), ['v12.stomp', 'v11.stomp', 'v10.stomp']);
      assert.equal(task.header?.Authorization, 'Bearer mini-program', 'Authorization goes on the handshake');
      const topic = `/topic/mp-${platform}-${RUN}`;
      await subscribed(rt, h, topic);
      const text = '你好，世界 👋🏽 — 中文 + emoji ✓';
      const binary = [0, 1, 2, 0xff, 0xfe, 0xc3, 0x28, 0x80, 10, 0];
      h.publish(JSON.stringify({ destination: topic, body: text }));
      h.publish(JSON.stringify({ destination: topic, headers: { 'content-type': 'application/octet-stream' } }), binary);
      await until(() => h.messages[topic]?.length === 2, 5000, 'both messages', context);
      const [first, second] = h.messages[topic];
      assert.equal(first.body, text);
      assert.equal(first.binary, false);
      assert.equal(second.binary, true);
      assert.deepEqual(Array.from(second.bytes), binary);
      // Heart-beats both ways at 1 s (the broker's, in real time).
      await until(() => rt.control.tasks()[0].sent.filter((s) => s === 'heart-beat').length >= 2 && h.count('heartbeatReceived') >= 2,
        5000, 'two heart-beats each way', context);
      assert.equal(h.count('heartbeatLost'), 0);
      assert.equal(h.client.connected, true);
      assert.equal(rt.control.tasks().length, 1, 'one socket');
      const lifecycle = rt.control.lifecycle();
      assert.deepEqual([lifecycle.show, lifecycle.hide], [1, 1], 'onAppShow/onAppHide registered once');
      await settles(h.client.deactivate(), 6000, 'deactivate()');
      await until(() => rt.control.tasks()[0].status === 'closed', 2000, 'the socket closed', context);
      const closed = rt.control.tasks()[0];
      assert.ok(closed.closeCalls.every((c) => c.code === 1000), 'closed with 1000');
      assert.deepEqual([rt.control.lifecycle().show, rt.control.lifecycle().hide], [0, 0], 'the hooks are removed on deactivate');
    });

    test('hide → 5 s → suspend → show: onAppShow reconnects, resubscribes, a message queued while suspended arrives exactly once', { timeout: 30000 }, async (t) => {
      const { rt, make } = await start(t, variant);
      const h = make(clientOptions({
        // Outgoing heart-beats show JS running while hidden; the broker's (every 10 s, real time) keep the
        // client's 20 s liveness deadline out of the 5 s the clock moves on before the suspension.
        heartbeatIncoming: 10000,
        heartbeatOutgoing: 2000,
        reconnectDelay: 10000, // the backoff would wait 10 s: the reconnect must come from onAppShow
        maxReconnectAttempts: 3,
      }));
      const context = () => describeRun(rt, h);
      const queue = `/queue/mp-${platform}-${RUN}`;
      // Every frame that may declare the queue says the same (RabbitMQ refuses unequal arguments); it
      // expires a minute after its last use, so test runs leave no queues behind.
      const QUEUE_ARGS = { 'x-expires': '60000' };
      const topic = `/topic/mp-${platform}-${RUN}-live`;
      const peer = await peerFor(rt);
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
      // Acknowledged one by one: a message the broker pushes into the dying connection is redelivered.
      await subscribed(rt, h, queue, { ...QUEUE_ARGS, ack: 'client-individual' });
      await subscribed(rt, h, topic);
      await peer.send(queue, 'before hide', QUEUE_ARGS);
      await until(() => h.messages[queue]?.length === 1, 5000, 'the first queue message', context);
      // Its ACK is on the broker once a RECEIPT for a later frame of the same connection is back: an ACK
      // still in flight when the socket dies would (rightly) have the message redelivered.
      await barrier(rt, h);

      // A timer the app sets as it goes to the background: it comes due while the app is suspended,
      // so it runs when the app thaws, before onAppShow, while the socket is dead.
      h.publishLater(SUSPENDED_AFTER_MS + 600, JSON.stringify({ destination: queue, body: 'queued while suspended 📦', headers: QUEUE_ARGS }));
      rt.control.hide();
      const beatsBefore = rt.control.tasks()[0].sent.filter((s) => s === 'heart-beat').length;
      await rt.control.advance(SUSPENDED_AFTER_MS); // WeChat suspends about 5 s after the hide; JS runs until then
      assert.ok(rt.control.tasks()[0].sent.filter((s) => s === 'heart-beat').length >= beatsBefore + 2, `heart-beats went out while hidden\n${context()}`);
      assert.equal(h.client.connected, true, 'still connected while hidden, before the suspension');
      assert.equal(h.count('heartbeatLost'), 0);
      assert.equal(h.count('publishFromTimer'), 0, 'the app\'s timer is not due yet');
      rt.control.suspend(variant.withOnClose);
      await peer.send(queue, 'sent by a peer while suspended', QUEUE_ARGS);
      const tasksBefore = rt.control.tasks().length;
      // Thaw (the clock jumps 30 s), 50 ms of runningState=suspend, then onAppShow.
      await rt.control.show(30000, 50);
      await until(() => h.count('connect') === 2, 4000, 'the reconnect after onAppShow', context);
      const opened = rt.control.tasks().slice(tasksBefore);
      for (const task of opened.filter((t) => t.status === 'refused')) assert.match(task.refusal, /runningState=suspend/);
      const reconnect = opened.filter((t) => t.status !== 'refused');
      assert.equal(reconnect.length, 1, `one new socket after the show\n${context()}`);
      assert.match(reconnect[0].cause, MADE_BY_ON_APP_SHOW, `the reconnect was made by onAppShow, not by ${reconnect[0].cause}`);
      assert.equal(h.count('publishFromTimer'), 1);
      await until(() => h.messages[queue]?.length >= 3, 4000, 'the queued and the peer message', context);
      // The re-SUBSCRIBE to the topic is on the broker once a RECEIPT on the same connection is back.
      await barrier(rt, h);
      await peer.send(topic, 'live after the show');
      await until(() => h.messages[topic]?.length === 1, 4000, 'a topic message after the show (resubscribed)', context);
      // Anything delivered twice would come before a marker sent behind everything else.
      await peer.send(queue, 'marker', QUEUE_ARGS);
      await until(() => h.messages[queue].some((m) => m.body === 'marker'), 4000, 'the marker', context);
      const bodies = Array.from(h.messages[queue], (m) => m.body).sort();
      assert.deepEqual(bodies, ['before hide', 'marker', 'queued while suspended 📦', 'sent by a peer while suspended'].sort(), context());
      assert.notEqual(String(h.client.connectionState), 'failed');
      assert.equal(rt.control.openSockets(), 1, 'one open socket');
    });

    test('the 6th socket is refused with a clear error; the client connects when a slot frees', { timeout: 30000 }, async (t) => {
      const { rt, app, make } = await start(t, variant);
      const raw = Array.from({ length: 5 }, () => app.openRawSocket(platform, BROKER));
      const h = make(clientOptions({ reconnectDelay: 300 }));
      const context = () => describeRun(rt, h);
      await until(() => raw.every((r) => r.open), 5000, 'five sockets open', context);
      activate(h);
      await until(() => h.count('webSocketError') >= 1, 3000, 'the refusal', context);
      const error = h.events.find((e) => e.type === 'webSocketError').detail;
      assert.match(error, new RegExp(`${platform}\\.connectSocket`), 'names the platform');
      assert.match(error, /exceed max task count/, 'carries the errMsg');
      assert.equal(h.count('connect'), 0);
      raw[0].task.close({ code: 1000, reason: 'make room' });
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED once a slot is free', context);
      rt.onTeardown(() => raw.slice(1).forEach((r) => r.task.close({ code: 1000, reason: 'done' })));
    });
  });
}

describe('mini-program runtime: Alipay main thread (no WebAssembly)', () => {
  test('init() needs no wasmPath there: it loads the engine compiled to JavaScript (engine.js)', { timeout: 30000 }, async (t) => {
    const rt = runtime(t, { platform: 'my' });
    assert.deepEqual(rt.typeofGlobals(['WebAssembly', 'MyWebAssembly', 'WXWebAssembly', 'TTWebAssembly', 'TextEncoder', 'TextDecoder', 'my']), {
      WebAssembly: 'undefined', MyWebAssembly: 'undefined', WXWebAssembly: 'undefined', TTWebAssembly: 'undefined',
      TextEncoder: 'undefined', TextDecoder: 'undefined', my: 'object',
    });
    const lib = rt.require('stomp-wasm');
    assert.equal(lib.isInitialized(), false, 'nothing loaded before init()');
    const first = lib.init();
    assert.equal(lib.init({ wasmPath: '/libs/other.wasm' }), first, 'a second call returns the first Promise');
    await first;
    assert.equal(lib.isInitialized(), true);
  });

  test("init({ engine: require('stomp-wasm/engine.js') }) — for builds that keep only what is required by name", { timeout: 30000 }, async (t) => {
    const rt = runtime(t, { platform: 'my' });
    const lib = rt.require('stomp-wasm');
    await assert.rejects(lib.init({ engine: {} }), /engine must be stomp-wasm's engine\.js module/);
    await lib.init({ engine: rt.require('stomp-wasm/engine.js') });
    assert.equal(lib.isInitialized(), true);
  });

  test('uni-app built for Alipay (uni and my both present): the client opens my.connectSocket, with multiple: true', { timeout: 30000 }, async (t) => {
    const { rt, make } = await start(t, { platform: 'my', otherPlatforms: ['uni'] });
    const h = make(clientOptions({ reconnectDelay: 0 }));
    activate(h);
    await until(() => h.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, h));
    assert.deepEqual(Array.from(rt.control.tasks(), (task) => task.through), ['my']);
    // The harness refuses (a violation, no task) a my.connectSocket without multiple: true; the teardown
    // fails the test on any violation.
  });
});

describe('mini-program runtime: the stomp.js 2.x facade', () => {
  test('Stomp.client(url) under wx: connect(login, passcode, …), subscribe, send, heart-beats from client.heartbeat, disconnect', { timeout: 30000 }, async (t) => {
    const { rt, app } = await start(t, { platform: 'wx' });
    const topic = `/topic/mp-compat-${RUN}`;
    const text = '老版本 stomp.js 的代码 ✓ 👋';
    const h = app.compatChat(BROKER, LOGIN.login, LOGIN.passcode, topic, text);
    rt.track({ client: h.client });
    const context = () => `${JSON.stringify(h.events)}\n${describeRun(rt)}`;
    await until(() => h.bodies.length === 1, 5000, 'the message back', context);
    assert.equal(h.bodies[0], text);
    assert.equal(h.count('error'), 0);
    assert.equal(h.events[0].detail, '1.2', 'connected with STOMP 1.2');
    const [task] = rt.control.tasks();
    assert.equal(task.through, 'wx', 'the client opened its own wx.connectSocket');
    assert.deepEqual(Array.from(task.protocols), ['v12.stomp', 'v11.stomp', 'v10.stomp']);
    // client.heartbeat.outgoing = 1000 before connect(): heart-beats go out every second (real time).
    await until(() => rt.control.tasks()[0].sent.filter((s) => s === 'heart-beat').length >= 2, 5000, 'two heart-beats from the client', context);
    h.disconnect();
    await until(() => h.count('disconnected') === 1, 5000, 'the disconnect callback', context);
    await until(() => rt.control.tasks()[0].status === 'closed', 2000, 'the socket closed', context);
    assert.equal(rt.control.tasks().length, 1, 'one socket, no reconnect');
  });
});

describe('mini-program runtime: lifecycle', () => {
  test('a reconnect that comes due while suspended waits for onAppShow: no attempt into the suspension, none counted', { timeout: 30000 }, async (t) => {
    // One attempt allowed: had an attempt in the suspension counted, the client would give up ('failed').
    const { rt, h, context } = await connectedClient(t, { reconnectDelay: 8000, maxReconnectAttempts: 1 });
    rt.control.dropTask(1); // the network drops the socket: the client waits out its 8 s backoff...
    await until(() => h.count('reconnectScheduled') === 1, 2000, 'the backoff', context);
    rt.control.hide(); // ...while the app goes to the background and is suspended 5 s later
    await rt.control.advance(SUSPENDED_AFTER_MS);
    assert.equal(rt.control.tasks().length, 1, 'the 8 s backoff has not run out in the 5 s before the suspension');
    rt.control.suspend(false);
    await rt.control.show(30000, 150); // the backoff timer fires in the thaw, before onAppShow
    await until(() => h.count('connect') === 2, 4000, 'the reconnect after onAppShow', context);
    const tasks = rt.control.tasks();
    assert.equal(tasks.filter((task) => task.status === 'refused').length, 0, `no attempt into the suspension\n${context()}`);
    assert.equal(tasks.length, 2, 'one reconnect');
    assert.match(tasks[1].cause, MADE_BY_ON_APP_SHOW, `the reconnect was made by onAppShow, not by ${tasks[1].cause}`);
    assert.equal(h.count('reconnectFailed'), 0);
    assert.equal(h.client.connected, true);
  });

  test('an attempt the platform refuses with runningState=suspend is reported, not counted, and onAppShow reconnects', { timeout: 30000 }, async (t) => {
    const { rt, h, context } = await connectedClient(t, { reconnectDelay: 60000, maxReconnectAttempts: 1 });
    rt.control.hide();
    // A timer of the app's own asks for a reconnect; it comes due in the thaw, before onAppShow, while
    // connectSocket still fails with runningState=suspend.
    rt.context.client = h.client;
    rt.eval('setTimeout(function () { client.forceDisconnect(); client.reconnectNow(); }, 1000)');
    rt.control.suspend(false);
    await rt.control.show(30000, 150);
    await until(() => h.count('connect') === 2, 4000, 'the reconnect after onAppShow', context);
    const refused = rt.control.tasks().filter((task) => task.status === 'refused');
    assert.equal(refused.length, 1, `one attempt refused in the thaw\n${context()}`);
    assert.match(refused[0].refusal, /runningState=suspend/);
    assert.ok(h.events.some((e) => e.type === 'webSocketError' && /wx\.connectSocket.*runningState=suspend/.test(e.detail)),
      'reported through onWebSocketError, naming the platform and errMsg');
    assert.equal(h.count('reconnectFailed'), 0);
    assert.equal(h.client.connected, true);
  });

  test('without heart-beats or onClose, a show after ≥ 5 s hidden still reconnects and resubscribes', { timeout: 30000 }, async (t) => {
    // Nothing tells the client its socket died: no heart-beats, and the platform reports no close.
    const { rt, h, context } = await connectedClient(t, { heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 10000 });
    const topic = `/topic/mp-silent-${RUN}`;
    const peer = await peerFor(rt);
    await subscribed(rt, h, topic);
    rt.control.hide();
    await rt.control.advance(SUSPENDED_AFTER_MS);
    rt.control.suspend(false);
    await rt.control.show(60000, 50);
    await until(() => h.count('connect') === 2, 3000, 'the reconnect on onAppShow', context);
    const reconnect = rt.control.tasks().at(-1);
    assert.match(reconnect.cause, MADE_BY_ON_APP_SHOW, `the reconnect was made by onAppShow, not by ${reconnect.cause}`);
    await barrier(rt, h); // the re-SUBSCRIBE is on the broker
    await peer.send(topic, 'after a silent death');
    await until(() => h.messages[topic]?.length === 1, 4000, 'a message on the restored subscription', context);
    assert.equal(rt.control.openSockets(), 1);
  });

  test('hidden briefly (< 5 s by the clock) and shown: the connection is kept', { timeout: 30000 }, async (t) => {
    const { rt, h, context } = await connectedClient(t, { heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 10000 });
    rt.control.hide();
    await rt.control.advance(SUSPENDED_AFTER_MS - 100);
    const mark = h.events.length;
    await rt.control.show();
    // A RECEIPT on the first socket, asked for after onAppShow ran: whatever the show started is under way.
    await barrier(rt, h);
    assert.deepEqual(since(h, mark).map((e) => e.type), ['barrier'], `nothing but the barrier after the show\n${context()}`);
    assert.equal(h.count('connect'), 1, 'no reconnect');
    assert.equal(rt.control.tasks().length, 1, 'no new socket');
    assert.equal(h.client.connected, true);
  });

  test('the clock, not the wall: hidden 5 s by the harness clock and shown without a suspension, the client reconnects', { timeout: 30000 }, async (t) => {
    // The companion of the test above: the same real time, the clock moved past 5 s. The client must
    // judge "suspended" by its clock (Date.now / performance.now), which the harness owns.
    const { rt, h, context } = await connectedClient(t, { heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 10000 });
    rt.control.hide();
    await rt.control.advance(SUSPENDED_AFTER_MS + 100);
    await rt.control.show();
    await until(() => h.count('connect') === 2, 4000, 'a reconnect on onAppShow after 5 s hidden', context);
    assert.match(rt.control.tasks().at(-1).cause, MADE_BY_ON_APP_SHOW);
  });
});

// ---- options that only a mini-program runtime shows ----------------------------------------------------

describe('mini-program runtime: options take effect', () => {
  test('handshakeHeaders: the named connect headers (and Authorization) go on the socket handshake, no others', { timeout: 30000 }, async (t) => {
    const { rt, make } = await start(t, { platform: 'wx' });
    const connectHeaders = { ...LOGIN, Authorization: 'Bearer a', 'X-Tenant': 'tenant-7', 'X-Trace': 'trace-1' };
    const named = make(clientOptions({ connectHeaders, handshakeHeaders: ['X-Tenant'], reconnectDelay: 0 }));
    const plain = make(clientOptions({ connectHeaders, reconnectDelay: 0 }));
    activate(named);
    await until(() => named.count('connect') === 1, 5000, 'CONNECTED with handshakeHeaders', () => describeRun(rt, named));
    activate(plain);
    await until(() => plain.count('connect') === 1, 5000, 'CONNECTED without', () => describeRun(rt, plain));
    const [withNamed, without] = rt.control.tasks();
    assert.deepEqual({ ...withNamed.header }, { Authorization: 'Bearer a', 'X-Tenant': 'tenant-7' }, 'handshakeHeaders: [\'X-Tenant\']');
    assert.deepEqual({ ...without.header }, { Authorization: 'Bearer a' }, 'by default only Authorization');
  });

  test('appLifecycle: true (the default) hooks onAppShow/onAppHide once and unhooks on deactivate; false hooks nothing', { timeout: 30000 }, async (t) => {
    const { rt, make } = await start(t, { platform: 'wx' });
    const off = make(clientOptions({ appLifecycle: false, reconnectDelay: 0 }));
    activate(off);
    await until(() => off.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, off));
    assert.deepEqual({ ...rt.control.lifecycle().calls }, { onAppShow: 0, onAppHide: 0, offAppShow: 0, offAppHide: 0 }, 'appLifecycle: false');
    // Hidden past the suspension time and shown: with no hooks, nothing happens on the show.
    rt.control.hide();
    await rt.control.advance(SUSPENDED_AFTER_MS + 100);
    await rt.control.show();
    await barrier(rt, off);
    assert.equal(rt.control.tasks().length, 1, 'no reconnect on the show without the hooks');
    await settles(off.client.deactivate(), 5000, 'deactivate()');

    const on = make(clientOptions({ appLifecycle: true, reconnectDelay: 0 }));
    activate(on);
    await until(() => on.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, on));
    assert.deepEqual({ ...rt.control.lifecycle().calls }, { onAppShow: 1, onAppHide: 1, offAppShow: 0, offAppHide: 0 }, 'appLifecycle: true');
    await settles(on.client.deactivate(), 5000, 'deactivate()');
    assert.deepEqual({ ...rt.control.lifecycle().calls }, { onAppShow: 1, onAppHide: 1, offAppShow: 1, offAppHide: 1 }, 'unhooked');
  });

  test('platform: picks the API object whose connectSocket and lifecycle hooks are used', { timeout: 30000 }, async (t) => {
    // A runtime where wx, tt and uni each exist, as objects of their own.
    const { rt, make } = await start(t, { platform: 'wx', otherPlatforms: ['tt', 'uni', 'my'] });
    const through = [];
    for (const choice of [undefined, 'wx', 'tt', 'uni', 'my']) {
      const h = make(clientOptions({ ...(choice && { platform: choice }), reconnectDelay: 0 }));
      activate(h);
      await until(() => h.count('connect') === 1, 5000, `CONNECTED with platform ${choice}`, () => describeRun(rt, h));
      const task = rt.control.tasks().at(-1);
      const hooks = Object.entries(rt.control.lifecycle().byApi).filter(([, calls]) => calls.onAppShow > calls.offAppShow).map(([api]) => api);
      through.push(`${choice ?? 'unset'} → ${task.through}, hooks on ${hooks.join('+')}`);
      await settles(h.client.deactivate(), 5000, 'deactivate()');
    }
    assert.deepEqual(through, ['unset → wx, hooks on wx', 'wx → wx, hooks on wx', 'tt → tt, hooks on tt', 'uni → uni, hooks on uni', 'my → my, hooks on my']);
  });

  test('platform: \'browser\' in a mini-program (no WebSocket) fails clearly instead of using wx', { timeout: 30000 }, async (t) => {
    const { rt, make } = await start(t, { platform: 'wx' });
    const h = make(clientOptions({ platform: 'browser', reconnectDelay: 0 }));
    let thrown = null;
    try {
      activate(h);
    } catch (error) {
      thrown = String(error?.message ?? error);
    }
    if (thrown === null) await until(() => h.count('webSocketError') >= 1, 3000, 'the error', () => describeRun(rt, h));
    const message = thrown ?? h.events.find((e) => e.type === 'webSocketError').detail;
    assert.match(message, /WebSocket/, 'names the missing WebSocket');
    assert.equal(rt.control.tasks().length, 0, 'no wx.connectSocket');
  });
});

// ---- the example project -------------------------------------------------------------------------------

describe('the example project (www/miniprogram)', () => {
  test('the app-level client connects and the chat page talks with an agent of the demo', { timeout: 30000 }, async (t) => {
    // The project as a person has it after make pkg: the package's files in stomp-wasm/, config.js edited.
    const root = mkdtempSync(join(tmpdir(), 'stomp-wasm-example-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    cpSync(join(ROOT, 'www', 'miniprogram'), root, { recursive: true, filter: (src) => !src.includes(join('miniprogram', 'stomp-wasm')) });
    cpSync(MP, join(root, 'stomp-wasm'), { recursive: true });
    const config = join(root, 'config.js');
    const original = readFileSync(config, 'utf8');
    assert.match(original, /brokerURL: 'wss:\/\//, 'config.js asks for a wss:// URL');
    writeFileSync(config, original.replace(/brokerURL: '[^']*'/, `brokerURL: '${BROKER}'`));
    for (const name of ['app.json', 'project.config.json', 'sitemap.json', 'pages/chat/chat.json']) {
      JSON.parse(readFileSync(join(root, name), 'utf8')); // DevTools refuses a project whose JSON does not parse
    }
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')).pages, ['pages/chat/chat']);
    for (const page of ['pages/chat/chat']) {
      for (const ext of ['js', 'wxml', 'wxss', 'json']) assert.ok(existsSync(join(root, `${page}.${ext}`)), `${page}.${ext}`);
    }

    const rt = runtime(t, { root, platform: 'wx', ios: true });
    const agent = await peerFor(rt);
    const inbox = [];
    await agent.subscribe('/topic/cs.visitor.*', (message) => inbox.push(message));
    rt.require('/app.js');
    const app = rt.control.app();
    // The app's own client, stopped (and checked to stop) before the runtime's teardown checks.
    rt.onTeardown(async () => {
      if (app.client) await settles(app.client.deactivate({ force: true }), 3000, 'the app client\'s deactivate({ force: true })');
    });
    app.onLaunch({ path: 'pages/chat/chat', scene: 1001, query: {} });
    rt.require('/pages/chat/chat.js');
    const page = rt.control.mountPage(0);
    const context = () => `page: ${JSON.stringify(page.data)}\n${describeRun(rt)}\ninbox: ${JSON.stringify(inbox)}`;
    await until(() => page.data.status === 'connected', 8000, 'the badge to say Online', context);
    assert.equal(page.data.statusText, 'Online');
    const conversation = app.conversation.id;
    await until(() => inbox.some((m) => m.headers.type === 'join'), 5000, 'the join', context);

    page.onInput({ detail: { value: '你好，我的订单还没到 📦' } });
    page.send();
    await until(() => inbox.some((m) => m.headers.type === 'text'), 5000, 'the text at the agent', context);
    const text = inbox.find((m) => m.headers.type === 'text');
    assert.equal(text.body, '你好，我的订单还没到 📦');
    assert.equal(text.headers.conversation, conversation);
    assert.equal(text.headers['sender-role'], 'visitor');
    // The text's RECEIPT: the page's subscription, sent before it on the same connection, is on the broker.
    await until(() => page.data.messages[0]?.state === 'sent', 5000, 'the receipt', context);
    assert.equal(page.data.draft, '');

    await agent.send(`/topic/cs.agent.${conversation}`, 'Hello! Let me check.', {
      type: 'text', conversation, 'msg-id': `agent-${RUN}`, sender: 'Agent Lin', 'sender-role': 'agent',
      'sent-at': String(Date.now()), 'content-type': 'text/plain;charset=utf-8',
    });
    await until(() => page.data.messages.length === 2, 5000, 'the agent\'s reply on the page', context);
    assert.deepEqual({ from: page.data.messages[1].from, sender: page.data.messages[1].sender, text: page.data.messages[1].text },
      { from: 'them', sender: 'Agent Lin', text: 'Hello! Let me check.' });
    assert.equal(page.data.scrollTo, 'm-1');
  });
});
