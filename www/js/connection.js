// One stomp-wasm Client per page, plus the numbers the diagnostics drawer shows. The socket comes from a
// webSocketFactory so that bytes can be counted on the wire; everything else is the package's own API.
// In shared mode (`share`, config.js) the page's Client is stomp-wasm/shared's: one connection for
// every tab of the console, in a SharedWorker (or a leader tab); the socket is not in this page then,
// so the bytes on the wire are not counted here.
import init, { Client, ReconnectionTimeMode } from '../../pkg/web/stomp_wasm.js';
import initShared, { Client as SharedClient } from '../../pkg/web/shared.js';

let ready;
let sharedReady;
/** Loads the wasm once (shared mode: prepares it, the worker loads the wasm). */
export function loadStomp(shared = false) {
  if (shared) return (sharedReady ??= initShared());
  ready ??= init();
  return ready;
}

/** UTF-8 length of a string, or a binary message's size. */
function byteLength(data) {
  if (typeof data !== 'string') return data?.byteLength ?? data?.size ?? 0;
  let bytes = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether a WebSocket message is only a heart-beat (EOLs). */
function isHeartbeat(data) {
  if (typeof data === 'string') return /^(\r?\n)+$/.test(data);
  if (!(data instanceof ArrayBuffer) || data.byteLength === 0 || data.byteLength > 8) return false;
  return new Uint8Array(data).every((b) => b === 10 || b === 13);
}

/** Counters for the diagnostics drawer: per-second buckets over the last minute, latency samples. */
export class Stats {
  constructor() {
    this.startedAt = Date.now();
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.messagesIn = 0;
    this.messagesOut = 0;
    this.heartbeats = 0; // heart-beat-only WebSocket messages seen on the wire
    this.heartbeatEvents = 0; // the client's heartbeatReceived events
    this.connects = 0;
    this.attempts = 0;
    this.receiptsFailed = 0;
    this.duplicates = 0;
    this.rtt = []; // ms, newest last, at most 500
    this.series = { in: new Array(60).fill(0), out: new Array(60).fill(0) };
    this.second = Math.floor(Date.now() / 1000);
  }

  /** Moves the per-second window up to now. */
  tick() {
    const now = Math.floor(Date.now() / 1000);
    const steps = Math.min(now - this.second, 60);
    for (let i = 0; i < steps; i++) {
      this.series.in.shift();
      this.series.in.push(0);
      this.series.out.shift();
      this.series.out.push(0);
    }
    this.second = now;
  }

  countIn() {
    this.tick();
    this.messagesIn++;
    this.series.in[59]++;
  }

  countOut() {
    this.tick();
    this.messagesOut++;
    this.series.out[59]++;
  }

  addRtt(ms) {
    this.rtt.push(ms);
    if (this.rtt.length > 500) this.rtt.shift();
  }

  percentile(p) {
    if (!this.rtt.length) return null;
    const sorted = [...this.rtt].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }

  /** Messages per second, averaged over the last `seconds` complete seconds. */
  rate(direction, seconds = 5) {
    this.tick();
    const series = this.series[direction];
    return series.slice(59 - seconds, 59).reduce((a, b) => a + b, 0) / seconds;
  }

  get reconnects() {
    return Math.max(0, this.connects - 1);
  }
}

/** Heart-beat intervals as negotiated (STOMP 1.2 §Heart-beating): {outgoing, incoming} in ms, 0 = off. */
export function negotiatedHeartbeat(config, serverHeaders) {
  const [sx, sy] = String(serverHeaders?.['heart-beat'] ?? '0,0').split(',').map((n) => Number(n) || 0);
  const cx = config.heartbeat;
  const cy = config.heartbeat;
  return {
    outgoing: cx === 0 || sy === 0 ? 0 : Math.max(cx, sy),
    incoming: cy === 0 || sx === 0 ? 0 : Math.max(cy, sx),
  };
}

/**
 * Creates (not activates) the page's client. `log(kind, text)` receives notable events for the
 * diagnostics drawer's event log.
 */
export async function createClient(config, { log = () => {}, share = null } = {}) {
  await loadStomp(Boolean(share));
  const stats = new Stats();
  stats.shared = Boolean(share);
  const urls = config.brokerURLs;
  let urlIndex = 0;
  const connectHeaders = { login: config.login, passcode: config.passcode };
  if (config.vhost) connectHeaders.host = config.vhost;

  const options = {
    // A real WebSocket, with byte counters on it. Several broker URLs: the next one after a failure.
    webSocketFactory: () => {
      stats.attempts++;
      const socket = new WebSocket(urls[urlIndex % urls.length], ['v12.stomp', 'v11.stomp', 'v10.stomp']);
      socket.addEventListener('message', (event) => {
        stats.bytesIn += byteLength(event.data);
        if (isHeartbeat(event.data)) stats.heartbeats++;
      });
      const send = socket.send.bind(socket);
      socket.send = (data) => {
        stats.bytesOut += byteLength(data);
        send(data);
      };
      return socket;
    },
    connectHeaders,
    heartbeatIncoming: config.heartbeat,
    heartbeatOutgoing: config.heartbeat,
    reconnectDelay: config.reconnectDelay,
    reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
    maxReconnectDelay: config.maxReconnectDelay,
    maxReconnectAttempts: config.maxReconnectAttempts,
    reconnectJitter: 0.2,
    // The pages subscribe once, whenever they are ready: keep the subscriptions across reconnects.
    keepSubscriptions: true,
    connectionTimeout: 10000,
    receiptTimeout: config.receiptTimeout,
    debug: config.debug ? (message) => console.debug('[stomp]', message) : undefined,
  };
  let client;
  if (share) {
    // The connection is opened in the SharedWorker (or the leader tab): no function of this page can
    // make its socket, so the broker URLs go as they are (the client tries the next after a failure).
    delete options.webSocketFactory;
    client = new SharedClient({ ...options, brokerURL: urls, shareMode: share, shareName: 'stomp-wasm-demo' });
    client.on('heartbeatReceived', () => stats.heartbeats++);
    client.on('sharing', ({ mode, tabs }) => log('info', `connection shared by ${tabs} tab${tabs === 1 ? '' : 's'} (${modeName(mode)})`));
  } else {
    client = new Client(options);
  }

  client.on('connect', () => {
    stats.connects++;
    log('ok', `connected to ${share ? urls.join(' or ') : urls[urlIndex % urls.length]} (STOMP ${client.connectedVersion}, ${client.serverHeaders.server ?? 'server'})`);
  });
  client.on('heartbeatReceived', () => stats.heartbeatEvents++);
  client.on('connectFailed', ({ reason, frame }) => {
    urlIndex++;
    log('warn', `connect attempt failed: ${reason}${frame ? ` — ${frame.headers.message ?? ''}` : ''}`);
  });
  client.on('webSocketClose', (event) => {
    if (client.connectionState !== 'disconnecting' && client.connectionState !== 'inactive') {
      log('warn', `socket closed (${event?.code ?? '?'}${event?.reason ? ` ${event.reason}` : ''})`);
    }
  });
  client.on('stompError', (frame) => log('error', `ERROR frame: ${frame.headers.message ?? frame.body}`));
  client.on('heartbeatLost', () => log('warn', 'heart-beat lost: the broker went silent'));
  client.on('reconnectScheduled', ({ attempt, delay }) => log('info', `reconnect attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`));
  client.on('reconnectFailed', ({ attempts }) => log('error', `gave up after ${attempts} attempts`));
  client.on('receiptFailed', ({ receiptId, error }) => {
    stats.receiptsFailed++;
    log('warn', `receipt ${receiptId} failed: ${error}`);
  });
  client.on('queueDiscarded', ({ frames }) => log('warn', `${frames} queued frame(s) discarded`));
  return { client, stats };
}

/** How the drawer names a shared mode. */
export function modeName(mode) {
  return { worker: 'SharedWorker', leader: 'leader tab', tab: 'this tab only' }[mode] ?? mode;
}

/**
 * publish() with a receipt, counting it and timing the round trip. The latency sample is kept only
 * for frames written at once (a frame queued during an outage would measure the outage).
 */
export function publishWithReceipt(client, stats, params) {
  const immediate = client.connected;
  const started = performance.now();
  stats.countOut();
  return client.publish({ ...params, receipt: true }).then((receipt) => {
    if (immediate) stats.addRtt(performance.now() - started);
    return receipt;
  });
}
