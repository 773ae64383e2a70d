// The harness of the issue-20 delivery checks (ack-checks.mjs, order-checks.mjs, refusal-checks.mjs):
// clients of either kind — stomp-wasm (the package under test) or @stomp/stompjs 7.5 (the oracle) — on
// RabbitMQ (Web-STOMP on loopback), created with the same stompjs-shaped options and each recorded at
// its sockets by a WireLog, so that a scenario is written once and run through both; and what the
// checks read from the broker's side (a queue's contents, `scripts/broker` in Node). Environment-
// neutral: the checks run in a Node child and in a Chromium page (run-check.mjs).
import { within, until } from './client-watch.mjs';
import { WireLog } from './wire-log.mjs';

export const RABBITMQ = 'ws://127.0.0.1:15674/ws';
export const LOGIN = { login: 'guest', passcode: 'guest' };

/** @stomp/stompjs 7.5 (the dev dependency), in Node from node_modules, in a page from the static server. */
export function loadStompjs(env) {
  return env.platform === 'node' ? import('@stomp/stompjs') : import('/node_modules/@stomp/stompjs/esm6/index.js');
}

/**
 * A client of `kind` ('stomp-wasm' or 'stompjs') on RabbitMQ, not activated, its sockets recorded:
 * `{kind, client, wire, debug}`. Heart-beats off, reconnecting after 200 ms, then `options`.
 */
export async function makeClient(kind, env, options = {}) {
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
export async function connect(subject, timeout = 10000) {
  const { client } = subject;
  const connected = new Promise((resolve) => {
    client.onConnect = resolve;
  });
  client.activate();
  await within(connected, timeout, `${subject.kind}: the first CONNECTED`);
  client.onConnect = () => {};
}

/** Runs `scenario(subject)` for a client of each kind; resolves to `{'stomp-wasm': result, stompjs: result}`. */
export async function bothClients(env, scenario, options = {}) {
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
export function bodyOf(n, size) {
  const head = `#${n}:`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}

/** The settled states of `promises` (`undefined` for a client whose publish returns nothing). */
export async function settle(promises, timeout, label) {
  const watched = promises.filter((p) => p && typeof p.then === 'function');
  if (watched.length === 0) return null;
  const settled = await within(Promise.allSettled(watched), timeout, label);
  return {
    fulfilled: settled.filter((s) => s.status === 'fulfilled').length,
    rejected: settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason && s.reason.message || s.reason)),
  };
}

/**
 * What `queue` holds now, read by a fresh stompjs client (auto ack): it subscribes, then sends an end
 * marker to the queue, and takes every message until the marker (those before it were there first).
 * Resolves to the `n` headers of what was there (in queue order).
 */
export async function drainQueue(env, queue, options = {}) {
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

/** The delivery tag RabbitMQ reads from an ack id (`T_sub@@session@@tag`): what it acknowledges. */
export function tagOf(id) {
  return String(id).replace(/^.*@@/, '');
}

/**
 * Runs `scripts/broker ARGS…` (Node only): $STOMP_BROKER_SCRIPT, or the repository's. Resolves to its
 * output.
 */
export async function brokerScript(...args) {
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
