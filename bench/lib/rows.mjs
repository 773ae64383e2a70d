// Runs a plan (lib/plan.mjs) case by case through `run(kind, case)` (in this process for Node, in the
// page for Chromium) and turns each result into a report row with its ratio, printing progress.

export async function runPlan(env, { inbound, outbound, subscriptions, receipts, delivery = [], runs, warmup }, run) {
  const results = { inbound: [], outbound: [], subscriptions: [], receipts: [], delivery: [] };
  const say = (s) => console.error(`bench: ${env} ${s}`);
  for (const c of inbound) {
    const r = await run('inbound', { ...c, runs, warmup });
    const row = { env, body_bytes: c.bodyBytes, chunking: c.chunking, data: c.data, ...r, ratio: r.ours_fps / r.stompjs_fps };
    results.inbound.push(row);
    say(`inbound ${c.data} ${c.bodyBytes} B ${c.chunking}: ${row.ratio.toFixed(2)}x`);
  }
  for (const c of outbound) {
    const r = await run('outbound', { ...c, runs, warmup });
    const data = c.binary ? 'binary' : 'text';
    const row = { env, body_bytes: c.bodyBytes, chunking: 'frame', data, ...r, ratio: r.ours_fps / r.stompjs_fps };
    results.outbound.push(row);
    say(`outbound ${data} ${c.bodyBytes} B: ${row.ratio.toFixed(2)}x`);
  }
  for (const c of subscriptions) {
    const r = await run('inbound', { ...c, runs: runs + 2, warmup });
    for (const n of c.subscriptions) {
      const row = {
        env,
        subscriptions: n,
        body_bytes: c.bodyBytes,
        chunking: c.chunking,
        data: c.data,
        frames: r.frames,
        ours_fps: r[`ours@${n}_fps`],
        stompjs_fps: r[`stompjs@${n}_fps`],
        ours_ms: r[`ours@${n}_ms`],
        stompjs_ms: r[`stompjs@${n}_ms`],
        ours_stream_hash: r[`ours@${n}_stream_hash`],
        stompjs_stream_hash: r[`stompjs@${n}_stream_hash`],
      };
      row.ours_us = 1e6 / row.ours_fps;
      row.stompjs_us = 1e6 / row.stompjs_fps;
      row.ratio = row.ours_fps / row.stompjs_fps;
      results.subscriptions.push(row);
      say(`${n} subscriptions, ${c.bodyBytes} B ${c.chunking}: ours ${row.ours_us.toFixed(2)} µs/msg, stompjs ${row.stompjs_us.toFixed(2)} µs/msg`);
    }
  }
  for (const c of receipts) {
    const rs = await run('receipts', { ...c, warmup: 1, runs: runs });
    for (const r of rs) {
      results.receipts.push({ env, ...r });
      say(`${r.count} receipts: ours publish ${r.ours_publish_ms.toFixed(1)} + settle ${r.ours_settle_ms.toFixed(1)} ms, ` +
        `stompjs ${r.stompjs_publish_ms.toFixed(1)} + ${r.stompjs_settle_ms.toFixed(1)} ms`);
    }
  }
  for (const c of delivery) {
    const r = await run('delivery', { ...c, warmup: 1, runs });
    const row = {
      env,
      ...r,
      receipt_ratio: r.receipt_fps / r.at_most_once_fps,
      at_least_once_ratio: r.at_least_once_fps / r.at_most_once_fps,
    };
    results.delivery.push(row);
    say(`delivery ${c.bodyBytes} B ×${c.count}: at-most-once ${Math.round(r.at_most_once_fps)}/s, receipt ${row.receipt_ratio.toFixed(2)}x, ` +
      `at-least-once ${row.at_least_once_ratio.toFixed(2)}x`);
  }
  return results;
}
