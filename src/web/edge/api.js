// What every build of the package exports besides its loader (`init`, `initSync`): the Client, the
// frame classes, the stompjs enums, and the stomp.js 2.x facade (Stomp, CompatClient). Each entry
// re-exports all of it (`export * from '../api.js'`), so the builds cannot differ.
export { Client } from './client.js';
export { Frame, FrameImpl } from './frames.js';
export { ActivationState, ReconnectionTimeMode, StompSocketState, TickerStrategy, Versions, StompHeaders, StompConfig } from './enums.js';
export { Stomp, CompatClient } from './compat.js';
export { isInitialized } from './load.js';
