// The demo's chat wire format (the same as www/js/ui.js): plain-text bodies, the rest in headers.

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function shortId(length) {
  let id = '';
  for (let i = 0; i < (length || 7); i++) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return id;
}

function uuid() {
  return `${shortId(8)}-${shortId(4)}-${Date.now().toString(36)}`;
}

function destination(template, id) {
  return template.split('{id}').join(id);
}

/** SUBSCRIBE headers that put a named, expiring queue behind a /topic/ subscription (RabbitMQ). */
function subscribeHeaders(config, name, queueName) {
  if (!config.durable || !/^\/(topic|exchange)\//.test(name)) return {};
  return {
    durable: 'true',
    'auto-delete': 'false',
    'x-queue-name': `${config.queuePrefix}.${queueName}`,
    'x-expires': String(config.queueExpires),
  };
}

function chatHeaders(type, { conversation, id, sender, role }) {
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
  }
  return headers;
}

function parseChat(message) {
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

function formatTime(ms) {
  const d = new Date(ms);
  const pad = (n) => (n < 10 ? `0${n}` : String(n));
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

module.exports = { shortId, uuid, destination, subscribeHeaders, chatHeaders, parseChat, formatTime };
