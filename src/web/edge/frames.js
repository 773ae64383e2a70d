// Received frames as JS objects, made in one call from wasm (`_f`): the headers arrive as one JSON
// string, the body as a view of wasm memory that is valid only during that call. The body
// is decoded once, and only as text when it is UTF-8 (a fatal decoder says so, with no second
// validation in wasm); `binaryBody` is made on first access (the UTF-8 of a text body is exactly what
// TextEncoder gives back), so a callback that never reads it pays nothing for it.
//
// The objects are plain JS objects (a small class): ordinary garbage once dropped, holding no wasm
// memory (measured in round 1: wasm-owned messages waited for finalizers, 760 MB of JS heap).
// Written as ES2017.

let fatal = null;
let lossy = null;
let encoder = null;

function decoders() {
  fatal = new TextDecoder('utf-8', { fatal: true });
  lossy = new TextDecoder('utf-8');
}

/** The headers wasm hands over (a JSON object, the first of repeated names only) as an object. */
export function unpackHeaders(json) {
  return JSON.parse(json);
}

/** A received frame (stompjs's `IFrame`); a MESSAGE adds `ack`/`nack` (stompjs's `IMessage`). */
export class Frame {
  constructor(command, headers, body, bytes) {
    this.command = command;
    this.headers = headers;
    this.body = body;
    this.isBinaryBody = bytes !== null;
    this._bytes = bytes;
  }

  get binaryBody() {
    if (this._bytes === null) {
      if (encoder === null) encoder = new TextEncoder();
      this._bytes = encoder.encode(this.body);
    }
    return this._bytes;
  }
}

/**
 * A Frame subclass for one client's messages: `ack()` and `nack()` reach the client through the
 * prototype, so a message carries no bound functions.
 */
export function messageClass(client) {
  class Message extends Frame {
    ack(headers) {
      client._acknowledge(true, this, headers);
    }

    nack(headers) {
      client._acknowledge(false, this, headers);
    }
  }
  return Message;
}

/** Builds a frame object from what wasm hands over; `view` must not be kept. */
export function makeFrame(Class, command, packedHeaders, view) {
  if (fatal === null) decoders();
  let body;
  let bytes = null;
  if (view.length === 0) {
    body = '';
  } else {
    try {
      body = fatal.decode(view);
    } catch (e) {
      bytes = view.slice();
      body = lossy.decode(bytes);
    }
  }
  return new Class(command, unpackHeaders(packedHeaders), body, bytes);
}
