// Binding the wasm-bindgen glue (--target bundler: `glue`) to an instantiated module, for every
// build's loader (entries/*.js). Not part of the public API (api.js re-exports `isInitialized` only).
import * as glue from 'stomp-wasm-glue';
import { bindCore } from './client.js';

/** The import object the wasm module is instantiated with. */
export function imports() {
  return { './stomp_wasm_bg.js': glue };
}

let ready = false;

/** Binds the glue to an instantiated module (`instance`, or `{instance}` as instantiate gives). */
export function finish(result) {
  const instance = result && result.instance ? result.instance : result;
  if (!instance || !instance.exports || !instance.exports.memory) {
    throw new Error('stomp-wasm: the wasm module was not instantiated (no exports)');
  }
  glue.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
  bindCore(glue.ClientCore);
  ready = true;
}

/** Whether `init()` has completed. */
export function isInitialized() {
  return ready;
}
