// The package's `Client`: the @stomp/stompjs v7 surface over the wasm `ClientCore` (src/web/edge/mod.rs).
//
// This half of the JS edge owns what is JS by nature: the options as properties (read back as set),
// callbacks and `on()` listeners, Promises, and the message objects. It checks and converts every
// value the user passes (running their getters and Proxies) BEFORE calling into wasm, so user code
// never runs while the client's state is in use, and a bad value is a TypeError naming the field.
// Its neighbours: publish.js (`publish()` and the settling of its Promises, by ticket), bridge.js (what
// wasm calls: `_e` per event, `_f` per received frame, and the errors it throws), frames.js (the frame
// objects), options.js (the option table), wire.js (every number that crosses), surface.js (the argument
// checks and listener lists it shares with shared mode's proxy).
//
// Written as ES2017 (no optional chaining, no class fields): it ships as is to mini-programs and to
// webpack 4. `ClientCore` comes from the wasm-bindgen glue, bound by the package entry (`bindCore`).

import { OPTIONS, CALLBACKS, OPTION_BY_NAME, OPTION_ID, CALLBACK_BY_NAME, JS_ONLY, convert, packHeaders, headerText, typeError } from './options.js';
import { messageClass } from './frames.js';
import { ActivationState } from './enums.js';
import { COMMAND } from './wire.js';
import { publish } from './publish.js';
import { isObject, requireString, eventTable, addListener, removeListener, addWatcher } from './surface.js';
import { onEvent, onFrame, toError } from './bridge.js';
import { connected, connectWindow, beforeConnect, describeError } from './connect.js';

let ClientCore = null;

/** The package entry gives the wasm class once the module is loaded. */
export function bindCore(core) {
  ClientCore = core;
}

function noop() {}

/** Event names of `on()`: the stompjs callbacks' and ours. */
const EVENTS = eventTable([]);

const IN_JS = {};
for (let i = 0; i < JS_ONLY.length; i++) IN_JS[JS_ONLY[i]] = 1;

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
    this._watchers = new Map();
    this._waiters = [];
    // Publishes waiting for their outcome, by ticket; those waiting to be written, in ticket order.
    this._pending = new Map();
    this._unwritten = [];
    this._writtenThrough = 0;
    this._activation = ActivationState.INACTIVE;
    this._generation = -1;
    this._connectError = null;
    this._lastDiscard = '';
    this._warnedDiscard = false;
    // The current connection's number, and the window in which a subscription belongs to it: while
    // its connect callbacks run, and while the Promises they returned are pending (`_connected`).
    this._connection = 0;
    this._inConnect = 0;
    this._asyncConnect = null;
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
    this._checkReconnectCap();
  }

  /** As stompjs's `configure`: a cap below the delay is raised to it, with stompjs's warning. */
  _checkReconnectCap() {
    const cap = this._option('maxReconnectDelay');
    const delay = this._option('reconnectDelay');
    if (cap > 0 && cap < delay) {
      this._log('Warning: maxReconnectDelay (' + cap + 'ms) is less than reconnectDelay (' + delay + 'ms). Using reconnectDelay as the maxReconnectDelay delay.');
      this._apply('maxReconnectDelay', convert(OPTION_BY_NAME.maxReconnectDelay, delay));
    }
  }

  _apply(name, converted) {
    if (CALLBACK_BY_NAME[name]) {
      this._slots[name] = converted;
      return;
    }
    this._values[name] = converted.stored;
    if (name === 'webSocketFactory') {
      this._do('setFactory', converted.stored || null);
    } else if (name === 'debug') {
      this._do('set', this, OPTION_ID.debug, converted.stored !== undefined && converted.stored !== noop);
    } else if (name === 'reconnectSeed' && converted.core === undefined) {
      // No seed given: a random one per client, so that a fleet's reconnects spread out.
      this._do('set', this, OPTION_ID.reconnectSeed, randomSeed());
    } else if (!IN_JS[name]) {
      this._do('set', this, OPTION_ID[name], converted.core);
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
    this._command(COMMAND.ACTIVATE, '', '', '', '', 0);
  }

  /**
   * Disconnects gracefully (what was published before is written first, then DISCONNECT; the socket
   * closes on its RECEIPT or after `disconnectTimeout`), or at once with `{force: true}` (the socket is
   * discarded). The Promise always settles.
   */
  deactivate(options) {
    let force = false;
    if (isObject(options)) force = !!options.force;
    const client = this;
    return new Promise(function (resolve) {
      const inactive = client._core.state() === 'inactive';
      if (!inactive) client._waiters.push(resolve);
      client._command(force ? COMMAND.DEACTIVATE_FORCE : COMMAND.DEACTIVATE, '', '', '', '', 0);
      if (inactive) resolve();
    });
  }

  /** Closes the socket as if the network dropped; the client reconnects per the policy. */
  forceDisconnect() {
    this._command(COMMAND.FORCE_DISCONNECT, '', '', '', '', 0);
  }

  /** Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat tolerance. */
  reconnectNow() {
    this._command(COMMAND.RECONNECT_NOW, '', '', '', '', 0);
  }

  // ----- messaging -----

  /**
   * Sends a message: `{destination, body?, binaryBody?, headers?, receipt?, skipContentLengthHeader?,
   * delivery?}`. Written before it returns when the connection is free (else it waits, in order).
   * Throws when it is refused (a TypeError for a wrong parameter or no connection, an Error with a
   * `code` for a bound). Returns a Promise: settled by the broker's RECEIPT with `receipt: true` (or
   * at-least-once delivery), else once the frame is written; rejected if it is given up later.
   */
  publish(params) {
    return publish(this, params);
  }

  /**
   * Subscribes; `callback(message)` gets every MESSAGE. Written before it returns when connected.
   * Made while connected, it lasts for its connection, as with stompjs (whose code makes it again in
   * `onConnect`); made while not connected (before the first connection, or while reconnecting), it
   * is kept and restored after every reconnect with the same id. With `keepSubscriptions: true` one
   * made while connected is kept too — except one made by a connect callback, while it runs or while
   * the Promise it returned is pending (it makes it again). Returns `{id, unsubscribe(headers?)}`.
   */
  subscribe(destination, callback, headers) {
    requireString(destination, "subscribe(): 'destination'");
    if (typeof callback !== 'function') throw typeError("subscribe(): 'callback' must be a function");
    if (headers !== undefined && headers !== null && !isObject(headers)) throw typeError("subscribe(): 'headers' must be an object");
    const packed = packHeaders(headers, 'headers');
    const window = connectWindow(this);
    let id;
    if (window === 'ended') {
      // The async onConnect of a connection that has ended: the next onConnect makes it again.
      id = headers ? headerText(headers.id, 'id', 'headers') : null;
      this._log('subscribe(' + destination + ') from the onConnect of a connection that has ended: not made (the next onConnect makes it again)');
      return { id: id || '', unsubscribe: noop };
    }
    // As stompjs, a subscription made while connected lasts for that connection (stompjs code makes
    // it again in onConnect); one made while not connected — which stompjs refuses — is kept and
    // restored after every reconnect. `keepSubscriptions` keeps those made while connected too,
    // except the ones a connect callback makes (it makes them again).
    const perConnection = window === 'open' || (!this._option('keepSubscriptions') && this._core.state() === 'connected');
    id = this._command(COMMAND.SUBSCRIBE, destination, '', '', packed, perConnection ? 1 : 0);
    // Registered after the call: a MESSAGE can only come from a socket event, which the client
    // handles after this call returns.
    this._subs.set(id, callback);
    const client = this;
    return {
      id: id,
      unsubscribe: function (unsubscribeHeaders) {
        client.unsubscribe(id, unsubscribeHeaders);
      },
    };
  }

  /** Ends a subscription by id; an id the client does not know (an earlier connection's) does nothing. */
  unsubscribe(id, headers) {
    requireString(id, "unsubscribe(): 'id'");
    const packed = packHeaders(headers, 'headers');
    try {
      this._command(COMMAND.UNSUBSCRIBE, id, '', '', packed, 0);
    } catch (error) {
      if (error.code !== 'UNKNOWN_SUBSCRIPTION') throw error;
      this._log('unsubscribe(' + id + '): no such subscription (already ended): nothing to do');
    }
    this._subs.delete(id);
  }

  /** Acknowledges a message by id (its `ack` header under STOMP 1.2, `message-id` before), on the current connection. */
  ack(messageId, subscriptionId, headers) {
    this._ackById(true, messageId, subscriptionId, headers);
  }

  /** Rejects a message by id (not in STOMP 1.0), on the current connection. */
  nack(messageId, subscriptionId, headers) {
    this._ackById(false, messageId, subscriptionId, headers);
  }

  _ackById(isAck, messageId, subscriptionId, headers) {
    const id = headerText(messageId, 'messageId', 'ack()');
    const sub = headerText(subscriptionId, 'subscriptionId', 'ack()');
    if (id === null || sub === null) throw typeError((isAck ? 'ack' : 'nack') + '() takes a message id and a subscription id');
    this._command(isAck ? COMMAND.ACK : COMMAND.NACK, '', id, sub, packHeaders(headers, 'headers'), 0);
  }

  /**
   * `message.ack(headers)` / `message.nack(headers)`: sent only on the connection that delivered the
   * message; returns whether it was (false, said through `debug`: that connection has ended — the broker
   * redelivers the message — or the subscription acknowledges by itself).
   */
  _acknowledge(isAck, message, headers) {
    const h = message.headers || {};
    const packed = packHeaders(headers, 'headers');
    try {
      this._command(isAck ? COMMAND.ACK : COMMAND.NACK, h.ack || '', h['message-id'] || '', h.subscription || '', packed, message._connection || 0);
      return true;
    } catch (error) {
      if (!error || (error.code !== 'STALE_ACK' && error.code !== 'AUTO_ACK')) throw error;
      this._log('message.' + (isAck ? 'ack' : 'nack') + '() of message ' + (h['message-id'] || '?') + ' not sent: ' + error.message);
      return false;
    }
  }

  /** Begins a transaction; returns `{id, commit(), abort()}`. */
  begin(transactionId) {
    const given = transactionId === undefined || transactionId === null ? '' : headerText(transactionId, 'transactionId', 'begin()');
    const id = this._command(COMMAND.BEGIN, given, '', '', '', 0);
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

  /** Commits a transaction (after the frames issued before it). */
  commit(transactionId) {
    this._command(COMMAND.COMMIT, requireString(transactionId, "commit(): 'transactionId'"), '', '', '', 0);
  }

  /** Aborts a transaction (after the frames issued before it). */
  abort(transactionId) {
    this._command(COMMAND.ABORT, requireString(transactionId, "abort(): 'transactionId'"), '', '', '', 0);
  }

  /** Calls `callback(frame)` when the RECEIPT for `receiptId` arrives (put `receipt: receiptId` in the headers of the frame you send). */
  watchForReceipt(receiptId, callback) {
    addWatcher(this._watchers, receiptId, callback);
  }

  // ----- listeners -----

  /** Adds a listener: `on('connect', fn)` — any event name (see the README). */
  on(name, listener) {
    addListener(this._listeners, EVENTS, name, listener);
  }

  /** Removes a listener added with `on`; returns whether it was there. */
  off(name, listener) {
    return removeListener(this._listeners, EVENTS, name, listener);
  }

  // ----- read-only state -----

  /** Whether a STOMP session is established. */
  get connected() {
    return this._core.state() === 'connected';
  }

  /**
   * Whether the client is active: from `activate()` to `deactivate()` (connecting, connected,
   * reconnecting, or — with `reconnectDelay: 0` or attempts used up — waiting, as stompjs).
   */
  get active() {
    return this.state === ActivationState.ACTIVE;
  }

  /** stompjs's `ActivationState`. */
  get state() {
    const state = this._core.state();
    if (state === 'disconnecting') return ActivationState.DEACTIVATING;
    if (state === 'inactive') return ActivationState.INACTIVE;
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
    return JSON.parse(this._core.serverHeaders());
  }

  /** The socket while one is open: the object the client writes to. */
  get webSocket() {
    return this._core.socket();
  }

  /** Whether heart-beat timers run in a Web Worker (`heartbeatStrategy: 'worker'` took effect). */
  get usesWorkerTimer() {
    return this._core.usesWorker();
  }

  // ----- from wasm (bridge.js) -----

  /** One event (wire.js EVENT). */
  _e(kind, a, b, n, m, x) {
    onEvent(this, kind, a, b, n, m, x);
  }

  /** One received frame (wire.js FRAME; `view` is wasm memory: not kept). */
  _f(kind, headers, view, extra, n) {
    onFrame(this, kind, headers, view, extra, n);
  }

  /** Calls the wasm core; what it throws becomes the Error JS throws (bridge.js `toError`). */
  /** Calls the core: a refusal comes back as null, its error in `takeError()`; a trap is thrown. */
  _do(method, a, b, c, d, e, f, g) {
    let result;
    try {
      result = this._core[method](a, b, c, d, e, f, g);
    } catch (thrown) {
      throw this._fault(toError(thrown));
    }
    if (result === null) throw this._refused(this._core.takeError());
    return result;
  }

  /** A command (wire.js `COMMAND`). */
  _command(op, a, b, c, d, n) {
    return this._do('command', this, op, a, b, c, d, n);
  }

  /** A refused publish's error (bridge.js `toError`). */
  _refused(thrown) {
    return toError(thrown);
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
      return fn.apply(undefined, args);
    } catch (error) {
      this._report(what, error);
      return undefined;
    }
  }

  /** The stompjs callback for `name` (if any), then its `on()` listeners; what they returned. */
  _emit(name, args) {
    const results = [];
    const property = EVENTS[name];
    if (property) {
      const slot = this._slots[property];
      if (typeof slot === 'function') results.push(this._call(slot, args, property + ' callback'));
    }
    const list = this._listeners[name];
    if (list) {
      const copy = list.slice();
      for (let i = 0; i < copy.length; i++) results.push(this._call(copy[i], args, "'" + name + "' listener"));
    }
    return results;
  }

  /** CONNECTED on connection `n` (connect.js). */
  _connected(frame, n) {
    connected(this, frame, n);
  }

  /** Before each connection attempt (connect.js). */
  _beforeConnect(generation) {
    beforeConnect(this, generation);
  }

  /** Publishes were given up: the `queueDiscarded` event; said once on the console if nobody listens. */
  _discarded(frames) {
    const error = this._lastDiscard;
    this._emit('queueDiscarded', [{ frames: frames, error: error }]);
    const listened = this._listeners.queueDiscarded && this._listeners.queueDiscarded.length > 0;
    if (!listened && !this._warnedDiscard && typeof console !== 'undefined' && console.warn) {
      this._warnedDiscard = true;
      console.warn('stomp-wasm: ' + frames + ' accepted publish(es) given up: ' + error + ". Listen to 'queueDiscarded' or await publish() to handle it (said once per client).");
    }
  }

  _settleWaiters() {
    const waiters = this._waiters;
    this._waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }
}

/** Web Crypto where the platform has it (browsers, Node 20); mini-programs fall back to Math.random. */
function randomSeed() {
  const c = typeof crypto === 'object' && crypto && typeof crypto.getRandomValues === 'function' ? crypto : null;
  return c ? c.getRandomValues(new Uint32Array(1))[0] : Math.floor(Math.random() * 4294967296);
}

function checkCallback(name, value) {
  if (value === undefined || value === null) return noop;
  if (typeof value !== 'function') throw typeError("option '" + name + "' must be a function");
  return value;
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
