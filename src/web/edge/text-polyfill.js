/*
 * stomp-wasm: a small UTF-8 TextEncoder/TextDecoder for runtimes without them (WeChat, Alipay).
 * The wasm-bindgen glue needs them to pass strings; the client itself never does. Installed on the global
 * object only where missing; the glue takes the exports of this module, so it works even where the global
 * object cannot be reached. UTF-8 only (the WHATWG semantics for it: U+FFFD for ill-formed input, or a
 * TypeError with `fatal`; the BOM skipped unless `ignoreBOM`; `stream`), plus `encodeInto`.
 */

function utf8Encode(input) {
  var s = String(input === undefined ? '' : input);
  var n = s.length;
  var out = new Uint8Array(n * 3); // at most 3 bytes per UTF-16 code unit
  var at = 0;
  for (var i = 0; i < n; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      var next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        var cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[at++] = 0xf0 | (cp >> 18);
        out[at++] = 0x80 | ((cp >> 12) & 0x3f);
        out[at++] = 0x80 | ((cp >> 6) & 0x3f);
        out[at++] = 0x80 | (cp & 0x3f);
        continue;
      }
      c = 0xfffd; // a lone surrogate
    }
    if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, at);
}

function Utf8TextEncoder() {}
Utf8TextEncoder.prototype.encoding = 'utf-8';
Utf8TextEncoder.prototype.encode = function (input) {
  // A copy of exactly the right length (its own buffer), as the native encoder returns.
  return utf8Encode(input).slice();
};
Utf8TextEncoder.prototype.encodeInto = function (input, dest) {
  var s = String(input);
  var n = s.length;
  var room = dest.length;
  var read = 0;
  var at = 0;
  while (read < n) {
    var c = s.charCodeAt(read);
    var units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      var next = read + 1 < n ? s.charCodeAt(read + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        if (at + 4 > room) break;
        var cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        dest[at++] = 0xf0 | (cp >> 18);
        dest[at++] = 0x80 | ((cp >> 12) & 0x3f);
        dest[at++] = 0x80 | ((cp >> 6) & 0x3f);
        dest[at++] = 0x80 | (cp & 0x3f);
        read += 2;
        continue;
      }
      c = 0xfffd;
    }
    if (c < 0x80) {
      if (at + 1 > room) break;
      dest[at++] = c;
    } else if (c < 0x800) {
      if (at + 2 > room) break;
      dest[at++] = 0xc0 | (c >> 6);
      dest[at++] = 0x80 | (c & 0x3f);
    } else {
      if (at + 3 > room) break;
      dest[at++] = 0xe0 | (c >> 12);
      dest[at++] = 0x80 | ((c >> 6) & 0x3f);
      dest[at++] = 0x80 | (c & 0x3f);
    }
    read += units;
  }
  return { read: read, written: at };
};

var UTF8_LABELS = { 'utf-8': 1, utf8: 1, 'unicode-1-1-utf-8': 1, 'unicode11utf8': 1, 'unicode20utf8': 1, 'x-unicode20utf8': 1 };

function Utf8TextDecoder(label, options) {
  var name = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
  if (!UTF8_LABELS[name]) throw new RangeError('TextDecoder: only UTF-8 is supported here, not "' + label + '"');
  this.fatal = !!(options && options.fatal);
  this.ignoreBOM = !!(options && options.ignoreBOM);
  this._pending = null; // the bytes of an incomplete sequence kept by {stream: true}
  this._bomSeen = false;
}
Utf8TextDecoder.prototype.encoding = 'utf-8';

function bytesOf(input) {
  if (input === undefined || input === null) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === '[object ArrayBuffer]') {
    return new Uint8Array(input);
  }
  throw new TypeError('TextDecoder.decode: the argument must be an ArrayBuffer or a view of one');
}

Utf8TextDecoder.prototype.decode = function (input, options) {
  var stream = !!(options && options.stream);
  var bytes = bytesOf(input);
  if (this._pending) {
    var joined = new Uint8Array(this._pending.length + bytes.length);
    joined.set(this._pending);
    joined.set(bytes, this._pending.length);
    bytes = joined;
    this._pending = null;
  }
  var n = bytes.length;
  var i = 0;
  if (!this.ignoreBOM && !this._bomSeen && n > 0) {
    if (stream && n < 3 && bytes[0] === 0xef && (n < 2 || bytes[1] === 0xbb)) {
      this._pending = bytes.slice(); // maybe the start of a BOM: decide with the next chunk
      return '';
    }
    if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    this._bomSeen = true;
  }
  var units = [];
  var chunks = '';
  while (i < n) {
    var b = bytes[i];
    if (b < 0x80) {
      units.push(b);
      i++;
    } else {
      // The sequence length and the allowed range of the second byte (WHATWG UTF-8 decoder).
      var need = 0;
      var lo = 0x80;
      var hi = 0xbf;
      var cp = 0;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0x0f;
        if (b === 0xe0) lo = 0xa0;
        if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 0x07;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f;
      }
      var j = i + 1;
      var ok = need > 0;
      for (var k = 0; ok && k < need; k++, j++) {
        if (j >= n) {
          if (stream) {
            this._pending = bytes.slice(i);
            i = n;
            ok = null; // wait for more bytes
            break;
          }
          ok = false;
          break;
        }
        var c = bytes[j];
        if (c < (k === 0 ? lo : 0x80) || c > (k === 0 ? hi : 0xbf)) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3f);
      }
      if (ok === null) break;
      if (!ok) {
        if (this.fatal) {
          this._pending = null;
          throw new TypeError('TextDecoder: the input is not valid UTF-8');
        }
        units.push(0xfffd);
        i = need > 0 ? j : i + 1; // the maximal subpart is replaced by one U+FFFD
      } else {
        if (cp >= 0x10000) {
          cp -= 0x10000;
          units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else {
          units.push(cp);
        }
        i = j;
      }
    }
    if (units.length >= 8192) {
      chunks += String.fromCharCode.apply(null, units);
      units = [];
    }
  }
  if (!stream) this._bomSeen = false;
  return chunks + (units.length ? String.fromCharCode.apply(null, units) : '');
};

var NativeEncoder = typeof TextEncoder === 'function' ? TextEncoder : null;
var NativeDecoder = typeof TextDecoder === 'function' ? TextDecoder : null;

function globalObject() {
  if (typeof globalThis === 'object' && globalThis) return globalThis;
  if (typeof global === 'object' && global) return global;
  if (typeof self === 'object' && self) return self;
  if (typeof window === 'object' && window) return window;
  return null;
}

// The constructors keep their names when the bundle is minified (the mini-program build is): what a
// page sees installed on its global object is `Utf8TextEncoder`/`Utf8TextDecoder`.
Object.defineProperty(Utf8TextEncoder, 'name', { value: 'Utf8TextEncoder' });
Object.defineProperty(Utf8TextDecoder, 'name', { value: 'Utf8TextDecoder' });

var installed = [];
var target = globalObject();
if (target) {
  if (!NativeEncoder && typeof target.TextEncoder !== 'function') {
    target.TextEncoder = Utf8TextEncoder;
    installed.push('TextEncoder');
  }
  if (!NativeDecoder && typeof target.TextDecoder !== 'function') {
    target.TextDecoder = Utf8TextDecoder;
    installed.push('TextDecoder');
  }
}

const EncoderClass = NativeEncoder || (target && target.TextEncoder) || Utf8TextEncoder;
const DecoderClass = NativeDecoder || (target && target.TextDecoder) || Utf8TextDecoder;
export { EncoderClass as TextEncoder, DecoderClass as TextDecoder, Utf8TextEncoder, Utf8TextDecoder, installed };
