// `publish()`: the parameters checked and converted in JS (a TypeError names the one at fault), one call
// into wasm, and the Promise of that one publish. Refusals throw at the call, as stompjs's `publish()`
// throws; an accepted publish gets a ticket from the session, and the events that name that ticket
// settle its Promise (bridge.js) — never a count. Written as ES2017.

import { packHeaders, typeError } from './options.js';
import { PUBLISH, STATUS } from './wire.js';

const RESOLVED = typeof Promise === 'function' ? Promise.resolve() : undefined;

const PUBLISH_KEYS = { destination: 1, headers: 1, body: 1, binaryBody: 1, receipt: 1, skipContentLengthHeader: 1, delivery: 1 };
/** Parameters another library passes along that mean nothing here: rx-stomp's own switch. */
const IGNORED_KEYS = { retryIfDisconnected: 1 };

function noop() {}

function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
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

function bodyText(body) {
  if (typeof body === 'number' || typeof body === 'boolean' || typeof body === 'bigint') return String(body);
  throw typeError("publish(): 'body' must be a string (JSON.stringify objects; use binaryBody for bytes)");
}

/**
 * Sends a message for `client`; returns its Promise. Throws what the client refuses (a TypeError for a
 * wrong parameter or no connection, an Error with a `code` for a bound or a frame too large).
 */
export function publish(client, params) {
  if (!isObject(params)) throw typeError('publish() takes {destination, body?, binaryBody?, headers?}');
  const keys = Object.keys(params);
  for (let i = 0; i < keys.length; i++) {
    if (!PUBLISH_KEYS[keys[i]] && !IGNORED_KEYS[keys[i]]) throw typeError("publish(): unknown parameter '" + keys[i] + "'");
  }
  const destination = params.destination;
  if (typeof destination !== 'string') throw typeError("publish(): 'destination' must be a string, not " + (destination === null ? 'null' : typeof destination));
  if (destination.indexOf('\0') >= 0) throw typeError("publish(): 'destination' contains a NUL character");
  const headers = packHeaders(params.headers, 'headers');
  const body = params.body;
  const binaryBody = params.binaryBody;
  const wantReceipt = params.receipt;
  const skip = params.skipContentLengthHeader;
  if (wantReceipt !== undefined && typeof wantReceipt !== 'boolean') throw typeError("publish(): 'receipt' must be a boolean");
  let delivery = params.delivery;
  if (delivery === undefined) delivery = client._option('delivery');
  else if (delivery !== 'at-most-once' && delivery !== 'at-least-once') {
    throw typeError("publish(): 'delivery' must be 'at-most-once' or 'at-least-once'");
  }
  if (skip !== undefined && typeof skip !== 'boolean') throw typeError("publish(): 'skipContentLengthHeader' must be a boolean");
  let flags = skip ? PUBLISH.SKIP_CONTENT_LENGTH : 0;
  if (delivery === 'at-least-once') flags |= PUBLISH.AT_LEAST_ONCE;
  if (wantReceipt) flags |= PUBLISH.RECEIPT;
  const fields = headers === '' ? destination : destination + '\0' + headers;
  let status;
  if (binaryBody !== undefined && binaryBody !== null) {
    const bytes = bytesOf(binaryBody);
    if (bytes === null) throw typeError("publish(): 'binaryBody' must be a Uint8Array");
    status = client._core.publish(client, fields, bytes, bytes.length, flags | PUBLISH.BINARY);
  } else {
    const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : bodyText(body);
    status = client._core.publish(client, fields, text, utf8Length(text), flags);
  }
  if (status === STATUS.WRITTEN) return RESOLVED;
  if (status === STATUS.REFUSED) throw client._refused(client._core.takeError());
  return waitFor(client, status, (flags & (PUBLISH.RECEIPT | PUBLISH.AT_LEAST_ONCE)) !== 0);
}

/**
 * The Promise of the publish with this ticket: resolved by its RECEIPT (`receipt`), else once written;
 * rejected if it is given up. Marked handled: stompjs code never awaits `publish()` (what gives a
 * publish up is also reported by `queueDiscarded` and `debug`).
 */
function waitFor(client, ticket, receipt) {
  if (!receipt && ticket <= client._writtenThrough) return RESOLVED;
  const entry = { ticket: ticket, receipt: receipt, resolve: null, reject: null };
  const promise = new Promise(function (resolve, reject) {
    entry.resolve = resolve;
    entry.reject = reject;
  });
  promise.catch(noop);
  client._pending.set(ticket, entry);
  if (!receipt) client._unwritten.push(ticket);
  return promise;
}

/** Every publish waiting to be written up to `through` is: resolves them, in order. */
export function settleWritten(client, through) {
  client._writtenThrough = through;
  const unwritten = client._unwritten;
  let i = 0;
  while (i < unwritten.length && unwritten[i] <= through) {
    const entry = client._pending.get(unwritten[i]);
    if (entry) {
      client._pending.delete(unwritten[i]);
      entry.resolve(undefined);
    }
    i++;
  }
  if (i > 0) unwritten.splice(0, i);
}

/** The publish with this ticket was given up, or its RECEIPT failed: rejects it (once). */
export function settleFailed(client, ticket, message) {
  const entry = client._pending.get(ticket);
  if (!entry) return;
  client._pending.delete(ticket);
  entry.reject(new Error(message));
}

/** The RECEIPT of the publish with this ticket: resolves it if it waited for that; whether it did. */
export function settleReceipt(client, ticket, frame) {
  const entry = client._pending.get(ticket);
  if (!entry || !entry.receipt) return false;
  client._pending.delete(ticket);
  entry.resolve(frame);
  return true;
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
