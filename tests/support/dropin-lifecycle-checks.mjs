// Issue 19 ("Drop-in for real"), the lifecycle as stompjs code expects it: sockets let go of, the state
// during onWebSocketClose, the reconnect delays, beforeConnect and brokerURL, onConnect subscriptions
// across reconnects, stale unsubscribe handles, subscribing while a deactivate completes. Each scenario
// runs through the package's Client and @stomp/stompjs 7.5 (dropin-both.mjs) where stompjs is the oracle;
// against RabbitMQ, or the test broker (tools/test-broker) where a peer must misbehave. Environment-
// neutral: tests/js/dropin.test.mjs runs each check in a Node child and in a Chromium page.
import { freshDestination, expectNoFaults, quietWindow } from './client-watch.mjs';
import {
  RABBITMQ, CREDENTIALS, both, connect, nextConnect, expect, expectEqual, expectSame, outcomeOf, rabbitOptions, until, within,
} from './dropin-both.mjs';

const HANDLERS = ['onopen', 'onmessage', 'onerror', 'onclose'];

/**
 * stompjs's own test wrapper (spec/helpers/wrapper-ws.ts), as users write factories: it owns the real
 * socket's handlers and forwards each event with `this.onX(ev)`. A forward that throws (the client left
 * a handler that is not a function) is recorded in `errors` instead of escaping.
 */
class WrapperWS {
  constructor(ws, errors) {
    this.ws = ws;
    const noOp = () => {};
    this.onclose = noOp;
    this.onerror = noOp;
    this.onmessage = noOp;
    this.onopen = noOp;
    for (const handler of HANDLERS) {
      ws[handler] = (event) => {
        try {
          this[handler](event);
        } catch (error) {
          errors.push(`${handler} forward: ${error && error.name}: ${error && error.message}`);
        }
      };
    }
  }

  get url() { return this.ws.url; }

  get readyState() { return this.ws.readyState; }

  get protocol() { return this.ws.protocol; }

  get binaryType() { return this.ws.binaryType; }

  set binaryType(value) { this.ws.binaryType = value; }

  close(code, reason) {
    if (code === undefined) this.ws.close();
    else this.ws.close(code, reason);
  }

  send(data) {
    this.ws.send(data);
  }
}

/**
 * 19.5: after the client lets go of a socket — a connectionTimeout on a peer that never answers
 * CONNECT, deactivate(), forceDisconnect() — the socket's onopen/onmessage/onerror/onclose are still
 * functions, and a wrapper forwarding with `this.onclose(ev)` throws nothing (as with stompjs).
 */
export async function releasedSocketKeepsFunctionHandlers(env) {
  const r = await both(env, async ({ make, name }) => {
    const seen = {};
    for (const how of ['connectionTimeout', 'deactivate', 'forceDisconnect']) {
      const errors = [];
      const wrappers = [];
      const url = how === 'connectionTimeout' ? env.broker.url('never-connected', { id: `${env.id}-${name}` }) : RABBITMQ;
      const client = make({
        webSocketFactory: () => {
          const wrapper = new WrapperWS(new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']), errors);
          wrappers.push(wrapper);
          return wrapper;
        },
        connectHeaders: { ...CREDENTIALS },
        heartbeatIncoming: 0,
        heartbeatOutgoing: 0,
        reconnectDelay: 0,
        ...(how === 'connectionTimeout' ? { connectionTimeout: 300 } : {}),
      });
      if (how === 'connectionTimeout') {
        const closed = new Promise((resolve) => { client.onWebSocketClose = resolve; });
        client.activate();
        await within(closed, 5000, `${how}: onWebSocketClose`);
      } else {
        await connect(client);
        if (how === 'deactivate') await client.deactivate();
        else client.forceDisconnect();
      }
      const wrapper = wrappers[0];
      await until(() => wrapper.ws.readyState === 3, 5000, `${how}: the real socket closed`);
      await quietWindow(200); // late events (close, error) reach the wrapper by now
      seen[how] = {
        handlers: HANDLERS.map((h) => `${h}:${typeof wrapper[h]}`),
        errors,
      };
      await client.deactivate();
    }
    return seen;
  });
  const functions = HANDLERS.map((h) => `${h}:function`);
  for (const how of ['connectionTimeout', 'deactivate', 'forceDisconnect']) {
    expectEqual(r.stompjs[how], { handlers: functions, errors: [] }, `stompjs (the oracle), ${how}`);
    expectSame(r.ours[how], r.stompjs[how], `${how}: the wrapper's handlers and the errors its forwards threw`);
  }
  expectNoFaults();
  return { outcome: 'handlers stay functions after connectionTimeout, deactivate, forceDisconnect' };
}

/**
 * 19.6: reconnectDelay 0, forceDisconnect(): inside onWebSocketClose and after it the client is
 * ACTIVE and `active` (not reconnecting: nothing reconnects); deactivate() then activate() from
 * onWebSocketClose makes a new connection and onConnect runs again — as stompjs.
 */
export async function reconnectDelayZeroStaysActive(env) {
  const r = await both(env, async ({ make, stompjs }) => {
    const { ActivationState } = stompjs;
    const name = (state) => Object.keys(ActivationState).find((k) => ActivationState[k] === state) || String(state);
    const seen = {};

    const client = make(rabbitOptions({ reconnectDelay: 0 }));
    let connects = 0;
    client.onConnect = () => { connects += 1; };
    await connect(client);
    const closed = new Promise((resolve) => {
      client.onWebSocketClose = () => {
        seen.inClose = { state: name(client.state), active: client.active };
        resolve();
      };
    });
    client.forceDisconnect();
    await within(closed, 5000, 'onWebSocketClose');
    await quietWindow(500);
    seen.after = { state: name(client.state), active: client.active, connected: client.connected, connects };
    await client.deactivate();

    const again = make(rabbitOptions({ reconnectDelay: 0 }));
    let againConnects = 0;
    again.onConnect = () => { againConnects += 1; };
    await connect(again);
    let once = false;
    again.onWebSocketClose = () => {
      if (once) return;
      once = true;
      again.deactivate();
      again.activate();
    };
    again.forceDisconnect();
    await until(() => againConnects === 2, 5000, 'onConnect again after deactivate()+activate() in onWebSocketClose').catch(() => {});
    seen.deactivateActivateInClose = { connects: againConnects, connected: again.connected, state: name(again.state) };
    return seen;
  });
  expectEqual(r.stompjs, {
    inClose: { state: 'ACTIVE', active: true },
    after: { state: 'ACTIVE', active: true, connected: false, connects: 1 },
    deactivateActivateInClose: { connects: 2, connected: true, state: 'ACTIVE' },
  }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'state, active and connections');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * 19.7: exponential mode with maxReconnectDelay (200) below reconnectDelay (400): stompjs's warning,
 * word for word, through debug; the delays used are capped at reconnectDelay (400 each time). Against
 * a URL the test broker refuses, so each attempt fails at once.
 */
export async function maxReconnectDelayBelowReconnectDelay(env) {
  const warning = 'Warning: maxReconnectDelay (200ms) is less than reconnectDelay (400ms). Using reconnectDelay as the maxReconnectDelay delay.';
  const r = await both(env, async ({ make, name, stompjs, log }) => {
    const client = make({
      brokerURL: env.broker.url('no-such-scenario'),
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      reconnectDelay: 400,
      maxReconnectDelay: 200,
      reconnectTimeMode: stompjs.ReconnectionTimeMode.EXPONENTIAL,
    });
    const warned = log.lines(name).includes(warning);
    const delays = () => {
      if (name === 'ours') return ours;
      return log.lines(name).map((l) => /scheduling reconnection in (\d+)ms/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
    };
    const ours = [];
    if (name === 'ours') client.on('reconnectScheduled', (event) => ours.push(event.delay));
    client.activate();
    await until(() => delays().length >= 3, 10000, 'three reconnects scheduled');
    await client.deactivate();
    return { warned, delays: delays().slice(0, 3) };
  });
  expectEqual(r.stompjs, { warned: true, delays: [400, 400, 400] }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'the warning and the first three delays');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** 19.8: no brokerURL, and a beforeConnect (sync, then async) that sets it: activate() connects, as stompjs. */
export async function beforeConnectSetsBrokerURL(env) {
  const r = await both(env, async ({ make }) => {
    const seen = {};
    for (const style of ['sync', 'async']) {
      const client = make({
        connectHeaders: { ...CREDENTIALS },
        heartbeatIncoming: 0,
        heartbeatOutgoing: 0,
        reconnectDelay: 0,
        beforeConnect: style === 'sync'
          ? (c) => { c.brokerURL = RABBITMQ; }
          : async (c) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            c.brokerURL = RABBITMQ;
          },
      });
      const connected = nextConnect(client, 10000).then(() => true, () => false);
      const activation = outcomeOf(() => client.activate());
      seen[style] = {
        activateThrew: activation.threw ? String(activation.threw.message) : null,
        connected: activation.threw ? false : await connected,
      };
      await client.deactivate();
    }
    return seen;
  });
  const expected = { sync: { activateThrew: null, connected: true }, async: { activateThrew: null, connected: true } };
  expectEqual(r.stompjs, expected, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'activate() with the URL set in beforeConnect');
  expectNoFaults();
  return { outcome: 'both styles connect' };
}

/**
 * The scenario of 19.10: onConnect subscribes (`style` 'sync', or 'async': after an await); 3
 * reconnects by forceDisconnect(); then one message is published; resolves to how often it arrived.
 */
async function onConnectResubscribes(make, style) {
  const destination = freshDestination('/topic/dropin-onconnect');
  const client = make(rabbitOptions({ reconnectDelay: 200 }));
  const received = [];
  let subscribed = 0;
  const subscribe = () => {
    client.subscribe(destination, (message) => received.push(message.body));
    subscribed += 1;
  };
  client.onConnect = style === 'async'
    ? async () => {
      await new Promise((resolve) => setTimeout(resolve, 30)); // await loadUser()
      subscribe();
    }
    : () => subscribe();
  client.activate();
  await until(() => subscribed === 1, 10000, 'the first subscribe');
  for (let i = 1; i <= 3; i++) {
    client.forceDisconnect();
    await until(() => subscribed === i + 1, 10000, `onConnect's subscribe after reconnect ${i}`);
  }
  client.publish({ destination, body: 'once' });
  await until(() => received.length >= 1, 5000, 'the message').catch(() => {});
  await quietWindow(1000); // duplicates would arrive by now
  return { arrivals: received.length, subscribed };
}

/** 19.10: an async onConnect (await, then subscribe), 3 reconnects, one message: it arrives once, as stompjs. */
export async function asyncOnConnectSubscribesOnce(env) {
  const r = await both(env, ({ make }) => onConnectResubscribes(make, 'async'));
  expectEqual(r.stompjs, { arrivals: 1, subscribed: 4 }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'arrivals of one message after 3 reconnects');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/** 19.10: the same with a sync onConnect. */
export async function syncOnConnectSubscribesOnce(env) {
  const r = await both(env, ({ make }) => onConnectResubscribes(make, 'sync'));
  expectEqual(r.stompjs, { arrivals: 1, subscribed: 4 }, 'stompjs (the oracle)');
  expectSame(r.ours, r.stompjs, 'arrivals of one message after 3 reconnects');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * 19.10: a subscription made before activate() (while not connected: stompjs refuses it) is restored by
 * this client after each of 3 reconnects, and one message arrives exactly once; one made after the
 * first CONNECTED, outside onConnect, lasts for its connection as with stompjs — unless
 * `keepSubscriptions: true`, which keeps it too. (stompjs drops both: asserted, it receives nothing.)
 */
export async function outsideSubscriptionRestoredOnce(env) {
  const keep = await runOutside(env, false);
  const kept = await runOutside(env, true);
  expectEqual(keep.stompjs, { before: 0, after: 0 }, 'stompjs (the oracle) drops a subscription made outside onConnect');
  expectEqual(keep.ours, { before: 1, after: 0 }, 'ours: the one made before activate() is restored (once), the one made while connected lasts for its connection, as stompjs');
  expectEqual(kept.ours, { before: 1, after: 1 }, 'ours with keepSubscriptions: true: both restored, each message once');
  expectNoFaults();
  return { outcome: `default ${JSON.stringify(keep.ours)}; keepSubscriptions ${JSON.stringify(kept.ours)}` };
}

async function runOutside(env, keepSubscriptions) {
  return both(env, async ({ make, name }) => {
    const before = freshDestination('/topic/dropin-outside-before');
    const after = freshDestination('/topic/dropin-outside-after');
    const client = make(rabbitOptions(name === 'ours' && keepSubscriptions ? { reconnectDelay: 200, keepSubscriptions: true } : { reconnectDelay: 200 }));
    const received = { before: 0, after: 0 };
    if (name === 'ours') client.subscribe(before, () => { received.before += 1; });
    let connects = 0;
    client.onConnect = () => { connects += 1; };
    await connect(client);
    client.subscribe(after, () => { received.after += 1; });
    for (let i = 1; i <= 3; i++) {
      client.forceDisconnect();
      await until(() => connects === i + 1, 10000, `reconnect ${i}`);
    }
    if (name === 'ours') client.publish({ destination: before, body: 'once' });
    client.publish({ destination: after, body: 'once' });
    await quietWindow(1500);
    return received;
  });
}

/** How a call ended: 'ok', or the name of what it threw. */
function ended(fn) {
  const outcome = outcomeOf(fn);
  return outcome.threw ? `${outcome.threw.name}: ${outcome.threw.message}` : 'ok';
}

/**
 * 19.12: unsubscribe() of a handle from an earlier connection does not throw — after a reconnect, and
 * after deactivate() — as with stompjs (whose handle writes the UNSUBSCRIBE to the old, closed socket).
 * `client.unsubscribe(id)` of such an id: ours does nothing and never throws; stompjs throws a TypeError
 * when not connected (a deliberate difference, asserted as such). Ours: the current connection's
 * subscription still receives after the stale handle was unsubscribed.
 */
export async function staleUnsubscribeDoesNotThrow(env) {
  const r = await both(env, async ({ make, name }) => {
    const destination = freshDestination('/topic/dropin-stale');
    const client = make(rabbitOptions({ reconnectDelay: 200 }));
    const handles = [];
    const received = [];
    client.onConnect = () => {
      handles.push(client.subscribe(destination, (message) => received.push(message.body)));
    };
    client.activate();
    await until(() => handles.length === 1, 10000, 'the first connection');
    client.forceDisconnect();
    await until(() => handles.length === 2, 10000, 'the reconnect');
    const seen = { handleAfterReconnect: ended(() => handles[0].unsubscribe()) };
    if (name === 'ours') {
      seen.idAfterReconnect = ended(() => client.unsubscribe(handles[0].id));
      client.publish({ destination, body: 'still subscribed' });
      await until(() => received.length >= 1, 5000, 'a message on the current subscription').catch(() => {});
      seen.currentStillReceives = received.length === 1;
    }
    await client.deactivate();
    seen.handleAfterDeactivate = ended(() => handles[1].unsubscribe());
    seen.idAfterDeactivate = ended(() => client.unsubscribe(handles[1].id)).split(':')[0];
    return seen;
  });
  expectEqual(r.stompjs, { handleAfterReconnect: 'ok', handleAfterDeactivate: 'ok', idAfterDeactivate: 'TypeError' },
    'stompjs (the oracle): handles never throw; client.unsubscribe(id) throws while not connected');
  expectEqual(r.ours, {
    handleAfterReconnect: 'ok', idAfterReconnect: 'ok', currentStillReceives: true, handleAfterDeactivate: 'ok', idAfterDeactivate: 'ok',
  }, 'ours');
  expectNoFaults();
  return { outcome: JSON.stringify(r.ours) };
}

/**
 * 19.13: a graceful deactivate(), and in its onWebSocketClose activate() + subscribe(dest, cb): once
 * reconnected, messages to dest reach cb, none goes to onUnhandledMessage. (Ours only: stompjs cannot
 * subscribe while not connected.)
 */
export async function subscribeInCloseOfDeactivate(env) {
  const destination = freshDestination('/topic/dropin-close-subscribe');
  const client = new env.Client(rabbitOptions({ reconnectDelay: 0 }));
  try {
    await connect(client);
    const received = [];
    const unhandled = [];
    client.onUnhandledMessage = (message) => unhandled.push(message.body);
    let once = false;
    client.onWebSocketClose = () => {
      if (once) return;
      once = true;
      client.activate();
      client.subscribe(destination, (message) => received.push(message.body));
    };
    const reconnected = nextConnect(client, 10000);
    client.deactivate();
    await reconnected;
    for (let i = 0; i < 3; i++) client.publish({ destination, body: `m${i}` });
    await until(() => received.length + unhandled.length >= 3, 5000, 'three messages').catch(() => {});
    await quietWindow(300);
    expectEqual({ received, unhandled }, { received: ['m0', 'm1', 'm2'], unhandled: [] }, 'where the messages went');
    expectNoFaults();
    return { outcome: 'the callback got all three' };
  } finally {
    await within(client.deactivate({ force: true }), 5000, 'deactivate').catch(() => {});
  }
}
