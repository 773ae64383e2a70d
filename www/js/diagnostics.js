// The diagnostics drawer: messages in/out per second, round-trip latency p50/p99 (publish → RECEIPT),
// heart-beats seen, reconnects, bytes on the wire, the negotiated session, an event log, and
// "Simulate outage" (forceDisconnect(): the socket drops as if the network had).
import { h, icon, formatBytes, formatMs } from './ui.js';
import { heartbeatText } from './badge.js';
import { publishWithReceipt, modeName } from './connection.js';

/** The event log the drawer shows; pass `log` to createClient before the drawer exists. */
export class EventLog {
  constructor(limit = 60) {
    this.limit = limit;
    this.entries = [];
    this.listeners = new Set();
  }

  log = (kind, text) => {
    this.entries.push({ kind, text, at: Date.now() });
    if (this.entries.length > this.limit) this.entries.shift();
    for (const fn of this.listeners) fn();
  };
}

function tile(label, key, hint) {
  return h('div', { class: 'tile', title: hint ?? '' }, h('div', { class: 'tile-value', dataset: { stat: key } }, '—'), h('div', { class: 'tile-label' }, label));
}

function drawSparkline(canvas, series) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  const max = Math.max(4, ...series.in, ...series.out);
  const styles = getComputedStyle(canvas);
  const lines = [
    [series.out, styles.getPropertyValue('--spark-out').trim() || '#6366f1'],
    [series.in, styles.getPropertyValue('--spark-in').trim() || '#14b8a6'],
  ];
  for (const [data, color] of lines) {
    ctx.beginPath();
    data.forEach((value, i) => {
      const x = (i / (data.length - 1)) * width;
      const y = height - 2 - (value / max) * (height - 6);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.lineJoin = 'round';
    ctx.stroke();
  }
}

/**
 * Builds the drawer (appended to <body>) and returns {open, close, toggle}.
 * `details` are [label, value] rows about this page (destinations, queue names).
 */
export function mountDiagnostics({ client, stats, config, events, details = [], probeDestination }) {
  const tiles = h('div', { class: 'tiles' },
    tile('in / s', 'rateIn', 'MESSAGE frames received per second (5 s average)'),
    tile('out / s', 'rateOut', 'SEND frames per second (5 s average)'),
    tile('RTT p50', 'p50', 'publish → RECEIPT, median'),
    tile('RTT p99', 'p99', 'publish → RECEIPT, 99th percentile'),
    tile('heart-beats seen', 'heartbeats', 'heart-beat messages (a bare EOL) received from the broker'),
    tile('reconnects', 'reconnects', 'sessions re-established after a drop'),
    tile('bytes in', 'bytesIn', 'WebSocket payload bytes received'),
    tile('bytes out', 'bytesOut', 'WebSocket payload bytes sent'),
  );
  // Shared mode: how many tabs use this connection, and where it runs.
  const sharing = h('p', { class: 'sharing', id: 'sharing', hidden: !stats.shared });
  const canvas = h('canvas', { class: 'spark', 'aria-label': 'messages per second, last 60 s' });
  const session = h('dl', { class: 'kv' });
  const log = h('ol', { class: 'event-log' });
  const outage = h('button', { class: 'btn btn-danger', type: 'button', dataset: { action: 'simulate-outage' } }, 'Simulate outage');
  const reconnect = h('button', { class: 'btn', type: 'button' }, 'Reconnect now');
  outage.addEventListener('click', () => {
    events.log('warn', 'simulated outage: socket dropped (forceDisconnect)');
    client.forceDisconnect();
  });
  reconnect.addEventListener('click', () => client.reconnectNow());

  const drawer = h('aside', { class: 'drawer', id: 'diagnostics', 'aria-label': 'Diagnostics', hidden: true },
    h('header', { class: 'drawer-head' },
      h('div', {}, h('h2', {}, 'Diagnostics'), h('p', { class: 'muted' }, 'stomp-wasm client · live')),
      h('button', { class: 'icon-btn', type: 'button', 'aria-label': 'Close', onclick: () => close() }, icon('close'))),
    h('div', { class: 'drawer-body' },
      sharing,
      tiles,
      h('div', { class: 'spark-wrap' }, canvas,
        h('div', { class: 'spark-legend' }, h('span', { class: 'legend-in' }, 'in'), h('span', { class: 'legend-out' }, 'out'), h('span', { class: 'muted' }, 'last 60 s'))),
      h('div', { class: 'drawer-actions' }, outage, reconnect),
      h('h3', {}, 'Session'), session,
      h('h3', {}, 'Events'), log),
  );
  const scrim = h('div', { class: 'scrim', hidden: true, onclick: () => close() });
  document.body.append(scrim, drawer);

  let timer = null;
  let probeTimer = null;

  function set(key, value) {
    const node = tiles.querySelector(`[data-stat="${key}"]`);
    if (node.textContent !== value) node.textContent = value;
  }

  function renderSession() {
    const server = client.serverHeaders ?? {};
    const rows = [
      ['state', client.connectionState],
      ...(stats.shared ? [['connection', client.sharing ? `shared by ${client.sharing.tabs} tab(s), ${modeName(client.sharing.mode)}` : '—']] : [['connection', 'this tab only']]),
      ['broker', config.brokerURLs.join(', ')],
      ['server', server.server ?? '—'],
      ['version', client.connectedVersion ?? '—'],
      ['heart-beat', client.connected ? `${heartbeatText(config, client)} (broker offers ${server['heart-beat'] ?? '0,0'})` : '—'],
      ['session', server.session ?? '—'],
      ['attempts', String(stats.attempts)],
      ['receipts failed', String(stats.receiptsFailed)],
      ['duplicates dropped', String(stats.duplicates)],
      ['heartbeatReceived events', String(stats.heartbeatEvents)],
      ...details,
    ];
    session.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  function renderLog() {
    if (drawer.hidden) return;
    log.replaceChildren(...events.entries.slice().reverse().map((e) =>
      h('li', { class: `ev ev-${e.kind}` },
        h('time', {}, new Date(e.at).toLocaleTimeString([], { hour12: false })), ' ', e.text)));
  }
  events.listeners.add(renderLog);

  function renderSharing() {
    const info = client.sharing;
    if (!stats.shared || !info) return;
    const text = `Connection shared by ${info.tabs} tab${info.tabs === 1 ? '' : 's'} · ${modeName(info.mode)}`;
    if (sharing.textContent !== text) sharing.textContent = text;
    sharing.dataset.mode = info.mode;
    sharing.dataset.tabs = String(info.tabs);
  }
  if (stats.shared) client.on('sharing', renderSharing);

  function render() {
    renderSharing();
    set('rateIn', stats.rate('in').toFixed(1));
    set('rateOut', stats.rate('out').toFixed(1));
    set('p50', formatMs(stats.percentile(50)));
    set('p99', formatMs(stats.percentile(99)));
    set('heartbeats', String(stats.heartbeats));
    set('reconnects', String(stats.reconnects));
    // Shared mode: the socket is in the SharedWorker (or the leader tab), not countable from here.
    set('bytesIn', stats.shared ? '—' : formatBytes(stats.bytesIn));
    set('bytesOut', stats.shared ? '—' : formatBytes(stats.bytesOut));
    drawSparkline(canvas, stats.series);
    renderSession();
  }

  // While the drawer is open, a small probe every 2 s keeps the latency figures fresh (it is routed
  // nowhere: only its RECEIPT matters).
  function probe() {
    if (!probeDestination || !client.connected) return;
    publishWithReceipt(client, stats, { destination: probeDestination, body: '', headers: { type: 'probe' } }).catch(() => {});
  }

  function open() {
    drawer.hidden = false;
    scrim.hidden = false;
    requestAnimationFrame(() => drawer.classList.add('open'));
    render();
    renderLog();
    timer ??= setInterval(render, 500);
    probe();
    probeTimer ??= setInterval(probe, 2000);
  }

  function close() {
    drawer.classList.remove('open');
    scrim.hidden = true;
    clearInterval(timer);
    clearInterval(probeTimer);
    timer = probeTimer = null;
    setTimeout(() => {
      if (!drawer.classList.contains('open')) drawer.hidden = true;
    }, 200);
  }

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !drawer.hidden) close();
  });

  return { open, close, toggle: () => (drawer.hidden ? open() : close()), element: drawer };
}
