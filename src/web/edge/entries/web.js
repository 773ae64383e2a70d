// stomp-wasm for browsers and bundlers (ESM). `await init()` once, then `new Client(...)`.
//
// By default the wasm is fetched from next to this module (`new URL(..., import.meta.url)`, which
// Vite and webpack 5 turn into an emitted asset). `init(url)`, `init({ module_or_path: url })`, bytes
// or a `WebAssembly.Module` load it from elsewhere. Bundlers without import.meta (webpack 4) get
// web-es2017.js instead, through package.json's `module` and `browser` fields.
import { makeLoader } from './web-loader.js';

export * from '../api.js';

const loader = makeLoader(function () {
  return new URL('stomp_wasm_bg.wasm', import.meta.url);
});

export default loader.init;
export const initSync = loader.initSync;
