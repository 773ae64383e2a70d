// The project's one STOMP test peer, part 1: a STOMP codec (bytes ⇄ frames under each version's rules)
// and an in-process fake broker behind a WebSocket-like object (a `webSocketFactory` result). A plain ES
// module with no imports and nothing Node-only, so Node, a browser page and a wasm-bindgen snippet
// (tests/web_node.rs) all load this one file as it is. Part 2, `ws-peer.mjs`, gives it Node's faces on
// the network: a client connection over `ws` (the "other party" against RabbitMQ) and the broker ping.
// One file (~550 lines) because it must load as a single module with no imports in every host above.
//
// The codec reads what tests/vectors/README.md specifies, and tests/js/stomp-peer.test.mjs checks it
// against every vector there (three chunkings each) and round-trips every vector frame through the
// encoder. A frame is `{ command, headers: [[name, value], …], body: Uint8Array }`: headers in wire order,
// repeats kept, values unescaped.

export const CLIENT_COMMANDS = Object.freeze(['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK',
  'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']);
export const SERVER_COMMANDS = Object.freeze(['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR']);
export const VERSIONS = Object.freeze(['1.0', '1.1', '1.2']);
/** The parser's limits when none are given (the same defaults as the Rust codec's `Limits::DEFAULT`). */
export const DEFAULT_LIMITS = Object.freeze({ max_header_bytes: 8192, max_headers: 128, max_body_bytes: 16777216 });

const COMMANDS = new Set([...CLIENT_COMMANDS, ...SERVER_COMMANDS]);
/** Frames whose headers are never escaped, whatever the version. */
const NEVER_ESCAPED = new Set(['CONNECT', 'STOMP', 'CONNECTED']);
const LF = 10;
const CR = 13;
const NUL = 0;
const COLON = 58;

const utf8Encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const laxUtf8 = new TextDecoder('utf-8');

/** The octets of a string (UTF-8), an ArrayBuffer or any view. */
export function bytesOf(data) {
  if (typeof data === 'string') return utf8Encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    return new Uint8Array(data);
  }
  throw new TypeError(`stomp-peer: expected a string, an ArrayBuffer or a typed array, got ${Object.prototype.toString.call(data)}`);
}

/** A frame's body as text (UTF-8, invalid sequences replaced). */
export function bodyText(frame) {
  return laxUtf8.decode(frame.body);
}

/** The first value of a header, as STOMP says a repeated header is read; undefined when absent. */
export function header(frame, name) {
  const found = frame.headers.find(([n]) => n === name);
  return found ? found[1] : undefined;
}

/** A parse failure; `id` is the vectors' stable identifier (tests/vectors/README.md, "Error identifiers"). */
export class StompParseError extends Error {
  constructor(id) {
    super(`STOMP parse error: ${id}`);
    this.name = 'StompParseError';
    this.id = id;
  }
}

const fail = (id) => {
  throw new StompParseError(id);
};

/** An append-only byte buffer that grows geometrically. */
class Bytes {
  constructor() {
    this.data = new Uint8Array(64);
    this.length = 0;
  }

  append(bytes) {
    const needed = this.length + bytes.length;
    if (needed > this.data.length) {
      const grown = new Uint8Array(Math.max(needed, this.data.length * 2));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(bytes, this.length);
    this.length = needed;
  }

  take() {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

function unescapeText(text, escaping) {
  if (escaping === 'none' || text.indexOf('\\') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else if (next === 'r' && escaping === '1.2') out += '\r';
    else fail('InvalidEscape');
  }
  return out;
}

function escapingFor(command, version) {
  return NEVER_ESCAPED.has(command) || version === '1.0' ? 'none' : version;
}

/**
 * A push parser: `push(chunk)` takes the next octets of the stream, cut anywhere, and returns
 * `{ items, error }`: the frames and heart-beats (the string 'heartbeat') it completed, and the error
 * identifier the stream ended in (then and on every later push), or null.
 */
export class Parser {
  /**
   * @param {object} [o]
   * @param {'1.0'|'1.1'|'1.2'} [o.version]  the version before any input (escaping, 1.0 trimming)
   * @param {boolean} [o.followConnected]    whether CONNECTED switches to the version it names (default true)
   * @param {object} [o.limits]              max_header_bytes, max_headers, max_body_bytes (DEFAULT_LIMITS)
   */
  constructor({ version = '1.2', followConnected = true, limits = {} } = {}) {
    if (!VERSIONS.includes(version)) throw new TypeError(`stomp-peer: unknown version ${version}`);
    this.version = version;
    this.followConnected = followConnected;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.state = 'idle'; // idle | idleCr | head | counted | toNul | expectNul
    this.error = null;
    this.line = new Bytes(); // a head line cut by the end of a chunk
    this.body = new Bytes();
    this.headBytes = 0;
    this.command = null;
    this.headers = [];
    this.remaining = 0;
  }

  /** Whether a frame has begun and not ended (a lone CR between frames does not count). */
  get inFrame() {
    return this.state !== 'idle' && this.state !== 'idleCr';
  }

  /** Whether the stream is between frames with nothing half-read (no frame begun, no lone CR). */
  get atBoundary() {
    return this.state === 'idle';
  }

  push(chunk) {
    const items = [];
    if (this.error) return { items, error: this.error };
    const input = bytesOf(chunk);
    let at = 0;
    try {
      while (at < input.length) at += this.step(input, at, items);
    } catch (error) {
      if (!(error instanceof StompParseError)) throw error;
      this.error = error.id;
      this.state = 'idle';
      return { items, error: this.error };
    }
    return { items, error: null };
  }

  /** Consumes some octets from `input[at]` on and returns how many (0 only on a change of state). */
  step(input, at, items) {
    const octet = input[at];
    switch (this.state) {
      case 'idle':
        if (octet === LF) {
          items.push('heartbeat');
          return 1;
        }
        if (octet === CR) {
          this.state = 'idleCr';
          return 1;
        }
        this.state = 'head';
        this.headBytes = 0;
        this.command = null;
        this.headers = [];
        return 0;
      case 'idleCr':
        if (octet !== LF) fail('BareCarriageReturn');
        items.push('heartbeat');
        this.state = 'idle';
        return 1;
      case 'head':
        return this.readHead(input, at);
      case 'counted': {
        const take = Math.min(this.remaining, input.length - at);
        this.body.append(input.subarray(at, at + take));
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'expectNul';
        return take;
      }
      case 'expectNul':
        if (octet !== NUL) fail('MissingNul');
        this.finishFrame(items);
        return 1;
      case 'toNul': {
        const nul = input.indexOf(NUL, at);
        const take = (nul < 0 ? input.length : nul) - at;
        if (this.body.length + take > this.limits.max_body_bytes) fail('LimitExceeded:max_body_bytes');
        this.body.append(input.subarray(at, at + take));
        if (nul < 0) return take;
        this.finishFrame(items);
        return take + 1;
      }
      default:
        throw new Error(`stomp-peer: parser in unknown state ${this.state}`);
    }
  }

  readHead(input, at) {
    const lf = input.indexOf(LF, at);
    if (lf < 0) {
      if (this.headBytes + this.line.length + (input.length - at) > this.limits.max_header_bytes) {
        fail('LimitExceeded:max_header_bytes');
      }
      this.line.append(input.subarray(at));
      return input.length - at;
    }
    this.headBytes += this.line.length + (lf - at) + 1;
    if (this.headBytes > this.limits.max_header_bytes) fail('LimitExceeded:max_header_bytes');
    this.line.append(input.subarray(at, lf));
    this.readLine(this.line.take());
    return lf - at + 1;
  }

  /** One complete head line, without its LF. */
  readLine(raw) {
    const line = raw.length && raw[raw.length - 1] === CR ? raw.subarray(0, raw.length - 1) : raw;
    if (line.indexOf(CR) >= 0) fail('BareCarriageReturn');
    if (this.command === null) {
      let command = null;
      try {
        command = strictUtf8.decode(line);
      } catch {
        fail('UnknownCommand');
      }
      if (!COMMANDS.has(command)) fail('UnknownCommand');
      this.command = command;
      return;
    }
    if (line.length === 0) {
      this.startBody();
      return;
    }
    if (this.headers.length >= this.limits.max_headers) fail('LimitExceeded:max_headers');
    const colon = line.indexOf(COLON);
    if (colon < 0) fail('HeaderWithoutColon');
    if (colon === 0) fail('EmptyHeaderName');
    let text;
    try {
      text = strictUtf8.decode(line);
    } catch {
      fail('InvalidUtf8');
    }
    const split = text.indexOf(':');
    let value = text.slice(split + 1);
    if (this.version === '1.0') value = value.replace(/^[ \t]+|[ \t]+$/g, '');
    const escaping = escapingFor(this.command, this.version);
    this.headers.push([unescapeText(text.slice(0, split), escaping), unescapeText(value, escaping)]);
  }

  startBody() {
    const length = header({ headers: this.headers }, 'content-length');
    if (length === undefined) {
      this.state = 'toNul';
      return;
    }
    if (!/^[0-9]+$/.test(length)) fail('InvalidContentLength');
    const digits = length.replace(/^0+(?=.)/, '');
    const n = digits.length > 15 ? Infinity : Number(digits);
    if (n > this.limits.max_body_bytes) fail('LimitExceeded:max_body_bytes');
    this.remaining = n;
    this.state = n === 0 ? 'expectNul' : 'counted';
  }

  finishFrame(items) {
    const frame = { command: this.command, headers: this.headers, body: this.body.take() };
    this.state = 'idle';
    this.command = null;
    this.headers = [];
    if (this.followConnected && frame.command === 'CONNECTED') {
      const named = header(frame, 'version');
      if (named === undefined) this.version = '1.0';
      else if (VERSIONS.includes(named)) this.version = named;
    }
    items.push(frame);
  }
}

/** Why a frame cannot be written so that the other side reads it back unchanged. */
export class StompEncodeError extends TypeError {
  constructor(message) {
    super(`stomp-peer: ${message}`);
    this.name = 'StompEncodeError';
  }
}

function escapeText(text, escaping, inValue, where) {
  let out = '';
  for (const c of text) {
    if (c === '\0') throw new StompEncodeError(`a NUL in ${where} cannot be written`);
    if (c !== '\r' && c !== '\n' && c !== ':' && c !== '\\') {
      out += c;
      continue;
    }
    if (escaping === 'none') {
      if (c === '\\' || (c === ':' && inValue)) {
        out += c;
        continue;
      }
      throw new StompEncodeError(`${JSON.stringify(c)} in ${where} cannot be written without escapes`);
    }
    if (c === '\r' && escaping === '1.1') throw new StompEncodeError(`a CR in ${where} cannot be written under 1.1`);
    out += { '\r': '\\r', '\n': '\\n', ':': '\\c', '\\': '\\\\' }[c];
  }
  return out;
}

/**
 * The octets of a frame. `headers` is a list of [name, value] pairs or an object; `body` a string or
 * bytes. Escapes follow `version` (none for CONNECT, STOMP, CONNECTED and under 1.0). A header that
 * would read back differently (a NUL, an EOL where there are no escapes, a CR under 1.1, a padded value
 * under 1.0) is refused with a StompEncodeError. `contentLength: true` adds a content-length header when
 * there is none; one is added anyway when the body holds a NUL. `eol: '\r\n'` writes CRLF line ends.
 */
export function encodeFrame(frame, { version = '1.2', contentLength = false, eol = '\n' } = {}) {
  const { command } = frame;
  if (!COMMANDS.has(command)) throw new StompEncodeError(`unknown command ${JSON.stringify(command)}`);
  const headers = Array.isArray(frame.headers) ? frame.headers : Object.entries(frame.headers ?? {});
  const body = frame.body === undefined ? new Uint8Array(0) : bytesOf(frame.body);
  const escaping = escapingFor(command, version);
  const lines = [command];
  for (const [name, value] of headers) {
    if (version === '1.0' && /^[ \t]|[ \t]$/.test(value)) {
      throw new StompEncodeError(`the value of ${name} is padded, and 1.0 readers trim it`);
    }
    const escapedName = escapeText(String(name), escaping, false, `the name ${JSON.stringify(name)}`);
    lines.push(`${escapedName}:${escapeText(String(value), escaping, true, `the value of ${name}`)}`);
  }
  const hasLength = headers.some(([name]) => name === 'content-length');
  if (!hasLength && (contentLength || body.indexOf(NUL) >= 0)) lines.push(`content-length:${body.length}`);
  const head = utf8Encoder.encode(`${lines.join(eol)}${eol}${eol}`);
  const out = new Uint8Array(head.length + body.length + 1);
  out.set(head);
  out.set(body, head.length);
  out[out.length - 1] = NUL;
  return out;
}

/** The highest version both `offered` (a client's accept-version list) and `supported` have, or null. */
export function negotiateVersion(offered, supported) {
  const common = VERSIONS.filter((v) => offered.includes(v) && supported.includes(v));
  return common.length ? common[common.length - 1] : null;
}

// ---- the in-process fake broker ------------------------------------------------------------------------

/**
 * A scripted in-memory broker behind WebSocket-like objects, for Client tests that need no network:
 * `webSocketFactory: broker.factory`. It reads the client's frames with the codec above, answers
 * CONNECT/STOMP with CONNECTED (the highest version both sides accept; an ERROR when there is none),
 * RECEIPT to every frame that asks (DISCONNECT included, then closes), routes SEND to SUBSCRIBEs on the
 * same destination as MESSAGEs, and records everything.
 *
 * @param {object} [o]
 * @param {string[]} [o.versions]   versions the broker speaks (default all three)
 * @param {string} [o.heartBeat]    its CONNECTED heart-beat header (default '0,0')
 * @param {boolean} [o.openAtOnce]  the socket is OPEN when the factory returns (default true); else it
 *                                  opens in a microtask
 * @param {boolean} [o.sync]        answers are delivered inside the client's send() (default true: the
 *                                  harshest timing a factory can produce); else in a microtask
 * @param {boolean} [o.binary]      frames go to the client as ArrayBuffers (default: text)
 * @param {(frame, connection) => boolean|void} [o.onFrame]  sees each client frame first; returning true
 *                                  means it handled the frame and the default answer is skipped
 */
export function fakeBroker(o = {}) {
  const options = { versions: VERSIONS, heartBeat: '0,0', openAtOnce: true, sync: true, binary: false, ...o };
  const broker = {
    /** Every frame a client sent, decoded, in order. */
    frames: [],
    /** Every message a client sent, as text (UTF-8). */
    sent: [],
    sockets: [],
    connections: [],
    /** The client frames' commands, comma-separated. */
    commands: () => broker.frames.map((f) => f.command).join(','),
    factory: () => {
      const connection = openConnection(broker, options);
      broker.connections.push(connection);
      broker.sockets.push(connection.socket);
      return connection.socket;
    },
  };
  return broker;
}

function openConnection(broker, options) {
  let nextMessage = 1;
  const later = options.sync ? (fn) => fn() : (fn) => Promise.resolve().then(fn);
  const parser = new Parser({ followConnected: false });
  const subscriptions = new Map(); // id → destination
  const socket = {
    url: 'fake://broker',
    protocol: '',
    readyState: options.openAtOnce ? 1 : 0,
    binaryType: 'blob',
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send(data) {
      if (socket.readyState !== 1) throw new Error(`fake broker: send() while readyState is ${socket.readyState}`);
      broker.sent.push(typeof data === 'string' ? data : laxUtf8.decode(bytesOf(data)));
      const { items, error } = parser.push(data);
      for (const item of items) {
        if (item === 'heartbeat' || socket.readyState !== 1) continue;
        broker.frames.push(item);
        connection.frames.push(item);
        if (!options.onFrame?.(item, connection)) answer(item);
      }
      if (error && socket.readyState === 1) {
        connection.sendFrame({ command: 'ERROR', headers: [['message', `malformed frame: ${error}`]] });
        connection.close(1002, 'malformed frame');
      }
    },
    close(code = 1000, reason = '') {
      connection.close(code, reason);
    },
  };
  const connection = {
    socket,
    /** The version CONNECTED named, once sent. */
    version: null,
    /** This connection's client frames. */
    frames: [],
    /** Delivers raw data (a string goes as a text message, bytes as binary) to the client. */
    deliver(data) {
      later(() => {
        if (socket.readyState !== 1) return;
        const payload = typeof data === 'string' ? data : bytesOf(data).slice().buffer;
        socket.onmessage?.({ data: payload });
      });
    },
    /** Encodes a frame under the negotiated version and delivers it. */
    sendFrame(frame, encodeOptions = {}) {
      const bytes = encodeFrame(frame, { version: connection.version ?? '1.2', ...encodeOptions });
      connection.deliver(options.binary ? bytes : laxUtf8.decode(bytes));
    },
    /** The broker closes the socket. */
    close(code = 1000, reason = '') {
      later(() => {
        if (socket.readyState === 3) return;
        socket.readyState = 3;
        socket.onclose?.({ code, reason, wasClean: code === 1000 });
      });
    },
  };

  function answer(frame) {
    const receipt = header(frame, 'receipt');
    switch (frame.command) {
      case 'CONNECT':
      case 'STOMP': {
        const offered = (header(frame, 'accept-version') ?? '1.0').split(',');
        const version = negotiateVersion(offered, options.versions);
        if (!version) {
          connection.sendFrame({ command: 'ERROR', headers: [['message', `no common version: client ${offered}, broker ${options.versions}`]] });
          connection.close(1002, 'no common version');
          return;
        }
        connection.version = version;
        parser.version = version;
        const headers = version === '1.0' ? [] : [['version', version]];
        headers.push(['heart-beat', options.heartBeat], ['session', `fake-${broker.connections.length}`], ['server', 'stomp-peer-fake/1']);
        connection.sendFrame({ command: 'CONNECTED', headers });
        return;
      }
      case 'SUBSCRIBE':
        subscriptions.set(header(frame, 'id'), header(frame, 'destination'));
        break;
      case 'UNSUBSCRIBE':
        subscriptions.delete(header(frame, 'id'));
        break;
      case 'SEND': {
        const destination = header(frame, 'destination');
        for (const [id, subscribed] of subscriptions) {
          if (subscribed !== destination) continue;
          const headers = frame.headers.filter(([name]) => name !== 'receipt' && name !== 'content-length' && name !== 'destination');
          connection.sendFrame({
            command: 'MESSAGE',
            headers: [['destination', destination], ['message-id', `m-${nextMessage++}`], ['subscription', id], ...headers],
            body: frame.body,
          }, { contentLength: true });
        }
        break;
      }
      default:
        break;
    }
    if (receipt !== undefined) connection.sendFrame({ command: 'RECEIPT', headers: [['receipt-id', receipt]] });
    if (frame.command === 'DISCONNECT') connection.close(1000, '');
  }

  if (!options.openAtOnce) {
    Promise.resolve().then(() => {
      if (socket.readyState !== 0) return;
      socket.readyState = 1;
      socket.onopen?.({ type: 'open' });
    });
  }
  return connection;
}

// ---- scenarios driven by tests/web_node.rs ---------------------------------------------------------------

/** A factory that reads the client's state while it runs (user code inside the client's call). */
export async function factoryMayReadTheClient(make) {
  const broker = fakeBroker();
  let client = null;
  let seen = null;
  client = make({
    webSocketFactory: () => {
      seen = `${client.connectionState}/${client.connected}`;
      return broker.factory();
    },
    connectHeaders: { login: 'l', passcode: 'p' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  const connected = new Promise((resolve) => client.on('connect', resolve));
  client.activate();
  await connected;
  if (seen !== 'connecting/false') throw new Error(`the factory saw ${seen}`);
  const receipt = await client.publish({ destination: '/queue/a', body: 'x', receipt: true });
  if (receipt.command !== 'RECEIPT') throw new Error(`publish settled with ${receipt.command}`);
  await client.deactivate();
  if (broker.commands() !== 'CONNECT,SEND,DISCONNECT') throw new Error(`sent ${broker.commands()}`);
  return 'ok';
}
