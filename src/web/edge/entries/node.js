// stomp-wasm for Node (CommonJS): the wasm is read and instantiated synchronously when the package
// is required, so `Client` is usable at once; `init()` exists so that the browser code runs unchanged.
// Node 20 has no global WebSocket: `globalThis.WebSocket = require('ws')` first (or webSocketFactory).
//
// Where Node runs without WebAssembly (`node --jitless`, `--disallow-code-generation-from-strings` does
// not matter), the same engine compiled to JavaScript is loaded instead, from the package's js/
// directory (the `stomp-wasm/js` build's engine.js): same glue, same Client, slower.
import { imports, finish } from '../load.js';

export * from '../api.js';

const fs = require('fs');
const path = require('path');

function instance() {
  if (typeof WebAssembly === 'object' && WebAssembly !== null) {
    return new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'stomp_wasm_bg.wasm'))), imports());
  }
  return require(path.join(__dirname, '..', 'js', 'engine.js')).instantiate(imports());
}

finish(instance());

/** Already done when the package loaded. */
export default function init() {
  return Promise.resolve();
}

export function initSync() {}
