// The pipes of shared mode. A link carries one proxy's messages to its host and the host's back, in
// order, batched: everything sent in one turn of the event loop crosses as one array (one structured
// clone, one event), so a loop of publishes or a WebSocket message of many frames costs one crossing.
//
//   PortLink        a MessagePort: a tab ↔ the SharedWorker, or a proxy ↔ the host in its own page
//   ChannelLink     a follower tab's proxy ↔ the leader tab, over a BroadcastChannel (tab side)
//   ChannelHost     the leader's end of that BroadcastChannel: one post per turn for all follower links
//
// A link knows nothing of what it carries. `onmessage(msg)` is called per message.

// A batch leaves at the next macrotask (a MessageChannel tick), not at the end of the current one: a
// WebSocket message event per frame from the broker then still gathers the frames of many events into
// one post. Measured (bench/shared.mjs, 10 tabs, 100 B messages): 1,314 messages/s to every tab against
// 534 when each microtask checkpoint posted its own batch.
let tick = null;
const ticks = [];
function later(fn) {
  if (typeof MessageChannel === 'function') {
    if (!tick) {
      tick = new MessageChannel();
      tick.port1.onmessage = function () {
        const list = ticks.splice(0);
        for (let i = 0; i < list.length; i++) list[i]();
      };
      if (typeof tick.port1.unref === 'function') tick.port1.unref();
    }
    ticks.push(fn);
    if (ticks.length === 1) tick.port2.postMessage(0);
    return;
  }
  Promise.resolve().then(fn);
}

/** Batches messages and hands each batch to `post` at the end of the current turn. */
class Batcher {
  constructor(post) {
    this._post = post;
    this._queue = null;
  }

  push(msg) {
    if (this._queue === null) {
      this._queue = [msg];
      const self = this;
      later(function () {
        self.flush();
      });
    } else {
      this._queue.push(msg);
    }
  }

  /** Posts what waits now (the page is going away: no later turn). */
  flush() {
    const queue = this._queue;
    if (queue === null) return;
    this._queue = null;
    this._post(queue);
  }
}

/** Either end of a MessagePort. */
export class PortLink {
  constructor(port) {
    this.port = port;
    this.onmessage = null;
    this.closed = false;
    const self = this;
    this._out = new Batcher(function (batch) {
      if (!self.closed) port.postMessage(batch);
    });
    port.onmessage = function (event) {
      const batch = event.data;
      for (let i = 0; i < batch.length && !self.closed; i++) {
        if (self.onmessage) self.onmessage(batch[i]);
      }
    };
    // Node (the tests): a port alone must not keep the process alive; the socket does while open.
    if (typeof port.unref === 'function') port.unref();
  }

  send(msg) {
    if (!this.closed) this._out.push(msg);
  }

  flush() {
    this._out.flush();
  }

  close() {
    this._out.flush();
    this.closed = true;
    this.port.onmessage = null;
    try {
      this.port.close();
    } catch (e) {
      // already closed
    }
  }
}

/**
 * A follower's proxy link to the leader of term `term`: its batches are addressed `{to: term, from:
 * id, m}`; the leader's batches for it arrive through `deliver` (the coordinator routes them).
 */
export class ChannelLink {
  constructor(channel, term, id) {
    this.term = term;
    this.id = id;
    this.onmessage = null;
    this.closed = false;
    const self = this;
    this._out = new Batcher(function (batch) {
      if (!self.closed) channel.postMessage({ to: term, from: id, m: batch });
    });
  }

  send(msg) {
    if (!this.closed) this._out.push(msg);
  }

  flush() {
    this._out.flush();
  }

  deliver(batch) {
    for (let i = 0; i < batch.length && !this.closed; i++) {
      if (this.onmessage) this.onmessage(batch[i]);
    }
  }

  close() {
    this._out.flush();
    this.closed = true;
  }
}

/**
 * The leader's end of the channel: `link(id)` is the host-side link of follower link `id`; what the
 * host sends on all of them in one turn leaves as one post `{from: term, links: {id: batch}}`.
 */
export class ChannelHost {
  constructor(channel, term) {
    this.channel = channel;
    this.term = term;
    this._links = new Map();
    this._pending = null;
  }

  link(id) {
    let link = this._links.get(id);
    if (link) return link;
    const host = this;
    link = {
      id: id,
      onmessage: null,
      closed: false,
      send: function (msg) {
        if (!link.closed) host._push(id, msg);
      },
      flush: function () {
        host.flush();
      },
      close: function () {
        link.closed = true;
        host._links.delete(id);
      },
    };
    this._links.set(id, link);
    return link;
  }

  /** A batch from follower link `id` (the coordinator saw `{to: term}`); false if the link is unknown. */
  deliver(id, batch) {
    const link = this._links.get(id);
    if (!link) return false;
    for (let i = 0; i < batch.length && !link.closed; i++) {
      if (link.onmessage) link.onmessage(batch[i]);
    }
    return true;
  }

  _push(id, msg) {
    if (this._pending === null) {
      this._pending = {};
      const self = this;
      later(function () {
        self.flush();
      });
    }
    (this._pending[id] || (this._pending[id] = [])).push(msg);
  }

  flush() {
    const pending = this._pending;
    if (pending === null) return;
    this._pending = null;
    this.channel.postMessage({ from: this.term, links: pending });
  }

  close() {
    this.flush();
    this._links.clear();
  }
}
