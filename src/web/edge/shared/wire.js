// Shared mode's wire: what crosses between a tab's proxy `Client` and the host (the one real `Client`,
// in a SharedWorker or a leader tab) is plain data that survives structured clone. This module turns
// the package's values into that data and back — frames, errors, socket events, options — and names
// a configuration (the key that decides which tabs share a connection). It knows no STOMP rule.
//
// Messages are objects `{o: op, …}` (the ops: see OPS below); a link carries them in batches
// (arrays), in order.

import { Frame } from '../entries/web.js';
import { OPTIONS, JS_ONLY, packHeaders, convert, OPTION_BY_NAME } from '../options.js';

/** Every op of the proxy/host protocol, for the reader; the code uses the strings. */
export const OPS = {
  // tab → host
  hello: 'first message of a link: {tab, link, key, options, debug, beforeConnect, wasm, local}',
  act: 'the tab wants the connection active',
  deact: '{n, f}: the tab lets go (f: force); answered by deactd',
  fd: 'forceDisconnect()',
  rn: 'reconnectNow()',
  cfg: '{v}: options changed while attached',
  pub: '{n, p}: publish(p); answered by set',
  sub: '{s, d, h, c}: subscribe (c: the connection it belongs to, 0 = restored after reconnects)',
  uns: '{s, h}: unsubscribe',
  ack: '{t, a, h}: message.ack()/nack() of the message with token t (a: ack)',
  ackid: '{a, m, s, h}: client.ack()/nack() by ids',
  tx: '{k, x}: begin/commit/abort (k) of transaction x',
  dbg: '{on}: whether the tab wants debug lines',
  bcd: '{g, e}: the tab ran beforeConnect for attempt g (e: its error)',
  bye: 'the tab is leaving (pagehide)',
  // host → tab
  st: '{s, v, h, c, n, m, i}: state, version, server headers, connection number, tabs, mode (i: information only, before the tab is active)',
  ev: '{e, a, c}: an event of the real client, its arguments',
  m: '{s, f, t, c}: a MESSAGE for subscription s (t: token to ack it)',
  set: '{n, ok, v|e}: a publish settled',
  deactd: '{n, last}: the deactivate was done',
  log: '{l}: a debug line',
  bc: '{g}: run beforeConnect for attempt g',
  fail: '{s, e}: subscribe s failed',
};

/** A value of the package (frames, errors, events, plain data) as structured-clone data. */
export function encode(value) {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (value instanceof Frame) return encodeFrame(value);
  if (value instanceof Error) {
    const e = { $e: 1, name: value.name, message: value.message };
    if (value.code !== undefined) e.code = value.code;
    return e;
  }
  if (typeof Event === 'function' && value instanceof Event) {
    const event = { type: value.type };
    if ('code' in value) event.code = value.code;
    if ('reason' in value) event.reason = value.reason;
    if ('wasClean' in value) event.wasClean = value.wasClean;
    if ('message' in value) event.message = value.message;
    return event;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(encode);
  const out = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const v = encode(value[keys[i]]);
    if (v !== undefined) out[keys[i]] = v;
  }
  return out;
}

/** A received frame as data: `{$f, command, headers, body, bytes}` (bytes only for a binary body). */
export function encodeFrame(frame) {
  return { $f: 1, command: frame.command, headers: frame.headers, body: frame.body, bytes: frame.isBinaryBody ? frame.binaryBody : null };
}

/** The inverse of `encode`: frames become `Frame`s (or `make(command, headers, body, bytes)`), errors `Error`s. */
export function decode(value, make) {
  if (value === null || typeof value !== 'object' || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    return value.map(function (v) {
      return decode(v, make);
    });
  }
  if (value.$f === 1) return make ? make(value) : decodeFrame(value);
  if (value.$e === 1) return decodeError(value);
  const out = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = decode(value[keys[i]], make);
  return out;
}

export function decodeFrame(f, Class) {
  return new (Class || Frame)(f.command, f.headers, f.body, f.bytes);
}

/** An error from the other side: a TypeError stays a TypeError; `code` is kept. */
export function decodeError(e) {
  const error = e.name === 'TypeError' ? new TypeError(e.message) : new Error(e.message);
  if (e.name && e.name !== 'TypeError' && e.name !== 'Error') error.name = e.name;
  if (e.code !== undefined) error.code = e.code;
  return error;
}

/** Headers as a plain object of strings, checked as the client checks them (a TypeError names `where`). */
export function plainHeaders(headers, where) {
  const packed = packHeaders(headers, where);
  const out = {};
  if (packed === '') return out;
  const parts = packed.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]] = parts[i + 1];
  return out;
}

/**
 * Options that never reach the host: `debug` and the package's JS-only ones (functions, each tab keeps
 * its own; the tab's publish default; its subscription rule, `keepSubscriptions`, which the proxy
 * applies for its own subscriptions).
 */
export const TAB_ONLY = { debug: 1 };
for (let i = 0; i < JS_ONLY.length; i++) TAB_ONLY[JS_ONLY[i]] = 1;

/** One option's value (as stored by the proxy, already checked) as data the host's `Client` accepts. */
export function plainOption(name, stored) {
  const kind = OPTION_BY_NAME[name][1];
  if (stored === undefined || stored === null) return undefined;
  switch (kind) {
    case 'urls':
      return Array.isArray(stored) ? stored.map(String) : String(stored);
    case 'headers':
      return plainHeaders(stored, name);
    case 'versions':
      return (Array.isArray(stored) ? stored : stored.versions).map(String);
    case 'strings':
      return (Array.isArray(stored) ? stored : [stored]).map(String);
    default:
      return stored;
  }
}

/** The options a proxy sends to the host: every option it set, but the tab-only ones, as data. */
export function hostOptions(values) {
  const out = {};
  for (let i = 0; i < OPTIONS.length; i++) {
    const name = OPTIONS[i][0];
    if (TAB_ONLY[name]) continue;
    const v = plainOption(name, values[name]);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Checks a value for option `name` as the client does; returns what the property reads back. */
export function checkOption(name, value) {
  return convert(OPTION_BY_NAME[name], value).stored;
}

/**
 * The configuration key: tabs whose keys are equal share one connection. It is every option the host
 * gets (broker URLs, connect headers — credentials and vhost —, heart-beats, limits, …), in a fixed
 * order, plus the share name.
 */
export function configKey(shareName, options) {
  const names = Object.keys(options).sort();
  const parts = [];
  for (let i = 0; i < names.length; i++) {
    let v = options[names[i]];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v).sort();
      const sorted = {};
      for (let j = 0; j < keys.length; j++) sorted[keys[j]] = v[keys[j]];
      v = sorted;
    }
    parts.push([names[i], v]);
  }
  return shareName + '\n' + JSON.stringify(parts);
}

/**
 * A short name for a key (lock and channel names are visible to every page of the origin through
 * `navigator.locks.query()`: they carry this hash, never the credentials). FNV-1a, twice (64 bits).
 */
export function keyHash(key) {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** A random id (tabs, links, leader terms). */
export function randomId() {
  const c = typeof crypto === 'object' && crypto && typeof crypto.getRandomValues === 'function' ? crypto : null;
  if (c) {
    const bytes = c.getRandomValues(new Uint8Array(6));
    let id = '';
    for (let i = 0; i < bytes.length; i++) id += (bytes[i] + 256).toString(16).slice(1);
    return id;
  }
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}
