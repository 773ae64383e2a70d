// The chat: this app is a visitor of the demo's customer service; agents answer from the web demo's agent
// console (www/agent.html). Messages go out with a receipt, so each shows sending → sent (or failed).
const config = require('../../config.js');
const chat = require('../../utils/chat.js');

const app = getApp();
const STATUS = {
  loading: 'Loading…',
  connecting: 'Connecting…',
  connected: 'Online',
  reconnecting: 'Reconnecting…',
  disconnecting: 'Closing…',
  inactive: 'Offline',
  failed: 'Offline',
  error: 'Cannot start',
};

Page({
  data: { brand: config.brand, status: 'loading', statusText: STATUS.loading, messages: [], draft: '', scrollTo: '' },

  onLoad() {
    const conversation = app.conversation;
    this.sendTo = chat.destination(config.visitorSend, conversation.id);
    const listenTo = chat.destination(config.visitorSubscribe, conversation.id);
    this.offStatus = app.onStatus((status) => this.setData({ status, statusText: STATUS[status] || status }));
    app.ready.then((client) => {
      // Subscribed once: the client restores the subscription after every reconnect.
      this.subscription = client.subscribe(listenTo, (message) => this.onMessage(message),
        chat.subscribeHeaders(config, listenTo, `visitor.${conversation.id}`));
      // Introduces this visitor to the agent console (queued until connected).
      client.publish({
        destination: this.sendTo,
        body: JSON.stringify({ browser: 'WeChat mini-program', startedAt: conversation.startedAt, page: 'pages/chat/chat' }),
        headers: chat.chatHeaders('join', { conversation: conversation.id, id: chat.uuid(), sender: conversation.name, role: 'visitor' }),
      }).catch((error) => console.warn('[chat] join not sent:', error.message));
    }, (error) => this.setData({ statusText: `Cannot start: ${error.message}` }));
  },

  onUnload() {
    if (this.subscription) this.subscription.unsubscribe();
    if (this.offStatus) this.offStatus();
  },

  onMessage(message) {
    const m = chat.parseChat(message);
    if (!m || m.type !== 'text' || m.role === 'visitor') return;
    this.append({ id: m.id, from: 'them', sender: m.sender, text: m.body, time: chat.formatTime(m.at) });
  },

  onInput(event) {
    this.setData({ draft: event.detail.value });
  },

  send() {
    const text = this.data.draft.trim();
    if (!text || !app.client) return;
    const conversation = app.conversation;
    const id = chat.uuid();
    const index = this.data.messages.length;
    this.append({ id, from: 'me', text, time: chat.formatTime(Date.now()), state: 'sending' });
    this.setData({ draft: '' });
    // While offline the client queues the message and sends it after the reconnect.
    app.client.publish({
      destination: this.sendTo,
      body: text,
      headers: chat.chatHeaders('text', { conversation: conversation.id, id, sender: conversation.name, role: 'visitor' }),
      receipt: true,
    }).then(
      () => this.setData({ [`messages[${index}].state`]: 'sent' }),
      () => this.setData({ [`messages[${index}].state`]: 'failed' }),
    );
  },

  append(message) {
    const messages = this.data.messages.concat(message);
    this.setData({ messages, scrollTo: `m-${messages.length - 1}` });
  },
});
