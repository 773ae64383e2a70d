// The scratch project of the rx-stomp suite (Node only): the real @stomp/rx-stomp from npm, with
// @stomp/stompjs resolved to this package's tarball — the npm alias a user writes to put stomp-wasm
// under rx-stomp (README, "Using it with rx-stomp / Angular"):
//   "dependencies": { "@stomp/stompjs": "file:stomp-wasm-<version>.tgz", "@stomp/rx-stomp": "2.4.0", … },
//   "overrides": { "@stomp/stompjs": "$@stomp/stompjs" }
// (the override satisfies rx-stomp's peer dependency `@stomp/stompjs@^7.2.0`; without it npm stops with
// ERESOLVE). Laid out under target/rxstomp/; `rx-env.mjs` there re-exports what the checks need, so that
// Node resolves every package from inside the project, as an app's code does. The browser page is the
// same imports bundled by Vite (a dev dependency of the repository), after `await init()`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PROJECT = join(ROOT, 'target', 'rxstomp');
/** The versions the suite installs (rx-stomp's peers: rxjs ^7.2, uuid >=9 <15). */
export const RX_STOMP_VERSION = '2.4.0';
const RXJS_VERSION = '^7.8.2';
const UUID_VERSION = '^11.1.0';

/** The oracle: @stomp/stompjs 7.5 from the repository's own node_modules (never the alias). */
export const STOMPJS_ESM = join(ROOT, 'node_modules', '@stomp', 'stompjs', 'esm6', 'index.js');

/**
 * Packs pkg/ and installs the scratch project afresh (npm ci-like: the old one is removed first).
 * Returns the project directory.
 */
export function prepareRxStompProject() {
  assert.ok(statSync(join(ROOT, 'pkg', 'package.json'), { throwIfNoEntry: false }), 'pkg/ is built (scripts/build-pkg)');
  rmSync(PROJECT, { recursive: true, force: true });
  mkdirSync(PROJECT, { recursive: true });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', PROJECT], { cwd: join(ROOT, 'pkg') });
  const tarball = readdirSync(PROJECT).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  writeFileSync(join(PROJECT, 'package.json'), `${JSON.stringify({
    name: 'rxstomp-over-stomp-wasm',
    private: true,
    type: 'module',
    dependencies: {
      '@stomp/rx-stomp': RX_STOMP_VERSION,
      '@stomp/stompjs': `file:${tarball}`,
      rxjs: RXJS_VERSION,
      uuid: UUID_VERSION,
    },
    overrides: { '@stomp/stompjs': '$@stomp/stompjs' },
  }, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(PROJECT, 'rx-env.mjs'), [
    '// What the rx-stomp checks get, resolved from inside the project as an app resolves it.',
    "export { RxStomp, RxStompRPC, RxStompState } from '@stomp/rx-stomp';",
    "export * as rxjs from 'rxjs';",
    "export { default as init, Client as PackageClient } from '@stomp/stompjs';",
    '',
  ].join('\n'));
  return PROJECT;
}

/** The page's fault recorder: uncaught errors and unhandled rejections (as run-check.mjs's page). */
const FAULTS = `<script>
globalThis.__stompFaults = [];
addEventListener('error', (e) => __stompFaults.push('uncaught: ' + (e.error && e.error.stack || e.message)));
addEventListener('unhandledrejection', (e) => __stompFaults.push('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason)));
</script>`;

/**
 * Builds the browser page with Vite: `init()` from '@stomp/stompjs' (this package, through the alias),
 * then `window.__runRxCheck(name)` runs a check of rxstomp-checks.mjs with rx-stomp, rxjs and the
 * oracle. Returns the directory to serve.
 */
export async function buildRxStompPage(project = PROJECT) {
  const web = join(project, 'web');
  rmSync(web, { recursive: true, force: true });
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>rx-stomp</title>${FAULTS}</head>`
    + '<body><script type="module" src="/main.js"></script></body></html>');
  writeFileSync(join(web, 'main.js'), [
    "import init, { Client as PackageClient } from '@stomp/stompjs';",
    "import { RxStomp, RxStompRPC, RxStompState } from '@stomp/rx-stomp';",
    "import * as rxjs from 'rxjs';",
    "import { Client as OracleClient } from 'stompjs-oracle';",
    `import * as checks from ${JSON.stringify(join(ROOT, 'tests', 'support', 'rxstomp-checks.mjs'))};`,
    `import { checkResult } from ${JSON.stringify(join(ROOT, 'tests', 'support', 'check-result.mjs'))};`,
    '',
    '// RxStomp makes its Client in its constructor: the wasm must be loaded before any `new RxStomp()`.',
    'const ready = init();',
    'window.__runRxCheck = async (name) => {',
    '  await ready;',
    "  const env = { RxStomp, RxStompRPC, RxStompState, rxjs, OracleClient, PackageClient, platform: 'chromium' };",
    '  const result = await checkResult(checks[name], env);',
    '  return { ...result, faults: globalThis.__stompFaults };',
    '};',
    '',
  ].join('\n'));
  const { build } = await import('vite');
  await build({
    root: web,
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: { 'stompjs-oracle': STOMPJS_ESM } },
    build: { outDir: join(web, 'dist'), emptyOutDir: true, target: 'es2020' },
  });
  return join(web, 'dist');
}
