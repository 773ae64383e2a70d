// Small DOM helpers shared by the pages: element builder, time and size formatting, avatars, the message
// thread (diffed by message id so that states update in place), and the chat wire format.

/** h('div', {class: 'x', onclick: fn, dataset: {a: 1}}, child, 'text', …) */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') node.style.cssText = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'html') node.innerHTML = value; // only for the static SVG icons below
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const icons = {
  send: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" fill="currentColor"/></svg>',
  pulse: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 12h4l2.5-6 4 12 2.5-6H21" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  close: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
  back: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  check: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  clock: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M8 4.8V8l2 1.6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>',
  alert: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4.5v4.2" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/><circle cx="8" cy="11.4" r="1" fill="#fff"/></svg>',
  chat: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4h0A1.5 1.5 0 0 1 4 14.5z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>',
  logo: '<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="9" fill="currentColor"/><path d="M9 12.5a4.5 4.5 0 0 1 4.5-4.5h5a4.5 4.5 0 0 1 0 9H15l-4 3.5V17a4.5 4.5 0 0 1-2-4.5z" fill="#fff"/><circle cx="14" cy="12.5" r="1.1" fill="currentColor"/><circle cx="18" cy="12.5" r="1.1" fill="currentColor"/></svg>',
};

export function icon(name, cls = 'icon') {
  return h('span', { class: cls, html: icons[name] });
}

const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i

/** A short random id, safe in a routing key, a queue name and a URL. */
export function shortId(length = 7) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

export function uuid() {
  return crypto.randomUUID ? crypto.randomUUID() : `${shortId()}-${shortId()}-${Date.now().toString(36)}`;
}

export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function formatAgo(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'now';
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return new Date(ms).toLocaleDateString();
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

const AVATAR_COLORS = ['#6366f1', '#0ea5e9', '#14b8a6', '#f59e0b', '#ec4899', '#8b5cf6', '#22c55e', '#ef4444'];

export function avatar(name, id = name, cls = 'avatar') {
  let hash = 0;
  for (const c of String(id)) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  const rest = String(name).replace(/^(visitor|访客)\s*/i, '').trim() || String(name);
  const letters = /^\d/.test(rest) ? rest.slice(0, 2) : Array.from(rest)[0] ?? '?';
  return h('span', { class: cls, style: `--avatar:${AVATAR_COLORS[hash % AVATAR_COLORS.length]}`, 'aria-hidden': 'true' }, letters.toUpperCase());
}

// --- the chat's wire format ------------------------------------------------------------------------
// Body: the text (UTF-8). Headers: type (join | text | typing | leave), conversation, msg-id, sender,
// sender-role, sent-at. Text is persistent; typing expires after 5 s (RabbitMQ drops it then).

export function chatHeaders(type, { conversation, id, sender, role }) {
  const headers = {
    type,
    conversation,
    'msg-id': id,
    sender,
    'sender-role': role,
    'sent-at': String(Date.now()),
  };
  if (type === 'text') {
    headers['content-type'] = 'text/plain;charset=utf-8';
    headers.persistent = 'true';
  } else if (type === 'join') {
    headers['content-type'] = 'application/json';
  } else if (type === 'typing') {
    headers.expiration = '5000';
  }
  return headers;
}

/** A received MESSAGE as the chat sees it, or null if it is not one of ours. */
export function parseChat(message) {
  const headers = message.headers;
  if (!headers.type || !headers.conversation) return null;
  return {
    type: headers.type,
    conversation: headers.conversation,
    id: headers['msg-id'] || headers['message-id'],
    sender: headers.sender || '',
    role: headers['sender-role'] || '',
    at: Number(headers['sent-at']) || Date.now(),
    body: message.body,
  };
}

// --- the message thread ------------------------------------------------------------------------------

const STATE_LABEL = { sending: 'Sending…', delivered: 'Delivered', failed: 'Not delivered' };

function messageNode(message, onRetry) {
  if (message.kind === 'system') {
    return h('li', { class: 'msg-system', dataset: { id: message.id } }, h('span', {}, message.text));
  }
  const mine = message.from === 'me';
  const node = h('li', { class: `msg ${mine ? 'msg-me' : 'msg-them'}`, dataset: { id: message.id, from: message.from } });
  node.append(
    h('div', { class: 'bubble' }, h('p', { class: 'bubble-text' }, message.text)),
    h('div', { class: 'msg-meta' }),
  );
  node.retry = () => onRetry?.(message);
  updateMessageNode(node, message);
  return node;
}

function updateMessageNode(node, message) {
  if (message.kind === 'system') return;
  const meta = node.querySelector('.msg-meta');
  const key = `${message.state}|${message.at}|${message.sender ?? ''}`;
  if (node.dataset.key === key) return;
  node.dataset.key = key;
  meta.replaceChildren();
  if (message.from !== 'me' && message.sender) meta.append(h('span', { class: 'msg-sender' }, message.sender), ' · ');
  meta.append(h('time', { datetime: new Date(message.at).toISOString() }, formatTime(message.at)));
  if (message.from === 'me') {
    node.dataset.state = message.state;
    const status = h('span', { class: `msg-status status-${message.state}`, title: message.error || STATE_LABEL[message.state] });
    if (message.state === 'delivered') status.append(icon('check', 'icon tick'), h('span', { class: 'sr-only' }, '✓ delivered'));
    else if (message.state === 'sending') status.append(icon('clock'), h('span', { class: 'status-text' }, 'Sending'));
    else if (message.state === 'failed') {
      status.append(icon('alert'), h('span', { class: 'status-text' }, 'Not delivered'), ' ',
        h('button', { class: 'retry', type: 'button', onclick: () => node.retry() }, 'Retry'));
    }
    meta.append(' ', status);
  }
}

/** Keeps `list` (a <ol>) showing `messages`: new ones appended, changed ones updated in place. */
export function renderThread(list, messages, { onRetry } = {}) {
  const nodes = new Map();
  for (const child of list.children) nodes.set(child.dataset.id, child);
  const wanted = new Set(messages.map((m) => m.id));
  for (const [id, node] of nodes) if (!wanted.has(id)) node.remove();
  let previous = null;
  for (const message of messages) {
    let node = nodes.get(message.id);
    if (!node) {
      node = messageNode(message, onRetry);
      node.classList.add('msg-new');
      if (previous) previous.after(node);
      else list.prepend(node);
    } else {
      updateMessageNode(node, message);
    }
    previous = node;
  }
}

/**
 * Wires a composer: Enter sends and Shift+Enter is a new line (an IME composition, such as pinyin,
 * keeps its Enter); the textarea grows up to `maxHeight`; typing something calls `onTyping`.
 */
export function wireComposer(form, input, { onSend, onTyping, maxHeight }) {
  const autosize = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, maxHeight)}px`;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSend(input.value);
    input.value = '';
    autosize();
    input.focus();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (input.value.trim()) onTyping();
  });
}

/** Scrolls a scroller to the bottom if it was near the bottom (or `force`). */
export function stickToBottom(scroller, force = false) {
  const near = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  if (force || near) requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));
}

/** Session storage that never throws (private modes, quota). */
export const store = {
  get(key) {
    try {
      return JSON.parse(sessionStorage.getItem(key) ?? 'null');
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // not persisted: fine for a demo
    }
  },
  remove(key) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // ignore
    }
  },
};
