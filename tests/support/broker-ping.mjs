#!/usr/bin/env node
// Whether a STOMP-over-WebSocket broker answers, with the shared test peer (ws-peer.mjs): CONNECT, wait for
// CONNECTED, DISCONNECT. What `scripts/broker` (start, status) and `scripts/demo` run.
//
//   node tests/support/broker-ping.mjs [url] [timeout-ms]     (defaults ws://127.0.0.1:15674/ws, 3000)
//
// Exit 0 when the broker answered CONNECT with CONNECTED, 1 when not (the reason on stderr), 2 for a
// non-loopback URL.
import { BROKER_URL, assertLoopback, ping } from './ws-peer.mjs';

const [url = BROKER_URL, timeout = '3000'] = process.argv.slice(2);
try {
  assertLoopback(url);
} catch (error) {
  console.error(`stomp-ping: ${error.message}`);
  process.exit(2);
}
setTimeout(() => {
  console.error(`stomp-ping: ${url}: no answer within ${timeout} ms`);
  process.exit(1);
}, Number(timeout) + 1000).unref();
try {
  const { version } = await ping(url, Number(timeout));
  console.log(`stomp-ping: ${url}: CONNECTED (version ${version})`);
  process.exit(0);
} catch (error) {
  console.error(`stomp-ping: ${error.message}`);
  process.exit(1);
}
