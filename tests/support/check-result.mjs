// A check's result, made the same way in both places a check runs: the Node child (run-check-node.mjs)
// and the Chromium page (run-check.mjs imports this into the page). Environment-neutral, no imports.

/**
 * Runs `check(env)` and resolves to `{ ok: true, …what it returned }`, or `{ ok: false, error }` (the
 * stack) when it throws; with the last Watch's event summary (client-watch.mjs), and its last 40 debug
 * lines when the check failed. The caller adds the faults its runtime recorded.
 */
export async function checkResult(check, env) {
  let result;
  try {
    result = { ok: true, ...(await check(env)) };
  } catch (error) {
    result = { ok: false, error: String(error && error.stack || error) };
  }
  const watch = globalThis.__stompWatch;
  if (watch) {
    result.events = watch.summary();
    if (!result.ok) result.debug = watch.debugLines.slice(-40);
  }
  return result;
}
