// Issue 20, "Every frame in order, on the connection it belongs to": the delivery rules of
// docs/delivery.md, each checked at the package's JS API against RabbitMQ (Web-STOMP on loopback).
// Where @stomp/stompjs 7.5 has the feature, the scenario is written once and run through both clients
// (the same stompjs-shaped calls: both take `webSocketFactory`, `onConnect`, `subscribe`, `publish`,
// `begin`, `deactivate`), each recorded at its sockets by a WireLog; stompjs is the oracle, and what it
// did goes into the outcome. Environment-neutral: tests/js/delivery.test.mjs runs each check in a Node
// child and, where the browser matters, in a Chromium page (run-check.mjs).
import { expect, expectNoFaults, until, within, freshDestination, quietWindow } from './client-watch.mjs';
import { WireLog } from './wire-log.mjs';
import { receiptGapPeer } from './receipt-gap-peer.mjs';

const RABBITMQ = 'ws://127.0.0.1:15674/ws';
const LOGIN = { login: 'guest', passcode: 'guest' };

/** @stomp/stompjs 7.5 (the dev dependency), in Node from node_modules, in a page from the static server. */
function loadStompjs(env) {
  return env.platform === 'node' ? import('@stomp/stompjs') : import('/node_modules/@stomp/stompjs/esm6/index.js');
}

/**
 * A client of `kind` ('stomp-wasm' or 'stompjs') on RabbitMQ, not activated, its sockets recorded:
 * `{kind, client, wire, debug}`. Heart-beats off, reconnecting after 200 ms, then `options`.
 */
async function makeClient(kind, env, options = {}) {
  const wire = new WireLog(RABBITMQ);
  const debug = [];
  const config = {
    webSocketFactory: wire.factory,
    connectHeaders: LOGIN,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 200,
    debug: (line) => {
      debug.push(String(line));
      if (debug.length > 400) debug.shift();
    },
    ...options,
  };
  const Client = kind === 'stompjs' ? (await loadStompjs(env)).Client : env.Client;
  const client = new Client(config);
  if (kind === 'stomp-wasm') {
    // The runner prints the last debug lines when a check fails.
    globalThis.__stompWatch = { debugLines: debug, summary: () => `${wire.sessions} session(s); wire: ${wire.commandsOut()}` };
  }
  return { kind, client, wire, debug };
}

/** Activates and resolves on the first CONNECTED (`onConnect` is left to the caller afterwards). */
async function connect(subject, timeout = 10000) {
  const { client } = subject;
  const connected = new Promise((resolve) => {
    client.onConnect = resolve;
  });
  client.activate();
  await within(connected, timeout, `${subject.kind}: the first CONNECTED`);
  client.onConnect = () => {};
}

/** Runs `scenario(subject)` for a client of each kind; resolves to `{'stomp-wasm': result, stompjs: result}`. */
async function bothClients(env, scenario, options = {}) {
  const results = {};
  for (const kind of ['stompjs', 'stomp-wasm']) {
    const subject = await makeClient(kind, env, options);
    try {
      results[kind] = await scenario(subject);
    } finally {
      await within(subject.client.deactivate({ force: true }), 10000, `${kind}: deactivate({force: true})`).catch(() => {});
    }
  }
  return results;
}

/** A body of exactly `size` bytes that names message `n` (ASCII). */
function bodyOf(n, size) {
  const head = `#${n}:`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}

/** The settled states of `promises` (`undefined` for a client whose publish returns nothing). */
async function settle(promises, timeout, label) {
  const watched = promises.filter((p) => p && typeof p.then === 'function');
  if (watched.length === 0) return null;
  const settled = await within(Promise.allSettled(watched), timeout, label);
  return {
    fulfilled: settled.filter((s) => s.status === 'fulfilled').length,
    rejected: settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason && s.reason.message || s.reason)),
  };
}

/** The `n` header values of MESSAGEs, sorted numerically, as one string for messages. */
function numbers(list) {
  return list.map(Number).sort((a, b) => a - b).join(',');
}

// ----- 20.2: a COMMIT never overtakes its SENDs ---------------------------------------------------------

/**
 * BEGIN, 30 SENDs of 20 KB in the transaction (not awaited: backpressure holds most of them back), then
 * COMMIT: on the wire BEGIN SEND×30 COMMIT, all 30 committed and delivered, every publish Promise
 * resolves; as stompjs.
 */
export async function commitAfterQueuedSends(env) {
  const COUNT = 30;
  const results = await bothClients(env, async ({ kind, client, wire }) => {
    await connect({ kind, client });
    const queue = freshDestination('/queue/d20-commit');
    const received = [];
    client.subscribe(queue, (m) => received.push(m.headers.n));
    const tx = client.begin();
    const promises = [];
    for (let n = 0; n < COUNT; n++) {
      promises.push(client.publish({ destination: queue, body: bodyOf(n, 20000), headers: { transaction: tx.id, n: String(n) } }));
    }
    tx.commit();
    const settled = await settle(promises, 20000, `${kind}: the publish Promises`);
    // Done when all arrived, or when the broker refused the transaction (an ERROR ends the connection).
    await until(() => received.length >= COUNT || wire.select('in', 'ERROR').length > 0, 20000, `${kind}: ${COUNT} messages or an ERROR`);
    await quietWindow(300); // a late duplicate or ERROR would show here
    return {
      wire: wire.commandsOut(1),
      received: received.length,
      errors: wire.select('in', 'ERROR').map((f) => f.headers.message),
      settled,
    };
  });
  const ours = results['stomp-wasm'];
  const theirs = results.stompjs;
  const stompjsSays = `stompjs: ${theirs.received}/${COUNT} delivered, wire ${theirs.wire}`;
  expect(theirs.received === COUNT && theirs.errors.length === 0, `control: ${stompjsSays}, errors ${theirs.errors}`);
  expect(/^CONNECT SUBSCRIBE BEGIN SEND×30 COMMIT\b/.test(ours.wire),
    `the frames leave in issue order, BEGIN SEND×30 COMMIT: the wire read "${ours.wire}" (broker: ${ours.errors.join('; ') || 'no ERROR'}; ${stompjsSays})`);
  expect(ours.errors.length === 0, `the broker accepted the transaction: ERROR ${ours.errors.join('; ')}`);
  expect(ours.received === COUNT, `all ${COUNT} committed and delivered: ${ours.received} (${stompjsSays})`);
  expect(ours.settled.fulfilled === COUNT, `every publish Promise resolved: ${ours.settled.fulfilled} of ${COUNT} (${ours.settled.rejected[0] || ''})`);
  expectNoFaults();
  return { outcome: `${ours.received}/${COUNT} committed, wire ${ours.wire}; ${stompjsSays}` };
}

/**
 * A transaction's SENDs held back by backpressure when its connection drops: the transaction ended with
 * the connection (the broker aborted it), so they are given up: each Promise rejects naming the
 * transaction, `transactionsAborted` names it, nothing carries its `transaction` header onto the next
 * connection, and `commit()` of it afterwards throws. (stompjs keeps no frames across connections.)
 */
export async function transactionEndsWithItsConnection(env) {
  const COUNT = 30;
  const { client, wire } = await makeClient('stomp-wasm', env);
  const aborted = [];
  client.on('transactionsAborted', (ids) => aborted.push(...ids));
  await connect({ kind: 'stomp-wasm', client });
  const queue = freshDestination('/queue/d20-tx-drop');
  const tx = client.begin();
  const promises = [];
  for (let n = 0; n < COUNT; n++) {
    promises.push(client.publish({ destination: queue, body: bodyOf(n, 20000), headers: { transaction: tx.id, n: String(n) } }));
  }
  const writtenBeforeDrop = wire.select('out', 'SEND', 1).length;
  client.forceDisconnect();
  await until(() => wire.sessions >= 2, 10000, 'the second CONNECTED');
  const settled = await settle(promises, 10000, 'the publish Promises');
  await quietWindow(300);
  const carried = wire.frames.filter((f) => f.dir === 'out' && f.conn > 1 && f.headers.transaction !== undefined);
  let commitError = null;
  try {
    tx.commit();
  } catch (error) {
    commitError = error;
  }
  await quietWindow(200);
  const later = wire.select('out', 'COMMIT').filter((f) => f.conn > 1);
  const errors = wire.select('in', 'ERROR').map((f) => f.headers.message);
  const held = COUNT - writtenBeforeDrop;
  expect(writtenBeforeDrop < COUNT, `backpressure held frames back before the drop (${writtenBeforeDrop} of ${COUNT} written)`);
  expect(carried.length === 0,
    `nothing with the transaction header is written on the next connection: ${carried.length} frame(s) were (${carried.map((f) => f.command).slice(0, 3)}…; broker: ${errors.join('; ') || 'no ERROR'})`);
  expect(settled.rejected.length === held && settled.fulfilled === writtenBeforeDrop,
    `the ${held} held-back publishes reject, the ${writtenBeforeDrop} written resolve: ${settled.fulfilled} resolved, ${settled.rejected.length} rejected`);
  expect(settled.rejected.every((m) => /transaction/i.test(m)), `each rejection says the transaction ended: "${settled.rejected[0]}"`);
  expect(aborted.includes(tx.id), `transactionsAborted names ${tx.id}: ${JSON.stringify(aborted)}`);
  expect(commitError instanceof Error && later.length === 0,
    `commit() of the ended transaction throws and sends nothing: ${commitError ? commitError.message : 'no throw'}, ${later.length} COMMIT(s) on the new connection`);
  expect(errors.length === 0, `no ERROR from the broker: ${errors.join('; ')}`);
  expectNoFaults();
  return { outcome: `${writtenBeforeDrop} written, ${held} held and rejected ("${settled.rejected[0]}"), commit() threw "${commitError.message}"` };
}

/**
 * What `queue` holds now, read by a fresh stompjs client (auto ack): it subscribes, then sends an end
 * marker to the queue, and takes every message until the marker (those before it were there first).
 * Resolves to the `n` headers of what was there (in queue order).
 */
async function drainQueue(env, queue, options = {}) {
  const drainer = await makeClient('stompjs', env, options);
  try {
    await connect(drainer);
    const found = [];
    let ended = false;
    drainer.client.subscribe(queue, (m) => {
      if (m.headers['x-end'] === 'yes') ended = true;
      else found.push(m.headers.n);
    });
    drainer.client.publish({ destination: queue, body: 'end', headers: { 'x-end': 'yes' } });
    await until(() => ended, 10000, `the end marker of ${queue}`);
    return found;
  } finally {
    await drainer.client.deactivate();
  }
}

// ----- 20.4: a graceful deactivate() writes what it accepted ---------------------------------------------

/**
 * 30 × 20 KB published without awaiting, then `await deactivate()`: all 30 reach the queue, every publish
 * Promise resolves, DISCONNECT leaves after the 30th SEND; as stompjs.
 */
export async function gracefulDeactivateWritesEverything(env) {
  const COUNT = 30;
  const results = {};
  for (const kind of ['stompjs', 'stomp-wasm']) {
    const { client, wire } = await makeClient(kind, env);
    await connect({ kind, client });
    const queue = freshDestination('/queue/d20-deactivate');
    const promises = [];
    for (let n = 0; n < COUNT; n++) promises.push(client.publish({ destination: queue, body: bodyOf(n, 20000), headers: { n: String(n) } }));
    await within(client.deactivate(), 15000, `${kind}: deactivate()`);
    const settled = await settle(promises, 5000, `${kind}: the publish Promises after deactivate()`);
    const inQueue = await drainQueue(env, queue);
    results[kind] = { wire: wire.commandsOut(1), inQueue: inQueue.length, settled };
  }
  const ours = results['stomp-wasm'];
  const theirs = results.stompjs;
  const stompjsSays = `stompjs: ${theirs.inQueue}/${COUNT} in the queue, wire ${theirs.wire}`;
  expect(theirs.inQueue === COUNT, `control: ${stompjsSays}`);
  expect(ours.inQueue === COUNT, `all ${COUNT} reach the queue: ${ours.inQueue} did (wire ${ours.wire}; ${stompjsSays})`);
  expect(/^CONNECT SEND×30 DISCONNECT$/.test(ours.wire), `DISCONNECT leaves after the 30th SEND: the wire read "${ours.wire}"`);
  expect(ours.settled.fulfilled === COUNT, `every publish Promise resolved: ${ours.settled.fulfilled} of ${COUNT} (${ours.settled.rejected[0] || ''})`);
  expectNoFaults();
  return { outcome: `${ours.inQueue}/${COUNT} delivered, wire ${ours.wire}; ${stompjsSays}` };
}

/**
 * The same burst, then `deactivate({force: true})`: it settles at once; what was not written is given up:
 * those Promises reject, and one `queueDiscarded` event counts them.
 */
export async function forcedDeactivateGivesUpTheRest(env) {
  const COUNT = 30;
  const { client, wire } = await makeClient('stomp-wasm', env);
  const discarded = [];
  client.on('queueDiscarded', (detail) => discarded.push(detail));
  await connect({ kind: 'stomp-wasm', client });
  const queue = freshDestination('/queue/d20-force');
  const promises = [];
  for (let n = 0; n < COUNT; n++) promises.push(client.publish({ destination: queue, body: bodyOf(n, 20000), headers: { n: String(n) } }));
  const written = wire.select('out', 'SEND').length;
  const started = Date.now();
  await within(client.deactivate({ force: true }), 2000, 'deactivate({force: true})');
  const took = Date.now() - started;
  const settled = await settle(promises, 2000, 'the publish Promises');
  const totalDiscarded = discarded.reduce((sum, d) => sum + d.frames, 0);
  expect(written < COUNT, `backpressure held frames back (${written} of ${COUNT} written)`);
  expect(wire.select('out', 'SEND').length === written, `nothing more is written after the forced deactivate: ${wire.select('out', 'SEND').length} SENDs`);
  expect(settled.fulfilled === written && settled.rejected.length === COUNT - written,
    `the ${written} written resolve, the ${COUNT - written} held back reject: ${settled.fulfilled} resolved, ${settled.rejected.length} rejected`);
  expect(totalDiscarded === COUNT - written, `queueDiscarded counts the ${COUNT - written} given up: ${JSON.stringify(discarded)}`);
  expect(discarded.every((d) => d.error), `queueDiscarded says why ({frames, error}): ${JSON.stringify(discarded)}`);
  expectNoFaults();
  return { outcome: `settled in ${took} ms; ${written} written, ${COUNT - written} rejected ("${settled.rejected[0]}"), queueDiscarded ${JSON.stringify(discarded)}` };
}

// ----- 20.1: an acknowledgement belongs to its connection ------------------------------------------------

/** The delivery tag RabbitMQ reads from an ack id (`T_sub@@session@@tag`): what it acknowledges. */
function tagOf(id) {
  return String(id).replace(/^.*@@/, '');
}

/**
 * The stale-ack scenario for one client: six messages on a queue of its own, a client-individual
 * subscription with prefetch 3 and a fixed id. On the first connection m1–m3 arrive, the application
 * acknowledges m1 (RabbitMQ then sends m4); the connection drops; `m3.ack()` is called while
 * reconnecting and `m2.ack()` once the next connection has delivered again: both stale. On later
 * connections the application acknowledges each message 20 ms after it arrives (after "processing").
 * RabbitMQ reads only the delivery tag, and the next connection redelivers m2, m3, m4 as tags 1, 2, 3:
 * a stale ACK of m3 (tag 3 on the first connection) written there would acknowledge m4. `where` is
 * 'onConnect' (the subscription made in onConnect, as stompjs code does) or 'restored' (made once;
 * stomp-wasm restores it with the same id).
 */
async function staleAckScenario(env, { kind, client, wire, debug }, where, { drop = () => client.forceDisconnect(), options = {} } = {}) {
  const COUNT = 6;
  const queue = freshDestination('/queue/d20-stale-ack');
  let session = 0;
  const firstDeliveries = [];
  const acks = []; // {n, session}: the application's acks of what its current connection delivered
  const closed = [];
  const onMessage = (message) => {
    const mine = session;
    if (mine === 1) {
      firstDeliveries.push(message);
      return;
    }
    setTimeout(() => {
      message.ack();
      acks.push({ n: message.headers.n, session: mine });
    }, 20);
  };
  const subscribe = () => client.subscribe(queue, onMessage, { id: 'stale-ack', ack: 'client-individual', 'prefetch-count': '3' });
  client.onWebSocketClose = (event) => closed.push(event.code);
  client.onConnect = () => {
    session += 1;
    if (where === 'onConnect') subscribe();
  };
  client.activate();
  await until(() => session === 1, 10000, `${kind}: CONNECTED`);
  if (where === 'restored') subscribe();
  for (let n = 1; n <= COUNT; n++) client.publish({ destination: queue, body: `m${n}`, headers: { n: String(n) } });
  await until(() => firstDeliveries.length === 3, 10000, `${kind}: m1–m3 delivered`);
  const [m1, m2, m3] = firstDeliveries;
  m1.ack();
  acks.push({ n: m1.headers.n, session: 1 });
  await until(() => firstDeliveries.length === 4, 10000, `${kind}: m4 delivered once m1 was acknowledged`);
  await drop();
  await until(() => closed.length > 0, 10000, `${kind}: the connection closed`);
  // What the client says in `debug` around a call (its own lines, not the frames it logs).
  const saidDuring = async (call) => {
    const mark = debug.length;
    const value = call();
    await quietWindow(50);
    return { value, said: debug.slice(mark).filter((l) => !/^(>>>|<<<)/.test(l)) };
  };
  const whileReconnecting = await saidDuring(() => m3.ack());
  await until(() => session >= 2 && wire.select('in', 'MESSAGE').some((f) => f.conn > 1), 10000, `${kind}: a message on the next connection`);
  const afterReconnect = await saidDuring(() => m2.ack());
  await until(() => new Set(acks.map((a) => a.n)).size === COUNT || wire.select('in', 'ERROR').length > 0, 10000,
    `${kind}: every message acknowledged, or an ERROR`);
  await quietWindow(500);
  // ACKs that reached the broker on a connection other than the one that delivered their message, and
  // the message of that connection their delivery tag names. (stompjs writes its stale ACKs to the
  // closed first socket: recorded on connection 1, reaching nobody.)
  const messages = wire.select('in', 'MESSAGE');
  const deliveredOn = new Map(messages.map((f) => [f.headers.ack || f.headers['message-id'], f]));
  const foreign = wire.select('out', 'ACK').filter((f) => f.conn > 1 && (!deliveredOn.has(f.headers.id) || deliveredOn.get(f.headers.id).conn !== f.conn));
  const describeForeign = (f) => {
    const meant = deliveredOn.get(f.headers.id);
    const hit = messages.find((m) => m.conn === f.conn && tagOf(m.headers.ack || m.headers['message-id']) === tagOf(f.headers.id));
    return `the ACK of m${meant ? meant.headers.n : '?'} (tag ${tagOf(f.headers.id)} of connection ${meant ? meant.conn : '?'}) on connection ${f.conn}, `
      + (hit ? `where tag ${tagOf(f.headers.id)} is m${hit.headers.n}` : 'before that tag was delivered');
  };
  await client.deactivate();
  const left = await drainQueue(env, queue, options);
  const ackedOnce = new Set(acks.map((a) => a.n));
  const lost = [];
  for (let n = 1; n <= COUNT; n++) if (!ackedOnce.has(String(n)) && !left.includes(String(n))) lost.push(n);
  return {
    count: COUNT,
    returns: [whileReconnecting.value, afterReconnect.value],
    said: [whileReconnecting.said, afterReconnect.said],
    foreign: foreign.map(describeForeign),
    acks: acks.map((a) => `m${a.n}@${a.session}`).join(' '),
    doubleAcks: acks.length - ackedOnce.size,
    left,
    lost,
    sessions: session,
    errors: wire.select('in', 'ERROR').map((f) => f.headers.message),
  };
}

/** The assertions on stomp-wasm's run of the stale-ack scenario; `theirs` says what stompjs did. */
function expectStaleAcksDropped(ours, theirs) {
  expect(ours.foreign.length === 0, `no ACK is written on a connection that did not deliver its message: ${ours.foreign.join('; ')} (${describeStale('stomp-wasm', ours)}; broker: ${ours.errors.join('; ') || 'no ERROR'}; ${theirs})`);
  expect(ours.lost.length === 0, `nothing lost: m${ours.lost.join(', m')} neither acknowledged by the application nor left in the queue (${theirs})`);
  expect(ours.errors.length === 0 && ours.sessions === 2, `one reconnect, no ERROR: ${ours.sessions} sessions, ${ours.errors.join('; ')}`);
  expect(ours.left.length === 0 && ours.doubleAcks === 0,
    `each message acknowledged once on the connection that delivered it, none left: acks ${ours.acks}; left ${ours.left}`);
  expect(ours.returns[0] === false && ours.returns[1] === false,
    `the stale ack() calls return false (while reconnecting, after the reconnect): ${ours.returns.map(String)}`);
  for (const [when, lines] of [['while reconnecting', ours.said[0]], ['after the reconnect', ours.said[1]]]) {
    expect(lines.some((l) => /\b(ack|acknowledg\w*)\b/i.test(l)), `debug says why the ack ${when} was not sent: ${JSON.stringify(lines)}`);
  }
}

function describeStale(label, r) {
  const lost = r.lost.length ? ` (m${r.lost.join(', m')})` : '';
  return `${label}: ${r.lost.length} lost${lost}, ${r.left.length} left, ${r.sessions} sessions, ${r.errors.length} ERROR(s), acks ${r.acks}`;
}

/** The subscription made in onConnect (stompjs code as it is): through stompjs and stomp-wasm. */
export async function staleAckSendsNothing(env) {
  const results = await bothClients(env, (subject) => staleAckScenario(env, subject, 'onConnect'));
  const theirs = results.stompjs;
  const stompjsSays = describeStale('stompjs', theirs);
  expect(theirs.lost.length === 0 && theirs.left.length === 0 && theirs.foreign.length === 0, `control: ${stompjsSays}`);
  expectStaleAcksDropped(results['stomp-wasm'], stompjsSays);
  expectNoFaults();
  return { outcome: `${describeStale('stomp-wasm', results['stomp-wasm'])}; stale ack() returned ${results['stomp-wasm'].returns}; ${stompjsSays}` };
}

/**
 * Runs `scripts/broker ARGS…` (Node only): $STOMP_BROKER_SCRIPT, or the repository's. Resolves to its
 * output.
 */
async function brokerScript(...args) {
  const { execFile } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const script = (globalThis.process && process.env.STOMP_BROKER_SCRIPT) || fileURLToPath(new URL('../../scripts/broker', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(script, args, { timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`scripts/broker ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(String(stdout).trim());
    });
  });
}

/**
 * The onConnect scenario with the connection closed by RabbitMQ instead of the client (`scripts/broker
 * close-one` in a virtual host of the check's own, so that no other test's connection is touched), as
 * a network or broker failure ends it: through stompjs and stomp-wasm. Node only (rabbitmqctl).
 */
export async function staleAckAfterBrokerClose(env) {
  const VHOST = 'stomp-wasm-d20-acks';
  await brokerScript('vhost', VHOST);
  const options = { connectHeaders: { ...LOGIN, host: VHOST } };
  const results = await bothClients(env, (subject) => staleAckScenario(env, subject, 'onConnect', {
    options,
    drop: async () => {
      const closed = await brokerScript('close-one', VHOST, 'issue 20 stale-ack check');
      expect(closed !== 'none', `a connection of ${VHOST} was closed`);
    },
  }), options);
  const theirs = results.stompjs;
  const stompjsSays = describeStale('stompjs', theirs);
  expect(theirs.lost.length === 0 && theirs.left.length === 0 && theirs.foreign.length === 0, `control: ${stompjsSays}`);
  expectStaleAcksDropped(results['stomp-wasm'], stompjsSays);
  expectNoFaults();
  return { outcome: `${describeStale('stomp-wasm', results['stomp-wasm'])}; stale ack() returned ${results['stomp-wasm'].returns}; ${stompjsSays}` };
}

/**
 * An ACK held back by backpressure (20 × 20 KB published just before it) when its connection drops: it
 * is dropped with the connection, never written on the next one; `ack()` returned true (it waited on
 * its own connection). The message is redelivered and acknowledged there; the queue ends empty.
 */
export async function heldAckDroppedWithItsConnection(env) {
  const { client, wire, debug } = await makeClient('stomp-wasm', env);
  const queue = freshDestination('/queue/d20-held-ack');
  let session = 0;
  const first = [];
  const acks = [];
  client.onConnect = () => {
    session += 1;
    const mine = session;
    client.subscribe(queue, (message) => {
      if (mine === 1) first.push(message);
      else {
        message.ack();
        acks.push(`m${message.headers.n}@${mine}`);
      }
    }, { id: 'held-ack', ack: 'client-individual' });
  };
  client.activate();
  await until(() => session === 1, 10000, 'CONNECTED');
  for (let n = 1; n <= 3; n++) client.publish({ destination: queue, body: `m${n}`, headers: { n: String(n) } });
  await until(() => first.length === 3, 10000, 'm1–m3 delivered');
  const filler = freshDestination('/topic/d20-held-ack-filler');
  for (let i = 0; i < 20; i++) client.publish({ destination: filler, body: bodyOf(i, 20000) });
  const returned = first[0].ack();
  const writtenAtOnce = wire.select('out', 'ACK').length;
  const mark = debug.length;
  client.forceDisconnect();
  await until(() => acks.length >= 3 || wire.select('in', 'ERROR').length > 0, 10000, 'm1–m3 redelivered and acknowledged on a later connection, or an ERROR');
  await quietWindow(300);
  const said = debug.slice(mark).filter((l) => !/^(>>>|<<<)/.test(l));
  const ackIdsOf = (conn) => new Set(wire.select('in', 'MESSAGE', conn).map((f) => f.headers.ack));
  const foreign = wire.select('out', 'ACK').filter((f) => !ackIdsOf(f.conn).has(f.headers.id));
  const errors = wire.select('in', 'ERROR').map((f) => f.headers.message);
  const sessions = session;
  await client.deactivate();
  const left = await drainQueue(env, queue);
  expect(writtenAtOnce === 0, `backpressure held the ACK back: ${writtenAtOnce} ACK written at once`);
  expect(foreign.length === 0, `the held ACK is not written on the next connection: ${foreign.map((f) => `ACK tag ${tagOf(f.headers.id)} of an earlier connection on connection ${f.conn}`).join('; ')} (broker: ${errors.join('; ') || 'no ERROR'}; ${sessions} sessions; acks ${acks.join(' ')})`);
  expect(errors.length === 0 && sessions === 2, `one reconnect, no ERROR: ${sessions} sessions, ${errors.join('; ')}`);
  expect(acks.join(' ') === 'm1@2 m2@2 m3@2' && left.length === 0, `m1–m3 redelivered and acknowledged once, none left: ${acks.join(' ')}; left ${left}`);
  expect(returned === true, `ack() behind backpressure on its own connection returns true: ${returned}`);
  expect(said.some((l) => /\b(ack|acknowledg\w*)\b/i.test(l)), `debug says the held ACK was dropped: ${JSON.stringify(said.slice(0, 8))}`);
  expectNoFaults();
  return { outcome: `held ACK dropped with its connection; acks ${acks.join(' ')}` };
}

/** The subscription made once and restored by stomp-wasm with the same id (where a stale tag lands on another message). */
export async function staleAckOnRestoredSubscription(env) {
  const subject = await makeClient('stomp-wasm', env);
  let ours;
  try {
    ours = await staleAckScenario(env, subject, 'restored');
  } finally {
    await subject.client.deactivate({ force: true });
  }
  expectStaleAcksDropped(ours, 'stompjs restores no subscription');
  expectNoFaults();
  return { outcome: `${describeStale('stomp-wasm', ours)}; stale ack() returned ${ours.returns}` };
}

// ----- 20.3: an at-least-once frame the broker refuses is given up -----------------------------------------

const MISSING_EXCHANGE = '/exchange/does-not-exist/x';

/**
 * A SEND to a missing exchange (RabbitMQ 3.10 closes the connection on it, with no ERROR), then three to
 * a good queue; once the client is connected again, three more. stomp-wasm sends all of them
 * at-least-once: the refused frame is re-sent after each reconnect until it has been the oldest
 * unconfirmed frame at 3 connection deaths (`maxDeliveryAttempts`), then given up, its Promise
 * rejecting with "given up after 3 attempts"; the frames behind it go on and resolve, the reconnects
 * stay bounded. stompjs (plain publishes; it keeps nothing) reconnects once and traffic resumes: the
 * comparison is that traffic resumes in both.
 */
export async function refusedFrameIsGivenUp(env) {
  const results = {};
  for (const kind of ['stompjs', 'stomp-wasm']) {
    const { client, wire } = await makeClient(kind, env);
    const delivery = kind === 'stomp-wasm' ? { delivery: 'at-least-once' } : {};
    try {
      await connect({ kind, client });
      const queue = freshDestination('/queue/d20-refused');
      const started = Date.now();
      const bad = client.publish({ destination: MISSING_EXCHANGE, body: 'refused', ...delivery });
      const good = [1, 2, 3].map((n) => client.publish({ destination: queue, body: `good ${n}`, headers: { n: String(n) }, ...delivery }));
      // stompjs: nothing to await; the connection dies and comes back. stomp-wasm: the refused frame
      // settles, or the client loops (more than 6 sessions ends the wait: the reconnects are unbounded).
      let badOutcome = null;
      if (bad) {
        bad.then(() => { badOutcome = 'resolved'; }, (e) => { badOutcome = String(e && e.message || e); });
        await until(() => badOutcome !== null || wire.sessions > 6, 15000, `${kind}: the refused publish settled`);
      }
      if (badOutcome === null && bad) {
        results[kind] = { badOutcome: `unsettled after ${wire.sessions} sessions in ${((Date.now() - started) / 1000).toFixed(1)} s`, sessions: wire.sessions, inQueue: [], closes: wire.closes.map((c) => c.code).join(','), seconds: ((Date.now() - started) / 1000).toFixed(1) };
        continue;
      }
      const goodSettled = kind === 'stomp-wasm' ? await settle(good, 10000, 'the good publishes').catch((e) => ({ fulfilled: 0, rejected: [e.message] })) : null;
      await until(() => wire.sessions >= 2 && client.connected, 15000, `${kind}: connected again`);
      const sessionsWhenSettled = wire.sessions;
      const afterwards = [4, 5, 6].map((n) => client.publish({ destination: queue, body: `after ${n}`, headers: { n: String(n) } }));
      if (kind === 'stomp-wasm') await settle(afterwards, 10000, 'the later publishes');
      await within(client.deactivate(), 10000, `${kind}: deactivate()`);
      const inQueue = [...new Set(await drainQueue(env, queue))].sort();
      results[kind] = {
        badOutcome,
        goodSettled,
        sessions: sessionsWhenSettled,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
        inQueue,
        closes: wire.closes.map((c) => c.code).join(','),
      };
    } finally {
      await client.deactivate({ force: true });
    }
  }
  const ours = results['stomp-wasm'];
  const theirs = results.stompjs;
  const stompjsSays = `stompjs: ${theirs.sessions} sessions, closes ${theirs.closes}, in the queue n=${theirs.inQueue}`;
  expect(theirs.inQueue.includes('4') && theirs.inQueue.includes('6'), `control: stompjs's traffic resumes after the reconnect: ${stompjsSays}`);
  expect(ours.sessions <= 5, `the reconnects are bounded: ${ours.sessions} sessions before the refused frame was settled (${ours.seconds} s; closes ${ours.closes}; ${stompjsSays})`);
  expect(/given up after 3 attempts/.test(ours.badOutcome), `the refused frame's Promise rejects, given up after 3 attempts: "${ours.badOutcome}"`);
  expect(ours.goodSettled.fulfilled === 3, `the frames behind it resolve: ${JSON.stringify(ours.goodSettled)}`);
  expect(['1', '2', '3', '4', '5', '6'].every((n) => ours.inQueue.includes(n)), `every good message reaches the queue: n=${ours.inQueue} (${stompjsSays})`);
  expectNoFaults();
  return { outcome: `given up after ${ours.sessions} sessions ("${ours.badOutcome}"), n=${ours.inQueue} delivered; ${stompjsSays}` };
}

// ----- 20.5: each publish Promise settles with its own outcome ---------------------------------------------

const MIX = ['own', 'auto', 'plain'];

/**
 * Publishes `count` messages to `destination`, interleaving the three kinds of publish: 'own' (the
 * application's own `receipt` header, watched with `watchForReceipt`: stompjs's pattern), 'auto'
 * (`receipt: true`) and 'plain'. Each gets a unique `n` header; resolves at once to the records
 * `{n, kind, promise, receiptId?, watched: [RECEIPT frames]}`; each record's `settled` is filled in
 * when its Promise settles: `{status, at: what the wire log held then, value|error}`.
 */
function publishMix(client, wire, destination, count, { prefix, body = '' } = {}) {
  const records = [];
  for (let i = 0; i < count; i++) {
    const kind = MIX[i % MIX.length];
    const n = `${prefix}${i}`;
    const record = { n, kind, watched: [], settled: null };
    const params = { destination, body: body || `${kind} ${n}`, headers: { n } };
    if (kind === 'own') {
      record.receiptId = `own-${n}`;
      params.headers.receipt = record.receiptId;
    } else if (kind === 'auto') {
      params.receipt = true;
    }
    let promise;
    try {
      // (stompjs's watchForReceipt and publish both throw while there is no connection.)
      if (kind === 'own') client.watchForReceipt(record.receiptId, (frame) => record.watched.push(frame));
      promise = client.publish(params);
    } catch (error) {
      record.settled = { status: 'threw', error: String(error && error.message || error) };
      records.push(record);
      continue;
    }
    record.promise = promise;
    if (promise && typeof promise.then === 'function') {
      promise.then((value) => {
        record.settled = { status: 'fulfilled', value, writtenThen: wire.select('out', 'SEND').some((f) => f.headers.n === n) };
      }, (error) => {
        record.settled = { status: 'rejected', error: String(error && error.message || error) };
      });
    }
    records.push(record);
  }
  return records;
}

/**
 * What is wrong with how `records` settled, given that all of them were written and answered: each
 * Promise resolved; a plain or own-receipt one once its frame was written; a `receipt: true` one with
 * the RECEIPT of its own frame; each watcher fired once, with its own RECEIPT.
 */
function misSettled(records, wire) {
  const problems = [];
  for (const r of records) {
    const s = r.settled;
    if (!s) problems.push(`${r.kind} ${r.n}: still pending`);
    else if (s.status !== 'fulfilled') problems.push(`${r.kind} ${r.n}: ${s.status} (${s.error})`);
    else if (r.kind === 'auto') {
      const id = s.value && s.value.headers && s.value.headers['receipt-id'];
      const send = wire.select('out', 'SEND').find((f) => f.headers.receipt === id && id !== undefined);
      if (!send || send.headers.n !== r.n) problems.push(`auto ${r.n}: resolved with the RECEIPT of ${send ? send.headers.n : `'${id}'`}`);
    } else if (!s.writtenThen) problems.push(`${r.kind} ${r.n}: resolved before its frame was written`);
    if (r.kind === 'own' && (r.watched.length !== 1 || r.watched[0].headers['receipt-id'] !== r.receiptId)) {
      problems.push(`own ${r.n}: the watcher fired ${r.watched.length} time(s)`);
    }
  }
  return problems;
}

/** Runs `phase(subject, destination)` on a fresh connected client of `kind`, then force-deactivates it. */
async function onFreshClient(env, kind, phase) {
  const subject = await makeClient(kind, env);
  try {
    await connect(subject);
    return await phase(subject, freshDestination('/topic/d20-own-receipt'));
  } finally {
    await subject.client.deactivate({ force: true });
  }
}

/** A mix published while reconnecting (after a forced close): how it settled, once reconnected. */
async function mixWhileReconnecting({ kind, client, wire }, destination) {
  const closed = wire.closes.length;
  client.forceDisconnect();
  await until(() => wire.closes.length > closed, 10000, `${kind}: the connection closed`);
  const records = publishMix(client, wire, destination, 9, { prefix: 'r' });
  const threw = records.filter((r) => r.settled && r.settled.status === 'threw').map((r) => r.settled.error);
  if (threw.length) return { threw, problems: [] };
  await until(() => wire.sessions >= 2 && client.connected, 10000, `${kind}: reconnected`);
  await until(() => records.every((r) => r.settled && (r.kind !== 'own' || r.watched.length)), 5000, 'the publishes made while reconnecting settled').catch(() => {});
  await quietWindow(200);
  return { threw, problems: misSettled(records, wire) };
}

/** A mix published behind 20 × 20 KB (backpressure holds it back): how it settled. */
async function mixBehindBackpressure({ kind, client, wire }, destination) {
  for (let i = 0; i < 20; i++) client.publish({ destination, body: bodyOf(i, 20000), headers: { n: `big${i}` } });
  const heldBack = 20 - wire.select('out', 'SEND').length;
  const records = publishMix(client, wire, destination, 9, { prefix: 'b' });
  const promised = kind === 'stomp-wasm';
  await until(() => records.every((r) => (!promised || r.settled) && (r.kind !== 'own' || r.watched.length)), 10000,
    `${kind}: the publishes behind backpressure settled`).catch(() => {});
  await quietWindow(200);
  // stompjs's publish returns nothing: only its watchers can be checked.
  const problems = misSettled(records, wire).filter((p) => promised || /watcher/.test(p));
  return { heldBack, problems, watchersFired: records.filter((r) => r.kind === 'own' && r.watched.length === 1).length };
}

/**
 * A mix of own-receipt (watchForReceipt), `receipt: true` and plain publishes made while reconnecting,
 * and (on another client) behind backpressure (20 × 20 KB first): every Promise settles with its own
 * outcome, none hangs, every watcher fires once with its RECEIPT. Through stompjs the same mix behind
 * the same burst (while reconnecting, stompjs's publish() throws).
 */
export async function ownReceiptPublishesSettleTheirOwn(env) {
  const theirsOffline = await onFreshClient(env, 'stompjs', mixWhileReconnecting);
  const theirsHeld = await onFreshClient(env, 'stompjs', mixBehindBackpressure);
  const oursOffline = await onFreshClient(env, 'stomp-wasm', mixWhileReconnecting);
  const oursHeld = await onFreshClient(env, 'stomp-wasm', mixBehindBackpressure);
  const stompjsSays = `stompjs: behind the burst ${theirsHeld.watchersFired}/3 watchers fired${theirsHeld.problems.length ? ` (${theirsHeld.problems.join('; ')})` : ''}; while reconnecting ${theirsOffline.threw.length}/9 publish() threw ("${theirsOffline.threw[0]}")`;
  expect(theirsHeld.problems.length === 0, `control: ${stompjsSays}`);
  expect(oursHeld.heldBack > 0, `backpressure held frames back: ${oursHeld.heldBack} of 20`);
  expect(oursOffline.threw.length === 0, `publishes while reconnecting are accepted: ${oursOffline.threw[0]}`);
  expect(oursOffline.problems.length === 0 && oursHeld.problems.length === 0,
    `each publish settles with its own outcome; made while reconnecting: ${oursOffline.problems.join('; ') || 'ok'}; behind backpressure: ${oursHeld.problems.join('; ') || 'ok'} (${stompjsSays})`);
  expectNoFaults();
  return { outcome: `9 while reconnecting and 9 behind backpressure each settled its own; ${stompjsSays}` };
}

/**
 * The same mix queued behind a burst, then `deactivate({force: true})`: no Promise stays pending; the
 * ones whose frames were written resolve (plain, own receipt), the rest reject, and queueDiscarded counts
 * the frames given up.
 */
export async function ownReceiptPublishesForcedDeactivate(env) {
  const { client, wire } = await makeClient('stomp-wasm', env);
  const discarded = [];
  client.on('queueDiscarded', (detail) => discarded.push(detail));
  await connect({ kind: 'stomp-wasm', client });
  const destination = freshDestination('/topic/d20-own-receipt-force');
  const big = [];
  for (let i = 0; i < 20; i++) big.push(client.publish({ destination, body: bodyOf(i, 20000), headers: { n: `big${i}` } }));
  const held = publishMix(client, wire, destination, 9, { prefix: 'f' });
  await within(client.deactivate({ force: true }), 2000, 'deactivate({force: true})');
  await until(() => held.every((r) => r.settled), 3000, 'every publish settled').catch(() => {});
  await quietWindow(100);
  // Written plain and own-receipt frames resolve; unwritten ones reject; a `receipt: true` one resolves
  // only with its own RECEIPT (none can come after a forced deactivate), else rejects.
  const problems = [];
  let writtenAndRejected = 0;
  for (const r of held) {
    const send = wire.select('out', 'SEND').find((f) => f.headers.n === r.n);
    const s = r.settled;
    if (!s) {
      problems.push(`${r.kind} ${r.n}: still pending (written: ${!!send})`);
      continue;
    }
    if (send && s.status === 'rejected') writtenAndRejected += 1;
    if (r.kind === 'auto') {
      const own = s.status === 'fulfilled' && send && s.value && s.value.headers['receipt-id'] === send.headers.receipt;
      if (s.status === 'fulfilled' && !own) problems.push(`auto ${r.n}: resolved with another frame's RECEIPT (written: ${!!send})`);
    } else if (s.status !== (send ? 'fulfilled' : 'rejected')) {
      problems.push(`${r.kind} ${r.n}: ${s.status}, expected ${send ? 'fulfilled' : 'rejected'} (written: ${!!send})`);
    }
  }
  const unwritten = held.filter((r) => !wire.select('out', 'SEND').some((f) => f.headers.n === r.n)).length
    + big.length - wire.select('out', 'SEND').filter((f) => /^big/.test(f.headers.n)).length;
  const total = discarded.reduce((sum, d) => sum + d.frames, 0);
  expect(unwritten > 0, 'frames were still held back at the forced deactivate');
  expect(problems.length === 0, `after deactivate({force: true}) each Promise settles with its own outcome: ${problems.join('; ')}`);
  // (A written `receipt: true` frame given up for want of its RECEIPT may be counted too.)
  expect(total >= unwritten && total <= unwritten + writtenAndRejected,
    `queueDiscarded counts the ${unwritten} frames given up: ${JSON.stringify(discarded)}`);
  expectNoFaults();
  return { outcome: `${unwritten} given up, each of the 9 settled its own way; queueDiscarded ${JSON.stringify(discarded)}` };
}

// ----- 20.6: ack()/nack() of an auto-acknowledged message ----------------------------------------------

/**
 * An `ack: auto` subscription (the default); 20 messages published at once; the callback calls
 * `message.ack()` on the first and `message.nack()` on the second. Nothing is acknowledged by the
 * broker's count already: no ACK/NACK on the wire, both return false, the connection stays up and all
 * 20 arrive. stompjs in the same scenario: what it writes and what happens is reported.
 */
export async function ackOfAutoMessageSendsNothing(env) {
  const COUNT = 20;
  const results = await bothClients(env, async ({ kind, client, wire }) => {
    await connect({ kind, client });
    const queue = freshDestination('/queue/d20-auto-ack');
    const received = new Set();
    const returns = [];
    client.subscribe(queue, (message) => {
      received.add(message.headers.n);
      if (message.headers.n === '1') returns.push(message.ack());
      if (message.headers.n === '2') returns.push(message.nack());
    });
    for (let n = 1; n <= COUNT; n++) client.publish({ destination: queue, body: `auto ${n}`, headers: { n: String(n) } });
    await until(() => received.size === COUNT || wire.closes.length > 0, 10000, `${kind}: ${COUNT} messages or a close`);
    await quietWindow(500);
    return {
      received: received.size,
      returns,
      written: wire.select('out').filter((f) => f.command === 'ACK' || f.command === 'NACK').map((f) => `${f.command} ${f.headers.id}`),
      closes: wire.closes.map((c) => `${c.code} ${c.reason}`.trim()),
      sessions: wire.sessions,
      errors: wire.select('in', 'ERROR').map((f) => f.headers.message),
    };
  });
  const ours = results['stomp-wasm'];
  const theirs = results.stompjs;
  const stompjsSays = `stompjs: wrote ${theirs.written.length ? theirs.written.join(', ') : 'nothing'}; ${theirs.received}/${COUNT} received, closes [${theirs.closes}], ${theirs.sessions} session(s)${theirs.errors.length ? `, ERROR ${theirs.errors}` : ''}`;
  expect(ours.written.length === 0, `no ACK/NACK on the wire: ${ours.written.join(', ')} (then: closes [${ours.closes}], ${ours.received}/${COUNT} received; ${stompjsSays})`);
  expect(ours.closes.length === 0 && ours.sessions === 1, `the connection stays up: closes [${ours.closes}], ${ours.sessions} session(s)`);
  expect(ours.received === COUNT, `all ${COUNT} in-flight messages delivered: ${ours.received}`);
  expect(ours.returns.length === 2 && ours.returns.every((r) => r === false), `ack() and nack() return false: ${ours.returns.map(String)}`);
  expectNoFaults();
  return { outcome: `nothing written, ${ours.received}/${COUNT}, returns ${ours.returns}; ${stompjsSays}` };
}

// ----- 20.7: frames over the limits, sent and received -------------------------------------------------

/** `count` headers `x-0`…, each with a short value. */
function manyHeaders(count, extra = {}) {
  const headers = { ...extra };
  for (let i = 0; i < count; i++) headers[`x-${i}`] = `v${i}`;
  return headers;
}

/** What `fn()` threw synchronously (null if it returned), and whether it returned a Promise. */
function thrownBy(fn) {
  try {
    const value = fn();
    if (value && typeof value.then === 'function') value.catch(() => {});
    return { error: null, returned: value && typeof value.then === 'function' ? 'a Promise' : String(value) };
  } catch (error) {
    return { error, returned: null };
  }
}

/**
 * A frame the client itself could not receive is refused by `publish()` at the call: it throws an Error
 * with `code: 'FRAME_TOO_LARGE'` naming the limit — 130 headers over `maxHeaders` (128 by default), a
 * body over `maxBodyBytes`, a header line over `maxHeaderBytes`; nothing is written. Frames within the
 * limits still go (so the check cannot pass by refusing everything).
 */
export async function publishRefusesWhatItCouldNotReceive(env) {
  const { client, wire } = await makeClient('stomp-wasm', env, { maxBodyBytes: 1000, maxHeaderBytes: 2048 });
  await connect({ kind: 'stomp-wasm', client });
  const destination = freshDestination('/topic/d20-too-large');
  const cases = [
    ['maxHeaders', { destination, body: 'h', headers: manyHeaders(130, { n: 'headers' }) }],
    ['maxBodyBytes', { destination, body: 'b'.repeat(1001), headers: { n: 'body' } }],
    ['maxHeaderBytes', { destination, body: 'l', headers: { n: 'head', 'x-long': 'v'.repeat(3000) } }],
  ];
  const problems = [];
  const said = [];
  for (const [limit, params] of cases) {
    const { error, returned } = thrownBy(() => client.publish(params));
    if (!error) problems.push(`${limit}: publish() did not throw (it returned ${returned})`);
    else if (error.code !== 'FRAME_TOO_LARGE' || !new RegExp(`\\b${limit}\\b`).test(error.message)) {
      problems.push(`${limit}: threw code ${error.code} "${error.message}"`);
    } else said.push(`"${error.message}"`);
  }
  // Within the limits: accepted and written.
  await client.publish({ destination, body: 'b'.repeat(900), headers: manyHeaders(100, { n: 'within' }), receipt: true });
  await quietWindow(200);
  const written = wire.select('out', 'SEND').map((f) => f.headers.n);
  expect(problems.length === 0, `publish() throws FRAME_TOO_LARGE naming the limit: ${problems.join('; ')}; written: ${written}`);
  expect(written.join() === 'within', `only the frame within the limits is written: ${written}`);
  expectNoFaults();
  return { outcome: `threw ${said.join(', ')}` };
}

/**
 * A MESSAGE over the receiving client's limits (130 headers, published by a second client whose limits
 * are higher) reaches a consumer with the default limits (128 headers): the consumer does not
 * reconnect; it emits `messageRefused` `{message, error}` — headers `subscription`, `message-id` (and
 * `ack` in client modes), an empty body — and settles it with `message.ack()` (or `nack()`); the
 * messages after it keep arriving, and nothing is left in the queue. `ackMode`: 'client-individual'
 * (settled with ack), 'client' (nack with requeue:false) or 'auto' (nothing to settle: lost, as the
 * event says).
 */
async function oversizedMessage(env, ackMode) {
  const queue = freshDestination('/queue/d20-oversized');
  const producer = await makeClient('stomp-wasm', env, { maxHeaders: 1000 });
  const consumer = await makeClient('stomp-wasm', env);
  const refused = [];
  let listening = true;
  try {
    consumer.client.on('messageRefused', (detail) => refused.push(detail));
  } catch (error) {
    listening = `client.on('messageRefused') threw: ${error.message}`;
  }
  const received = [];
  try {
    await connect(producer);
    await connect(consumer);
    const client = consumer.client;
    const headers = ackMode === 'auto' ? {} : { ack: ackMode };
    const settles = [];
    client.subscribe(queue, (message) => {
      received.push(message.headers.n);
      if (ackMode !== 'auto') message.ack();
    }, headers);
    if (listening === true) {
      client.on('messageRefused', ({ message }) => {
        if (ackMode === 'client-individual') settles.push(message.ack());
        if (ackMode === 'client') settles.push(message.nack({ requeue: 'false' }));
      });
    }
    await producer.client.publish({ destination: queue, body: 'before', headers: { n: '1' }, receipt: true });
    await producer.client.publish({ destination: queue, body: 'too many headers', headers: manyHeaders(130, { n: '2' }), receipt: true });
    for (let n = 3; n <= 5; n++) await producer.client.publish({ destination: queue, body: 'after', headers: { n: String(n) }, receipt: true });
    await until(() => received.includes('5') || consumer.wire.sessions > 3, 10000, `messages after the oversized one, or reconnects (${ackMode})`);
    await quietWindow(500);
    const result = {
      sessions: consumer.wire.sessions,
      closes: consumer.wire.closes.map((c) => `${c.code} ${c.reason}`.trim()),
      received: received.join(','),
      refused,
      settles,
    };
    await client.deactivate();
    result.left = await drainQueue(env, queue);
    return { listening, ...result };
  } finally {
    await producer.client.deactivate({ force: true });
    await consumer.client.deactivate({ force: true });
  }
}

function expectRefusedMessage(r, ackMode) {
  expect(r.sessions === 1, `${ackMode}: the consumer does not reconnect: ${r.sessions} sessions, closes [${r.closes.slice(0, 3)}${r.closes.length > 3 ? '…' : ''}], received ${r.received || 'nothing'}`);
  expect(r.received === '1,3,4,5', `${ackMode}: the messages around it arrive: ${r.received}`);
  expect(r.listening === true, `${ackMode}: ${r.listening}`);
  expect(r.refused.length === 1, `${ackMode}: one messageRefused event: ${r.refused.length}`);
  const { message, error } = r.refused[0];
  const h = (message && message.headers) || {};
  expect(error && /maxHeaders/.test(String(error.message || error)), `${ackMode}: the error names maxHeaders: ${error && (error.message || error)}`);
  expect(h.subscription && h['message-id'] && (ackMode === 'auto' || h.ack), `${ackMode}: the message keeps subscription, message-id${ackMode === 'auto' ? '' : ', ack'}: ${JSON.stringify(h)}`);
  expect(message.body === '', `${ackMode}: an empty body: ${JSON.stringify(message.body).slice(0, 40)}`);
  if (ackMode !== 'auto') expect(r.settles.length === 1 && r.settles[0] === true, `${ackMode}: settling it returns true: ${r.settles}`);
  expect(r.left.length === 0, `${ackMode}: nothing left in the queue: n=${r.left}`);
}

/** client-individual: settled with ack(). */
export async function oversizedMessageClientIndividual(env) {
  const r = await oversizedMessage(env, 'client-individual');
  expectRefusedMessage(r, 'client-individual');
  expectNoFaults();
  return { outcome: `messageRefused once (${r.refused[0].error.message || r.refused[0].error}), acked, ${r.received} received, 1 session` };
}

/** client: settled with nack({requeue: 'false'}). */
export async function oversizedMessageClientNack(env) {
  const r = await oversizedMessage(env, 'client');
  expectRefusedMessage(r, 'client');
  expectNoFaults();
  return { outcome: `messageRefused once, nacked, ${r.received} received, 1 session` };
}

/** auto: nothing to settle; the later messages arrive, no reconnect. */
export async function oversizedMessageAuto(env) {
  const r = await oversizedMessage(env, 'auto');
  expectRefusedMessage(r, 'auto');
  expectNoFaults();
  return { outcome: `messageRefused once, ${r.received} received, 1 session` };
}

// ----- 20.9: memory follows what is unconfirmed -------------------------------------------------------

/**
 * 50,000 at-least-once publishes of 1 KB through a scripted peer that never answers the first one's
 * RECEIPT and answers all the others, at most 200 unsettled at a time (a loop that awaits older
 * publishes): each frame leaves the client with its own RECEIPT, so the wasm memory stays flat
 * (less than 4 MiB above the start; every frame kept would be 50 MB). The first publish stays pending
 * until a forced deactivate rejects it. Node only (the wasm memory is read through env.wasmMemory).
 */
export async function unconfirmedMemoryFollowsReceipts(env) {
  expect(typeof env.wasmMemory === 'function', 'the runner exposes the wasm memory (run-check-node.mjs)');
  const COUNT = 50000;
  const WARM_UP = 2000;
  const WINDOW = 200;
  const MIB = 1024 * 1024;
  const peer = receiptGapPeer((receiptId, sends) => sends === 1);
  const debug = [];
  const client = new env.Client({
    webSocketFactory: peer.factory,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 200,
    receiptTimeout: 0,
    debug: (line) => {
      debug.push(String(line));
      if (debug.length > 100) debug.shift();
    },
  });
  globalThis.__stompWatch = { debugLines: debug, summary: () => `peer: ${JSON.stringify({ ...peer.stats, withheld: peer.stats.withheld.length })}` };
  await connect({ kind: 'stomp-wasm', client });
  const body = 'k'.repeat(1024);
  const atStart = env.wasmMemory();
  let firstOutcome = 'pending';
  client.publish({ destination: '/queue/d20-gap', body, delivery: 'at-least-once' })
    .then(() => { firstOutcome = 'resolved'; }, (e) => { firstOutcome = `rejected: ${e.message}`; });
  const inFlight = new Set();
  let resolved = 0;
  let rejected = null;
  let afterWarmUp = null;
  const started = Date.now();
  for (let n = 1; n <= COUNT && rejected === null; n++) {
    while (inFlight.size >= WINDOW) await Promise.race(inFlight);
    if (n === WARM_UP) afterWarmUp = env.wasmMemory();
    const promise = client.publish({ destination: '/queue/d20-gap', body, delivery: 'at-least-once' })
      .then(() => { resolved += 1; }, (e) => { rejected = `publish ${n}: ${e.message}`; })
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
  }
  await within(Promise.all(inFlight), 20000, 'the last publishes');
  const atEnd = env.wasmMemory();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const stillPending = firstOutcome;
  await within(client.deactivate({ force: true }), 5000, 'deactivate({force: true})');
  await quietWindow(50);
  const mib = (bytes) => (bytes / MIB).toFixed(1);
  const grew = `wasm memory ${mib(atStart)} MiB at the start, ${mib(afterWarmUp)} after ${WARM_UP}, ${mib(atEnd)} MiB after ${COUNT} (${seconds} s)`;
  expect(rejected === null && resolved === COUNT, `every publish after the first resolves: ${resolved} of ${COUNT}; ${rejected}`);
  expect(peer.stats.withheld.length === 1, `the peer withheld exactly one RECEIPT: ${peer.stats.withheld.length}`);
  expect(atEnd - atStart < 4 * MIB, `memory follows what is unconfirmed (less than 4 MiB above the start): ${grew}`);
  expect(stillPending === 'pending' && /^rejected/.test(firstOutcome),
    `the unconfirmed publish stays pending (${stillPending}), then the forced deactivate rejects it (${firstOutcome})`);
  expectNoFaults();
  return { outcome: grew };
}
