// Issue 20, "Every frame in order, on the connection it belongs to" — order and settling (docs/delivery.md
// §1, §2, §4, §6): a COMMIT never overtakes the SENDs backpressure holds back, a transaction's frames
// never outlive its connection, a graceful deactivate() writes what it accepted, and each publish
// Promise settles with its own outcome. Against RabbitMQ, through stomp-wasm and, where it has the
// feature, @stomp/stompjs 7.5 (the oracle).
// Environment-neutral: tests/js/delivery.test.mjs runs each check in a Node child and, where the browser
// matters, in a Chromium page (run-check.mjs); the harness is delivery-harness.mjs.
import { expect, expectNoFaults, until, within, quietWindow, freshDestination } from './client-watch.mjs';
import { makeClient, connect, bothClients, bodyOf, settle, drainQueue } from './delivery-harness.mjs';

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
