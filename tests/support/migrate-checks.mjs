// The stompjs 7.5 options that came with issue #15 (splitLargeFrames + maxWebSocketChunkSize,
// appendMissingNULLonIncoming, discardWebsocketOnCommFailure), each proven to take effect through the
// package's public API against the test broker (tools/test-broker), whose records show every WebSocket
// message the client wrote. Environment-neutral: tests/js/migrate.test.mjs runs them in Node and in
// Chromium through run-check.mjs. Each check fails if its option were ignored or wired to another one.
import { Watch, watchedClient, expect, expectNoFaults, shutdown, until, freshDestination, within } from './client-watch.mjs';

/** A watched client on the test broker (not activated), reconnecting after 0 ms unless `options` say otherwise. */
function client(env, scenario, params, options = {}) {
  return watchedClient(env, scenario, params, { reconnectDelay: 0, ...options });
}

const utf8 = new TextEncoder();

/** A body of about `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters. */
function mixedBody(bytes) {
  const unit = 'ab é 你好 👋🏽 ';
  let text = '';
  while (utf8.encode(text).length < bytes) text += unit;
  return text;
}

/**
 * splitLargeFrames + maxWebSocketChunkSize: a text frame goes out as text messages of at most the chunk
 * size in bytes, none cut inside a character (the broker, which reads each text message as UTF-8, would
 * close the connection), and arrives whole; a binary frame goes as one message; without the option, one
 * message per frame; a chunk size below a character's width still makes progress.
 */
export async function splitLargeFrames(env) {
  const outcomes = [];
  for (const [label, options, bodyBytes] of [
    ['split at 1000 bytes', { splitLargeFrames: true, maxWebSocketChunkSize: 1000 }, 40000],
    ['split at 7 bytes', { splitLargeFrames: true, maxWebSocketChunkSize: 7 }, 300],
    ['split at 1 byte', { splitLargeFrames: true, maxWebSocketChunkSize: 1 }, 60],
    ['chunk size alone (no split)', { maxWebSocketChunkSize: 1000 }, 40000],
  ]) {
    const sub = { ...env, id: `${env.id}-${options.maxWebSocketChunkSize}-${!!options.splitLargeFrames}` };
    const { client: c, watch } = client(sub, 'ok', {}, options);
    c.activate();
    await watch.next('connect');
    const destination = freshDestination('/queue/split');
    const body = mixedBody(bodyBytes);
    const binary = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
    const received = [];
    c.subscribe(destination, (message) => received.push(message));
    await c.publish({ destination, body, receipt: true });
    await c.publish({ destination, binaryBody: binary, receipt: true });
    await until(() => received.length === 2, 10000, `${label}: both messages back`);
    expect(received[0].body === body, `${label}: the text body arrives whole and unchanged`);
    expect(received[1].isBinaryBody && received[1].binaryBody.length === binary.length
      && received[1].binaryBody.every((b, i) => b === binary[i]), `${label}: the binary body arrives whole`);
    await shutdown(c);
    const [record] = await env.broker.records(sub.id);
    expect(!record.error, `${label}: the broker parsed everything: ${record.error}`);
    const sends = record.frames.filter((f) => f.command === 'SEND');
    expect(sends.length === 2 && sends[0].bodySize === utf8.encode(body).length,
      `${label}: the broker reassembled both SENDs: ${JSON.stringify(sends.map((s) => s.bodySize))}`);
    const messages = record.messages.filter((m) => m.kind === 'text' || m.kind === 'binary');
    const binaries = messages.filter((m) => m.kind === 'binary');
    expect(binaries.length === 1 && binaries[0].size > binary.length,
      `${label}: the binary frame went as one binary message: ${JSON.stringify(binaries.map((m) => m.size))}`);
    const texts = messages.filter((m) => m.kind === 'text');
    const largest = Math.max(...texts.map((m) => m.size));
    if (options.splitLargeFrames) {
      const limit = Math.max(options.maxWebSocketChunkSize, 4);
      expect(largest <= limit, `${label}: no text message over ${limit} bytes (largest ${largest})`);
      expect(texts.length > utf8.encode(body).length / limit, `${label}: the SEND was split (${texts.length} text messages)`);
    } else {
      expect(largest > 40000, `${label}: without splitLargeFrames the SEND is one message (largest ${largest})`);
    }
    outcomes.push(`${label}: ${texts.length} text messages, largest ${largest} B`);
  }
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}

/** A MESSAGE for subscription `sub` as a broker writes it (content-length), without the final NUL. */
function messageWithoutNul(sub, body, id) {
  return `MESSAGE\ndestination:/queue/x\nsubscription:${sub}\nmessage-id:${id}\ncontent-length:${utf8.encode(body).length}\n\n${body}`;
}

/**
 * appendMissingNULLonIncoming: text messages that lost their final NUL (React Native) are each one
 * frame again, and a heart-beat-only message stays a heart-beat; without the option the same bytes
 * are a protocol error (the next frame starts where a NUL must be).
 */
export async function appendMissingNULLonIncoming(env) {
  const outcomes = [];
  for (const append of [true, false]) {
    const sub = { ...env, id: `${env.id}-${append}` };
    const { client: c, watch } = client(sub, 'ok', {}, append ? { appendMissingNULLonIncoming: true } : {});
    c.activate();
    await watch.next('connect');
    const bodies = [];
    c.subscribe('/queue/x', (message) => bodies.push(message.body), { id: 'rn' });
    await c.publish({ destination: '/queue/barrier', body: '', receipt: true }); // SUBSCRIBE is in
    await env.broker.inject(sub.id, messageWithoutNul('rn', 'first 你好', 1));
    await env.broker.inject(sub.id, '\n');
    await env.broker.inject(sub.id, messageWithoutNul('rn', 'second 👋', 2));
    if (append) {
      await until(() => bodies.length === 2, 5000, 'both messages');
      expect(bodies[0] === 'first 你好' && bodies[1] === 'second 👋', `each message is one frame: ${JSON.stringify(bodies)}`);
      await until(() => watch.count('heartbeatReceived') >= 1, 5000, 'the heart-beat');
      expect(c.connected, 'still connected: the heart-beat-only message got no NUL');
      await shutdown(c);
      outcomes.push('with the option: 2 messages and a heart-beat');
    } else {
      await watch.next('webSocketClose');
      const errors = watch.all('webSocketError').map(([e]) => String(e && e.message));
      expect(errors.some((m) => /NUL/i.test(m)), `without the option: a protocol error naming the missing NUL: ${JSON.stringify(errors)}`);
      expect(bodies.length === 0, `without the option, no message is delivered: ${JSON.stringify(bodies)}`);
      await shutdown(c);
      outcomes.push(`without: ${errors.join(' ')}`);
    }
  }
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}

/**
 * discardWebsocketOnCommFailure: when the broker goes silent (heart-beats lost) and on
 * forceDisconnect(), the socket is discarded — Node's `ws` terminate(): the broker sees the TCP
 * connection end with no close frame — instead of closed with a close frame (the default). Node only:
 * a browser WebSocket has no terminate(), so there both are a close().
 */
export async function discardWebsocketOnCommFailure(env) {
  const outcomes = [];
  for (const discard of [true, false]) {
    for (const how of ['heart-beats lost', 'forceDisconnect()']) {
      const sub = { ...env, id: `${env.id}-${discard}-${how.length}` };
      const silent = how === 'heart-beats lost';
      const { client: c, watch } = client(sub, silent ? 'silent' : 'ok', silent ? { hb: '200,0' } : {}, {
        heartbeatIncoming: silent ? 200 : 0,
        ...(discard ? { discardWebsocketOnCommFailure: true } : {}),
      });
      c.activate();
      await watch.next('connect');
      if (!silent) c.forceDisconnect();
      await watch.next('webSocketClose');
      if (silent) expect(watch.count('heartbeatLost') === 1, `${how}: heartbeatLost came first`);
      let record;
      await until(async () => {
        [record] = await env.broker.records(sub.id);
        return record && record.ended;
      }, 5000, `${how}: the broker saw the connection end`);
      const closeFrame = record.messages.some((m) => m.kind === 'close');
      if (discard) {
        expect(!closeFrame, `${how}, discardWebsocketOnCommFailure: no close frame, the socket is discarded: ${JSON.stringify(record.messages.slice(-3))}`);
      } else {
        expect(closeFrame, `${how}, by default: a close frame (a graceful close): ${JSON.stringify(record.messages.slice(-3))}`);
      }
      await shutdown(c);
      outcomes.push(`${discard ? 'discard' : 'default'}, ${how}: ${closeFrame ? 'close frame' : 'no close frame'}`);
    }
  }
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}

/**
 * maxReconnectDelay: 0 is no upper limit, as in stompjs 7.5: with EXPONENTIAL the delays keep doubling
 * (10, 20, 40, 80 ms) instead of staying at reconnectDelay; a cap of 30 stops them at 30.
 */
export async function maxReconnectDelayZero(env) {
  const outcomes = [];
  for (const [cap, expected] of [[0, [10, 20, 40, 80]], [30, [10, 20, 30, 30]]]) {
    const instance = new env.Client({
      brokerURL: 'ws://127.0.0.1:9/refused', // nothing listens on the discard port
      reconnectDelay: 10,
      reconnectTimeMode: env.ReconnectionTimeMode.EXPONENTIAL,
      maxReconnectDelay: cap,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    const watch = new Watch(instance);
    instance.debug = watch.debug();
    instance.activate();
    await watch.next('reconnectScheduled', { count: 4 });
    await shutdown(instance);
    const delays = watch.all('reconnectScheduled').slice(0, 4).map(([detail]) => detail.delay);
    expect(JSON.stringify(delays) === JSON.stringify(expected), `maxReconnectDelay ${cap}: delays ${JSON.stringify(delays)}, expected ${JSON.stringify(expected)}`);
    outcomes.push(`${cap}: ${delays.join(', ')}`);
  }
  expectNoFaults();
  return { outcome: outcomes.join('; ') };
}
