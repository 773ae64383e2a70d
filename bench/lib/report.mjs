// The markdown report of a bench run (printed by `make bench`, kept in bench/results/latest.md and
// copied into the README's Performance section).

const SIZE_NAMES = { 64: '64 B', 1024: '1 KiB', 16384: '16 KiB', 262144: '256 KiB' };
const CHUNK_NAMES = { frame: '1 frame / message', batch10: '10 frames / message', split4k: '4 KiB pieces' };

const fps = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)} k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const mbps = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratio = (r) => (r === undefined || r === null ? '—' : `${r.toFixed(r >= 10 ? 1 : 2)}×`);
const kb = (n) => (n === null || n === undefined ? '—' : `${(n / 1000).toFixed(1)} kB`);
const mb = (n) => (n === null || n === undefined ? '—' : `${(n / 1e6).toFixed(1)} MB`);
const find = (rows, env, body, chunking, data) =>
  rows.find((r) => r.env === env && r.body_bytes === body && (chunking === undefined || r.chunking === chunking) && (data === undefined || r.data === data));

function range(values) {
  if (!values.length) return '—';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? ratio(lo) : `${ratio(lo)}–${ratio(hi)}`;
}

/** Each target of the issue: what was measured, met or not. */
export function targets(report) {
  const out = [];
  const inbound = report.inbound ?? [];
  for (const [body, want] of [[1024, 3], [262144, 10]]) {
    for (const env of ['node', 'chromium']) {
      const rows = inbound.filter((r) => r.env === env && r.body_bytes === body && r.data === 'binary');
      if (!rows.length) continue;
      const ratios = rows.map((r) => r.ratio);
      out.push({ target: `inbound ≥ ${want}× at ${SIZE_NAMES[body]}, ${env === 'node' ? 'Node' : 'Chromium'}`, measured: range(ratios), met: Math.min(...ratios) >= want });
    }
  }
  for (const env of ['node', 'chromium']) {
    const rows = (report.outbound ?? []).filter((r) => r.env === env);
    if (!rows.length) continue;
    const ratios = rows.map((r) => r.ratio);
    out.push({ target: `outbound ≥ 2×, ${env === 'node' ? 'Node' : 'Chromium'}`, measured: range(ratios), met: Math.min(...ratios) >= 2 });
  }
  if (report.size) {
    out.push({ target: 'browser wasm + glue ≤ 40 KB gzip', measured: kb(report.size.browser_total_gz), met: report.size.browser_total_gz <= 40000 });
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

export function markdown(report) {
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(`Machine: ${report.machine}. Date: ${report.date.slice(0, 10)}.${report.quick ? ' Quick run (--quick).' : ''}`, '');
  const inbound = report.inbound ?? [];
  const envs = ['node', 'chromium'].filter((e) => inbound.some((r) => r.env === e));
  const envName = { node: 'Node', chromium: 'Chromium' };
  if (inbound.length) {
    const runs = inbound[0].ours_ms?.length;
    push(
      `**Inbound**, binary WebSocket messages (ArrayBuffer): frames/s (MB/s), median of ${runs} runs after warm-up; ratio = ours / stompjs.`,
      '',
      `| body | delivery | ${envs.map((e) => `${envName[e]} ours | ${envName[e]} stompjs | ratio`).join(' | ')} |`,
      `|---|---|${envs.map(() => '--:|--:|--:').join('|')}|`,
    );
    const bodies = [...new Set(inbound.map((r) => r.body_bytes))].sort((a, b) => a - b);
    for (const body of bodies) {
      for (const chunking of ['frame', 'batch10', 'split4k']) {
        const cells = envs.map((env) => {
          const r = find(inbound, env, body, chunking, 'binary');
          return r ? `${fps(r.ours_fps)} (${mbps(r.ours_mbps)}) | ${fps(r.stompjs_fps)} (${mbps(r.stompjs_mbps)}) | **${ratio(r.ratio)}**` : '— | — | —';
        });
        push(`| ${SIZE_NAMES[body] ?? body} | ${CHUNK_NAMES[chunking]} | ${cells.join(' | ')} |`);
      }
    }
    const ceilings = envs.map((env) => {
      const parts = bodies.map((body) => {
        const r = find(inbound, env, body, 'frame', 'binary');
        return r?.decode_only_fps ? `${SIZE_NAMES[body]} ${ratio(r.decode_only_fps / r.stompjs_fps)}` : null;
      }).filter(Boolean);
      return parts.length ? `${envName[env]}: ${parts.join(', ')}` : null;
    }).filter(Boolean);
    if (ceilings.length) {
      push('', `Ceiling: decoding the body alone (TextDecoder, which any client handing the callback a string pays) is this many times faster than stompjs's whole receive path, 1 frame / message — ${ceilings.join('; ')}.`);
    }
    if (inbound.some((r) => r.data === 'text')) {
      push('', '**Inbound**, text WebSocket messages (strings, RabbitMQ\'s default): ratio ours / stompjs (frames/s of ours).', '');
      push(`| body | ${envs.map((e) => ['frame', 'batch10', 'split4k'].map((c) => `${envName[e]} ${c}`).join(' | ')).join(' | ')} |`);
      push(`|---|${envs.map(() => '--:|--:|--:').join('|')}|`);
      for (const body of bodies) {
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
  const outbound = report.outbound ?? [];
  if (outbound.length) {
    push('**Outbound**, `publish()` into a counting socket: frames/s; ratio = ours / stompjs.', '');
    push(`| body | ${envs.map((e) => `${envName[e]} ours | ${envName[e]} stompjs | ratio`).join(' | ')} |`);
    push(`|---|${envs.map(() => '--:|--:|--:').join('|')}|`);
    for (const body of [...new Set(outbound.map((r) => r.body_bytes))].sort((a, b) => a - b)) {
      const cells = envs.map((env) => {
        const r = find(outbound, env, body);
        return r ? `${fps(r.ours_fps)} | ${fps(r.stompjs_fps)} | **${ratio(r.ratio)}**` : '— | — | —';
      });
      push(`| ${SIZE_NAMES[body] ?? body} | ${cells.join(' | ')} |`);
    }
    push('');
  }
  const s = report.size;
  if (s) {
    push('**Size** of what a page downloads (gzip -9, brotli q11).', '');
    push('| file | raw | gzip | brotli |', '|---|--:|--:|--:|');
    push(`| browser wasm (pkg/web/stomp_wasm_bg.wasm) | ${kb(s.browser_wasm_raw)} | ${kb(s.browser_wasm_gz)} | ${kb(s.browser_wasm_br)} |`);
    push(`| browser JS glue (pkg/web/stomp_wasm.js) | ${kb(s.browser_glue_raw)} | ${kb(s.browser_glue_gz)} | ${kb(s.browser_glue_br)} |`);
    push(`| **browser total** | ${kb(s.browser_wasm_raw + s.browser_glue_raw)} | **${kb(s.browser_total_gz)}** | ${kb(s.browser_total_br)} |`);
    if (s.miniprogram_wasm_raw !== null) {
      push(`| mini-program wasm | ${kb(s.miniprogram_wasm_raw)} | ${kb(s.miniprogram_wasm_gz)} | ${kb(s.miniprogram_wasm_br)} |`);
      push(`| mini-program JS glue | ${kb(s.miniprogram_glue_raw)} | ${kb(s.miniprogram_glue_gz)} | ${kb(s.miniprogram_glue_br)} |`);
    } else {
      push(`| mini-program wasm | — | — | — (${s.miniprogram_note}) |`);
    }
    push(`| @stomp/stompjs bundles/stomp.umd.min.js | ${kb(s.stompjs_min_raw)} | ${kb(s.stompjs_min_gz)} | ${kb(s.stompjs_min_br)} |`, '');
  }
  const m = report.memory;
  if (m) {
    const n = m.ours?.messages ?? m.stompjs?.messages;
    push(`**Memory**, ${n.toLocaleString('en-US')} messages of 1 KiB in Node (callback holds headers and body; GC forced only at the marked points).`, '');
    push('| client | measure | start | peak | after GC at 10% | end, after GC |', '|---|---|--:|--:|--:|--:|');
    for (const kind of ['ours', 'stompjs']) {
      const r = m[kind];
      if (!r) continue;
      const row = (label, key) =>
        push(`| ${kind} | ${label} | ${mb(r.start[key])} | ${mb(r.peak[key])} | ${mb(r.after_gc_at_10pct[key])} | ${mb(r.end_after_gc[key])} |`);
      row('JS heap used', 'heap_used');
      if (r.start.wasm !== null) row('wasm linear memory', 'wasm');
      row('RSS', 'rss');
    }
    const took = ['ours', 'stompjs'].filter((k) => m[k]).map((k) => `${k} ${m[k].seconds.toFixed(1)} s`);
    push('', `Time for the ${n.toLocaleString('en-US')} messages, event loop turns included: ${took.join(', ')}.`, '');
  }
  const t = targets(report);
  if (t.length) {
    push('**Targets**', '', '| target | measured | |', '|---|---|---|');
    for (const x of t) push(`| ${x.target} | ${x.measured} | ${x.met ? 'met' : '**missed**'} |`);
    push('');
  }
  return `${lines.join('\n')}\n`;
}
