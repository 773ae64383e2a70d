// What a STOMP client wrote to and read from its WebSockets, recorded at the socket: a
// `webSocketFactory` that opens the platform's WebSocket (the browser's, or the `ws` package set as the
// global in Node) and wraps its `send`, so that the same recording serves stomp-wasm and @stomp/stompjs
// alike (both take a `webSocketFactory`). Every frame is parsed with the shared test peer's codec
// (stomp-peer.js) and logged with the number of the connection it went over, so a check can read the
// order of the frames on the wire, which connection carried an ACK, and how many connections there were.
// Environment-neutral: no Node imports.
import { Parser, bytesOf } from './stomp-peer.js';

const PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
/** Large enough for anything a check sends or receives (the log must not refuse what a client allows). */
const LIMITS = { max_headers: 100000, max_header_bytes: 1 << 24, max_body_bytes: 1 << 26 };

/** The first value of each header name, as an object (what STOMP says a reader takes). */
function headerObject(list) {
  const out = {};
  for (const [name, value] of list) if (!(name in out)) out[name] = value;
  return out;
}

/**
 * A wire log: `factory` is the `webSocketFactory` to give the client (sockets to `url`); `frames` every
 * frame in the order it was written or read: `{conn, dir: 'out'|'in', command, headers, bodySize,
 * body}` (`body` as text, for frames of at most 256 bytes); `closes` each close `{conn, code, reason}`.
 * Connections are numbered from 1 in the order the factory opened them.
 */
export class WireLog {
  constructor(url) {
    this.url = url;
    this.frames = [];
    this.closes = [];
    this.sockets = [];
    this.factory = () => this.open();
  }

  open() {
    const conn = this.sockets.length + 1;
    const socket = new WebSocket(this.url, PROTOCOLS);
    this.sockets.push(socket);
    const outgoing = new Parser({ followConnected: false, limits: LIMITS });
    const incoming = new Parser({ followConnected: true, limits: LIMITS });
    const log = this;
    const send = socket.send;
    // An own property shadows the prototype's send for this socket only; the client calls it as a
    // method, as on any WebSocket.
    socket.send = function (data) {
      log.record(conn, 'out', outgoing, data);
      return send.apply(socket, arguments);
    };
    socket.addEventListener('message', (event) => log.record(conn, 'in', incoming, event.data));
    socket.addEventListener('close', (event) => log.closes.push({ conn, code: event.code, reason: String(event.reason || '') }));
    return socket;
  }

  record(conn, dir, parser, data) {
    let bytes;
    try {
      bytes = bytesOf(data);
    } catch (error) {
      return; // a Blob (not used by either client with binaryType 'arraybuffer'): not recorded
    }
    const { items } = parser.push(bytes);
    for (const item of items) {
      if (item === 'heartbeat') continue;
      const body = item.body.length <= 256 ? new TextDecoder().decode(item.body) : undefined;
      this.frames.push({ conn, dir, command: item.command, headers: headerObject(item.headers), bodySize: item.body.length, body });
    }
  }

  /** Frames written (`dir` 'out') or read ('in'), optionally only those of `command` and of connection `conn`. */
  select(dir, command, conn) {
    return this.frames.filter((f) => f.dir === dir && (command === undefined || f.command === command) && (conn === undefined || f.conn === conn));
  }

  /** The commands written on connection `conn`, with runs folded: `BEGIN SEND×30 COMMIT`. */
  commandsOut(conn) {
    const runs = [];
    for (const f of this.select('out', undefined, conn)) {
      const last = runs[runs.length - 1];
      if (last && last[0] === f.command) last[1] += 1;
      else runs.push([f.command, 1]);
    }
    return runs.map(([command, n]) => (n > 1 ? `${command}×${n}` : command)).join(' ');
  }

  /** How many connections reached CONNECTED. */
  get sessions() {
    return this.select('in', 'CONNECTED').length;
  }
}
