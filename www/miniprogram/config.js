// The broker this mini-program talks to: the demo's (`make demo` starts RabbitMQ with Web-STOMP on
// port 15674), reached through a wss:// URL you configure. On a phone the domain must be on the
// mini-program's socket allow-list (mp.weixin.qq.com → 开发管理 → 服务器域名 → socket 合法域名) and
// served with a valid certificate; in WeChat DevTools "不校验合法域名" (urlCheck: false in
// project.config.json) also lets ws://127.0.0.1:15674/ws through.
module.exports = {
  brokerURL: 'wss://stomp.example.com/ws',
  login: 'guest',
  passcode: 'guest',
  vhost: '', // the CONNECT host header (RabbitMQ's virtual host); '' = not sent

  // The web demo's customer-service destinations (www/js/config.js, preset "rabbitmq"): this app is a
  // visitor; agents answer from the demo's agent console (agent.html). {id}: the conversation.
  visitorSend: '/topic/cs.visitor.{id}',
  visitorSubscribe: '/topic/cs.agent.{id}',
  // A named queue behind the subscription, so that replies routed while the app is in the background
  // wait for it (RabbitMQ; set durable: false for brokers without these headers).
  durable: true,
  queuePrefix: 'stomp-wasm-demo',
  queueExpires: 600000,

  brand: 'Harbor Support',
  debug: false, // the client's debug log on the console
};
