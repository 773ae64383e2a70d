/*
 * stomp-wasm for mini-programs (WeChat, Douyin, uni-app builds for them). CommonJS.
 *
 *   const { init, Client } = require('stomp-wasm');          // or a copy of this directory
 *   await init({ wasmPath: '/libs/stomp-wasm/stomp_wasm_bg.wasm.br' });
 *   const client = new Client({ brokerURL: 'wss://example.com/ws', connectHeaders: { ... } });
 *
 * `wasmPath` is the path of the wasm file inside your code package, from its root: WXWebAssembly and
 * TTWebAssembly take nothing else (no URL, no ArrayBuffer). `.wasm.br` needs WeChat base library
 * 2.14.0 / Douyin 2.92.0.0; the plain `.wasm` works from 2.13.0 / 2.34.0.0.
 */
'use strict';

// First, before the glue is evaluated: the glue builds a TextDecoder as it loads.
require('./text-polyfill.js');
var bg = require('./stomp_wasm_bg.js');

var GLUE_MODULE = './stomp_wasm_bg.js';
var pending = null;
var loaded = false;

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
 * @param {{ wasmPath: string, wasmApi?: { instantiate(path: string, imports: object): Promise<any> } } | string} options
 * @returns {Promise<void>}
 */
function init(options) {
  if (pending) return pending;
  var opts = typeof options === 'string' ? { wasmPath: options } : options || {};
  var path = opts.wasmPath;
  if (typeof path !== 'string' || !/\.wasm(\.br)?$/.test(path)) {
    return Promise.reject(new TypeError(
      'stomp-wasm init: wasmPath must be the path of stomp_wasm_bg.wasm or stomp_wasm_bg.wasm.br inside ' +
      'your code package, from its root (e.g. "/libs/stomp-wasm/stomp_wasm_bg.wasm.br"); got ' + String(path)));
  }
  var api = opts.wasmApi || platformWebAssembly();
  if (!api) {
    return Promise.reject(new Error(
      'stomp-wasm init: this runtime has neither WXWebAssembly (WeChat base library >= 2.13.0) nor ' +
      'TTWebAssembly (Douyin >= 2.34.0.0). In browsers and Node, use the package\'s main entry instead.'));
  }
  var imports = {};
  imports[GLUE_MODULE] = bg;
  pending = new Promise(function (resolve) {
    resolve(api.instantiate(path, imports));
  }).then(function (result) {
    var instance = result && result.instance ? result.instance : result;
    if (!instance || !instance.exports || !instance.exports.memory) {
      throw new Error('stomp-wasm init: instantiate("' + path + '") returned no instance with exports');
    }
    bg.__wbg_set_wasm(instance.exports);
    if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
    loaded = true;
  }, function (error) {
    var message = error && (error.errMsg || error.message) || String(error);
    throw new Error('stomp-wasm init: could not instantiate "' + path + '": ' + message);
  });
  pending.then(null, function () {
    pending = null; // let the caller try again (another path, after a download, ...)
  });
  return pending;
}

exports.init = init;
exports.default = init;
/** Whether init() has completed. */
exports.isInitialized = function () {
  return loaded;
};
// The API: every export of the glue but its wasm-facing functions (Client, Message, the enums, ...).
Object.keys(bg).forEach(function (name) {
  if (!/^__wb/.test(name)) exports[name] = bg[name];
});
