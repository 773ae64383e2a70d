// The wasm linear memory of the package, read without touching the package: WebAssembly.Instance is
// wrapped and the first instance's `memory` export is kept. Used by bench/memory.mjs and scripts/soak.mjs.

/**
 * Wraps WebAssembly.Instance (call it before the package instantiates its module); returns a function
 * giving the kept memory's size in bytes now, or null while no instance (or no memory export) was seen.
 */
export function watchWasmMemory() {
  let memory = null;
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
    construct(target, args) {
      const instance = Reflect.construct(target, args);
      memory ??= instance.exports.memory ?? null;
      return instance;
    },
  });
  return () => (memory ? memory.buffer.byteLength : null);
}
