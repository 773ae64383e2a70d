// The mini-program build (pkg/miniprogram/, scripts/build-miniprogram) in an emulated WeChat / uni-app /
// Douyin runtime (tests/miniprogram/): static gates on the artefacts, the loader, and the Client against
// the loopback RabbitMQ through the platform's SocketTask, including hide → suspend → show.
// Needs pkg/ (scripts/build-pkg) and the broker (scripts/broker start); `make test` provides both.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
// The same budgets as scripts/build-miniprogram.
const BUDGET_SHIPPED = 262144;
const BUDGET_WASM_BR = 122880;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let pkg;
before(() => {
  assert.ok(existsSync(WASM), `${WASM} is built (scripts/build-pkg, which runs scripts/build-miniprogram)`);
  pkg = makePackageRoot(MP);
});
after(() => pkg?.dispose());

/** Polls `condition` every 10 ms; fails after `ms` with `what` and `context()`. */
async function until(condition, ms, what, context = () => '') {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}\n${context()}`);
    await sleep(10);
  }
}

/** A runtime with the package loaded and initialised. */
async function start(options = {}) {
  const rt = createRuntime({ root: pkg.root, ...options });
  const app = rt.require('/app.js');
  await app.init(options.wasmPath ?? '/libs/stomp_wasm_bg.wasm.br');
  return { rt, app };
}

function describeRun(rt, h) {
  const events = h ? Array.from(h.events, (e) => `${e.type}${e.detail === null ? '' : `(${e.detail})`}`).join(' ') : '';
  return [
    `events: ${events}`,
    `tasks: ${JSON.stringify(rt.control.tasks())}`,
    `violations: ${JSON.stringify(rt.violations())}`,
    `uncaught: ${rt.uncaught.join('\n')}`,
    `platform log: ${Array.from(rt.control.log).join(', ')}`,
    h?.debug.length ? `debug (last 30):\n  ${Array.from(h.debug).slice(-30).join('\n  ')}` : '',
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

/** Stops the client without masking the test's own failure, and tears the runtime down. */
async function stop(rt, h) {
  try {
    if (h) await settles(h.client.deactivate({ force: true }), 3000, 'deactivate({ force: true })');
  } catch {
    // The test has failed already (a client broken by then may neither trap nor settle).
  }
  rt.dispose();
}

function clientOptions(extra = {}) {
  return JSON.stringify({ brokerURL: BROKER, connectHeaders: LOGIN, debugLog: true, ...extra });
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

  test('the wasm exports no Globals (iOS), the .wasm.br is the same module, and imports match the glue', () => {
    const bytes = readFileSync(WASM);
    assert.deepEqual(brotliDecompressSync(readFileSync(`${WASM}.br`)), bytes, '.wasm.br decompresses to the .wasm');
    const module = new WebAssembly.Module(bytes);
    const globals = WebAssembly.Module.exports(module).filter((e) => e.kind === 'global');
    assert.deepEqual(globals, [], 'no exported Globals');
    const glue = createRequire(import.meta.url)(join(MP, 'stomp_wasm_bg.js'));
    const imports = WebAssembly.Module.imports(module);
    assert.ok(imports.length > 0);
    for (const i of imports) {
      assert.equal(i.module, './stomp_wasm_bg.js', `import module of ${i.name}`);
      assert.equal(typeof glue[i.name], 'function', `the glue exports ${i.name}`);
    }
  });

  test('the loader and glue evaluate with no TextEncoder, TextDecoder, WebAssembly or window; the polyfill fills only the gaps', { timeout: 30000 }, async () => {
    const bare = createRuntime({ root: pkg.root, allowCodeGeneration: false });
    try {
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
    } finally {
      bare.dispose();
    }
    const native = createRuntime({ root: pkg.root });
    try {
      native.eval('globalThis.TextEncoder = function TextEncoder() {}; globalThis.TextDecoder = function TextDecoder() { this.decode = function () { return ""; }; };');
      native.require('stomp-wasm');
      assert.equal(native.eval('TextDecoder.name + " " + TextEncoder.name'), 'TextDecoder TextEncoder', 'existing ones are kept');
      assert.deepEqual(Array.from(native.require('/miniprogram_npm/stomp-wasm/text-polyfill.js').installed), []);
    } finally {
      native.dispose();
    }
  });

  test('the UTF-8 polyfill agrees with the native TextEncoder/TextDecoder', () => {
    const context = vm.createContext({});
    const module = vm.runInContext('({ exports: {} })', context);
    vm.runInContext(`(function (module, exports) {${readFileSync(join(MP, 'text-polyfill.js'), 'utf8')}\n})`, context)(module, module.exports);
    const { Utf8TextEncoder, Utf8TextDecoder } = module.exports;
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
    for (const name of ['index.js', 'text-polyfill.js', 'stomp_wasm_bg.js']) {
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
    for (const name of ['stomp_wasm_bg.js', 'index.js', 'text-polyfill.js']) rows[name] = size(join(MP, name));
    for (const [name, s] of Object.entries(rows)) {
      t.diagnostic(`${name.padEnd(24)} ${String(s.raw).padStart(7)} raw ${String(s.gzip).padStart(7)} gzip ${String(s.brotli).padStart(7)} brotli`);
    }
    const wasmBr = statSync(`${WASM}.br`).size;
    const shipped = wasmBr + ['stomp_wasm_bg.js', 'index.js', 'text-polyfill.js'].reduce((n, f) => n + statSync(join(MP, f)).size, 0);
    t.diagnostic(`shipped (.wasm.br + js): ${shipped} bytes of ${BUDGET_SHIPPED}; .wasm.br ${wasmBr} of ${BUDGET_WASM_BR}`);
    assert.ok(shipped <= BUDGET_SHIPPED, `shipped ${shipped} > ${BUDGET_SHIPPED}`);
    assert.ok(wasmBr <= BUDGET_WASM_BR, `.wasm.br ${wasmBr} > ${BUDGET_WASM_BR}`);
  });
});

// ---- the loader ---------------------------------------------------------------------------------------

describe('mini-program loader', () => {
  test('init takes a package path only; a URL, bytes, a relative or a missing path fail clearly; retry works', { timeout: 30000 }, async () => {
    const rt = createRuntime({ root: pkg.root, platform: 'wx' });
    try {
      const lib = rt.require('stomp-wasm');
      await assert.rejects(lib.init({ wasmPath: rt.eval('new ArrayBuffer(8)') }), /wasmPath must be the path of stomp_wasm_bg\.wasm/);
      await assert.rejects(lib.init({}), /wasmPath/);
      await assert.rejects(lib.init({ wasmPath: 'https://cdn.example/stomp_wasm_bg.wasm' }), /only paths inside the code package/);
      await assert.rejects(lib.init({ wasmPath: './libs/stomp_wasm_bg.wasm' }), /start at the package root/);
      await assert.rejects(lib.init({ wasmPath: '/nowhere/stomp_wasm_bg.wasm.br' }), /could not instantiate "\/nowhere\/stomp_wasm_bg\.wasm\.br": .*no such file/);
      assert.equal(lib.isInitialized(), false);
      const first = lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm' });
      assert.equal(lib.init('/libs/other.wasm'), first, 'a second call returns the first Promise');
      await first;
      assert.equal(lib.isInitialized(), true);
      assert.deepEqual(Array.from(rt.control.hiddenGlobals), []);
    } finally {
      rt.dispose();
    }
  });

  test('without WXWebAssembly / TTWebAssembly, init says which base library is needed', { timeout: 30000 }, async () => {
    const rt = createRuntime({ root: pkg.root, platform: 'wx' });
    try {
      rt.eval('delete globalThis.WXWebAssembly');
      await assert.rejects(rt.require('stomp-wasm').init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' }), /neither WXWebAssembly \(WeChat base library >= 2\.13\.0\) nor TTWebAssembly/);
    } finally {
      rt.dispose();
    }
  });

  test('Douyin: TTWebAssembly; a base library without brotli takes the plain .wasm', { timeout: 30000 }, async () => {
    const rt = createRuntime({ root: pkg.root, platform: 'tt', brotli: false });
    try {
      const lib = rt.require('stomp-wasm');
      await assert.rejects(lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm.br' }), /not a \.wasm file/);
      await lib.init({ wasmPath: '/libs/stomp_wasm_bg.wasm' });
      rt.context.lib = lib;
      assert.equal(rt.eval(`typeof new lib.Client({ brokerURL: 'ws://127.0.0.1:15674/ws' }).activate`), 'function');
    } finally {
      rt.dispose();
    }
  });

  test('webSocketFactory over a SocketTask (the browser-style path) round-trips a message', { timeout: 30000 }, async () => {
    const { rt, app } = await start({ platform: 'wx' });
    const h = app.makeClient(clientOptions({ factory: 'wx', reconnectDelay: 0 }));
    try {
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, h));
      const topic = `/topic/mp-factory-${RUN}`;
      h.subscribe(topic);
      await sleep(100);
      h.publish(JSON.stringify({ destination: topic, body: '工厂 🏭' }));
      await until(() => h.messages[topic]?.length === 1, 5000, 'the message', () => describeRun(rt, h));
      assert.equal(h.messages[topic][0].body, '工厂 🏭');
      assert.deepEqual(rt.violations(), []);
    } finally {
      await stop(rt, h);
    }
  });
});

// ---- the Client on each platform -----------------------------------------------------------------------

const PLATFORMS = [
  // WeChat on iOS: exported Globals hidden from the instance; the platform drops sockets without onClose.
  { platform: 'wx', ios: true, withOnClose: false },
  // uni-app (its own API object only, so detection must find `uni`); onClose comes when the app thaws.
  { platform: 'uni', withOnClose: true },
  { platform: 'tt', withOnClose: false },
];

for (const variant of PLATFORMS) {
  const { platform } = variant;
  describe(`mini-program runtime: ${platform}${variant.ios ? ' (iOS mode)' : ''}`, () => {
    test('connect, subscribe, Chinese + emoji text and a binary body, heart-beats, deactivate', { timeout: 30000 }, async () => {
      const { rt, app } = await start(variant);
      const h = app.makeClient(clientOptions({
        connectHeaders: { ...LOGIN, Authorization: 'Bearer mini-program' },
        heartbeatIncoming: 1000,
        heartbeatOutgoing: 1000,
        reconnectDelay: 0,
      }));
      const context = () => describeRun(rt, h);
      try {
        activate(h);
        await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
        const [task] = rt.control.tasks();
        assert.equal(task.url, BROKER);
        assert.deepEqual(Array.from(task.protocols), ['v12.stomp', 'v11.stomp', 'v10.stomp']);
        assert.equal(task.header?.Authorization, 'Bearer mini-program', 'Authorization goes on the handshake');
        const topic = `/topic/mp-${platform}-${RUN}`;
        h.subscribe(topic);
        await sleep(100);
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
        // Heart-beats both ways at 1 s.
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
        assert.deepEqual(rt.violations(), [], 'call shapes');
        assert.deepEqual(rt.uncaught, []);
      } finally {
        await stop(rt, h);
      }
    });

    test('hide → 5 s → suspend → show: reconnects at once, resubscribes, a message queued while suspended arrives exactly once', { timeout: 30000 }, async () => {
      const { rt, app } = await start(variant);
      const h = app.makeClient(clientOptions({
        heartbeatIncoming: 2000,
        heartbeatOutgoing: 2000,
        reconnectDelay: 10000, // a reconnect within seconds of the show comes from onAppShow, not the backoff
        maxReconnectAttempts: 3,
      }));
      const context = () => describeRun(rt, h);
      const queue = `/queue/mp-${platform}-${RUN}`;
      // Every frame that may declare the queue says the same (RabbitMQ refuses unequal arguments); it
      // expires a minute after its last use, so test runs leave no queues behind.
      const QUEUE_ARGS = { 'x-expires': '60000' };
      const topic = `/topic/mp-${platform}-${RUN}-live`;
      const peer = await connectPeer(BROKER);
      try {
        activate(h);
        await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
        // Acknowledged one by one: a message the broker pushes into the dying connection is redelivered.
        h.subscribe(queue, JSON.stringify({ ...QUEUE_ARGS, ack: 'client-individual' }));
        h.subscribe(topic);
        await sleep(150);
        await peer.send(queue, 'before hide', QUEUE_ARGS);
        await until(() => h.messages[queue]?.length === 1, 5000, 'the first queue message', context);

        // A timer the app sets as it goes to the background: it comes due while the app is suspended,
        // so it runs when the app thaws, before onAppShow, while the socket is dead.
        h.publishLater(5600, JSON.stringify({ destination: queue, body: 'queued while suspended 📦', headers: QUEUE_ARGS }));
        rt.control.hide();
        await sleep(5000); // WeChat suspends about 5 s after the hide; JS and heart-beats run until then
        assert.equal(h.client.connected, true, 'still connected while hidden, before the suspension');
        assert.equal(h.count('heartbeatLost'), 0);
        rt.control.suspend(variant.withOnClose);
        await peer.send(queue, 'sent by a peer while suspended', QUEUE_ARGS);
        await sleep(300);
        const before = rt.control.tasks().length;
        const shownAt = Date.now();
        // Thaw (the clock jumps 30 s), 50 ms of runningState=suspend, then onAppShow.
        await rt.control.show(30000, 50);
        await until(() => h.count('connect') === 2, 4000, 'the reconnect after onAppShow', context);
        const reconnectMs = Date.now() - shownAt;
        await until(() => h.messages[queue]?.length >= 3, 4000, 'the queued and the peer message', context);
        await peer.send(topic, 'live after the show');
        await until(() => h.messages[topic]?.length === 1, 4000, 'a topic message after the show (resubscribed)', context);
        await sleep(1500); // anything sent twice would have arrived by now
        const bodies = Array.from(h.messages[queue], (m) => m.body).sort();
        assert.deepEqual(bodies, ['before hide', 'queued while suspended 📦', 'sent by a peer while suspended'].sort(), context());
        assert.ok(reconnectMs < 3000, `reconnected ${reconnectMs} ms after the show`);
        assert.equal(h.count('publishFromTimer'), 1);
        const after = rt.control.tasks().slice(before - 1);
        for (const task of after.filter((t) => t.status === 'refused')) {
          assert.match(task.refusal, /runningState=suspend/);
        }
        assert.notEqual(String(h.client.connectionState), 'failed');
        assert.ok(rt.control.openSockets() === 1, `one open socket, not ${rt.control.openSockets()}`);
        assert.deepEqual(rt.violations(), [], 'call shapes');
        assert.deepEqual(rt.uncaught, []);
      } finally {
        peer.close();
        await stop(rt, h);
      }
    });

    test('the 6th socket is refused with a clear error; the client connects when a slot frees', { timeout: 30000 }, async () => {
      const { rt, app } = await start(variant);
      const raw = Array.from({ length: 5 }, () => app.openRawSocket(platform, BROKER));
      const h = app.makeClient(clientOptions({ reconnectDelay: 300 }));
      const context = () => describeRun(rt, h);
      try {
        await until(() => raw.every((r) => r.open), 5000, 'five sockets open', context);
        activate(h);
        await until(() => h.count('webSocketError') >= 1, 3000, 'the refusal', context);
        const error = h.events.find((e) => e.type === 'webSocketError').detail;
        assert.match(error, new RegExp(`${platform}\\.connectSocket`), 'names the platform');
        assert.match(error, /exceed max task count/, 'carries the errMsg');
        assert.equal(h.count('connect'), 0);
        raw[0].task.close({ code: 1000, reason: 'make room' });
        await until(() => h.count('connect') === 1, 5000, 'CONNECTED once a slot is free', context);
        assert.deepEqual(rt.violations(), [], 'call shapes');
      } finally {
        await stop(rt, h);
      }
    });
  });
}

describe('mini-program runtime: lifecycle options', () => {
  test('a reconnect that comes due while suspended fails with runningState=suspend and is not counted', { timeout: 30000 }, async () => {
    const { rt, app } = await start({ platform: 'wx' });
    // One attempt allowed: had the refused one counted, the client would give up ('failed').
    const h = app.makeClient(clientOptions({ reconnectDelay: 8000, maxReconnectAttempts: 1 }));
    const context = () => describeRun(rt, h);
    try {
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
      rt.control.dropTask(1); // the network drops the socket: the client waits out its 8 s backoff...
      await until(() => h.count('reconnectScheduled') === 1, 2000, 'the backoff', context);
      rt.control.hide(); // ...while the app goes to the background and is suspended 5 s later
      await sleep(5000);
      rt.control.suspend(false);
      await sleep(200);
      await rt.control.show(30000, 150); // the backoff timer fires in the thaw, before onAppShow
      await until(() => h.count('connect') === 2, 4000, 'the reconnect after onAppShow', context);
      const refused = rt.control.tasks().filter((t) => t.status === 'refused');
      assert.equal(refused.length, 1, `one attempt refused in the thaw\n${context()}`);
      assert.match(refused[0].refusal, /runningState=suspend/);
      assert.ok(h.events.some((e) => e.type === 'webSocketError' && /wx\.connectSocket.*runningState=suspend/.test(e.detail)),
        'reported through onWebSocketError, naming the platform and errMsg');
      assert.equal(h.count('reconnectFailed'), 0);
      assert.equal(h.client.connected, true);
      assert.deepEqual(rt.violations(), []);
    } finally {
      await stop(rt, h);
    }
  });

  test('without heart-beats or onClose, a show after ≥ 5 s hidden still reconnects and resubscribes', { timeout: 30000 }, async () => {
    const { rt, app } = await start({ platform: 'wx' });
    // Nothing tells the client its socket died: no heart-beats, and the platform reports no close.
    const h = app.makeClient(clientOptions({ heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 10000 }));
    const context = () => describeRun(rt, h);
    const topic = `/topic/mp-silent-${RUN}`;
    const peer = await connectPeer(BROKER);
    try {
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', context);
      h.subscribe(topic);
      rt.control.hide();
      await sleep(5000);
      rt.control.suspend(false);
      await sleep(200);
      await rt.control.show(60000, 50);
      await until(() => h.count('connect') === 2, 3000, 'the reconnect on onAppShow', context);
      await sleep(100);
      await peer.send(topic, 'after a silent death');
      await until(() => h.messages[topic]?.length === 1, 4000, 'a message on the restored subscription', context);
      assert.equal(rt.control.openSockets(), 1);
      assert.deepEqual(rt.violations(), []);
    } finally {
      peer.close();
      await stop(rt, h);
    }
  });

  test('hidden briefly (< 5 s) and shown: the connection is kept', { timeout: 30000 }, async () => {
    const { rt, app } = await start({ platform: 'wx' });
    const h = app.makeClient(clientOptions({ reconnectDelay: 10000 }));
    try {
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, h));
      rt.control.hide();
      await sleep(800);
      await rt.control.show();
      await sleep(500);
      assert.equal(h.count('connect'), 1, 'no reconnect');
      assert.equal(rt.control.tasks().length, 1, 'no new socket');
      assert.equal(h.client.connected, true);
    } finally {
      await stop(rt, h);
    }
  });

  test('appLifecycle: false registers no hooks', { timeout: 30000 }, async () => {
    const { rt, app } = await start({ platform: 'wx' });
    const h = app.makeClient(clientOptions({ appLifecycle: false, reconnectDelay: 0 }));
    try {
      activate(h);
      await until(() => h.count('connect') === 1, 5000, 'CONNECTED', () => describeRun(rt, h));
      assert.deepEqual({ ...rt.control.lifecycle().calls }, { onAppShow: 0, onAppHide: 0, offAppShow: 0, offAppHide: 0 });
    } finally {
      await stop(rt, h);
    }
  });
});

// ---- the example project -------------------------------------------------------------------------------

describe('the example project (www/miniprogram)', () => {
  test('the app-level client connects and the chat page talks with an agent of the demo', { timeout: 30000 }, async () => {
    // The project as a person has it after make pkg: the package's files in stomp-wasm/, config.js edited.
    const root = mkdtempSync(join(tmpdir(), 'stomp-wasm-example-'));
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

    const rt = createRuntime({ root, platform: 'wx', ios: true });
    const agent = await connectPeer(BROKER);
    const inbox = [];
    await agent.subscribe('/topic/cs.visitor.*', (message) => inbox.push(message));
    let app;
    try {
      rt.require('/app.js');
      app = rt.control.app();
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
      assert.deepEqual(rt.violations(), []);
      assert.deepEqual(rt.uncaught, []);
    } finally {
      agent.close();
      await stop(rt, app?.client ? { client: app.client } : null);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
