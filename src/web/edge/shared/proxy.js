// The tab's `Client` in shared mode: the @stomp/stompjs v7 surface of the package's `Client`, as a
// proxy of the one real client that a host (SharedWorker, leader tab) runs for every tab of the
// same configuration (modes.js finds it, links.js carries the messages, host.js is the other end).
//
// What it keeps is what the tab needs to attach again to a new host (a leader tab closed) without the
// application noticing more than a reconnect: whether it wants the connection, its subscriptions (with
// their callbacks), its unconfirmed at-least-once publishes (re-sent, with the same `dedup-id`), its
// receipt watchers. Options, callbacks, listeners and `debug` are the tab's own; functions never cross.
//
// Differences from the package's `Client` (README, "One connection for every tab"): a refusal only the
// shared client can know (a full queue) rejects the Promise instead of throwing; `webSocketFactory` is
// refused; `webSocket` is undefined; `message.ack()` returns whether the ack was sent to the shared client.
// Over 500 lines for one reason: it is the whole stompjs surface of one class, every value checked in the
// tab before anything crosses (client.js and publish.js together, for the package's Client); its link to
// the host is apart (proxy-link.js). Written as ES2017 like the rest of the edge.

import { Frame, ActivationState } from '../entries/web.js';
import { OPTIONS, CALLBACKS, PUBLISH_PARAMS, OPTION_BY_NAME, CALLBACK_BY_NAME, headerText, typeError } from '../options.js';
import { checkOption, plainHeaders, plainOption, hostOptions, configKey, randomId, TAB_ONLY } from './wire.js';
import { join, initialized } from './modes.js';
import { ProxyLink } from './proxy-link.js';
import { isObject, requireString, eventTable, addListener, removeListener, addWatcher } from '../surface.js';
import { describeError } from '../connect.js';

function noop() {}

/** With shared mode's own event, `sharing`: `{mode, tabs}` whenever either changes. */
const EVENTS = eventTable(['sharing']);

const PUBLISH_KEYS = {};
for (let i = 0; i < PUBLISH_PARAMS.length; i++) PUBLISH_KEYS[PUBLISH_PARAMS[i][0]] = 1;
const MODES = { auto: 1, worker: 1, leader: 1, tab: 1 };
const NO_CONNECTION = 'There is no underlying STOMP connection';

/** Options of shared mode only (the rest are the package's). */
const SHARE_OPTIONS = {
  shareMode: "'auto' (the default: SharedWorker, else a leader tab, else this tab alone), 'worker', 'leader' or 'tab'",
  shareName: 'a name: clients with different names never share (default "stomp-wasm")',
  sharedWorkerURL: "the URL of shared-worker.js, for bundlers that do not follow new URL('./shared-worker.js', import.meta.url)",
};

function quiet(promise) {
  promise.catch(noop);
  return promise;
}

/** A body's bytes as a Uint8Array of their own (they are cloned to the host anyway). */
function bytesOf(value) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (!ArrayBuffer.isView(value)) return null;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
}

function activationOf(state) {
  if (state === 'disconnecting') return ActivationState.DEACTIVATING;
  if (state === 'inactive' || state === 'failed') return ActivationState.INACTIVE;
  return ActivationState.ACTIVE;
}

/** The clients of this page that have been activated (pagehide tells their hosts at once). */
const LIVE = new Set();
if (typeof addEventListener === 'function' && typeof document === 'object') {
  addEventListener('pagehide', function () {
    LIVE.forEach(function (client) {
      client._pagehide();
    });
  });
  addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    LIVE.forEach(function (client) {
      if (client._joined) client._rejoin('the page came back from the back/forward cache');
    });
  });
}

export class Client {
  constructor(options) {
    if (!initialized()) throw new Error('stomp-wasm is not initialised: await init() first (from stomp-wasm/shared)');
    this._id = randomId();
    this._values = { connectHeaders: {}, disconnectHeaders: {} };
    this._slots = {};
    this._listeners = {};
    this._share = { mode: 'auto', name: 'stomp-wasm', workerURL: null };
    this._active = false;
    this._deacts = new Map();
    this._subs = new Map();
    this._pending = new Map();
    this._watchers = new Map();
    this._txs = new Set();
    this._tokens = new WeakMap();
    this._seq = 0;
    this._state = 'inactive';
    this._activation = ActivationState.INACTIVE;
    this._host = { v: null, h: null, c: 0, n: 0, m: null };
    this._link = null;
    this._mode = null;
    this._joined = null;
    this._key = null;
    this._inConnect = 0;
    this._asyncConnect = 0;
    const client = this;
    this._Message = class Message extends Frame {
      ack(headers) {
        return client._acknowledge(true, this, headers);
      }

      nack(headers) {
        return client._acknowledge(false, this, headers);
      }
    };
    if (options !== undefined && options !== null) this.configure(options);
  }

  configure(options) {
    if (!isObject(options) || typeof options === 'function') throw typeError('configure() takes an options object');
    const names = Object.keys(options);
    const values = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const value = options[name];
      if (SHARE_OPTIONS[name]) values.push(checkShareOption(name, value));
      else if (CALLBACK_BY_NAME[name]) values.push(checkCallback(name, value));
      else if (OPTION_BY_NAME[name]) values.push(checkSharedOption(name, value));
      else throw typeError("unknown option '" + name + "'");
    }
    const changed = {};
    let any = false;
    for (let i = 0; i < names.length; i++) {
      if (this._apply(names[i], values[i], changed)) any = true;
    }
    if (any) this._sendConfig(changed);
  }

  /** Stores one checked value; returns true if the host must hear of it (`changed[name]` = its data). */
  _apply(name, value, changed) {
    if (SHARE_OPTIONS[name]) {
      if (name === 'shareMode') this._share.mode = value;
      else if (name === 'shareName') this._share.name = value;
      else this._share.workerURL = value;
      return false;
    }
    if (CALLBACK_BY_NAME[name]) {
      this._slots[name] = value;
      return false;
    }
    this._values[name] = value;
    if (name === 'debug') {
      if (this._link) this._link.send({ o: 'dbg', on: this._wantsDebug() });
      return false;
    }
    if (TAB_ONLY[name]) return false;
    changed[name] = value === undefined ? null : plainOption(name, value);
    return true;
  }

  /** Options changed while attached reach the shared client (they are its options, for every tab). */
  _sendConfig(changed) {
    if (this._link && this._active) this._link.send({ o: 'cfg', v: changed });
  }

  _option(name) {
    const value = this._values[name];
    if (value !== undefined) return value;
    if (name === 'debug') return noop;
    return OPTION_BY_NAME[name][2];
  }

  _wantsDebug() {
    const debug = this._values.debug;
    return typeof debug === 'function' && debug !== noop;
  }

  // ----- lifecycle -----

  activate() {
    const first = !this._active;
    this._active = true;
    if (this._state === 'inactive' || this._state === 'failed') this._setState('connecting');
    else this._updateActivation();
    LIVE.add(this);
    const key = configKey(this._share.name, hostOptions(this._values));
    if (this._joined && key !== this._key) this._detach();
    if (!this._joined) {
      this._key = key;
      this._joined = join(this, key, this._share);
      this._mode = this._joined.mode;
      if (this._mode === 'tab') {
        this._log('shared mode: neither SharedWorker nor Web Locks with BroadcastChannel here (or shareMode: "tab"): this tab has a connection of its own');
      }
    } else if (this._link) {
      if (first) this._sync();
      else this._link.send({ o: 'act' });
    }
  }

  deactivate(options) {
    const force = isObject(options) ? !!options.force : false;
    const client = this;
    return new Promise(function (resolve) {
      if (!client._active) {
        if (client._deacts.size === 0) {
          resolve();
          return;
        }
      }
      const wasConnected = client._state === 'connected';
      client._active = false;
      if (!client._link) {
        // No host yet (a leader being elected): what waited for a connection is given up, as the
        // package's deactivate() gives it up while not connected.
        client._giveUp('publish(): the frame was discarded before it was written (deactivate() before the shared connection was reached)');
        client._cleared();
        client._setState('inactive');
        resolve();
        return;
      }
      const n = ++client._seq;
      client._deacts.set(n, { resolve: resolve, force: force, wasConnected: wasConnected });
      if (client._state !== 'inactive' && client._state !== 'failed') client._setState('disconnecting');
      else client._updateActivation();
      client._link.send({ o: 'deact', n: n, f: force });
    });
  }

  /** Closes the shared socket as if the network dropped: every tab's connection reconnects. */
  forceDisconnect() {
    if (this._link && this._active) this._link.send({ o: 'fd' });
  }

  reconnectNow() {
    if (this._link && this._active) this._link.send({ o: 'rn' });
  }

  // ----- messaging -----

  /**
   * As the package's `publish()`: a wrong parameter, or no connection wanted, throws here; the Promise
   * settles once, with the shared client's outcome for this frame.
   */
  publish(params) {
    if (!isObject(params)) throw typeError('publish() takes {destination, body?, binaryBody?, headers?}');
    const keys = Object.keys(params);
    for (let i = 0; i < keys.length; i++) {
      if (!PUBLISH_KEYS[keys[i]]) throw typeError("publish(): unknown parameter '" + keys[i] + "'");
    }
    const destination = requireString(params.destination, "publish(): 'destination'");
    if (destination.indexOf('\0') >= 0) throw typeError("publish(): 'destination' contains a NUL character");
    const headers = plainHeaders(params.headers, 'headers');
    const p = { destination: destination, headers: headers };
    if (params.binaryBody !== undefined && params.binaryBody !== null) {
      const bytes = bytesOf(params.binaryBody);
      if (bytes === null) throw typeError("publish(): 'binaryBody' must be a Uint8Array");
      p.binaryBody = bytes;
    } else if (params.body !== undefined && params.body !== null) {
      const body = params.body;
      if (typeof body === 'string') p.body = body;
      else if (typeof body === 'number' || typeof body === 'boolean' || typeof body === 'bigint') p.body = String(body);
      else throw typeError("publish(): 'body' must be a string (JSON.stringify objects; use binaryBody for bytes)");
    }
    if (params.receipt !== undefined) {
      if (typeof params.receipt !== 'boolean') throw typeError("publish(): 'receipt' must be a boolean");
      p.receipt = params.receipt;
    }
    if (params.skipContentLengthHeader !== undefined) {
      if (typeof params.skipContentLengthHeader !== 'boolean') throw typeError("publish(): 'skipContentLengthHeader' must be a boolean");
      p.skipContentLengthHeader = params.skipContentLengthHeader;
    }
    let delivery = params.delivery;
    if (delivery === undefined) delivery = this._option('delivery');
    else if (delivery !== 'at-most-once' && delivery !== 'at-least-once') throw typeError("publish(): 'delivery' must be 'at-most-once' or 'at-least-once'");
    p.delivery = delivery;
    if (!this._active) throw typeError(NO_CONNECTION);
    if (this._option('queueWhileDisconnected') === false && !this.connected) throw typeError(NO_CONNECTION);
    const n = ++this._seq;
    const alo = delivery === 'at-least-once';
    // A leader's successor sends it again: the same dedup-id, so that consumers see a duplicate as one.
    if (alo && this._mode === 'leader' && headers['dedup-id'] === undefined) headers['dedup-id'] = this._id + '-' + n;
    const entry = { n: n, p: p, alo: alo, sent: null, resolve: null, reject: null };
    const promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    this._pending.set(n, entry);
    if (this._link) {
      entry.sent = this._link;
      this._link.send({ o: 'pub', n: n, p: p });
    }
    return quiet(promise);
  }

  subscribe(destination, callback, headers) {
    requireString(destination, "subscribe(): 'destination'");
    if (typeof callback !== 'function') throw typeError("subscribe(): 'callback' must be a function");
    if (headers !== undefined && headers !== null && !isObject(headers)) throw typeError("subscribe(): 'headers' must be an object");
    const h = plainHeaders(headers, 'headers');
    let id = h.id !== undefined ? h.id : null;
    delete h.id;
    if (id === null) {
      do id = 'sub-' + this._seq++;
      while (this._subs.has(id));
    }
    if (this._subs.has(id)) throw new Error("a subscription with id '" + id + "' already exists");
    // The package's rule (docs/delivery.md §8): made by a connect callback, or while connected (unless
    // keepSubscriptions), a subscription lasts for its connection; made while not connected, it is kept
    // and restored after every reconnect. The host keeps every subscription it makes (its client runs
    // with keepSubscriptions) and ends those of a connection with it.
    let conn = this._inConnect || this._asyncConnect;
    if (!conn && this.connected && this._option('keepSubscriptions') !== true) conn = this._host.c;
    const sub = { id: id, d: destination, h: h, cb: callback, c: conn };
    this._subs.set(id, sub);
    if (this._link && this._active) this._link.send({ o: 'sub', s: id, d: destination, h: h, c: conn });
    const client = this;
    return {
      id: id,
      unsubscribe: function (unsubscribeHeaders) {
        client.unsubscribe(id, unsubscribeHeaders);
      },
    };
  }

  unsubscribe(id, headers) {
    requireString(id, "unsubscribe(): 'id'");
    const h = headers === undefined || headers === null ? undefined : plainHeaders(headers, 'headers');
    if (!this._subs.has(id)) {
      this._log("unsubscribe('" + id + "'): no such subscription; nothing sent");
      return;
    }
    this._subs.delete(id);
    if (this._link && this._active) this._link.send({ o: 'uns', s: id, h: h });
  }

  ack(messageId, subscriptionId, headers) {
    this._ackById(true, messageId, subscriptionId, headers);
  }

  nack(messageId, subscriptionId, headers) {
    this._ackById(false, messageId, subscriptionId, headers);
  }

  _ackById(isAck, messageId, subscriptionId, headers) {
    const id = headerText(messageId, 'messageId', 'ack()');
    const sub = headerText(subscriptionId, 'subscriptionId', 'ack()');
    if (id === null || sub === null) throw typeError((isAck ? 'ack' : 'nack') + '() takes a message id and a subscription id');
    const h = headers === undefined || headers === null ? undefined : plainHeaders(headers, 'headers');
    if (!this.connected) throw typeError(NO_CONNECTION);
    this._link.send({ o: 'ackid', a: isAck, m: id, s: sub, h: h });
  }

  /** `message.ack()`/`nack()`: sent to the shared client, which acks on the connection that delivered it. */
  _acknowledge(isAck, message, headers) {
    const h = headers === undefined || headers === null ? undefined : plainHeaders(headers, 'headers');
    const verb = isAck ? 'ack' : 'nack';
    const token = this._tokens.get(message);
    if (!token) {
      this._log('message.' + verb + '(): a message of an auto-ack subscription (or not delivered to this client): nothing to acknowledge, nothing sent');
      return false;
    }
    if (token.link !== this._link || token.c !== this._host.c || !this.connected) {
      this._log('message.' + verb + '(): its connection has ended (the broker redelivers it); nothing sent');
      return false;
    }
    this._tokens.delete(message);
    this._link.send({ o: 'ack', t: token.t, a: isAck, h: h });
    return true;
  }

  begin(transactionId) {
    const given = transactionId === undefined || transactionId === null ? null : headerText(transactionId, 'transactionId', 'begin()');
    if (!this.connected) throw typeError(NO_CONNECTION);
    const id = given === null ? 'tx-' + this._seq++ : given;
    this._txs.add(id);
    this._link.send({ o: 'tx', k: 'begin', x: id });
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

  commit(transactionId) {
    this._endTransaction('commit', requireString(transactionId, "commit(): 'transactionId'"));
  }

  abort(transactionId) {
    this._endTransaction('abort', requireString(transactionId, "abort(): 'transactionId'"));
  }

  _endTransaction(kind, id) {
    if (!this.connected) throw typeError(NO_CONNECTION);
    if (!this._txs.has(id)) throw new Error(kind + "(): there is no open transaction '" + id + "' on this connection");
    this._txs.delete(id);
    this._link.send({ o: 'tx', k: kind, x: id });
  }

  watchForReceipt(receiptId, callback) {
    addWatcher(this._watchers, receiptId, callback);
  }

  // ----- listeners -----

  on(name, listener) {
    addListener(this._listeners, EVENTS, name, listener);
  }

  off(name, listener) {
    return removeListener(this._listeners, EVENTS, name, listener);
  }

  // ----- read-only state -----

  get connected() {
    return this._active && this._state === 'connected';
  }

  get active() {
    return this.state === ActivationState.ACTIVE;
  }

  get state() {
    return this._activation;
  }

  get connectionState() {
    return this._state;
  }

  get connectedVersion() {
    return this.connected ? this._host.v || undefined : undefined;
  }

  get serverHeaders() {
    return this.connected && this._host.h ? Object.assign({}, this._host.h) : {};
  }

  /** The socket is in the shared client's context: never here (undefined, as with no socket open). */
  get webSocket() {
    return undefined;
  }

  /** Heart-beats run outside this page in worker mode (and in the leader's Worker timer in leader mode). */
  get usesWorkerTimer() {
    return this._mode === 'worker';
  }

  /** `{mode, tabs}`: 'worker', 'leader' or 'tab', and how many tabs use the connection (null before activate()). */
  get sharing() {
    if (!this._mode) return null;
    return { mode: this._host.m || this._mode, tabs: this._host.n };
  }

  _setState(state) {
    if (state !== this._state) {
      this._state = state;
      this._emit('state', [state]);
    }
    this._updateActivation();
  }

  _updateActivation() {
    let activation;
    if (!this._active) activation = this._deacts.size && this._state !== 'inactive' ? ActivationState.DEACTIVATING : ActivationState.INACTIVE;
    else activation = activationOf(this._state);
    if (activation !== this._activation) {
      this._activation = activation;
      this._emit('changeState', [activation]);
    }
  }

  _log(line) {
    const debug = this._values.debug;
    if (typeof debug === 'function') {
      try {
        debug.call(undefined, line);
      } catch (e) {
        // a throwing debug hook never breaks the client
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
}

function checkCallback(name, value) {
  if (value === undefined || value === null) return noop;
  if (typeof value !== 'function') throw typeError("option '" + name + "' must be a function");
  return value;
}

/** An option of the package's table, checked as the package checks it; `webSocketFactory` cannot cross. */
function checkSharedOption(name, value) {
  if (name === 'webSocketFactory' && value !== undefined && value !== null) {
    throw typeError("option 'webSocketFactory' cannot be used in shared mode: the shared connection is opened outside this tab, where a function of this tab cannot run (use the per-tab Client of 'stomp-wasm' for a custom socket)");
  }
  return checkOption(name, value);
}

function checkShareOption(name, value) {
  if (value === undefined || value === null) return name === 'shareMode' ? 'auto' : name === 'shareName' ? 'stomp-wasm' : null;
  if (name === 'shareMode') {
    if (!MODES[value]) throw typeError("option 'shareMode' must be one of " + SHARE_OPTIONS.shareMode + ', not ' + String(value));
    return value;
  }
  if (name === 'sharedWorkerURL') {
    if (typeof value !== 'string' && !(typeof URL === 'function' && value instanceof URL)) throw typeError("option 'sharedWorkerURL' must be a string or a URL");
    return String(value);
  }
  if (typeof value !== 'string' || value === '') throw typeError("option 'shareName' must be a non-empty string");
  return value;
}

// Option and callback properties, from the package's tables, plus shared mode's own.
for (let i = 0; i < OPTIONS.length; i++) {
  const name = OPTIONS[i][0];
  Object.defineProperty(Client.prototype, name, {
    configurable: true,
    enumerable: true,
    get: function () {
      return this._option(name);
    },
    set: function (value) {
      const changed = {};
      if (this._apply(name, checkSharedOption(name, value), changed)) this._sendConfig(changed);
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
// The proxy's side of its link to the host (attaching, re-attaching, what the host sends): proxy-link.js.
Object.getOwnPropertyNames(ProxyLink.prototype).forEach(function (name) {
  if (name !== 'constructor') Client.prototype[name] = ProxyLink.prototype[name];
});

const SHARE_PROPERTY = { shareMode: 'mode', shareName: 'name', sharedWorkerURL: 'workerURL' };
Object.keys(SHARE_PROPERTY).forEach(function (name) {
  Object.defineProperty(Client.prototype, name, {
    configurable: true,
    enumerable: true,
    get: function () {
      return this._share[SHARE_PROPERTY[name]];
    },
    set: function (value) {
      this._apply(name, checkShareOption(name, value), {});
    },
  });
});
