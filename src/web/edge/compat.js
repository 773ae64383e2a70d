// The stomp.js 2.x API (`Stomp.over`, `Stomp.client`, `client.connect(…)`, `client.send(…)`), as
// @stomp/stompjs v7 keeps it in its compatibility layer (`Stomp`, `CompatClient`): what most Spring +
// SockJS tutorials and the STOMP code copied into mini-program projects are written against. A thin
// layer over the package's `Client` (no second engine, nothing in wasm): a CompatClient IS a Client,
// with stompjs v7's renamed properties and legacy methods on top.
//
// Where stomp.js 2.x and stompjs v7's layer disagree, this follows v7 (docs/migrating.md lists the
// differences), except that `connect(login, passcode, onConnect, onError, host)` — 2.x's five-argument
// form, whose fifth argument v7 would take as a close callback — keeps 2.x's meaning when the fifth
// argument is a string.
//
// Written as ES2017 (no optional chaining, no class fields): it ships as is to mini-programs and to
// webpack 4.

import { Client } from './client.js';
import { Versions } from './enums.js';
import { typeError } from './options.js';

/** `client.heartbeat`: the heart-beat options under their 2.x names (stompjs's HeartbeatInfo). */
class HeartbeatInfo {
  constructor(client) {
    this._client = client;
  }

  get outgoing() {
    return this._client.heartbeatOutgoing;
  }

  set outgoing(value) {
    this._client.heartbeatOutgoing = value;
  }

  get incoming() {
    return this._client.heartbeatIncoming;
  }

  set incoming(value) {
    this._client.heartbeatIncoming = value;
  }
}

function log(line) {
  if (typeof console !== 'undefined' && console.log) console.log(line);
}

/**
 * `connect`'s arguments → `[headers, connectCallback, errorCallback, closeEventCallback]`, as stompjs
 * v7 reads them (plus 2.x's five-argument form with a host).
 */
function parseConnect(args) {
  if (args.length < 2) throw new Error('Connect requires at least 2 arguments');
  if (typeof args[1] === 'function') return [args[0], args[1], args[2], args[3]];
  const headers = { login: args[0], passcode: args[1] };
  let close = args[4];
  let host = args[5];
  if (args.length === 5 && typeof close === 'string') {
    host = close; // stomp.js 2.x: connect(login, passcode, connectCallback, errorCallback, host)
    close = undefined;
  }
  if (host !== undefined) headers.host = host;
  return [headers, args[2], args[3], close];
}

/**
 * stompjs v7's `CompatClient`: a `Client` with the 2.x methods and property names. Made by
 * `Stomp.over(…)` or `Stomp.client(…)`. As in v7 it does not reconnect by default
 * (`reconnect_delay = 0`) and logs to `console.log` by default (`client.debug = null` silences it).
 */
export class CompatClient extends Client {
  constructor(webSocketFactory) {
    super();
    /** No effect (as in stompjs v7): see `splitLargeFrames` and `maxWebSocketChunkSize`. */
    this.maxWebSocketFrameSize = 16 * 1024;
    this._heartbeatInfo = new HeartbeatInfo(this);
    this.reconnectDelay = 0;
    if (webSocketFactory !== undefined) this.webSocketFactory = webSocketFactory;
    this.debug = log;
  }

  /**
   * `connect(headers, connectCallback, errorCallback?, closeEventCallback?)` or
   * `connect(login, passcode, connectCallback, errorCallback?, closeEventCallback?, host?)`: sets
   * `connectHeaders`, `onConnect`, `onStompError`, `onWebSocketClose` (those given), then `activate()`.
   */
  connect() {
    const parsed = parseConnect(arguments);
    if (parsed[0]) this.connectHeaders = parsed[0];
    if (parsed[1]) this.onConnect = parsed[1];
    if (parsed[2]) this.onStompError = parsed[2];
    if (parsed[3]) this.onWebSocketClose = parsed[3];
    this.activate();
  }

  /**
   * Sets `onDisconnect` (if given) and `disconnectHeaders`, then `deactivate()`. The callback runs
   * when the broker confirms the DISCONNECT (as stompjs v7's; 2.x called it at once).
   */
  disconnect(disconnectCallback, headers) {
    if (disconnectCallback) this.onDisconnect = disconnectCallback;
    this.disconnectHeaders = headers === undefined ? {} : headers;
    this.deactivate();
  }

  /**
   * `publish` with 2.x's arguments. A `content-length: false` header leaves `content-length` out
   * (`skipContentLengthHeader`). Throws on a refusal, as 2.x and v7 do.
   */
  send(destination, headers, body) {
    const copy = Object.assign({}, headers === undefined || headers === null ? {} : headers);
    const skipContentLengthHeader = copy['content-length'] === false;
    if (skipContentLengthHeader) delete copy['content-length'];
    this.publish({
      destination: destination,
      headers: copy,
      body: body === undefined ? '' : body,
      skipContentLengthHeader: skipContentLengthHeader,
    });
  }

  /** `reconnectDelay` under its 2.x name. */
  get reconnect_delay() {
    return this.reconnectDelay;
  }

  set reconnect_delay(value) {
    this.reconnectDelay = value;
  }

  /** `webSocket` under its 2.x name. */
  get ws() {
    return this.webSocket;
  }

  /** `connectedVersion` under its 2.x name. */
  get version() {
    return this.connectedVersion;
  }

  /** `onUnhandledMessage` under its 2.x name. */
  get onreceive() {
    return this.onUnhandledMessage;
  }

  set onreceive(value) {
    this.onUnhandledMessage = value;
  }

  /** `onUnhandledReceipt` under its 2.x name. */
  get onreceipt() {
    return this.onUnhandledReceipt;
  }

  set onreceipt(value) {
    this.onUnhandledReceipt = value;
  }

  /** `{incoming, outgoing}`: `heartbeatIncoming` and `heartbeatOutgoing`, live. */
  get heartbeat() {
    return this._heartbeatInfo;
  }

  set heartbeat(value) {
    if (value === null || typeof value !== 'object') throw typeError('heartbeat must be an object {incoming, outgoing}');
    this.heartbeatIncoming = value.incoming;
    this.heartbeatOutgoing = value.outgoing;
  }
}

const WARNING =
  'Stomp.over did not receive a factory, auto reconnect will not work. ' +
  'Please see https://stomp-js.github.io/api-docs/latest/classes/Stomp.html#over';

/**
 * stomp.js 2.x's `Stomp` (stompjs v7's `Stomp` class, whose members are all static): makes
 * CompatClients. A plain object, so that a bundle that does not use it can leave it out.
 */
export const Stomp = {
  /** A WebSocket class to use instead of the global one, for `Stomp.client` (set it before). */
  WebSocketClass: null,

  /**
   * A client for `url`. With no `protocols` and no `Stomp.WebSocketClass`, the client opens its own
   * socket: the global WebSocket, or in a mini-program `wx`/`tt`/`uni.connectSocket`. Otherwise
   * `new (Stomp.WebSocketClass || WebSocket)(url, protocols)` for each connection.
   */
  client: function (url, protocols) {
    if ((protocols === undefined || protocols === null) && !Stomp.WebSocketClass) {
      const client = new CompatClient(undefined);
      client.brokerURL = url;
      return client;
    }
    const list = protocols === undefined || protocols === null ? Versions.default.protocolVersions() : protocols;
    const Klass = Stomp.WebSocketClass || (typeof WebSocket !== 'undefined' ? WebSocket : null);
    if (!Klass) throw typeError('Stomp.client: no WebSocket here: set Stomp.WebSocketClass, or use Stomp.over(() => socket)');
    return new CompatClient(function () {
      return new Klass(url, list);
    });
  },

  /**
   * A client over a WebSocket-like object. Give a function that returns a new one (it is called for
   * every connection, so reconnecting works); a socket itself is accepted with stompjs's warning (it
   * cannot be reopened).
   */
  over: function (ws) {
    if (typeof ws === 'function') return new CompatClient(ws);
    if (ws === null || typeof ws !== 'object') {
      throw typeError('Stomp.over() takes a function returning a WebSocket-like object (or such an object)');
    }
    if (typeof console !== 'undefined' && console.warn) console.warn(WARNING);
    return new CompatClient(function () {
      return ws;
    });
  },
};
