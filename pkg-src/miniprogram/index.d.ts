// stomp-wasm for mini-programs: the API of the web build, plus the loader.
export * from './api.js';

/** What `WXWebAssembly` / `TTWebAssembly` look like to the loader. */
export interface MiniProgramWebAssembly {
  instantiate(path: string, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: unknown } }>;
}

/** The engine without WebAssembly: the package's `engine.js` (what requiring it returns). */
export interface StompWasmEngine {
  instantiate(imports: Record<string, Record<string, unknown>>): { exports: unknown };
}

export interface MiniProgramInitOptions {
  /**
   * The path of `stomp_wasm_bg.wasm.br` (or `.wasm`) inside your code package, from its root, e.g.
   * `'/libs/stomp-wasm/stomp_wasm_bg.wasm.br'`. No URL, no ArrayBuffer: the platforms take a path only.
   * Needed where `WXWebAssembly` / `TTWebAssembly` exist (WeChat, Douyin); ignored where they do not
   * (Alipay's main thread), where the engine compiled to JavaScript runs instead.
   */
  wasmPath?: string;
  /** Instead of the global `WXWebAssembly` / `TTWebAssembly` (tests, other hosts). */
  wasmApi?: MiniProgramWebAssembly;
  /**
   * The engine compiled to JavaScript (the package's `engine.js`, required by your app), used instead of
   * any WebAssembly. Without it and without WXWebAssembly / TTWebAssembly, init() loads `engine.js` from
   * next to `index.js` itself; pass it where your build keeps only the files required by name.
   */
  engine?: StompWasmEngine;
}

/**
 * Instantiates the engine once (later calls return the same Promise); call before `new Client()`: the
 * wasm through WXWebAssembly / TTWebAssembly, or, where neither exists (Alipay), engine.js.
 */
export function init(options?: MiniProgramInitOptions | string): Promise<void>;
export default init;

/** Whether `init()` has completed. */
export function isInitialized(): boolean;
