// ESM entry for Node: the CommonJS build is initialised synchronously when loaded, so `init()` has
// nothing left to do; it exists so that `import init, { Client } from 'stomp-wasm'` works everywhere.
import cjs from './stomp_wasm.js';

export const {
  Client,
  StompSubscription,
  StompTransaction,
  ActivationState,
  ReconnectionTimeMode,
  StompSocketState,
  TickerStrategy,
  Versions,
} = cjs;

export function initSync() {
  return cjs;
}

export default async function init() {
  return cjs;
}
