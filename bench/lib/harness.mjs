// The throughput benchmarks, the same code in Node and in a Chromium page: each client is connected to
// a fake WebSocket (handed over through `webSocketFactory`), then fed pre-generated MESSAGE streams
// through the socket's `onmessage`, or made to publish() into it. Times are medians of several runs after
// warm-up, the two clients alternating run by run so that noise from other processes hits both.

import { DESTINATION, framesFor, makeStream, bodiesFor } from './streams.mjs';

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
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }, 0);
  }

  send(data) {
    this.sentMessages++;
    this.sentUnits += typeof data === 'string' ? data.length : data.byteLength;
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
 * Connects one client (`kind` 'ours' or 'stompjs') to a fresh FakeSocket and subscribes.
 * `received(message)` is what the subscription callback does with each message.
 */
export async function connect(kind, Client, { binary = true, received }) {
  const socket = new FakeSocket(binary);
  const options = {
    webSocketFactory: () => socket,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
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
  const subscription = client.subscribe(DESTINATION, received);
  await tick();
  return { client, socket, subscriptionId: subscription.id };
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
 */
export async function inboundCase(clients, { bodyBytes, chunking, data = 'binary', runs = 7, warmup = 2, now, gc }) {
  const frames = framesFor(bodyBytes);
  const sink = { count: 0, chars: 0 };
  const received = (message) => {
    const headers = message.headers;
    const body = message.body;
    sink.count++;
    sink.chars += body.length + headers['message-id'].length;
  };
  const sides = {};
  for (const [kind, Client] of Object.entries(clients)) {
    const conn = await connect(kind, Client, { binary: data === 'binary', received });
    const stream = makeStream({ bodyBytes, chunking, frames, subscription: conn.subscriptionId, data });
    sides[kind] = { ...conn, stream, times: [] };
  }
  const kinds = Object.keys(sides);
  // The floor: UTF-8 decoding of each body alone, which any client handing over a string must do.
  const encodedBodies = bodiesFor(bodyBytes).map((b) => utf8.encode(b));
  const decodeTimes = [];
  let expectedChars = null;
  for (let run = 0; run < warmup + runs; run++) {
    for (const kind of run % 2 ? [...kinds].reverse() : kinds) {
      const side = sides[kind];
      await settle(gc);
      sink.count = 0;
      sink.chars = 0;
      const payloads = side.stream.payloads;
      const socket = side.socket;
      const t0 = now();
      for (let i = 0; i < payloads.length; i++) socket.onmessage({ data: payloads[i] });
      const t1 = now();
      if (sink.count !== frames) {
        throw new Error(`${kind}: ${sink.count} of ${frames} messages reached the callback (${bodyBytes} B, ${chunking}, ${data})`);
      }
      if (expectedChars === null) expectedChars = sink.chars;
      else if (sink.chars !== expectedChars) throw new Error(`${kind}: the bodies or headers differ from the other client's`);
      if (run >= warmup) side.times.push(t1 - t0);
    }
    if (data === 'binary') {
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
  const result = { frames, wire_bytes: sides[kinds[0]].stream.wireBytes, stream_hash: sides[kinds[0]].stream.hash };
  if (decodeTimes.length) result.decode_only_fps = frames / (median(decodeTimes) / 1000);
  for (const kind of kinds) {
    const seconds = median(sides[kind].times) / 1000;
    result[`${kind}_fps`] = frames / seconds;
    result[`${kind}_mbps`] = sides[kind].stream.wireBytes / 1e6 / seconds;
    result[`${kind}_ms`] = sides[kind].times.map((t) => Math.round(t * 100) / 100);
    await disconnect(kind, sides[kind].client);
  }
  return result;
}

/** Outbound: publish() of the same messages (body, content-type) into the counting socket. */
export async function outboundCase(clients, { bodyBytes, runs = 7, warmup = 2, now, gc }) {
  const frames = framesFor(bodyBytes);
  const bodies = bodiesFor(bodyBytes);
  const headers = { 'content-type': 'application/json' };
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
      for (let i = 0; i < frames; i++) {
        client.publish({ destination: DESTINATION, body: bodies[i & 7], headers });
      }
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

/**
 * One client alone on one case, repeated for `seconds` (for CPU profiles, not for the report):
 * `chunking` 'publish' makes it publish instead. Returns the median frames/s.
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
    const bodies = bodiesFor(bodyBytes);
    const headers = { 'content-type': 'application/json' };
    run = () => {
      for (let i = 0; i < frames; i++) client.publish({ destination: DESTINATION, body: bodies[i & 7], headers });
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
