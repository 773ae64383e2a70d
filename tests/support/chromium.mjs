// Headless Chromium as every browser test starts it: Debian's chromium (or $CHROMIUM) through
// playwright-core, with the flags it needs as root in a sandbox-less container and nothing that reaches
// out to the network on its own (no background networking, component updates, sync, or QUIC).
import { rmSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** The browser binary: Debian's, unless $CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM || '/usr/bin/chromium';

/** The command-line flags every test browser runs with. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

/** A headless Chromium with a throwaway profile (playwright's `launch`), `extraArgs` after the usual flags. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * A headless Chromium on the profile directory `profile` (playwright's `launchPersistentContext`), with
 * `env` as its environment when given (a HOME whose NSS database holds a CA, say).
 */
export function launchChromiumContext(profile, { env } = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(env ? { env } : {}),
    args: CHROMIUM_ARGS,
  });
}

/**
 * Removes a profile directory a Chromium used. Chromium may still be writing to it for a moment after
 * it was told to close (seen in CI: ENOTEMPTY on `Default/`), so the removal retries for up to 2 s; a
 * directory that still cannot go is left in the temporary directory, said on stderr: housekeeping,
 * never a test's failure.
 */
export function removeProfile(profile) {
  if (!profile) return;
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    console.error(`left ${profile}: ${error.message}`);
  }
}
