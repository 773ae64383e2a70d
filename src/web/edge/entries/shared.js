// stomp-wasm/shared: one connection for every tab. The same API as 'stomp-wasm' (`await init()`, then
// `new Client(...)`), but each tab's Client is a proxy of one real client that a SharedWorker — or,
// where there is none, a leader tab — runs for every tab of the origin with the same configuration.
// See src/web/edge/shared/ and the README's "One connection for every tab".
import { initShared } from '../shared/modes.js';

export { Client } from '../shared/proxy.js';
export { environment as sharedMode } from '../shared/modes.js';
export { Frame, ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions, StompHeaders, StompConfig } from './web.js';

/**
 * Prepares shared mode. Loads the wasm only where this page may run the connection itself (leader
 * election, or no sharing possible); with a SharedWorker the worker loads it. `input` as the
 * package's `init()` (a URL is passed on to the worker).
 */
export default function init(input) {
  return initShared(input);
}

export { initialized as isInitialized } from '../shared/modes.js';
