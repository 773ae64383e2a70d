// Issue 19 ("Drop-in for real"), frames as stompjs code sees them: binary bodies and content-length,
// Versions, FrameImpl, the bytes of a received body, header escaping by the version in use. Each scenario
// runs through the package's Client and @stomp/stompjs 7.5 (dropin-both.mjs) where stompjs is the oracle;
// against RabbitMQ, or the test broker (tools/test-broker), whose records show what a client wrote.
// Environment-neutral: tests/js/dropin.test.mjs runs each check in a Node child and in a Chromium page.
import { freshDestination, expectNoFaults } from './client-watch.mjs';
import {
  RABBITMQ, CREDENTIALS, both, connect, nextConnect, expect, expectEqual, expectSame, loadStompjs, outcomeOf, rabbitOptions, until, within,
} from './dropin-both.mjs';

/** A client of the test broker's correct scenario, its records under `id`. */
function testBrokerOptions(env, id, options = {}) {
  return {
    brokerURL: env.broker.url('ok', { id }),
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    ...options,
  };
}

/** Collects the rejections of what publish() returned (stompjs returns nothing). */
function watchPromise(result, into, label) {
  if (result && typeof result.then === 'function') result.then(null, (error) => into.push(`${label}: ${error && error.message}`));
}

/**
 * 19.3: a binary body with NULs and `skipContentLengthHeader: true` is sent, with content-length (as
 * stompjs: it ignores the flag for binary bodies): the test broker's record shows the header, and
 * RabbitMQ delivers the exact bytes, NULs included.
 */
export async function binaryBodyIgnoresSkipContentLength(env) {
  const bytes = [0, 1, 0, 0xff, 0, 0x41];
  const r = await both(env, async ({ make, name }) => {
    const rejections = [];
    const id = `${env.id}-${name}`;
    const wire = make(testBrokerOptions(env, id));
    await connect(wire);
    const sent = outcomeOf(() => wire.publish({ destination: '/queue/binary', binaryBody: new Uint8Array(bytes), skipContentLengthHeader: true }));
    watchPromise(sent.returned, rejections, 'to the test broker');
    await wire.deactivate(); // DISCONNECT's RECEIPT: the broker read the SEND before it
    const [record] = await env.broker.records(id);
    const send = record.frames.find((f) => f.command === 'SEND');

    const destination = freshDestination('/topic/dropin-binary');
    const client = make(rabbitOptions());
    await connect(client);
    const received = new Promise((resolve) => client.subscribe(destination, resolve));
    const viaRabbit = outcomeOf(() => client.publish({ destination, binaryBody: new Uint8Array(bytes), skipContentLengthHeader: true }));
    watchPromise(viaRabbit.returned, rejections, 'to RabbitMQ');
    const message = await within(received, 5000, 'the binary message from RabbitMQ').catch((error) => ({ error: error.message }));
    return {
      threw: [sent.threw, viaRabbit.threw].filter(Boolean).map((e) => e.message),
      rejections,
      contentLength: send ? (send.headers.find(([n]) => n === 'content-length') || [null, null])[1] : 'no SEND recorded',
      bodySize: send ? send.bodySize : null,
      received: message.error ? message.error : Array.from(message.binaryBody),
    };
  });
  expectEqual(r.stompjs, { threw: [], rejections: [], contentLength: '6', bodySize: 6, received: bytes }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'sent with content-length, delivered byte for byte');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * 19.4: `client.stompVersions`, not set, reads back stompjs's Versions.default (protocolVersions(),
 * supportedVersions()), and the factory users write with it connects.
 */
export async function stompVersionsDefault(env) {
  const r = await both(env, async ({ make }) => {
    const plain = make(rabbitOptions());
    const versions = plain.stompVersions;
    const seen = {
      protocolVersions: versions && typeof versions.protocolVersions === 'function' ? versions.protocolVersions() : `stompVersions is ${versions}`,
      supportedVersions: versions && typeof versions.supportedVersions === 'function' ? versions.supportedVersions() : `stompVersions is ${versions}`,
    };
    const options = rabbitOptions();
    delete options.brokerURL;
    const factoryErrors = [];
    const client = make({
      ...options,
      webSocketFactory: () => {
        try {
          return new WebSocket(RABBITMQ, client.stompVersions.protocolVersions());
        } catch (error) {
          factoryErrors.push(String(error && error.message));
          throw error;
        }
      },
    });
    const connected = nextConnect(client, 5000).then(() => true, () => false);
    client.activate();
    seen.factoryConnects = await connected;
    seen.connectedVersion = client.connectedVersion;
    seen.factoryErrors = factoryErrors;
    return seen;
  });
  expectEqual(r.stompjs, {
    protocolVersions: ['v12.stomp', 'v11.stomp', 'v10.stomp'],
    supportedVersions: '1.2,1.1,1.0',
    factoryConnects: true,
    connectedVersion: '1.2',
    factoryErrors: [],
  }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'stompVersions and the factory');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** What a FrameImpl made as rx-stomp's tests make them looks like. */
function frameImplUses(FrameImpl) {
  const headers = { a: '1' };
  const text = new FrameImpl({ command: 'MESSAGE', headers, body: 'héllo' });
  headers.a = 'changed after';
  const binary = new FrameImpl({ command: 'MESSAGE', binaryBody: new Uint8Array([104, 105, 0]) });
  const noop = () => undefined;
  class MessageImpl extends FrameImpl {
    constructor(params) {
      super(params);
      this.ack = noop;
      this.nack = noop;
    }
  }
  const message = new MessageImpl({ command: 'MESSAGE', body: 'destination-a' });
  const error = new FrameImpl({ command: 'ERROR', body: 'destination-b' });
  return {
    text: { command: text.command, headers: text.headers, body: text.body, isBinaryBody: text.isBinaryBody, binaryBody: Array.from(text.binaryBody) },
    binary: { headers: binary.headers, body: binary.body, isBinaryBody: binary.isBinaryBody, binaryBody: Array.from(binary.binaryBody) },
    subclass: { instance: message instanceof FrameImpl, command: message.command, body: message.body, ack: typeof message.ack, headers: message.headers },
    error: { command: error.command, body: error.body, headers: error.headers },
  };
}

/**
 * 19.9: FrameImpl is exported and works as @stomp/rx-stomp's own tests use it (spec/unit/correlate-
 * errors.spec.ts: `new FrameImpl({command, headers, body})`, `class MessageImpl extends FrameImpl`).
 */
export async function frameImplAsRxStompUsesIt(env) {
  const stompjs = await loadStompjs(env);
  expect(typeof env.FrameImpl === 'function', `the package exports FrameImpl: ${typeof env.FrameImpl}`);
  const theirs = frameImplUses(stompjs.FrameImpl);
  const ours = frameImplUses(env.FrameImpl);
  expectSame(ours, theirs, 'FrameImpl made and subclassed as rx-stomp does');
  expectNoFaults();
  return { outcome: JSON.stringify(ours.subclass) };
}

/** 19.9: the frames a client hands to onConnect and to a subscription are FrameImpl instances, as stompjs's. */
export async function receivedFramesAreFrameImpl(env) {
  const r = await both(env, async ({ make, name, stompjs }) => {
    const FrameImpl = name === 'ours' ? env.FrameImpl : stompjs.FrameImpl;
    expect(typeof FrameImpl === 'function', `${name} exports FrameImpl`);
    const client = make(rabbitOptions());
    const connected = await connect(client);
    const destination = freshDestination('/topic/dropin-frameimpl');
    const received = new Promise((resolve) => client.subscribe(destination, resolve));
    client.publish({ destination, body: 'x' });
    const message = await within(received, 5000, 'the message');
    return { connected: connected instanceof FrameImpl, message: message instanceof FrameImpl };
  });
  expectEqual(r.stompjs, { connected: true, message: true }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'instanceof FrameImpl');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** 19.11: a body whose bytes start with a UTF-8 BOM (EF BB BF 41 42) arrives with all 5 bytes in binaryBody. */
export async function bomIsKept(env) {
  const bytes = [0xef, 0xbb, 0xbf, 0x41, 0x42];
  const r = await both(env, async ({ make }) => {
    const client = make(rabbitOptions());
    await connect(client);
    const destination = freshDestination('/topic/dropin-bom');
    const received = new Promise((resolve) => client.subscribe(destination, resolve));
    client.publish({ destination, binaryBody: new Uint8Array(bytes) });
    const message = await within(received, 5000, 'the message');
    return { binaryBody: Array.from(message.binaryBody), body: message.body };
  });
  expectEqual(r.stompjs.binaryBody, bytes, 'stompjs (the oracle)');
  expectSame(r.ours.binaryBody, r.stompjs.binaryBody, 'the received binaryBody');
  expectNoFaults();
  return { outcome: `binaryBody ${JSON.stringify(r.ours.binaryBody)}; body ${JSON.stringify(r.ours.body)} (stompjs ${JSON.stringify(r.stompjs.body)})` };
}

/** The raw header line `name:…` of the first WebSocket message of `record` that starts with `command`. */
function rawLine(record, command, name) {
  const message = record.messages.find((m) => m.text.startsWith(`${command}\n`));
  if (!message) return `no ${command} message`;
  const line = message.text.split('\n').find((l) => l.startsWith(`${name}:`));
  return line === undefined ? `no ${name} line` : line;
}

function parsedValue(record, command, name) {
  const frame = record.frames.find((f) => f.command === command);
  if (!frame) return `no ${command} frame`;
  const header = frame.headers.find(([n]) => n === name);
  return header ? header[1] : `no ${name} header`;
}

/**
 * 19.14: connected under 1.2 with the default stompVersions (1.0 among them), subscribe() takes a header
 * value with \n, \r and : — written escaped, as stompjs writes it, and as publish() writes the same
 * value — and a header name with ':' (ours escapes it as 1.2 says; stompjs writes names as they are).
 */
export async function subscribeEscapesUnder12(env) {
  const value = 'a\nb\rc:d';
  const r = await both(env, async ({ make, name }) => {
    const id = `${env.id}-${name}`;
    const client = make(testBrokerOptions(env, id));
    await connect(client);
    const headers = { id: 'esc-sub', 'x-value': value };
    if (name === 'ours') headers['x:name'] = 'v';
    const subscribed = outcomeOf(() => client.subscribe('/queue/escapes', () => {}, headers));
    const published = outcomeOf(() => client.publish({ destination: '/queue/escapes-send', headers: { 'x-value': value }, body: 'x' }));
    if (published.returned && published.returned.then) published.returned.then(null, () => {});
    const version = client.connectedVersion;
    await client.deactivate();
    const [record] = await env.broker.records(id);
    const seen = {
      version,
      subscribeThrew: subscribed.threw ? subscribed.threw.message : null,
      publishThrew: published.threw ? published.threw.message : null,
      subscribeLine: rawLine(record, 'SUBSCRIBE', 'x-value'),
      subscribeValue: parsedValue(record, 'SUBSCRIBE', 'x-value'),
      sendLine: rawLine(record, 'SEND', 'x-value'),
    };
    if (name === 'ours') {
      seen.nameLine = rawLine(record, 'SUBSCRIBE', 'x\\cname');
      seen.nameValue = parsedValue(record, 'SUBSCRIBE', 'x:name');
    }
    return seen;
  });
  const escaped = 'x-value:a\\nb\\rc\\cd';
  expectEqual(r.stompjs, {
    version: '1.2', subscribeThrew: null, publishThrew: null, subscribeLine: escaped, subscribeValue: value, sendLine: escaped,
  }, 'stompjs (the oracle)');
  const { nameLine, nameValue, ...comparable } = r.ours;
  expectSame(comparable, r.stompjs, 'subscribe() and publish() with the value, connected under 1.2');
  expectEqual({ nameLine, nameValue }, { nameLine: 'x\\cname:v', nameValue: 'v' }, 'ours: a name with ":" is escaped under 1.2 (the broker reads the header x:name)');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * 19.14: reconnecting after a 1.2 connection, publish() with \n and \r in a header value is accepted
 * (queued) and written escaped after the reconnect. Ours only: stompjs cannot publish while not
 * connected.
 */
export async function publishWhileReconnectingUses12(env) {
  const id = `${env.id}-ours`;
  const client = new env.Client(testBrokerOptions(env, id, { reconnectDelay: 300 }));
  try {
    await connect(client);
    expect(client.connectedVersion === '1.2', `connected under 1.2: ${client.connectedVersion}`);
    const closed = new Promise((resolve) => { client.onWebSocketClose = resolve; });
    client.forceDisconnect();
    await within(closed, 5000, 'onWebSocketClose');
    const rejections = [];
    const outcomes = {};
    for (const [label, value] of [['lf', 'a\nb'], ['cr', 'a\rb'], ['both', 'a\nb\rc']]) {
      const outcome = outcomeOf(() => client.publish({ destination: '/queue/escapes-queued', headers: { [`x-${label}`]: value }, body: label }));
      watchPromise(outcome.returned, rejections, label);
      outcomes[label] = outcome.threw ? `threw ${outcome.threw.message}` : 'accepted';
    }
    expectEqual(outcomes, { lf: 'accepted', cr: 'accepted', both: 'accepted' }, 'publish() while reconnecting after a 1.2 connection');
    await within(nextConnect(client, 10000), 10000, 'the reconnect');
    await client.deactivate();
    const records = await env.broker.records(id);
    const second = records[1];
    expect(second, `a second connection was recorded: ${records.length}`);
    const lines = ['lf', 'cr', 'both'].map((label) => rawLine({ messages: second.messages.filter((m) => m.text.includes(`\n\n${label}\0`)) }, 'SEND', `x-${label}`));
    expectEqual({ lines, rejections }, { lines: ['x-lf:a\\nb', 'x-cr:a\\rb', 'x-both:a\\nb\\rc'], rejections: [] },
      'the queued SENDs, written escaped after the reconnect (and no publish rejected)');
    expectNoFaults();
    return { outcome: JSON.stringify(lines) };
  } finally {
    await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
  }
}

/**
 * 19.14: before the first CONNECTED, the strictest offered version decides: with 1.0 offered (the
 * default), a header value with \n or \r throws at the call (publish() and subscribe()), naming the
 * header; with only 1.2 offered, the same publish is accepted.
 */
export async function strictestVersionBeforeConnected(env) {
  const made = [];
  try {
    const never = (options = {}) => {
      const client = new env.Client({ brokerURL: env.broker.url('never-connected', { id: `${env.id}-${made.length}` }), heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 0, ...options });
      made.push(client);
      client.activate();
      return client;
    };
    const client = never();
    const seen = {};
    for (const [label, value] of [['lf', 'a\nb'], ['cr', 'a\rb']]) {
      const header = `x-${label}-header`;
      const published = outcomeOf(() => client.publish({ destination: '/queue/x', headers: { [header]: value }, body: 'x' }));
      if (published.returned && published.returned.then) published.returned.then(null, () => {});
      seen[`publish ${label}`] = published.threw
        ? (published.threw.message.includes(header) ? 'threw, naming the header' : `threw without naming ${header}: ${published.threw.message}`)
        : 'accepted';
      const subscribed = outcomeOf(() => client.subscribe('/queue/x', () => {}, { [header]: value }));
      seen[`subscribe ${label}`] = subscribed.threw
        ? (subscribed.threw.message.includes(header) ? 'threw, naming the header' : `threw without naming ${header}: ${subscribed.threw.message}`)
        : 'accepted';
    }
    const only12 = never({ stompVersions: ['1.2'] });
    const accepted = outcomeOf(() => only12.publish({ destination: '/queue/x', headers: { 'x-lf': 'a\nb' }, body: 'x' }));
    if (accepted.returned && accepted.returned.then) accepted.returned.then(null, () => {});
    seen['publish lf, only 1.2 offered'] = accepted.threw ? `threw ${accepted.threw.message}` : 'accepted';
    expectEqual(seen, {
      'publish lf': 'threw, naming the header',
      'subscribe lf': 'threw, naming the header',
      'publish cr': 'threw, naming the header',
      'subscribe cr': 'threw, naming the header',
      'publish lf, only 1.2 offered': 'accepted',
    }, 'before the first CONNECTED');
    expectNoFaults();
    return { outcome: JSON.stringify(seen) };
  } finally {
    for (const client of made) await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
  }
}
