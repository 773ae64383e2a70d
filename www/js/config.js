// The demo's configuration: DEFAULTS ← the preset ← /config.json (written by scripts/demo-server.mjs from
// BROKER_URL, BROKER_LOGIN, …; absent when www/ is served by any other static server) ← query parameters
// (?broker=wss://…&login=…&passcode=…&vhost=…&preset=spring&agentSubscribe=/topic/…&name=…).
//
// Destinations are templates: {id} is the conversation id. The visitor publishes to visitorSend and
// subscribes to visitorSubscribe; agents subscribe to agentSubscribe (every conversation) and reply to
// agentSend. Every message also names its conversation in a `conversation` header, so agentSubscribe
// can be one plain topic (Spring) or a wildcard (RabbitMQ).

export const PRESETS = {
  // RabbitMQ Web-STOMP: amq.topic routing keys. /exchange/amq.topic/cs.visitor.{id} and /queue/… work too.
  rabbitmq: {
    visitorSend: '/topic/cs.visitor.{id}',
    visitorSubscribe: '/topic/cs.agent.{id}',
    agentSubscribe: '/topic/cs.visitor.*',
    agentSend: '/topic/cs.agent.{id}',
    // The diagnostics drawer's latency probe (routed nowhere; only its RECEIPT counts). '' = no probe.
    probe: '/topic/cs.probe.{id}',
    // Subscriptions to /topic/ and /exchange/ get a named durable queue (x-queue-name, auto-delete off,
    // x-expires): what is routed while a page is reconnecting waits for it instead of being dropped.
    durable: true,
  },
  // Spring (@EnableWebSocketMessageBroker): the application prefix /app in, the broker's /topic out.
  // The server's @MessageMapping("/cs.visitor.{id}") forwards to /topic/cs.visitor, and
  // @MessageMapping("/cs.agent.{id}") to /topic/cs.agent.{id}, keeping the headers.
  spring: {
    visitorSend: '/app/cs.visitor.{id}',
    visitorSubscribe: '/topic/cs.agent.{id}',
    agentSubscribe: '/topic/cs.visitor',
    agentSend: '/app/cs.agent.{id}',
    probe: '',
    durable: false,
  },
};

const DEFAULTS = {
  brokerURL: '', // '' → ws://<this page's host>:15674/ws
  login: 'guest',
  passcode: 'guest',
  vhost: '', // the CONNECT host header (RabbitMQ virtual host); '' = not sent
  preset: 'rabbitmq',
  queuePrefix: 'stomp-wasm-demo', // names of the durable queues (durable presets)
  queueExpires: 600000, // ms a durable queue lives without a consumer
  reconnectDelay: 1500,
  maxReconnectDelay: 15000,
  maxReconnectAttempts: 10, // then the badge says "failed" and offers Retry
  heartbeat: 10000, // ms, both directions
  receiptTimeout: 15000,
  name: '', // display name ('' = generated)
  brand: 'Harbor Support',
  debug: false, // the client's debug log on the console
  // One connection for every tab (stomp-wasm/shared): '' = the page's default (the agent console shares,
  // the visitor chat does not), 'on', 'off', or a mode to force: 'worker', 'leader', 'tab'.
  share: '',
};

const NUMBERS = ['queueExpires', 'reconnectDelay', 'maxReconnectDelay', 'maxReconnectAttempts', 'heartbeat', 'receiptTimeout'];
const BOOLEANS = ['durable', 'debug'];
const QUERY_ALIASES = { broker: 'brokerURL', brokerURL: 'brokerURL', host: 'vhost' };

function coerce(key, value) {
  if (NUMBERS.includes(key)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`config: ${key} must be a number ≥ 0, not ${JSON.stringify(value)}`);
    return n;
  }
  if (BOOLEANS.includes(key)) return value === true || value === 'true' || value === '1' || value === 'yes' || value === '';
  return typeof value === 'string' ? value : String(value);
}

async function fetchServerConfig() {
  try {
    const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
    if (!response.ok) return {};
    const json = await response.json();
    return json && typeof json === 'object' ? json : {};
  } catch {
    return {};
  }
}

/** The merged configuration for this page. */
export async function loadConfig(search = location.search) {
  const server = await fetchServerConfig();
  const query = {};
  for (const [key, value] of new URLSearchParams(search)) query[QUERY_ALIASES[key] || key] = value;
  const presetName = query.preset || server.preset || DEFAULTS.preset;
  const preset = PRESETS[presetName];
  if (!preset) throw new Error(`config: unknown preset ${JSON.stringify(presetName)} (rabbitmq or spring)`);
  const config = { ...DEFAULTS, ...preset };
  for (const source of [server, query]) {
    for (const [key, value] of Object.entries(source)) {
      if (key in config && value !== undefined && value !== null) config[key] = coerce(key, value);
    }
  }
  config.preset = presetName;
  if (!config.brokerURL) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    config.brokerURL = `${scheme}://${location.hostname || '127.0.0.1'}:15674/ws`;
  }
  config.brokerURLs = config.brokerURL.split(',').map((url) => url.trim()).filter(Boolean);
  for (const url of config.brokerURLs) {
    if (!/^wss?:\/\//.test(url)) throw new Error(`config: the broker URL must start with ws:// or wss://, not ${url}`);
  }
  return config;
}

const SHARE = { '': null, on: 'auto', auto: 'auto', true: 'auto', 1: 'auto', off: null, false: null, 0: null, worker: 'worker', leader: 'leader', tab: 'tab' };

/**
 * The shared mode this page asks for (stomp-wasm/shared's `shareMode`), or null for a connection of its
 * own; `pageDefault`: whether the page shares when `share` is not set.
 */
export function shareMode(config, pageDefault) {
  if (!Object.hasOwn(SHARE, config.share)) throw new Error(`config: share must be on, off, worker, leader or tab, not ${JSON.stringify(config.share)}`);
  if (config.share === '') return pageDefault ? 'auto' : null;
  return SHARE[config.share];
}

/** A destination template with the conversation id filled in. */
export function destination(template, id) {
  return template.replaceAll('{id}', id);
}

/** The SUBSCRIBE headers that make a subscription durable where the broker and the config allow it. */
export function subscribeHeaders(config, destinationName, queueName) {
  if (!config.durable || !/^\/(topic|exchange)\//.test(destinationName)) return {};
  return {
    durable: 'true',
    'auto-delete': 'false',
    'x-queue-name': `${config.queuePrefix}.${queueName}`,
    'x-expires': String(config.queueExpires),
  };
}
