// A WebSocket with a slow uplink, for backpressure tests: `send()` queues the data and a pump hands it to
// the real socket (the `ws` package) at `bytesPerSecond`; `bufferedAmount` counts what waits in the pump
// plus what the real socket holds — as a browser's WebSocket does on a slow mobile link. On loopback a
// real socket's bufferedAmount stays near 0 (the kernel takes everything at once), so only a link like
// this shows whether a client paces itself by it. Used through the client's `webSocketFactory`.
import WebSocket from 'ws';

export const STOMP_PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

export class SlowLink extends WebSocket {
  constructor(url, { bytesPerSecond, protocols = STOMP_PROTOCOLS } = {}) {
    super(url, protocols);
    this._queue = [];
    this._queued = 0;
    this._rate = bytesPerSecond;
    this._pump = null;
    /** The highest bufferedAmount seen right after a send() (what the client let pile up). */
    this.peakBuffered = 0;
    this.on('close', () => {
      clearInterval(this._pump);
      this._queue = [];
      this._queued = 0;
    });
  }

  get bufferedAmount() {
    return this._queued + super.bufferedAmount;
  }

  send(data) {
    if (this.readyState !== WebSocket.OPEN) return super.send(data);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this._queue.push(data);
    this._queued += size;
    this.peakBuffered = Math.max(this.peakBuffered, this.bufferedAmount);
    this._pump ??= setInterval(() => this._drain(), 10);
    return undefined;
  }

  _drain() {
    let budget = this._rate / 100;
    while (this._queue.length && budget > 0 && this.readyState === WebSocket.OPEN) {
      const data = this._queue.shift();
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      this._queued -= size;
      budget -= size;
      super.send(data);
    }
    if (!this._queue.length) {
      clearInterval(this._pump);
      this._pump = null;
    }
  }
}
