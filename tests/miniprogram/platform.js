/*
 * The emulated mini-program platform, evaluated INSIDE the runtime's vm context (so every object the
 * library sees belongs to the runtime's own realm, as on a phone). runtime.mjs calls it with a bridge to
 * the host (real timers, the fake package's files, sockets backed by the `ws` package) and the config.
 *
 * What it provides, per platform:
 *   wx | uni | tt | my     connectSocket → SocketTask, onAppShow/onAppHide/offAppShow/offAppHide
 *                          (my: Alipay, which returns a SocketTask only with `multiple: true`, and whose
 *                          callbacks say `errorMessage` where the others say `errMsg`)
 *   WXWebAssembly | TTWebAssembly   instantiate(path, imports) only: a package path, nothing else (none
 *                          for my: Alipay's MyWebAssembly exists only in Workers, not on the main thread)
 *   setTimeout/clearTimeout/setInterval/clearInterval   held while the app is suspended
 *   Date.now, performance.now   the host's clocks plus an offset the harness owns: `advance(ms)` moves
 *                          time on (timers due in the skipped time fire in order, each at its due time,
 *                          as a real passage of time would run them), and a thaw jumps it by the time
 *                          the app spent suspended
 * and enforces the call shapes (violations are recorded, and most also fail the call as the platform
 * would), the socket limit, and hide → suspend → show. Each SocketTask records which API object made it
 * (`through`) and in which callback (`cause`: 'onAppShow', 'SocketTask.onClose', 'timer set in
 * SocketTask.onClose', 'onAppShow (microtask)', … or 'host' for the test's own calls), so a test can tell
 * a reconnect made by onAppShow from one made by the backoff.
 */
(function (bridge, config) {
  'use strict';
  var G = globalThis;
  var platform = config.platform; // 'wx' | 'uni' | 'tt' | 'my'
  var state = 'foreground'; // 'foreground' | 'background' (hidden, JS runs) | 'suspended' (JS frozen)
  var resuming = false; // JS thaws before onAppShow: connectSocket still fails with runningState=suspend
  var clockOffset = 0;
  var running = null; // the label of the platform callback running now ('onAppShow', 'timer', …)
  var lastRan = null; // the label of the last one, until the host's next turn (its microtasks run after it)
  var violations = [];
  var log = [];
  var tasks = [];
  var nextTaskId = 1;

  function violation(text) {
    violations.push(text);
    bridge.note('VIOLATION ' + text);
  }
  function record(text) {
    log.push(text);
  }

  // ---- clock and timers --------------------------------------------------------------------------------
  var realNow = Date.now;
  Date.now = function now() {
    return realNow() + clockOffset;
  };
  if (config.performance) {
    // The same clock as Date.now, from the runtime's start (the client reads performance.now when present).
    var origin = realNow();
    G.performance = {
      now: function now() {
        return realNow() + clockOffset - origin;
      },
      timeOrigin: origin,
    };
  }

  var timers = new Map();
  var nextTimerId = 1;
  var held = []; // callbacks that became due (or events that arrived) while suspended, in order

  function runGuarded(fn, args, label) {
    var outer = running;
    running = label || 'callback';
    try {
      fn.apply(undefined, args);
    } catch (error) {
      bridge.uncaught((label ? 'in ' + label + ': ' : '') + (error && error.stack ? error.stack : String(error)));
    } finally {
      running = outer;
      if (!outer) {
        lastRan = label || 'callback';
        bridge.defer(function () {
          lastRan = null;
        });
      }
    }
  }

  // What is running now, for SocketTask.cause: a platform callback, a microtask right after one, or the host.
  function cause() {
    if (running) return running;
    return lastRan ? lastRan + ' (microtask)' : 'host';
  }

  // Runs `fn` now, or holds it until the app thaws.
  function deliver(fn, args, label) {
    if (state === 'suspended') held.push({ fn: fn, args: args || [], label: label });
    else runGuarded(fn, args || [], label);
  }

  function arm(timer) {
    var delay = Math.max(0, timer.due - Date.now());
    timer.host = bridge.setTimer(function () {
      timer.host = null;
      if (!timers.has(timer.id)) return;
      if (state === 'suspended') {
        timer.held = true; // fires when the app thaws
        return;
      }
      fire(timer);
    }, delay);
  }

  function fire(timer) {
    if (timer.interval) {
      timer.due = Date.now() + timer.interval;
      arm(timer);
    } else {
      timers.delete(timer.id);
    }
    // A timer set while a platform callback ran carries that callback on: 'timer set in onAppShow'.
    runGuarded(timer.fn, timer.args, timer.origin === 'host' ? 'timer' : 'timer set in ' + timer.origin);
  }

  // Re-arms every timer's host timer for the clock as it is now (after a jump).
  function rearmAll() {
    timers.forEach(function (t) {
      if (t.held) return;
      if (t.host !== null && t.host !== undefined) bridge.clearTimer(t.host);
      t.host = null;
      arm(t);
    });
  }

  // Moves the clock to `at` (never back).
  function moveClockTo(at) {
    var now = Date.now();
    if (at > now) clockOffset += at - now;
  }

  // The earliest timer due at or before `until`, or null.
  function earliestDue(until) {
    var found = null;
    timers.forEach(function (t) {
      if (t.due <= until && (found === null || t.due < found.due || (t.due === found.due && t.id < found.id))) found = t;
    });
    return found;
  }

  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout: the callback must be a function');
    var delay = Math.max(0, Number(ms) || 0);
    var timer = { id: nextTimerId++, fn: fn, args: args, due: Date.now() + delay, interval: repeat ? Math.max(1, delay) : 0, origin: cause() };
    timers.set(timer.id, timer);
    arm(timer);
    return timer.id;
  }
  function removeTimer(id) {
    var timer = timers.get(id);
    if (!timer) return;
    timers.delete(id);
    if (timer.host !== null && timer.host !== undefined) bridge.clearTimer(timer.host);
  }
  G.setTimeout = function setTimeout(fn, ms) {
    return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false);
  };
  G.setInterval = function setInterval(fn, ms) {
    return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true);
  };
  G.clearTimeout = removeTimer;
  G.clearInterval = removeTimer;

  // ---- iOS: Promise as a setTimeout polyfill ---------------------------------------------------------
  // WeChat on iOS 15 and older replaces Promise with a polyfill whose callbacks are ordinary (macro)tasks
  // on setTimeout, which also stop while the app is suspended. Code that relies on microtask order breaks.
  if (config.macrotaskPromise) {
    var pLater = G.setTimeout;
    var pSettle = function (p, state, value) {
      if (p._s) return;
      p._s = state;
      p._v = value;
      var queue = p._q;
      p._q = null;
      queue.forEach(function (h) { pReact(p, h); });
    };
    var pAdopt = function (p, x) {
      if (x === p) return pSettle(p, 2, new TypeError('a Promise cannot resolve to itself'));
      if (x && (typeof x === 'object' || typeof x === 'function')) {
        var then;
        try {
          then = x.then;
        } catch (e) {
          return pSettle(p, 2, e);
        }
        if (typeof then === 'function') {
          var done = false;
          try {
            then.call(x, function (y) {
              if (!done) { done = true; pAdopt(p, y); }
            }, function (r) {
              if (!done) { done = true; pSettle(p, 2, r); }
            });
          } catch (e) {
            if (!done) { done = true; pSettle(p, 2, e); }
          }
          return;
        }
      }
      pSettle(p, 1, x);
    };
    var pReact = function (p, h) {
      pLater(function () {
        var callback = p._s === 1 ? h.onFulfilled : h.onRejected;
        if (typeof callback !== 'function') return (p._s === 1 ? h.resolve : h.reject)(p._v);
        var out;
        try {
          out = callback(p._v);
        } catch (e) {
          return h.reject(e);
        }
        h.resolve(out);
      }, 0);
    };
    var MacrotaskPromise = function Promise(executor) {
      if (!(this instanceof MacrotaskPromise)) throw new TypeError('Promise must be called with new');
      if (typeof executor !== 'function') throw new TypeError('Promise resolver is not a function');
      var self = this;
      self._s = 0;
      self._q = [];
      var done = false;
      try {
        executor(function (x) {
          if (!done) { done = true; pAdopt(self, x); }
        }, function (r) {
          if (!done) { done = true; pSettle(self, 2, r); }
        });
      } catch (e) {
        if (!done) { done = true; pSettle(self, 2, e); }
      }
    };
    MacrotaskPromise.prototype.then = function (onFulfilled, onRejected) {
      var self = this;
      return new MacrotaskPromise(function (resolve, reject) {
        var h = { onFulfilled: onFulfilled, onRejected: onRejected, resolve: resolve, reject: reject };
        if (self._s) pReact(self, h);
        else self._q.push(h);
      });
    };
    MacrotaskPromise.prototype['catch'] = function (onRejected) {
      return this.then(undefined, onRejected);
    };
    MacrotaskPromise.prototype['finally'] = function (fn) {
      return this.then(function (v) {
        return MacrotaskPromise.resolve(fn()).then(function () { return v; });
      }, function (e) {
        return MacrotaskPromise.resolve(fn()).then(function () { throw e; });
      });
    };
    MacrotaskPromise.resolve = function (v) {
      return v instanceof MacrotaskPromise ? v : new MacrotaskPromise(function (resolve) { resolve(v); });
    };
    MacrotaskPromise.reject = function (r) {
      return new MacrotaskPromise(function (_, reject) { reject(r); });
    };
    MacrotaskPromise.all = function (items) {
      return new MacrotaskPromise(function (resolve, reject) {
        var list = Array.from(items);
        var out = new Array(list.length);
        var left = list.length;
        if (!left) resolve(out);
        list.forEach(function (item, i) {
          MacrotaskPromise.resolve(item).then(function (v) {
            out[i] = v;
            if (--left === 0) resolve(out);
          }, reject);
        });
      });
    };
    MacrotaskPromise.race = function (items) {
      return new MacrotaskPromise(function (resolve, reject) {
        Array.from(items).forEach(function (item) { MacrotaskPromise.resolve(item).then(resolve, reject); });
      });
    };
    G.Promise = MacrotaskPromise;
  }

  // ---- WXWebAssembly / TTWebAssembly -------------------------------------------------------------------
  var NativeWebAssembly = G.WebAssembly;
  delete G.WebAssembly;
  var hiddenGlobals = [];

  function instantiate(path, imports) {
    return new G.Promise(function (resolve) {
      var name = config.wasmGlobal + '.instantiate';
      if (typeof path !== 'string') {
        violation(name + ' called with a ' + Object.prototype.toString.call(path) + ', not a path');
        throw new TypeError(name + ': the first argument must be a path in the code package (string)');
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
        violation(name + ' called with a URL: ' + path);
        throw new Error(name + ': only paths inside the code package are supported, not ' + path);
      }
      if (!/\.wasm(\.br)?$/.test(path) || (/\.br$/.test(path) && !config.brotli)) {
        throw new Error(name + ': ' + path + ' is not a .wasm' + (config.brotli ? ' or .wasm.br' : '') + ' file');
      }
      if (/^\.\.?\//.test(path) || /(^|\/)\.\.(\/|$)/.test(path)) {
        violation(name + ' called with a relative path: ' + path);
        throw new Error(name + ': the path must start at the package root: ' + path);
      }
      var bytes = bridge.readPackageFile(path.replace(/^\/+/, ''), /\.br$/.test(path));
      if (!bytes) throw new Error(name + ': no such file in the code package: ' + path);
      resolve(NativeWebAssembly.instantiate(new Uint8Array(bytes), imports).then(function (result) {
        if (!config.ios) return { instance: result.instance };
        // iOS: exported Globals are not supported. Hide them from the instance's exports.
        var exports = {};
        NativeWebAssembly.Module.exports(result.module).forEach(function (e) {
          if (e.kind === 'global') hiddenGlobals.push(e.name);
          else exports[e.name] = result.instance.exports[e.name];
        });
        return { instance: { exports: Object.freeze(exports) } };
      }));
    });
  }
  if (config.wasmGlobal) {
    G[config.wasmGlobal] = {
      instantiate: instantiate,
      Memory: NativeWebAssembly.Memory,
      Table: NativeWebAssembly.Table,
      Global: NativeWebAssembly.Global,
      RuntimeError: NativeWebAssembly.RuntimeError,
    };
  }

  // ---- sockets ---------------------------------------------------------------------------------------
  var CONNECT_KEYS = ['url', 'header', 'protocols', 'tcpNoDelay', 'perMessageDeflate', 'timeout',
    'forceCellularNetwork', 'success', 'fail', 'complete'];
  // Alipay's my.connectSocket (its documentation: url, data, header, multiple, protocols, timeout, callbacks).
  var MY_CONNECT_KEYS = ['url', 'data', 'header', 'multiple', 'protocols', 'timeout', 'success', 'fail', 'complete'];

  // What a callback or an onError listener gets: WeChat, Douyin and uni-app say `errMsg`; Alipay says
  // `error` (a code) and `errorMessage`.
  function outcome(apiName, ok, text) {
    if (apiName !== 'my') return { errMsg: text };
    return ok ? {} : { error: 2, errorMessage: text };
  }

  function callback(options, name, result) {
    if (options && typeof options[name] === 'function') deliver(options[name], [result], name);
  }
  function settle(options, ok, result) {
    bridge.defer(function () {
      callback(options, ok ? 'success' : 'fail', result);
      callback(options, 'complete', result);
    });
  }
  function live() {
    return tasks.filter(function (t) {
      return t.status === 'connecting' || t.status === 'open' || t.status === 'closing';
    });
  }
  function checkOptions(method, options, keys) {
    if (arguments.length < 3) return;
    if (!options || typeof options !== 'object') {
      violation(method + ' called without an options object');
      return false;
    }
    Object.keys(options).forEach(function (key) {
      if (keys.indexOf(key) < 0) violation(method + ': unknown option ' + key);
    });
    ['success', 'fail', 'complete'].forEach(function (key) {
      if (key in options && typeof options[key] !== 'function') violation(method + ': ' + key + ' is not a function');
    });
    return true;
  }

  function connectSocketOf(platform) {
    return function connectSocket(options) {
      return openTask(platform, options, arguments.length);
    };
  }

  function openTask(platform, options, argumentCount) {
    var keys = platform === 'uni' ? CONNECT_KEYS.concat(['method']) : platform === 'my' ? MY_CONNECT_KEYS : CONNECT_KEYS; // uni-app documents `method`
    if (argumentCount !== 1) violation(platform + '.connectSocket called with ' + argumentCount + ' arguments');
    if (!checkOptions(platform + '.connectSocket', options, keys)) {
      throw new TypeError(platform + '.connectSocket: the argument must be an object');
    }
    var hasCallback = ['success', 'fail', 'complete'].some(function (k) { return typeof options[k] === 'function'; });
    if (platform === 'uni' && !hasCallback) {
      violation('uni.connectSocket called without success/fail/complete: uni returns a Promise, not a SocketTask');
      return Promise.resolve({ errMsg: 'connectSocket:ok' });
    }
    if (platform === 'my' && options.multiple !== true) {
      violation('my.connectSocket called without multiple: true: Alipay then opens its one global socket and returns no SocketTask');
      return undefined;
    }
    if (typeof options.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
      violation(platform + '.connectSocket: url must be a ws:// or wss:// string, got ' + options.url);
    }
    if ('protocols' in options && !(Array.isArray(options.protocols) &&
        options.protocols.every(function (p) { return typeof p === 'string'; }))) {
      violation(platform + '.connectSocket: protocols must be an array of strings');
    }
    var header = options.header;
    if (header !== undefined && (typeof header !== 'object' || header === null ||
        Object.keys(header).some(function (k) { return typeof header[k] !== 'string'; }))) {
      violation(platform + '.connectSocket: header must be an object of strings');
    }
    var task = makeTask(options);
    task.through = platform;
    task.cause = cause();
    tasks.push(task);
    var refuse = null;
    if (state === 'suspended' || resuming) {
      refuse = 'connectSocket:fail runningState=suspend';
    } else if (live().length > config.maxSockets) {
      refuse = 'connectSocket:fail exceed max task count, max ' + config.maxSockets + ' sockets at once';
    }
    if (refuse) {
      task.status = 'refused';
      task.refusal = refuse;
      record('refused ' + task.id + ': ' + refuse);
      settle(options, false, outcome(platform, false, refuse));
      return task.api;
    }
    settle(options, true, outcome(platform, true, 'connectSocket:ok'));
    // The platform opens the socket after this call returns; handlers registered later miss onOpen.
    bridge.defer(function () {
      var missing = ['onOpen', 'onMessage', 'onClose', 'onError'].filter(function (n) {
        return task.registeredLate.indexOf(n) >= 0 || task.listeners[n].length === 0;
      });
      if (missing.length) violation('SocketTask ' + task.id + ': not registered synchronously after connectSocket: ' + missing.join(', '));
      if (task.status !== 'connecting') return;
      task.socketId = bridge.openSocket(options.url, options.protocols || [], header || {}, {
        open: function (protocol) {
          if (task.status !== 'connecting') return;
          task.status = 'open';
          task.protocol = protocol;
          dispatch(task, 'onOpen', { header: { 'sec-websocket-protocol': protocol }, profile: {} });
        },
        message: function (data, binary) {
          if (task.status !== 'open') return;
          var payload = binary ? new Uint8Array(data).buffer : data; // this realm's ArrayBuffer
          task.received.push(binary ? 'binary:' + payload.byteLength : 'text:' + payload.length);
          dispatch(task, 'onMessage', { data: payload });
        },
        close: function (code, reason) {
          if (task.status === 'closed' || task.status === 'dead') return;
          task.status = 'closed';
          dispatch(task, 'onClose', { code: code, reason: reason });
        },
        error: function (message) {
          dispatch(task, 'onError', task.through === 'my' ? { errorMessage: message } : { errMsg: message });
        },
      });
    });
    return task.api;
  }

  function dispatch(task, name, event) {
    task.listeners[name].forEach(function (fn) {
      deliver(fn, [event], 'SocketTask.' + name);
    });
  }

  function makeTask(options) {
    var task = {
      id: nextTaskId++,
      url: options.url,
      header: options.header,
      protocols: options.protocols,
      status: 'connecting',
      listeners: { onOpen: [], onMessage: [], onClose: [], onError: [] },
      registeredLate: [],
      sent: [],
      received: [],
      closeCalls: [],
      socketId: null,
      createdTurn: true,
    };
    bridge.defer(function () {
      task.createdTurn = false;
    });
    var api = {};
    ['onOpen', 'onMessage', 'onClose', 'onError'].forEach(function (name) {
      api[name] = function (fn) {
        if (typeof fn !== 'function') violation('SocketTask.' + name + ' called without a function');
        if (!task.createdTurn) task.registeredLate.push(name);
        task.listeners[name].push(fn);
      };
    });
    api.send = function (opts) {
      if (arguments.length !== 1) violation('SocketTask.send called with ' + arguments.length + ' arguments');
      checkOptions('SocketTask.send', opts, ['data', 'success', 'fail', 'complete']);
      var data = opts && opts.data;
      var isText = typeof data === 'string';
      var isBinary = data instanceof ArrayBuffer;
      if (!isText && !isBinary) {
        violation('SocketTask.send: data must be a string or an ArrayBuffer, got ' + Object.prototype.toString.call(data));
        settle(opts, false, outcome(task.through, false, 'sendSocketMessage:fail parameter error: data should be String or ArrayBuffer'));
        return;
      }
      if (task.status !== 'open') {
        task.sent.push('failed');
        settle(opts, false, outcome(task.through, false, 'sendSocketMessage:fail WebSocket is not connected'));
        return;
      }
      task.sent.push(isText ? (data === '\n' ? 'heart-beat' : 'text:' + data.length) : 'binary:' + data.byteLength);
      bridge.sendSocket(task.socketId, isText ? data : new Uint8Array(data));
      settle(opts, true, outcome(task.through, true, 'sendSocketMessage:ok'));
    };
    api.close = function (opts) {
      checkOptions('SocketTask.close', opts === undefined ? {} : opts, ['code', 'reason', 'success', 'fail', 'complete']);
      var code = opts && opts.code !== undefined ? opts.code : 1000;
      var reason = opts && opts.reason !== undefined ? String(opts.reason) : '';
      task.closeCalls.push({ code: code, reason: reason });
      if (!(code === 1000 || (code >= 3000 && code <= 4999))) violation('SocketTask.close: code ' + code + ' is not 1000 or 3000-4999');
      if (bridge.utf8Length(reason) > 123) violation('SocketTask.close: reason is longer than 123 bytes');
      if (task.status === 'connecting' || task.status === 'open') {
        task.status = 'closing';
        if (task.socketId !== null) bridge.closeSocket(task.socketId, code, reason);
        else {
          // Closed before the platform even opened it.
          bridge.defer(function () {
            task.status = 'closed';
            dispatch(task, 'onClose', { code: code, reason: reason });
          });
        }
        settle(opts, true, outcome(task.through, true, 'closeSocket:ok'));
      } else {
        settle(opts, false, outcome(task.through, false, 'closeSocket:fail WebSocket is not connected'));
      }
    };
    task.api = api;
    return task;
  }

  // ---- app lifecycle ---------------------------------------------------------------------------------
  var showListeners = [];
  var hideListeners = [];
  var lifecycleCalls = {}; // API name → { onAppShow, onAppHide, offAppShow, offAppHide } call counts
  function on(list, name, apiName) {
    return function (fn) {
      lifecycleCalls[apiName][name]++;
      if (typeof fn !== 'function') violation(apiName + '.' + name + ' called without a function');
      list.push(fn);
    };
  }
  function off(list, name, apiName) {
    return function (fn) {
      lifecycleCalls[apiName][name]++;
      var i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
      else if (fn !== undefined) violation(apiName + '.' + name + ' called with a function that was never registered');
    };
  }

  // One platform API object (wx, uni or tt). One app: the lifecycle listeners are shared.
  function makeApi(apiName) {
    lifecycleCalls[apiName] = { onAppShow: 0, onAppHide: 0, offAppShow: 0, offAppHide: 0 };
    return {
      connectSocket: connectSocketOf(apiName),
      onAppShow: on(showListeners, 'onAppShow', apiName),
      onAppHide: on(hideListeners, 'onAppHide', apiName),
      offAppShow: off(showListeners, 'offAppShow', apiName),
      offAppHide: off(hideListeners, 'offAppHide', apiName),
      getSystemInfoSync: function () {
        return { platform: config.ios ? 'ios' : 'android', SDKVersion: config.sdkVersion };
      },
    };
  }
  var api = makeApi(platform);
  // Storage, and the framework's App() / getApp() / Page(), for running a whole example project.
  var storage = {};
  api.getStorageSync = function (key) {
    return Object.prototype.hasOwnProperty.call(storage, key) ? JSON.parse(storage[key]) : '';
  };
  api.setStorageSync = function (key, value) {
    storage[key] = JSON.stringify(value);
  };
  var appInstance = null;
  var pageDefinitions = [];
  G.App = function (options) {
    if (appInstance) violation('App() called twice');
    appInstance = options;
  };
  G.getApp = function () {
    return appInstance;
  };
  G.Page = function (options) {
    pageDefinitions.push(options);
  };
  // setData with the framework's paths: 'a.b', 'list[2].state'.
  function setPath(target, path, value) {
    var keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    var at = target;
    for (var i = 0; i < keys.length - 1; i++) {
      if (at[keys[i]] === undefined || at[keys[i]] === null) at[keys[i]] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      at = at[keys[i]];
    }
    at[keys[keys.length - 1]] = value;
  }
  function mountPage(index, query) {
    var definition = pageDefinitions[index];
    var page = Object.create(definition);
    page.data = JSON.parse(JSON.stringify(definition.data || {}));
    page.setData = function (changes, callback) {
      Object.keys(changes).forEach(function (path) {
        setPath(page.data, path, JSON.parse(JSON.stringify(changes[path] === undefined ? null : changes[path])));
      });
      if (typeof callback === 'function') deliver(callback, []);
    };
    if (typeof page.onLoad === 'function') page.onLoad(query || {});
    return page;
  }

  G[platform] = api;
  (config.alsoGlobals || []).forEach(function (name) {
    G[name] = api;
  });
  // Other platforms' API objects of their own (a runtime where both wx and tt exist, say), so that a test
  // can tell which one the client used.
  (config.otherPlatforms || []).forEach(function (name) {
    G[name] = makeApi(name);
  });

  // ---- the control surface (host side) ---------------------------------------------------------------
  return {
    hide: function () {
      if (state !== 'foreground') throw new Error('hide: the app is ' + state);
      state = 'background';
      record('hide');
      hideListeners.slice().forEach(function (fn) { runGuarded(fn, [], 'onAppHide'); });
    },
    // JS freezes; the platform kills the sockets (reporting onClose when the app thaws, or never).
    suspend: function (withOnClose) {
      if (state !== 'background') throw new Error('suspend: the app is ' + state);
      state = 'suspended';
      record('suspend');
      live().forEach(function (task) {
        if (task.socketId !== null) bridge.dropSocket(task.socketId);
        if (withOnClose) {
          task.status = 'closed';
          dispatch(task, 'onClose', { code: 1006, reason: 'abnormal closure' }); // held until the thaw
        } else {
          task.status = 'dead'; // closed natively; no onClose, sends fail
        }
      });
    },
    // The network drops one socket under a running app: onClose (1006) as the platform reports it.
    dropTask: function (id) {
      tasks.forEach(function (task) {
        if (task.id !== id || task.status !== 'open') return;
        bridge.dropSocket(task.socketId);
        task.status = 'closed';
        dispatch(task, 'onClose', { code: 1006, reason: 'network lost' });
      });
    },
    // JS thaws (held timers and events run, the clock jumps by `suspendedFor`), and `showDelay` ms later
    // the platform calls onAppShow; until then connectSocket still fails with runningState=suspend.
    show: function (suspendedFor, showDelay) {
      return new Promise(function (resolve) {
        var wasSuspended = state === 'suspended';
        if (wasSuspended) {
          clockOffset += suspendedFor || 0;
          resuming = true;
          state = 'background';
          record('thaw');
          var run = held;
          held = [];
          run.forEach(function (h) { runGuarded(h.fn, h.args, h.label); });
          // Timers whose time came during the suspension (held ones, and those the clock jump made due).
          Array.from(timers.values())
            .filter(function (t) { return t.held || t.due <= Date.now(); })
            .sort(function (a, b) { return a.due - b.due; })
            .forEach(function (t) {
              if (t.host !== null && t.host !== undefined) bridge.clearTimer(t.host);
              t.host = null;
              t.held = false;
              if (timers.has(t.id)) fire(t);
            });
          timers.forEach(function (t) {
            if (t.host === null || t.host === undefined) arm(t);
          });
        }
        bridge.setTimer(function () {
          resuming = false;
          state = 'foreground';
          record('show');
          showListeners.slice().forEach(function (fn) {
            runGuarded(fn, [{ path: 'pages/chat/chat', scene: 1001, query: {} }], 'onAppShow');
          });
          resolve();
        }, wasSuspended ? showDelay || 0 : 0);
      });
    },
    // Time passes for `ms` while the app runs (foreground or hidden, not suspended): the clock moves on,
    // and every timer due within that time fires in order, each with the clock at its due time, with
    // the host's event loop turning between them (microtasks, socket events). Resolves at the end.
    advance: function (ms) {
      if (state === 'suspended') throw new Error('advance: the app is suspended (show() thaws it)');
      var end = Date.now() + ms;
      return new Promise(function (resolve) {
        (function next() {
          var timer = earliestDue(end);
          if (timer === null) {
            moveClockTo(end);
            rearmAll();
            resolve();
            return;
          }
          moveClockTo(timer.due);
          if (timer.host !== null && timer.host !== undefined) bridge.clearTimer(timer.host);
          timer.host = null;
          fire(timer);
          bridge.defer(next);
        })();
      });
    },
    state: function () {
      return state;
    },
    tasks: function () {
      return tasks.map(function (t) {
        return {
          id: t.id, url: t.url, status: t.status, header: t.header, protocols: t.protocols, refusal: t.refusal,
          through: t.through, cause: t.cause,
          sent: t.sent.slice(), received: t.received.slice(), closeCalls: t.closeCalls.slice(),
          listeners: Object.keys(t.listeners).map(function (k) { return k + ':' + t.listeners[k].length; }),
        };
      });
    },
    openSockets: function () {
      return live().length;
    },
    violations: violations,
    log: log,
    lifecycle: function () {
      return { calls: lifecycleCalls[platform], byApi: lifecycleCalls, show: showListeners.length, hide: hideListeners.length };
    },
    hiddenGlobals: hiddenGlobals,
    app: function () {
      return appInstance;
    },
    mountPage: mountPage,
    pendingTimers: function () {
      return timers.size;
    },
    dispose: function () {
      timers.forEach(function (t) {
        if (t.host !== null && t.host !== undefined) bridge.clearTimer(t.host);
      });
      timers.clear();
      held = [];
      tasks.forEach(function (t) {
        if (t.socketId !== null) bridge.dropSocket(t.socketId);
        t.status = 'dead';
      });
    },
  };
});
