// Headless Chromium driven through the DevTools protocol directly, for the one test that needs a
// background tab as a person has one: created with `Target.createTarget({background: true})`, it is
// hidden (`document.visibilityState === 'hidden'`) and its timers are throttled. Playwright cannot
// give that: attaching to a page, it turns on focus emulation, and every page reports itself visible
// (measured with Chromium 156: a hidden tab became visible, its 1 s timer chain unthrottled).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_PATH, CHROMIUM_ARGS, removeProfile } from './chromium.mjs';

export class CdpBrowser {
  static async launch(extraArgs = []) {
    const b = new CdpBrowser();
    b.profile = mkdtempSync(join(tmpdir(), 'stomp-wasm-cdp-'));
    // A process group of its own, so that close() can end Chromium's helpers with it.
    b.proc = spawn(CHROMIUM_PATH, ['--headless', '--remote-debugging-port=0', `--user-data-dir=${b.profile}`, ...CHROMIUM_ARGS, ...extraArgs, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const url = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`Chromium gave no DevTools URL: ${text.slice(-500)}`)), 20000);
      b.proc.stderr.on('data', (chunk) => {
        text += chunk;
        const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      b.proc.on('exit', (code) => reject(new Error(`Chromium exited (${code}): ${text.slice(-500)}`)));
    });
    b.ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      b.ws.on('open', resolve);
      b.ws.on('error', reject);
    });
    b.seq = 0;
    b.waiting = new Map();
    b.ws.on('message', (data) => {
      const msg = JSON.parse(data);
      const w = msg.id && b.waiting.get(msg.id);
      if (!w) return;
      b.waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`${w.method}: ${msg.error.message}`));
      else w.resolve(msg.result);
    });
    return b;
  }

  send(method, params = {}, sessionId) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** A new tab at `url`; `background`: opened behind the current one (hidden, throttled). */
  async open(url, { background = false } = {}) {
    const { targetId } = await this.send('Target.createTarget', { url, background, newWindow: false });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return new CdpTab(this, targetId, sessionId);
  }

  async close() {
    try {
      await this.send('Browser.close');
    } catch {
      // already gone
    }
    this.ws.close();
    // Chromium writes its profile while it shuts down: the directory goes once the process has exited.
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => this.proc.once('exit', resolve));
    this.killGroup('SIGTERM');
    let timer;
    await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 5000); })]);
    clearTimeout(timer);
    // Chromium's helpers inherit its stderr and write to the profile: the whole group goes (a pipe left
    // open would keep this process, the test file and CI waiting), then the profile.
    this.killGroup('SIGKILL');
    this.proc.stderr.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    removeProfile(this.profile);
  }

  killGroup(signal) {
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      // the group is gone
    }
  }
}

class CdpTab {
  constructor(browser, targetId, sessionId) {
    this.browser = browser;
    this.targetId = targetId;
    this.sessionId = sessionId;
  }

  /** Evaluates `expression` (awaiting a Promise) in the tab; returns its value (JSON). */
  async eval(expression) {
    const r = await this.browser.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId);
    if (r.exceptionDetails) throw new Error(`in the tab: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** Polls `expression` until truthy. */
  async waitFor(expression, timeout = 15000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await this.eval(expression)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close() {
    return this.browser.send('Target.closeTarget', { targetId: this.targetId });
  }
}
