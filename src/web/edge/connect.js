// What a connection's start runs in JS: before each attempt, `beforeConnect` (maybe async) and a fresh
// read of `connectHeaders` (stompjs reads both then, and `brokerURL` after them); on CONNECTED, the
// connect callbacks, and the window in which a subscription belongs to that connection (stompjs code
// makes its subscriptions in onConnect, sync or async, and again after every reconnect). Written as
// ES2017.

import { OPTION_ID, packHeaders } from './options.js';

export function isThenable(value) {
  return value !== null && typeof value === 'object' && typeof value.then === 'function';
}

export function describeError(error) {
  if (error && typeof error === 'object' && typeof error.message === 'string') {
    return (error.name ? error.name + ': ' : '') + error.message;
  }
  try {
    return String(error);
  } catch (e) {
    return '(an exception that cannot be shown)';
  }
}

/**
 * CONNECTED on connection `n`: the connect callbacks run; subscriptions they make — while they run,
 * and while the Promises they return are pending — belong to this connection.
 */
export function connected(client, frame, n) {
  client._connection = n;
  client._asyncConnect = null;
  client._inConnect++;
  let results;
  try {
    results = client._emit('connect', [frame]);
  } finally {
    client._inConnect--;
  }
  const window = { connection: n, pending: 0, ended: false };
  const done = function () {
    window.pending--;
  };
  for (let i = 0; i < results.length; i++) {
    if (isThenable(results[i])) {
      window.pending++;
      try {
        results[i].then(done, done);
      } catch (e) {
        window.pending--;
      }
    }
  }
  if (window.pending > 0) client._asyncConnect = window;
}

/**
 * 'open' while a subscription made now belongs to the current connection (a connect callback runs, or
 * the Promise it returned is pending); 'ended' when an async one runs on after its connection ended;
 * else ''.
 */
export function connectWindow(client) {
  if (client._inConnect > 0) return 'open';
  const window = client._asyncConnect;
  if (window === null || window.pending <= 0) return '';
  return window.ended ? 'ended' : 'open';
}

/** The socket closed: an async onConnect still running belongs to a connection that has ended. */
export function connectionEnded(client) {
  if (client._asyncConnect !== null) client._asyncConnect.ended = true;
}

/**
 * Before each connection attempt: `connectHeaders` is read again (stompjs reads it at connect time,
 * and users change it in `beforeConnect`), then the user's `beforeConnect` runs, maybe async; and
 * `brokerURL` is read after it (stompjs reads it then too).
 */
export function beforeConnect(client, generation) {
  client._generation = generation;
  const done = function (error) {
    if (client._generation !== generation) return;
    let message = error === undefined ? undefined : describeError(error);
    if (message === undefined) {
      try {
        client._do('set', client, OPTION_ID.connectHeaders, packHeaders(client._option('connectHeaders'), 'connectHeaders'));
      } catch (e) {
        message = describeError(e);
      }
    }
    client._core.beforeConnectDone(client, generation, message);
  };
  const hook = client._values.beforeConnect;
  if (typeof hook !== 'function') {
    done(undefined);
    return;
  }
  let result;
  try {
    result = hook.call(undefined, client);
  } catch (error) {
    done(error === undefined ? new Error('beforeConnect threw undefined') : error);
    return;
  }
  if (isThenable(result)) {
    result.then(
      function () {
        done(undefined);
      },
      function (error) {
        done(error === undefined ? new Error('beforeConnect rejected') : error);
      },
    );
  } else {
    done(undefined);
  }
}
