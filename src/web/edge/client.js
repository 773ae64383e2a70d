// The package's `Client`: the @stomp/stompjs v7 surface over the wasm `ClientCore` (src/web/edge/mod.rs).
//
// This half of the JS edge owns what is JS by nature: the options as properties (read back as set),
// callbacks and `on()` listeners, Promises, and the message objects. It checks and converts every
// value the user passes (running their getters and Proxies) BEFORE calling into wasm, so user code
// never runs while the client's state is in use, and a bad value is a TypeError naming the field.
// wasm calls back with one call per event (`_e`) or per received frame (`_f`).
//
// Written as ES2017 (no optional chaining, no class fields): it ships as is to mini-programs and to
// webpack 4. `ClientCore` comes from the wasm-bindgen glue, bound by the package entry (`bindCore`).

import { OPTIONS, CALLBACKS, EXTRA_EVENTS, OPTION_BY_NAME, OPTION_ID, CALLBACK_BY_NAME, convert, packHeaders, headerText, typeError } from './options.js';
import { Frame, messageClass, makeFrame, unpackHeaders } from './frames.js';
import { ActivationState } from './enums.js';

let ClientCore = null;

/** The package entry gives the wasm class once the module is loaded. */
export function bindCore(core) {
  ClientCore = core;
}

function noop() {}

const RESOLVED = typeof Promise === 'function' ? Promise.resolve() : undefined;
/** What `ClientCore.publish` returns for a publish it refused (the error waits in `takeError()`). */
const REFUSED = 2;

/** Event names of `on()`: the stompjs callbacks' and ours. */
const EVENTS = {};
for (let i = 0; i < CALLBACKS.length; i++) EVENTS[CALLBACKS[i][1]] = CALLBACKS[i][0];
for (let i = 0; i < EXTRA_EVENTS.length; i++) EVENTS[EXTRA_EVENTS[i]] = null;

// `_e` kinds and `_f` kinds: the same numbers as src/web/edge/mod.rs.
const E_STATE = 0;
const E_RECEIPT_FAILED = 1;
const E_CONNECT_FAILED = 2;
const E_HEARTBEAT_RECEIVED = 3;
const E_HEARTBEAT_LOST = 4;
const E_SOCKET_ERROR = 5;
const E_SOCKET_CLOSED = 6;
const E_TRANSACTIONS_ABORTED = 7;
const E_QUEUE_DISCARDED = 8;
const E_DISCONNECTED = 9;
const E_RECONNECT_SCHEDULED = 10;
const E_RECONNECT_FAILED = 11;
const E_BEFORE_CONNECT = 12;
const E_DEBUG = 13;
const E_SUBSCRIPTION_LOST = 14;
const E_FLUSHED = 15;

const F_MESSAGE = 0;
const F_UNHANDLED_MESSAGE = 1;
const F_CONNECTED = 2;
const F_RECEIPT = 3;
const F_UNHANDLED_RECEIPT = 4;
const F_ERROR = 5;
const F_CONNECT_ERROR = 6;
const F_UNHANDLED_FRAME = 7;
// `ClientCore.lifecycle` operations: the same numbers as src/web/edge/mod.rs.
const ACTIVATE = 0;
const DEACTIVATE = 1;
const DEACTIVATE_FORCE = 2;
const FORCE_DISCONNECT = 3;
const RECONNECT_NOW = 4;

const COMMANDS = ['MESSAGE', 'MESSAGE', 'CONNECTED', 'RECEIPT', 'RECEIPT', 'ERROR', 'ERROR'];

const PUBLISH_KEYS = { destination: 1, headers: 1, body: 1, binaryBody: 1, receipt: 1, skipContentLengthHeader: 1, delivery: 1 };

/** Options that stay in JS (the wasm never hears of them). */
const JS_ONLY = { beforeConnect: 1, delivery: 1 };

function describeError(error) {
  if (error && typeof error === 'object' && typeof error.message === 'string') {
    return (error.name ? error.name + ': ' : '') + error.message;
  }
  try {
    return String(error);
  } catch (e) {
    return '(an exception that cannot be shown)';
  }
}

function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

function requireString(value, what) {
  if (typeof value !== 'string') throw typeError(what + ' must be a string, not ' + (value === null ? 'null' : typeof value));
  return value;
}

/**
 * A body as a plain Uint8Array: from a Uint8Array (stompjs's type), any other view (a Node Buffer, a
 * subclass: a plain view of the same bytes, so no getter of theirs runs once wasm reads it), or an
 * ArrayBuffer.
 */
function bytesOf(value) {
  if (typeof ArrayBuffer !== 'function') return null;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (!ArrayBuffer.isView(value)) return null;
  if (Object.getPrototypeOf(value) === Uint8Array.prototype) return value;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export class Client {
  /** `options`: as stompjs's `StompConfig` (see the package README for the whole table). */
  constructor(options) {
    if (ClientCore === null) {
      throw new Error("stomp-wasm is not initialised: await init() first (the mini-program build: init({ wasmPath }))");
    }
    this._core = new ClientCore();
    this._values = {};
    this._slots = {};
    this._listeners = {};
    this._subs = new Map();
    this._receipts = new Map();
    this._watchers = new Map();
    this._waiters = [];
    // Publish Promises waiting for their frame to be written, oldest first (`_e(E_FLUSHED)`).
    this._unwritten = [];
    this._activation = ActivationState.INACTIVE;
    this._seq = 0;
    // Makes this client's at-least-once ids unique among clients (consumers de-duplicate on them).
    this._id = randomId();
    this._generation = -1;
    this._closeDetail = null;
    // Subscriptions made by a 'connect' callback, and whether one is running (see _endConnection).
    this._perConnection = [];
    this._inConnect = false;
    this._Message = messageClass(this);
    this._values.connectHeaders = {};
    this._values.disconnectHeaders = {};
    this._apply('reconnectSeed', { stored: undefined, core: undefined });
    if (options !== undefined && options !== null) this.configure(options);
  }

  /** Changes the options given (only those), as stompjs's `configure`; checked all before any applies. */
  configure(options) {
    if (!isObject(options) || typeof options === 'function') {
      throw typeError('configure() takes an options object');
    }
    const names = Object.keys(options);
    const values = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (!OPTION_BY_NAME[name] && !CALLBACK_BY_NAME[name]) throw typeError("unknown option '" + name + "'");
      const value = options[name];
      values.push(CALLBACK_BY_NAME[name] ? checkCallback(name, value) : convert(OPTION_BY_NAME[name], value));
    }
    for (let i = 0; i < names.length; i++) this._apply(names[i], values[i]);
  }

  _apply(name, converted) {
    if (CALLBACK_BY_NAME[name]) {
      this._slots[name] = converted;
      return;
    }
    this._values[name] = converted.stored;
    if (name === 'webSocketFactory') {
      this._core.setFactory(converted.stored || null);
    } else if (name === 'debug') {
      this._core.set(this, OPTION_ID.debug, converted.stored !== undefined && converted.stored !== noop);
    } else if (name === 'reconnectSeed' && converted.core === undefined) {
      // No seed given: a random one per client, so that a fleet's reconnects spread out.
      this._core.set(this, OPTION_ID.reconnectSeed, randomSeed());
    } else if (!JS_ONLY[name]) {
      this._core.set(this, OPTION_ID[name], converted.core);
    }
  }

  _option(name) {
    const value = this._values[name];
    if (value !== undefined) return value;
    if (name === 'debug') return noop;
    return OPTION_BY_NAME[name][2];
  }

  // ----- lifecycle -----

  /** Starts connecting, and keeps reconnecting per the policy until `deactivate()`. */
  activate() {
    this._do('lifecycle', ACTIVATE);
  }

  /**
   * Disconnects gracefully (DISCONNECT, then close on its RECEIPT or after `disconnectTimeout`), or
   * at once with `{force: true}` (the socket is discarded). The Promise always settles.
   */
  deactivate(options) {
    let force = false;
    if (isObject(options)) force = !!options.force;
    const client = this;
    return new Promise(function (resolve) {
      const state = client._core.state();
      if (state !== 'inactive' && state !== 'failed') client._waiters.push(resolve);
      client._do('lifecycle', force ? DEACTIVATE_FORCE : DEACTIVATE);
      if (state === 'inactive' || state === 'failed') resolve();
    });
  }

  /** Closes the socket as if the network dropped; the client reconnects per the policy. */
  forceDisconnect() {
    this._do('lifecycle', FORCE_DISCONNECT);
  }

  /** Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat tolerance. */
  reconnectNow() {
    this._do('lifecycle', RECONNECT_NOW);
  }

  // ----- messaging -----

  /**
   * Sends a message: `{destination, body?, binaryBody?, headers?, receipt?, skipContentLengthHeader?}`.
   * Returns a Promise: settled by the broker's RECEIPT with `receipt: true`, else once the frame is
   * written or queued; rejected with an Error naming the problem.
   */
  publish(params) {
    try {
      return this._publish(params);
    } catch (error) {
      // A wrong parameter or call is the caller's bug: rejected as it is, loud where nobody looks.
      // A well-formed publish refused because the client holds too much already (the queue bounds:
      // a burst outrunning the socket) is said in the debug log too, and its Promise left alone
      // ends no Node process.
      if (!isQueueFull(error)) return Promise.reject(error);
      this._log('publish() refused: ' + describeError(error));
      return quiet(Promise.reject(error));
    }
  }

  /** `publish`, throwing what `publish` rejects with (for the 2.x `send`, which throws). */
  _publish(params) {
    let receipt = '';
    try {
      if (!isObject(params)) throw typeError('publish() takes {destination, body?, binaryBody?, headers?}');
      const keys = Object.keys(params);
      for (let i = 0; i < keys.length; i++) {
        if (!PUBLISH_KEYS[keys[i]]) throw typeError("publish(): unknown parameter '" + keys[i] + "'");
      }
      const destination = requireString(params.destination, "publish(): 'destination'");
      if (destination.indexOf('\0') >= 0) throw typeError("publish(): 'destination' contains a NUL character");
      const headers = packHeaders(params.headers, 'headers');
      const body = params.body;
      const binaryBody = params.binaryBody;
      const wantReceipt = params.receipt;
      const skip = params.skipContentLengthHeader;
      if (wantReceipt !== undefined && typeof wantReceipt !== 'boolean') throw typeError("publish(): 'receipt' must be a boolean");
      let delivery = params.delivery;
      if (delivery === undefined) delivery = this._option('delivery');
      else if (delivery !== 'at-most-once' && delivery !== 'at-least-once') {
        throw typeError("publish(): 'delivery' must be 'at-most-once' or 'at-least-once'");
      }
      if (skip !== undefined && typeof skip !== 'boolean') throw typeError("publish(): 'skipContentLengthHeader' must be a boolean");
      let flags = skip ? 2 : 0;
      let bytes = null;
      let text = '';
      if (binaryBody !== undefined && binaryBody !== null) {
        bytes = bytesOf(binaryBody);
        if (bytes === null) throw typeError("publish(): 'binaryBody' must be a Uint8Array");
      } else if (body !== undefined && body !== null) {
        text = typeof body === 'string' ? body : bodyText(body);
      }
      let packed = headers;
      if (delivery === 'at-least-once') {
        // The receipt doubles as the de-duplication id: stable across re-sends, unique per client.
        receipt = this._id + '-' + this._seq++;
        packed = (packed ? packed + '\0' : '') + 'dedup-id\0' + receipt;
        flags |= 4;
      } else if (wantReceipt) {
        receipt = 'rcpt-' + this._seq++;
      }
      if (receipt) {
        const promise = pending(this._receipts, receipt);
        this._send(destination, packed, text, bytes, flags, receipt);
        return quiet(promise);
      }
      if (this._send(destination, packed, text, bytes, flags, '') === 0) return RESOLVED;
      // Waiting (not connected, or backpressure): settled when written, or rejected if given up.
      const entry = {};
      const promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        entry.reject = reject;
      });
      this._unwritten.push(entry);
      return quiet(promise);
    } catch (error) {
      if (receipt) this._receipts.delete(receipt);
      throw this._fault(error);
    }
  }

  /** Returns 0 when the frame was written, 1 when it waits; throws what the client refused. */
  _send(destination, headers, text, bytes, flags, receipt) {
    // Destination, receipt id and headers cross as one string.
    const fields = destination + '\0' + receipt + (headers === '' ? '' : '\0' + headers);
    const status = bytes !== null
      ? this._core.publish(this, fields, bytes, bytes.length, flags | 1)
      : this._core.publish(this, fields, text, utf8Length(text), flags);
    if (status === REFUSED) throw this._core.takeError();
    return status;
  }

  /**
   * Subscribes; `callback(message)` gets every MESSAGE. The subscription survives reconnects (it is
   * re-sent with the same id) — unless it was made by an `onConnect` callback (or a 'connect'
   * listener), which runs again after a reconnect and makes it again, as with stompjs: such a
   * subscription lasts for its connection. Returns `{id, unsubscribe(headers?)}`.
   */
  subscribe(destination, callback, headers) {
    requireString(destination, "subscribe(): 'destination'");
    if (typeof callback !== 'function') throw typeError("subscribe(): 'callback' must be a function");
    if (headers !== undefined && headers !== null && !isObject(headers)) throw typeError("subscribe(): 'headers' must be an object");
    let packed = packHeaders(headers, 'headers');
    let id = headers ? headerText(headers.id, 'id', 'headers') : null;
    if (id === null) {
      do id = 'sub-' + this._seq++;
      while (this._subs.has(id));
      packed = (packed ? packed + '\0' : '') + 'id\0' + id;
    }
    if (this._subs.has(id)) throw new Error("a subscription with id '" + id + "' already exists");
    // Registered first: a socket that answers at once may deliver before subscribe() returns.
    this._subs.set(id, callback);
    try {
      this._do('subscribe', destination, packed);
    } catch (error) {
      this._subs.delete(id);
      throw error;
    }
    if (this._inConnect) this._perConnection.push(id);
    const client = this;
    return {
      id: id,
      unsubscribe: function (unsubscribeHeaders) {
        client.unsubscribe(id, unsubscribeHeaders);
      },
    };
  }

  /** Ends a subscription by id. */
  unsubscribe(id, headers) {
    requireString(id, "unsubscribe(): 'id'");
    const packed = packHeaders(headers, 'headers');
    this._do('unsubscribe', id, packed);
    this._subs.delete(id);
  }

  /** Acknowledges a message by id (its `ack` header under STOMP 1.2, `message-id` before). */
  ack(messageId, subscriptionId, headers) {
    this._ackById(true, messageId, subscriptionId, headers);
  }

  /** Rejects a message by id (not in STOMP 1.0). */
  nack(messageId, subscriptionId, headers) {
    this._ackById(false, messageId, subscriptionId, headers);
  }

  _ackById(isAck, messageId, subscriptionId, headers) {
    const id = headerText(messageId, 'messageId', 'ack()');
    const sub = headerText(subscriptionId, 'subscriptionId', 'ack()');
    if (id === null || sub === null) throw typeError((isAck ? 'ack' : 'nack') + '() takes a message id and a subscription id');
    this._do('acknowledge', isAck, '', id, sub, packHeaders(headers, 'headers'));
  }

  /** `message.ack(headers)` / `message.nack(headers)`. */
  _acknowledge(isAck, message, headers) {
    const h = message.headers || {};
    const packed = packHeaders(headers, 'headers');
    this._do('acknowledge', isAck, h.ack || '', h['message-id'] || '', h.subscription || '', packed);
  }

  /** Begins a transaction; returns `{id, commit(), abort()}`. */
  begin(transactionId) {
    const given = transactionId === undefined || transactionId === null ? '' : headerText(transactionId, 'transactionId', 'begin()');
    const id = this._do('begin', given, '');
    const client = this;
    return {
      id: id,
      commit: function () {
        client.commit(id);
      },
      abort: function () {
        client.abort(id);
      },
    };
  }

  /** Commits a transaction. */
  commit(transactionId) {
    this._do('endTransaction', true, requireString(transactionId, "commit(): 'transactionId'"), '');
  }

  /** Aborts a transaction. */
  abort(transactionId) {
    this._do('endTransaction', false, requireString(transactionId, "abort(): 'transactionId'"), '');
  }

  /** Calls `callback(frame)` when the RECEIPT for `receiptId` arrives (put `receipt: receiptId` in the headers of the frame you send). */
  watchForReceipt(receiptId, callback) {
    requireString(receiptId, "watchForReceipt(): 'receiptId'");
    if (typeof callback !== 'function') throw typeError("watchForReceipt(): 'callback' must be a function");
    this._watchers.set(receiptId, callback);
  }

  // ----- listeners -----

  /** Adds a listener: `on('connect', fn)` — any event name (see the README). */
  on(name, listener) {
    if (!Object.prototype.hasOwnProperty.call(EVENTS, name)) throw typeError("unknown event '" + String(name) + "'");
    if (typeof listener !== 'function') throw typeError("on(): the listener must be a function");
    (this._listeners[name] || (this._listeners[name] = [])).push(listener);
  }

  /** Removes a listener added with `on`; returns whether it was there. */
  off(name, listener) {
    if (!Object.prototype.hasOwnProperty.call(EVENTS, name)) throw typeError("unknown event '" + String(name) + "'");
    const list = this._listeners[name];
    const at = list ? list.indexOf(listener) : -1;
    if (at < 0) return false;
    list.splice(at, 1);
    return true;
  }

  // ----- read-only state -----

  /** Whether a STOMP session is established. */
  get connected() {
    return this._core.state() === 'connected';
  }

  /** Whether the client is active (connecting, connected or reconnecting). */
  get active() {
    return this.state === ActivationState.ACTIVE;
  }

  /** stompjs's `ActivationState`. */
  get state() {
    const state = this._core.state();
    if (state === 'disconnecting') return ActivationState.DEACTIVATING;
    if (state === 'inactive' || state === 'failed') return ActivationState.INACTIVE;
    return ActivationState.ACTIVE;
  }

  /** `'inactive' | 'connecting' | 'connected' | 'disconnecting' | 'reconnecting' | 'failed'`. */
  get connectionState() {
    return this._core.state();
  }

  /** The negotiated STOMP version while connected. */
  get connectedVersion() {
    return this._core.version();
  }

  /** The CONNECTED frame's headers. */
  get serverHeaders() {
    return unpackHeaders(this._core.serverHeaders());
  }

  /** The underlying socket while one is open. */
  get webSocket() {
    return this._core.socket();
  }

  /** Whether heart-beat timers run in a Web Worker (`heartbeatStrategy: 'worker'` took effect). */
  get usesWorkerTimer() {
    return this._core.usesWorker();
  }

  // ----- from wasm -----

  /** Calls the wasm core (the client passed first); an internal error is reported, then thrown. */
  _do(method, a, b, c, d, e) {
    try {
      return this._core[method](this, a, b, c, d, e);
    } catch (error) {
      throw this._fault(error);
    }
  }

  /** A trap in the wasm (a bug: a panic, reported by the panic handler too) goes through debug. */
  _fault(error) {
    if (error && error.name === 'RuntimeError') {
      const line = 'internal error (please report it): ' + describeError(error);
      this._log(line);
      if (typeof console !== 'undefined' && console.error) console.error('stomp-wasm: ' + line);
    }
    return error;
  }

  _log(line) {
    const debug = this._values.debug;
    if (typeof debug === 'function') {
      try {
        debug.call(undefined, line);
      } catch (e) {
        // A throwing debug hook is ignored: it must never break the client.
      }
    }
  }

  _report(what, error) {
    const line = what + ' threw: ' + describeError(error);
    if (typeof this._values.debug === 'function') this._log(line);
    else if (typeof console !== 'undefined' && console.error) console.error('stomp-wasm: ' + line);
  }

  _call(fn, args, what) {
    try {
      fn.apply(undefined, args);
    } catch (error) {
      this._report(what, error);
    }
  }

  /** The stompjs callback for `name` (if any), then its `on()` listeners. */
  _emit(name, args) {
    const property = EVENTS[name];
    if (property) {
      const slot = this._slots[property];
      if (typeof slot === 'function') this._call(slot, args, property + ' callback');
    }
    const list = this._listeners[name];
    if (list) {
      const copy = list.slice();
      for (let i = 0; i < copy.length; i++) this._call(copy[i], args, "'" + name + "' listener");
    }
  }

  /** One received frame (`view` is wasm memory: not kept). */
  _f(kind, headers, view, extra) {
    const command = kind === F_UNHANDLED_FRAME ? extra : COMMANDS[kind];
    const frame = makeFrame(kind <= F_UNHANDLED_MESSAGE ? this._Message : Frame, command, headers, view);
    switch (kind) {
      case F_MESSAGE: {
        const callback = this._subs.get(frame.headers.subscription);
        if (callback) {
          // The per-message path: no argument array.
          try {
            callback(frame);
          } catch (error) {
            this._report('subscription callback', error);
          }
        }
        else this._emit('unhandledMessage', [frame]);
        break;
      }
      case F_UNHANDLED_MESSAGE:
        this._emit('unhandledMessage', [frame]);
        break;
      case F_CONNECTED:
        this._inConnect = true;
        try {
          this._emit('connect', [frame]);
        } finally {
          this._inConnect = false;
        }
        break;
      case F_RECEIPT:
      case F_UNHANDLED_RECEIPT:
        this._receipt(extra || frame.headers['receipt-id'], frame);
        break;
      case F_ERROR:
        this._emit('stompError', [frame]);
        break;
      case F_CONNECT_ERROR:
        this._connectError = frame;
        this._emit('stompError', [frame]);
        break;
      default:
        this._emit('unhandledFrame', [frame]);
    }
  }

  _receipt(id, frame) {
    let handled = false;
    const entry = this._receipts.get(id);
    if (entry) {
      this._receipts.delete(id);
      entry.resolve(frame);
      handled = true;
    }
    const watcher = this._watchers.get(id);
    if (watcher) {
      this._watchers.delete(id);
      this._call(watcher, [frame], 'watchForReceipt callback');
      handled = true;
    }
    if (!handled) this._emit('unhandledReceipt', [frame]);
  }

  /** One event. */
  _e(kind, a, b, n, m) {
    switch (kind) {
      case E_STATE: {
        this._emit('state', [a]);
        if (n !== this._activation) {
          this._activation = n;
          this._emit('changeState', [n]);
        }
        if (a === 'inactive' || a === 'failed') this._settleWaiters();
        break;
      }
      case E_RECEIPT_FAILED: {
        const entry = this._receipts.get(a);
        if (entry) {
          this._receipts.delete(a);
          entry.reject(new Error(b));
        }
        this._watchers.delete(a);
        this._log(b);
        this._emit('receiptFailed', [{ receiptId: a, error: b }]);
        break;
      }
      case E_CONNECT_FAILED: {
        this._log('connect attempt failed: ' + a);
        const detail = { reason: a };
        if (this._connectError) detail.frame = this._connectError;
        this._connectError = null;
        this._emit('connectFailed', [detail]);
        break;
      }
      case E_HEARTBEAT_RECEIVED:
        this._emit('heartbeatReceived', []);
        break;
      case E_HEARTBEAT_LOST:
        this._emit('heartbeatLost', []);
        break;
      case E_SOCKET_ERROR: {
        const raw = b === 'protocol' ? undefined : this._core.takeSocketEvent();
        this._emit('webSocketError', [raw !== undefined ? raw : new Error(a)]);
        break;
      }
      case E_SOCKET_CLOSED: {
        this._endConnection();
        let event = this._core.takeSocketEvent();
        if (event === undefined) event = { type: 'close', code: n, reason: a, wasClean: b === '1' };
        this._emit('webSocketClose', [event]);
        break;
      }
      case E_TRANSACTIONS_ABORTED:
        this._emit('transactionsAborted', [a === '' ? [] : a.split('\0')]);
        break;
      case E_QUEUE_DISCARDED: {
        const given = this._unwritten.splice(0, m);
        for (let i = 0; i < given.length; i++) {
          given[i].reject(new Error('publish(): the frame was discarded before it was written (deactivate(), or reconnecting gave up)'));
        }
        this._emit('queueDiscarded', [{ frames: n }]);
        break;
      }
      case E_FLUSHED: {
        const written = this._unwritten.splice(0, n);
        for (let i = 0; i < written.length; i++) written[i].resolve(undefined);
        break;
      }
      case E_DISCONNECTED:
        this._subs.clear();
        this._watchers.clear();
        // As stompjs: onDisconnect only when the broker confirmed the DISCONNECT (not after a
        // forced or timed-out one); the deactivate() Promise settles either way.
        if (n === 1) this._emit('disconnect', [new Frame('RECEIPT', {}, '', null)]);
        this._settleWaiters();
        break;
      case E_RECONNECT_SCHEDULED:
        this._emit('reconnectScheduled', [{ attempt: n, delay: m, at: Number(a) }]);
        break;
      case E_RECONNECT_FAILED:
        this._emit('reconnectFailed', [{ attempts: n }]);
        break;
      case E_BEFORE_CONNECT:
        this._beforeConnect(n);
        break;
      case E_DEBUG:
        this._log(a);
        break;
      case E_SUBSCRIPTION_LOST:
        this._subs.delete(a);
        this._log('subscription ' + a + ' lost: ' + b);
        this._emit('subscriptionLost', [{ id: a, error: b }]);
        break;
      default:
        break;
    }
  }

  /**
   * The connection is gone: the subscriptions its connect callbacks made end with it (they are not
   * restored: the callbacks will make them again on the next CONNECTED, as stompjs code expects).
   */
  _endConnection() {
    const ids = this._perConnection;
    this._perConnection = [];
    for (let i = 0; i < ids.length; i++) {
      if (!this._subs.has(ids[i])) continue;
      this._subs.delete(ids[i]);
      try {
        this._do('unsubscribe', ids[i], '');
      } catch (e) {
        // Already gone from the session (a subscription it lost): nothing to undo.
      }
    }
  }

  _settleWaiters() {
    const waiters = this._waiters;
    this._waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }

  /**
   * Before each connection attempt: `connectHeaders` is read again (stompjs reads it at connect time,
   * and users change it in `beforeConnect`), then the user's `beforeConnect` runs, maybe async.
   */
  _beforeConnect(generation) {
    this._generation = generation;
    const client = this;
    const done = function (error) {
      if (client._generation !== generation) return;
      let message = error === undefined ? undefined : describeError(error);
      if (message === undefined) {
        try {
          client._core.set(client, OPTION_ID.connectHeaders, packHeaders(client._option('connectHeaders'), 'connectHeaders'));
        } catch (e) {
          message = describeError(e);
        }
      }
      client._core.beforeConnectDone(client, generation, message);
    };
    const hook = this._values.beforeConnect;
    if (typeof hook !== 'function') {
      done(undefined);
      return;
    }
    let result;
    try {
      result = hook.call(undefined, this);
    } catch (error) {
      done(error === undefined ? new Error('beforeConnect threw undefined') : error);
      return;
    }
    if (result && typeof result.then === 'function') {
      result.then(
        function () {
          done(undefined);
        },
        function (error) {
          done(error === undefined ? new Error('beforeConnect rejected') : error);
        },
      );
    } else {
      done(undefined);
    }
  }
}

/** A Promise registered in `map` under `id`, settled by whoever finds it there. */
/** The session's `QueueFull` refusal (src/session/error.rs words it). */
function isQueueFull(error) {
  return error instanceof Error && !(error instanceof TypeError) && error.message.indexOf('queue of unsent frames is full') >= 0;
}

/**
 * `promise`, marked as handled: a publish Promise that nobody awaits (stompjs code ignores what
 * `publish` returns) must not end a Node process when it rejects. Whoever awaits it still gets the
 * rejection; the failure is also reported by the `queueDiscarded` event or the debug log.
 */
function quiet(promise) {
  promise.catch(noop);
  return promise;
}

function pending(map, id) {
  const entry = {};
  const promise = new Promise(function (resolve, reject) {
    entry.resolve = resolve;
    entry.reject = reject;
  });
  map.set(id, entry);
  return promise;
}

/** Web Crypto where the platform has it (browsers, Node 20); mini-programs fall back to Math.random. */
function webCrypto() {
  return typeof crypto === 'object' && crypto && typeof crypto.getRandomValues === 'function' ? crypto : null;
}

function randomSeed() {
  const c = webCrypto();
  return c ? c.getRandomValues(new Uint32Array(1))[0] : Math.floor(Math.random() * 4294967296);
}

function randomId() {
  const c = webCrypto();
  let id = '';
  if (c) {
    const bytes = c.getRandomValues(new Uint8Array(8));
    for (let i = 0; i < bytes.length; i++) id += (bytes[i] + 256).toString(16).slice(1);
  } else {
    for (let i = 0; i < 4; i++) id += ((Math.random() * 65536) | 0).toString(16);
    id += Date.now().toString(36);
  }
  return id;
}

function checkCallback(name, value) {
  if (value === undefined || value === null) return noop;
  if (typeof value !== 'function') throw typeError("option '" + name + "' must be a function");
  return value;
}

let encoder = null;
let scratch = null;

/**
 * The UTF-8 length of `text` as a socket writes it (a lone surrogate as the 3 bytes of U+FFFD): the
 * `content-length` of a body that never enters wasm. Short strings are counted here, long ones by
 * TextEncoder.encodeInto into a buffer kept for the purpose (no allocation per publish).
 */
function utf8Length(text) {
  const n = text.length;
  if (n > 256 && typeof TextEncoder === 'function') {
    if (encoder === null) encoder = new TextEncoder();
    if (typeof encoder.encodeInto === 'function') {
      if (scratch === null || scratch.length < n * 3) scratch = new Uint8Array(Math.max(n * 3, 4096));
      return encoder.encodeInto(text, scratch).written;
    }
  }
  let length = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      length += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2; // a pair: 2 units, 4 bytes
      i++;
    } else {
      length += 2; // 3 bytes (a lone surrogate too, as U+FFFD)
    }
  }
  return length;
}

function bodyText(body) {
  if (typeof body === 'number' || typeof body === 'boolean' || typeof body === 'bigint') return String(body);
  throw typeError("publish(): 'body' must be a string (JSON.stringify objects; use binaryBody for bytes)");
}

// Option and callback properties, from the tables.
for (let i = 0; i < OPTIONS.length; i++) {
  const name = OPTIONS[i][0];
  Object.defineProperty(Client.prototype, name, {
    configurable: true,
    enumerable: true,
    get: function () {
      return this._option(name);
    },
    set: function (value) {
      this._apply(name, convert(OPTION_BY_NAME[name], value));
    },
  });
}
for (let i = 0; i < CALLBACKS.length; i++) {
  const name = CALLBACKS[i][0];
  Object.defineProperty(Client.prototype, name, {
    configurable: true,
    enumerable: true,
    get: function () {
      return this._slots[name] || noop;
    },
    set: function (value) {
      this._slots[name] = checkCallback(name, value);
    },
  });
}
