// The browser loader, shared by the two browser builds: instantiates the wasm once from a URL, a
// Response, bytes or a compiled module. `defaultUrl()` says where the wasm is when init() is given
// nothing: next to the module (import.meta.url) in the modern build; the ES2017 build cannot know.
// Written as ES2017.
import { imports, finish } from '../load.js';

async function load(source) {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) {
    throw new Error(
      'stomp-wasm init: this browser has no WebAssembly (turned off by a policy, a JIT-less or lockdown mode, or too old): ' +
      "import 'stomp-wasm/js' instead, the same client on the engine compiled to JavaScript");
  }
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

/** `{ init, initSync }` for a build whose default wasm location is `defaultUrl()`. */
export function makeLoader(defaultUrl) {
  let pending = null;

  /** Loads the wasm once; later calls return the same Promise. */
  function init(input) {
    if (!pending) {
      let source = input && typeof input === 'object' && 'module_or_path' in input ? input.module_or_path : input;
      pending = Promise.resolve()
        .then(function () {
          if (source === undefined || source === null) source = defaultUrl();
          return load(source);
        })
        .then(finish);
      pending.catch(function () {
        pending = null;
      });
    }
    return pending;
  }

  /** Instantiates synchronously from bytes or a `WebAssembly.Module` (small modules, workers). */
  function initSync(module) {
    const source = module && typeof module === 'object' && 'module' in module ? module.module : module;
    const compiled = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    finish(new WebAssembly.Instance(compiled, imports()));
  }

  return { init: init, initSync: initSync };
}
