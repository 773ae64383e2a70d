// What every build of the package exports besides its loader: the Client, the stompjs enums, and the
// stomp.js 2.x facade (Stomp, CompatClient).
// `glue` is the wasm-bindgen glue (--target bundler), bound to an instance by `finish`.
import * as glue from 'stomp-wasm-glue';
import { bindCore } from './client.js';

export { Client } from './client.js';
export { Frame, FrameImpl } from './frames.js';
export { ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions, StompHeaders, StompConfig } from './enums.js';
export { Stomp, CompatClient } from './compat.js';

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
