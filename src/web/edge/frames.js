// Received frames as JS objects, made in one call from wasm (`_f`): the headers arrive as one JSON
// string, the body as a view of wasm memory that is valid only during that call. The body is decoded
// once, and only as text when it is UTF-8 (a fatal decoder says so, with no second validation in
// wasm); `binaryBody` is made on first access (the UTF-8 of a text body is exactly what TextEncoder
// gives back), so a callback that never reads it pays nothing for it — except when the body starts
// with a byte-order mark, which `body` does not show (as stompjs's TextDecoder): then the bytes
// received are kept, so that `binaryBody` is always exactly what arrived.
//
// The objects are plain JS objects (small classes): ordinary garbage once dropped, holding no wasm
// memory (measured in round 1: wasm-owned messages waited for finalizers, 760 MB of JS heap).
// `FrameImpl` is stompjs's frame class (rx-stomp and stompjs code make and subclass it); the frames
// this client hands out are instances of it too. Written as ES2017.

let fatal = null;
let lossy = null;
let encoder = null;

function decoders() {
  fatal = new TextDecoder('utf-8', { fatal: true });
  lossy = new TextDecoder('utf-8');
}

function encode(text) {
  if (encoder === null) encoder = new TextEncoder();
  return encoder.encode(text);
}

/** The headers wasm hands over (a JSON object, the first of repeated names only) as an object. */
export function unpackHeaders(json) {
  return JSON.parse(json);
}

/**
 * stompjs's `FrameImpl`: `new FrameImpl({command, headers?, body?, binaryBody?, escapeHeaderValues?,
 * skipContentLengthHeader?})`, with `body`/`binaryBody` made from each other on access, and its
 * `toString()` (the command and header lines) and `serialize()` (the frame as written).
 */
export class FrameImpl {
  constructor(params) {
    const p = params || {};
    this.command = p.command;
    this.headers = Object.assign({}, p.headers || {});
    if (p.binaryBody) {
      this._bytes = p.binaryBody;
      this.isBinaryBody = true;
    } else {
      this._text = p.body || '';
      this.isBinaryBody = false;
    }
    this.escapeHeaderValues = p.escapeHeaderValues || false;
    this.skipContentLengthHeader = p.skipContentLengthHeader || false;
  }

  get body() {
    if (this._text === undefined) {
      if (fatal === null) decoders();
      this._text = lossy.decode(this._bytes);
    }
    return this._text;
  }

  get binaryBody() {
    if (this._bytes === undefined || this._bytes === null) this._bytes = encode(this._text);
    return this._bytes;
  }

  /** The command and header lines, as stompjs logs a frame. */
  toString() {
    const lines = [this.command];
    const names = Object.keys(this.headers);
    for (let i = 0; i < names.length; i++) {
      const value = this.headers[names[i]];
      lines.push(names[i] + ':' + (this.escapeHeaderValues && this.command !== 'CONNECT' && this.command !== 'CONNECTED' ? escape(String(value)) : value));
    }
    const length = this.binaryBody.length;
    if (this.isBinaryBody || (length > 0 && !this.skipContentLengthHeader)) lines.push('content-length:' + length);
    return lines.join('\n') + '\n\n';
  }

  /** The frame as written: a string, or an ArrayBuffer for a binary body. */
  serialize() {
    const head = this.toString();
    if (!this.isBinaryBody) return head + this.body + '\0';
    const bytes = encode(head);
    const out = new Uint8Array(bytes.length + this.binaryBody.length + 1);
    out.set(bytes);
    out.set(this.binaryBody, bytes.length);
    return out.buffer;
  }

  /** stompjs's: `serialize()` of a new frame. */
  static marshall(params) {
    return new FrameImpl(params).serialize();
  }

  /** stompjs's: a frame from its parser's raw frame (`{command, headers: [[name, value]…], binaryBody}`). */
  static fromRawFrame(rawFrame, escapeHeaderValues) {
    const headers = {};
    const raw = rawFrame.headers || [];
    for (let i = raw.length - 1; i >= 0; i--) headers[raw[i][0]] = raw[i][1];
    return new FrameImpl({ command: rawFrame.command, headers: headers, binaryBody: rawFrame.binaryBody, escapeHeaderValues: escapeHeaderValues });
  }
}

function escape(text) {
  return text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
}

/**
 * A received frame (stompjs's `IFrame`, and a `FrameImpl`: its prototype is chained to FrameImpl's);
 * a MESSAGE adds `ack`/`nack` (stompjs's `IMessage`). Made on the receive path: fields set directly,
 * in one shape for every frame. `isBinaryBody` is true only for a body that is not UTF-8.
 */
export class Frame {
  constructor(command, headers, body, bytes, binary) {
    this.command = command;
    this.headers = headers;
    this._text = body;
    this._bytes = bytes;
    this.isBinaryBody = binary === undefined ? bytes !== null : binary;
    this._connection = 0;
  }
}
Object.setPrototypeOf(Frame.prototype, FrameImpl.prototype);

/**
 * A Frame subclass for one client's messages: `ack()` and `nack()` reach the client through the
 * prototype, so a message carries no bound functions. They return whether the frame was sent (false:
 * its connection has ended, or the subscription acknowledges by itself; `debug` says which).
 */
export function messageClass(client) {
  class Message extends Frame {
    ack(headers) {
      return client._acknowledge(true, this, headers);
    }

    nack(headers) {
      return client._acknowledge(false, this, headers);
    }
  }
  return Message;
}

/** Builds a frame object from what wasm hands over; `view` must not be kept. */
export function makeFrame(Class, command, packedHeaders, view) {
  if (fatal === null) decoders();
  let body;
  let bytes = null;
  let binary = false;
  if (view.length === 0) {
    body = '';
  } else {
    try {
      body = fatal.decode(view);
      // The decoder drops a leading byte-order mark from `body`: keep the bytes received.
      if (view.length >= 3 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) bytes = view.slice();
    } catch (e) {
      bytes = view.slice();
      body = lossy.decode(bytes);
      binary = true;
    }
  }
  return new Class(command, unpackHeaders(packedHeaders), body, bytes, binary);
}
