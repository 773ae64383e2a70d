// @stomp/rx-stomp 2.4 over this package, against RabbitMQ: each scenario runs with `new RxStomp()` (whose
// Client is this package's, through the npm alias of rxstomp-project.mjs) and with `new RxStomp(new
// stompjs.Client())` (the oracle: rx-stomp over @stomp/stompjs 7.5), and the two must observe the same.
// Environment-neutral, no imports of packages: `env` brings RxStomp, RxStompRPC, RxStompState, rxjs,
// OracleClient and PackageClient (rxstomp-run-node.mjs in Node, the Vite-built page in Chromium).
import { freshDestination, expect, expectNoFaults, until, within, quietWindow } from './client-watch.mjs';

const RABBITMQ = 'ws://127.0.0.1:15674/ws';

/** The RxStompConfig of rx-stomp's own tests (spec/helpers/rx-stomp-factory.ts), without the console debug. */
function rxConfig(options = {}) {
  return {
    brokerURL: RABBITMQ,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 200,
    ...options,
  };
}

function same(ours, theirs, what) {
  const a = JSON.stringify(ours);
  const b = JSON.stringify(theirs);
  expect(a === b, `${what}: over this package ${a}, over stompjs ${b}`);
}

/**
 * Runs `scenario({ make, name, env })` with RxStomp over this package, then over stompjs; resolves to
 * `{ ours, stompjs }`. `make()` gives a new RxStomp (deactivated with force after the run).
 */
async function bothRx(env, scenario) {
  const results = {};
  const debugLines = [];
  globalThis.__stompWatch = { debugLines, summary: () => `${debugLines.length} debug lines` };
  for (const name of ['ours', 'stompjs']) {
    const made = [];
    const make = () => {
      const rx = name === 'ours' ? new env.RxStomp() : new env.RxStomp(new env.OracleClient());
      if (name === 'ours') {
        expect(rx.stompClient instanceof env.PackageClient, 'new RxStomp() made its Client from this package (the alias works)');
      }
      rx.configure({
        debug: (line) => {
          debugLines.push(`[${name}] ${String(line).slice(0, 300)}`);
          if (debugLines.length > 300) debugLines.shift();
        },
      });
      made.push(rx);
      return rx;
    };
    try {
      results[name] = await scenario({ make, name, env });
    } catch (error) {
      const named = new Error(`over ${name === 'ours' ? 'this package' : 'stompjs'}: ${error && error.message}`);
      named.stack = `${named.message}\n${error && error.stack}`;
      throw named;
    } finally {
      for (const rx of made) await within(rx.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
    }
  }
  return results;
}

/** The first value of `observable` within `ms`. */
function first(env, observable, ms, what) {
  return within(env.rxjs.firstValueFrom(observable), ms, what);
}

function stateNames(env) {
  const names = {};
  for (const key of Object.keys(env.RxStompState)) {
    if (typeof env.RxStompState[key] === 'number') names[env.RxStompState[key]] = key;
  }
  return names;
}

/**
 * watch() before activate(), publish() before and after the connection, connected$, connectionState$
 * (through deactivate()), serverHeaders$.
 */
export async function rxWatchPublishAndStates(env) {
  const names = stateNames(env);
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig());
    const destination = freshDestination('/topic/rx-watch');
    const states = [];
    rx.connectionState$.subscribe((state) => states.push(names[state]));
    const serverHeaders = [];
    rx.serverHeaders$.subscribe((headers) => serverHeaders.push(headers));
    let connectedCount = 0;
    rx.connected$.subscribe(() => { connectedCount += 1; });
    const bodies = [];
    const watching = rx.watch(destination).subscribe((message) => bodies.push(message.body));
    rx.publish({ destination, body: 'published before connecting' });
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    rx.publish({ destination, body: 'published while connected' });
    await until(() => bodies.length >= 2, 5000, 'both messages');
    watching.unsubscribe();
    await within(rx.deactivate(), 5000, 'deactivate()');
    return {
      bodies: bodies.slice(),
      states: states.slice(), // the clean-up's deactivate() would add to the array itself
      connectedCount,
      server: serverHeaders.length === 1 && /^RabbitMQ/.test(serverHeaders[0].server),
      version: serverHeaders.length ? serverHeaders[0].version : null,
      activeAfter: rx.active,
      connectedAfter: rx.connected(),
    };
  });
  same(r.ours, r.stompjs, 'messages, states and server headers');
  expect(r.stompjs.bodies.length === 2 && r.stompjs.states.join(' ') === 'CLOSED CONNECTING OPEN CLOSING CLOSED CLOSED',
    `the oracle observed the expected run: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * Reconnect with resubscription: watch() made before activate() and while connected, with and without
 * subscribeOnlyOnce; the connection is dropped (stompClient.forceDisconnect()) and comes back; one
 * message to each destination: how often each watcher gets it, as over stompjs.
 */
export async function rxWatchAcrossReconnect(env) {
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig({ reconnectDelay: 200 }));
    const counts = {};
    const watch = (label, params) => {
      counts[label] = 0;
      const destination = freshDestination(`/topic/rx-reconnect-${label}`);
      rx.watch({ destination, ...params }).subscribe(() => { counts[label] += 1; });
      return destination;
    };
    const destinations = {
      beforeActivate: watch('beforeActivate', {}),
      beforeActivateOnce: watch('beforeActivateOnce', { subscribeOnlyOnce: true }),
    };
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    destinations.whileConnected = watch('whileConnected', {});
    destinations.whileConnectedOnce = watch('whileConnectedOnce', { subscribeOnlyOnce: true });
    const reconnected = first(env, rx.connected$.pipe(env.rxjs.skip(1)), 10000, 'connected$ after the reconnect');
    rx.stompClient.forceDisconnect();
    await reconnected;
    for (const label of Object.keys(destinations)) rx.publish({ destination: destinations[label], body: label });
    await quietWindow(1500); // every copy arrives by now
    return counts;
  });
  same(r.ours, r.stompjs, 'messages per watcher after a reconnect');
  expect(r.stompjs.beforeActivate === 1 && r.stompjs.whileConnected === 1,
    `the oracle: rx-stomp resubscribes each watcher once: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * An RPC server on `rx`: watch(endpoint) with a receipt (watchForReceipt), each request answered on its
 * reply-to with its correlation-id, `x-replies` times (1 by default). Resolves once subscribed.
 */
function rpcServer(rx, endpoint) {
  const receipt = `rpc-ready-${Math.random().toString(36).slice(2)}`;
  const ready = new Promise((resolve) => rx.watchForReceipt(receipt, resolve));
  rx.watch(endpoint, { receipt }).subscribe((message) => {
    const replies = Number(message.headers['x-replies'] || 1);
    for (let i = 0; i < replies; i++) {
      rx.publish({
        destination: message.headers['reply-to'],
        body: `echo ${i}: ${message.body}`,
        headers: { 'correlation-id': message.headers['correlation-id'] },
      });
    }
  });
  return within(ready, 5000, 'the RPC server subscribed (watchForReceipt)');
}

/** RxStompRPC with the default reply queue (/temp-queue/rpc-replies, read from unhandledMessage$): rpc and stream. */
export async function rxRpcDefaultReplyQueue(env) {
  const { take, toArray } = env.rxjs;
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig());
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    const endpoint = freshDestination('/topic/rx-rpc');
    await rpcServer(rx, endpoint);
    let unhandled = 0;
    rx.unhandledMessage$.subscribe(() => { unhandled += 1; });
    const rpc = new env.RxStompRPC(rx);
    const reply = await first(env, rpc.rpc({ destination: endpoint, body: 'hello' }), 5000, 'rpc() reply');
    const stream = await first(env, rpc.stream({ destination: endpoint, body: 'many', headers: { 'x-replies': '3' } }).pipe(take(3), toArray()), 5000, 'stream() replies');
    const custom = await first(env, rpc.rpc({ destination: endpoint, body: 'mine', headers: { 'correlation-id': 'my-correlation' } }), 5000, 'rpc() with its own correlation-id');
    return {
      reply: reply.body,
      stream: stream.map((m) => m.body),
      custom: [custom.body, custom.headers['correlation-id']],
      viaUnhandledMessage: unhandled,
    };
  });
  same(r.ours, r.stompjs, 'the replies');
  expect(r.stompjs.reply === 'echo 0: hello' && r.stompjs.viaUnhandledMessage === 5, `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** RxStompRPC with a reply queue of its own (setupReplyQueue watching it). */
export async function rxRpcOwnReplyQueue(env) {
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig());
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    const endpoint = freshDestination('/topic/rx-rpc-own');
    await rpcServer(rx, endpoint);
    const replyQueueName = freshDestination('/topic/rx-rpc-replies');
    const rpc = new env.RxStompRPC(rx, { replyQueueName, setupReplyQueue: (name, client) => client.watch(name) });
    let unhandled = 0;
    rx.unhandledMessage$.subscribe(() => { unhandled += 1; });
    const reply = await first(env, rpc.rpc({ destination: endpoint, body: 'own queue' }), 5000, 'rpc() reply');
    return { reply: reply.body, destination: reply.headers.destination === replyQueueName, unhandled };
  });
  same(r.ours, r.stompjs, 'the reply');
  expect(r.stompjs.reply === 'echo 0: own queue', `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** asyncReceipt(): a publish with a `receipt` header resolves the Promise with the RECEIPT frame. */
export async function rxAsyncReceipt(env) {
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig());
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    const receipt = `rx-receipt-${Math.random().toString(36).slice(2)}`;
    const settled = rx.asyncReceipt(receipt);
    rx.publish({ destination: freshDestination('/topic/rx-receipt'), body: 'with a receipt', headers: { receipt } });
    const frame = await within(settled, 5000, 'asyncReceipt()');
    return { command: frame.command, matches: frame.headers['receipt-id'] === receipt };
  });
  same(r.ours, r.stompjs, 'the RECEIPT');
  expect(r.stompjs.command === 'RECEIPT' && r.stompjs.matches, `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * webSocketErrors$ (a URL RabbitMQ refuses) and stompErrors$ (a SEND to a destination RabbitMQ does not
 * know: ERROR "Unknown destination"; a missing exchange would close the connection without an ERROR).
 */
export async function rxErrors(env) {
  const r = await bothRx(env, async ({ make }) => {
    const refused = make();
    refused.configure(rxConfig({ brokerURL: 'ws://127.0.0.1:15674/no-such-endpoint', reconnectDelay: 0 }));
    let connected = false;
    refused.connected$.subscribe(() => { connected = true; });
    const errorSeen = first(env, refused.webSocketErrors$, 5000, 'webSocketErrors$').then((event) => !!event);
    refused.activate();
    const webSocketError = await errorSeen;
    await refused.deactivate();

    const rx = make();
    rx.configure(rxConfig({ reconnectDelay: 0 }));
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    const stompError = first(env, rx.stompErrors$, 5000, 'stompErrors$');
    rx.publish({ destination: freshDestination('/no-such-kind'), body: 'to nowhere' });
    const frame = await stompError;
    return { webSocketError, connected, stompError: [frame.command, frame.headers.message] };
  });
  same(r.ours, r.stompjs, 'the errors');
  expect(r.stompjs.webSocketError && r.stompjs.stompError[0] === 'ERROR', `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** beforeConnect (sync, and async as rx-stomp's own test) configuring the broker URL of an RxStomp that had none. */
export async function rxBeforeConnectSetsURL(env) {
  const r = await bothRx(env, async ({ make }) => {
    const seen = {};
    for (const style of ['sync', 'async']) {
      const rx = make();
      const beforeConnect = style === 'sync'
        ? (client) => { client.configure(rxConfig()); }
        : (client) => new Promise((resolve) => setTimeout(() => { client.configure(rxConfig()); resolve(); }, 200));
      rx.configure({ beforeConnect });
      let activateThrew = null;
      try {
        rx.activate();
      } catch (error) {
        activateThrew = String(error && error.message);
      }
      seen[style] = {
        activateThrew,
        connected: activateThrew ? false : await first(env, rx.connected$, 5000, 'connected$').then(() => true, () => false),
      };
      await rx.deactivate();
    }
    return seen;
  });
  same(r.ours, r.stompjs, 'connecting with the URL set in beforeConnect');
  expect(r.stompjs.sync.connected && r.stompjs.async.connected, `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * publish() with rx-stomp's own parameter `retryIfDisconnected` (IRxStompPublishParams), which rx-stomp
 * hands to Client.publish as it is: false while connected is sent; false while not connected throws
 * rx-stomp's error; true (its default) queues until connected.
 */
export async function rxPublishRetryFlag(env) {
  const r = await bothRx(env, async ({ make }) => {
    const rx = make();
    rx.configure(rxConfig());
    const destination = freshDestination('/topic/rx-retry');
    const bodies = [];
    rx.watch(destination).subscribe((message) => bodies.push(message.body));
    let offline = null;
    try {
      rx.publish({ destination, body: 'offline, no retry', retryIfDisconnected: false });
    } catch (error) {
      offline = String(error && error.message);
    }
    rx.publish({ destination, body: 'offline, retry', retryIfDisconnected: true });
    rx.activate();
    await first(env, rx.connected$, 10000, 'connected$');
    let online = null;
    try {
      rx.publish({ destination, body: 'online, no retry', retryIfDisconnected: false });
    } catch (error) {
      online = String(error && error.message);
    }
    await until(() => bodies.length >= 2, 5000, 'two messages').catch(() => {});
    await quietWindow(300);
    return { offline, online, bodies };
  });
  same(r.ours, r.stompjs, 'publish() with retryIfDisconnected');
  expect(r.stompjs.bodies.length === 2, `the oracle: ${JSON.stringify(r.stompjs)}`);
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}
