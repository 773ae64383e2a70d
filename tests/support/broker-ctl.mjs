// What RabbitMQ itself says about a virtual host, for the tests that count connections and
// subscriptions (shared mode): through `rabbitmqctl` on the test broker's node, as scripts/broker
// calls it. Web-STOMP connections are "direct" connections that `rabbitmqctl list_connections` does
// not list; the connection tracking table has them (what `scripts/broker close-one` uses).
import { execFile } from 'node:child_process';
const NODE = 'stomp-test@localhost';
const ENV = { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' };

function run(file, args, timeout = 60000) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: ENV, timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Creates the virtual host `name` (idempotent; guest may do anything in it): what `scripts/broker
 * vhost` does, straight to the node (whichever checkout started the broker).
 */
export function ensureVhost(name) {
  return run('rabbitmqctl', ['-q', '-n', NODE, 'eval', `
    V = <<"${name}">>,
    case rabbit_vhost:exists(V) of true -> ok; false -> rabbit_vhost:add(V, <<"tests">>) end,
    rabbit_auth_backend_internal:set_permissions(<<"guest">>, V, <<".*">>, <<".*">>, <<".*">>, <<"tests">>).`]);
}

/** The client connections of `vhost` the broker has, as their names (Web-STOMP: "ip:port -> ip:port"). */
export async function connections(vhost) {
  const out = await run('rabbitmqctl', ['-q', '-n', NODE, 'eval', `
    [io:format("~s~n", [element(5, C)]) || C <- rabbit_connection_tracking:list(<<"${vhost}">>)], ok.`]);
  return out.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'ok');
}

/** The queues of `vhost`: `{name, consumers, ready, unacked}` each. */
export async function queues(vhost) {
  const out = await run('rabbitmqctl', ['-q', '-n', NODE, 'list_queues', '-p', vhost, 'name', 'consumers', 'messages_ready', 'messages_unacknowledged', '--formatter', 'json']);
  return JSON.parse(out || '[]').map((q) => ({ name: q.name, consumers: q.consumers, ready: q.messages_ready, unacked: q.messages_unacknowledged }));
}

/** Deletes the queues of `vhost` whose names start with `prefix` (a test's own, at its end). */
export async function deleteQueues(vhost, prefix) {
  for (const q of await queues(vhost)) {
    if (q.name.startsWith(prefix)) await run('rabbitmqctl', ['-q', '-n', NODE, 'delete_queue', '-p', vhost, q.name]);
  }
}

/** Polls `probe()` until `accept(value)` or `timeoutMs`; returns the last value (the caller asserts). */
export async function until(probe, accept, timeoutMs = 15000, everyMs = 300) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await probe();
  }
  return value;
}
