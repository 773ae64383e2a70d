// TextEncoder/TextDecoder for the bench under Hermes 0.12, which has neither: the package's own UTF-8
// polyfill (src/web/edge/text-polyfill.js, what the package installs where they are missing), used by both
// clients alike — @stomp/stompjs needs one there too (its issue #565) — plus the 'latin1' decoder the
// bench harness makes at load (lib/harness.mjs, receipts).
import { Utf8TextDecoder, Utf8TextEncoder } from '../../src/web/edge/text-polyfill.js';

function Latin1Decoder() {}
Latin1Decoder.prototype.decode = function (input) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input.buffer || input, input.byteOffset || 0, input.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return out;
};

function TextDecoder(label, options) {
  if (label === 'latin1') return new Latin1Decoder();
  return new Utf8TextDecoder(label, options);
}
globalThis.TextEncoder = Utf8TextEncoder;
globalThis.TextDecoder = TextDecoder;
