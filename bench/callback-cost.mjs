// Per-message cost by what the callback reads (nothing, body, headers, both, binaryBody), ours against
// stompjs, in Node: splits the receive path's time into parsing + message object, body, headers, and
// shows what reading binaryBody costs (ours makes it lazily). Not part of `make bench`.
//   node --expose-gc bench/callback-cost.mjs PKG_DIR [BODY_BYTES] [CHUNKING]
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { connect, disconnect, median } from './lib/harness.mjs';
import { framesFor, makeStream } from './lib/streams.mjs';
const [pkg, size = '1024', chunking = 'frame'] = process.argv.slice(2);
const { Client } = createRequire(import.meta.url)(resolve(pkg, 'node/stomp_wasm.js'));
const StompClient = (await import('@stomp/stompjs')).Client;
const bodyBytes = Number(size);
const frames = framesFor(bodyBytes);
const modes = {
  nothing: (m) => { sink++; },
  body: (m) => { sink += m.body.length; },
  headers: (m) => { sink += m.headers['message-id'].length; },
  both: (m) => { sink += m.body.length + m.headers['message-id'].length; },
  binary: (m) => { sink += m.binaryBody.length; },
};
let sink = 0, mode = 'nothing';
const received = (m) => modes[mode](m);
const sides = {};
for (const [kind, C] of [['ours', Client], ['stompjs', StompClient]]) {
  const c = await connect(kind, C, { binary: true, received });
  c.payloads = makeStream({ bodyBytes, chunking, frames, subscription: c.subscriptionId }).payloads;
  sides[kind] = c;
}
for (const m of Object.keys(modes)) {
  mode = m;
  const row = [];
  for (const kind of ['ours', 'stompjs']) {
    const times = [];
    for (let r = 0; r < 7; r++) {
      gc(); await new Promise((r) => setTimeout(r, 0)); gc();
      const { socket, payloads } = sides[kind];
      const t0 = performance.now();
      for (const data of payloads) socket.onmessage({ data });
      times.push(performance.now() - t0);
    }
    row.push(`${kind} ${(median(times.slice(2)) * 1000 / frames).toFixed(2)} us/msg`);
  }
  console.log(m.padEnd(10), row.join('   '));
}
for (const k in sides) await disconnect(k, sides[k].client);
