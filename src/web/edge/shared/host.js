// The host of shared mode: the one real `Client` (the package's own, with every protocol rule in its
// session) and the tabs that use it through their proxies. It runs in the SharedWorker, or in the
// leader tab, or (no sharing possible) in the tab itself. It only calls the real client's public API
// and routes what comes back:
//
//   - a tab's commands become calls (`publish`, `subscribe`, `ack`, …); ids that tabs choose
//     (receipt and transaction ids, acking subscriptions' ids) get the link's prefix, so that two
//     tabs' ids never meet on the connection, and the prefix routes the answers back;
//   - identical auto-ack subscriptions of several tabs are one SUBSCRIBE (a group, fanned out here);
//     a subscription that acks (client, client-individual) or asks for a receipt is its own SUBSCRIBE,
//     delivered to its tab only, its messages kept here until the tab acks them;
//   - events about the connection go to every active tab; those about one tab's ids to that tab;
//   - the connection is active while at least one tab wants it; a tab that leaves (deactivate,
//     pagehide, or its death seen by the caller through its lock) releases what it held.
//
// What is kept per tab (link): its subscriptions, open transactions, messages awaiting its ack.
// Over 500 lines for one reason: one class whose tables (links, groups, kept messages) every route
// reads and changes; cut in two, each half would reach into the other's.

import { CALLBACKS, EXTRA_EVENTS, OPTION_BY_NAME } from '../options.js';
import { encode, encodeFrame } from './wire.js';

/** Between a link id and a tab's own id (link ids never contain it). */
export const SEP = '~';

function hasOwn(object, name) {
  return Object.prototype.hasOwnProperty.call(object, name);
}

/** The key of an auto-ack subscription: identical ones are shared (the id and receipt never are part). */
function shareKey(destination, headers, conn) {
  const names = Object.keys(headers).sort();
  const entries = [];
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== 'id') entries.push(names[i], headers[names[i]]);
  }
  return JSON.stringify([destination, entries, conn]);
}

function describe(error) {
  return error && error.message ? error.message : String(error);
}

export class Host {
  /**
   * `options`: the first tab's options (data). `env`: `{Client, mode, onIdle(host)}`; `Client` is the
   * package's, `mode` what tabs are told ('worker', 'leader' or 'tab').
   */
  constructor(key, options, env) {
    this.key = key;
    this.env = env;
    this.links = new Map();
    this.groups = new Map();
    this.subs = new Map();
    this.acks = new Map();
    this.conn = 0;
    this.connectedFrame = null;
    this.tabCount = 0;
    this._seq = 0;
    this._tokens = 0;
    this._bc = null;
    this._bcSeq = 0;
    this._debugOn = false;
    const host = this;
    this._relayDebug = function (line) {
      host._debug(line);
    };
    // Every subscription the host makes is kept by its client (restored after reconnects): which of
    // them last for one connection is each tab's rule, applied here (_connectionEnded).
    const all = Object.assign({}, options);
    if (OPTION_BY_NAME.keepSubscriptions) all.keepSubscriptions = true;
    const client = new env.Client(all);
    this.client = client;
    client.beforeConnect = function () {
      return host._beforeConnect();
    };
    const names = CALLBACKS.map(function (c) {
      return c[1];
    }).concat(EXTRA_EVENTS);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      client.on(name, function () {
        host._event(name, Array.prototype.slice.call(arguments));
      });
    }
  }

  /** A proxy's link, after its `hello`. */
  attach(link, hello) {
    const L = {
      id: hello.link,
      tab: hello.tab,
      link: link,
      active: false,
      leaving: false,
      gone: false,
      debug: !!hello.debug,
      beforeConnect: !!hello.beforeConnect,
      subs: new Map(),
      txs: new Set(),
    };
    this.links.set(L.id, L);
    const host = this;
    link.onmessage = function (msg) {
      host._onMessage(L, msg);
    };
    this._updateDebug();
    // What the tab may know before it is active (mode, tabs): `i` says the state is not for it yet.
    const info = this._snapshot();
    info.i = 1;
    link.send(info);
    return L;
  }

  /** Every link of tab `tab` is gone (its lock was released: the tab closed or crashed). */
  releaseTab(tab, why) {
    const gone = [];
    this.links.forEach(function (L) {
      if (L.tab === tab) gone.push(L);
    });
    for (let i = 0; i < gone.length; i++) this.release(gone[i], why);
  }

  /** A link leaves: what it held is let go; the last active one deactivates the connection. */
  release(L, why) {
    if (L.gone) return;
    const wasActive = L.active;
    const subs = L.subs.size;
    this._letGo(L);
    L.gone = true;
    L.active = false;
    L.leaving = false;
    this.links.delete(L.id);
    try {
      L.link.close();
    } catch (e) {
      // already closed
    }
    this._debug('shared: a tab left (' + why + '): ' + subs + ' subscription(s) let go');
    this._updateDebug();
    this._tabsChanged();
    if (wasActive && this._activeCount() === 0) {
      const host = this;
      this.client.deactivate().then(function () {
        host._maybeIdle();
      });
    } else {
      this._maybeIdle();
    }
  }

  // ----- from the tabs -----

  _onMessage(L, msg) {
    if (L.gone) return;
    switch (msg.o) {
      case 'act':
        this._activate(L);
        break;
      case 'deact':
        this._deactivate(L, msg);
        break;
      case 'fd':
        this._call(L, 'forceDisconnect', function (c) {
          c.forceDisconnect();
        });
        break;
      case 'rn':
        this._call(L, 'reconnectNow', function (c) {
          c.reconnectNow();
        });
        break;
      case 'cfg':
        this._call(L, 'configure', function (c) {
          c.configure(msg.v);
        });
        break;
      case 'pub':
        this._publish(L, msg);
        break;
      case 'sub':
        this._subscribe(L, msg);
        break;
      case 'uns':
        this._unsubscribe(L, msg.s, msg.h);
        break;
      case 'ack':
        this._ack(L, msg);
        break;
      case 'ackid':
        this._ackById(L, msg);
        break;
      case 'tx':
        this._transaction(L, msg);
        break;
      case 'dbg':
        L.debug = !!msg.on;
        this._updateDebug();
        break;
      case 'bcd':
        this._beforeConnectDone(L, msg);
        break;
      case 'bye':
        this.release(L, 'pagehide');
        break;
      default:
        this._log(L, 'shared: unknown message ' + String(msg.o));
    }
  }

  _call(L, what, fn) {
    try {
      fn(this.client);
    } catch (error) {
      this._log(L, 'shared: ' + what + '() failed in the shared client: ' + describe(error));
    }
  }

  _activate(L) {
    const first = !L.active;
    L.active = true;
    L.leaving = false;
    this._call(L, 'activate', function (c) {
      if (!c.active) c.activate();
    });
    if (!first) return;
    this._tabsChanged();
    L.link.send(this._snapshot());
    // A tab joining a connection already up gets its CONNECTED now (its onConnect runs for it).
    if (this.client.connected && this.connectedFrame) L.link.send({ o: 'ev', e: 'connect', a: [this.connectedFrame], c: this.conn });
  }

  _deactivate(L, msg) {
    if (!L.active) {
      L.link.send({ o: 'deactd', n: msg.n, last: false });
      return;
    }
    this._letGo(L);
    L.active = false;
    if (this._activeCount() > 0) {
      this._tabsChanged();
      L.link.send({ o: 'deactd', n: msg.n, last: false });
      return;
    }
    // The last tab: the real deactivate (graceful unless forced); the tab sees its events.
    L.leaving = true;
    this._tabsChanged();
    const host = this;
    this.client.deactivate({ force: !!msg.f }).then(function () {
      L.leaving = false;
      if (!L.gone) L.link.send({ o: 'deactd', n: msg.n, last: true });
      host._maybeIdle();
    });
  }

  _publish(L, msg) {
    const params = msg.p;
    if (params.headers) params.headers = this._own(L, params.headers);
    let result;
    try {
      result = this.client.publish(params);
    } catch (error) {
      L.link.send({ o: 'set', n: msg.n, ok: false, e: encode(error) });
      return;
    }
    Promise.resolve(result).then(
      function (value) {
        if (!L.gone) L.link.send({ o: 'set', n: msg.n, ok: true, v: encode(value) });
      },
      function (error) {
        if (!L.gone) L.link.send({ o: 'set', n: msg.n, ok: false, e: encode(error) });
      },
    );
  }

  _subscribe(L, msg) {
    const s = msg.s;
    const headers = Object.assign({}, msg.h);
    delete headers.id;
    if (L.subs.has(s)) {
      L.link.send({ o: 'fail', s: s, e: encode(new Error("a subscription with id '" + s + "' already exists")) });
      return;
    }
    // A subscription made by onConnect for a connection that has already ended: its onConnect runs
    // again on the next one.
    if (msg.c && (msg.c !== this.conn || !this.client.connected)) return;
    const ack = headers.ack === undefined ? 'auto' : headers.ack;
    const shared = ack === 'auto' && !hasOwn(headers, 'receipt');
    const key = shared ? shareKey(msg.d, headers, msg.c) : null;
    let group = shared ? this.groups.get(key) : undefined;
    if (!group) {
      const hostId = shared ? 'shared-' + ++this._seq : L.id + SEP + s;
      group = { hostId: hostId, key: key, ack: ack, conn: msg.c, holders: [], tokens: new Set() };
      const wire = this._own(L, headers);
      wire.id = hostId;
      const host = this;
      const g = group;
      try {
        this.client.subscribe(
          msg.d,
          function (message) {
            host._deliver(g, message);
          },
          wire,
        );
      } catch (error) {
        L.link.send({ o: 'fail', s: s, e: encode(error) });
        return;
      }
      this.subs.set(hostId, group);
      if (shared) this.groups.set(key, group);
    }
    group.holders.push({ L: L, s: s });
    L.subs.set(s, group);
  }

  _deliver(group, message) {
    const f = encodeFrame(message);
    let t = 0;
    if (group.ack !== 'auto') {
      t = ++this._tokens;
      this.acks.set(t, { message: message, group: group });
      group.tokens.add(t);
    }
    const holders = group.holders;
    for (let i = 0; i < holders.length; i++) holders[i].L.link.send({ o: 'm', s: holders[i].s, f: f, t: t, c: this.conn });
  }

  _unsubscribe(L, s, headers) {
    const group = L.subs.get(s);
    if (!group) {
      this._log(L, "shared: unsubscribe('" + s + "'): no such subscription of this tab; nothing sent");
      return;
    }
    L.subs.delete(s);
    group.holders = group.holders.filter(function (h) {
      return !(h.L === L && h.s === s);
    });
    if (group.holders.length === 0) this._drop(group, headers ? this._own(L, headers) : undefined, true);
  }

  /** A group nobody holds: UNSUBSCRIBE (unless its connection is gone), and its kept messages go. */
  _drop(group, headers, unsubscribe) {
    this.subs.delete(group.hostId);
    if (group.key !== null && this.groups.get(group.key) === group) this.groups.delete(group.key);
    const acks = this.acks;
    group.tokens.forEach(function (t) {
      acks.delete(t);
    });
    group.tokens.clear();
    if (!unsubscribe) return;
    try {
      this.client.unsubscribe(group.hostId, headers);
    } catch (error) {
      this._debug('shared: unsubscribe of ' + group.hostId + ' failed: ' + describe(error));
    }
  }

  _ack(L, msg) {
    const entry = this.acks.get(msg.t);
    const verb = msg.a ? 'ack' : 'nack';
    if (!entry) {
      this._log(L, 'message.' + verb + '(): the shared client no longer holds this message (its connection ended or its subscription went); nothing sent');
      return;
    }
    const group = entry.group;
    const acks = this.acks;
    if (group.ack === 'client') {
      // Cumulative: this one settles every earlier message of the subscription too.
      const settled = [];
      group.tokens.forEach(function (t) {
        if (t <= msg.t) settled.push(t);
      });
      for (let i = 0; i < settled.length; i++) {
        group.tokens.delete(settled[i]);
        acks.delete(settled[i]);
      }
    } else {
      group.tokens.delete(msg.t);
      acks.delete(msg.t);
    }
    const headers = msg.h ? this._own(L, msg.h) : undefined;
    try {
      const sent = msg.a ? entry.message.ack(headers) : entry.message.nack(headers);
      if (sent === false) this._log(L, 'message.' + verb + '(): not sent by the shared client (see its debug line)');
    } catch (error) {
      this._log(L, 'message.' + verb + '() failed in the shared client: ' + describe(error));
    }
  }

  _ackById(L, msg) {
    const group = L.subs.get(msg.s);
    const id = group ? group.hostId : msg.s;
    const headers = msg.h ? this._own(L, msg.h) : undefined;
    this._call(L, msg.a ? 'ack' : 'nack', function (c) {
      if (msg.a) c.ack(msg.m, id, headers);
      else c.nack(msg.m, id, headers);
    });
  }

  _transaction(L, msg) {
    const id = L.id + SEP + msg.x;
    if (msg.k === 'begin') L.txs.add(msg.x);
    else L.txs.delete(msg.x);
    this._call(L, msg.k, function (c) {
      if (msg.k === 'begin') c.begin(id);
      else if (msg.k === 'commit') c.commit(id);
      else c.abort(id);
    });
  }

  /** What a leaving link held: subscriptions, open transactions (aborted), a beforeConnect it runs. */
  _letGo(L) {
    const sids = Array.from(L.subs.keys());
    for (let i = 0; i < sids.length; i++) this._unsubscribe(L, sids[i]);
    const host = this;
    L.txs.forEach(function (x) {
      if (host.client.connected) {
        try {
          host.client.abort(L.id + SEP + x);
        } catch (e) {
          // ended with its connection already
        }
      }
    });
    L.txs.clear();
    if (this._bc && this._bc.L === L) {
      const wait = this._bc;
      this._bc = null;
      wait.resolve();
    }
  }

  /** Headers of a tab with its receipt and transaction ids made unique to its link. */
  _own(L, headers) {
    const out = Object.assign({}, headers);
    if (hasOwn(out, 'receipt')) out.receipt = L.id + SEP + out.receipt;
    if (hasOwn(out, 'transaction')) out.transaction = L.id + SEP + out.transaction;
    return out;
  }

  /** `{L, rest}` for an id with a link prefix of a link still here. */
  _owner(id) {
    if (typeof id !== 'string') return null;
    const at = id.indexOf(SEP);
    if (at < 0) return null;
    const L = this.links.get(id.slice(0, at));
    return L ? { L: L, rest: id.slice(at + 1) } : null;
  }

  // ----- beforeConnect: run by the oldest active tab that has one -----

  _beforeConnect() {
    let target = null;
    this.links.forEach(function (L) {
      if (!target && L.active && L.beforeConnect) target = L;
    });
    if (!target) return undefined;
    const g = ++this._bcSeq;
    const host = this;
    return new Promise(function (resolve, reject) {
      host._bc = { L: target, g: g, resolve: resolve, reject: reject };
      target.link.send({ o: 'bc', g: g });
    });
  }

  _beforeConnectDone(L, msg) {
    const wait = this._bc;
    if (!wait || wait.L !== L || wait.g !== msg.g) return;
    this._bc = null;
    if (msg.e === undefined || msg.e === null) wait.resolve();
    else wait.reject(new Error(msg.e));
  }

  // ----- from the real client -----

  _event(name, args) {
    switch (name) {
      case 'connect':
        this.conn++;
        this.connectedFrame = encode(args[0]);
        this._broadcast({ o: 'ev', e: 'connect', a: [this.connectedFrame], c: this.conn });
        return;
      case 'state':
        this._broadcast(this._snapshot());
        return;
      case 'changeState':
        return; // each tab has its own (its activation, then the connection's)
      case 'webSocketClose':
        this._connectionEnded();
        break;
      case 'unhandledReceipt': {
        const frame = encodeFrame(args[0]);
        const owner = this._owner(frame.headers['receipt-id']);
        if (owner) {
          frame.headers = Object.assign({}, frame.headers, { 'receipt-id': owner.rest });
          owner.L.link.send({ o: 'ev', e: name, a: [frame] });
          return;
        }
        this._broadcast({ o: 'ev', e: name, a: [frame] });
        return;
      }
      case 'receiptFailed': {
        const detail = args[0] || {};
        const owner = this._owner(detail.receiptId);
        if (owner) {
          owner.L.link.send({ o: 'ev', e: name, a: [encode(Object.assign({}, detail, { receiptId: owner.rest }))] });
          return;
        }
        break;
      }
      case 'transactionsAborted': {
        const ids = args[0] || [];
        const byLink = new Map();
        const others = [];
        for (let i = 0; i < ids.length; i++) {
          const owner = this._owner(ids[i]);
          if (!owner) {
            others.push(ids[i]);
            continue;
          }
          owner.L.txs.delete(owner.rest);
          if (!byLink.has(owner.L)) byLink.set(owner.L, []);
          byLink.get(owner.L).push(owner.rest);
        }
        byLink.forEach(function (list, L) {
          L.link.send({ o: 'ev', e: name, a: [list] });
        });
        if (others.length) this._broadcast({ o: 'ev', e: name, a: [others] });
        return;
      }
      case 'subscriptionLost': {
        const detail = args[0] || {};
        const group = this.subs.get(detail.id);
        if (!group) break;
        this._drop(group, undefined, false);
        for (let i = 0; i < group.holders.length; i++) {
          const h = group.holders[i];
          h.L.subs.delete(h.s);
          h.L.link.send({ o: 'ev', e: name, a: [encode(Object.assign({}, detail, { id: h.s }))] });
        }
        return;
      }
      case 'messageRefused': {
        const detail = args[0] || {};
        const message = detail.message;
        const group = message && message.headers ? this.subs.get(message.headers.subscription) : undefined;
        if (!group) break;
        const f = encodeFrame(message);
        let t = 0;
        if (group.ack !== 'auto') {
          t = ++this._tokens;
          this.acks.set(t, { message: message, group: group });
          group.tokens.add(t);
        }
        const error = encode(detail.error);
        for (let i = 0; i < group.holders.length; i++) {
          const h = group.holders[i];
          h.L.link.send({ o: 'ev', e: name, a: [{ message: f, error: error }], s: h.s, t: t, c: this.conn });
        }
        return;
      }
      default:
        break;
    }
    this._broadcast({ o: 'ev', e: name, a: encode(args) });
  }

  /**
   * The connection ended: subscriptions made by onConnect end with it (each tab's onConnect makes
   * them again), and messages awaiting an ack can no longer be acked (the broker redelivers them).
   */
  _connectionEnded() {
    this.connectedFrame = null;
    const ended = [];
    this.subs.forEach(function (group) {
      if (group.conn) ended.push(group);
    });
    for (let i = 0; i < ended.length; i++) {
      const group = ended[i];
      for (let j = 0; j < group.holders.length; j++) group.holders[j].L.subs.delete(group.holders[j].s);
      group.holders = [];
      this._drop(group, undefined, true);
    }
    this.acks.clear();
    this.subs.forEach(function (group) {
      group.tokens.clear();
    });
  }

  // ----- to the tabs -----

  _snapshot() {
    const c = this.client;
    const connected = c.connected;
    return {
      o: 'st',
      s: c.connectionState,
      v: connected ? c.connectedVersion : null,
      h: connected ? c.serverHeaders : null,
      c: this.conn,
      n: this.tabCount,
      m: this.env.mode,
    };
  }

  /** To every tab that wants the connection (and one that is leaving it, until it is down). */
  _broadcast(msg) {
    this.links.forEach(function (L) {
      if (L.active || L.leaving) L.link.send(msg);
    });
  }

  _activeCount() {
    let n = 0;
    this.links.forEach(function (L) {
      if (L.active) n++;
    });
    return n;
  }

  _tabsChanged() {
    const tabs = new Set();
    this.links.forEach(function (L) {
      if (L.active) tabs.add(L.tab);
    });
    if (tabs.size === this.tabCount) return;
    this.tabCount = tabs.size;
    this._broadcast(this._snapshot());
  }

  _updateDebug() {
    let on = false;
    this.links.forEach(function (L) {
      if (L.debug) on = true;
    });
    if (on === this._debugOn) return;
    this._debugOn = on;
    this.client.debug = on ? this._relayDebug : undefined;
  }

  /** A debug line to every tab that wants them. */
  _debug(line) {
    this.links.forEach(function (L) {
      if (L.debug) L.link.send({ o: 'log', l: line });
    });
  }

  _log(L, line) {
    if (L.debug) L.link.send({ o: 'log', l: line });
  }

  _maybeIdle() {
    if (this.links.size === 0 && this.client.connectionState === 'inactive' && this.env.onIdle) this.env.onIdle(this);
  }
}
