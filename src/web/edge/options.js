// The options of `new Client(options)`, `configure(options)` and the option properties
// (`client.reconnectDelay = 0`): ONE table that drives parsing, the properties, the TypeScript
// declarations, the package README and the option numbers wasm knows (scripts/gen-options.mjs writes
// index.d.ts and the README from it and each option's OPTION_DOCS entry, and option_ids.rs from its
// rows; build-pkg, which `make test` runs, checks with --check that they match). The defaults shown
// here are the Rust config's (`tests/option_defaults.rs` and `tests/wasm_node.rs` compare them). Each
// value is checked and converted here, in JS, before anything reaches wasm: a bad value is a TypeError
// naming the option, and user code (a getter, a Proxy) runs before the client is touched.
//
// Written as ES2017 (no optional chaining, no class fields): it ships as is to mini-programs and to
// webpack 4.
import { Versions } from './enums.js';

/**
 * [name, kind, default] (the TypeScript type and the documentation of each are in OPTION_DOCS). Kinds:
 *   urls      a string or an array of strings      → wasm: NUL-joined
 *   headers   an object of header values           → wasm: name\0value\0…
 *   versions  an array of '1.0'|'1.1'|'1.2', or a Versions object
 *   strings   an array of strings
 *   ms        a non-negative number of milliseconds (a numeric string is read as a number)
 *   count     a non-negative integer
 *   size      a positive integer (bytes)
 *   multiplier a number ≥ 1
 *   fraction  a number from 0 to 1
 *   bool      true or false
 *   enum:a|b  one of these strings
 *   mode      ReconnectionTimeMode.LINEAR (0) or EXPONENTIAL (1)
 *   fn        a function (kept in JS)
 * `undefined` (or `null`) sets the default back.
 */
export const OPTIONS = [
  ['brokerURL', 'urls', undefined],
  ['webSocketFactory', 'fn', undefined],
  ['connectHeaders', 'headers', {}],
  ['disconnectHeaders', 'headers', {}],
  ['stompVersions', 'versions', Versions.default],
  ['heartbeatIncoming', 'ms', 10000],
  ['heartbeatOutgoing', 'ms', 10000],
  ['heartbeatToleranceMultiplier', 'multiplier', 2],
  ['heartbeatStrategy', 'enum:interval|worker', 'interval'],
  ['reconnectDelay', 'ms', 5000],
  ['reconnectTimeMode', 'mode', 0],
  ['maxReconnectDelay', 'ms', 900000],
  ['maxReconnectAttempts', 'count', 0],
  ['reconnectJitter', 'fraction', 0],
  ['reconnectSeed', 'count', undefined],
  ['connectionTimeout', 'ms', 0],
  ['receiptTimeout', 'ms', 30000],
  ['disconnectTimeout', 'ms', 5000],
  ['queueWhileDisconnected', 'bool', true],
  ['maxQueuedFrames', 'count', 1000],
  ['maxQueuedBytes', 'count', 4194304],
  ['maxUnconfirmedBytes', 'count', 67108864],
  ['maxDeliveryAttempts', 'count', 3],
  ['maxHeaderBytes', 'count', 8192],
  ['maxHeaders', 'count', 128],
  ['maxBodyBytes', 'count', 16777216],
  ['delivery', 'enum:at-most-once|at-least-once', 'at-most-once'],
  ['keepSubscriptions', 'bool', false],
  ['maxBufferedAmount', 'count', 262144],
  ['forceBinaryWSFrames', 'bool', false],
  ['splitLargeFrames', 'bool', false],
  ['maxWebSocketChunkSize', 'size', 8192],
  ['discardWebsocketOnCommFailure', 'bool', false],
  ['appendMissingNULLonIncoming', 'bool', false],
  ['logRawCommunication', 'bool', false],
  ['redactHeaders', 'strings', []],
  ['reconnectOnResume', 'bool', true],
  ['platform', 'enum:browser|wx|uni|tt|my', undefined],
  ['handshakeHeaders', 'strings', []],
  ['appLifecycle', 'bool', true],
  ['debug', 'fn', undefined],
  ['beforeConnect', 'fn', undefined],
];

/**
 * Each option's [TypeScript type, documentation], for scripts/gen-options.mjs only (index.d.ts and the
 * package README), which fails if an option has none or one here names no option. Nothing the package
 * runs imports it, so bundlers leave it out of what a page downloads.
 */
export const OPTION_DOCS = {
  brokerURL: ['string | string[]', 'The broker URL, or several for failover (a failed attempt moves on to the next).'],
  webSocketFactory: ['() => IStompSocket', 'Returns a WebSocket-like object (SockJS, a wrapper); used instead of `new WebSocket(brokerURL)`.'],
  connectHeaders: ['StompHeaders', 'CONNECT headers (`login`, `passcode`, `host`, …). Read again before every attempt, so a `beforeConnect` may change them.'],
  disconnectHeaders: ['StompHeaders', 'DISCONNECT headers.'],
  stompVersions: ['Versions | string[]', "Versions offered, newest first by default: `['1.2', '1.1', '1.0']`."],
  heartbeatIncoming: ['number', 'How often the broker should send heart-beats, in ms; 0 turns them off.'],
  heartbeatOutgoing: ['number', 'How often the client offers to send heart-beats, in ms; 0 turns them off.'],
  heartbeatToleranceMultiplier: ['number', 'Silence longer than the incoming interval times this closes the connection (a check that runs over 100 ms late, because the client itself was asleep, first gives the broker one more interval).'],
  heartbeatStrategy: ['TickerStrategy | "interval" | "worker"', "'worker' runs the client's timer in a Web Worker, which background tabs do not throttle (falls back to 'interval' where a worker cannot start, saying so through `debug`)."],
  reconnectDelay: ['number', 'Milliseconds before reconnecting; 0 never reconnects.'],
  reconnectTimeMode: ['ReconnectionTimeMode', '`ReconnectionTimeMode.EXPONENTIAL` doubles the delay after each failed attempt, up to `maxReconnectDelay`.'],
  maxReconnectDelay: ['number', 'Cap on any reconnect delay, in ms (never below `reconnectDelay`); 0 = no cap, as stompjs.'],
  maxReconnectAttempts: ['number', "Attempts in a row before giving up (state 'failed', a `reconnectFailed` event); 0 = no limit. The count starts again only after a connection has stayed up for 10 s."],
  reconnectJitter: ['number', 'Fraction (0–1) of each delay drawn at random and taken off it; 1 = full jitter.'],
  reconnectSeed: ['number', "Seed of the jitter's random sequence (for reproducible delays)."],
  connectionTimeout: ['number', 'No CONNECTED within this many ms: the attempt fails and the next one starts; 0 waits forever.'],
  receiptTimeout: ['number', 'A receipt not received within this many ms fails; 0 waits forever.'],
  disconnectTimeout: ['number', '`deactivate()` closes after this many ms without the DISCONNECT receipt.'],
  queueWhileDisconnected: ['boolean', 'Queue publish/ack/nack while (re)connecting; sent after the subscriptions are restored.'],
  maxQueuedFrames: ['number', "Most frames waiting for a connection: a `publish()` made while not connected throws (`code: 'QUEUE_FULL'`) when this many wait. While connected nothing is refused for being many (a loop that never awaits loses nothing; backpressure paces the writes); frames still waiting when the connection drops count here."],
  maxQueuedBytes: ['number', 'Most bytes (headers and bodies) waiting for a connection, as `maxQueuedFrames`.'],
  maxUnconfirmedBytes: ['number', "Most bytes of at-least-once frames the client keeps until their RECEIPT (written or waiting): an at-least-once `publish()` beyond it throws (`code: 'QUEUE_FULL'`)."],
  maxDeliveryAttempts: ['number', 'An at-least-once frame that was the oldest unconfirmed one when its connection ended this many times in a row is given up, its Promise rejected (the broker refuses it: RabbitMQ closes the connection on a SEND to a missing exchange); 0 never gives up.'],
  maxHeaderBytes: ['number', 'Limit on a received frame\'s command and header lines, in bytes.'],
  maxHeaders: ['number', 'Limit on the number of headers of a received frame.'],
  maxBodyBytes: ['number', 'Limit on a received frame\'s body, in bytes.'],
  delivery: ['"at-most-once" | "at-least-once"', "'at-least-once': every publish carries a receipt and a `dedup-id` header (the same value) and stays in the client until its RECEIPT, sent again after a reconnect (after the subscriptions, before newer frames); its Promise resolves with the RECEIPT. Duplicates are possible: consumers de-duplicate on `dedup-id`. Bounded by `maxUnconfirmedBytes`; given up after `maxDeliveryAttempts`. Also per publish (`publish({…, delivery})`)."],
  keepSubscriptions: ['boolean', "Subscriptions made while not connected are always kept and restored after every reconnect; with true, those made while connected are too (until unsubscribed) — for code that does not subscribe again in `onConnect`. Subscriptions a connect callback makes (while it runs, or while the Promise it returned is pending) always last for their connection: it makes them again."],
  maxBufferedAmount: ['number', "Backpressure: the socket never holds more unsent bytes than this plus one frame; later frames wait in the client, in the order issued, and each publish Promise resolves once its frame is written, so `await client.publish(…)` in a loop paces itself; 0 turns it off."],
  forceBinaryWSFrames: ['boolean', 'Send every frame as a binary WebSocket message.'],
  splitLargeFrames: ['boolean', 'Write a text frame longer than `maxWebSocketChunkSize` as several WebSocket messages, cut between UTF-8 characters, for brokers that reassemble them (Spring, RabbitMQ); binary frames are never split.'],
  maxWebSocketChunkSize: ['number', 'With `splitLargeFrames`: the most bytes in one WebSocket message (stompjs counts UTF-16 units instead).'],
  discardWebsocketOnCommFailure: ['boolean', "When heart-beats are lost, a connection attempt or a disconnect times out, or on `forceDisconnect()`: discard the socket (`terminate()` where it has one, as Node's `ws`) instead of closing it gracefully. The client moves on at once either way."],
  appendMissingNULLonIncoming: ['boolean', 'Ends each incoming text message with the NUL a frame ends with when it lacks one (React Native cuts strings at NUL); only for brokers that send one whole frame per message.'],
  logRawCommunication: ['boolean', 'Show frames through `debug` as stompjs does with it: the whole frame text, body and NUL included (credentials stay hidden).'],
  redactHeaders: ['string[]', 'Header names whose values `debug` never shows, beyond `passcode` and `Authorization`.'],
  reconnectOnResume: ['boolean', 'Reconnect at once when the page becomes visible or the network comes back.'],
  platform: ['"browser" | "wx" | "uni" | "tt" | "my"', "Socket API: 'browser' (the global WebSocket) or a mini-program's (`my`: Alipay); by default the global WebSocket if there is one, else the first of `wx`, `tt`, `my`, `uni` found."],
  handshakeHeaders: ['string[]', 'Connect headers also sent on a mini-program socket\'s handshake (`Authorization` always is).'],
  appLifecycle: ['boolean', 'Mini-programs: wait while the app is hidden, reconnect at once when it is shown.'],
  debug: ['debugFnType', 'Receives log lines. `passcode`, `Authorization` and `redactHeaders` never reach it.'],
  beforeConnect: ['(client: Client) => void | Promise<void>', 'Called before each connection attempt; may return a Promise (e.g. to refresh a token into `connectHeaders`, or to set `brokerURL`: it is read after).'],
};

/** Options the wasm never hears of: kept in JS (`webSocketFactory` goes by `setFactory`). */
export const JS_ONLY = ['webSocketFactory', 'delivery', 'keepSubscriptions', 'beforeConnect'];

/** The stompjs callback properties: [property, event name for on(), TypeScript type of the callback]. */
export const CALLBACKS = [
  ['onConnect', 'connect', 'frameCallbackType'],
  ['onDisconnect', 'disconnect', 'frameCallbackType'],
  ['onStompError', 'stompError', 'frameCallbackType'],
  ['onWebSocketClose', 'webSocketClose', 'closeEventCallbackType'],
  ['onWebSocketError', 'webSocketError', 'wsErrorCallbackType'],
  ['onUnhandledMessage', 'unhandledMessage', 'messageCallbackType'],
  ['onUnhandledReceipt', 'unhandledReceipt', 'frameCallbackType'],
  ['onUnhandledFrame', 'unhandledFrame', 'frameCallbackType'],
  ['onChangeState', 'changeState', '(state: ActivationState) => void'],
  ['onHeartbeatReceived', 'heartbeatReceived', 'emptyCallbackType'],
  ['onHeartbeatLost', 'heartbeatLost', 'emptyCallbackType'],
];

/** Events only `on()` has (beyond the stompjs callbacks). */
export const EXTRA_EVENTS = [
  'state',
  'reconnectScheduled',
  'reconnectFailed',
  'connectFailed',
  'receiptFailed',
  'queueDiscarded',
  'transactionsAborted',
  'subscriptionLost',
  'messageRefused',
];

/**
 * The arguments of each event's listeners, as a TypeScript tuple, for scripts/gen-options.mjs only (the
 * `ClientEventMap` of index.d.ts); every event of CALLBACKS and EXTRA_EVENTS has one.
 */
export const EVENT_ARGS = {
  connect: '[frame: IFrame]',
  disconnect: '[frame: IFrame]',
  stompError: '[frame: IFrame]',
  webSocketClose: '[event: any]',
  webSocketError: '[event: any]',
  unhandledMessage: '[message: IMessage]',
  unhandledReceipt: '[frame: IFrame]',
  unhandledFrame: '[frame: IFrame]',
  changeState: '[state: ActivationState]',
  heartbeatReceived: '[]',
  heartbeatLost: '[]',
  state: '[state: ConnectionState]',
  reconnectScheduled: '[detail: { attempt: number; delay: number; at: number }]',
  reconnectFailed: '[detail: { attempts: number }]',
  connectFailed: '[detail: { reason: string; frame?: IFrame }]',
  receiptFailed: '[detail: { receiptId: string; error: string }]',
  queueDiscarded: '[detail: { frames: number; error: string }]',
  transactionsAborted: '[ids: string[]]',
  subscriptionLost: '[detail: { id: string; error: string }]',
  messageRefused: '[detail: { message: IMessage; error: string }]',
};

/** The parameters of `publish()`: [name, TypeScript type, documentation] (index.d.ts's IPublishParams). */
export const PUBLISH_PARAMS = [
  ['destination', 'string', 'Where to send it.'],
  ['headers', 'StompHeaders', 'More headers (numbers and booleans are written as text).'],
  ['body', 'string', 'A text body.'],
  ['binaryBody', 'Uint8Array | ArrayBuffer | ArrayBufferView', 'A binary body (any view or ArrayBuffer); sent as a binary frame, always with `content-length`.'],
  ['skipContentLengthHeader', 'boolean', 'Leave `content-length` out of a text frame (never of a binary one, as stompjs).'],
  ['receipt', 'boolean', "Ask for the broker's RECEIPT: the Promise resolves with it."],
  ['delivery', '"at-most-once" | "at-least-once"', 'This publish\'s delivery (default: the `delivery` option).'],
];

export function typeError(message) {
  return new TypeError(message);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value + ' ' + safeString(value);
}

function safeString(value) {
  try {
    return String(value);
  } catch (e) {
    return '(unprintable)';
  }
}

/** A header value as stompjs writes it (`String(value)`); undefined and null leave the header out. */
export function headerText(value, name, where) {
  if (value === undefined || value === null) return null;
  let text;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'symbol') throw typeError("header '" + name + "' in '" + where + "' is a symbol");
  else {
    try {
      text = String(value);
    } catch (e) {
      throw typeError("header '" + name + "' in '" + where + "' cannot be made a string");
    }
  }
  if (text.indexOf('\0') >= 0) throw typeError("header '" + name + "' in '" + where + "' contains a NUL character");
  return text;
}

/**
 * Headers given as an object → `name\0value\0…` (own enumerable keys, in order; getters run here).
 * `where` names the argument in errors.
 */
export function packHeaders(headers, where) {
  if (headers === undefined || headers === null) return '';
  if (typeof headers !== 'object') throw typeError("'" + where + "' must be an object of header values, not " + describe(headers));
  let packed = '';
  let first = true;
  const names = Object.keys(headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name.indexOf('\0') >= 0) throw typeError("a header name in '" + where + "' contains a NUL character");
    const text = headerText(headers[name], name, where);
    if (text === null) continue;
    packed += (first ? '' : '\0') + name + '\0' + text;
    first = false;
  }
  return packed;
}

function stringList(value, name) {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw typeError("option '" + name + "' must be a string or an array of strings, not " + describe(value));
  const out = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item !== 'string' && !(item && typeof item === 'object' && typeof item.href === 'string')) {
      throw typeError("option '" + name + "': item " + i + ' must be a string, not ' + describe(item));
    }
    const text = String(item);
    if (text.indexOf('\0') >= 0) throw typeError("option '" + name + "': item " + i + ' contains a NUL character');
    out.push(text);
  }
  return out;
}

function number(value, name, what) {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || n !== n) throw typeError("option '" + name + "' must be " + what + ', not ' + describe(value));
  return n;
}

/**
 * Checks and converts one option value. Returns `{ stored, core }`: what the property reads back,
 * and what wasm gets (`undefined` for the default; nothing at all for 'fn' options, which stay in JS).
 */
export function convert(spec, value) {
  const name = spec[0];
  const kind = spec[1];
  if (value === undefined || value === null) return { stored: spec[2], core: undefined };
  switch (kind) {
    case 'urls': {
      const list = stringList(value, name);
      return { stored: value, core: list.join('\0') };
    }
    case 'headers':
      return { stored: value, core: packHeaders(value, name) };
    case 'versions': {
      const list = value && typeof value === 'object' && !Array.isArray(value) && Array.isArray(value.versions) ? value.versions : value;
      const versions = stringList(list, name);
      for (let i = 0; i < versions.length; i++) {
        if (versions[i] !== '1.0' && versions[i] !== '1.1' && versions[i] !== '1.2') {
          throw typeError("option '" + name + "' must list versions among '1.0', '1.1', '1.2', not '" + versions[i] + "'");
        }
      }
      if (!versions.length) throw typeError("option '" + name + "' must list at least one version");
      return { stored: value, core: versions.join('\0') };
    }
    case 'strings':
      return { stored: value, core: stringList(value, name).join('\0') };
    case 'size': {
      const n = number(value, name, 'a positive integer');
      if (!(n >= 1) || n !== Math.floor(n) || !isFinite(n)) throw typeError("option '" + name + "' must be a positive integer, not " + n);
      return { stored: n, core: n };
    }
    case 'ms':
    case 'count': {
      const n = number(value, name, kind === 'ms' ? 'a non-negative number of milliseconds' : 'a non-negative integer');
      if (n < 0 || (kind === 'count' && n !== Math.floor(n))) {
        throw typeError("option '" + name + "' must be " + (kind === 'ms' ? 'a non-negative number of milliseconds' : 'a non-negative integer') + ', not ' + n);
      }
      return { stored: n, core: Math.floor(n) };
    }
    case 'multiplier': {
      const n = number(value, name, 'a number ≥ 1');
      if (!(n >= 1) || !isFinite(n)) throw typeError("option '" + name + "' must be a number ≥ 1, not " + n);
      return { stored: n, core: n };
    }
    case 'fraction': {
      const n = number(value, name, 'a number from 0 to 1');
      if (!(n >= 0 && n <= 1)) throw typeError("option '" + name + "' must be a number from 0 to 1, not " + n);
      return { stored: n, core: n };
    }
    case 'bool':
      if (typeof value !== 'boolean') throw typeError("option '" + name + "' must be true or false, not " + describe(value));
      return { stored: value, core: value };
    case 'mode': {
      const n = number(value, name, 'ReconnectionTimeMode.LINEAR (0) or EXPONENTIAL (1)');
      if (n !== 0 && n !== 1) throw typeError("option '" + name + "' must be ReconnectionTimeMode.LINEAR (0) or EXPONENTIAL (1), not " + n);
      return { stored: n, core: n };
    }
    case 'fn':
      if (typeof value !== 'function') throw typeError("option '" + name + "' must be a function, not " + describe(value));
      return { stored: value, core: undefined };
    default: {
      // enum:a|b|c
      const allowed = kind.slice(5).split('|');
      if (typeof value !== 'string' || allowed.indexOf(value) < 0) {
        throw typeError("option '" + name + "' must be one of '" + allowed.join("', '") + "', not " + describe(value));
      }
      return { stored: value, core: value };
    }
  }
}

export const OPTION_BY_NAME = {};
/** Each option's number for wasm (`ClientCore.set`): its row here (src/web/edge/option_ids.rs). */
export const OPTION_ID = {};
for (let i = 0; i < OPTIONS.length; i++) {
  OPTION_BY_NAME[OPTIONS[i][0]] = OPTIONS[i];
  OPTION_ID[OPTIONS[i][0]] = i;
}
export const CALLBACK_BY_NAME = {};
for (let i = 0; i < CALLBACKS.length; i++) CALLBACK_BY_NAME[CALLBACKS[i][0]] = CALLBACKS[i];
