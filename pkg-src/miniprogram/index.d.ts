// stomp-wasm for mini-programs: the API of the web build, plus the loader.
export * from './api.js';

/** What `WXWebAssembly` / `TTWebAssembly` look like to the loader. */
export interface MiniProgramWebAssembly {
  instantiate(path: string, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: unknown } }>;
}

export interface MiniProgramInitOptions {
  /**
   * The path of `stomp_wasm_bg.wasm.br` (or `.wasm`) inside your code package, from its root, e.g.
   * `'/libs/stomp-wasm/stomp_wasm_bg.wasm.br'`. No URL, no ArrayBuffer: the platforms take a path only.
   */
  wasmPath: string;
  /** Instead of the global `WXWebAssembly` / `TTWebAssembly` (tests, other hosts). */
  wasmApi?: MiniProgramWebAssembly;
}

/** Instantiates the wasm once (later calls return the same Promise); call before `new Client()`. */
export function init(options: MiniProgramInitOptions | string): Promise<void>;
export default init;

/** Whether `init()` has completed. */
export function isInitialized(): boolean;
