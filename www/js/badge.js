// The connection badge: connecting / connected (version, negotiated heart-beat) / reconnecting in N s
// (countdown, attempt k) / failed (Retry → reconnectNow()). Driven by the client's `state` and
// `reconnectScheduled` events; `data-state` on the element is what tests and CSS read.
import { h } from './ui.js';
import { negotiatedHeartbeat } from './connection.js';

function seconds(ms) {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function heartbeatText(config, client) {
  const { outgoing, incoming } = negotiatedHeartbeat(config, client.serverHeaders);
  if (!outgoing && !incoming) return 'no heart-beat';
  if (outgoing === incoming) return `♥ ${seconds(outgoing)}`;
  return `♥ ↑${outgoing ? seconds(outgoing) : 'off'} ↓${incoming ? seconds(incoming) : 'off'}`;
}

/** Turns `root` into the badge. Returns {render, history}. */
export function mountBadge(root, { client, config, stats, onOpen }) {
  root.classList.add('badge');
  const label = h('span', { class: 'badge-label' });
  const detail = h('span', { class: 'badge-detail' });
  const action = h('button', { class: 'badge-action', type: 'button', hidden: true }, 'Retry');
  const body = h('button', { class: 'badge-body', type: 'button', title: 'Connection details', onclick: () => onOpen?.() },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), label, detail);
  root.replaceChildren(body, action);
  root.setAttribute('role', 'status');
  root.setAttribute('aria-live', 'polite');
  action.addEventListener('click', () => client.reconnectNow());

  let scheduled = null; // the last reconnectScheduled detail
  let lastError = '';
  let started = false; // before activate(), 'inactive' means "about to connect", not "offline"
  let timer = null;
  const history = [];

  function view() {
    const state = client.connectionState;
    const attempt = scheduled?.attempt ?? 0;
    switch (state) {
      case 'connected':
        return {
          state: 'connected',
          label: 'Connected',
          detail: `STOMP ${client.connectedVersion} · ${heartbeatText(config, client)}`,
          title: `${client.serverHeaders.server ?? 'broker'} · session ${client.serverHeaders.session ?? '?'}`,
        };
      case 'connecting':
        return attempt
          ? { state: 'reconnecting', label: 'Reconnecting…', detail: `attempt ${attempt}`, action: null }
          : { state: 'connecting', label: 'Connecting…', detail: '' };
      case 'reconnecting': {
        const left = scheduled ? Math.max(0, Math.ceil((scheduled.at - Date.now()) / 1000)) : 0;
        return {
          state: 'reconnecting',
          label: left > 0 ? `Reconnecting in ${left} s` : 'Reconnecting…',
          detail: attempt ? `attempt ${attempt}` : '',
          action: 'Retry now',
          title: lastError,
        };
      }
      case 'failed':
        return {
          state: 'failed',
          label: 'Connection failed',
          detail: attempt ? `after ${attempt} attempts` : '',
          action: 'Retry',
          title: lastError,
        };
      default:
        return started ? { state: 'offline', label: 'Offline', detail: '' } : { state: 'connecting', label: 'Connecting…', detail: '' };
    }
  }

  function render() {
    if (client.connectionState !== 'inactive') started = true;
    const v = view();
    if (root.dataset.state !== v.state || label.textContent !== v.label) {
      history.push({ state: v.state, label: v.label, at: Date.now() });
      if (history.length > 200) history.shift();
    }
    root.dataset.state = v.state;
    label.textContent = v.label;
    detail.textContent = v.detail;
    detail.hidden = !v.detail;
    body.title = v.title || 'Connection details';
    action.hidden = !v.action;
    if (v.action) action.textContent = v.action;
    const counting = v.state === 'reconnecting';
    if (counting && !timer) timer = setInterval(render, 250);
    if (!counting && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  client.on('state', render);
  client.on('reconnectScheduled', (d) => {
    scheduled = { attempt: d.attempt, delay: d.delay, at: d.at };
    render();
  });
  client.on('connect', () => {
    scheduled = null;
    lastError = '';
    render();
  });
  client.on('connectFailed', ({ reason, frame }) => {
    lastError = `last attempt: ${reason}${frame?.headers?.message ? ` (${frame.headers.message})` : ''}`;
    render();
  });
  render();
  return { render, history, stats };
}
