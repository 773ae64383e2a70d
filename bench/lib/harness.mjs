// The throughput benchmarks, the same code in Node and in a Chromium page: each client is connected to
// a fake WebSocket (handed over through `webSocketFactory`), then fed pre-generated MESSAGE streams
// through the socket's `onmessage`, or made to publish() into it. Times are medians of several runs after
// warm-up, the two clients alternating run by run so that noise from other processes hits both.

import { DESTINATION, bodiesFor, destinationOf, framesFor, makeStream } from './streams.mjs';

const CONNECTED = 'CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:bench\n\n\0';
const utf8 = new TextEncoder();
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A WebSocket-like object: opens on the next tick, answers CONNECT with CONNECTED, counts what is
 * sent (UTF-16 units for text, bytes for binary: the same frames give the same count for both clients).
 */
export class FakeSocket {
  constructor(binary) {
    this.url = 'ws://fake/bench';
    this.protocol = 'v12.stomp';
    this.readyState = 0;
    this.binaryType = 'blob';
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.binary = binary;
    this.sentMessages = 0;
    this.sentUnits = 0;
    this.handshaking = true;
    /** When an array, every payload sent after the handshake is kept in it (the receipt benchmark reads them). */
    this.kept = null;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }, 0);
  }

  send(data) {
    this.sentMessages++;
    this.sentUnits += typeof data === 'string' ? data.length : data.byteLength;
    if (this.kept) this.kept.push(data);
    if (this.handshaking) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      if (/^(CONNECT|STOMP)\r?\n/.test(text)) {
        this.handshaking = false;
        const reply = this.binary ? utf8.encode(CONNECTED).buffer : CONNECTED;
        setTimeout(() => this.onmessage?.({ data: reply }), 0);
      }
    }
  }

  close() {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    setTimeout(() => {
      this.readyState = 3;
      this.onclose?.({ type: 'close', code: 1000, reason: '', wasClean: true });
    }, 0);
  }
}

/**
 * Connects one client (`kind` 'ours' or 'stompjs') to a fresh FakeSocket (or `socket`) and subscribes
 * `subscriptions` times (to destinationOf(0, n), destinationOf(1, n), …; each id in `subscriptionIds`;
 * n = Infinity with `destinations: 'numbered'`). `received(message)` is what the subscription callback
 * does with each message; `extra` holds more client options.
 */
export async function connect(kind, Client, { binary = true, received, subscriptions = 1, destinations = 'one', socket = new FakeSocket(binary), extra = {} }) {
  const options = {
    webSocketFactory: () => socket,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    ...extra,
  };
  if (kind === 'stompjs') options.debug = () => {};
  const client = new Client(options);
  const connected = new Promise((resolve, reject) => {
    client.onConnect = resolve;
    client.onStompError = (frame) => reject(new Error(`${kind}: STOMP error ${frame.headers?.message}`));
    setTimeout(() => reject(new Error(`${kind}: no CONNECTED within 5 s`)), 5000);
  });
  client.activate();
  await connected;
  const subscriptionIds = [];
  const n = destinations === 'numbered' ? Infinity : subscriptions;
  for (let k = 0; k < subscriptions; k++) subscriptionIds.push(client.subscribe(destinationOf(k, n), received).id);
  if (new Set(subscriptionIds).size !== subscriptions) throw new Error(`${kind}: subscription ids are not distinct`);
  await tick();
  return { client, socket, subscriptionId: subscriptionIds[0], subscriptionIds };
}

export async function disconnect(kind, client) {
  await Promise.race([client.deactivate({ force: true }), new Promise((r) => setTimeout(r, 2000))]);
  if (typeof client.free === 'function') client.free();
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A clean heap before each timed run (gc() when exposed), and a turn for finalizers. */
async function settle(gc) {
  if (gc) gc();
  await tick();
  if (gc) gc();
  await tick();
}

/**
 * Inbound: one case for both clients. Returns frames/s and MB/s (wire bytes, 10^6) per client.
 * The callback holds the headers object and the body string of every message, as a user's would.
 * `subscriptions` may be a list of counts (the many-subscriptions rows): then each client is connected
 * once per count, all of them are timed in the same interleaved runs (so the machine's noise hits every
 * count alike), and the result's keys are `ours@1000_fps`, ….
 */
export async function inboundCase(clients, { bodyBytes, chunking, data = 'binary', subscriptions = 1, destinations = 'one', ceiling = subscriptions === 1, runs = 7, warmup = 2, now, gc, frameShare = 1 }) {
  const frames = Math.max(32, Math.round(framesFor(bodyBytes) * frameShare));
  const sink = { count: 0, chars: 0 };
  const received = (message) => {
    const headers = message.headers;
    const body = message.body;
    sink.count++;
    sink.chars += body.length + headers['message-id'].length;
  };
  const counts = Array.isArray(subscriptions) ? subscriptions : [subscriptions];
  const sides = {};
  for (const n of counts) {
    for (const [kind, Client] of Object.entries(clients)) {
      const conn = await connect(kind, Client, { binary: data === 'binary', received, subscriptions: n, destinations });
      const subscription = n === 1 ? conn.subscriptionId : conn.subscriptionIds;
      const stream = makeStream({ bodyBytes, chunking, frames, subscription, data, destinations });
      sides[Array.isArray(subscriptions) ? `${kind}@${n}` : kind] = { ...conn, kind, subscriptions: n, stream, times: [] };
    }
  }
  const names = Object.keys(sides);
  // The floor: UTF-8 decoding of each body alone, which any client handing over a string must do.
  const encodedBodies = bodiesFor(bodyBytes).map((b) => utf8.encode(b));
  const decodeTimes = [];
  // What the callback saw, per subscription count (the message-ids hold the subscription id).
  const expectedChars = new Map();
  for (let run = 0; run < warmup + runs; run++) {
    for (const name of run % 2 ? [...names].reverse() : names) {
      const side = sides[name];
      await settle(gc);
      sink.count = 0;
      sink.chars = 0;
      const payloads = side.stream.payloads;
      const socket = side.socket;
      const t0 = now();
      for (let i = 0; i < payloads.length; i++) socket.onmessage({ data: payloads[i] });
      const t1 = now();
      if (sink.count !== frames) {
        throw new Error(`${name}: ${sink.count} of ${frames} messages reached the callback (${bodyBytes} B, ${chunking}, ${data})`);
      }
      const expected = expectedChars.get(side.subscriptions);
      if (expected === undefined) expectedChars.set(side.subscriptions, sink.chars);
      else if (sink.chars !== expected) throw new Error(`${name}: the bodies or headers differ from the other client's`);
      if (run >= warmup) side.times.push(t1 - t0);
    }
    if (data === 'binary' && ceiling) {
      await settle(gc);
      const decoder = new TextDecoder();
      let chars = 0;
      const t0 = now();
      for (let i = 0; i < frames; i++) chars += decoder.decode(encodedBodies[i & 7]).length;
      const t1 = now();
      if (chars <= 0) throw new Error('decode');
      if (run >= warmup) decodeTimes.push(t1 - t0);
    }
  }
  const result = { frames, wire_bytes: sides[names[0]].stream.wireBytes };
  // Both clients name their subscriptions sub-0, sub-1, …: the streams are the same bytes (checked in the report).
  for (const name of names) result[`${name}_stream_hash`] = sides[name].stream.hash;
  result.stream_hash = sides[names[0]].stream.hash;
  if (decodeTimes.length) result.decode_only_fps = frames / (median(decodeTimes) / 1000);
  for (const name of names) {
    const seconds = median(sides[name].times) / 1000;
    result[`${name}_fps`] = frames / seconds;
    result[`${name}_mbps`] = sides[name].stream.wireBytes / 1e6 / seconds;
    result[`${name}_ms`] = sides[name].times.map((t) => Math.round(t * 100) / 100);
    await disconnect(sides[name].kind, sides[name].client);
  }
  return result;
}

/**
 * Outbound: publish() of the same messages (body, content-type) into the counting socket; `binary`
 * publishes the bodies' UTF-8 bytes as `binaryBody` (encoded before the timed loop) instead of `body`.
 * `frameShare` (both cases): that share of the usual frames per run (the interpreted settings of
 * nowasm.mjs and hermes.mjs, which would otherwise take minutes per case).
 */
export async function outboundCase(clients, { bodyBytes, binary = false, runs = 7, warmup = 2, now, gc, frameShare = 1 }) {
  const frames = Math.max(32, Math.round(framesFor(bodyBytes) * frameShare));
  const params = bodiesFor(bodyBytes).map((body) =>
    binary
      ? { destination: DESTINATION, binaryBody: utf8.encode(body), headers: { 'content-type': 'application/json' } }
      : { destination: DESTINATION, body, headers: { 'content-type': 'application/json' } },
  );
  const sides = {};
  for (const [kind, Client] of Object.entries(clients)) {
    const conn = await connect(kind, Client, { binary: false, received: () => {} });
    sides[kind] = { ...conn, times: [], units: 0 };
  }
  const kinds = Object.keys(sides);
  for (let run = 0; run < warmup + runs; run++) {
    for (const kind of run % 2 ? [...kinds].reverse() : kinds) {
      const side = sides[kind];
      await settle(gc);
      const { client, socket } = side;
      const sent = socket.sentMessages;
      const units = socket.sentUnits;
      const t0 = now();
      for (let i = 0; i < frames; i++) client.publish(params[i & 7]);
      const t1 = now();
      if (socket.sentMessages - sent !== frames) {
        throw new Error(`${kind}: ${socket.sentMessages - sent} of ${frames} frames reached the socket`);
      }
      side.units = (socket.sentUnits - units) / frames;
      if (run >= warmup) side.times.push(t1 - t0);
    }
  }
  const result = { frames };
  for (const kind of kinds) {
    const seconds = median(sides[kind].times) / 1000;
    result[`${kind}_fps`] = frames / seconds;
    result[`${kind}_units_per_frame`] = sides[kind].units;
    result[`${kind}_ms`] = sides[kind].times.map((t) => Math.round(t * 100) / 100);
    await disconnect(kind, sides[kind].client);
  }
  return result;
}

/** The value of the `receipt` header of a SEND frame the socket was given (a string or bytes). */
function receiptOf(data) {
  const text = typeof data === 'string' ? data : latin1.decode(data);
  const at = text.indexOf('\nreceipt:');
  if (at < 0 || text.lastIndexOf('\n\n', at) >= 0) return null;
  const end = text.indexOf('\n', at + 9);
  return text.slice(at + 9, end);
}
const latin1 = new TextDecoder('latin1');

/**
 * Receipted publishing: `count` publishes of a 64 B body, each asking for a RECEIPT, then the broker's
 * RECEIPTs, one per WebSocket message, in the order the SENDs went out. Ours: `publish({…, receipt:
 * true})`, settled through the returned Promise; stompjs: `watchForReceipt(id, cb)` and a `receipt`
 * header (its documented way). Times the publishing (until the last SEND reached the socket) and the
 * settling (from the first RECEIPT delivered until every publish's receipt callback ran) separately.
 * The RECEIPT payloads are built between the two, from what the socket was given, outside the timing.
 * `counts` (a list) are all timed in the same interleaved runs, one client per kind for all of them;
 * returns one result per count.
 */
export async function receiptCase(clients, { counts, runs = 5, warmup = 1, now, gc }) {
  const body = bodiesFor(64)[0];
  const headers = { 'content-type': 'application/json' };
  const sides = {};
  for (const [kind, Client] of Object.entries(clients)) {
    const conn = await connect(kind, Client, { binary: false, received: () => {} });
    sides[kind] = { ...conn, times: new Map(counts.map((n) => [n, { publish: [], settle: [] }])) };
  }
  const kinds = Object.keys(sides);
  const order = [];
  for (const n of counts) for (const kind of kinds) order.push([kind, n]);
  let serial = 0;
  for (let run = 0; run < warmup + runs; run++) {
    for (const [kind, count] of run % 2 ? [...order].reverse() : order) {
      const side = sides[kind];
      await settle(gc);
      const { client, socket } = side;
      let settled = 0;
      const done = () => {
        settled++;
      };
      socket.kept = [];
      let t0;
      let t1;
      if (kind === 'stompjs') {
        const ids = [];
        for (let i = 0; i < count; i++) ids.push(`r-${serial++}`);
        t0 = now();
        for (let i = 0; i < count; i++) {
          client.watchForReceipt(ids[i], done);
          client.publish({ destination: DESTINATION, body, headers: { ...headers, receipt: ids[i] } });
        }
        t1 = now();
      } else {
        t0 = now();
        for (let i = 0; i < count; i++) client.publish({ destination: DESTINATION, body, headers, receipt: true }).then(done);
        t1 = now();
      }
      const sent = socket.kept;
      socket.kept = null;
      if (sent.length !== count) throw new Error(`${kind}: ${sent.length} of ${count} receipted frames reached the socket`);
      const receipts = sent.map((data) => {
        const id = receiptOf(data);
        if (id === null) throw new Error(`${kind}: a SEND without a receipt header`);
        return `RECEIPT\nreceipt-id:${id}\n\n\0`;
      });
      await settle(gc);
      const t2 = now();
      for (let i = 0; i < count; i++) socket.onmessage({ data: receipts[i] });
      // Promise callbacks run as microtasks: let them (a bounded number of turns, no timer).
      for (let spin = 0; settled < count && spin < 100; spin++) await null;
      const t3 = now();
      if (settled !== count) throw new Error(`${kind}: ${settled} of ${count} receipts settled`);
      if (run >= warmup) {
        side.times.get(count).publish.push(t1 - t0);
        side.times.get(count).settle.push(t3 - t2);
      }
    }
  }
  const results = counts.map((count) => {
    const result = { count };
    for (const kind of kinds) {
      const t = sides[kind].times.get(count);
      result[`${kind}_publish_ms`] = median(t.publish);
      result[`${kind}_settle_ms`] = median(t.settle);
      result[`${kind}_publish_runs`] = t.publish.map((x) => Math.round(x * 100) / 100);
      result[`${kind}_settle_runs`] = t.settle.map((x) => Math.round(x * 100) / 100);
    }
    return result;
  });
  for (const kind of kinds) await disconnect(kind, sides[kind].client);
  return results;
}

/**
 * A FakeSocket that also plays the broker's part for receipts: every SEND it is given is kept, and on
 * the next macrotask (as a real socket's messages arrive: after the publishing code has run) it answers
 * each one carrying a `receipt` header with a RECEIPT, one per WebSocket message, in the order the
 * SENDs went out. `receipted` counts the SENDs that asked for one; `first` is the first SEND of a run
 * (checked for the `dedup-id` header outside the timing).
 */
class ReceiptPeer extends FakeSocket {
  constructor() {
    super(false);
    this.pending = [];
    this.receipted = 0;
    this.first = null;
    this.answering = null;
  }

  send(data) {
    const handshake = this.handshaking;
    super.send(data);
    if (handshake) return;
    if (this.first === null) this.first = data;
    this.pending.push(data);
    if (this.answering === null) {
      this.answering = new Promise((resolve) => {
        setTimeout(() => {
          const sent = this.pending;
          this.pending = [];
          this.answering = null;
          for (let i = 0; i < sent.length; i++) {
            const id = receiptOf(sent[i]);
            if (id === null) continue;
            this.receipted++;
            this.onmessage?.({ data: `RECEIPT\nreceipt-id:${id}\n\n\0` });
          }
          resolve();
        }, 0);
      });
    }
  }
}

/** The modes of the delivery part: what each adds to a plain `publish()`. */
export const DELIVERY_MODES = {
  'at-most-once': {},
  receipt: { receipt: true },
  'at-least-once': { delivery: 'at-least-once' },
};

/**
 * The cost of the delivery guarantee (ours only: stompjs has no at-least-once): `count` publishes of a
 * `bodyBytes` text body into a ReceiptPeer, in each mode of DELIVERY_MODES — at-most-once (resolved
 * when written), `receipt: true` and `delivery: 'at-least-once'` (both resolved by the peer's RECEIPT).
 * Each timed from the first publish to the last returned Promise settled (a `.then` on every one, in
 * every mode), so the receipted modes include the peer's answers and the client's handling of them.
 * One client per mode, the modes alternating run by run. Returns messages/s per mode (median) and the
 * runs in ms.
 */
export async function deliveryCase(Client, { bodyBytes, count, runs = 7, warmup = 1, now, gc }) {
  // At-least-once SENDs awaiting their RECEIPT count against the queue's bounds (1,000 frames, 4 MiB
  // by default): a burst of `count` needs them raised (the same for every mode; only at-least-once
  // keeps frames).
  const bounds = { maxQueuedFrames: count, maxQueuedBytes: count * (bodyBytes + 1024) };
  const params = {};
  const sides = {};
  for (const [mode, extra] of Object.entries(DELIVERY_MODES)) {
    params[mode] = bodiesFor(bodyBytes).map((body) => ({ destination: DESTINATION, body, headers: { 'content-type': 'application/json' }, ...extra }));
    const socket = new ReceiptPeer();
    const conn = await connect('ours', Client, { binary: false, received: () => {}, socket, extra: bounds });
    sides[mode] = { ...conn, times: [] };
  }
  const modes = Object.keys(sides);
  for (let run = 0; run < warmup + runs; run++) {
    for (const mode of run % 2 ? [...modes].reverse() : modes) {
      const { client, socket, times } = sides[mode];
      const list = params[mode];
      await settle(gc);
      const sent = socket.sentMessages;
      socket.receipted = 0;
      socket.first = null;
      let settled = 0;
      let t1 = 0;
      let finish;
      const all = new Promise((resolve) => {
        finish = resolve;
      });
      const done = () => {
        if (++settled === count) {
          t1 = now();
          finish();
        }
      };
      let failure = null;
      const fail = (error) => {
        failure ??= error;
        done();
      };
      const t0 = now();
      for (let i = 0; i < count; i++) client.publish(list[i & 7]).then(done, fail);
      // A guard against a hang, not a timing assertion: a client that never settles fails the run.
      let guard;
      await Promise.race([all, new Promise((resolve) => (guard = setTimeout(resolve, 60000)))]);
      clearTimeout(guard);
      if (failure) throw new Error(`ours, ${mode}: a publish was rejected: ${failure.message ?? failure}`);
      if (settled !== count) throw new Error(`ours, ${mode}: ${settled} of ${count} publishes settled within 60 s`);
      // The peer has answered (or, at-most-once, looked at) every SEND before the next run starts.
      while (socket.answering) await socket.answering;
      if (socket.sentMessages - sent !== count) throw new Error(`ours, ${mode}: ${socket.sentMessages - sent} of ${count} frames reached the socket`);
      const wanted = mode === 'at-most-once' ? 0 : count;
      if (socket.receipted !== wanted) throw new Error(`ours, ${mode}: ${socket.receipted} of ${count} SENDs asked for a receipt (expected ${wanted})`);
      const first = typeof socket.first === 'string' ? socket.first : latin1.decode(socket.first);
      const dedup = first.includes('\ndedup-id:') && first.indexOf('\ndedup-id:') < first.indexOf('\n\n');
      if (dedup !== (mode === 'at-least-once')) throw new Error(`ours, ${mode}: a SEND ${dedup ? 'with' : 'without'} a dedup-id header`);
      if (run >= warmup) times.push(t1 - t0);
    }
  }
  const result = { count, body_bytes: bodyBytes };
  for (const mode of modes) {
    const key = mode.replace(/-/g, '_');
    result[`${key}_fps`] = count / (median(sides[mode].times) / 1000);
    result[`${key}_ms`] = sides[mode].times.map((t) => Math.round(t * 100) / 100);
    await disconnect('ours', sides[mode].client);
  }
  return result;
}

/**
 * One client alone on one case, repeated for `seconds` (for CPU profiles, not for the report):
 * `chunking` 'publish' makes it publish instead (`data` 'binary': binaryBody, else a text body).
 * Returns the median frames/s.
 */
export async function soloCase(kind, Client, { bodyBytes, chunking, data = 'binary', seconds = 5, received }) {
  const frames = framesFor(bodyBytes);
  let count = 0;
  received ??= (message) => {
    const headers = message.headers;
    const body = message.body;
    count += body.length + headers['message-id'].length > 0 ? 1 : 0;
  };
  const { client, socket, subscriptionId } = await connect(kind, Client, { binary: data === 'binary', received });
  const deadline = performance.now() + seconds * 1000;
  const times = [];
  let run;
  if (chunking === 'publish') {
    const headers = { 'content-type': 'application/json' };
    const params = bodiesFor(bodyBytes).map((body) =>
      data === 'binary' ? { destination: DESTINATION, binaryBody: utf8.encode(body), headers } : { destination: DESTINATION, body, headers },
    );
    run = () => {
      for (let i = 0; i < frames; i++) client.publish(params[i & 7]);
    };
  } else {
    const { payloads } = makeStream({ bodyBytes, chunking, frames, subscription: subscriptionId, data });
    run = () => {
      for (let i = 0; i < payloads.length; i++) socket.onmessage({ data: payloads[i] });
    };
  }
  while (performance.now() < deadline) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
    await tick();
  }
  await disconnect(kind, client);
  return { runs: times.length, fps: frames / (median(times) / 1000) };
}
