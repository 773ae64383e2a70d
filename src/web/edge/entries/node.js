// stomp-wasm for Node (CommonJS): the wasm is read and instantiated synchronously when the package
// is required, so `Client` is usable at once; `init()` exists so that the browser code runs unchanged.
// Node 20 has no global WebSocket: `globalThis.WebSocket = require('ws')` first (or webSocketFactory).
import { imports, finish } from '../load.js';

export * from '../api.js';

const fs = require('fs');
const path = require('path');

finish(new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'stomp_wasm_bg.wasm'))), imports()));

/** Already done when the package loaded. */
export default function init() {
  return Promise.resolve();
}

export function initSync() {}
