// A tab's proxy Client (proxy.js) and its host: attaching to one (hello, then the tab's whole state),
// losing it (a leader tab closed: what is in flight is re-sent or rejected), falling back to another
// mode, and what the host sends — messages for its subscriptions, publish outcomes, the real client's
// events (routed to this tab, with this tab's own ids), state snapshots, debug lines, the request to run
// beforeConnect. The methods are the Client's, installed on its prototype by proxy.js.
// Written as ES2017 like the rest of the edge.

import { Frame } from '../entries/web.js';
import { wasmURL, markWorkerBroken } from './modes.js';
import { TAB_ID } from './tabs.js';
import { hostOptions, decode, decodeFrame, decodeError } from './wire.js';

function describeError(error) {
  if (error && typeof error === 'object' && typeof error.message === 'string') return (error.name ? error.name + ': ' : '') + error.message;
  try {
    return String(error);
  } catch (e) {
    return '(an exception that cannot be shown)';
  }
}

export class ProxyLink {
  /** A link to a host: hello, then (if active) the whole state. */
  _attach(link, mode) {
    this._link = link;
    this._mode = mode;
    const client = this;
    link.onmessage = function (msg) {
      if (client._link === link) client._onMessage(msg);
    };
    link.send({
      o: 'hello',
      tab: TAB_ID,
      link: link.id,
      key: this._key,
      options: hostOptions(this._values),
      debug: this._wantsDebug(),
      beforeConnect: typeof this._values.beforeConnect === 'function',
      wasm: wasmURL(),
    });
    if (this._active) this._sync();
  }

  /** What the host must know of an active tab: active, its subscriptions, its unsent publishes. */
  _sync() {
    const link = this._link;
    link.send({ o: 'act' });
    this._subs.forEach(function (sub) {
      if (!sub.c) link.send({ o: 'sub', s: sub.id, d: sub.d, h: sub.h, c: 0 });
    });
    this._pending.forEach(function (entry) {
      if (entry.sent === null) {
        entry.sent = link;
        link.send({ o: 'pub', n: entry.n, p: entry.p });
      }
    });
  }

  /**
   * The host is gone (the leader tab closed): what was in flight there is lost, but for at-least-once
   * frames, kept to be sent again; the connection ended as far as this tab can tell.
   */
  _linkLost(why) {
    const link = this._link;
    if (!link) return;
    this._link = null;
    try {
      link.close();
    } catch (e) {
      // gone already
    }
    const lost = [];
    this._pending.forEach(function (entry) {
      if (entry.sent !== link) return;
      if (entry.alo) entry.sent = null;
      else lost.push(entry);
    });
    for (let i = 0; i < lost.length; i++) {
      this._pending.delete(lost[i].n);
      lost[i].reject(new Error('publish(): the shared connection was lost before this frame was confirmed (' + why + ')'));
    }
    this._deacts.forEach(function (d) {
      d.resolve();
    });
    this._deacts.clear();
    this._log('shared: ' + why);
    if (!this._active) {
      this._setState('inactive');
      return;
    }
    const wasConnected = this._state === 'connected';
    this._endConnection();
    if (wasConnected) {
      this._emit('webSocketClose', [{ type: 'close', code: 1006, reason: 'shared connection lost: ' + why, wasClean: false }]);
      this._setState('reconnecting');
    }
  }

  /** The SharedWorker could not start: the same tab goes on with the next mode. */
  _fallback(link, why) {
    if (this._link !== link) return;
    this._log('shared mode: ' + why + '; falling back to ' + (typeof BroadcastChannel === 'function' ? 'leader election' : 'a connection per tab'));
    this._rejoin(why);
  }

  /** Finds a host again (after a fallback, or a page restored from the back/forward cache). */
  _rejoin(why) {
    this._linkLost(why);
    if (this._joined) this._joined.leave();
    this._joined = null;
    if (this._active) {
      this._active = false;
      this.activate();
    }
  }

  /** Leaves the current host (options changed between activations: another configuration). */
  _detach() {
    const link = this._link;
    if (link) {
      link.send({ o: 'bye' });
      this._link = null;
      link.close();
    }
    if (this._joined) this._joined.leave();
    this._joined = null;
  }

  /** The page is going away (pagehide): tell the host now, it must not wait for the lock. */
  _pagehide() {
    if (this._link) {
      this._link.send({ o: 'bye' });
      this._link.flush();
    }
  }

  // ----- from the host -----

  _onMessage(msg) {
    switch (msg.o) {
      case 'm':
        this._message(msg);
        break;
      case 'st': {
        const changed = msg.n !== this._host.n || msg.m !== this._host.m;
        this._host.m = msg.m;
        this._host.n = msg.n;
        this._host.c = msg.c;
        if (msg.h) {
          this._host.h = msg.h;
          this._host.v = msg.v;
        }
        if (changed) this._emit('sharing', [{ mode: msg.m, tabs: msg.n }]);
        if (!msg.i && (this._active || this._deacts.size)) this._setState(msg.s);
        break;
      }
      case 'ev':
        this._event(msg);
        break;
      case 'set':
        this._settle(msg);
        break;
      case 'deactd':
        this._deactivated(msg);
        break;
      case 'log':
        this._log(msg.l);
        break;
      case 'bc':
        this._beforeConnect(msg.g);
        break;
      case 'fail': {
        const sub = this._subs.get(msg.s);
        if (sub) this._subs.delete(msg.s);
        this._log("subscribe(): subscription '" + msg.s + "' refused by the shared client: " + msg.e.message);
        this._emit('subscriptionLost', [{ id: msg.s, error: msg.e.message }]);
        break;
      }
      case 'fatal':
        if (this._mode === 'worker') {
          markWorkerBroken(msg.e);
          this._fallback(this._link, msg.e);
        } else {
          this._log('shared: ' + msg.e);
        }
        break;
      default:
        break;
    }
  }

  _makeMessage(f, sid, token, conn) {
    const headers = f.headers;
    if (sid !== undefined) headers.subscription = sid;
    const message = new this._Message(f.command, headers, f.body, f.bytes);
    if (token) this._tokens.set(message, { t: token, c: conn, link: this._link });
    return message;
  }

  _message(msg) {
    const message = this._makeMessage(msg.f, msg.s, msg.t, msg.c);
    const sub = this._subs.get(msg.s);
    if (!sub) {
      this._emit('unhandledMessage', [message]);
      return;
    }
    try {
      sub.cb(message);
    } catch (error) {
      this._report('subscription callback', error);
    }
  }

  _settle(msg) {
    const entry = this._pending.get(msg.n);
    if (!entry) return;
    this._pending.delete(msg.n);
    if (msg.ok) entry.resolve(decode(msg.v));
    else entry.reject(decodeError(msg.e));
  }

  _deactivated(msg) {
    const d = this._deacts.get(msg.n);
    if (!d) return;
    this._deacts.delete(msg.n);
    if (!this._active) {
      this._cleared();
      this._setState('inactive');
      // Leaving a connection other tabs keep: for this tab it was a graceful disconnect.
      if (!msg.last && d.wasConnected && !d.force) this._emit('disconnect', [new Frame('RECEIPT', {}, '', null)]);
    }
    d.resolve();
  }

  /** Rejects every publish not yet handed to a host. */
  _giveUp(why) {
    const unsent = [];
    this._pending.forEach(function (entry) {
      if (entry.sent === null) unsent.push(entry);
    });
    for (let i = 0; i < unsent.length; i++) {
      this._pending.delete(unsent[i].n);
      unsent[i].reject(new Error(why));
    }
    if (unsent.length) this._emit('queueDiscarded', [{ frames: unsent.length }]);
  }

  /** What a deactivated client forgets (as the package's: subscriptions, watchers, transactions). */
  _cleared() {
    this._subs.clear();
    this._watchers.clear();
    this._txs.clear();
  }

  _event(msg) {
    const name = msg.e;
    switch (name) {
      case 'connect': {
        this._host.c = msg.c;
        this._setState('connected');
        this._connect(decodeFrame(msg.a[0]), msg.c);
        return;
      }
      case 'webSocketClose':
        this._endConnection();
        break;
      case 'unhandledReceipt': {
        const frame = decodeFrame(msg.a[0]);
        const id = frame.headers['receipt-id'];
        const watcher = this._watchers.get(id);
        if (watcher) {
          this._watchers.delete(id);
          this._call(watcher, [frame], 'watchForReceipt callback');
          return;
        }
        this._emit(name, [frame]);
        return;
      }
      case 'transactionsAborted': {
        const ids = msg.a[0] || [];
        for (let i = 0; i < ids.length; i++) this._txs.delete(ids[i]);
        break;
      }
      case 'subscriptionLost':
        if (msg.a[0]) this._subs.delete(msg.a[0].id);
        break;
      case 'messageRefused': {
        const detail = msg.a[0];
        this._emit(name, [{ message: this._makeMessage(detail.message, msg.s, msg.t, msg.c), error: decode(detail.error) }]);
        return;
      }
      case 'unhandledMessage':
        this._emit(name, [this._makeMessage(msg.a[0])]);
        return;
      default:
        break;
    }
    this._emit(name, decode(msg.a));
  }

  /**
   * CONNECTED: `onConnect` and the 'connect' listeners run; what they subscribe (also while the
   * Promise onConnect returned is pending) belongs to this connection, as with the package's client.
   */
  _connect(frame, conn) {
    this._inConnect = conn;
    let result;
    try {
      const slot = this._slots.onConnect;
      if (typeof slot === 'function') {
        try {
          result = slot.call(undefined, frame);
        } catch (error) {
          this._report('onConnect callback', error);
        }
      }
      const list = this._listeners.connect;
      if (list) {
        const copy = list.slice();
        for (let i = 0; i < copy.length; i++) this._call(copy[i], [frame], "'connect' listener");
      }
    } finally {
      this._inConnect = 0;
    }
    if (result && typeof result.then === 'function') {
      this._asyncConnect = conn;
      const client = this;
      const done = function () {
        if (client._asyncConnect === conn) client._asyncConnect = 0;
      };
      result.then(done, done);
    }
  }

  /** The connection ended: subscriptions made by onConnect end with it (onConnect makes them again). */
  _endConnection() {
    this._asyncConnect = 0;
    const ended = [];
    this._subs.forEach(function (sub) {
      if (sub.c) ended.push(sub.id);
    });
    for (let i = 0; i < ended.length; i++) this._subs.delete(ended[i]);
  }

  _beforeConnect(g) {
    const link = this._link;
    const client = this;
    const done = function (error) {
      if (client._link !== link) return;
      link.send({ o: 'bcd', g: g, e: error === undefined ? null : describeError(error) });
    };
    const hook = this._values.beforeConnect;
    if (typeof hook !== 'function') {
      done();
      return;
    }
    let result;
    try {
      result = hook.call(undefined, this);
    } catch (error) {
      done(error === undefined ? new Error('beforeConnect threw undefined') : error);
      return;
    }
    if (result && typeof result.then === 'function') {
      result.then(
        function () {
          done();
        },
        function (error) {
          done(error === undefined ? new Error('beforeConnect rejected') : error);
        },
      );
    } else {
      done();
    }
  }
}
