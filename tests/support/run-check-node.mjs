// Child-process entry that runs one environment-neutral check (a named export of a checks module) against
// the package's Node build, so that a crash, a hang or a spinning timer in the client cannot take the
// test file down with it. Usage (run-check.mjs does this):
//   node run-check-node.mjs <checks module, relative to tests/support> <check name> <broker port> <record id>
// Prints one line `RESULT {"ok":…}` and exits. Every uncaught exception, unhandled rejection, panic
// message on console.error and TimeoutOverflowWarning is recorded in globalThis.__stompFaults, which the
// checks assert empty.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { TestBrokerClient } from './test-broker-client.mjs';
import { checkResult } from './check-result.mjs';
import { watchWasmMemory } from '../../bench/lib/wasm-memory.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const [moduleName, checkName, port, id] = process.argv.slice(2);

const faults = (globalThis.__stompFaults = []);
process.on('uncaughtException', (error) => faults.push(`uncaught exception: ${error && error.stack || error}`));
process.on('unhandledRejection', (error) => faults.push(`unhandled rejection: ${error && error.stack || error}`));
process.on('warning', (warning) => {
  if (warning.name === 'TimeoutOverflowWarning') faults.push(`TimeoutOverflowWarning: ${warning.message}`);
});
const consoleError = console.error;
console.error = (...args) => {
  const text = args.map(String).join(' ');
  if (/panicked|RuntimeError|unreachable/.test(text)) faults.push(`console.error: ${text}`);
  consoleError(...args);
};

globalThis.WebSocket = require(join(ROOT, 'node_modules', 'ws'));
// The package's wasm memory in bytes (env.wasmMemory()), for checks that bound it: watched before the
// package instantiates its module.
const wasmMemory = watchWasmMemory();
const pkg = await import(pathToFileURL(join(ROOT, 'pkg', 'node', 'index.mjs')).href);
await pkg.default();
const checks = await import(pathToFileURL(join(ROOT, 'tests', 'support', moduleName)).href);

const cpuTime = () => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};
const env = { ...pkg, broker: new TestBrokerClient(Number(port)), id, platform: 'node', cpuTime, wasmMemory };
const result = await checkResult(checks[checkName], env);
result.faults = faults;
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
