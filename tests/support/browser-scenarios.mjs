// The browser scenarios (scenarios.js, each taking `make(options)`) as one check for run-check.mjs's
// Chromium runner: `scenario(env)` runs the scenario named by `env.id` with the package's `Client`.
import * as scenarios from './scenarios.js';

export async function scenario(env) {
  const run = scenarios[env.id];
  if (typeof run !== 'function') throw new Error(`no scenario named ${env.id}`);
  await run((options) => new env.Client(options));
  return {};
}
