// The burst of issue #14: one producer publishes COUNT messages of BODY bytes (no receipts, heart-beats
// at 1 s) to a queue on RabbitMQ's Web-STOMP as fast as the caller's loop allows; a second client
// consumes the queue. Measures what reached the consumer (distinct messages, duplicates), how the
// publishes settled, whether the producer's connection died, and whether RabbitMQ logged its
// `{unexpected_message,resume}` crash meanwhile (the 3.10.8 Web-STOMP fault under a flood with
// heart-beats on; see the README, "Beyond one broker").
//
//   node tests/support/burst.mjs [--count 20000] [--body 200] [--delivery at-least-once] [--await]
// prints one JSON line with the measurement. `lost.test.mjs` calls `burst()` itself.
//
// Each message carries its number in the header `n` (the consumer counts distinct numbers, which works
// for any client), and with at-least-once delivery also the client's `dedup-id`, which must be unique
// per message: the consumer counts distinct dedup-ids too.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { freshDestination, until, within } from './client-watch.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RABBIT = 'ws://127.0.0.1:15674/ws';
const LOGIN = { login: 'guest', passcode: 'guest' };
/** Where the private broker logs (scripts/broker keeps it under target/rabbitmq). */
export const BROKER_LOG = join(ROOT, 'target', 'rabbitmq', 'log', 'stomp-test@localhost.log');
const CRASH = 'exception exit: {unexpected_message,resume}';

/** Loads the package's Node build with `ws` as the global WebSocket; resolves to its exports. */
export async function loadPackage() {
  globalThis.WebSocket ??= createRequire(import.meta.url)(join(ROOT, 'node_modules', 'ws'));
  return import(pathToFileURL(join(ROOT, 'pkg', 'node', 'index.mjs')).href);
}

/** The size of a log file now, so that `logSince` reads only what is written after. */
export function logMark(file = BROKER_LOG) {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** What was appended to `file` after `mark` (at most the last 64 MiB of it). */
export function logSince(mark, file = BROKER_LOG) {
  const size = logMark(file);
  if (size <= mark) return '';
  const start = Math.max(mark, size - 64 * 1024 * 1024);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** How many `{unexpected_message,resume}` crashes the broker logged since `mark`. */
export function crashesSince(mark, file = BROKER_LOG) {
  return logSince(mark, file).split(CRASH).length - 1;
}

/**
 * Runs one burst and resolves to its measurement:
 * `{count, bodyBytes, delivery, paced, published, rejected, firstRejection, delivered, duplicates,
 *   dedupIds, producerCloses, producerConnects, consumerCloses, crashes, seconds}`.
 * `Client` is the package's; `delivery` is passed only when given (today's client refuses unknown
 * options); `paced` awaits each publish() before the next (`for (…) await client.publish(…)`).
 */
export async function burst({ Client, count = 20000, bodyBytes = 200, delivery, paced = false, url = RABBIT, settleMs = 5000, timeoutMs = 180000, options = {} }) {
  const started = Date.now();
  const mark = logMark();
  const queue = freshDestination('/queue/lost-burst').slice('/queue/'.length);
  const body = 'x'.repeat(bodyBytes);
  const seen = new Set();
  const dedupIds = new Set();
  let deliveries = 0;
  let lastDelivery = Date.now();

  // The consumer: its own connection, no heart-beats (the fault is the publisher's), auto ack. The queue
  // expires a minute after its consumer is gone, so that no burst stays in the broker.
  const consumer = new Client({ brokerURL: url, connectHeaders: LOGIN, heartbeatIncoming: 0, heartbeatOutgoing: 0, reconnectDelay: 200, keepSubscriptions: true });
  let consumerCloses = 0;
  consumer.on('webSocketClose', () => { consumerCloses += 1; });
  const subscribed = new Promise((resolve) => consumer.on('connect', resolve));
  consumer.activate();
  await within(subscribed, 15000, 'the consumer connecting');
  const subscription = consumer.subscribe(`/queue/${queue}`, (message) => {
    deliveries += 1;
    lastDelivery = Date.now();
    seen.add(message.headers.n);
    if (message.headers['dedup-id'] !== undefined) dedupIds.add(message.headers['dedup-id']);
  }, { 'x-expires': '60000', durable: 'false', 'auto-delete': 'false' });
  // The queue exists once a message sent through it comes back.
  await within(consumer.publish({ destination: `/amq/queue/${queue}`, body: 'ready', headers: { n: 'ready' }, receipt: true }), 15000, 'the queue being declared');
  await until(() => seen.has('ready'), 15000, 'the ready marker');
  seen.delete('ready');
  deliveries = 0;

  const producer = new Client({
    brokerURL: url, connectHeaders: LOGIN, heartbeatIncoming: 1000, heartbeatOutgoing: 1000, reconnectDelay: 200,
    ...(delivery === undefined ? {} : { delivery }), ...options,
  });
  const producerCloses = [];
  let producerConnects = 0;
  producer.on('webSocketClose', (event) => producerCloses.push(event && event.code));
  producer.on('connect', () => { producerConnects += 1; });
  const up = new Promise((resolve) => producer.on('connect', resolve));
  producer.activate();
  await within(up, 15000, 'the producer connecting');

  let published = 0;
  let rejected = 0;
  let firstRejection = null;
  const settled = [];
  const note = (promise) => promise.then(() => { published += 1; }, (error) => {
    rejected += 1;
    firstRejection ??= String(error && error.message || error);
  });
  for (let n = 0; n < count; n++) {
    const promise = producer.publish({ destination: `/amq/queue/${queue}`, body, headers: { n: String(n) } });
    if (paced) await note(promise);
    else settled.push(note(promise));
  }
  await within(Promise.all(settled), timeoutMs, 'every publish() settling');

  // Everything published is either in the queue or gone: wait until all arrived, or nothing new came
  // for `settleMs` (the loss the issue is about).
  await until(() => seen.size >= count || Date.now() - lastDelivery > settleMs, timeoutMs, 'the consumer draining the queue');
  subscription.unsubscribe();
  await within(producer.deactivate(), 15000, 'producer.deactivate()');
  await within(consumer.deactivate(), 15000, 'consumer.deactivate()');
  return {
    count, bodyBytes, delivery: delivery ?? 'default', paced,
    published, rejected, firstRejection,
    delivered: seen.size, duplicates: deliveries - seen.size, dedupIds: dedupIds.size,
    producerCloses, producerConnects, consumerCloses,
    crashes: crashesSince(mark),
    seconds: (Date.now() - started) / 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const pkg = await loadPackage();
  const result = await burst({
    Client: pkg.Client,
    count: Number(value('--count', 20000)),
    bodyBytes: Number(value('--body', 200)),
    delivery: value('--delivery', undefined),
    paced: args.includes('--await'),
  });
  console.log(JSON.stringify(result));
  process.exit(0);
}
