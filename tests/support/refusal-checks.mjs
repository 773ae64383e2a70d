// Issue 20, "Every frame in order, on the connection it belongs to" — what is refused, and what is kept
// (docs/delivery.md §2, §5, §7): an at-least-once frame RabbitMQ refuses is given up after 3 connection
// deaths, a frame the client could not receive itself is refused at publish(), a received MESSAGE over
// the limits is reported and skipped instead of ending the connection, and the client keeps in memory
// only what is unconfirmed. Against RabbitMQ (and a scripted peer for the memory check), through
// stomp-wasm and, where it has the feature, @stomp/stompjs 7.5 (the oracle).
// Environment-neutral: tests/js/delivery.test.mjs runs each check in a Node child and, where the browser
// matters, in a Chromium page (run-check.mjs); the harness is delivery-harness.mjs.
import { expect, expectNoFaults, until, within, quietWindow, freshDestination } from './client-watch.mjs';
import { makeClient, connect, settle, drainQueue } from './delivery-harness.mjs';
import { receiptGapPeer } from './receipt-gap-peer.mjs';

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
