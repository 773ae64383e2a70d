// stomp-wasm without WebAssembly (CommonJS, ES2017): `stomp-wasm/js`, and what package.json gives React
// Native (its `react-native` field and export condition). The same glue and Client as every build, bound
// to the same engine compiled to JavaScript (engine.js, next to this file: scripts/wasm2js-engine.mjs),
// instantiated when the package is loaded, so `Client` is usable at once; `init()` exists so that code
// written for the other builds runs unchanged. For runtimes with no WebAssembly at all: React Native's
// Hermes, `node --jitless`, Alipay's main thread, browsers with WebAssembly turned off.
//
// Hermes (before React Native 0.74) has no TextEncoder/TextDecoder: the build injects text-polyfill.js,
// the runtime's own taking precedence where it has them (scripts/bundle.mjs).
import { imports, finish } from '../load.js';

export * from '../api.js';

// A plain relative require (left to the runtime's bundler: Metro, webpack, Node), so that the engine is
// one file of the package however this one is consumed.
finish(require('./engine.js').instantiate(imports()));

/** Already done when the package loaded. */
export default function init() {
  return Promise.resolve();
}

export function initSync() {}
