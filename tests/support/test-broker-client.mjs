// The test broker's endpoints (tools/test-broker), usable from Node and from a browser page alike
// (plain fetch; the broker answers with open CORS). URL scheme: tools/test-broker/src/scenario.rs.

export class TestBrokerClient {
  constructor(port) {
    this.port = port;
    this.origin = `http://127.0.0.1:${port}`;
  }

  /** `ws://127.0.0.1:PORT/<scenario>?k=v…`; params with undefined values are left out. */
  url(scenario = 'ok', params = {}) {
    const query = new URLSearchParams(
      Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]),
    ).toString();
    return `ws://127.0.0.1:${this.port}/${scenario}${query ? `?${query}` : ''}`;
  }

  /** The records of every connection made with `id=…`, oldest first (tools/test-broker/src/record.rs). */
  async records(id) {
    const response = await fetch(`${this.origin}/records?id=${encodeURIComponent(id)}`);
    if (!response.ok) throw new Error(`records: HTTP ${response.status}`);
    return response.json();
  }

  /** Sends `text` as one message to each open connection made with `id=…`; resolves to how many. */
  async inject(id, text, { binary = false } = {}) {
    const query = `id=${encodeURIComponent(id)}${binary ? '&ws=binary' : ''}`;
    const response = await fetch(`${this.origin}/inject?${query}`, { method: 'POST', body: text });
    if (!response.ok) throw new Error(`inject: HTTP ${response.status}`);
    return (await response.json()).sent;
  }

  /** Closes each open connection made with `id=…` (cleanly, or dropping TCP); resolves to how many. */
  async close(id, { drop = false } = {}) {
    const query = `id=${encodeURIComponent(id)}${drop ? '&drop=1' : ''}`;
    const response = await fetch(`${this.origin}/close?${query}`, { method: 'POST' });
    if (!response.ok) throw new Error(`close: HTTP ${response.status}`);
    return (await response.json()).closed;
  }
}
