// The byte streams both clients receive: N MESSAGE frames with RabbitMQ-like headers and UTF-8 bodies
// (JSON with Chinese text), generated deterministically so that Node and Chromium see the same bytes,
// then cut into WebSocket messages three ways. Runs unchanged in Node and in a browser page.

export const BODY_SIZES = [64, 1024, 16384, 262144];
export const CHUNKINGS = ['frame', 'batch10', 'split4k'];
export const DESTINATION = '/queue/bench';

const utf8 = new TextEncoder();

// A small deterministic PRNG (mulberry32): the same seed gives the same bodies everywhere.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  '订单', '已发货', '预计', '明天', '送达', '客服', '您好', '请问', '有什么', '可以帮您',
  '价格', '上涨', '成交量', '行情', '北京', '上海', '深圳', '消息', '通知', '温度',
  'order', 'shipped', 'price', 'BTC/USDT', 'volume', 'status', 'ok', 'sensor', '42.7', 'ACK',
];

/** A JSON body of exactly `size` UTF-8 bytes with Chinese and ASCII text (`seed` varies it). */
export function makeBody(size, seed) {
  const random = prng(seed * 2654435761 + size);
  const head = `{"id":${seed},"type":"chat","from":"张伟","text":"`;
  const tail = '"}';
  let text = '';
  let bytes = utf8.encode(head).length + tail.length;
  for (;;) {
    const word = WORDS[Math.floor(random() * WORDS.length)] + (random() < 0.3 ? '，' : ' ');
    const n = utf8.encode(word).length;
    if (bytes + n > size) break;
    text += word;
    bytes += n;
  }
  text += 'x'.repeat(Math.max(0, size - bytes));
  const body = head + text + tail;
  const length = utf8.encode(body).length;
  if (length !== size) throw new Error(`makeBody(${size}) made ${length} bytes`);
  return body;
}

/** One MESSAGE frame as RabbitMQ's Web-STOMP sends it (header order as RabbitMQ writes them). */
export function messageFrame(subscription, index, body, destination = DESTINATION) {
  const length = utf8.encode(body).length;
  return (
    'MESSAGE\n' +
    `subscription:${subscription}\n` +
    `destination:${destination}\n` +
    `message-id:T_${subscription}@@session-Xr4vQ2pLm8sYt0bNc3wJdA@@${index + 1}\n` +
    'redelivered:false\n' +
    'content-type:application/json\n' +
    `content-length:${length}\n` +
    '\n' +
    body +
    '\0'
  );
}

/** How many frames one run delivers for a body size: about 6 MiB of wire bytes, 32 to 30,000 frames. */
export function framesFor(bodyBytes) {
  return Math.max(32, Math.min(30000, Math.ceil((6 * 1024 * 1024) / (bodyBytes + 160))));
}

/** Eight distinct bodies per size, reused round-robin (distinct message-ids make every frame unique). */
const bodyCache = new Map();
export function bodiesFor(bodyBytes) {
  if (!bodyCache.has(bodyBytes)) {
    bodyCache.set(bodyBytes, Array.from({ length: 8 }, (_, i) => makeBody(bodyBytes, i + 1)));
  }
  return bodyCache.get(bodyBytes);
}

/**
 * The destination of subscription `k` of `n`: `DESTINATION` when there is one (the usual case), else
 * numbered with a fixed width (`/queue/bench-00042` for any n > 1), so that frames are the same length
 * whether there are 1,000 or 10,000 subscriptions (only the clients' own subscription ids vary).
 */
export function destinationOf(k, n) {
  return n === 1 ? DESTINATION : `${DESTINATION}-${String(k).padStart(5, '0')}`;
}

/**
 * The stream for one case: `{frames, wireBytes, hash, payloads}` where payloads are the WebSocket
 * messages' data: ArrayBuffers (`data: 'binary'`) or strings (`data: 'text'`). `subscription` is one id,
 * or an array of ids: frame i then goes to subscription i mod n (with that subscription's destination),
 * so the messages are spread evenly over every subscription. `destinations: 'numbered'` names even a
 * single subscription's destination with a number (see destinationOf).
 */
export function makeStream({ bodyBytes, chunking, frames, subscription = 'sub-0', data = 'binary', destinations = 'one' }) {
  const bodies = bodiesFor(bodyBytes);
  const subs = Array.isArray(subscription) ? subscription : [subscription];
  const n = destinations === 'numbered' ? Infinity : subs.length;
  const texts = [];
  for (let i = 0; i < frames; i++) {
    const k = i % subs.length;
    texts.push(messageFrame(subs[k], i, bodies[i % bodies.length], destinationOf(k, n)));
  }
  const encoded = texts.map((t) => utf8.encode(t));
  const wireBytes = encoded.reduce((n, b) => n + b.length, 0);
  const all = new Uint8Array(wireBytes);
  const starts = [];
  let at = 0;
  for (const b of encoded) {
    starts.push(at);
    all.set(b, at);
    at += b.length;
  }
  const groups = [];
  if (chunking === 'frame' || chunking === 'batch10') {
    const per = chunking === 'frame' ? 1 : 10;
    for (let i = 0; i < frames; i += per) {
      const end = i + per < frames ? starts[i + per] : wireBytes;
      groups.push([starts[i], end]);
    }
  } else if (chunking === 'split4k') {
    for (let i = 0; i < wireBytes; i += 4096) groups.push([i, Math.min(wireBytes, i + 4096)]);
  } else {
    throw new Error(`unknown chunking ${chunking}`);
  }
  let payloads;
  if (data === 'binary') {
    payloads = groups.map(([s, e]) => all.slice(s, e).buffer);
  } else if (chunking === 'split4k') {
    // Text messages carry whole characters: cut the text every 4096 UTF-16 units, never inside a pair.
    const text = texts.join('');
    payloads = [];
    for (let i = 0; i < text.length; ) {
      let end = Math.min(text.length, i + 4096);
      const c = text.charCodeAt(end - 1);
      if (end < text.length && c >= 0xd800 && c < 0xdc00) end--;
      payloads.push(text.slice(i, end));
      i = end;
    }
  } else {
    const per = chunking === 'frame' ? 1 : 10;
    payloads = [];
    for (let i = 0; i < frames; i += per) payloads.push(texts.slice(i, i + per).join(''));
  }
  return { frames, wireBytes, hash: fnv1a(all), payloads };
}

/** FNV-1a of the stream, so a report can show both environments received the same bytes. */
export function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
