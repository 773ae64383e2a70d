// The app-level STOMP client: one for the whole app, made once the wasm is loaded. Pages come and go and
// share it (WeChat allows 5 sockets at once). It follows the app's lifecycle by itself: while the app is
// hidden it waits, and when WeChat shows the app again after suspending it, it reconnects at once and
// restores the subscriptions before sending what was queued. Nothing to do in onHide/onShow.
const { init, Client, ReconnectionTimeMode } = require('./stomp-wasm/index.js');
const config = require('./config.js');
const chat = require('./utils/chat.js');

App({
  client: null,
  /** Resolves to the client once it exists. */
  ready: null,
  /** 'loading' until the wasm is in, then the client's state: connecting, connected, reconnecting, ... */
  status: 'loading',
  conversation: null,
  statusListeners: [],

  onLaunch() {
    let conversation = wx.getStorageSync('conversation');
    if (!conversation || !conversation.id) {
      conversation = { id: chat.shortId(), name: `WeChat visitor ${chat.shortId(4)}`, startedAt: Date.now() };
      wx.setStorageSync('conversation', conversation);
    }
    this.conversation = conversation;

    // The wasm is a file of this code package (make pkg copies it to stomp-wasm/): WXWebAssembly takes a
    // path from the package root, nothing else.
    this.ready = init({ wasmPath: '/stomp-wasm/stomp_wasm_bg.wasm.br' }).then(() => {
      const connectHeaders = { login: config.login, passcode: config.passcode };
      if (config.vhost) connectHeaders.host = config.vhost;
      const options = {
        brokerURL: config.brokerURL,
        connectHeaders,
        heartbeatIncoming: 10000,
        heartbeatOutgoing: 10000,
        reconnectDelay: 1500,
        reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
        maxReconnectDelay: 15000,
        reconnectJitter: 0.2,
        // Pages subscribe when they load, connected or not: keep their subscriptions across reconnects.
        keepSubscriptions: true,
      };
      if (config.debug) options.debug = (line) => console.log('[stomp]', line);
      const client = new Client(options);
      client.on('state', (state) => this.setStatus(String(state)));
      client.onWebSocketError = (error) => console.warn('[stomp] socket:', error && error.message);
      client.onStompError = (frame) => console.warn('[stomp] broker:', frame.headers.message, frame.body);
      client.activate();
      this.client = client;
      return client;
    });
    this.ready.catch((error) => {
      console.error('[stomp] cannot start:', error);
      this.setStatus('error');
    });
  },

  setStatus(status) {
    this.status = status;
    this.statusListeners.forEach((listener) => listener(status));
  },

  /** Calls `listener` with the status now and on every change; returns the function that stops it. */
  onStatus(listener) {
    this.statusListeners.push(listener);
    listener(this.status);
    return () => {
      this.statusListeners = this.statusListeners.filter((l) => l !== listener);
    };
  },
});
