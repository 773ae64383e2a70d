// Issue 20, "Every frame in order, on the connection it belongs to" — acknowledgements (docs/delivery.md
// §3): an ACK/NACK goes only on the connection that delivered its message (RabbitMQ reads only the
// delivery tag, which restarts per connection, so a stale ACK written on a later connection
// acknowledges another message), and ack()/nack() of an auto-ack message sends nothing. Against
// RabbitMQ, through stomp-wasm and, where it has the feature, @stomp/stompjs 7.5 (the oracle).
// Environment-neutral: tests/js/delivery.test.mjs runs each check in a Node child and, where the browser
// matters, in a Chromium page (run-check.mjs); the harness is delivery-harness.mjs.
import { expect, expectNoFaults, until, quietWindow, freshDestination } from './client-watch.mjs';
import { LOGIN, makeClient, connect, bothClients, bodyOf, drainQueue, tagOf, brokerScript } from './delivery-harness.mjs';

// ----- 20.1: an acknowledgement belongs to its connection ------------------------------------------------

/**
 * The stale-ack scenario for one client: six messages on a queue of its own, a client-individual
 * subscription with prefetch 3 and a fixed id. On the first connection m1–m3 arrive, the application
 * acknowledges m1 (RabbitMQ then sends m4); the connection drops; `m3.ack()` is called while
 * reconnecting (and `client.ack(ids of m4)`, which must throw as stompjs's does) and `m2.ack()` once the
 * next connection has delivered again: both stale. On later connections the application acknowledges
 * each message 20 ms after it arrives (after "processing").
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
  // Made before the first connection (not connected: kept and restored with the same id).
  if (where === 'restored') subscribe();
  client.activate();
  await until(() => session === 1, 10000, `${kind}: CONNECTED`);
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
  // client.ack(ids) has no message to tell its connection: while not connected it throws, as stompjs's.
  const m4 = firstDeliveries[3];
  let byIds;
  try {
    client.ack(m4.headers.ack, m4.headers.subscription);
    byIds = 'no throw';
  } catch (error) {
    byIds = `${error.name}: ${error.message}`;
  }
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
    byIds,
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
  expect(ours.byIds === 'TypeError: There is no underlying STOMP connection',
    `client.ack(messageId, subscriptionId) while reconnecting throws as stompjs's does: ${ours.byIds}`);
  for (const [when, lines] of [['while reconnecting', ours.said[0]], ['after the reconnect', ours.said[1]]]) {
    expect(lines.some((l) => /\b(ack|acknowledg\w*)\b/i.test(l)), `debug says why the ack ${when} was not sent: ${JSON.stringify(lines)}`);
  }
}

function describeStale(label, r) {
  const lost = r.lost.length ? ` (m${r.lost.join(', m')})` : '';
  return `${label}: ${r.lost.length} lost${lost}, ${r.left.length} left, ${r.sessions} sessions, ${r.errors.length} ERROR(s), acks ${r.acks}`;
}

/** stompjs (the control) loses and misacknowledges nothing, and throws on ack() while reconnecting; ours drops the stale ACKs. */
function compareStale(results) {
  const theirs = results.stompjs;
  const stompjsSays = describeStale('stompjs', theirs);
  expect(theirs.lost.length === 0 && theirs.left.length === 0 && theirs.foreign.length === 0, `control: ${stompjsSays}`);
  expect(/^TypeError: There is no underlying STOMP connection/.test(theirs.byIds), `control: stompjs's client.ack() while reconnecting: ${theirs.byIds}`);
  expectStaleAcksDropped(results['stomp-wasm'], stompjsSays);
  expectNoFaults();
  return { outcome: `${describeStale('stomp-wasm', results['stomp-wasm'])}; stale ack() returned ${results['stomp-wasm'].returns}; ${stompjsSays}` };
}

/** The subscription made in onConnect (stompjs code as it is): through stompjs and stomp-wasm. */
export async function staleAckSendsNothing(env) {
  const results = await bothClients(env, (subject) => staleAckScenario(env, subject, 'onConnect'));
  return compareStale(results);
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
  return compareStale(results);
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
