// A scripted STOMP peer behind a WebSocket-like object (a `webSocketFactory` result) that answers every
// RECEIPT request except the ones it is told to withhold: the gap a broker leaves when one frame's
// RECEIPT never comes (a lost frame, a refused one) while later ones do. Cheap on purpose — it reads
// only each frame's command and `receipt` header and keeps nothing of the frames — so that tens of
// thousands of frames through it cost the test little, and memory measured in the client is the
// client's. Answers come asynchronously (a microtask), as from a network. Environment-neutral.

const decoder = new TextDecoder();

/** The command and the `receipt` header of one frame's text (no escapes needed for either). */
function headOf(frame) {
  const start = frame.search(/[^\r\n]/);
  if (start < 0) return null;
  const end = frame.indexOf('\n\n', start);
  const head = frame.slice(start, end < 0 ? frame.length : end).split('\n');
  const receipt = head.find((line) => line.startsWith('receipt:'));
  return { command: head[0].replace(/\r$/, ''), receipt: receipt === undefined ? undefined : receipt.slice(8).replace(/\r$/, '') };
}

/**
 * `withhold(receiptId, sends)` decides, for each frame asking for a RECEIPT, whether it never gets one
 * (`sends`: how many SENDs the peer has seen, this one included). Returns `{factory, stats}`; `stats`
 * counts `sends`, `receipts` answered and `withheld`.
 */
export function receiptGapPeer(withhold) {
  const stats = { sends: 0, receipts: 0, withheld: [], connections: 0 };
  const factory = () => {
    stats.connections += 1;
    let pending = ''; // a frame cut across send() calls (not expected, but harmless)
    const socket = {
      url: 'scripted://receipt-gap',
      protocol: 'v12.stomp',
      readyState: 0,
      binaryType: 'blob',
      bufferedAmount: 0,
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data) {
        if (socket.readyState !== 1) throw new Error(`receipt-gap peer: send() while readyState is ${socket.readyState}`);
        pending += typeof data === 'string' ? data : decoder.decode(data);
        const frames = pending.split('\0');
        pending = frames.pop();
        for (const frame of frames) answer(headOf(frame));
      },
      close(code = 1000, reason = '') {
        closeWith(code, reason);
      },
    };
    const deliver = (text) => {
      Promise.resolve().then(() => {
        if (socket.readyState === 1 && socket.onmessage) socket.onmessage({ data: text });
      });
    };
    const closeWith = (code, reason) => {
      Promise.resolve().then(() => {
        if (socket.readyState === 3) return;
        socket.readyState = 3;
        if (socket.onclose) socket.onclose({ code, reason, wasClean: code === 1000 });
      });
    };
    const answer = (head) => {
      if (!head) return;
      if (head.command === 'CONNECT' || head.command === 'STOMP') {
        deliver('CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:receipt-gap-peer\n\n\0');
        return;
      }
      if (head.command === 'SEND') stats.sends += 1;
      if (head.receipt === undefined) return;
      if (head.command === 'SEND' && withhold(head.receipt, stats.sends)) {
        stats.withheld.push(head.receipt);
        return;
      }
      stats.receipts += 1;
      deliver(`RECEIPT\nreceipt-id:${head.receipt}\n\n\0`);
      if (head.command === 'DISCONNECT') closeWith(1000, '');
    };
    Promise.resolve().then(() => {
      socket.readyState = 1;
      if (socket.onopen) socket.onopen({ type: 'open' });
    });
    return socket;
  };
  return { factory, stats };
}
