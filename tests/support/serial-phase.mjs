// Whether this process runs inside `make test`'s serial JS phase: one of its ancestors is
// scripts/test-all, which holds the machine-wide test lock and runs the JS test files one at a time. Tests
// that stop the shared broker (tests/js/lost-kill.test.mjs) run only there, or when the person running them
// says so with STOMP_WASM_MAY_KILL_BROKER=1 (nobody else is using the broker).
import { readFileSync } from 'node:fs';

/** The command lines of this process and its ancestors, nearest first. */
export function ancestry() {
  const chain = [];
  let pid = process.pid;
  while (pid > 1 && chain.length < 64) {
    try {
      chain.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
      pid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    } catch {
      break;
    }
  }
  return chain;
}

/** True inside scripts/test-all (make test), or with STOMP_WASM_MAY_KILL_BROKER=1. */
export function mayDisruptBroker() {
  if (process.env.STOMP_WASM_MAY_KILL_BROKER === '1') return true;
  return ancestry().some((argv) => argv.slice(0, 2).some((arg) => /(^|\/)scripts\/test-all$/.test(arg)));
}
