// stomp-wasm for browsers and bundlers (ESM). `await init()` once, then `new Client(...)`.
//
// By default the wasm is fetched from next to this module (`new URL(..., import.meta.url)`, which
// Vite and webpack 5 turn into an emitted asset). Where `import.meta` is unavailable (the ES2017 build
// for webpack 4), pass it: `init(url)`, `init({ module_or_path: url })`, or bytes / a
// `WebAssembly.Module`.
import { imports, finish } from '../api.js';

export { Client, Frame, ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions, StompHeaders, StompConfig, Stomp, CompatClient, isInitialized } from '../api.js';

let pending = null;

function defaultUrl() {
  return new URL('stomp_wasm_bg.wasm', import.meta.url);
}

async function load(source) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports());
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.instantiate(source, imports());
  const response = await (source instanceof Response ? source : fetch(source));
  if (!response.ok) throw new Error('stomp-wasm init: fetching the wasm failed: HTTP ' + response.status + ' for ' + response.url);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return await WebAssembly.instantiateStreaming(response.clone(), imports());
    } catch (e) {
      // A server that sends the wasm without `application/wasm`: read it whole instead.
      if (response.headers.get('Content-Type') === 'application/wasm') throw e;
    }
  }
  return WebAssembly.instantiate(await response.arrayBuffer(), imports());
}

/** Loads the wasm once; later calls return the same Promise. */
export default function init(input) {
  if (!pending) {
    let source = input && typeof input === 'object' && 'module_or_path' in input ? input.module_or_path : input;
    if (source === undefined || source === null) source = defaultUrl();
    pending = load(source).then(finish);
    pending.catch(function () {
      pending = null;
    });
  }
  return pending;
}

/** Instantiates synchronously from bytes or a `WebAssembly.Module` (small modules, workers). */
export function initSync(module) {
  const source = module && typeof module === 'object' && 'module' in module ? module.module : module;
  const compiled = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  finish(new WebAssembly.Instance(compiled, imports()));
}
