// Injected by scripts/bundle.mjs into the mini-program build: every use of TextEncoder/TextDecoder
// (the glue's and the client's) reads these, the runtime's own where it has them.
export { TextEncoder, TextDecoder } from '../text-polyfill.js';
