// stomp-wasm for mini-programs (WeChat, Douyin, uni-app builds for them). CommonJS, ES2017.
//
//   const { init, Client } = require('stomp-wasm');
//   await init({ wasmPath: '/libs/stomp-wasm/stomp_wasm_bg.wasm.br' });
//
// `wasmPath` is the path of the wasm file inside your code package, from its root: WXWebAssembly and
// TTWebAssembly take nothing else (no URL, no ArrayBuffer). `.wasm.br` needs WeChat base library
// 2.14.0 / Douyin 2.92.0.0; the plain `.wasm` works from 2.13.0 / 2.34.0.0.
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

/**
 * Instantiates the wasm once; later calls return the same Promise. A failed attempt can be retried.
 * `options`: `{ wasmPath, wasmApi? }` or the path itself.
 */
export function init(options) {
  if (pending) return pending;
  const opts = typeof options === 'string' ? { wasmPath: options } : options || {};
  const path = opts.wasmPath;
  if (typeof path !== 'string' || !/\.wasm(\.br)?$/.test(path)) {
    return Promise.reject(new TypeError(
      'stomp-wasm init: wasmPath must be the path of stomp_wasm_bg.wasm or stomp_wasm_bg.wasm.br inside ' +
      'your code package, from its root (e.g. "/libs/stomp-wasm/stomp_wasm_bg.wasm.br"); got ' + String(path)));
  }
  const api = opts.wasmApi || platformWebAssembly();
  if (!api) {
    return Promise.reject(new Error(
      'stomp-wasm init: this runtime has neither WXWebAssembly (WeChat base library >= 2.13.0) nor ' +
      "TTWebAssembly (Douyin >= 2.34.0.0). In browsers and Node, use the package's main entry instead."));
  }
  pending = new Promise(function (resolve) {
    resolve(api.instantiate(path, imports()));
  }).then(finish, function (error) {
    const message = (error && (error.errMsg || error.message)) || String(error);
    throw new Error('stomp-wasm init: could not instantiate "' + path + '": ' + message);
  });
  pending.then(null, function () {
    pending = null; // let the caller try again (another path, after a download, ...)
  });
  return pending;
}

export default init;
