// One client through a wss:// URL (tests/js/wss.test.mjs): connect, round-trip a message, disconnect.
// Environment-neutral (a Chromium page imports it too); as a Node command it loads pkg/node and prints
// `RESULT {…}`, so that the test can start it with the NODE_EXTRA_CA_CERTS it wants (Node reads that
// variable only when it starts):
//   node tests/support/wss-round-trip.mjs wss://127.0.0.1:PORT/ws
import { roundTrip, within } from './client-watch.mjs';

/**
 * Resolves to `{connected: true, body}` after a round trip, or `{connected: false, outcome}` when the
 * first thing the client reports is a socket error or close (an untrusted certificate).
 */
export async function wssRoundTrip({ Client, url, timeoutMs = 20000 }) {
  const client = new Client({
    brokerURL: url, connectHeaders: { login: 'guest', passcode: 'guest' },
    reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0,
  });
  const first = new Promise((resolve) => {
    client.on('connect', () => resolve('connect'));
    client.on('webSocketError', () => resolve('webSocketError'));
    client.on('webSocketClose', (event) => resolve(`webSocketClose ${event && event.code}`));
  });
  client.activate();
  const outcome = await within(first, timeoutMs, `the client on ${url} connecting or failing`);
  if (outcome !== 'connect') {
    await within(client.deactivate(), timeoutMs, 'deactivate()');
    return { connected: false, outcome };
  }
  const version = client.connectedVersion;
  const message = await roundTrip(client, { body: 'wss ✓ 你好 🔒' });
  await within(client.deactivate(), timeoutMs, 'deactivate()');
  return { connected: true, body: message.body, version };
}

if (typeof process !== 'undefined' && process.argv && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { loadPackage } = await import('./burst.mjs');
  const { Client } = await loadPackage();
  let result;
  try {
    result = await wssRoundTrip({ Client, url: process.argv[2] });
  } catch (error) {
    result = { connected: false, error: String(error && error.stack || error) };
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}
