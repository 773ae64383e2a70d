// The emulated mini-program runtime (WeChat, uni-app, Douyin, Alipay) for the harness: a Node `vm` context
// that, like a phone's, has no WebAssembly, TextEncoder, TextDecoder, window, document, process, Buffer or
// require, refuses code generation from strings (no eval / new Function in mini-programs), and has
// WXWebAssembly (or TTWebAssembly; nothing on Alipay's main thread, whose MyWebAssembly exists only in
// Workers), the platform API object, and timers it owns (platform.js, evaluated
// inside the context). Host side here: the fake code package, a CommonJS `require` rooted in it, and the
// bridge (real timers, package files, sockets backed by the `ws` package).
import vm from 'node:vm';
import { readFileSync, existsSync, statSync, mkdtempSync, mkdirSync, copyFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, posix, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import WebSocket from 'ws';

const HERE = dirname(fileURLToPath(import.meta.url));
const PLATFORM_SOURCE = readFileSync(join(HERE, 'platform.js'), 'utf8');

/**
 * A fake code package laid out as after WeChat's "build npm", with the wasm copied into the package as
 * the README tells: miniprogram_npm/stomp-wasm/* (the .js files of pkg/miniprogram), libs/*.wasm(.br),
 * and the test app (app.js here) at the root.
 */
export function makePackageRoot(miniprogramDir) {
  const root = mkdtempSync(join(tmpdir(), 'stomp-wasm-mp-'));
  const npm = join(root, 'miniprogram_npm', 'stomp-wasm');
  mkdirSync(npm, { recursive: true });
  for (const name of readdirSync(miniprogramDir)) {
    if (name.endsWith('.js') || name === 'package.json') copyFileSync(join(miniprogramDir, name), join(npm, name));
  }
  mkdirSync(join(root, 'libs'));
  for (const name of ['stomp_wasm_bg.wasm', 'stomp_wasm_bg.wasm.br']) {
    copyFileSync(join(miniprogramDir, name), join(root, 'libs', name));
  }
  copyFileSync(join(HERE, 'app.js'), join(root, 'app.js'));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

const WASM_GLOBAL = { wx: 'WXWebAssembly', uni: 'WXWebAssembly', tt: 'TTWebAssembly', my: null };

/**
 * @param {object} o
 * @param {string} o.root            the fake code package
 * @param {'wx'|'uni'|'tt'|'my'} [o.platform]  my: Alipay's main thread (no WebAssembly of any name)
 * @param {boolean} [o.ios]          hide exported Globals from instances (iOS WeChat does not support them),
 *                                   and (macrotaskPromise, default on with ios) Promise as iOS ≤ 15 WeChat's
 *                                   setTimeout-based polyfill
 * @param {number} [o.maxSockets]    5 in WeChat
 * @param {boolean} [o.brotli]       whether instantiate accepts .wasm.br
 * @param {string[]} [o.alsoGlobals] more names for the same API object (uni-app on WeChat: ['wx'])
 * @param {string[]} [o.otherPlatforms] more API objects of their own ('wx', 'uni', 'tt'): which one a
 *                                   client uses shows in each task's `through`
 * @param {boolean} [o.performance] a global `performance` whose now() runs on the harness's clock (default
 *                                   on; the client prefers it to Date.now)
 * @param {boolean} [o.allowCodeGeneration] allow eval/new Function (diagnosis only: the platforms refuse them)
 */
export function createRuntime(o) {
  const platform = o.platform ?? 'wx';
  const config = {
    platform,
    ios: !!o.ios,
    macrotaskPromise: o.macrotaskPromise ?? !!o.ios,
    maxSockets: o.maxSockets ?? 5,
    brotli: o.brotli ?? true,
    wasmGlobal: WASM_GLOBAL[platform],
    sdkVersion: o.sdkVersion ?? '3.6.0',
    alsoGlobals: o.alsoGlobals ?? [],
    otherPlatforms: o.otherPlatforms ?? [],
    performance: o.performance ?? true,
  };
  const notes = [];
  const uncaught = [];
  const hostTimers = new Set();
  const sockets = new Map();
  let nextSocket = 1;
  let disposed = false;

  const context = vm.createContext(
    { console },
    // WeChat: "no eval, no new Function" (except new Function('return this'), which nothing here needs).
    { name: `mini-program runtime (${platform})`, codeGeneration: { strings: !!(o.allowCodeGeneration ?? process.env.MINIPROGRAM_HARNESS_ALLOW_EVAL), wasm: true } },
  );

  const bridge = {
    note: (text) => notes.push(String(text)),
    uncaught: (text) => uncaught.push(String(text)),
    setTimer(fn, ms) {
      const handle = setTimeout(() => {
        hostTimers.delete(handle);
        if (!disposed) fn();
      }, ms);
      hostTimers.add(handle);
      return handle;
    },
    clearTimer(handle) {
      clearTimeout(handle);
      hostTimers.delete(handle);
    },
    defer(fn) {
      const handle = setImmediate(() => {
        hostTimers.delete(handle);
        if (!disposed) fn();
      });
      hostTimers.add(handle);
    },
    readPackageFile(rel, brotli) {
      const file = resolve(o.root, rel);
      if (relative(o.root, file).startsWith('..') || !existsSync(file) || !statSync(file).isFile()) return null;
      const bytes = readFileSync(file);
      return brotli ? brotliDecompressSync(bytes) : bytes;
    },
    utf8Length: (text) => Buffer.byteLength(String(text)),
    openSocket(url, protocols, header, handlers) {
      const id = nextSocket++;
      const ws = new WebSocket(String(url), Array.from(protocols, String), { headers: { ...header } });
      const entry = { ws, dropped: false, url: String(url) };
      sockets.set(id, entry);
      const guard = (fn) => (...args) => {
        if (entry.dropped || disposed) return;
        try {
          fn(...args);
        } catch (error) {
          uncaught.push(error?.stack ?? String(error));
        }
      };
      ws.on('open', guard(() => handlers.open(ws.protocol)));
      ws.on('message', guard((data, binary) => handlers.message(binary ? data : data.toString('utf8'), binary)));
      ws.on('close', guard((code, reason) => {
        sockets.delete(id);
        handlers.close(code, reason.toString('utf8'));
      }));
      ws.on('error', (error) => {
        if (!entry.dropped && !disposed) guard(() => handlers.error(`${error.message}`))();
      });
      return id;
    },
    sendSocket(id, data) {
      const entry = sockets.get(id);
      if (!entry || entry.ws.readyState !== WebSocket.OPEN) return;
      entry.ws.send(typeof data === 'string' ? data : Buffer.from(data), { binary: typeof data !== 'string' });
    },
    closeSocket(id, code, reason) {
      sockets.get(id)?.ws.close(code, reason);
    },
    // The network connection dies under the app (the broker sees it drop); no more events from it.
    dropSocket(id) {
      const entry = sockets.get(id);
      if (!entry) return;
      entry.dropped = true;
      sockets.delete(id);
      entry.ws.terminate();
    },
  };

  const install = vm.runInContext(PLATFORM_SOURCE, context, { filename: join(HERE, 'platform.js') });
  const control = install(bridge, config);

  // CommonJS as the mini-program runtime does it: module-relative, rooted in the code package, bare
  // names from miniprogram_npm/, no Node built-ins.
  const cache = new Map();
  function load(rel) {
    if (cache.has(rel)) return cache.get(rel).exports;
    const file = join(o.root, ...rel.split('/'));
    const source = readFileSync(file, 'utf8');
    const module = vm.runInContext('({ exports: {} })', context);
    cache.set(rel, module);
    const fn = vm.compileFunction(source, ['require', 'module', 'exports'], { parsingContext: context, filename: file });
    fn.call(module.exports, makeRequire(posix.dirname(rel)), module, module.exports);
    return module.exports;
  }
  function makeRequire(fromDir) {
    return function require(spec) {
      spec = String(spec);
      let base;
      if (spec.startsWith('/')) base = posix.normalize(spec.slice(1));
      else if (spec.startsWith('./') || spec.startsWith('../')) base = posix.normalize(posix.join(fromDir, spec));
      else base = posix.join('miniprogram_npm', spec);
      const candidates = [base, `${base}.js`, posix.join(base, 'index.js')];
      for (const rel of candidates) {
        if (rel.startsWith('..')) break;
        const file = join(o.root, ...rel.split('/'));
        if (existsSync(file) && statSync(file).isFile()) return load(rel);
      }
      throw new Error(`module "${spec}" is not defined`);
    };
  }

  return {
    platform,
    context,
    control,
    notes,
    uncaught,
    /** require() from the package root, inside the runtime. */
    require: makeRequire('.'),
    /** Evaluates code inside the runtime. */
    eval: (code) => vm.runInContext(code, context),
    /** What the runtime's global object has of these names. */
    typeofGlobals: (names) => Object.fromEntries(names.map((n) => [n, vm.runInContext(`typeof globalThis[${JSON.stringify(n)}]`, context)])),
    violations: () => Array.from(control.violations),
    hostSockets: () => sockets.size,
    dispose() {
      control.dispose();
      disposed = true;
      for (const handle of hostTimers) {
        clearTimeout(handle);
        clearImmediate(handle);
      }
      hostTimers.clear();
      for (const entry of sockets.values()) entry.ws.terminate();
      sockets.clear();
    },
  };
}
