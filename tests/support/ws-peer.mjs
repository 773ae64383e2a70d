// The project's one STOMP test peer, part 2 (Node only): its faces on the network, built on the codec of
// stomp-peer.js. `connectPeer` is another party on the broker (the "agent" of the e2e and mini-program
// tests: sends with receipts, subscribes and waits for the broker's RECEIPT, reads MESSAGEs honouring
// content-length and escapes); `ping` is the broker check `scripts/broker` runs (as the command
// broker-ping.mjs). Loopback URLs only, always.
import WebSocket from 'ws';
import { Parser, encodeFrame, header, bodyText, VERSIONS } from './stomp-peer.js';

export const BROKER_URL = 'ws://127.0.0.1:15674/ws';

/** Throws for anything but a ws(s):// URL on a loopback address. */
export function assertLoopback(url) {
  const { protocol, hostname } = new URL(url);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
  if (!/^wss?:$/.test(protocol) || !loopback) throw new Error(`stomp peer: loopback ws:// URLs only, not ${url}`);
}

/** A MESSAGE as the peer's subscribers get it. */
function delivered(frame) {
  const headers = {};
  for (const [name, value] of frame.headers) if (!(name in headers)) headers[name] = value;
  return { headers, headerList: frame.headers, body: bodyText(frame), bytes: frame.body, frame };
}

/**
 * Connects to a STOMP-over-WebSocket broker and resolves once CONNECTED arrived.
 *
 * @param {string} [url]
 * @param {object} [o]
 * @param {string[]} [o.versions]        accept-version (default all three; the subprotocols follow it)
 * @param {object} [o.connectHeaders]    more CONNECT headers (login/passcode default to guest/guest)
 * @param {number} [o.timeoutMs]         for CONNECTED and for each receipt (default 5000)
 */
export async function connectPeer(url = BROKER_URL, { versions = VERSIONS, connectHeaders = {}, timeoutMs = 5000 } = {}) {
  assertLoopback(url);
  const protocols = [...versions].reverse().map((v) => `v${v.replace('.', '')}.stomp`);
  const socket = new WebSocket(url, protocols);
  const parser = new Parser();
  const waiting = new Map(); // receipt id → { resolve, reject, timer }
  const subscriptions = new Map(); // id → callback
  const peer = { version: null, connected: null, messages: [], errors: [], failure: null };
  let nextId = 0;

  const fail = (reason) => {
    if (peer.failure) return;
    peer.failure = new Error(`stomp peer: ${reason}`);
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.reject(peer.failure);
    }
    waiting.clear();
  };
  const connected = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stomp peer: no CONNECTED from ${url} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`stomp peer: ${url}: ${error.code ?? error.message}`));
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`stomp peer: ${url} closed (${code} ${reason}) before CONNECTED`));
    });
    peer.onConnected = (frame) => {
      clearTimeout(timer);
      resolve(frame);
    };
  });
  const closed = new Promise((resolve) => socket.on('close', (code, reason) => {
    fail(`the broker closed the connection (${code} ${reason})`);
    resolve({ code, reason: reason.toString('utf8') });
  }));

  socket.on('open', () => {
    const headers = { 'accept-version': versions.join(','), host: '/', login: 'guest', passcode: 'guest', 'heart-beat': '0,0', ...connectHeaders };
    socket.send(encodeFrame({ command: 'CONNECT', headers }));
  });
  socket.on('message', (data) => {
    const { items, error } = parser.push(data);
    for (const frame of items) {
      if (frame === 'heartbeat') continue;
      switch (frame.command) {
        case 'CONNECTED':
          peer.version = parser.version;
          peer.connected = frame;
          peer.onConnected(frame);
          break;
        case 'RECEIPT': {
          const id = header(frame, 'receipt-id');
          const w = waiting.get(id);
          if (w) {
            clearTimeout(w.timer);
            waiting.delete(id);
            w.resolve(frame);
          }
          break;
        }
        case 'MESSAGE': {
          const message = delivered(frame);
          peer.messages.push(message);
          subscriptions.get(header(frame, 'subscription'))?.(message);
          break;
        }
        case 'ERROR':
          peer.errors.push(frame);
          fail(`ERROR ${header(frame, 'message')}: ${bodyText(frame).slice(0, 300)}`);
          break;
        default:
          fail(`unexpected ${frame.command} from the broker`);
      }
    }
    if (error) {
      fail(`the broker sent a malformed frame (${error})`);
      socket.terminate();
    }
  });

  /** Writes a frame with a receipt and resolves with the RECEIPT (rejects on ERROR, close or timeout). */
  const withReceipt = (frame, what) => {
    if (peer.failure) return Promise.reject(peer.failure);
    const id = `peer-${++nextId}`;
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`stomp peer: no RECEIPT for ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, { resolve, reject, timer });
    });
    write({ ...frame, headers: [...frame.headers, ['receipt', id]] });
    return done;
  };
  const write = (frame, options = {}) => {
    const bytes = encodeFrame(frame, { version: peer.version ?? '1.2', ...options });
    socket.send(typeof frame.body === 'string' || frame.body === undefined ? Buffer.from(bytes).toString('utf8') : bytes);
  };

  await connected;
  return Object.assign(peer, {
    /** SEND (with content-length) and wait for the broker's RECEIPT. */
    send(destination, body, headers = {}) {
      return withReceipt({ command: 'SEND', headers: [['destination', destination], ...Object.entries(headers)], body }, `SEND to ${destination}`);
    },
    /**
     * SUBSCRIBE and resolve once the broker's RECEIPT says the subscription exists (messages sent after
     * that reach it). `onMessage({ headers, headerList, body, bytes, frame })` for each MESSAGE.
     */
    async subscribe(destination, onMessage, headers = {}) {
      const id = `peer-sub-${++nextId}`;
      subscriptions.set(id, onMessage);
      await withReceipt({ command: 'SUBSCRIBE', headers: [['id', id], ['destination', destination], ...Object.entries(headers)] }, `SUBSCRIBE to ${destination}`);
      return {
        id,
        unsubscribe: async () => {
          await withReceipt({ command: 'UNSUBSCRIBE', headers: [['id', id]] }, `UNSUBSCRIBE ${id}`);
          subscriptions.delete(id);
        },
      };
    },
    /** Writes any frame as it is (no receipt). */
    write,
    /** DISCONNECT with a receipt, then close; resolves once the socket closed (never rejects). */
    async close() {
      if (socket.readyState === WebSocket.OPEN && !peer.failure) {
        await withReceipt({ command: 'DISCONNECT', headers: [] }, 'DISCONNECT').catch(() => {});
      }
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      return closed;
    },
    closed,
  });
}

/** Whether the broker answers CONNECT: resolves with the negotiated version and the CONNECTED headers. */
export async function ping(url = BROKER_URL, timeoutMs = 3000) {
  const peer = await connectPeer(url, { timeoutMs });
  const version = peer.version;
  const server = header(peer.connected, 'server');
  await peer.close();
  return { version, server };
}
