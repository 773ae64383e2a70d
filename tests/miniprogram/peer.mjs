// A minimal STOMP 1.2 peer over `ws` for the harness: another user of the broker, sending messages while
// the mini-program is away. Loopback only.
import WebSocket from 'ws';

export async function connectPeer(url = 'ws://127.0.0.1:15674/ws') {
  if (!/^wss?:\/\/(127\.|localhost|\[::1\])/.test(url)) throw new Error(`peer: loopback only, not ${url}`);
  const socket = new WebSocket(url, ['v12.stomp']);
  let buffer = '';
  const waiting = new Map(); // receipt id → { resolve, reject }
  const subscriptions = new Map(); // id → callback({ headers, body })
  let failure = null;
  const fail = (reason) => {
    failure = new Error(`peer: ${reason}`);
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  let connected;
  const ready = new Promise((resolve, reject) => {
    connected = resolve;
    socket.on('error', reject);
    setTimeout(() => reject(new Error('peer: no CONNECTED in 5 s')), 5000).unref();
  });
  socket.on('close', (code, reason) => fail(`the broker closed the connection (${code} ${reason})`));
  socket.on('open', () => socket.send('CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0'));
  socket.on('message', (data) => {
    buffer += data.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const frame = buffer.slice(0, end).replace(/^[\r\n]+/, '');
      buffer = buffer.slice(end + 1);
      const [command] = frame.split('\n', 1);
      if (command === 'CONNECTED') connected();
      if (command === 'RECEIPT') {
        const id = /^receipt-id:(.*)$/m.exec(frame)?.[1];
        waiting.get(id)?.resolve();
        waiting.delete(id);
      }
      if (command === 'ERROR') fail(`ERROR ${frame.slice(0, 300)}`);
      if (command === 'MESSAGE') {
        const split = frame.indexOf('\n\n');
        const headers = {};
        for (const line of frame.slice(0, split).split('\n').slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0 && !(line.slice(0, colon) in headers)) headers[line.slice(0, colon)] = line.slice(colon + 1);
        }
        subscriptions.get(headers.subscription)?.({ headers, body: frame.slice(split + 2) });
      }
    }
  });
  await ready;
  let receipts = 0;
  return {
    /** SEND with a receipt; resolves when the broker has it, rejects on ERROR or close. */
    send(destination, body, headers = {}) {
      if (failure) return Promise.reject(failure);
      const id = `peer-${++receipts}`;
      const lines = Object.entries({ destination, receipt: id, ...headers }).map(([k, v]) => `${k}:${v}`);
      const done = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
      socket.send(`SEND\n${lines.join('\n')}\ncontent-type:text/plain\n\n${body}\0`);
      return done;
    },
    /** SUBSCRIBE; `onMessage({ headers, body })` for each MESSAGE (header values unescaped only for ASCII). */
    subscribe(destination, onMessage, headers = {}) {
      const id = `peer-sub-${subscriptions.size}`;
      subscriptions.set(id, onMessage);
      const lines = Object.entries({ id, destination, ...headers }).map(([k, v]) => `${k}:${v}`);
      socket.send(`SUBSCRIBE\n${lines.join('\n')}\n\n\0`);
    },
    close() {
      socket.close(1000);
    },
  };
}
