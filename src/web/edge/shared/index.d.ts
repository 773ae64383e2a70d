// Types of stomp-wasm/shared (pkg/web/shared.d.ts): the package's API, with the Client a proxy of
// one real client shared by every tab of the origin with the same configuration.
import type {
  Client as TabClient,
  ClientOptions,
  ClientEventMap,
} from './api.js';

export {
  Frame,
  ActivationState,
  ReconnectionTimeMode,
  StompSocketState,
  TickerStrategy,
  Versions,
  StompHeaders,
  StompConfig,
} from './api.js';
export type * from './api.js';

/** Where the connection runs: a SharedWorker, a leader tab, or this tab alone (no sharing possible). */
export type ShareMode = 'worker' | 'leader' | 'tab';

/** Options of shared mode only. */
export interface SharedOptions {
  /** 'auto' (default): a SharedWorker, else a leader tab, else this tab alone. */
  shareMode?: 'auto' | ShareMode;
  /** Clients with different names never share (default 'stomp-wasm'). */
  shareName?: string;
  /** The URL of shared-worker.js, for bundlers that do not follow `new URL('./shared-worker.js', import.meta.url)`. */
  sharedWorkerURL?: string | URL;
}

/** Options of `new Client(options)` in shared mode (`webSocketFactory` is refused: it cannot cross). */
export type SharedClientOptions = Omit<ClientOptions, 'webSocketFactory'> & SharedOptions;

export interface SharedClientEventMap extends ClientEventMap {
  /** The mode or the number of tabs using the connection changed. */
  sharing: [detail: { mode: ShareMode; tabs: number }];
}

/** The package's Client, as a proxy of the connection every tab of this configuration shares. */
export declare class Client extends TabClient {
  constructor(options?: SharedClientOptions);
  configure(options: SharedClientOptions): void;
  on<K extends keyof SharedClientEventMap>(name: K, listener: (...args: SharedClientEventMap[K]) => void): void;
  off<K extends keyof SharedClientEventMap>(name: K, listener: (...args: SharedClientEventMap[K]) => void): boolean;
  /** `{mode, tabs}` once activated: where the connection runs and how many tabs use it. */
  readonly sharing: { mode: ShareMode; tabs: number } | null;
  /** Always undefined: the socket is in the SharedWorker or the leader tab. */
  readonly webSocket: undefined;
  shareMode: 'auto' | ShareMode;
  shareName: string;
  sharedWorkerURL: string | null;
}

/** What this page can do: 'worker' (SharedWorker), 'leader' (Web Locks + BroadcastChannel) or 'tab'. */
export function sharedMode(): ShareMode;

/** Prepares shared mode (loads the wasm where this page may run the connection itself). */
export default function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module | { module_or_path: string | URL | Request | Response | BufferSource | WebAssembly.Module }): Promise<void>;

export function isInitialized(): boolean;
