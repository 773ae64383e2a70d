// What both public clients — the package's `Client` (client.js) and shared mode's proxy
// (shared/proxy.js) — check and keep the same way: argument checks, the event names of `on()`, the
// listener lists and the receipt watchers. One copy, so the two surfaces cannot drift apart.
import { CALLBACKS, EXTRA_EVENTS, typeError } from './options.js';

export function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

export function requireString(value, what) {
  if (typeof value !== 'string') throw typeError(what + ' must be a string, not ' + (value === null ? 'null' : typeof value));
  return value;
}

/**
 * The event names `on()` takes, each mapped to the stompjs callback property that also receives it
 * (null for events of ours); `extra`: more names of this client's own.
 */
export function eventTable(extra) {
  const events = {};
  for (let i = 0; i < CALLBACKS.length; i++) events[CALLBACKS[i][1]] = CALLBACKS[i][0];
  for (let i = 0; i < EXTRA_EVENTS.length; i++) events[EXTRA_EVENTS[i]] = null;
  for (let i = 0; i < extra.length; i++) events[extra[i]] = null;
  return events;
}

function requireEvent(events, name) {
  if (!Object.prototype.hasOwnProperty.call(events, name)) throw typeError("unknown event '" + String(name) + "'");
}

/** `on(name, listener)`: adds `listener` to `listeners[name]`. */
export function addListener(listeners, events, name, listener) {
  requireEvent(events, name);
  if (typeof listener !== 'function') throw typeError('on(): the listener must be a function');
  (listeners[name] || (listeners[name] = [])).push(listener);
}

/** `off(name, listener)`: removes it; whether it was there. */
export function removeListener(listeners, events, name, listener) {
  requireEvent(events, name);
  const list = listeners[name];
  const at = list ? list.indexOf(listener) : -1;
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

/** `watchForReceipt(receiptId, callback)`: `callback` is called once, when that RECEIPT arrives. */
export function addWatcher(watchers, receiptId, callback) {
  requireString(receiptId, "watchForReceipt(): 'receiptId'");
  if (typeof callback !== 'function') throw typeError("watchForReceipt(): 'callback' must be a function");
  watchers.set(receiptId, callback);
}
