// What React Native gives JavaScript on top of the Hermes engine, emulated for the `hermes` command-line
// binary (hermes-engine-cli 0.12, which has the engine and nothing of React Native): the globals React
// Native's InitializeCore sets up (`global`, `window` and `self` as the global object, `console`,
// `navigator.product`, timers, `performance.now()`), a clock and timers that run on virtual time (the
// CLI's own setTimeout ignores its delay), and React Native's `WebSocket`, here in front of the project's
// scripted STOMP peer (tests/support/stomp-peer.js) instead of the network, with React Native's two
// socket quirks: events arrive as tasks of their own, and a text message is cut at its first NUL
// (`chopNul`, stompjs issue #89: React Native hands JavaScript C strings). Evaluated first in the
// bundle (tests/support/hermes.mjs), so the package sees these globals as it would in an app.
//
// Deliberately not provided, because Hermes 0.12 (and React Native with it) has none: WebAssembly,
// TextEncoder, TextDecoder, FinalizationRegistry, queueMicrotask, document.
/* global print */

const G = globalThis;

// ---- what the engine itself has, before anything is installed (reported by the scenario) ----------------
export const engineGlobals = {};
for (const name of ['WebAssembly', 'TextEncoder', 'TextDecoder', 'FinalizationRegistry', 'WeakRef', 'queueMicrotask', 'console', 'performance', 'setInterval']) {
  engineGlobals[name] = typeof G[name];
}

// ---- console (React Native's goes to the device log) ------------------------------------------------------
function line(args) {
  return Array.prototype.map.call(args, (a) => (typeof a === 'string' ? a : a instanceof Error ? String(a.stack || a) : JSON.stringify(a))).join(' ');
}
export const consoleLines = [];
G.console = {
  log: (...args) => consoleLines.push(`log ${line(args)}`),
  info: (...args) => consoleLines.push(`info ${line(args)}`),
  warn: (...args) => consoleLines.push(`warn ${line(args)}`),
  error: (...args) => consoleLines.push(`error ${line(args)}`),
  debug: (...args) => consoleLines.push(`debug ${line(args)}`),
};
G.global = G;
G.window = G;
G.self = G;
G.navigator = { product: 'ReactNative' };

// ---- virtual time ------------------------------------------------------------------------------------------
// Timers run in due order, each with the clock at its due time; every timer callback is a task of its own
// (one native setTimeout turn of the CLI, which drains the microtask queue after it, as React Native does).
const nativeSetTimeout = G.setTimeout;
const EPOCH = 1767225600000; // 2026-01-01T00:00:00Z: Date.now() starts here
let virtualNow = 0;
let nextTimer = 1;
let pumping = false;
const timers = new Map();

/** Virtual milliseconds since the runtime started. */
export function now() {
  return virtualNow;
}

function schedule(fn, ms, args, repeat) {
  if (typeof fn !== 'function') throw new TypeError('setTimeout: the callback must be a function');
  const delay = Math.max(0, Number(ms) || 0);
  const id = nextTimer++;
  timers.set(id, { id, fn, args, due: virtualNow + delay, repeat: repeat ? Math.max(1, delay) : 0 });
  pump();
  return id;
}

function pump() {
  if (pumping) return;
  pumping = true;
  nativeSetTimeout(step, 0);
}

function step() {
  pumping = false;
  let next = null;
  for (const timer of timers.values()) {
    if (next === null || timer.due < next.due || (timer.due === next.due && timer.id < next.id)) next = timer;
  }
  if (next === null) return; // nothing left: the CLI exits once its own queue is empty
  if (next.due > virtualNow) virtualNow = next.due;
  if (next.repeat) next.due = virtualNow + next.repeat;
  else timers.delete(next.id);
  pump();
  try {
    next.fn.apply(undefined, next.args);
  } catch (error) {
    uncaught.push(String((error && error.stack) || error));
  }
}

/** Exceptions thrown by timer and socket callbacks (React Native would show a red box). */
export const uncaught = [];
/** The timers pending: `{ fn, due, repeat }`. */
export const pendingTimers = () => Array.from(timers.values());

G.setTimeout = (fn, ms, ...args) => schedule(fn, ms, args, false);
G.setInterval = (fn, ms, ...args) => schedule(fn, ms, args, true);
G.clearTimeout = (id) => {
  timers.delete(id);
};
G.clearInterval = G.clearTimeout;
G.setImmediate = (fn, ...args) => schedule(fn, 0, args, false);
G.clearImmediate = G.clearTimeout;
Date.now = () => EPOCH + virtualNow;
G.performance = { now: () => virtualNow };

/** A task of its own, now (a native event arriving). */
function task(fn) {
  schedule(fn, 0, [], false);
}

// ---- React Native's WebSocket, in front of a fake broker --------------------------------------------------
/**
 * The `WebSocket` class React Native's apps get, its behaviour as its JS side (Libraries/WebSocket) has it:
 * CONNECTING until an open event arrives as a task; `send` of a string, an ArrayBuffer or a view
 * (React Native 0.53+); `binaryType` 'blob' by default, binary messages as ArrayBuffers once it is
 * 'arraybuffer' (as a Blob otherwise: recorded as a problem, the client must set it); events as tasks;
 * `close(code, reason)`. `broker` is a `fakeBroker` (tests/support/stomp-peer.js); `options.chopNul` cuts
 * each incoming text message at its first NUL, as React Native does.
 */
export function reactNativeWebSocket(broker, options = {}) {
  const sockets = [];
  const problems = [];
  function WebSocket(url, protocols) {
    if (!(this instanceof WebSocket)) throw new TypeError("Failed to construct 'WebSocket': Please use the 'new' operator");
    const ws = this;
    ws.url = String(url);
    ws.protocol = '';
    ws.readyState = WebSocket.CONNECTING;
    ws.binaryType = 'blob';
    ws.bufferedAmount = 0;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    ws.protocols = protocols === undefined ? [] : [].concat(protocols);
    ws.received = 0;
    const inner = broker.factory();
    ws.connection = broker.connections[broker.connections.length - 1];
    sockets.push(ws);
    inner.onmessage = (event) => {
      task(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        let data = event.data;
        if (typeof data === 'string') {
          if (options.chopNul && data.indexOf('\0') >= 0) data = data.slice(0, data.indexOf('\0'));
        } else if (ws.binaryType !== 'arraybuffer') {
          problems.push(`a binary message arrived with binaryType '${ws.binaryType}': React Native would hand over a Blob`);
        }
        ws.received++;
        if (typeof ws.onmessage === 'function') ws.onmessage({ data });
      });
    };
    inner.onclose = (event) => {
      task(() => {
        if (ws.readyState === WebSocket.CLOSED) return;
        ws.readyState = WebSocket.CLOSED;
        if (typeof ws.onclose === 'function') ws.onclose({ code: event.code, reason: event.reason, wasClean: event.code === 1000 });
      });
    };
    ws._inner = inner;
    task(() => {
      if (ws.readyState !== WebSocket.CONNECTING) return;
      ws.readyState = WebSocket.OPEN;
      ws.protocol = ws.protocols.length ? ws.protocols[0] : '';
      if (typeof ws.onopen === 'function') ws.onopen({ type: 'open' });
    });
  }
  WebSocket.CONNECTING = 0;
  WebSocket.OPEN = 1;
  WebSocket.CLOSING = 2;
  WebSocket.CLOSED = 3;
  WebSocket.prototype.send = function (data) {
    if (this.readyState === WebSocket.CONNECTING) throw new Error('INVALID_STATE_ERR');
    if (this.readyState !== WebSocket.OPEN) return;
    const isView = ArrayBuffer.isView(data);
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer) && !isView) {
      problems.push(`send() of ${Object.prototype.toString.call(data)}: React Native sends strings, ArrayBuffers and views`);
      throw new Error('Unsupported data type');
    }
    this._inner.send(isView ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data);
  };
  WebSocket.prototype.close = function (code, reason) {
    if (this.readyState === WebSocket.CLOSING || this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSING;
    this._inner.close(code === undefined ? 1000 : code, reason || '');
  };
  return { WebSocket, sockets, problems };
}

/** Prints one result line for the test to read (`print` is the CLI's stdout). */
export function report(kind, name, detail) {
  print(`${kind} ${name}${detail === undefined ? '' : ` :: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
}
