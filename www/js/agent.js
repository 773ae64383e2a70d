// The agent console: every conversation arrives on one subscription (a wildcard or a shared topic),
// new visitors show up live, unread counts per conversation, pick one and reply (with a delivery state),
// see the visitor typing. State survives a reload (sessionStorage), and so does the agent's durable queue.
import { loadConfig, destination, subscribeHeaders, shareMode } from './config.js';
import { createClient, publishWithReceipt } from './connection.js';
import { mountBadge } from './badge.js';
import { mountDiagnostics, EventLog } from './diagnostics.js';
import { h, avatar, shortId, uuid, chatHeaders, parseChat, renderThread, store, formatTime, formatAgo, wireComposer } from './ui.js';

const KEY = 'stomp-wasm-demo.agent';
const NAMES = ['Lin', 'Mei', 'Chen', 'Alex', 'Sam', 'Yuki'];
const CANNED = ['您好，请问有什么可以帮您？', 'Let me check that for you 🔍', '请稍等片刻 🙏', 'Is there anything else I can help with?'];
const TYPING_MS = 4000;
const $ = (selector) => document.querySelector(selector);

export async function main() {
  const config = await loadConfig();
  const saved = store.get(KEY);
  const agent = saved?.agentId
    ? saved
    : { agentId: shortId(), name: NAMES[Math.floor(Math.random() * NAMES.length)], conversations: [], selected: null };
  if (config.name) agent.name = config.name;
  const convs = new Map(agent.conversations.map((c) => [c.id, c]));
  const seen = new Set();
  for (const c of convs.values()) {
    c.typingUntil = 0;
    for (const m of c.messages) {
      seen.add(m.id);
      if (m.state === 'sending') {
        m.state = 'failed';
        m.error = 'the page was reloaded before the broker confirmed it';
      }
    }
  }
  let selected = agent.selected && convs.has(agent.selected) ? agent.selected : null;
  const save = () => {
    for (const c of convs.values()) c.messages = c.messages.slice(-200);
    store.set(KEY, { ...agent, conversations: [...convs.values()], selected });
  };

  const events = new EventLog();
  // The console shares one connection between all its tabs (?share=off for one per tab).
  const { client, stats } = await createClient(config, { log: events.log, share: shareMode(config, true) });
  const inbox = config.agentSubscribe;
  const inboxHeaders = subscribeHeaders(config, inbox, `agent.${agent.agentId}`);
  $('#brand').textContent = config.brand;
  $('#me').replaceChildren(avatar(agent.name, agent.agentId, 'avatar avatar-sm'), h('span', { class: 'me-name' }, agent.name));

  const diagnostics = mountDiagnostics({
    client,
    stats,
    config,
    events,
    probeDestination: config.probe ? destination(config.probe, `agent-${agent.agentId}`) : '',
    details: [
      ['agent', `${agent.name} (${agent.agentId})`],
      ['subscribed to', inbox],
      ['queue', inboxHeaders['x-queue-name'] ?? '(the broker\'s)'],
      ['replies to', config.agentSend],
    ],
  });
  const badge = mountBadge($('#badge'), { client, config, stats, onOpen: () => diagnostics.open() });
  $('#diag-btn').addEventListener('click', () => diagnostics.toggle());

  const panes = $('#panes');
  const list = $('#conversations');
  const thread = $('#thread');
  const scroller = $('#scroller');
  const typing = $('#typing');
  const input = $('#input');
  const fresh = new Set(); // conversations to flash in the list

  // --- rendering -------------------------------------------------------------------------------------
  function preview(c) {
    if (c.typingUntil > Date.now()) return h('span', { class: 'preview typing-preview' }, 'typing…');
    const last = [...c.messages].reverse().find((m) => m.kind !== 'system');
    if (!last) return h('span', { class: 'preview muted' }, 'New conversation');
    return h('span', { class: 'preview' }, last.from === 'me' ? `You: ${last.text}` : last.text);
  }

  function renderList() {
    const sorted = [...convs.values()].sort((a, b) => b.lastAt - a.lastAt);
    list.replaceChildren(...sorted.map((c) => {
      const item = h('button', {
        class: `conv${c.id === selected ? ' selected' : ''}${c.unread ? ' has-unread' : ''}${fresh.has(c.id) ? ' conv-new' : ''}`,
        type: 'button',
        dataset: { conversation: c.id, unread: String(c.unread) },
        onclick: () => select(c.id),
      },
      h('span', { class: 'avatar-wrap' }, avatar(c.name, c.id), h('span', { class: `presence ${c.online ? 'online' : 'away'}`, title: c.online ? 'on the page' : 'left' })),
      h('span', { class: 'conv-main' },
        h('span', { class: 'conv-top' }, h('b', { class: 'conv-name' }, c.name), h('time', { class: 'conv-time' }, formatAgo(c.lastAt))),
        h('span', { class: 'conv-bottom' }, preview(c), c.unread ? h('span', { class: 'unread', 'aria-label': `${c.unread} unread` }, String(c.unread)) : null)));
      return h('li', {}, item);
    }));
    $('#inbox-empty').hidden = convs.size > 0;
    const total = [...convs.values()].reduce((n, c) => n + c.unread, 0);
    const count = $('#unread-total');
    count.hidden = !total;
    count.textContent = String(total);
    document.title = `${total ? `(${total}) ` : ''}Agent console — ${config.brand}`;
  }

  function renderInfo(c) {
    const info = $('#info');
    if (!c) {
      info.replaceChildren();
      return;
    }
    const meta = c.meta ?? {};
    const rows = [
      ['Conversation', `#${c.id}`],
      ['Status', c.online ? 'On the page' : 'Left'],
      ['Started', meta.startedAt ? new Date(meta.startedAt).toLocaleString() : formatTime(c.createdAt)],
      ['Browser', meta.browser],
      ['Language', meta.language],
      ['Time zone', meta.timeZone],
      ['Page', meta.page],
      ['Messages', String(c.messages.filter((m) => m.kind !== 'system').length)],
    ].filter(([, v]) => v);
    info.replaceChildren(
      h('div', { class: 'info-card' },
        avatar(c.name, c.id, 'avatar avatar-lg'),
        h('h3', {}, c.name),
        h('p', { class: 'muted' }, c.online ? 'Online now' : 'Offline')),
      h('dl', { class: 'kv' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    );
  }

  function renderChat({ scroll = false } = {}) {
    const c = selected ? convs.get(selected) : null;
    $('#chat-empty').hidden = Boolean(c);
    $('#chat-main').hidden = !c;
    panes.dataset.view = c ? 'chat' : 'list';
    renderInfo(c);
    if (!c) return;
    const stick = scroll || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
    $('#chat-name').textContent = c.name;
    const isTyping = c.typingUntil > Date.now();
    $('#chat-status').textContent = isTyping ? 'typing…' : c.online ? `online · #${c.id}` : `left · #${c.id}`;
    $('#chat-status').classList.toggle('is-typing', isTyping);
    $('#chat-avatar').replaceChildren(avatar(c.name, c.id));
    if (thread.dataset.conversation !== c.id) {
      thread.replaceChildren();
      thread.dataset.conversation = c.id;
    }
    renderThread(thread, c.messages, { onRetry: (m) => m.state === 'failed' && deliver(c, m) });
    typing.hidden = !isTyping;
    typing.querySelector('.typing-text').textContent = `${c.name} is typing…`;
    if (stick) requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));
  }

  function render(options) {
    renderList();
    renderChat(options);
  }

  function select(id) {
    selected = id;
    const c = convs.get(id);
    if (c) c.unread = 0;
    save();
    render({ scroll: true });
    if (matchMedia('(min-width: 760px)').matches) input.focus();
  }

  $('#back').addEventListener('click', () => {
    selected = null;
    save();
    render();
  });

  // --- receiving ---------------------------------------------------------------------------------------
  function conversationFor(m) {
    let c = convs.get(m.conversation);
    if (!c) {
      c = {
        id: m.conversation,
        name: m.sender || `Visitor ${m.conversation.slice(0, 4)}`,
        messages: [{ kind: 'system', id: `sys-${m.conversation}`, text: `New conversation · ${formatTime(m.at)}` }],
        unread: 0,
        online: true,
        createdAt: m.at,
        lastAt: m.at,
        meta: {},
        typingUntil: 0,
      };
      convs.set(c.id, c);
      fresh.add(c.id);
      setTimeout(() => {
        fresh.delete(c.id);
        renderList();
      }, 2500);
      events.log('info', `new conversation #${c.id} (${c.name})`);
    }
    if (m.sender) c.name = m.sender;
    return c;
  }

  client.subscribe(inbox, (message) => {
    stats.countIn();
    const m = parseChat(message);
    if (!m || m.role === 'agent') return;
    if (m.type !== 'typing' && m.id) {
      if (seen.has(m.id)) {
        stats.duplicates++;
        return;
      }
      seen.add(m.id);
    }
    const c = conversationFor(m);
    const viewing = c.id === selected && !document.hidden;
    switch (m.type) {
      case 'join': {
        try {
          c.meta = { ...c.meta, ...JSON.parse(m.body) };
        } catch {
          // no details
        }
        if (!c.online) c.messages.push({ kind: 'system', id: m.id, text: `${c.name} is back` });
        c.online = true;
        break;
      }
      case 'leave':
        c.online = false;
        c.messages.push({ kind: 'system', id: m.id, text: `${c.name} left the page` });
        break;
      case 'text':
        c.messages.push({ id: m.id, from: 'them', text: m.body, at: m.at, sender: c.name });
        c.lastAt = Math.max(c.lastAt, m.at);
        c.typingUntil = 0;
        if (!viewing) c.unread++;
        break;
      case 'typing':
        c.typingUntil = Date.now() + TYPING_MS;
        setTimeout(() => render(), TYPING_MS + 50); // the indicator's end (typing comes at most every 2.5 s)
        render();
        return;
      default:
        return;
    }
    save();
    render();
  }, inboxHeaders);

  document.addEventListener('visibilitychange', () => {
    const c = selected && convs.get(selected);
    if (!document.hidden && c?.unread) {
      c.unread = 0;
      save();
      renderList();
    }
  });
  setInterval(renderList, 30000); // the "n min" times

  // --- replying ----------------------------------------------------------------------------------------
  function deliver(c, message) {
    message.state = 'sending';
    delete message.error;
    save();
    render({ scroll: true });
    publishWithReceipt(client, stats, {
      destination: destination(config.agentSend, c.id),
      body: message.text,
      headers: chatHeaders('text', { conversation: c.id, id: message.id, sender: agent.name, role: 'agent' }),
    }).then(
      () => {
        message.state = 'delivered';
        save();
        render();
      },
      (error) => {
        message.state = 'failed';
        message.error = error?.message ?? String(error);
        save();
        render();
      },
    );
  }

  function reply(text) {
    const c = selected && convs.get(selected);
    text = text.trim();
    if (!c || !text) return;
    const message = { id: uuid(), from: 'me', text, at: Date.now(), state: 'sending' };
    seen.add(message.id);
    c.messages.push(message);
    c.lastAt = message.at;
    deliver(c, message);
  }

  let lastTyping = 0;
  function announceTyping() {
    const c = selected && convs.get(selected);
    if (!c || !client.connected || Date.now() - lastTyping < 2500) return;
    lastTyping = Date.now();
    stats.countOut();
    client.publish({
      destination: destination(config.agentSend, c.id),
      body: '',
      headers: chatHeaders('typing', { conversation: c.id, id: uuid(), sender: agent.name, role: 'agent' }),
    }).catch(() => {});
  }

  wireComposer($('#composer'), input, { onSend: reply, onTyping: announceTyping, maxHeight: 140 });
  if (matchMedia('(min-width: 760px)').matches) input.placeholder = 'Write a reply…  (Enter sends, Shift+Enter for a new line)';
  $('#chips').replaceChildren(...CANNED.map((text) =>
    h('button', { class: 'chip', type: 'button', onclick: () => reply(text) }, text)));
  const visitorParams = new URLSearchParams(location.search);
  visitorParams.delete('name');
  const query = visitorParams.toString();
  const visitorURL = `visitor.html${query ? `?${query}` : ''}`;
  for (const link of document.querySelectorAll('.visitor-link')) link.href = visitorURL;

  client.activate();
  render({ scroll: true });
  window.__demo = { role: 'agent', client, stats, config, agent, conversations: convs, badge, events };
}
