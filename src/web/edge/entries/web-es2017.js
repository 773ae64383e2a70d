// stomp-wasm for bundlers that parse no newer syntax than ES2017 and no `import.meta` — webpack 4, as
// Vue CLI 4 and uni-app's Vue 2 H5 builds run it (package.json's `module` and `browser` fields point
// here; `exports`, which webpack 5 and Vite read, points to web.js). The same API as web.js, except
// that this build cannot know where the wasm is: give init() its URL.
//
//   // copy node_modules/stomp-wasm/web/stomp_wasm_bg.wasm into public/ (Vue CLI) or static/ (uni-app)
//   await init('/stomp_wasm_bg.wasm');
//   // or let webpack 4 emit it: a file-loader rule for /stomp_wasm_bg\.wasm$/ (type 'javascript/auto'), then
//   // import wasmUrl from 'stomp-wasm/web/stomp_wasm_bg.wasm'; await init(wasmUrl);
import { makeLoader } from './web-loader.js';

export * from '../api.js';

const loader = makeLoader(function () {
  throw new TypeError(
    "stomp-wasm init(): this build (web/stomp_wasm.es2017.js, for bundlers without import.meta support, such as webpack 4) " +
      "cannot find the wasm by itself: pass its URL, e.g. init('/stomp_wasm_bg.wasm') after copying " +
      'node_modules/stomp-wasm/web/stomp_wasm_bg.wasm into your public/ or static/ directory');
});

export default loader.init;
export const initSync = loader.initSync;
