// Runs an environment-neutral check (a named export of a module under tests/support taking
// `{ Client, broker, id, platform, … }`) through the package: in a Node child process (pkg/node, `ws` as
// the global WebSocket) or in a headless Chromium page (pkg/web served from loopback). Either way the
// result is `{ ok, outcome?, error?, faults }`; a check that hangs past its budget is killed and reported.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumContext, removeProfile } from './chromium.mjs';
import { serveRepository } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

let runs = 0;
/** A record id nobody else uses (the broker counts `faulty=N` per URL, so it must be fresh too). */
export function freshId(label) {
  runs += 1;
  return `${label}-${process.pid}-${runs}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs `checkName` of `moduleName` in a fresh Node process; resolves to its result. */
export function runInNode(moduleName, checkName, port, { id = freshId(checkName), budgetMs = 60000 } = {}) {
  return runChild([join(HERE, 'run-check-node.mjs'), moduleName, checkName, String(port), id], budgetMs);
}

/**
 * Runs `node ...args` (from the repository root) and resolves to the `RESULT {json}` line it prints,
 * with the tail of its stderr; a child that prints none, or hangs past `budgetMs` (killed), is a failure.
 */
export function runChild(args, budgetMs) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) {
        done({ ...JSON.parse(line.slice('RESULT '.length)), stderr: stderr.slice(-4000) });
      } else {
        const why = signal === 'SIGKILL' ? `hung: killed after ${budgetMs} ms` : `exited (code ${code}, signal ${signal})`;
        done({ ok: false, error: `${why} without a result`, faults: [], stderr: stderr.slice(-4000) });
      }
    });
  });
}

/** The page every check runs in: records uncaught errors, unhandled rejections and panics. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>check</title><script>
globalThis.__stompFaults = [];
addEventListener('error', (e) => __stompFaults.push('uncaught: ' + (e.error && e.error.stack || e.message)));
addEventListener('unhandledrejection', (e) => __stompFaults.push('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason)));
const consoleError = console.error;
console.error = (...args) => {
  const text = args.map(String).join(' ');
  if (/panicked|RuntimeError|unreachable/.test(text)) __stompFaults.push('console.error: ' + text);
  consoleError.apply(console, args);
};
</script></head><body></body></html>`;

/** One headless Chromium and one static server for a test file; `run()` opens a fresh page per check. */
export class ChromiumRunner {
  static async start() {
    const runner = new ChromiumRunner();
    runner.server = await serveRepository({ '/check.html': PAGE });
    runner.profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-checks-'));
    runner.browser = await launchChromiumContext(runner.profile);
    runner.origin = `http://127.0.0.1:${runner.server.address().port}`;
    return runner;
  }

  async run(moduleName, checkName, port, { id = freshId(checkName), budgetMs = 60000 } = {}) {
    const page = await this.browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.stack || error.message}`));
    page.on('crash', () => pageErrors.push('page crashed'));
    try {
      await page.goto(`${this.origin}/check.html`);
      const evaluation = page.evaluate(async ({ moduleName, checkName, port, id }) => {
        const pkg = await import('/pkg/web/stomp_wasm.js');
        await pkg.default();
        const { TestBrokerClient } = await import('/tests/support/test-broker-client.mjs');
        const checks = await import(`/tests/support/${moduleName}`);
        const { checkResult } = await import('/tests/support/check-result.mjs');
        const env = { ...pkg, broker: new TestBrokerClient(port), id, platform: 'chromium' };
        const result = await checkResult(checks[checkName], env);
        return { ...result, faults: globalThis.__stompFaults };
      }, { moduleName, checkName, port, id });
      let timer;
      const budget = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, error: `hung: no result within ${budgetMs} ms`, faults: [] }), budgetMs);
      });
      const result = await Promise.race([evaluation.catch((error) => ({ ok: false, error: String(error), faults: [] })), budget]);
      clearTimeout(timer);
      result.faults = [...(result.faults || []), ...pageErrors];
      if (result.ok && result.faults.length) result.ok = false;
      return result;
    } finally {
      await page.close().catch(() => {});
    }
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    this.server?.close();
    removeProfile(this.profile);
  }
}

/** The assertion message for a failed result: the error, the faults, the tail of stderr. */
export function explain(result) {
  const parts = [result.error || '(no error)'];
  if (result.events) parts.push(`events: ${result.events}`);
  const faults = result.faults || [];
  if (faults.length) parts.push(`faults (${faults.length}): ${faults.slice(0, 5).join('\n  ')}`);
  if (result.debug && result.debug.length) parts.push(`debug (last lines):\n  ${result.debug.join('\n  ')}`);
  if (result.stderr) parts.push(`stderr: ${result.stderr}`);
  return parts.join('\n');
}
