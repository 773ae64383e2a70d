// The visitor's H5 chat: one conversation (its own destination), text with a delivery state per message
// (sending → ✓ on the broker's RECEIPT → failed with Retry), the agent's replies and typing indicator.
// The conversation survives a reload (sessionStorage); ?new starts another one.
import { loadConfig, destination, subscribeHeaders, shareMode } from './config.js';
import { createClient, publishWithReceipt } from './connection.js';
import { mountBadge } from './badge.js';
import { mountDiagnostics, EventLog } from './diagnostics.js';
import { h, shortId, uuid, chatHeaders, parseChat, renderThread, store, formatTime, wireComposer } from './ui.js';

const KEY = 'stomp-wasm-demo.visitor';
const QUICK = ['你好 👋', 'Where is my order? 📦', '我想退货', 'Can I change my address?'];
const $ = (selector) => document.querySelector(selector);

function browserSummary() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /MicroMessenger/.test(ua) ? 'WeChat' : /Chrome\//.test(ua) ? 'Chrome'
    : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS'
    : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

export async function main() {
  const config = await loadConfig();
  const params = new URLSearchParams(location.search);
  const saved = params.has('new') ? null : store.get(KEY);
  const resumed = Boolean(saved?.id);
  const convo = resumed
    ? saved
    : {
        id: shortId(),
        name: `Visitor ${String(1000 + Math.floor(Math.random() * 9000))}`,
        startedAt: Date.now(),
        agentName: '',
        messages: [],
      };
  if (config.name) convo.name = config.name;
  for (const m of convo.messages) {
    if (m.state === 'sending') {
      m.state = 'failed';
      m.error = 'the page was reloaded before the broker confirmed it';
    }
  }
  if (!resumed) {
    convo.messages.push({ kind: 'system', id: `sys-${convo.id}`, text: `Conversation #${convo.id} started · ${formatTime(convo.startedAt)}` });
  }
  const seen = new Set(convo.messages.map((m) => m.id));
  const save = () => {
    convo.messages = convo.messages.slice(-200);
    store.set(KEY, convo);
  };

  const events = new EventLog();
  const { client, stats } = await createClient(config, { log: events.log, share: shareMode(config, false) });
  const sendTo = destination(config.visitorSend, convo.id);
  const listenTo = destination(config.visitorSubscribe, convo.id);
  const listenHeaders = subscribeHeaders(config, listenTo, `visitor.${convo.id}`);
  document.body.dataset.conversation = convo.id;
  $('#brand').textContent = config.brand;
  document.title = `${config.brand} — chat`;

  const scroller = $('#scroller');
  const thread = $('#thread');
  const typing = $('#typing');
  const input = $('#input');
  const agentLine = $('#agent-line');

  const diagnostics = mountDiagnostics({
    client,
    stats,
    config,
    events,
    probeDestination: config.probe ? destination(config.probe, convo.id) : '',
    details: [
      ['conversation', convo.id],
      ['publishes to', sendTo],
      ['subscribed to', listenTo],
      ['queue', listenHeaders['x-queue-name'] ?? '(the broker\'s)'],
    ],
  });
  const badge = mountBadge($('#badge'), { client, config, stats, onOpen: () => diagnostics.open() });
  $('#diag-btn').addEventListener('click', () => diagnostics.toggle());

  let unseen = 0;
  function render({ scroll = false } = {}) {
    const stick = scroll || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
    renderThread(thread, convo.messages, { onRetry: retry });
    agentLine.textContent = convo.agentName ? `${convo.agentName} is helping you` : 'We usually reply in a few minutes';
    document.title = `${unseen ? `(${unseen}) ` : ''}${config.brand} — chat`;
    if (stick) requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));
  }

  // --- receiving -------------------------------------------------------------------------------------
  let typingTimer = null;
  function showTyping(who) {
    typing.querySelector('.typing-text').textContent = `${who || 'Agent'} is typing…`;
    const stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
    typing.hidden = false;
    if (stick) scroller.scrollTop = scroller.scrollHeight;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typing.hidden = true), 4000);
  }

  client.subscribe(listenTo, (message) => {
    stats.countIn();
    const m = parseChat(message);
    if (!m || m.conversation !== convo.id || m.role === 'visitor') return;
    if (m.type === 'typing') {
      showTyping(m.sender);
      return;
    }
    if (m.type !== 'text') return;
    if (seen.has(m.id)) {
      stats.duplicates++;
      return;
    }
    seen.add(m.id);
    typing.hidden = true;
    if (m.sender && m.sender !== convo.agentName) {
      convo.agentName = m.sender;
      convo.messages.push({ kind: 'system', id: `join-${m.id}`, text: `${m.sender} joined the conversation` });
    }
    convo.messages.push({ id: m.id, from: 'them', text: m.body, at: m.at, sender: m.sender });
    if (document.hidden) unseen++;
    save();
    render();
  }, listenHeaders);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && unseen) {
      unseen = 0;
      render();
    }
  });

  // --- sending ---------------------------------------------------------------------------------------
  function deliver(message) {
    message.state = 'sending';
    delete message.error;
    save();
    render({ scroll: true });
    publishWithReceipt(client, stats, {
      destination: sendTo,
      body: message.text,
      headers: chatHeaders('text', { conversation: convo.id, id: message.id, sender: convo.name, role: 'visitor' }),
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

  function retry(message) {
    if (message.state === 'failed') deliver(message);
  }

  function sendText(text) {
    text = text.trim();
    if (!text) return;
    const message = { id: uuid(), from: 'me', text, at: Date.now(), state: 'sending' };
    seen.add(message.id);
    convo.messages.push(message);
    deliver(message);
  }

  let lastTyping = 0;
  function announceTyping() {
    // Typing is ephemeral: never queued while offline, and expires at the broker after 5 s.
    if (!client.connected || Date.now() - lastTyping < 2500) return;
    lastTyping = Date.now();
    stats.countOut();
    client.publish({
      destination: sendTo,
      body: '',
      headers: chatHeaders('typing', { conversation: convo.id, id: uuid(), sender: convo.name, role: 'visitor' }),
    }).catch(() => {});
  }

  wireComposer($('#composer'), input, { onSend: sendText, onTyping: announceTyping, maxHeight: 120 });

  $('#chips').replaceChildren(...QUICK.map((text) =>
    h('button', { class: 'chip', type: 'button', onclick: () => sendText(text) }, text)));

  // --- connection --------------------------------------------------------------------------------------
  client.activate();
  stats.countOut();
  client.publish({
    destination: sendTo,
    body: JSON.stringify({
      resumed,
      browser: browserSummary(),
      language: navigator.language,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      page: document.referrer || location.href,
      startedAt: convo.startedAt,
    }),
    headers: chatHeaders('join', { conversation: convo.id, id: uuid(), sender: convo.name, role: 'visitor' }),
  }).catch((error) => events.log('warn', `join not sent: ${error.message}`));
  addEventListener('pagehide', () => {
    if (!client.connected) return;
    client.publish({
      destination: sendTo,
      body: '',
      headers: chatHeaders('leave', { conversation: convo.id, id: uuid(), sender: convo.name, role: 'visitor' }),
    }).catch(() => {});
  });

  save();
  render({ scroll: true });
  window.__demo = { role: 'visitor', client, stats, config, conversation: convo, badge, events };
}
