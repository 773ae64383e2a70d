// The bridge between the wasm `ClientCore` and the `Client`: what wasm calls (`_e` per event, `_f` per
// received frame; numbers from wire.js), and how a refusal from wasm (`CODE\0message`) becomes the Error
// JS throws. Every handler here runs user callbacks through `client._emit`/`_call`, which report and
// swallow what they throw: a throwing callback never breaks the client. Written as ES2017.

import { EVENT, FRAME } from './wire.js';
import { Frame, makeFrame } from './frames.js';
import { settleWritten, settleFailed, settleReceipt } from './publish.js';
import { connectionEnded } from './connect.js';

const COMMANDS = ['MESSAGE', 'MESSAGE', 'CONNECTED', 'RECEIPT', 'RECEIPT', 'ERROR', 'ERROR', '', 'MESSAGE'];

/** Codes of the refusals stompjs throws a TypeError for (no connection, not allowed now). */
const TYPE_ERRORS = { INVALID_STATE: 1, NOT_CONNECTED: 1, MISSING_HEADER: 1 };

/** The session's names of its limits, as JS users know them (their option names). */
const JS_NAMES = [
  ['max_queued_frames', 'maxQueuedFrames'],
  ['max_queued_bytes', 'maxQueuedBytes'],
  ['max_unconfirmed_bytes', 'maxUnconfirmedBytes'],
  ['max_header_bytes', 'maxHeaderBytes'],
  ['max_headers', 'maxHeaders'],
  ['max_body_bytes', 'maxBodyBytes'],
];

/** A message of the session's, with its names of options as JS knows them. */
export function jsNames(message) {
  let text = message;
  for (let i = 0; i < JS_NAMES.length; i++) {
    if (text.indexOf(JS_NAMES[i][0]) >= 0) text = text.split(JS_NAMES[i][0]).join(JS_NAMES[i][1]);
  }
  return text;
}

/**
 * What wasm threw, as the Error JS throws: a refusal (`CODE\0message`) becomes a TypeError where stompjs
 * throws one, else an Error, with `code` set; anything else (a trap: a bug) is returned as it is.
 */
export function toError(thrown) {
  if (typeof thrown !== 'string') return thrown;
  const at = thrown.indexOf('\0');
  const code = at < 0 ? 'ERROR' : thrown.slice(0, at);
  const message = jsNames(at < 0 ? thrown : thrown.slice(at + 1));
  const error = TYPE_ERRORS[code] ? new TypeError(message) : new Error(message);
  error.code = code;
  return error;
}

function ids(packed) {
  return packed === '' ? [] : packed.split('\0');
}

/** One event from wasm (`kind`: wire.js EVENT). */
export function onEvent(client, kind, a, b, n, m, x) {
  switch (kind) {
    case EVENT.STATE:
      client._emit('state', [a]);
      if (n !== client._activation) {
        client._activation = n;
        client._emit('changeState', [n]);
      }
      if (a === 'inactive') client._settleWaiters();
      break;
    case EVENT.WRITTEN:
      settleWritten(client, n);
      break;
    case EVENT.SEND_FAILED: {
      const message = 'publish(): ' + jsNames(a);
      client._lastDiscard = message;
      settleFailed(client, n, message);
      if (b !== '') failReceipt(client, b, message);
      client._log(message);
      break;
    }
    case EVENT.RECEIPT_FAILED:
      if (n > 0) settleFailed(client, n, jsNames(b));
      failReceipt(client, a, jsNames(b));
      client._log(jsNames(b));
      break;
    case EVENT.QUEUE_DISCARDED:
      client._discarded(n);
      break;
    case EVENT.CONNECT_FAILED: {
      client._log('connect attempt failed: ' + jsNames(a));
      const detail = { reason: jsNames(a) };
      if (client._connectError) detail.frame = client._connectError;
      client._connectError = null;
      client._emit('connectFailed', [detail]);
      break;
    }
    case EVENT.HEARTBEAT_RECEIVED:
      client._emit('heartbeatReceived', []);
      break;
    case EVENT.HEARTBEAT_LOST:
      client._emit('heartbeatLost', []);
      break;
    case EVENT.SOCKET_ERROR: {
      const raw = b === 'protocol' ? undefined : client._core.takeSocketEvent();
      client._emit('webSocketError', [raw !== undefined ? raw : new Error(jsNames(a))]);
      break;
    }
    case EVENT.SOCKET_CLOSED: {
      connectionEnded(client);
      let event = client._core.takeSocketEvent();
      if (event === undefined) event = { type: 'close', code: n, reason: a, wasClean: b === '1' };
      client._emit('webSocketClose', [event]);
      break;
    }
    case EVENT.TRANSACTIONS_ABORTED:
      client._emit('transactionsAborted', [ids(a)]);
      break;
    case EVENT.SUBSCRIPTIONS_ENDED: {
      const ended = ids(a);
      for (let i = 0; i < ended.length; i++) client._subs.delete(ended[i]);
      break;
    }
    case EVENT.ACKS_DROPPED:
      client._log(n + ' ACK/NACK frame(s) waiting behind backpressure were not sent: their connection ended (the broker redelivers their messages)');
      break;
    case EVENT.DISCONNECTED:
      client._watchers.clear();
      // As stompjs: onDisconnect only when the broker confirmed the DISCONNECT (not after a forced
      // or timed-out one); the deactivate() Promise settles either way.
      if (n === 1) client._emit('disconnect', [new Frame('RECEIPT', {}, '', null)]);
      client._settleWaiters();
      break;
    case EVENT.RECONNECT_SCHEDULED:
      client._emit('reconnectScheduled', [{ attempt: n, delay: m, at: x }]);
      break;
    case EVENT.RECONNECT_FAILED:
      client._emit('reconnectFailed', [{ attempts: n }]);
      break;
    case EVENT.BEFORE_CONNECT:
      client._beforeConnect(n);
      break;
    case EVENT.DEBUG:
      client._log(a);
      break;
    case EVENT.SUBSCRIPTION_LOST:
      client._subs.delete(a);
      client._log('subscription ' + a + ' lost: ' + b);
      client._emit('subscriptionLost', [{ id: a, error: b }]);
      break;
    default:
      break;
  }
}

function failReceipt(client, id, message) {
  client._watchers.delete(id);
  client._emit('receiptFailed', [{ receiptId: id, error: message }]);
}

/** One received frame (`kind`: wire.js FRAME; `view` is wasm memory: not kept). */
export function onFrame(client, kind, headers, view, extra, n) {
  const command = kind === FRAME.UNHANDLED_FRAME ? extra : COMMANDS[kind];
  const message = kind <= FRAME.UNHANDLED_MESSAGE || kind === FRAME.REFUSED_MESSAGE;
  const frame = makeFrame(message ? client._Message : Frame, command, headers, view);
  switch (kind) {
    case FRAME.MESSAGE: {
      frame._connection = n;
      const callback = client._subs.get(frame.headers.subscription);
      if (callback) {
        // The per-message path: no argument array.
        try {
          callback(frame);
        } catch (error) {
          client._report('subscription callback', error);
        }
      } else client._emit('unhandledMessage', [frame]);
      break;
    }
    case FRAME.UNHANDLED_MESSAGE:
      frame._connection = client._connection;
      client._emit('unhandledMessage', [frame]);
      break;
    case FRAME.REFUSED_MESSAGE: {
      frame._connection = n;
      const error = 'a message of subscription ' + frame.headers.subscription + ' (message-id ' + frame.headers['message-id'] +
        ') exceeds ' + jsNames(extra) + ': skipped, its headers kept (ack() or nack() it; an ack: auto message is lost)';
      client._log(error);
      client._emit('messageRefused', [{ message: frame, error: error }]);
      break;
    }
    case FRAME.CONNECTED:
      client._connected(frame, n);
      break;
    case FRAME.RECEIPT: {
      const id = extra;
      let handled = settleReceipt(client, n, frame);
      const watcher = client._watchers.get(id);
      if (watcher) {
        client._watchers.delete(id);
        client._call(watcher, [frame], 'watchForReceipt callback');
        handled = true;
      }
      if (!handled) client._emit('unhandledReceipt', [frame]);
      break;
    }
    case FRAME.UNHANDLED_RECEIPT: {
      const watcher = client._watchers.get(frame.headers['receipt-id']);
      if (watcher) {
        client._watchers.delete(frame.headers['receipt-id']);
        client._call(watcher, [frame], 'watchForReceipt callback');
      } else client._emit('unhandledReceipt', [frame]);
      break;
    }
    case FRAME.ERROR:
      client._emit('stompError', [frame]);
      break;
    case FRAME.CONNECT_ERROR:
      client._connectError = frame;
      client._emit('stompError', [frame]);
      break;
    default:
      client._emit('unhandledFrame', [frame]);
  }
}
