/*
 * The app under test: mini-program code, loaded by the emulated runtime from the fake code package (so
 * every option object and callback belongs to the runtime's realm, as in a real app). The host drives it
 * through these exports, passing JSON, and reads what it records.
 */
'use strict';
var lib = require('stomp-wasm'); // miniprogram_npm/stomp-wasm/index.js, as after WeChat's "build npm"

exports.lib = lib;

exports.init = function (wasmPath) {
  return lib.init({ wasmPath: wasmPath });
};

exports.initWith = function (options) {
  return lib.init(options);
};

/** A WebSocket-like object over a SocketTask: what `webSocketFactory` users write by hand. */
function socketTaskWebSocket(api, url) {
  var ws = { readyState: 0, binaryType: 'arraybuffer', onopen: null, onmessage: null, onclose: null, onerror: null };
  function fire(name, event) {
    if (typeof ws[name] === 'function') ws[name](event);
  }
  var task = api.connectSocket({
    url: url,
    protocols: ['v12.stomp', 'v11.stomp', 'v10.stomp'],
    success: function () {},
    fail: function (error) {
      ws.readyState = 3;
      fire('onerror', error);
      fire('onclose', { code: 1006, reason: error.errMsg, wasClean: false });
    },
  });
  task.onOpen(function () {
    ws.readyState = 1;
    fire('onopen', {});
  });
  task.onMessage(function (event) {
    fire('onmessage', { data: event.data });
  });
  task.onClose(function (event) {
    ws.readyState = 3;
    fire('onclose', { code: event.code, reason: event.reason, wasClean: event.code === 1000 });
  });
  task.onError(function (event) {
    fire('onerror', event);
  });
  ws.send = function (data) {
    if (ArrayBuffer.isView(data)) data = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    task.send({ data: data });
  };
  ws.close = function (code, reason) {
    ws.readyState = 2;
    task.close({ code: code || 1000, reason: reason || '' });
  };
  return ws;
}

/**
 * A Client recording what happens to it. `optionsJson`: Client options, plus `factory: 'wx'|'tt'|'uni'`
 * (use a hand-written webSocketFactory over that API instead of the built-in adapter) and
 * `debugLog: true` (keep the debug lines).
 */
exports.makeClient = function (optionsJson) {
  var options = JSON.parse(optionsJson);
  // events: what happened, in order; rejections: publish Promises that rejected (a test that expects one
  // takes it with takeRejections(); the harness fails the test on any left over).
  var h = { events: [], messages: {}, debug: [], rejections: [], client: null };
  function record(type, detail) {
    h.events.push({ type: type, at: Date.now(), detail: detail === undefined ? null : detail });
  }
  if (options.factory) {
    var api = globalThis[options.factory];
    var url = options.brokerURL;
    delete options.factory;
    delete options.brokerURL;
    options.webSocketFactory = function () {
      return socketTaskWebSocket(api, url);
    };
  }
  if (options.debugLog) {
    delete options.debugLog;
    options.debug = function (line) {
      h.debug.push(line);
    };
  }
  options.onConnect = function (frame) {
    record('connect', frame.headers.version);
  };
  options.onDisconnect = function () {
    record('disconnect');
  };
  options.onStompError = function (frame) {
    record('stompError', frame.headers.message + ': ' + frame.body);
  };
  options.onWebSocketClose = function (event) {
    record('webSocketClose', event && event.code !== undefined ? event.code : null);
  };
  options.onWebSocketError = function (error) {
    record('webSocketError', error && error.message !== undefined ? String(error.message) : String(error && error.errMsg || error));
  };
  options.onHeartbeatReceived = function () {
    record('heartbeatReceived');
  };
  options.onHeartbeatLost = function () {
    record('heartbeatLost');
  };
  var client = new lib.Client(options);
  h.client = client;
  client.on('state', function (state) {
    record('state', String(state));
  });
  client.on('reconnectScheduled', function (detail) {
    record('reconnectScheduled', detail && detail.delay);
  });
  client.on('reconnectFailed', function () {
    record('reconnectFailed');
  });

  var barriers = 0;
  /**
   * SUBSCRIBE; with a `receipt` header, the broker's RECEIPT for it is recorded as a 'receipt' event
   * (detail: the receipt id), through watchForReceipt.
   */
  h.subscribe = function (destination, headersJson) {
    var list = (h.messages[destination] = h.messages[destination] || []);
    var headers = headersJson ? JSON.parse(headersJson) : undefined;
    if (headers && headers.receipt) {
      var receiptId = headers.receipt;
      client.watchForReceipt(receiptId, function () {
        record('receipt', receiptId);
      });
    }
    var acking = headers && /^client/.test(headers.ack || '');
    var subscription = client.subscribe(destination, function (message) {
      if (acking) message.ack();
      list.push({
        body: message.isBinaryBody ? null : message.body,
        bytes: Array.prototype.slice.call(message.binaryBody),
        binary: message.isBinaryBody,
        headers: JSON.stringify(message.headers),
      });
      record('message', destination);
    }, headers);
    return subscription.id;
  };
  h.publish = function (paramsJson, bytes) {
    var params = JSON.parse(paramsJson);
    if (bytes) params.binaryBody = new Uint8Array(bytes);
    var settled = { done: false, error: null };
    var result = client.publish(params);
    if (result && typeof result.then === 'function') {
      result.then(function () {
        settled.done = true;
      }, function (error) {
        settled.done = true;
        settled.error = String(error && error.message || error);
        h.rejections.push(params.destination + ': ' + settled.error);
      });
    }
    return settled;
  };
  /** The rejections so far, which the test expected; the list is emptied. */
  h.takeRejections = function () {
    return h.rejections.splice(0);
  };
  /**
   * A SEND with a receipt on this client's connection, to a destination nobody reads: its RECEIPT comes
   * after the broker handled every frame sent before it (re-SUBSCRIBEs after a reconnect included).
   * Records a 'barrier' event (detail: its number) when it arrives.
   */
  h.barrier = function () {
    var n = ++barriers;
    var result = client.publish({ destination: '/topic/harness-barrier', body: '', receipt: true });
    result.then(function () {
      record('barrier', n);
    }, function (error) {
      h.rejections.push('barrier ' + n + ': ' + String(error && error.message || error));
    });
    return n;
  };
  // A publish from a timer the app set earlier (it runs when the app thaws, while the socket is dead).
  h.publishLater = function (ms, paramsJson) {
    setTimeout(function () {
      record('publishFromTimer');
      h.publish(paramsJson);
    }, ms);
  };
  h.count = function (type) {
    return h.events.filter(function (e) {
      return e.type === type;
    }).length;
  };
  return h;
};

/**
 * The stomp.js 2.x code of a mini-program project, with the hand-patched copy replaced by the package:
 * `Stomp.client(url)` (the client opens its own wx/tt/uni SocketTask), `client.debug = null`, the
 * heart-beat set through `client.heartbeat`, `connect(login, passcode, onConnect, onError)`,
 * `subscribe`, `send`, `disconnect(callback)`. Records what it sees for the host.
 */
exports.compatChat = function (url, login, passcode, destination, text) {
  var h = { events: [], bodies: [], client: null };
  function record(type, detail) {
    h.events.push({ type: type, detail: detail === undefined ? null : detail });
  }
  var client = lib.Stomp.client(url);
  client.debug = null;
  client.heartbeat.outgoing = 1000;
  client.heartbeat.incoming = 0;
  client.connect(login, passcode, function (frame) {
    record('connect', frame.headers.version);
    client.subscribe(destination, function (message) {
      h.bodies.push(message.body);
      record('message', message.headers['content-type'] || '');
    });
    client.send(destination, { 'content-type': 'text/plain;charset=utf-8' }, text);
  }, function (frame) {
    record('error', frame.headers.message);
  });
  h.client = client;
  h.disconnect = function () {
    client.disconnect(function () {
      record('disconnected');
    });
  };
  h.count = function (type) {
    return h.events.filter(function (e) {
      return e.type === type;
    }).length;
  };
  return h;
};

/** Opens a bare SocketTask (another part of the app holding a socket). */
exports.openRawSocket = function (platform, url) {
  var result = { open: false, closed: false, error: null, task: null };
  var options = {
    url: url,
    protocols: ['v12.stomp'],
    fail: function (error) {
      result.error = error.errMsg || error.errorMessage;
    },
  };
  if (platform === 'my') options.multiple = true; // Alipay: else its one global socket, and no task
  var task = globalThis[platform].connectSocket(options);
  task.onOpen(function () {
    result.open = true;
  });
  task.onMessage(function () {});
  task.onClose(function () {
    result.closed = true;
  });
  task.onError(function (error) {
    result.error = error.errMsg || error.errorMessage;
  });
  result.task = task;
  return result;
};
