// Child-process entry that runs one check of rxstomp-checks.mjs in Node with the scratch project's
// @stomp/rx-stomp over this package (rxstomp-project.mjs), so that a hang or a crash cannot take the test
// file down. Usage: node rxstomp-run-node.mjs <project dir> <check name>. Prints `RESULT {…}` and exits;
// uncaught exceptions and unhandled rejections are recorded in globalThis.__stompFaults.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkResult } from './check-result.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const [project, checkName] = process.argv.slice(2);

const faults = (globalThis.__stompFaults = []);
process.on('uncaughtException', (error) => faults.push(`uncaught exception: ${error && error.stack || error}`));
process.on('unhandledRejection', (error) => faults.push(`unhandled rejection: ${error && error.stack || error}`));

globalThis.WebSocket = createRequire(import.meta.url)(join(ROOT, 'node_modules', 'ws'));
const rx = await import(pathToFileURL(join(project, 'rx-env.mjs')).href);
await rx.init(); // the Node build is ready at load; init() is harmless there, and what a page must do
const oracle = await import(pathToFileURL(join(ROOT, 'node_modules', '@stomp', 'stompjs', 'esm6', 'index.js')).href);
const checks = await import(pathToFileURL(join(ROOT, 'tests', 'support', 'rxstomp-checks.mjs')).href);

const env = {
  RxStomp: rx.RxStomp,
  RxStompRPC: rx.RxStompRPC,
  RxStompState: rx.RxStompState,
  rxjs: rx.rxjs,
  PackageClient: rx.PackageClient,
  OracleClient: oracle.Client,
  platform: 'node',
};
const result = await checkResult(checks[checkName], env);
result.faults = faults;
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
