// The tight publishing loop of issue 19 against a real broker: `for (…) client.publish({ destination,
// body })` 20,000 times with 200 B bodies, no await, while connected; a separate @stomp/stompjs client
// subscribed to the topic counts what the broker delivers. Ours at-most-once, ours at-least-once, and
// stompjs, one after the other in the same run. Environment-neutral (Node: bench/loop.mjs; Chromium: the
// bench page, through the same module). It asserts nothing: it reports delivered counts and times.

export const LOOP_MESSAGES = 20000;
export const LOOP_BODY_BYTES = 200;
/** No new message for this long ends the wait (a client that lost messages never reaches the count). */
const STALL_MS = 10000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function options(url, extra = {}) {
  return {
    brokerURL: url,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    debug: () => {},
    ...extra,
  };
}

/** Connects `client`; rejects after `ms` (no broker). */
function connected(client, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no CONNECTED within ${ms} ms`)), ms);
    client.onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    client.activate();
  });
}

/** A stompjs consumer on `destination`, ready once the broker confirmed the SUBSCRIBE. */
async function consumer(Stompjs, url, destination) {
  const client = new Stompjs(options(url));
  const state = { count: 0, last: 0 };
  await connected(client, 5000);
  await new Promise((resolve) => {
    client.watchForReceipt('loop-ready', resolve);
    client.subscribe(destination, () => {
      state.count += 1;
      state.last = Date.now();
    }, { receipt: 'loop-ready' });
  });
  return { state, close: () => client.deactivate() };
}

/** One run: `Client` publishes the loop; resolves to `{ delivered, seconds, threw, rejected }`. */
async function oneRun(Client, Stompjs, url, extra, n) {
  const destination = `/topic/bench-loop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const counter = await consumer(Stompjs, url, destination);
  const client = new Client(options(url, extra));
  try {
    await connected(client, 5000);
    const body = (i) => `message ${i} `.padEnd(LOOP_BODY_BYTES, '.');
    let threw = 0;
    let rejected = 0;
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      try {
        const result = client.publish({ destination, body: body(i) });
        if (result && typeof result.then === 'function') result.then(null, () => { rejected += 1; });
      } catch (error) {
        threw += 1;
      }
    }
    const published = Date.now();
    let seen = -1;
    let changed = Date.now();
    while (counter.state.count < n && Date.now() - changed < STALL_MS) {
      if (counter.state.count !== seen) {
        seen = counter.state.count;
        changed = Date.now();
      }
      await sleep(20);
    }
    const delivered = counter.state.count;
    const end = delivered ? counter.state.last : published;
    return { delivered, seconds: (end - started) / 1000, loop_ms: published - started, threw, rejected };
  } finally {
    await client.deactivate({ force: true });
    await counter.close();
  }
}

/**
 * The three runs against `url`: `{ rows: [{ client, delivery, delivered, messages, seconds, loop_ms,
 * threw, rejected }] }`, or `{ skipped }` when no broker answers there.
 */
export async function tightLoop({ Ours, Stompjs, url, messages = LOOP_MESSAGES }) {
  try {
    const probe = await consumer(Stompjs, url, '/topic/bench-loop-probe');
    await probe.close();
  } catch (error) {
    return { skipped: `no broker at ${url} (${error.message}): scripts/broker start` };
  }
  const rows = [];
  for (const [client, Client, delivery] of [
    ['ours', Ours, 'at-most-once'],
    ['ours', Ours, 'at-least-once'],
    ['stompjs', Stompjs, 'at-most-once'],
  ]) {
    const extra = client === 'ours' ? { delivery } : {};
    rows.push({ client, delivery, messages, ...(await oneRun(Client, Stompjs, url, extra, messages)) });
  }
  return { rows };
}
