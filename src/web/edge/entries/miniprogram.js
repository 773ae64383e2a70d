// stomp-wasm for mini-programs (WeChat, Douyin, uni-app builds for them, Alipay). CommonJS, ES2017.
//
//   const { init, Client } = require('stomp-wasm');
//   await init({ wasmPath: '/libs/stomp-wasm/stomp_wasm_bg.wasm.br' });
//
// `wasmPath` is the path of the wasm file inside your code package, from its root: WXWebAssembly and
// TTWebAssembly take nothing else (no URL, no ArrayBuffer). `.wasm.br` needs WeChat base library
// 2.14.0 / Douyin 2.92.0.0; the plain `.wasm` works from 2.13.0 / 2.34.0.0.
//
// Where neither exists (Alipay, whose MyWebAssembly runs only in Workers; WeChat before 2.13.0), init()
// loads the same engine compiled to JavaScript instead: engine.js next to this file (or `engine`, that
// module, which the app required itself). It is a file of its own, loaded only then, so that what a WeChat or
// Douyin package ships does not grow.
//
// The runtimes have no TextEncoder/TextDecoder: the build injects text-polyfill.js for every use of
// them (scripts/bundle.mjs), the platform's own taking precedence where it has them.
import { imports, finish } from '../load.js';

export * from '../api.js';

let pending = null;

function platformWebAssembly() {
  if (typeof WXWebAssembly !== 'undefined' && WXWebAssembly && typeof WXWebAssembly.instantiate === 'function') {
    return WXWebAssembly;
  }
  if (typeof TTWebAssembly !== 'undefined' && TTWebAssembly && typeof TTWebAssembly.instantiate === 'function') {
    return TTWebAssembly;
  }
  return null;
}

// The runtime's require, called under another name: WeChat's upload keeps every file that a literal
// `require('…')` names, and the engine (about 250 KB) would then ship in every package that never loads it.
const loadModule = typeof require === 'function' ? require : null;

/** The engine compiled to JavaScript, next to this file; a clear error when the package lacks it. */
function jsEngine() {
  const name = './engine' + '.js';
  try {
    if (loadModule) return loadModule(name);
  } catch (error) {
    throw new Error(
      'stomp-wasm init: this runtime has neither WXWebAssembly (WeChat base library >= 2.13.0) nor ' +
      'TTWebAssembly (Douyin >= 2.34.0.0), and the engine without WebAssembly (engine.js, next to ' +
      "stomp-wasm's index.js) could not be loaded: " + ((error && (error.errMsg || error.message)) || String(error)) +
      ". Require stomp-wasm's engine.js in your app and pass it: init({ engine })");
  }
  throw new Error("stomp-wasm init: no require here to load engine.js: require stomp-wasm's engine.js in your app and pass it: init({ engine })");
}

function instantiateJs(engine) {
  if (!engine || typeof engine.instantiate !== 'function') {
    throw new TypeError("stomp-wasm init: engine must be stomp-wasm's engine.js module (what requiring it returns), got " + String(engine));
  }
  return engine.instantiate(imports());
}

/**
 * Instantiates the engine once; later calls return the same Promise. A failed attempt can be retried.
 * `options`: `{ wasmPath, wasmApi?, engine? }` or the path itself. With WXWebAssembly / TTWebAssembly
 * (or `wasmApi`), the wasm at `wasmPath`; without, or with `engine`, the engine compiled to JavaScript.
 */
export function init(options) {
  if (pending) return pending;
  const opts = typeof options === 'string' ? { wasmPath: options } : options || {};
  const api = opts.engine ? null : opts.wasmApi || platformWebAssembly();
  if (!api) {
    pending = new Promise(function (resolve) {
      resolve(finish(instantiateJs(opts.engine || jsEngine())));
    });
  } else {
    const path = opts.wasmPath;
    if (typeof path !== 'string' || !/\.wasm(\.br)?$/.test(path)) {
      return Promise.reject(new TypeError(
        'stomp-wasm init: wasmPath must be the path of stomp_wasm_bg.wasm or stomp_wasm_bg.wasm.br inside ' +
        'your code package, from its root (e.g. "/libs/stomp-wasm/stomp_wasm_bg.wasm.br"); got ' + String(path)));
    }
    pending = new Promise(function (resolve) {
      resolve(api.instantiate(path, imports()));
    }).then(finish, function (error) {
      const message = (error && (error.errMsg || error.message)) || String(error);
      throw new Error('stomp-wasm init: could not instantiate "' + path + '": ' + message);
    });
  }
  pending.then(null, function () {
    pending = null; // let the caller try again (another path, after a download, ...)
  });
  return pending;
}

export default init;
