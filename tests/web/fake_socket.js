// A scripted in-memory broker behind a WebSocket-like object, for Client tests that need no network:
// it answers CONNECT with CONNECTED (and RECEIPT for frames that ask), and records what it was sent.
// Events are delivered synchronously, the harshest timing a factory can produce.

const decoder = new TextDecoder();
const text = (data) => (typeof data === 'string' ? data : decoder.decode(data));

export function fakeBroker({ openAtOnce = true } = {}) {
  const broker = { sent: [], sockets: [] };
  broker.factory = () => {
    const socket = {
      readyState: openAtOnce ? 1 : 0,
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data) {
        const frame = text(data);
        broker.sent.push(frame);
        if (frame.startsWith('CONNECT')) {
          socket.onmessage?.({ data: 'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0' });
        }
        const receipt = /\nreceipt:([^\n]*)\n/.exec(frame);
        if (receipt && !frame.startsWith('DISCONNECT')) {
          socket.onmessage?.({ data: `RECEIPT\nreceipt-id:${receipt[1]}\n\n\0` });
        }
        if (frame.startsWith('DISCONNECT')) {
          socket.onmessage?.({ data: `RECEIPT\nreceipt-id:${receipt[1]}\n\n\0` });
        }
      },
      close() {
        socket.readyState = 3;
        socket.onclose?.({ code: 1000, reason: '', wasClean: true });
      },
    };
    broker.sockets.push(socket);
    if (!openAtOnce) Promise.resolve().then(() => { socket.readyState = 1; socket.onopen?.({}); });
    return socket;
  };
  return broker;
}

/** A factory that reads the client's state while it runs (user code inside the client's call). */
export async function factoryMayReadTheClient(make) {
  const broker = fakeBroker();
  let client = null;
  let seen = null;
  client = make({
    webSocketFactory: () => {
      seen = `${client.connectionState}/${client.connected}`;
      return broker.factory();
    },
    connectHeaders: { login: 'l', passcode: 'p' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  const connected = new Promise((resolve) => client.on('connect', resolve));
  client.activate();
  await connected;
  if (seen !== 'connecting/false') throw new Error(`the factory saw ${seen}`);
  const receipt = await client.publish({ destination: '/queue/a', body: 'x', receipt: true });
  if (receipt.command !== 'RECEIPT') throw new Error(`publish settled with ${receipt.command}`);
  await client.deactivate();
  const commands = broker.sent.map((frame) => frame.split('\n')[0]).join(',');
  if (commands !== 'CONNECT,SEND,DISCONNECT') throw new Error(`sent ${commands}`);
  return 'ok';
}
