#!/usr/bin/env node
// Checks that a STOMP-over-WebSocket broker answers: opens the socket, sends CONNECT, waits for
// CONNECTED, then disconnects. Exit 0 when it answered, 1 otherwise (the reason goes to stderr).
//
// usage: node scripts/stomp-ping.mjs [url] [timeout-ms]
//        defaults: ws://127.0.0.1:15674/ws, 3000 ms. Only loopback URLs are accepted.
import WebSocket from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:15674/ws';
const timeoutMs = Number(process.argv[3] ?? 3000);

const host = new URL(url).hostname;
if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) && !host.startsWith('127.')) {
  console.error(`stomp-ping: refusing non-loopback host ${host}`);
  process.exit(2);
}

const CONNECT = 'CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0';

function fail(reason) {
  console.error(`stomp-ping: ${url}: ${reason}`);
  process.exit(1);
}

const timer = setTimeout(() => fail(`no CONNECTED within ${timeoutMs} ms`), timeoutMs);
const socket = new WebSocket(url, ['v12.stomp']);
let received = '';

socket.on('open', () => socket.send(CONNECT));
socket.on('message', (data) => {
  received += data.toString('utf8');
  const end = received.indexOf('\0');
  if (end < 0) return;
  const frame = received.slice(0, end).replace(/^[\r\n]+/, '');
  const command = frame.split('\n', 1)[0].replace(/\r$/, '');
  clearTimeout(timer);
  if (command === 'CONNECTED') {
    const version = /^version:(.*)$/m.exec(frame)?.[1] ?? '?';
    console.log(`stomp-ping: ${url}: CONNECTED (version ${version})`);
    socket.send('DISCONNECT\n\n\0');
    socket.close(1000);
    process.exit(0);
  }
  fail(`expected CONNECTED, got ${JSON.stringify(frame.slice(0, 200))}`);
});
socket.on('error', (error) => {
  clearTimeout(timer);
  fail(error.code ?? error.message);
});
socket.on('close', (code) => {
  clearTimeout(timer);
  fail(`socket closed (${code}) before CONNECTED`);
});
