// The SharedWorker of stomp-wasm/shared (shared-worker.js next to shared.js): one real Client per
// configuration, for every tab of the origin that connects with that configuration. A tab's first
// message on its port is its hello; the wasm is loaded once, from where the tab says (or next to
// the package's module). Tabs are watched through their lifetime locks: one that closes or crashes
// releases what it held.
import init, { Client } from './web.js';
import { Host } from '../shared/host.js';
import { PortLink } from '../shared/links.js';
import { tabWatcher } from '../shared/tabs.js';

const hosts = new Map();
let ready = null;

const watch = tabWatcher(function (tab) {
  hosts.forEach(function (host) {
    host.releaseTab(tab, 'closed or crashed');
  });
});

function onIdle(host) {
  if (hosts.get(host.key) === host) hosts.delete(host.key);
}

function load(url) {
  if (!ready) {
    ready = init(url || undefined);
    ready.catch(function () {
      ready = null;
    });
  }
  return ready;
}

self.onconnect = function (event) {
  const link = new PortLink(event.ports[0]);
  const early = [];
  link.onmessage = function (msg) {
    early.push(msg);
    if (early.length > 1 || msg.o !== 'hello') return;
    load(msg.wasm).then(
      function () {
        let host = hosts.get(msg.key);
        if (!host) {
          try {
            host = new Host(msg.key, msg.options, { Client: Client, mode: 'worker', onIdle: onIdle });
          } catch (error) {
            link.send({ o: 'fatal', e: 'the shared client could not be created: ' + (error && error.message ? error.message : String(error)) });
            return;
          }
          hosts.set(msg.key, host);
        }
        watch(msg.tab);
        host.attach(link, msg);
        // What the tab sent while the wasm loaded, in order.
        for (let i = 1; i < early.length; i++) link.onmessage(early[i]);
      },
      function (error) {
        link.send({ o: 'fatal', e: 'the SharedWorker could not load the wasm: ' + (error && error.message ? error.message : String(error)) });
      },
    );
  };
};
