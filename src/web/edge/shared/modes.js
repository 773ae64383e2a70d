// Where a tab's proxy finds its host, by mode:
//
//   worker  a SharedWorker (shared-worker.js, one per origin and share name) hosts one real client per
//           configuration; each proxy has its own MessagePort to it.
//   leader  no SharedWorker (Chrome for Android, some WebViews): the tabs of one configuration elect a
//           leader with a Web Lock; the leader runs the host in its page and talks to the others over a
//           BroadcastChannel. When it closes, the next tab in the lock's queue takes over: its proxies
//           and every other tab's re-attach, sending their whole state again (see proxy.js).
//   tab     neither: the host runs in this page for this page only (a connection per tab, as without
//           shared mode), and `debug` says so.
//
// A host learns that a tab has gone through the tab's lifetime lock (tabs.js).

import init, { Client as RealClient } from '../entries/web.js';
import { Host } from './host.js';
import { PortLink, ChannelLink, ChannelHost } from './links.js';
import { randomId, keyHash } from './wire.js';
import { nextLinkId, locks, holdTabLock, tabWatcher, acceptLink } from './tabs.js';

/** What this page can do: 'worker', 'leader' or 'tab'. */
export function environment() {
  if (typeof SharedWorker === 'function' && !workerBroken) return 'worker';
  if (locks() && typeof BroadcastChannel === 'function') return 'leader';
  return 'tab';
}

// ----- the wasm, loaded only where this page may host -----

let wasmInput;
let wasmPromise = null;
let initCalled = false;
let workerBroken = null;

/** The SharedWorker failed (it said so on its port): this page goes on without it. */
export function markWorkerBroken(why) {
  workerBroken = why;
}

/** The shared entry's `init()`: remembers where the wasm is; loads it unless a SharedWorker will host. */
export function initShared(input) {
  initCalled = true;
  wasmInput = input;
  const held = holdTabLock();
  if (environment() === 'worker') return held;
  return Promise.all([held, ensureWasm()]).then(function () {});
}

export function initialized() {
  return initCalled;
}

export function ensureWasm() {
  if (!wasmPromise) {
    wasmPromise = init(wasmInput);
    wasmPromise.catch(function () {
      wasmPromise = null;
    });
  }
  return wasmPromise;
}

/** The wasm's URL as the worker should load it (only a URL crosses: bytes or a Module stay here). */
export function wasmURL() {
  const input = wasmInput && typeof wasmInput === 'object' && 'module_or_path' in wasmInput ? wasmInput.module_or_path : wasmInput;
  if (typeof input === 'string' || (typeof URL === 'function' && input instanceof URL)) {
    return new URL(String(input), typeof location === 'object' ? location.href : undefined).href;
  }
  return null;
}

// ----- worker mode -----

function startWorker(share) {
  const options = { type: 'module', name: share.name };
  if (share.workerURL) return new SharedWorker(share.workerURL, options);
  // Written out for bundlers (Vite, webpack 5): they see this pattern and ship shared-worker.js.
  return new SharedWorker(new URL('./shared-worker.js', import.meta.url), { type: 'module', name: share.name });
}

function joinWorker(proxy, share) {
  let worker;
  try {
    worker = startWorker(share);
  } catch (error) {
    workerBroken = 'new SharedWorker() threw: ' + (error && error.message ? error.message : String(error));
    return false;
  }
  const link = new PortLink(worker.port);
  link.id = nextLinkId();
  link.worker = worker;
  worker.onerror = function (event) {
    workerBroken = 'the SharedWorker failed to start' + (event && event.message ? ': ' + event.message : ' (its script did not load: CSP worker-src, or a bundler that did not ship shared-worker.js)');
    proxy._fallback(link, workerBroken);
  };
  proxy._attach(link, 'worker');
  return true;
}

// ----- leader and tab modes -----

const coordinators = new Map();

/**
 * The page's side of one configuration in leader mode (or in tab mode, `alone`): its proxies, the
 * leader term they are attached to, and the host while this page leads.
 */
class Coordinator {
  constructor(key, share, alone) {
    this.key = key;
    this.alone = alone;
    this.proxies = new Set();
    this.term = null;
    this.leading = false;
    this.host = null;
    this.channelHost = null;
    this.followerLinks = new Map();
    const hash = keyHash(key);
    const self = this;
    this.watch = tabWatcher(function (tab) {
      if (self.host) self.host.releaseTab(tab, 'closed or crashed');
    });
    if (alone) {
      this.channel = null;
      this._lead();
      return;
    }
    this.channel = new BroadcastChannel('stomp-wasm/' + share.name + '/' + hash);
    this.channel.onmessage = function (event) {
      self._onMessage(event.data);
    };
    locks().request('stomp-wasm/leader/' + share.name + '/' + hash, function () {
      return self._lead();
    });
    this.channel.postMessage({ who: 1 });
  }

  join(proxy) {
    this.proxies.add(proxy);
    this._connect(proxy);
  }

  leave(proxy) {
    this.proxies.delete(proxy);
  }

  _connect(proxy) {
    if (this.leading) {
      // This page leads: a MessageChannel to the host here (the same protocol, the same clones).
      const pair = new MessageChannel();
      const hostSide = new PortLink(pair.port2);
      const tabSide = new PortLink(pair.port1);
      tabSide.id = nextLinkId();
      this._accept(hostSide, true);
      proxy._attach(tabSide, this.alone ? 'tab' : 'leader');
    } else if (this.term !== null) {
      const link = new ChannelLink(this.channel, this.term, nextLinkId());
      this.followerLinks.set(link.id, link);
      proxy._attach(link, 'leader');
    }
    // else: no leader known yet; the proxy attaches when one announces itself.
  }

  _accept(link, local) {
    const self = this;
    acceptLink(link, function (hello) {
      if (!local) self.watch(hello.tab);
      if (self.host === null) {
        const options = Object.assign({}, hello.options);
        // A leader may be a background tab: its timers run in a Worker unless told otherwise.
        if (!self.alone && options.heartbeatStrategy === undefined) options.heartbeatStrategy = 'worker';
        self.host = new Host(self.key, options, { Client: RealClient, mode: self.alone ? 'tab' : 'leader' });
      }
      return self.host;
    });
  }

  /** This page got the leader lock: host here, tell everyone, hold the lock while the page lives. */
  _lead() {
    const self = this;
    return ensureWasm().then(function () {
      self.term = randomId();
      self.leading = true;
      if (!self.alone) self.channelHost = new ChannelHost(self.channel, self.term);
      self._relinkAll('this tab became the leader');
      if (!self.alone) self.channel.postMessage({ leader: self.term });
      return new Promise(function () {});
    });
  }

  _relinkAll(why) {
    this.followerLinks.forEach(function (link) {
      link.close();
    });
    this.followerLinks.clear();
    const proxies = Array.from(this.proxies);
    for (let i = 0; i < proxies.length; i++) {
      proxies[i]._linkLost(why);
      this._connect(proxies[i]);
    }
  }

  _onMessage(d) {
    if (!d || typeof d !== 'object') return;
    if (d.who) {
      if (this.channelHost) this.channel.postMessage({ leader: this.term });
    } else if (d.leader !== undefined) {
      if (this.channelHost || d.leader === this.term) return;
      this.term = d.leader;
      this._relinkAll('a new leader tab took over');
    } else if (d.to !== undefined) {
      if (!this.channelHost || d.to !== this.term) return;
      if (this.channelHost.deliver(d.from, d.m)) return;
      // A new follower link: its first batch starts with its hello.
      const link = this.channelHost.link(d.from);
      this._accept(link, false);
      this.channelHost.deliver(d.from, d.m);
    } else if (d.links !== undefined) {
      if (d.from !== this.term) return;
      const links = this.followerLinks;
      const ids = Object.keys(d.links);
      for (let i = 0; i < ids.length; i++) {
        const link = links.get(ids[i]);
        if (link) link.deliver(d.links[ids[i]]);
      }
    }
  }
}

function coordinator(key, share, alone) {
  const name = (alone ? 'tab\n' : 'leader\n') + key;
  let c = coordinators.get(name);
  if (!c) {
    c = new Coordinator(key, share, alone);
    coordinators.set(name, c);
  }
  return c;
}

/**
 * Attaches `proxy` (configuration `key`) to a host in the mode `share.mode` asks for ('auto': the
 * best this page has). Returns the mode used; the proxy's `_attach(link, mode)` is called now or
 * once a host is found.
 */
export function join(proxy, key, share) {
  let mode = share.mode === 'auto' ? environment() : share.mode;
  if (mode === 'worker' && (typeof SharedWorker !== 'function' || workerBroken)) mode = environment();
  if (mode === 'leader' && !(locks() && typeof BroadcastChannel === 'function')) mode = 'tab';
  if (mode === 'worker' && joinWorker(proxy, share)) return { mode: mode, leave: function () {} };
  if (mode === 'worker') mode = environment();
  const c = coordinator(key, share, mode === 'tab');
  c.join(proxy);
  return {
    mode: mode,
    leave: function () {
      c.leave(proxy);
    },
  };
}
