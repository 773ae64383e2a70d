// The markdown report of a bench run (printed by `make bench`, kept in bench/results/latest.md and
// copied into the README's Performance section), and the issue's targets checked against it.

const SIZE_NAMES = { 64: '64 B', 1024: '1 KiB', 16384: '16 KiB', 262144: '256 KiB' };
const CHUNK_NAMES = { frame: '1 frame / message', batch10: '10 frames / message', split4k: '4 KiB pieces' };
const ENV_NAMES = { node: 'Node', chromium: 'Chromium' };

const fps = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)} k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const mbps = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratio = (r) => (r === undefined || r === null ? '—' : `${r.toFixed(r >= 10 ? 1 : 2)}×`);
const kb = (n) => (n === null || n === undefined ? '—' : `${(n / 1000).toFixed(1)} kB`);
const mb = (n) => (n === null || n === undefined ? '—' : `${(n / 1e6).toFixed(1)} MB`);
const ms = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const us = (n) => n.toFixed(2);
const pct = (n) => `${(100 * n).toFixed(n < 0.1 ? 1 : 0)} %`;
const count = (n) => n.toLocaleString('en-US');
const find = (rows, env, body, chunking, data) =>
  rows.find((r) => r.env === env && r.body_bytes === body && (chunking === undefined || r.chunking === chunking) && (data === undefined || r.data === data));
const envsOf = (rows) => ['node', 'chromium'].filter((e) => rows.some((r) => r.env === e));

function range(values, show = ratio) {
  if (!values.length) return '—';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? show(lo) : `${show(lo)}–${show(hi)}`;
}

/** Per-message cost at the most subscriptions ÷ at one, per env and client (1.00 = flat). */
export function flatness(report, env, kind) {
  const rows = (report.subscriptions ?? []).filter((r) => r.env === env).sort((a, b) => a.subscriptions - b.subscriptions);
  if (rows.length < 2) return null;
  const first = rows[0];
  const last = rows[rows.length - 1];
  return { from: first.subscriptions, to: last.subscriptions, ratio: last[`${kind}_us`] / first[`${kind}_us`] };
}

/** µs per receipted message (publish + settle) at the most receipts ÷ at the fewest, per env and client (1.00 = linear). */
export function receiptGrowth(report, env, kind) {
  const rows = (report.receipts ?? []).filter((r) => r.env === env).sort((a, b) => a.count - b.count);
  if (rows.length < 2) return null;
  const per = (r) => (r[`${kind}_publish_ms`] + r[`${kind}_settle_ms`]) / r.count;
  return { from: rows[0].count, to: rows[rows.length - 1].count, ratio: per(rows[rows.length - 1]) / per(rows[0]) };
}

/** Each target of issue #12: what was measured, met or not. */
export function targets(report) {
  const out = [];
  const inbound = report.inbound ?? [];
  const outbound = report.outbound ?? [];
  for (const env of ['node', 'chromium']) {
    const E = ENV_NAMES[env];
    const batch = inbound.filter((r) => r.env === env && r.body_bytes === 64 && r.chunking === 'batch10' && r.data === 'binary');
    if (batch.length) out.push({ target: `inbound ≥ 3× at 64 B ×10 per message, ${E}`, measured: range(batch.map((r) => r.ratio)), met: Math.min(...batch.map((r) => r.ratio)) >= 3 });
    const kib = inbound.filter((r) => r.env === env && r.body_bytes === 1024 && r.data === 'binary');
    if (kib.length) out.push({ target: `inbound ≥ 3× at 1 KiB (every delivery), ${E}`, measured: range(kib.map((r) => r.ratio)), met: Math.min(...kib.map((r) => r.ratio)) >= 3 });
    const large = inbound.filter((r) => r.env === env && r.body_bytes >= 16384 && r.data === 'binary' && r.decode_only_fps);
    if (large.length) {
      const shares = large.map((r) => r.ours_fps / r.decode_only_fps);
      const worst = large[shares.indexOf(Math.min(...shares))];
      out.push({
        target: `inbound at 16–256 KiB ≥ 90 % of the decode-only ceiling, ${E}`,
        measured: `${range(shares, pct)} (lowest: ${SIZE_NAMES[worst.body_bytes]} ${worst.chunking}, ${ratio(worst.ratio)} of ${ratio(worst.decode_only_fps / worst.stompjs_fps)})`,
        met: Math.min(...shares) >= 0.9,
      });
    }
    for (const data of ['text', 'binary']) {
      const rows = outbound.filter((r) => r.env === env && r.data === data);
      if (rows.length) out.push({ target: `outbound ≥ 1× at every size, ${data} bodies, ${E}`, measured: range(rows.map((r) => r.ratio)), met: Math.min(...rows.map((r) => r.ratio)) >= 1 });
    }
    const bin = find(outbound, env, 1024, 'frame', 'binary');
    if (bin) out.push({ target: `outbound ≥ 1.5× at 1 KiB binary, ${E}`, measured: ratio(bin.ratio), met: bin.ratio >= 1.5 });
  }
  const s = report.size;
  if (s?.browser_total) {
    const shipped = s.browser_total.gz;
    const min = s.browser_total_min.gz;
    out.push({
      target: 'browser wasm + JS ≤ 35 KB gzip',
      measured: `${kb(shipped)} as shipped, ${kb(min)} with the JS minified`,
      met: shipped <= 35000 ? true : min <= 35000 ? 'minified only' : false,
    });
  }
  if (s?.miniprogram?.wasm_br_file) {
    out.push({ target: 'mini-program wasm ≤ 30 KB brotli', measured: kb(s.miniprogram.wasm_br_file), met: s.miniprogram.wasm_br_file <= 30000 });
  }
  for (const env of ['node', 'chromium']) {
    const f = flatness(report, env, 'ours');
    if (!f) continue;
    const theirs = flatness(report, env, 'stompjs');
    out.push({
      target: `per-message cost flat from 1 to ${count(f.to)} subscriptions (within 1.2×), ${ENV_NAMES[env]}`,
      measured: `${ratio(f.ratio)} (stompjs ${ratio(theirs.ratio)})`,
      met: f.ratio <= 1.2,
    });
  }
  for (const env of ['node', 'chromium']) {
    const g = receiptGrowth(report, env, 'ours');
    if (!g) continue;
    const theirs = receiptGrowth(report, env, 'stompjs');
    out.push({
      target: `receipted publishing linear: time per message at ${count(g.to)} within 2× of at ${count(g.from)} (quadratic: ${Math.round(g.to / g.from)}×), ${ENV_NAMES[env]}`,
      measured: `${ratio(g.ratio)} (stompjs ${ratio(theirs.ratio)})`,
      met: g.ratio <= 2,
    });
  }
  if (report.memory?.ours) {
    const m = report.memory.ours;
    const grew = m.growth_heap_used > 1e6 || (m.growth_wasm ?? 0) > 0;
    out.push({
      target: 'flat memory (ours, 10% → end of run, after GC)',
      measured: `JS heap ${m.growth_heap_used >= 0 ? '+' : ''}${mb(m.growth_heap_used)}, wasm ${m.growth_wasm >= 0 ? '+' : ''}${mb(m.growth_wasm)}`,
      met: !grew,
    });
  }
  return out;
}

function inboundTables(report, push) {
  const inbound = report.inbound ?? [];
  if (!inbound.length) return;
  const envs = envsOf(inbound);
  const runs = inbound[0].ours_ms?.length;
  push(
    `**Inbound**, binary WebSocket messages (ArrayBuffer): frames/s (MB/s), median of ${runs} runs after warm-up; ratio = ours / stompjs.`,
    '',
    `| body | delivery | ${envs.map((e) => `${ENV_NAMES[e]} ours | ${ENV_NAMES[e]} stompjs | ratio`).join(' | ')} |`,
    `|---|---|${envs.map(() => '--:|--:|--:').join('|')}|`,
  );
  const bodies = [...new Set(inbound.map((r) => r.body_bytes))].sort((a, b) => a - b);
  for (const body of bodies) {
    for (const chunking of ['frame', 'batch10', 'split4k']) {
      if (!envs.some((env) => find(inbound, env, body, chunking, 'binary'))) continue;
      const cells = envs.map((env) => {
        const r = find(inbound, env, body, chunking, 'binary');
        return r ? `${fps(r.ours_fps)} (${mbps(r.ours_mbps)}) | ${fps(r.stompjs_fps)} (${mbps(r.stompjs_mbps)}) | **${ratio(r.ratio)}**` : '— | — | —';
      });
      push(`| ${SIZE_NAMES[body] ?? body} | ${CHUNK_NAMES[chunking]} | ${cells.join(' | ')} |`);
    }
  }
  const ceilings = envs
    .map((env) => {
      const parts = bodies
        .map((body) => {
          const r = find(inbound, env, body, 'frame', 'binary');
          return r?.decode_only_fps ? `${SIZE_NAMES[body]} ${ratio(r.decode_only_fps / r.stompjs_fps)} (ours: ${pct(r.ours_fps / r.decode_only_fps)} of it)` : null;
        })
        .filter(Boolean);
      return parts.length ? `${ENV_NAMES[env]}: ${parts.join(', ')}` : null;
    })
    .filter(Boolean);
  if (ceilings.length) {
    push(
      '',
      `Ceiling: decoding the body alone (TextDecoder, which any client handing the callback a string pays) is this many times faster than stompjs's whole receive path, 1 frame / message — ${ceilings.join('; ')}.`,
    );
  }
  const hashes = inbound.filter((r) => r.ours_stream_hash && r.ours_stream_hash !== r.stompjs_stream_hash);
  if (hashes.length) push('', `Note: in ${hashes.length} case(s) the two clients' streams differ (their subscription ids differ).`);
  if (inbound.some((r) => r.data === 'text')) {
    push('', "**Inbound**, text WebSocket messages (strings, RabbitMQ's default): ratio ours / stompjs (frames/s of ours).", '');
    push(`| body | ${envs.map((e) => ['frame', 'batch10', 'split4k'].map((c) => `${ENV_NAMES[e]} ${c}`).join(' | ')).join(' | ')} |`);
    push(`|---|${envs.map(() => '--:|--:|--:').join('|')}|`);
    for (const body of bodies) {
      if (!inbound.some((r) => r.body_bytes === body && r.data === 'text')) continue;
      const cells = envs.flatMap((env) =>
        ['frame', 'batch10', 'split4k'].map((c) => {
          const r = find(inbound, env, body, c, 'text');
          return r ? `${ratio(r.ratio)} (${fps(r.ours_fps)})` : '—';
        }),
      );
      push(`| ${SIZE_NAMES[body] ?? body} | ${cells.join(' | ')} |`);
    }
  }
  push('');
}

function outboundTable(report, push) {
  const outbound = report.outbound ?? [];
  if (!outbound.length) return;
  const envs = envsOf(outbound);
  push(
    '**Outbound**, `publish()` into a counting socket: frames/s; ratio = ours / stompjs. Text: `body` (a string; text WebSocket frames); binary: `binaryBody` (the same bytes as a Uint8Array; binary frames).',
    '',
  );
  push(`| body | frame | ${envs.map((e) => `${ENV_NAMES[e]} ours | ${ENV_NAMES[e]} stompjs | ratio`).join(' | ')} |`);
  push(`|---|---|${envs.map(() => '--:|--:|--:').join('|')}|`);
  for (const body of [...new Set(outbound.map((r) => r.body_bytes))].sort((a, b) => a - b)) {
    for (const data of ['text', 'binary']) {
      if (!outbound.some((r) => r.body_bytes === body && r.data === data)) continue;
      const cells = envs.map((env) => {
        const r = find(outbound, env, body, 'frame', data);
        return r ? `${fps(r.ours_fps)} | ${fps(r.stompjs_fps)} | **${ratio(r.ratio)}**` : '— | — | —';
      });
      push(`| ${SIZE_NAMES[body] ?? body} | ${data} | ${cells.join(' | ')} |`);
    }
  }
  push('');
}

function subscriptionsTable(report, push) {
  const rows = report.subscriptions ?? [];
  if (!rows.length) return;
  const envs = envsOf(rows);
  push(
    '**Per-message cost with many subscriptions**: 64 B frames, 10 per WebSocket message (binary), spread evenly over the live subscriptions; µs per message (median); ratio = ours / stompjs in messages/s.',
    '',
  );
  push(`| subscriptions | ${envs.map((e) => `${ENV_NAMES[e]} ours | ${ENV_NAMES[e]} stompjs | ratio`).join(' | ')} |`);
  push(`|--:|${envs.map(() => '--:|--:|--:').join('|')}|`);
  for (const n of [...new Set(rows.map((r) => r.subscriptions))].sort((a, b) => a - b)) {
    const cells = envs.map((env) => {
      const r = rows.find((x) => x.env === env && x.subscriptions === n);
      return r ? `${us(r.ours_us)} µs | ${us(r.stompjs_us)} µs | **${ratio(r.ratio)}**` : '— | — | —';
    });
    push(`| ${count(n)} | ${cells.join(' | ')} |`);
  }
  const flat = envs
    .map((env) => {
      const o = flatness(report, env, 'ours');
      const s = flatness(report, env, 'stompjs');
      return o ? `${ENV_NAMES[env]} ours ${ratio(o.ratio)}, stompjs ${ratio(s.ratio)}` : null;
    })
    .filter(Boolean);
  if (flat.length) push('', `Flatness (cost at the most subscriptions ÷ cost at one; 1.00× = flat): ${flat.join('; ')}.`);
  push('');
}

function receiptsTable(report, push) {
  const rows = report.receipts ?? [];
  if (!rows.length) return;
  const envs = envsOf(rows);
  push(
    '**Receipted publishing**: N publishes (64 B) each asking for a RECEIPT, then the N RECEIPTs (one per WebSocket message): ms to publish + ms to settle, median; ratio = stompjs total / ours total (above 1: ours faster).',
    '',
  );
  push(`| receipts | ${envs.map((e) => `${ENV_NAMES[e]} ours | ${ENV_NAMES[e]} stompjs | ratio`).join(' | ')} |`);
  push(`|--:|${envs.map(() => '--:|--:|--:').join('|')}|`);
  for (const n of [...new Set(rows.map((r) => r.count))].sort((a, b) => a - b)) {
    const cells = envs.map((env) => {
      const r = rows.find((x) => x.env === env && x.count === n);
      if (!r) return '— | — | —';
      const ours = r.ours_publish_ms + r.ours_settle_ms;
      const theirs = r.stompjs_publish_ms + r.stompjs_settle_ms;
      return `${ms(r.ours_publish_ms)} + ${ms(r.ours_settle_ms)} | ${ms(r.stompjs_publish_ms)} + ${ms(r.stompjs_settle_ms)} | **${ratio(theirs / ours)}**`;
    });
    push(`| ${count(n)} | ${cells.join(' | ')} |`);
  }
  const growth = envs
    .map((env) => {
      const o = receiptGrowth(report, env, 'ours');
      const s = receiptGrowth(report, env, 'stompjs');
      return o ? `${ENV_NAMES[env]} ours ${ratio(o.ratio)}, stompjs ${ratio(s.ratio)}` : null;
    })
    .filter(Boolean);
  if (growth.length) push('', `Linearity (time per receipted message at the most receipts ÷ at the fewest; 1.00× = linear): ${growth.join('; ')}.`);
  push('');
}

/** Ours alone: publishing at-most-once, with `receipt: true` and at-least-once (issue #14: the cost of the guarantee). */
function deliveryTable(report, push) {
  const rows = report.delivery ?? [];
  if (!rows.length) return;
  const envs = envsOf(rows);
  const n = rows[0].count;
  const runs = rows[0].at_most_once_ms?.length;
  push(
    `**Delivery cost** (ours only; stompjs has no at-least-once): ${count(n)} publishes into a socket whose peer answers every SEND carrying a \`receipt\` with a RECEIPT; ` +
      `messages/s from the first publish to the last Promise settled, median of ${runs} runs. At-most-once settles when written; \`receipt: true\` and ` +
      "`delivery: 'at-least-once'` (which also keeps each frame until its RECEIPT, to send again after a reconnect; duplicates possible: consumers de-duplicate on `dedup-id`) settle on the RECEIPT; ratio = mode / at-most-once.",
    '',
  );
  push(`| body | ${envs.map((e) => `${ENV_NAMES[e]} at-most-once | ${ENV_NAMES[e]} receipt: true | ${ENV_NAMES[e]} at-least-once`).join(' | ')} |`);
  push(`|---|${envs.map(() => '--:|--:|--:').join('|')}|`);
  for (const body of [...new Set(rows.map((r) => r.body_bytes))].sort((a, b) => a - b)) {
    const cells = envs.map((env) => {
      const r = rows.find((x) => x.env === env && x.body_bytes === body);
      return r
        ? `${fps(r.at_most_once_fps)} | ${fps(r.receipt_fps)} (**${ratio(r.receipt_ratio)}**) | ${fps(r.at_least_once_fps)} (**${ratio(r.at_least_once_ratio)}**)`
        : '— | — | —';
    });
    push(`| ${SIZE_NAMES[body] ?? body} | ${cells.join(' | ')} |`);
  }
  push('');
}

function sizeTables(report, push) {
  const s = report.size;
  if (!s?.browser_total) return;
  const row = (label, x, bold) => push(`| ${label} | ${kb(x.raw)} | ${bold ? `**${kb(x.gz)}**` : kb(x.gz)} | ${kb(x.br)} |`);
  push('**Size**: what a page downloads (gzip -9, brotli q11); "minified" = the JS after `esbuild --minify`, as a bundler would leave it.', '');
  push('| file | raw | gzip | brotli |', '|---|--:|--:|--:|');
  row('browser wasm (pkg/web/stomp_wasm_bg.wasm)', s.browser_wasm);
  row('browser JS (pkg/web/stomp_wasm.js: glue + JS edge), as shipped', s.browser_js);
  row('browser JS, minified', s.browser_js_min);
  row('**browser total**, as shipped', s.browser_total, true);
  row('**browser total**, JS minified', s.browser_total_min, true);
  const m = s.miniprogram;
  if (m) {
    push(`| mini-program wasm (stomp_wasm_bg.wasm; shipped as .wasm.br: **${kb(m.wasm_br_file)}**) | ${kb(m.wasm.raw)} | ${kb(m.wasm.gz)} | ${kb(m.wasm.br)} |`);
    row('mini-program index.js (one file), as shipped', m.js);
    row('mini-program index.js, minified', m.js_min);
    push(`| mini-program package as shipped (.wasm.br + index.js) | ${kb(m.shipped)} | | |`);
  }
  row('@stomp/stompjs bundles/stomp.umd.min.js', s.stompjs_min);
  push('');
  const p = s.parts;
  if (p) {
    push(
      `**Size by part** of the shipped wasm (${kb(p.shipped_bytes)} raw), from a copy built with its name section (\`wasm-bindgen --keep-debug\`, \`wasm-opt -Oz -g\`; ${p.same_code ? 'the same code section, byte for byte in size' : `code section ${p.named_code_section} B against the shipped ${p.shipped_code_section} B`}). Bindings = \`stomp_wasm::web::edge\` (incl. the \`#[wasm_bindgen]\` exports it generates) + wasm_bindgen/js_sys/web_sys; driver = the rest of \`stomp_wasm::web\`.`,
      '',
    );
    push('| part | bytes | share | largest functions |', '|---|--:|--:|---|');
    for (const r of p.rows) {
      const largest = r.largest.map(([n, b]) => `\`${n.length > 70 ? `${n.slice(0, 67)}…` : n}\` ${b}`).join(', ');
      const ours = r.for_our_types ? ` (of which ${kb(r.for_our_types)} generic code for our types)` : '';
      push(`| ${r.part}${ours} | ${count(r.bytes)} | ${pct(r.share)} | ${largest} |`);
    }
    push('');
  }
}

/** Shared mode (issue 24): 10 tabs sharing one connection against 10 tabs with a connection each. */
function sharedTable(report, push) {
  const r = report.shared;
  if (!r) return;
  if (r.skipped) {
    push(`**Shared mode** (10 tabs): not measured: ${r.skipped}`, '');
    return;
  }
  const tabsConns = (m) => (m.connections === null ? '?' : `${m.connections - 1}`);
  push(
    `**Shared mode** (\`stomp-wasm/shared\`): ${r.tabs} tabs of one headless Chromium ${r.version ?? ''} context, each subscribed (auto ack) to one topic on RabbitMQ (loopback); ` +
      `a Node publisher sends ${count(r.messages)} messages of ${r.bodyBytes} B; timed from the first publish to the last tab's last message, median of ${r.runs} runs. ` +
      'Connections and subscriptions as RabbitMQ lists them (the publisher\'s connection not counted).' +
      (r.date && r.date.slice(0, 10) !== report.date.slice(0, 10) ? ` Measured on ${r.date.slice(0, 10)}, in a run of this part alone (\`bench/run --only shared\`).` : ''),
    '',
  );
  push('| tabs use | messages/s to every tab | deliveries/s (all tabs) | broker connections | broker subscriptions (consumers) |', '|---|--:|--:|--:|--:|');
  const s = r.modes.separate;
  const sh = r.modes.shared;
  push(`| a connection each (the package's Client per tab) | ${count(s.median)} | ${count(s.deliveries)} | ${tabsConns(s)} | ${s.consumers ?? '?'} |`);
  push(`| one shared connection (SharedWorker) | ${count(sh.median)} (**${ratio(sh.median / s.median)}**) | ${count(sh.deliveries)} | ${tabsConns(sh)} | ${sh.consumers ?? '?'} |`);
  push('');
}

function loopTable(report, push) {
  const loop = report.loop;
  if (!loop) return;
  push('**Tight loop** (issue 19): 20,000 `publish()` of 200 B in a `for` loop without `await`, while connected, against RabbitMQ; delivered = counted by a separate subscriber; time from the first publish to the last delivery.', '');
  push('| where | client | delivery | delivered | time | loop returned after | threw | rejected |', '|---|---|---|--:|--:|--:|--:|--:|');
  for (const env of ['node', 'chromium']) {
    const part = loop[env];
    if (!part) continue;
    if (part.skipped) {
      push(`| ${ENV_NAMES[env]} | skipped: ${part.skipped} | | | | | | |`);
      continue;
    }
    for (const r of part.rows) {
      const all = r.delivered === r.messages;
      push(`| ${ENV_NAMES[env]} | ${r.client} | ${r.delivery} | ${all ? '' : '**'}${count(r.delivered)} / ${count(r.messages)}${all ? '' : '**'} | ${r.seconds.toFixed(1)} s | ${count(r.loop_ms)} ms | ${count(r.threw)} | ${count(r.rejected)} |`);
    }
  }
  push('');
}

/** The build without WebAssembly: its size against stompjs, its speed interpreted and against the wasm build. */
function noWasmTables(report, push) {
  const z = report.size?.nowasm;
  const rows = report.nowasm?.rows ?? [];
  if (!z && !rows.length) return;
  push('**Without WebAssembly** (`stomp-wasm/js`, what React Native gets: the same engine compiled to JavaScript by wasm2js, with the same glue and Client; also what `require(\'stomp-wasm\')` loads under `node --jitless` and Alipay\'s main thread).', '');
  if (z) {
    const row = (label, x, bold) => push(`| ${label} | ${kb(x.raw)} | ${bold ? `**${kb(x.gz)}**` : kb(x.gz)} | ${bold ? `**${kb(x.br)}**` : kb(x.br)} |`);
    push('| file | raw | gzip | brotli |', '|---|--:|--:|--:|');
    row('engine (pkg/js/engine.js, minified)', z.engine);
    row('glue + JS edge (pkg/js/stomp_wasm.js), as shipped', z.js);
    row('glue + JS edge, minified', z.js_min);
    row('**total**, as a bundler leaves it (minified)', z.total_min, true);
    if (report.size.stompjs_min) row('@stomp/stompjs bundles/stomp.umd.min.js', report.size.stompjs_min);
    if (report.size.stompjs_min) {
      push('', `The build without WebAssembly is ${ratio(z.total_min.gz / report.size.stompjs_min.gz)} stompjs's size gzipped (${ratio(z.total_min.br / report.size.stompjs_min.br)} brotli), and ${ratio(z.total_min.gz / (report.size.browser_total_min?.gz ?? NaN))} the wasm build's (wasm + JS).`);
    }
    push('');
  }
  if (rows.length) {
    const label = (r) => `${r.kind} ${SIZE_NAMES[r.body_bytes] ?? r.body_bytes}, ${r.data}${r.kind === 'inbound' ? `, ${CHUNK_NAMES[r.chunking] ?? r.chunking}` : ''}`;
    const keys = [...new Set(rows.map(label))];
    const envs = [
      ['hermes', 'Hermes: ours (js)', 'Hermes: stompjs', 'ours / stompjs'],
      ['jitless', '--jitless: ours (js)', '--jitless: stompjs', 'ours / stompjs'],
      ['node', 'Node: wasm', 'Node: js', 'wasm / js'],
    ].filter(([env]) => rows.some((r) => r.env === env));
    push(
      'Frames/s, median of the timed runs. Hermes: React Native\'s engine (hermes-engine-cli 0.12, `-O` bytecode as in a release app, interpreted), both clients on the package\'s UTF-8 TextEncoder/TextDecoder (Hermes 0.12 has none; stompjs needs one there too), bundled as Metro would (bench/hermes.mjs); ' +
        '`node --jitless`: no WebAssembly and no JIT, both clients interpreted by V8 (the closest Node gets to iOS, where apps may not JIT); normal Node: what a runtime without WebAssembly loses.',
      '',
    );
    push(`| case | ${envs.map(([, a, b, r]) => `${a} | ${b} | ${r}`).join(' | ')} |`, `|---|${envs.map(() => '--:|--:|--:|').join('')}`);
    for (const k of keys) {
      const cells = envs.map(([env]) => {
        const r = rows.find((x) => x.env === env && label(x) === k);
        return r ? `${fps(r.a_fps)} | ${fps(r.b_fps)} | **${ratio(r.ratio)}**` : '— | — | —';
      });
      push(`| ${k} | ${cells.join(' | ')} |`);
    }
    push('');
  }
}

export function markdown(report) {
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(`Machine: ${report.machine}. Date: ${report.date.slice(0, 10)}.${report.quick ? ' Quick run (--quick).' : ''}`, '');
  inboundTables(report, push);
  outboundTable(report, push);
  subscriptionsTable(report, push);
  receiptsTable(report, push);
  deliveryTable(report, push);
  loopTable(report, push);
  sharedTable(report, push);
  sizeTables(report, push);
  noWasmTables(report, push);
  const m = report.memory;
  if (m) {
    const n = m.ours?.messages ?? m.stompjs?.messages;
    push(`**Memory**, ${count(n)} messages of 1 KiB in Node (callback holds headers and body; GC forced only at the marked points).`, '');
    push('| client | measure | start | peak | after GC at 10% | end, after GC |', '|---|---|--:|--:|--:|--:|');
    for (const kind of ['ours', 'stompjs']) {
      const r = m[kind];
      if (!r) continue;
      const row = (label, key) => push(`| ${kind} | ${label} | ${mb(r.start[key])} | ${mb(r.peak[key])} | ${mb(r.after_gc_at_10pct[key])} | ${mb(r.end_after_gc[key])} |`);
      row('JS heap used', 'heap_used');
      if (r.start.wasm !== null) row('wasm linear memory', 'wasm');
      row('RSS', 'rss');
    }
    const took = ['ours', 'stompjs'].filter((k) => m[k]).map((k) => `${k} ${m[k].seconds.toFixed(1)} s`);
    push('', `Time for the ${count(n)} messages, event loop turns included: ${took.join(', ')}.`, '');
  }
  const t = targets(report);
  if (t.length) {
    push('**Targets** (issue #12)', '', '| target | measured | |', '|---|---|---|');
    for (const x of t) push(`| ${x.target} | ${x.measured} | ${x.met === true ? 'met' : x.met ? `**missed** (${x.met})` : '**missed**'} |`);
    push('');
  }
  return `${lines.join('\n')}\n`;
}
