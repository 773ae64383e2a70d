// Closing every connection of the shared RabbitMQ from the broker's side, as the demo tests' outage:
// through the control server `make test` runs (POST /close-all, at $CONTROL_URL or
// http://127.0.0.1:$CONTROL_PORT, 15680 by default), or, when nothing listens there, `scripts/broker
// close-all` directly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTROL_URL = process.env.CONTROL_URL || `http://127.0.0.1:${process.env.CONTROL_PORT || 15680}`;

/** Closes every broker connection from the broker's side; `reason` names the caller in the broker's log. */
export async function closeAllConnections(reason) {
  try {
    const response = await fetch(`${CONTROL_URL}/close-all`, { method: 'POST' });
    assert.equal(response.status, 200, `POST ${CONTROL_URL}/close-all: ${await response.text()}`);
    return;
  } catch (error) {
    if (error?.cause?.code !== 'ECONNREFUSED') throw error;
  }
  await promisify(execFile)(join(ROOT, 'scripts', 'broker'), ['close-all', reason], { timeout: 30000 });
}
