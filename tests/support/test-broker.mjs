// The fault-injecting test broker (tools/test-broker) from Node: build it, spawn it on an ephemeral
// loopback port, and talk to its record/inject/close endpoints. A test file calls `startTestBroker()` in
// `before()` and `broker.stop()` in `after()`. The URL scheme (scenarios and parameters) is documented in
// tools/test-broker/src/scenario.rs.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { TestBrokerClient } from './test-broker-client.mjs';

export { TestBrokerClient };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MANIFEST = join(ROOT, 'tools', 'test-broker', 'Cargo.toml');
const BINARY = join(ROOT, 'tools', 'test-broker', 'target', 'release', 'stomp-test-broker');

/** Builds the broker (quick once built); throws with cargo's output if the build fails. */
export function buildTestBroker() {
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  const build = spawnSync('cargo', ['build', '--release', '--quiet', '--manifest-path', MANIFEST], {
    cwd: ROOT, env, encoding: 'utf8',
  });
  if (build.status !== 0) {
    throw new Error(`cargo build of tools/test-broker failed:\n${build.stdout}\n${build.stderr}`);
  }
  return BINARY;
}

/**
 * Builds and starts a broker; resolves once it listens. The returned handle:
 * - `port`, `origin` (`http://127.0.0.1:PORT`);
 * - `url(scenario, params)` → `ws://127.0.0.1:PORT/<scenario>?<params>`;
 * - `records(id)` → the connections made with `id=…` (see tools/test-broker/src/record.rs);
 * - `inject(id, text, {binary})`, `close(id, {drop})`;
 * - `stop()`.
 */
export async function startTestBroker() {
  const binary = buildTestBroker();
  const child = spawn(binary, ['0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test broker did not start in 10 s: ${stderr}`)), 10000);
    child.once('exit', (code) => reject(new Error(`test broker exited (${code}): ${stderr}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(Number(line.trim()));
    });
  });
  return new TestBroker(child, port);
}

/** The Node handle: the endpoints of `TestBrokerClient` plus the process. */
export class TestBroker extends TestBrokerClient {
  constructor(child, port) {
    super(port);
    this.child = child;
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
